"""The local SQLite store: opening, pragmas, migrations.

One file, ``checkpoint.sqlite3`` in the data directory. WAL mode with
``synchronous=FULL``: a committed transaction survives a power cut; a crash loses
at most the transaction being written. The schema version lives in
``PRAGMA user_version``; :data:`MIGRATIONS` are applied in order at start-up, each
in its own transaction.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def _import_sqlite_utils() -> None:
    """Import sqlite-utils without numpy and pandas, unless something loaded them already.

    sqlite-utils imports both, when installed, only to convert their values in its
    ``insert`` API, which the store does not use (it runs parameterised SQL). Numpy
    alone is a third of ``checkpoint-app admit``'s start-up; the CLI must start fast.
    """
    blocked = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # "import numpy" fails fast
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in blocked:
            if sys.modules.get(name) is None:
                del sys.modules[name]


_import_sqlite_utils()

import sqlite_utils  # noqa: E402

STORE_FILE = "checkpoint.sqlite3"


class StoreError(Exception):
    """The store cannot be opened or written; the message says what to do."""


def get_meta(db: sqlite_utils.Database, key: str) -> str | None:
    """One value of the ``meta`` table (settings, bookkeeping), or None."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return None if row is None else str(row[0])


def put_meta(db: sqlite_utils.Database, key: str, value: str) -> None:
    """Set one ``meta`` value; the caller owns the transaction."""
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


def describe_write_error(exc: sqlite3.Error) -> str:
    """What a failed write means for the user, and what to do."""
    text = str(exc).lower()
    if "full" in text:
        return "the disk is full: free some space (or move the data directory), then try again"
    if "readonly" in text or "read-only" in text:
        return (
            "the store is read-only (a write-protected USB stick or folder?): make it "
            "writable, or use another --data-dir"
        )
    if "locked" in text or "busy" in text:
        return "the store is busy in another program for too long: try again"
    if "disk i/o" in text or "malformed" in text or "not a database" in text:
        return (
            "the store cannot be read or written (disk error or damaged file): keep the "
            "file for the supervisor and restore the last backup"
        )
    return f"the store cannot be written ({exc})"


@contextmanager
def store_errors(where: Path) -> Iterator[None]:
    """Turn SQLite's write failures (disk full, read-only, I/O) into :class:`StoreError`.

    The failed transaction was rolled back: nothing half-written remains."""
    try:
        yield
    except sqlite3.Error as exc:
        raise StoreError(f"{where}: {describe_write_error(exc)}") from None
    except OSError as exc:
        raise StoreError(f"{where}: {exc.strerror or exc}") from None


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction (``BEGIN IMMEDIATE``: the write lock is taken up front, so
    two processes never deadlock half-way); committed on success, rolled back on error."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:  # SQLite may have rolled back already (disk full)
            db.execute("ROLLBACK")
        raise
    try:
        db.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise


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


def _v3(db: sqlite_utils.Database) -> None:
    # Projections (store/projections.py): derived from events only, rebuildable at any
    # time. ``p_*`` index tables hold one row per event of a kind; ``p_travellers`` and
    # ``p_roster_status`` fold those rows per traveller / roster entry.
    db.execute(
        """
        CREATE TABLE p_scans (
            event_id TEXT PRIMARY KEY,
            traveller TEXT NOT NULL,
            at INTEGER NOT NULL,
            device_id TEXT NOT NULL,
            gate TEXT NOT NULL,
            format TEXT NOT NULL,
            result TEXT NOT NULL,
            status TEXT,
            repeat INTEGER NOT NULL
        )"""
    )
    db.execute("CREATE INDEX p_scans_traveller ON p_scans (traveller, at)")
    db.execute(
        """
        CREATE TABLE p_readings (
            event_id TEXT PRIMARY KEY,
            traveller TEXT NOT NULL,
            at INTEGER NOT NULL,
            device_id TEXT NOT NULL,
            gate TEXT NOT NULL,
            celsius REAL NOT NULL,
            raw TEXT NOT NULL,
            unit TEXT NOT NULL,
            fever INTEGER NOT NULL
        )"""
    )
    db.execute("CREATE INDEX p_readings_traveller ON p_readings (traveller, at)")
    db.execute(
        """
        CREATE TABLE p_decisions (
            event_id TEXT PRIMARY KEY,
            traveller TEXT NOT NULL,
            at INTEGER NOT NULL,
            device_id TEXT NOT NULL,
            gate TEXT NOT NULL,
            operator TEXT NOT NULL,
            action TEXT NOT NULL,
            reason TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX p_decisions_at ON p_decisions (at)")
    db.execute("CREATE INDEX p_decisions_action ON p_decisions (action, at)")
    db.execute(
        """
        CREATE TABLE p_journey_events (
            event_id TEXT PRIMARY KEY,
            traveller TEXT NOT NULL,
            transition TEXT NOT NULL,
            at INTEGER NOT NULL,
            device_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            gate TEXT,
            operator TEXT,
            reason TEXT,
            target TEXT
        )"""
    )
    db.execute("CREATE INDEX p_journey_events_traveller ON p_journey_events (traveller)")
    db.execute(
        """
        CREATE TABLE p_travellers (
            traveller TEXT PRIMARY KEY,
            state TEXT NOT NULL,
            since INTEGER,
            gate TEXT,
            device_id TEXT,
            operator TEXT,
            reason TEXT,
            entry_at INTEGER,
            entry_gate TEXT,
            entry_device TEXT,
            entry_operator TEXT,
            duplicate_entries INTEGER NOT NULL,
            conflicts INTEGER NOT NULL
        )"""
    )
    db.execute("CREATE INDEX p_travellers_state ON p_travellers (state)")
    db.execute(
        """
        CREATE TABLE p_roster_marks (
            event_id TEXT PRIMARY KEY,
            roster_id TEXT NOT NULL,
            booking_id TEXT NOT NULL,
            mark TEXT NOT NULL,
            at INTEGER NOT NULL,
            device_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            method TEXT,
            reason TEXT,
            to_roster TEXT
        )"""
    )
    db.execute("CREATE INDEX p_roster_marks_entry ON p_roster_marks (roster_id, booking_id)")
    db.execute(
        """
        CREATE TABLE p_roster_status (
            roster_id TEXT NOT NULL,
            booking_id TEXT NOT NULL,
            state TEXT NOT NULL,
            since INTEGER,
            method TEXT,
            reason TEXT,
            to_roster TEXT,
            PRIMARY KEY (roster_id, booking_id)
        )"""
    )
    db.execute(
        """
        CREATE TABLE p_departures (
            event_id TEXT PRIMARY KEY,
            roster_id TEXT NOT NULL,
            at INTEGER NOT NULL,
            device_id TEXT NOT NULL,
            present INTEGER NOT NULL,
            expected INTEGER NOT NULL
        )"""
    )
    db.execute("CREATE INDEX p_departures_roster ON p_departures (roster_id)")
    # Walk-ins and moved passengers are entries of the roster they joined (reference data
    # like imported entries); ``origin`` says how the entry came to be there.
    db.execute("ALTER TABLE roster_entries ADD COLUMN origin TEXT NOT NULL DEFAULT 'import'")
    db.execute("CREATE INDEX roster_entries_booking ON roster_entries (booking_id)")
    db.execute(
        "CREATE INDEX roster_entries_id_number ON roster_entries (id_number) WHERE id_number != ''"
    )


def _v4(db: sqlite_utils.Database) -> None:
    # The log index for the supervisor's review (store/projections.py, services/review.py):
    # one row per event with what the log browser filters, sorts and searches by, so a
    # filter on 100,000 events never parses their JSON. ``masked_name`` and ``search`` are
    # derived from the personal row (masked) and emptied when retention deletes it.
    db.execute(
        """
        CREATE TABLE p_log (
            event_id TEXT PRIMARY KEY,
            occurred_at TEXT NOT NULL,
            at INTEGER NOT NULL,
            device_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            gate TEXT NOT NULL,
            operator TEXT NOT NULL,
            action TEXT NOT NULL,
            traveller TEXT NOT NULL,
            status TEXT NOT NULL,
            result TEXT NOT NULL,
            celsius REAL,
            fever INTEGER,
            reason TEXT NOT NULL,
            summary TEXT NOT NULL,
            masked_name TEXT NOT NULL,
            search TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX p_log_time ON p_log (occurred_at, device_id, seq)")
    for column in ("kind", "gate", "action", "operator", "device_id", "traveller"):
        db.execute(f"CREATE INDEX p_log_{column} ON p_log ({column}, occurred_at)")
    # The text search scans this small partial index, not the rows (services/review.py).
    db.execute("CREATE INDEX p_log_search ON p_log (search, traveller) WHERE search != ''")
    # Backfill from the events already stored: the rows a rebuild gives.
    from checkpoint_app.store.projections import rebuild_log

    rebuild_log(db)


#: Migration ``i`` brings the schema from version ``i`` to ``i + 1``.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1, _v2, _v3, _v4]


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
            # Read again under the write lock: another process starting at the same time
            # (two gates' commands, a GUI and a CLI) may have migrated meanwhile.
            if schema_version(db) > target:
                continue
            MIGRATIONS[target](db)
            db.execute(f"PRAGMA user_version = {target + 1}")


#: How long opening a store keeps retrying while another process holds it.
OPEN_RETRY_S = 15.0


def _prepare(db: sqlite_utils.Database) -> None:
    if str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
        db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    _migrate(db)


def _retry_busy(step: Callable[[], None], limit_s: float = OPEN_RETRY_S) -> None:
    """Run ``step``, again while SQLite says the database is locked or busy.

    Some steps of opening a store do not wait through the busy timeout: switching to
    WAL, and recovering the WAL of a process that was killed, answer "database is
    locked" at once while another process holds a lock (the crash soak hit this once
    in a thousand kills). Each step is idempotent, so trying again is safe."""
    deadline = time.monotonic() + limit_s
    delay = 0.01
    while True:
        try:
            step()
            return
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if ("locked" not in text and "busy" not in text) or time.monotonic() > deadline:
                raise
        time.sleep(delay)
        delay = min(0.2, delay * 2)


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
        conn.execute("PRAGMA foreign_keys = ON")
        db = sqlite_utils.Database(conn)
        if not readonly:
            _retry_busy(lambda: _prepare(db))
        return db
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot open the store ({exc})") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the store ({exc.strerror or exc})") from None
