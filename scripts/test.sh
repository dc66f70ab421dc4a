#!/usr/bin/env bash
# Set up (first time only) and run every check: lint, format, types, layer
# contracts, the test suite (with the reduced benchmarks), then the station bundle
# built with PyInstaller and its self-test run from dist/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/bootstrap.sh"
cd "$ROOT"
BIN="$ROOT/.venv/bin"
export QT_QPA_PLATFORM=offscreen

echo "== ruff check";        "$BIN/ruff" check .
echo "== ruff format";       "$BIN/ruff" format --check .
echo "== mypy (domain)";     "$BIN/mypy"
echo "== import contracts";  "$BIN/lint-imports" --no-cache
export CHECKPOINT_TEST_POSTGRES_URL="${CHECKPOINT_TEST_POSTGRES_URL:-$(bash "$ROOT/scripts/postgres.sh")}"  # the central server's tests run on PostgreSQL too
echo "== pytest";            "$BIN/python" -m pytest "$@"
echo "== bundle";            bash "$ROOT/scripts/check_bundle.sh"  # PyInstaller build + its --self-test from dist/
