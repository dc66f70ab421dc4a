"""Roster files in and out of the store: CSV (UTF-8 or GB18030) and XLSX (first sheet).

An import is one transaction: every entry of every roster in the file, the roster
rows, and a ``roster_imported`` event — or, on any error, nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from checkpoint_app.domain.roster import RosterEntry, RosterError, RowError, parse_roster_rows
from checkpoint_app.store import projections
from checkpoint_app.store.database import transaction
from checkpoint_app.store.event_log import EventLog, utc_timestamp

if TYPE_CHECKING:
    import sqlite_utils

MAX_ROSTER_FILE_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ImportResult:
    rosters: dict[str, int]  # roster id -> entries
    replaced: list[str]  # roster ids that existed and were replaced


def read_roster_file(path: Path) -> list[RosterEntry]:
    """Parse a CSV or XLSX roster; :class:`RosterError` lists every problem."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RosterError(
            [RowError(0, "-", f"cannot read {path}: {exc.strerror or exc}")]
        ) from None
    if size > MAX_ROSTER_FILE_BYTES:
        raise RosterError([RowError(0, "-", f"{path} is larger than 32 MB")])
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return parse_roster_rows(_xlsx_rows(path))
    if path.suffix.lower() in (".csv", ".txt"):
        return parse_roster_rows(_csv_rows(path.read_bytes()))
    raise RosterError([RowError(0, "-", f"{path.name}: a roster is a .csv or .xlsx file")])


def _csv_rows(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterError([RowError(0, "-", "the CSV is neither UTF-8 nor GB18030 text")])
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    try:
        return list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:
        raise RosterError([RowError(0, "-", f"not a readable CSV file ({exc})")]) from None


def _xlsx_rows(path: Path) -> list[Sequence[object]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise RosterError([RowError(0, "-", f"not a readable XLSX file ({exc})")]) from None
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _clashes_with_kept(
    db: sqlite_utils.Database, roster_id: str, rows: Sequence[RosterEntry]
) -> list[RowError]:
    """Rows whose booking id is already taken on the roster by a passenger added on the
    spot (a walk-in, or one moved here from another bus), who stays on a re-import."""
    kept = dict(
        db.execute(
            "SELECT booking_id, origin FROM roster_entries WHERE roster_id = ?", [roster_id]
        ).fetchall()
    )
    how = {"walk_in": "a walk-in", "moved": "a passenger moved here from another bus"}
    return [
        RowError(
            e.row,
            "booking",
            f"booking {e.booking_id} is already on {roster_id} as "
            f"{how.get(kept[e.booking_id], 'a passenger added on the spot')}: "
            "give this row another booking id, or leave it out of the file",
        )
        for e in rows
        if e.booking_id in kept
    ]


def import_rosters(
    log: EventLog, entries: Sequence[RosterEntry], *, source: str, operator: str
) -> ImportResult:
    """Store the rosters of one file, replacing rosters of the same id, in one transaction."""
    by_roster: dict[str, list[RosterEntry]] = {}
    for entry in entries:
        by_roster.setdefault(entry.roster_id, []).append(entry)
    db: sqlite_utils.Database = log.db
    replaced = []
    with transaction(db):
        for roster_id, rows in by_roster.items():
            kept = 0
            if db.execute("SELECT 1 FROM rosters WHERE roster_id = ?", [roster_id]).fetchone():
                replaced.append(roster_id)
                # Walk-ins and passengers moved here were added on the spot: they stay.
                db.execute(
                    "DELETE FROM roster_entries WHERE roster_id = ? AND origin = 'import'",
                    [roster_id],
                )
                kept = db.execute(
                    "SELECT COUNT(*) FROM roster_entries WHERE roster_id = ?", [roster_id]
                ).fetchone()[0]
                db.execute(
                    "UPDATE rosters SET title = ?, source = ?, imported_at = ?, entries = ? "
                    "WHERE roster_id = ?",
                    [rows[0].title, source, utc_timestamp(), len(rows) + kept, roster_id],
                )
            else:
                db.execute(
                    "INSERT INTO rosters (roster_id, title, source, imported_at, entries) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [roster_id, rows[0].title, source, utc_timestamp(), len(rows)],
                )
            clashes = _clashes_with_kept(db, roster_id, rows)
            if clashes:
                raise RosterError(clashes)  # the transaction rolls back: nothing is imported
            db.conn.executemany(
                "INSERT INTO roster_entries (roster_id, booking_id, name, id_number, id_last4, phone, cid, "
                "seat, row) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        e.roster_id,
                        e.booking_id,
                        e.name,
                        e.id_number,
                        e.id_last4,
                        e.phone,
                        e.cid,
                        e.seat,
                        e.row,
                    )
                    for e in rows
                ],
            )
            event = log.append(
                "roster_imported",
                {
                    "roster_id": roster_id,
                    "entries": len(rows),
                    "source": source,
                    "replaced": roster_id in replaced,
                },
                operator=operator,
            )
            projections.apply(log.db, event)  # the log index has a row for every event
    return ImportResult({r: len(rows) for r, rows in by_roster.items()}, replaced)
