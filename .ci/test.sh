#!/usr/bin/env bash
# The test command a newcomer runs (README.md) and CI runs (.ci/run): builds everything with warnings as errors and
# runs every test project. It installs what the tests need first (apt packages, only when missing); the .NET SDK
# itself must be there.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET SDK is required (global.json pins the 10.0 feature band): https://dot.net" >&2
  exit 1
fi

# Servers the tests start themselves, from the machine's packages: installed here when missing (CI runs as root).
missing=()
if [ "${INGESTION_SKIP_REDIS_TESTS:-}" != "1" ]; then
  command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
fi
# The console sample's live display is rendered once in a pseudo-terminal.
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
# The dashboard's browser tests drive Debian's Chromium through Playwright (which downloads no browser here); it is
# installed with its recommended packages (fonts among them), as it was when the tests were written.
browser=()
[ -x /usr/bin/chromium ] || browser+=(chromium)
if [ "${INGESTION_SKIP_POSTGRES_TESTS:-}" != "1" ]; then
  # The tests run initdb and pg_ctl from /usr/lib/postgresql/*/bin (the package does not put them on PATH).
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
fi
if [ $((${#missing[@]} + ${#browser[@]})) -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "The tests need: ${missing[*]} ${browser[*]}. Install them (apt-get install ${missing[*]} ${browser[*]}) or run this as root." >&2
    exit 1
  fi
  apt-get update
  if [ ${#missing[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  fi
  if [ ${#browser[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${browser[@]}"
  fi
fi

# The web sample's dashboard is built with npm (dotnet build runs it), and the SignalR tests drive the hub from the
# official JavaScript client too: node 20+ and npm, from the machine.
if ! node_version=$(node --version 2>/dev/null) || [ "$(echo "$node_version" | sed 's/^v\([0-9]*\).*/\1/')" -lt 20 ] || ! command -v npm >/dev/null 2>&1; then
  echo "The tests need Node.js 20 or newer and npm (found: ${node_version:-none}); install them, e.g. from nodejs.org." >&2
  exit 1
fi

# Everything builds (samples and benchmarks too, and the dashboard with npm), then the dashboard's own unit tests and
# every test project run.
dotnet build Ingestion.Core.sln -c Release
npm --prefix samples/Ingestion.Samples.Web/ClientApp test
dotnet test Ingestion.Core.sln -c Release --no-build --logger "console;verbosity=minimal" --blame-hang-timeout 5m --blame-hang-dump-type none "$@"
