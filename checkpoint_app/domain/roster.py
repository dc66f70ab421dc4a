"""Rosters: who is expected on a bus or at a collection point (pure parsing and matching).

A roster file (CSV or the first sheet of an XLSX; see ``docs/roster-format.md``) has
a header row, then one row per expected traveller. Headers may be English or
Chinese; case, spaces and ``_``/``-`` are ignored:

========== ======================= ========= ==============================================
column     also accepted           required  value
========== ======================= ========= ==============================================
roster     名单, 车次, bus          yes       roster id, e.g. ``HD-BUS-3`` (letters, digits, ``_.-``)
title      名称, 线路               no        shown to the marshal, e.g. ``海淀 3号车``
booking    预约号, 票号, ticket     yes       booking id, unique within its roster
name       姓名                    yes       1-64 characters
id_number  证件号, 身份证号, id     no        full or masked document number (≥ 4 characters)
phone      电话, 手机, 手机号       no        7-20 digits, ``+``, spaces and ``-``
cid        健康码编号, code_id      no        the PHI1 ``cid`` (26 lower-case base32)
seat       座位, 座位号             no        free text up to 16 characters
========== ======================= ========= ==============================================

:func:`parse_roster_rows` checks every row and returns all entries or all errors
(row number as the user sees it in the file, column, what is wrong): a roster is
imported whole or not at all.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

MAX_ROWS: Final = 20_000

_HEADERS: Final[dict[str, tuple[str, ...]]] = {
    "roster": ("roster", "rosterid", "名单", "车次", "bus"),
    "title": ("title", "名称", "线路"),
    "booking": ("booking", "bookingid", "预约号", "票号", "ticket"),
    "name": ("name", "姓名"),
    "id_number": ("idnumber", "证件号", "身份证号", "id", "证件号码"),
    "phone": ("phone", "电话", "手机", "手机号"),
    "cid": ("cid", "健康码编号", "codeid"),
    "seat": ("seat", "座位", "座位号"),
}
REQUIRED: Final = ("roster", "booking", "name")
_ROSTER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")
_BOOKING = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}\Z")
_PHONE = re.compile(r"\+?[0-9][0-9* -]{5,22}\Z")  # masked numbers (138****5678) too
_CID = re.compile(r"[a-z2-7]{26}\Z")


@dataclass(frozen=True, slots=True)
class RosterEntry:
    roster_id: str
    booking_id: str
    name: str
    row: int
    title: str = ""
    id_number: str = ""
    phone: str = ""
    cid: str = ""
    seat: str = ""

    @property
    def id_last4(self) -> str:
        return self.id_number[-4:].upper()


@dataclass(frozen=True, slots=True)
class RowError:
    """``row`` is the line or sheet row number as shown to the user (header = row 1)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


class RosterError(ValueError):
    """The file cannot be imported; ``errors`` lists every problem found."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors[:5]) + (" …" if len(errors) > 5 else ""))
        self.errors = list(errors)


def _norm_header(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", text)).lower()


def map_headers(header: Sequence[str]) -> dict[str, int]:
    """Column name → index; raises :class:`RosterError` for missing or repeated columns."""
    aliases = {alias: column for column, names in _HEADERS.items() for alias in names}
    found: dict[str, int] = {}
    errors: list[RowError] = []
    for index, cell in enumerate(header):
        column = aliases.get(_norm_header(cell))
        if column is None:
            continue  # extra columns are allowed (and ignored)
        if column in found:
            errors.append(RowError(1, cell, f"the column {column!r} appears twice"))
        found[column] = index
    for column in REQUIRED:
        if column not in found:
            errors.append(RowError(1, column, "this required column is missing"))
    if errors:
        raise RosterError(errors)
    return found


def _clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets turn phone numbers and ids into numbers
    return unicodedata.normalize("NFKC", str(value)).strip()


def parse_roster_rows(rows: Iterable[Sequence[object]]) -> list[RosterEntry]:
    """Header row first, then data rows; blank rows are skipped."""
    iterator = iter(rows)
    try:
        header = [_clean(c) for c in next(iterator)]
    except StopIteration:
        raise RosterError([RowError(1, "-", "the file is empty")]) from None
    columns = map_headers(header)
    entries: list[RosterEntry] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    for offset, raw in enumerate(iterator, start=2):
        if offset - 1 > MAX_ROWS:
            errors.append(RowError(offset, "-", f"more than {MAX_ROWS} rows"))
            break
        cells = {name: _clean(raw[i]) if i < len(raw) else "" for name, i in columns.items()}
        if not any(cells.values()):
            continue
        row_errors = _check_row(offset, cells)
        key = (cells["roster"], cells["booking"].upper())
        if not row_errors and key in seen:
            row_errors.append(
                RowError(offset, "booking", f"repeats row {seen[key]} of this roster")
            )
        if row_errors:
            errors.extend(row_errors)
            continue
        seen[key] = offset
        entries.append(
            RosterEntry(
                roster_id=cells["roster"],
                booking_id=cells["booking"].upper(),
                name=cells["name"],
                row=offset,
                title=cells.get("title", ""),
                id_number=cells.get("id_number", "").upper(),
                phone=cells.get("phone", ""),
                cid=cells.get("cid", ""),
                seat=cells.get("seat", ""),
            )
        )
    if errors:
        raise RosterError(errors)
    if not entries:
        raise RosterError([RowError(2, "-", "no travellers in the file")])
    return entries


def _check_row(row: int, cells: dict[str, str]) -> list[RowError]:
    errors = []
    if not _ROSTER_ID.match(cells["roster"]):
        errors.append(
            RowError(row, "roster", "missing, or not a roster id (letters, digits, _ . -)")
        )
    if not _BOOKING.match(cells["booking"]):
        errors.append(
            RowError(row, "booking", "missing, or not a booking id (letters, digits, _ . -)")
        )
    if not 1 <= len(cells["name"]) <= 64:
        errors.append(RowError(row, "name", "missing or longer than 64 characters"))
    if cells.get("id_number") and len(cells["id_number"]) < 4:
        errors.append(RowError(row, "id_number", "shorter than 4 characters"))
    if cells.get("phone") and not _PHONE.match(cells["phone"]):
        errors.append(RowError(row, "phone", "not a phone number"))
    if cells.get("cid") and not _CID.match(cells["cid"]):
        errors.append(
            RowError(row, "cid", "not a health-code id (26 lower-case base32 characters)")
        )
    if len(cells.get("seat", "")) > 16:
        errors.append(RowError(row, "seat", "longer than 16 characters"))
    if len(cells.get("title", "")) > 80:
        errors.append(RowError(row, "title", "longer than 80 characters"))
    return errors


def match_entry(
    entries: Sequence[RosterEntry],
    *,
    cid: str | None = None,
    name: str | None = None,
    id_last4: str | None = None,
) -> RosterEntry | None:
    """The entry of a scanned traveller: by code id, else by name plus the ID's last 4."""
    if cid:
        for entry in entries:
            if entry.cid == cid:
                return entry
    if name and id_last4:
        wanted = (unicodedata.normalize("NFKC", name).strip(), id_last4.upper())
        matches = [e for e in entries if (e.name, e.id_last4) == wanted]
        if len(matches) == 1:
            return matches[0]
    return None
