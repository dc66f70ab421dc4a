"""``checkpoint-app export [--since T] [--format csv|xlsx|jsonl] OUT [--pin PIN]``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from checkpoint_app.cli.common import open_cli_station, record_export, unlock, utf8_stdout
from checkpoint_app.cli.main import EXIT_OK, UsageError
from checkpoint_app.domain.timeparse import parse_time
from checkpoint_app.store.database import StoreError
from checkpoint_app.store.event_log import utc_timestamp
from checkpoint_app.store.export import FORMATS, export_rows, write_export


def run_export(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    out = Path(args.out).expanduser()
    fmt = args.format or (
        out.suffix.lstrip(".").lower() if out.suffix.lstrip(".").lower() in FORMATS else "jsonl"
    )
    if out.exists():
        raise UsageError(f"{out} already exists: choose a new file name")
    since = None
    if args.since:
        try:
            since = utc_timestamp(datetime.fromtimestamp(parse_time(args.since), UTC))
        except (ValueError, OverflowError) as exc:
            raise UsageError(f"--since {args.since!r}: {exc}") from None
    station = open_cli_station(args)
    try:
        unmasked = unlock(station.db, args.pin)
        count = write_export(export_rows(station.db, since=since, unmasked=unmasked), out, fmt)
        record_export(station, args, "log", fmt, rows=count, masked=not unmasked)
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        station.close()
    line = {"export": str(out), "format": fmt, "events": count, "masked": not unmasked}
    utf8_stdout().write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
    return EXIT_OK
