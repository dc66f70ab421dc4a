"""Trim Qt's ICU data library to what the station app can use (Linux bundle, issue 8).

PySide6's Linux wheel ships ICU with the data of every locale ICU knows:
``libicudata.so.73`` is 32 MB of the bundle, most of it names, collations, calendars
and units for 800 locales. The app speaks Chinese and English, and Qt calls only four
parts of ICU (``nm -D --undefined-only libQt6Core.so.6``):

* collation (``ucol_*``: QCollator),
* case mapping (``u_strToUpper``/``u_strToLower``: the rules are code in libicuuc),
* time-zone display names (``ucal_getTimeZoneDisplayName``: QTimeZone),
* code-page converters (``ucnv_*``: QStringDecoder for a named legacy encoding).

So the trimmed data keeps everything that is not tied to one locale, the ``root``,
``en*`` and ``zh*`` locales of the trees Qt reads (collation, time zones, the regions
their names use), and of the converters only GB18030 (the Chinese national
standard, a superset of GBK and GB2312). It drops the trees nothing in Qt reads
(break iterators and their dictionaries, transliteration, spelled-out numbers, units,
currency and language names), Unicode character names, the spoof checker and
StringPrep/IDNA data (Qt has its own IDNA). A traveller's name is never sorted or
converted by ICU in this app; the self-test (``checkpoint_app/selftest.py``, step
``icu``) checks that Chinese collation and time-zone names still work from the bundle.

The work is ICU's own tool, ``icupkg`` (Debian: icu-devtools), which removes items from
the data package and checks that nothing kept depends on a removed item; items that
something kept needs are put back. The package is then wrapped back into a shared
library with the same soname and data symbol (``icudtNN_dat``) by the GNU assembler
and linker (binutils, which PyInstaller needs on Linux anyway), the way ICU's own
``pkgdata`` does.

    python scripts/icu_trim.py LIBICUDATA OUT_DIR     # prints the trimmed library's path
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

KEEP_LOCALES = ("root", "en", "zh")
# trees of the data package no part of ICU that Qt calls reads
UNUSED_TREES = ("brkitr/", "translit/", "rbnf/", "unit/", "curr/", "lang/")
# top-level items of the same kind: character names, the spoof checker, IDNA/StringPrep
UNUSED_ITEMS = ("unames.icu", "confusables.cfu", "uts46.nrm")
UNUSED_SUFFIXES = (".spp",)
KEEP_CONVERTERS = ("gb18030.cnv",)
# a locale's item: "zh_Hans_CN.res", "coll/de_.res"; the per-tree index and key pool stay
LOCALE_ITEM = re.compile(r"^([a-z]{2,3}|root)(_[A-Za-z0-9]*)*\.res$")
TREE_FILES = ("res_index.res", "pool.res")
MISSING_DEPENDENCY = re.compile(r"depends on missing item (\S+)")
LIBRARY_NAME = re.compile(r"^libicudata\.so\.(\d+)$")
DATA_MAGIC = b"\xda\x27"  # bytes 2-3 of every ICU data header


class TrimError(RuntimeError):
    """The data could not be trimmed; the message says what is missing or wrong."""


@dataclass(frozen=True)
class Trimmed:
    library: Path
    items_before: int
    items_after: int
    bytes_before: int
    bytes_after: int


def tools() -> dict[str, str]:
    """Paths of icupkg, readelf, as and ld, or TrimError naming the package to install."""
    found: dict[str, str] = {}
    for tool, package in (
        ("icupkg", "icu-devtools"),
        ("readelf", "binutils"),
        ("as", "binutils"),
        ("ld", "binutils"),
    ):
        path = shutil.which(tool) or shutil.which(tool, path="/usr/sbin:/sbin")
        if path is None:
            raise TrimError(f"{tool} not found: apt-get install {package}")
        found[tool] = path
    return found


def is_dropped(item: str, keep_locales: tuple[str, ...] = KEEP_LOCALES) -> bool:
    """True for a data item (a path inside the package, "coll/de.res") the app cannot use."""
    base = item.rsplit("/", 1)[-1]
    if item.startswith(UNUSED_TREES) or base in UNUSED_ITEMS or base.endswith(UNUSED_SUFFIXES):
        return True
    if "/" not in item and base.endswith(".cnv"):
        return base not in KEEP_CONVERTERS
    if base in TREE_FILES or not LOCALE_ITEM.match(base):
        return False
    language = base.removesuffix(".res").split("_", 1)[0]
    return language not in keep_locales


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False)


def extract_package(library: Path, symbol: str, readelf: str) -> bytes:
    """The data package that LIBRARY exports as SYMBOL (its bytes in the file)."""
    symbols = _run([readelf, "-Ws", "--dyn-syms", str(library)]).stdout
    found = None
    for line in symbols.splitlines():
        fields = line.split()
        if len(fields) >= 8 and fields[7] == symbol and fields[6].isdigit():
            found = (int(fields[1], 16), int(fields[2], 0), int(fields[6]))
            break
    if found is None:
        raise TrimError(f"{library.name} does not export {symbol}")
    address, size, section_index = found
    sections = _run([readelf, "-SW", str(library)]).stdout
    pattern = re.compile(
        r"\[\s*(\d+)\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)", re.IGNORECASE
    )
    for match in pattern.finditer(sections):
        if int(match.group(1)) == section_index:
            section_address, offset = int(match.group(2), 16), int(match.group(3), 16)
            break
    else:
        raise TrimError(f"{library.name}: section {section_index} of {symbol} not found")
    with library.open("rb") as f:
        f.seek(offset + address - section_address)
        data = f.read(size)
    if len(data) != size or data[2:4] != DATA_MAGIC:
        raise TrimError(f"{library.name}: {symbol} is not ICU common data")
    return data


def trim(library: Path, out_dir: Path, keep_locales: tuple[str, ...] = KEEP_LOCALES) -> Trimmed:
    """Write OUT_DIR/libicudata.so.NN with only the data the app can use."""
    match = LIBRARY_NAME.match(library.name)
    if match is None:
        raise TrimError(f"{library.name}: expected libicudata.so.<version>")
    version = match.group(1)
    symbol, package = f"icudt{version}_dat", f"icudt{version}l"
    paths = tools()
    data = extract_package(library, symbol, paths["readelf"])
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="icu-trim-") as tmp:
        work = Path(tmp)
        # the item names inside carry the package's name: the files must be icudtNNl.dat
        source, trimmed = work / "in" / f"{package}.dat", work / "out" / f"{package}.dat"
        source.parent.mkdir()
        trimmed.parent.mkdir()
        source.write_bytes(data)
        listing = _run([paths["icupkg"], "-l", str(source)])
        if listing.returncode != 0:
            raise TrimError(f"icupkg cannot read {symbol}: {listing.stderr.strip()}")
        items = [line.strip() for line in listing.stdout.splitlines() if line.strip()]
        dropped = {item for item in items if is_dropped(item, keep_locales)}
        drop_list = work / "drop.txt"
        while True:  # put back what a kept item needs ("zh_Hant_HK" spells numbers as "yue")
            drop_list.write_text("".join(f"{item}\n" for item in sorted(dropped)))
            trimmed.unlink(missing_ok=True)
            result = _run([paths["icupkg"], "-r", str(drop_list), str(source), str(trimmed)])
            needed = set(MISSING_DEPENDENCY.findall(result.stdout + result.stderr)) & dropped
            if not needed:
                break
            dropped -= needed
        if result.returncode != 0 or not trimmed.is_file():
            raise TrimError(f"icupkg failed: {(result.stdout + result.stderr).strip()[-500:]}")
        assembly = work / "icudata.s"
        assembly.write_text(
            "\t.section .rodata\n"
            "\t.balign 16\n"
            f"\t.globl {symbol}\n"
            f"\t.type {symbol}, @object\n"
            f"{symbol}:\n"
            f'\t.incbin "{trimmed}"\n'
            f"\t.size {symbol}, . - {symbol}\n"
            '\t.section .note.GNU-stack,"",@progbits\n'
        )
        obj = work / "icudata.o"
        output = out_dir / library.name
        for step in (
            [paths["as"], "-o", str(obj), str(assembly)],
            [paths["ld"], "-shared", "-soname", library.name, "-o", str(output), str(obj)],
        ):
            done = _run(step)
            if done.returncode != 0:
                raise TrimError(f"{Path(step[0]).name} failed: {done.stderr.strip()}")
        package_bytes = trimmed.read_bytes()
    if extract_package(output, symbol, paths["readelf"]) != package_bytes:
        output.unlink()
        raise TrimError(f"{output.name}: the linked library does not hold the trimmed data")
    return Trimmed(output, len(items), len(items) - len(dropped), len(data), len(package_bytes))


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    try:
        result = trim(Path(argv[1]), Path(argv[2]))
    except TrimError as error:
        print(f"icu_trim: {error}", file=sys.stderr)
        return 1
    print(
        f"{result.library}: {result.items_after} of {result.items_before} items, "
        f"{result.bytes_after / 1e6:.1f} MB of {result.bytes_before / 1e6:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
