"""Fill untranslated messages of a Qt Linguist .ts file from JSON files.

Each JSON file maps a context (the class whose ``tr()`` asks) to ``{source: translation}``::

    {"ReviewScreen": {"Check log": "检查日志"}}

Only messages still marked ``unfinished`` (or empty) are filled; a source that is not in
the .ts is reported, so a typo does not pass silently. Run through
``scripts/translations.sh FILE.json ...``, which holds a lock around lupdate, this
fill and lrelease.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def fill(ts_path: Path, mapping: dict[str, dict[str, str]]) -> tuple[int, list[str]]:
    tree = ET.parse(ts_path)
    filled = 0
    wanted = {(ctx, src) for ctx, entries in mapping.items() for src in entries}
    seen: set[tuple[str, str]] = set()
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        entries = mapping.get(name, {})
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            if source not in entries:
                continue
            seen.add((name, source))
            translation = message.find("translation")
            if translation is None:
                translation = ET.SubElement(message, "translation")
            if translation.get("type") == "unfinished" or not (translation.text or "").strip():
                translation.text = entries[source]
                translation.attrib.pop("type", None)
                filled += 1
    tree.write(ts_path, encoding="utf-8", xml_declaration=True)
    text = ts_path.read_text(encoding="utf-8")
    if "<!DOCTYPE TS>" not in text:  # ElementTree drops the doctype lupdate writes
        text = text.replace("?>\n", "?>\n<!DOCTYPE TS>\n", 1)
        ts_path.write_text(text, encoding="utf-8")
    missing = sorted(f"{ctx}: {src}" for ctx, src in wanted - seen)
    return filled, missing


def main(argv: list[str]) -> int:
    ts_path = Path(argv[0])
    status = 0
    for name in argv[1:]:
        mapping = json.loads(Path(name).read_text(encoding="utf-8"))
        filled, missing = fill(ts_path, mapping)
        print(f"{name}: {filled} translation(s) filled")
        for item in missing:
            print(f"  not in the .ts (no such tr() string): {item}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
