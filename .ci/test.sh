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
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "The tests need: ${missing[*]}. Install them (apt-get install ${missing[*]}) or run this as root." >&2
    exit 1
  fi
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Everything builds (samples and benchmarks too), then every test project runs.
dotnet build Ingestion.Core.sln -c Release
dotnet test Ingestion.Core.sln -c Release --no-build --logger "console;verbosity=minimal" --blame-hang-timeout 5m --blame-hang-dump-type none "$@"
