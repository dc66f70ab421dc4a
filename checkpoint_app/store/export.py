"""Exports of the event log for the hand-over: JSON Lines, CSV, XLSX.

One row per event, every kind, in (time, device, sequence) order. Personal fields
are masked (``王*``, ``420***********123X``, ``138****5678``) unless ``unmasked``
is set, which the callers allow only after the supervisor's PIN checked.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checkpoint_app.domain.masking import mask_id_number, mask_name, mask_phone

if TYPE_CHECKING:
    import sqlite_utils

FORMATS = ("jsonl", "csv", "xlsx")
_MASKS = {
    "nam": mask_name,
    "name": mask_name,
    "idm": mask_id_number,
    "id_number": mask_id_number,
    "tel": mask_phone,
    "phone": mask_phone,
}
CSV_COLUMNS = (
    "occurred_at", "kind", "operator", "device_id", "seq", "event_id", "payload",
    "name", "id_number", "phone", "sync_state", "hash",
)  # fmt: skip


def mask_pii(pii: Mapping[str, Any]) -> dict[str, Any]:
    """Every personal field masked; unknown fields are masked entirely."""
    out: dict[str, Any] = {}
    for key, value in pii.items():
        mask = _MASKS.get(key)
        text = str(value)
        out[key] = mask(text) if mask else "*" * min(len(text), 8)
    return out


def export_rows(
    db: sqlite_utils.Database, *, since: str | None = None, unmasked: bool = False
) -> Iterator[dict[str, Any]]:
    sql = (
        "SELECT e.*, p.data AS pii, s.sync_state FROM events e "
        "LEFT JOIN event_pii p ON p.event_id = e.event_id "
        "LEFT JOIN event_sync s ON s.event_id = e.event_id"
    )
    params: list[Any] = []
    if since is not None:
        sql += " WHERE e.occurred_at >= ?"
        params.append(since)
    cursor = db.execute(sql + " ORDER BY e.occurred_at, e.device_id, e.seq", params)
    columns = [c[0] for c in cursor.description]
    for values in cursor:
        row = dict(zip(columns, values, strict=True))
        pii = json.loads(row["pii"]) if row["pii"] else None
        yield {
            "event_id": row["event_id"],
            "device_id": row["device_id"],
            "seq": row["seq"],
            "occurred_at": row["occurred_at"],
            "clock_offset_ms": row["clock_offset_ms"],
            "operator": row["operator"],
            "kind": row["kind"],
            "payload": json.loads(row["payload"]),
            "pii": (pii if unmasked else mask_pii(pii)) if pii is not None else None,
            "sync_state": row["sync_state"] or "received",
            "hash": row["hash"],
        }


def _flat(row: Mapping[str, Any]) -> list[Any]:
    pii = row["pii"] or {}
    return [
        row["occurred_at"], row["kind"], row["operator"], row["device_id"], row["seq"], row["event_id"],
        json.dumps(row["payload"], ensure_ascii=False, sort_keys=True),
        pii.get("nam", pii.get("name", "")), pii.get("idm", pii.get("id_number", "")),
        pii.get("tel", pii.get("phone", "")), row["sync_state"], row["hash"],
    ]  # fmt: skip


def write_export(rows: Iterator[dict[str, Any]], out: Path, fmt: str) -> int:
    """Write the rows to ``out`` (a new file) in ``fmt``; return how many."""
    count = 0
    partial = out.with_name(out.name + ".partial")
    try:
        if fmt == "jsonl":
            with partial.open("w", encoding="utf-8", newline="\n") as fh:
                for row in rows:
                    fh.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
                    count += 1
        elif fmt == "csv":
            with partial.open(
                "w", encoding="utf-8-sig", newline=""
            ) as fh:  # BOM: Excel reads it as UTF-8
                writer = csv.writer(fh)
                writer.writerow(CSV_COLUMNS)
                for row in rows:
                    writer.writerow(_flat(row))
                    count += 1
        elif fmt == "xlsx":
            from openpyxl import Workbook

            book = Workbook(write_only=True)
            sheet = book.create_sheet("events")
            sheet.append(list(CSV_COLUMNS))
            for row in rows:
                sheet.append(_flat(row))
                count += 1
            book.save(partial)
        else:
            raise ValueError(f"unknown export format {fmt!r}")
        partial.replace(out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count
