"""``checkpoint-app log verify`` and ``checkpoint-app backup OUT``."""

from __future__ import annotations

import argparse
import json
import sqlite3
from contextlib import closing
from pathlib import Path

from checkpoint_app.cli.common import open_cli_station, record_export, resolve_data_dir, utf8_stdout
from checkpoint_app.cli.main import EXIT_CHECK_FAILED, EXIT_OK, UsageError
from checkpoint_app.store import store_path
from checkpoint_app.store.backup import backup_store
from checkpoint_app.store.database import StoreError, open_database
from checkpoint_app.store.event_log import verify_chain


def _emit(obj: dict[str, object]) -> None:
    utf8_stdout().write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")


def run_log_verify(args: argparse.Namespace) -> int:
    """Walk every device's chain; exit 1 at the first broken link (printed as JSON)."""
    path = store_path(resolve_data_dir(args))
    if not path.is_file():
        _emit({"ok": True, "events": 0, "devices": {}, "note": "no store yet: nothing recorded"})
        return EXIT_OK
    try:
        report = verify_chain(open_database(path, readonly=True))
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    heads = {device: {"seq": seq, "hash": head} for device, (seq, head) in report.devices.items()}
    if report.first_break is None:
        _emit({"ok": True, "events": report.events, "devices": heads})
        return EXIT_OK
    b = report.first_break
    _emit(
        {
            "ok": False,
            "events_checked": report.events,
            "first_break": {
                "device_id": b.device_id,
                "seq": b.seq,
                "event_id": b.event_id,
                "kind": str(b.kind),
                "detail": b.detail,
            },
        }
    )
    return EXIT_CHECK_FAILED


def run_backup(args: argparse.Namespace) -> int:
    source = store_path(resolve_data_dir(args))
    target = Path(args.out).expanduser()
    try:
        size = backup_store(source, target)
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    # the copy holds every personal field unmasked: the log says who took one, and when
    with closing(sqlite3.connect(f"{target.resolve().as_uri()}?mode=ro", uri=True)) as copy:
        events = int(copy.execute("SELECT COUNT(*) FROM events").fetchone()[0])
    station = open_cli_station(args)
    try:
        record_export(station, args, "backup", "sqlite", rows=events, masked=False)
    finally:
        station.close()
    _emit({"backup": str(target), "bytes": size})
    return EXIT_OK
