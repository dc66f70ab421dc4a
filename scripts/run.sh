#!/usr/bin/env bash
# Set up (first time only) and start the main job: checkpoint-app in demo mode
# (local SQLite, the shipped offline cache, demo data). Extra arguments go to the app.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/bootstrap.sh"
exec "$ROOT/.venv/bin/checkpoint-app" --demo "$@"
