#!/usr/bin/env bash
# CI: build the station bundle and run its self-test from dist/ (issue 8).
#
# Fails when the build fails, when `dist/checkpoint-app/checkpoint-app --self-test`
# exits non-zero, or when a native library it reports (libzbar, zxing-cpp, OpenCV,
# Qt, its platform plugin) was loaded from outside dist/checkpoint-app/, i.e. the
# system's copy instead of the bundled one. Then prints the bundle's size and
# start-up time (benchmarks/bench_bundle.py --quick). About a minute on 2 cores.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DIST="$ROOT/dist/checkpoint-app"
start=$(date +%s)
bash "$ROOT/scripts/build.sh"
built=$(date +%s)

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! QT_QPA_PLATFORM=offscreen "$DIST/checkpoint-app" --self-test >"$log" 2>"$log.err"; then
  cat "$log"; tail -20 "$log.err" >&2; rm -f "$log.err"
  echo "bundle self-test FAILED" >&2
  exit 1
fi
rm -f "$log.err"
cat "$log"

# Every library line ("lib  NAME  PATH") must name a file inside the bundle.
required=(libzbar zxing-cpp opencv qt-core qt-plugins qt-platform)
for name in "${required[@]}"; do
  path="$(sed -nE "s/^lib +${name} +//p" "$log")"
  case "$path" in
    "$DIST"/*) ;;
    *) echo "bundle self-test: $name was loaded from '${path:-nowhere}', not from $DIST" >&2; exit 1 ;;
  esac
done
echo "bundle: every native library loaded from $DIST"
echo "bundle: built in $((built - start)) s, checked in $(( $(date +%s) - built )) s"
"$ROOT/.venv/bin/python" "$ROOT/benchmarks/bench_bundle.py" --quick
