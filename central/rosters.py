"""Reading roster files for ``admin roster import`` (``docs/roster-format.md``).

CSV (UTF-8 with or without BOM, or GB18030 as Excel saves it in China; comma,
semicolon or tab) or XLSX (the first sheet). A header row, English or Chinese, then
one traveller per row; one file may hold several rosters. Every row is checked
before anything is stored — the stations refuse a roster with a bad row, so the
server refuses the file — and every problem is reported with its row and column.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

MAX_ROWS: Final = 200_000
MAX_FILE_BYTES: Final = 64 * 1024 * 1024
ENTRY_FIELDS: Final = ("booking", "name", "id_number", "phone", "cid", "seat")

_HEADERS: Final[dict[str, tuple[str, ...]]] = {
    "roster": ("roster", "rosterid", "名单", "车次", "bus"),
    "title": ("title", "名称", "线路"),
    "booking": ("booking", "bookingid", "预约号", "票号", "ticket"),
    "name": ("name", "姓名"),
    "id_number": ("idnumber", "证件号", "身份证号", "证件号码", "id"),
    "phone": ("phone", "电话", "手机", "手机号"),
    "cid": ("cid", "健康码编号", "codeid"),
    "seat": ("seat", "座位", "座位号"),
}
_REQUIRED: Final = ("roster", "booking", "name")
_ROSTER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")
_BOOKING = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}\Z")
_PHONE = re.compile(r"\+?[0-9][0-9* -]{5,22}\Z")
_CID = re.compile(r"[a-z2-7]{26}\Z")


class RosterFileError(ValueError):
    """The file cannot be imported; ``problems`` lists every one found."""

    def __init__(self, problems: Sequence[str]) -> None:
        shown = "; ".join(problems[:5]) + (
            f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        )
        super().__init__(shown)
        self.problems = list(problems)


@dataclass
class Roster:
    roster_id: str
    title: str = ""
    entries: list[dict[str, Any]] = field(default_factory=list)


def _clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets turn phone numbers and ids into numbers
    return unicodedata.normalize("NFKC", str(value)).strip()


def _header_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", text)).lower()


def read_rows(path: Path) -> list[list[object]]:
    """The rows of a CSV or XLSX file, header first."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RosterFileError([f"{path}: cannot read it ({exc.strerror})"]) from None
    if size > MAX_FILE_BYTES:
        raise RosterFileError([f"{path}: larger than {MAX_FILE_BYTES // 2**20} MiB"])
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise RosterFileError(
                [f"{path}: neither UTF-8 nor GB18030 text (save the sheet as CSV UTF-8)"]
            ) from None
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise RosterFileError([f"{path}: not a CSV file ({exc})"]) from None


def _xlsx_rows(path: Path) -> list[list[object]]:
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise RosterFileError([f"{path}: not an XLSX workbook ({exc})"]) from None
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def parse_rosters(rows: Iterable[Sequence[object]]) -> list[Roster]:
    """Every roster of the rows (header first), or :class:`RosterFileError` with all problems."""
    iterator = iter(rows)
    try:
        header = [_clean(cell) for cell in next(iterator)]
    except StopIteration:
        raise RosterFileError(["the file is empty"]) from None
    aliases = {alias: column for column, names in _HEADERS.items() for alias in names}
    columns: dict[str, int] = {}
    problems: list[str] = []
    for index, cell in enumerate(header):
        column = aliases.get(_header_key(cell))
        if column is None:
            continue
        if column in columns:
            problems.append(f"row 1, column {cell}: the column {column!r} appears twice")
        columns[column] = index
    problems += [
        f"row 1: the required column {c!r} is missing" for c in _REQUIRED if c not in columns
    ]
    if problems:
        raise RosterFileError(problems)

    found: dict[str, Roster] = {}
    seen: dict[tuple[str, str], int] = {}
    count = 0
    for number, raw in enumerate(iterator, start=2):
        cells = {name: _clean(raw[i]) if i < len(raw) else "" for name, i in columns.items()}
        if not any(cells.values()):
            continue
        count += 1
        if count > MAX_ROWS:
            problems.append(f"row {number}: more than {MAX_ROWS} travellers in one file")
            break
        row_problems = _check_row(number, cells)
        booking = cells["booking"].upper()
        key = (cells["roster"], booking)
        if not row_problems and key in seen:
            row_problems.append(
                f"row {number}, column booking: repeats row {seen[key]} of this roster"
            )
        if row_problems:
            problems += row_problems
            continue
        seen[key] = number
        roster = found.setdefault(cells["roster"], Roster(cells["roster"]))
        if not roster.title and cells.get("title"):
            roster.title = cells["title"]
        roster.entries.append(
            {
                "booking": booking,
                "name": cells["name"],
                "id_number": cells.get("id_number", "").upper() or None,
                "phone": cells.get("phone") or None,
                "cid": cells.get("cid") or None,
                "seat": cells.get("seat") or None,
            }
        )
    if problems:
        raise RosterFileError(problems)
    if not found:
        raise RosterFileError(["no travellers in the file"])
    for roster in found.values():
        roster.title = roster.title or roster.roster_id
    return list(found.values())


def _check_row(row: int, cells: dict[str, str]) -> list[str]:
    out = []

    def bad(column: str, message: str) -> None:
        out.append(f"row {row}, column {column}: {message}")

    if not _ROSTER_ID.match(cells["roster"]):
        bad("roster", "missing, or not a roster id (letters, digits, _ . -, up to 64)")
    if not _BOOKING.match(cells["booking"]):
        bad("booking", "missing, or not a booking id (letters, digits, _ . -, up to 40)")
    if not 1 <= len(cells["name"]) <= 64:
        bad("name", "missing or longer than 64 characters")
    if cells.get("id_number") and len(cells["id_number"]) < 4:
        bad("id_number", "shorter than 4 characters")
    if cells.get("phone") and not _PHONE.match(cells["phone"]):
        bad("phone", "not a phone number")
    if cells.get("cid") and not _CID.match(cells["cid"]):
        bad("cid", "not a health-code id (26 lower-case base32 characters)")
    if len(cells.get("seat", "")) > 16:
        bad("seat", "longer than 16 characters")
    if len(cells.get("title", "")) > 80:
        bad("title", "longer than 80 characters")
    return out


def read_roster_file(path: Path) -> list[Roster]:
    """Every roster of a CSV or XLSX file, or :class:`RosterFileError`."""
    return parse_rosters(read_rows(path))
