#!/usr/bin/env bash
# Update the Chinese translation: collect every tr() string of the Qt screens into
# resources/translations/checkpoint_zh_CN.ts (lupdate keeps the translations already
# there, marks new strings "unfinished" and drops vanished ones), then build the
# checkpoint_zh_CN.qm the app loads (lrelease). Both files are committed.
#
#   bash scripts/translations.sh          # after adding or changing a tr("...") string
#   bash scripts/translations.sh zh.json  # ... and fill new strings from a JSON file
#                                         # ({"Context": {"source": "译文"}}, see
#                                         # scripts/fill_translations.py)
#
# Then translate the new strings (Qt Linguist: .venv/bin/pyside6-linguist on the .ts,
# or edit the XML: fill <translation>, drop type="unfinished"), and run it again to
# rebuild the .qm. tests/ui/test_i18n.py fails while any string is untranslated.
#
# Strings in app.py asked with window.tr("...") are translated at run time in the
# MainWindow context; lupdate files them under "window", so they are also marked in
# main_window.py (APP_TEXTS). Prefer QCoreApplication.translate("MainWindow", "...")
# or a screen's own tab_title() for new ones.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
OUT="resources/translations"
TS="$OUT/checkpoint_zh_CN.ts"
QM="$OUT/checkpoint_zh_CN.qm"
mkdir -p "$OUT"
# One run at a time: lupdate rewrites the .ts that a concurrent fill would be editing.
exec 9>"${TMPDIR:-/tmp}/checkpoint-translations.lock"
flock 9

# The Qt tools ship inside the PySide6 package. Run them from there: the
# pyside6-lupdate wrappers fail when PySide6 is a namespace package (no __init__.py,
# as when only PySide6-Essentials/Addons are installed and one was reinstalled).
QT_BIN="$("$PY" -c 'import PySide6, pathlib; print(pathlib.Path(list(PySide6.__path__)[0]))')"
LUPDATE="$QT_BIN/lupdate"
LRELEASE="$QT_BIN/lrelease"
[ -x "$LUPDATE" ] || LUPDATE="$ROOT/.venv/bin/pyside6-lupdate"
[ -x "$LRELEASE" ] || LRELEASE="$ROOT/.venv/bin/pyside6-lrelease"

SOURCES=(checkpoint_app/ui/*.py checkpoint_app/app.py)
update_ts() {
"$LUPDATE" -no-obsolete -locations relative -source-language en -target-language zh_CN \
  "${SOURCES[@]}" -ts "$TS"
# lupdate reads Python's "#:" attribute doc comments as translator comments and hangs
# them on the next tr() string, whatever it is: drop them (the project writes none).
"$PY" - "$TS" <<'PYEOF'
import re, sys
path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    text = f.read()
with open(path, "w", encoding="utf-8") as f:
    f.write(re.sub(r"\n *<extracomment>.*?</extracomment>", "", text, flags=re.S))
PYEOF
}
update_ts
if [ "$#" -gt 0 ]; then
  "$PY" scripts/fill_translations.py "$TS" "$@"
  update_ts  # lupdate's own layout again (the committed .ts is what lupdate writes)
fi
"$LRELEASE" "$TS" -qm "$QM"

unfinished="$(grep -c 'type="unfinished"' "$TS" || true)"
if [ "$unfinished" != "0" ]; then
  echo "translations: $unfinished string(s) still untranslated in $TS: translate them and run this again" >&2
fi
