"""Helpers shared by the subcommands: the clock option, the data directory, UTF-8 output."""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

from checkpoint_app.cli.main import UsageError
from checkpoint_app.domain.timeparse import parse_time
from checkpoint_app.paths import data_dir


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


def resolve_data_dir(args: argparse.Namespace) -> Path:
    return data_dir(getattr(args, "data_dir", None), portable=getattr(args, "portable", False))


def utf8_stdout() -> io.TextIOBase:
    """stdout as UTF-8 with '\\n' line ends, whatever the console's locale."""
    stream = sys.stdout
    if isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(encoding="utf-8", newline="\n")
    return stream
