#!/usr/bin/env bash
# Set up (first time only) and start the main job: the checkpoint_app desktop GUI in
# demo mode (local SQLite, the shipped offline cache, demo data, a demo central API on
# 127.0.0.1 and a "demo phone" window). Extra arguments go to the app, e.g.
#   bash scripts/run.sh --source clip.mp4     # a video file instead of the webcam
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/bootstrap.sh"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "[run] no screen found (DISPLAY is not set): start this from a desktop session," >&2
  echo "[run] or run it on a virtual screen: xvfb-run -a bash scripts/run.sh" >&2
  exit 2
fi
exec "$ROOT/.venv/bin/checkpoint-app" --demo "$@"
