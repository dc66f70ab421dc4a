"""Local storage: the SQLite event log, its projections, the offline cache."""

from __future__ import annotations

from pathlib import Path

from checkpoint_app.store.database import STORE_FILE, open_database
from checkpoint_app.store.event_log import EventLog


def store_path(data_dir: Path) -> Path:
    return data_dir / STORE_FILE


def open_event_log(data_dir: Path) -> EventLog:
    """The event log of a data directory (created and migrated on first use)."""
    return EventLog(open_database(store_path(data_dir)))
