#!/usr/bin/env bash
# The test command a newcomer runs (README.md) and CI runs (.ci/run): builds everything with warnings as errors and
# runs every test project. It installs what the tests need first; today that is only the .NET SDK itself, which the
# machine has. Later suites add their apt packages (chromium, redis-server) here, installed only when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET SDK is required (global.json pins the 10.0 feature band): https://dot.net" >&2
  exit 1
fi

# Everything builds (samples and benchmarks too), then every test project runs.
dotnet build Ingestion.Core.sln -c Release
dotnet test Ingestion.Core.sln -c Release --no-build --logger "console;verbosity=minimal" --blame-hang-timeout 5m --blame-hang-dump-type none "$@"
