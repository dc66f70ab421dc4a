#!/usr/bin/env bash
# Build the station bundle: dist/checkpoint-app/ (PyInstaller, one folder, build.spec).
#
#   bash scripts/build.sh                 # set up .venv if needed, then build
#   dist/checkpoint-app/checkpoint-app --self-test
#
# Copy the whole dist/checkpoint-app/ folder to a USB stick; create an empty
# checkpoint-data/ folder beside the executable there (or start it with --portable)
# and every piece of the station's state stays on the stick (README: "Build and run
# from a USB stick"). On Windows: docs/windows.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ ! -x "$ROOT/.venv/bin/pyinstaller" ]; then bash "$ROOT/scripts/bootstrap.sh"; fi
start=$(date +%s)
# --noconfirm: replace dist/checkpoint-app/ without asking; build/ keeps PyInstaller's
# analysis cache between builds (delete it for a clean build)
"$ROOT/.venv/bin/pyinstaller" --noconfirm --log-level "${PYI_LOG_LEVEL:-WARN}" \
  --distpath "$ROOT/dist" --workpath "$ROOT/build" build.spec
size=$(du -sm "$ROOT/dist/checkpoint-app" | cut -f1)
echo "built dist/checkpoint-app/ (${size} MB unpacked) in $(( $(date +%s) - start )) s"
