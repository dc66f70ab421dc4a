"""The local SQLite store: opening, pragmas, migrations.

One file, ``checkpoint.sqlite3`` in the data directory. WAL mode with
``synchronous=FULL``: a committed transaction survives a power cut; a crash loses
at most the transaction being written. The schema version lives in
``PRAGMA user_version``; :data:`MIGRATIONS` are applied in order at start-up, each
in its own transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

STORE_FILE = "checkpoint.sqlite3"


class StoreError(Exception):
    """The store cannot be opened or written; the message says what to do."""


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction (``BEGIN IMMEDIATE``: the write lock is taken up front, so
    two processes never deadlock half-way); committed on success, rolled back on error."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _v1(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )"""
    )
    # The append-only event log. Every column here is covered by the hash chain.
    db.execute(
        """
        CREATE TABLE events (
            event_id TEXT PRIMARY KEY,
            device_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            occurred_at TEXT NOT NULL,
            clock_offset_ms INTEGER,
            operator TEXT NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            pii_digest TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL,
            UNIQUE (device_id, seq)
        )"""
    )
    db.execute("CREATE INDEX events_kind ON events (kind, occurred_at)")
    db.execute("CREATE INDEX events_occurred ON events (occurred_at)")
    # Personal fields apart from the event, behind its salted digest; deleted by retention.
    db.execute(
        """
        CREATE TABLE event_pii (
            event_id TEXT PRIMARY KEY REFERENCES events (event_id),
            salt TEXT NOT NULL,
            data TEXT NOT NULL
        )"""
    )
    # Mutable sync bookkeeping, outside the hash.
    db.execute(
        """
        CREATE TABLE event_sync (
            event_id TEXT PRIMARY KEY REFERENCES events (event_id),
            sync_state TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            synced_at TEXT
        )"""
    )
    db.execute("CREATE INDEX event_sync_state ON event_sync (sync_state)")
    # Nothing may change or remove an event once written (retention deletes event_pii rows).
    db.execute(
        """
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"""
    )
    db.execute(
        """
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"""
    )


def _v2(db: sqlite_utils.Database) -> None:
    # Rosters are reference data (imported or downloaded), not events: a roster's import
    # is recorded as an event; the entries hold personal data and are purged by retention.
    db.execute(
        """
        CREATE TABLE rosters (
            roster_id TEXT PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            entries INTEGER NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE roster_entries (
            roster_id TEXT NOT NULL REFERENCES rosters (roster_id),
            booking_id TEXT NOT NULL,
            name TEXT NOT NULL,
            id_number TEXT NOT NULL DEFAULT '',
            id_last4 TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            cid TEXT NOT NULL DEFAULT '',
            seat TEXT NOT NULL DEFAULT '',
            row INTEGER NOT NULL,
            PRIMARY KEY (roster_id, booking_id)
        )"""
    )
    db.execute("CREATE INDEX roster_entries_cid ON roster_entries (cid) WHERE cid != ''")
    db.execute("CREATE INDEX roster_entries_name ON roster_entries (name, id_last4)")


#: Migration ``i`` brings the schema from version ``i`` to ``i + 1``.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1, _v2]


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _migrate(db: sqlite_utils.Database) -> None:
    version = schema_version(db)
    if version > len(MIGRATIONS):
        raise StoreError(
            f"the store was written by a newer checkpoint_app (schema {version}, this one knows "
            f"{len(MIGRATIONS)}): update the app"
        )
    for target in range(version, len(MIGRATIONS)):
        with transaction(db):  # one transaction per migration, including the version bump
            MIGRATIONS[target](db)
            db.execute(f"PRAGMA user_version = {target + 1}")


def open_database(path: Path, *, readonly: bool = False) -> sqlite_utils.Database:
    """Open (creating if needed) and migrate the store at ``path``."""
    try:
        if readonly:
            conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None
            )
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), isolation_level=None, timeout=10)
        conn.execute("PRAGMA busy_timeout = 10000")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        db = sqlite_utils.Database(conn)
        if not readonly:
            _migrate(db)
        return db
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot open the store ({exc})") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the store ({exc.strerror or exc})") from None
