"""Helpers shared by the subcommands: the clock option, the data directory, UTF-8 output."""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checkpoint_app.cli.main import UsageError
from checkpoint_app.domain.timeparse import parse_time
from checkpoint_app.paths import data_dir

if TYPE_CHECKING:
    from checkpoint_app.services.station import Station


def clock(args: argparse.Namespace) -> Callable[[], int]:
    """``--at TIME`` as a fixed clock, else the system clock (epoch seconds)."""
    at = getattr(args, "at", None)
    if at is None:
        return lambda: int(time.time())
    try:
        fixed = parse_time(at)
    except ValueError as exc:
        raise UsageError(
            f"--at {at!r}: {exc}; give epoch seconds or ISO 8601, e.g. 2026-11-25T08:00:00+08:00"
        ) from None
    return lambda: fixed


PIN_ENV = "CHECKPOINT_SUPERVISOR_PIN"


def unlock(db: Any, pin_arg: str | None) -> bool:
    """True when the supervisor PIN (``--pin`` or ``$CHECKPOINT_SUPERVISOR_PIN``) checks:
    then personal fields are shown unmasked. No PIN given: False. A wrong one: exit 2."""
    from checkpoint_app.store.supervisor import PinOutcome, SupervisorPin

    pin = pin_arg if pin_arg is not None else os.environ.get(PIN_ENV)
    if not pin:
        return False
    check = SupervisorPin(db).check(pin)
    if check.outcome is PinOutcome.NOT_SET:
        raise UsageError("no supervisor PIN is set on this station: the output stays masked")
    if not check.ok:
        wait = f"; try again in {int(check.retry_after)} s" if check.retry_after else ""
        raise UsageError(f"wrong supervisor PIN{wait}")
    return True


def resolve_data_dir(args: argparse.Namespace) -> Path:
    return data_dir(getattr(args, "data_dir", None), portable=getattr(args, "portable", False))


def utf8_stdout() -> io.TextIOBase:
    """stdout as UTF-8 with '\\n' line ends, whatever the console's locale."""
    stream = sys.stdout
    if isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(encoding="utf-8", newline="\n")
    return stream


def open_cli_station(args: argparse.Namespace) -> Station:
    """The station of ``--data-dir`` (or the default); a store problem exits 2."""
    from checkpoint_app.services.station import ConfigError, open_station

    try:
        return open_station(resolve_data_dir(args))
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def record_export(
    station: Station,
    args: argparse.Namespace,
    what: str,
    fmt: str,
    *,
    rows: int,
    masked: bool,
    roster_id: str | None = None,
) -> None:
    """One ``data_exported`` event for ``args.out``, just written (Station.record_export)."""
    from checkpoint_app.store.database import StoreError

    try:
        station.record_export(
            what, fmt, rows=rows, masked=masked, operator=args.operator, roster_id=roster_id
        )
    except StoreError as exc:
        raise UsageError(f"{args.out} was written but not recorded in the log: {exc}") from None
