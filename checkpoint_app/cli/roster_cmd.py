"""``checkpoint-app roster import FILE``, ``roster status [ROSTER]``, ``roster manifest``."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from checkpoint_app.cli.common import (
    open_cli_station,
    record_export,
    resolve_data_dir,
    unlock,
    utf8_stdout,
)
from checkpoint_app.cli.main import EXIT_OK, UsageError
from checkpoint_app.domain.bus import BusRefused
from checkpoint_app.domain.roster import RosterError
from checkpoint_app.store import open_event_log
from checkpoint_app.store.database import StoreError
from checkpoint_app.store.rosters import import_rosters, read_roster_file


def _print(line: object) -> None:
    utf8_stdout().write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")


def run_roster(args: argparse.Namespace) -> int:
    return {
        "import": run_roster_import,
        "status": run_roster_status,
        "manifest": run_roster_manifest,
    }[args.roster_command](args)


def run_roster_import(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    try:
        entries = read_roster_file(path)
    except RosterError as exc:
        count = len(exc.errors)
        raise UsageError(
            f"{path}: {count} problem{'s' * (count != 1)}, nothing imported: {exc} "
            "(fix the rows and import again; docs/roster-format.md lists the columns)"
        ) from None
    try:
        log = open_event_log(resolve_data_dir(args))
        result = import_rosters(log, entries, source=path.name, operator=args.operator)
        from checkpoint_app.services.bus import BusService
        from checkpoint_app.services.station import Station

        station = Station(resolve_data_dir(args))
        duplicates = [
            {"matched_by": d.matched_by, "entries": [list(e) for e in d.entries]}
            for d in BusService(station).duplicates()
        ]
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    _print({"imported": result.rosters, "replaced": result.replaced, "duplicates": duplicates})
    return EXIT_OK


def _bus(args: argparse.Namespace) -> tuple[object, object]:
    from checkpoint_app.services.bus import BusService

    station = open_cli_station(args)
    return station, BusService(station)


def run_roster_status(args: argparse.Namespace) -> int:
    from checkpoint_app.services.bus import BusService

    _station, bus = _bus(args)
    assert isinstance(bus, BusService)
    try:
        summaries = [bus.summary(args.roster)] if args.roster else bus.rosters()
    except BusRefused as exc:
        raise UsageError(f"{exc.message} ('checkpoint-app roster status' lists them)") from None
    for s in summaries:
        p = s.progress
        missing = [e.to_json() for e in bus.entries(s.roster_id, show="missing")]
        _print(
            {
                "roster_id": s.roster_id,
                "title": s.title,
                "progress": p.label(),
                "present": p.present,
                "expected": p.expected,
                "absent": p.absent,
                "moved": p.moved,
                "all_present": p.all_present,
                "departed_at": s.departed_at,
                "missing": missing if args.roster else len(missing),
            }
        )
    return EXIT_OK


def run_roster_manifest(args: argparse.Namespace) -> int:
    from checkpoint_app.reports.manifest import write_manifest_csv, write_manifest_pdf
    from checkpoint_app.services.bus import BusService
    from checkpoint_app.services.station import Station

    out = Path(args.out).expanduser()
    fmt = args.format or out.suffix.lstrip(".").lower()
    if fmt not in ("csv", "pdf"):
        raise UsageError(f"{out.name}: give --format csv or pdf (or name the file .csv / .pdf)")
    if out.exists():
        raise UsageError(f"{out} already exists: choose a new file name")
    station, bus = _bus(args)
    assert isinstance(station, Station) and isinstance(bus, BusService)
    try:
        unmasked = unlock(station.db, args.pin)
        summary = bus.summary(args.roster)
        entries = bus.entries(args.roster, unmasked=unmasked)
        writer = write_manifest_pdf if fmt == "pdf" else write_manifest_csv
        writer(out, summary, entries, int(time.time()))
    except BusRefused as exc:
        raise UsageError(f"{exc.message} ('checkpoint-app roster status' lists them)") from None
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    record_export(
        station, args, "manifest", fmt, rows=len(entries), masked=not unmasked,
        roster_id=summary.roster_id,
    )  # fmt: skip
    _print(
        {
            "manifest": str(out),
            "format": fmt,
            "roster_id": summary.roster_id,
            "progress": summary.progress.label(),
            "entries": len(entries),
            "masked": not unmasked,
        }
    )
    return EXIT_OK
