"""``checkpoint-app roster import FILE``: CSV or XLSX, imported whole or not at all."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from checkpoint_app.cli.common import resolve_data_dir, utf8_stdout
from checkpoint_app.cli.main import EXIT_OK, UsageError
from checkpoint_app.domain.roster import RosterError
from checkpoint_app.store import open_event_log
from checkpoint_app.store.database import StoreError
from checkpoint_app.store.rosters import import_rosters, read_roster_file


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
        result = import_rosters(
            open_event_log(resolve_data_dir(args)),
            entries,
            source=path.name,
            operator=args.operator,
        )
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    line = {"imported": result.rosters, "replaced": result.replaced}
    utf8_stdout().write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
    return EXIT_OK
