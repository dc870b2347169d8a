#!/usr/bin/env bash
# Runs every test of the solution. Needs PostgreSQL: set MM_TEST_DATABASE_URL, or have the server
# binaries installed (the tests then start a throwaway instance themselves). `bash .ci/run` does all of it.
set -euo pipefail
cd "$(dirname "$0")"
exec dotnet test MarketMaker.sln -c Release --logger "trx" --logger "console;verbosity=minimal" "$@"
