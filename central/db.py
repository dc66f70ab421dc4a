"""The server's tables (SQLAlchemy Core) and its transactions, on SQLite or PostgreSQL.

The same statements run on both. What differs is how writers are kept apart:

* **SQLite**: one writer at a time. Within the process a lock serialises the write
  transactions (threads of the HTTP server); between processes (the admin CLI while
  the server runs) ``BEGIN IMMEDIATE`` takes the database's write lock up front, with
  a busy timeout. WAL journal, ``synchronous=FULL``: an answered upload survives a
  crash or a power cut.
* **PostgreSQL**: writers that must not interleave lock a row (``SELECT ... FOR
  UPDATE``, see :meth:`Database.lock_checkpoint`); the rest is left to its MVCC.

Unique constraints (``events.event_id``, ``events(device_id, seq)``) make a duplicate
row impossible whatever happens; callers treat an ``IntegrityError`` as "someone
else stored it first" and look again.

The schema is created on start (idempotent); its version is kept in ``central_meta``
under ``schema_version``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any, Final

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, ProgrammingError

SCHEMA_VERSION: Final = 1
SQLITE_BUSY_TIMEOUT_S: Final = 30

metadata = MetaData()

# A 64-bit auto-increment key: BIGINT on PostgreSQL, the rowid alias on SQLite.
_Serial = BigInteger().with_variant(Integer(), "sqlite")

central_meta = Table(
    "central_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("checkpoint_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    # the last roster change number given out at this checkpoint (the rosters cursor)
    Column("roster_serial", BigInteger, nullable=False, default=0),
)

enrolment_codes = Table(
    "enrolment_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),  # SHA-256 of the normalised code
    Column("checkpoint_id", String(64), ForeignKey("checkpoints.checkpoint_id"), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("used_at", BigInteger),
    Column("used_by", String(64)),
)

devices = Table(
    "devices",
    metadata,
    Column("device_id", String(64), primary_key=True),
    Column("checkpoint_id", String(64), ForeignKey("checkpoints.checkpoint_id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 of the token
    Column("enrolled_at", BigInteger, nullable=False),
    Column("revoked_at", BigInteger),
    Column("last_seen_at", BigInteger),
    Column("head_seq", BigInteger),  # the chain head the device last sent
    Column("head_hash", String(64)),
)

events = Table(
    "events",
    metadata,
    Column("id", _Serial, primary_key=True, autoincrement=True),  # the feed order
    Column("event_id", String(128), nullable=False),
    Column("device_id", String(64), nullable=False),
    Column("checkpoint_id", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("occurred_at", String(40), nullable=False),
    Column("clock_offset_ms", BigInteger),
    Column("operator", String(200), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("pii_digest", String(64)),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("received_at", BigInteger, nullable=False),
    UniqueConstraint("event_id", name="uq_events_event_id"),
    UniqueConstraint("device_id", "seq", name="uq_events_device_seq"),
    Index("ix_events_checkpoint_id", "checkpoint_id", "id"),
    sqlite_autoincrement=True,  # ids are never reused: cursors stay valid
)

rosters = Table(
    "rosters",
    metadata,
    Column("checkpoint_id", String(64), ForeignKey("checkpoints.checkpoint_id"), primary_key=True),
    Column("roster_id", String(64), primary_key=True),
    Column("title", String(80), nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("serial", BigInteger, nullable=False),  # the checkpoint's roster_serial when changed
    Column("entries", Text, nullable=False),  # canonical JSON list of entries
    Column("source", String(200), nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Index("ix_rosters_serial", "checkpoint_id", "serial"),
)

rules = Table(
    "rules",
    metadata,
    Column("checkpoint_id", String(64), ForeignKey("checkpoints.checkpoint_id"), primary_key=True),
    Column("content", Text, nullable=False),  # canonical JSON of the rules file
    Column("updated_at", BigInteger, nullable=False),
)

revocations = Table(
    "revocations",
    metadata,
    Column("cid", String(128), primary_key=True),
    Column("revoked_at", BigInteger, nullable=False),
)

health_codes = Table(
    "health_codes",
    metadata,
    Column("code_id", String(128), primary_key=True),
    Column("status", String(8), nullable=False),
    Column("source", String(16), nullable=False),  # phi1 (issued here) or online
    Column("updated_at", BigInteger, nullable=False),
)

issuer_keys = Table(
    "issuer_keys",
    metadata,
    Column("kid", String(16), primary_key=True),  # base64 of the 8-byte kid
    Column("iss", String(6), nullable=False),
    Column("pub", String(64), nullable=False),  # base64 of the raw Ed25519 public key
    Column("private_key", Text),  # base64 of the raw private key; null: trusted, not held
    Column("not_before", BigInteger, nullable=False),
    Column("not_after", BigInteger, nullable=False),
    Column("label", String(200), nullable=False),
    Column("added_at", BigInteger, nullable=False),
)


class DatabaseError(Exception):
    """The database URL or the database cannot be used; the message says why."""


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy emits BEGIN itself (below), so the driver must not.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    writer = conn.get_execution_options().get("central_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(
            f"{url!r} is not a database URL; e.g. sqlite:///central.sqlite3 or "
            "postgresql+psycopg://user:password@host/dbname"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database in (None, "", ":memory:") or "mode=memory" in str(parsed):
            raise DatabaseError(
                "an in-memory SQLite database is not shared between the server's threads; "
                "give a file, e.g. sqlite:///central.sqlite3"
            )
        if parsed.drivername != "sqlite" and parsed.drivername != "sqlite+pysqlite":
            raise DatabaseError(f"use sqlite:/// (the standard sqlite3 driver), not {backend}")
        engine = create_engine(
            parsed,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
            pool_size=20,
            max_overflow=20,
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    if backend == "postgresql":
        if parsed.drivername != "postgresql+psycopg":
            raise DatabaseError(
                f"use the psycopg 3 driver: postgresql+psycopg://... (not {parsed.drivername})"
            )
        return create_engine(parsed, pool_size=10, max_overflow=20, pool_pre_ping=True)
    raise DatabaseError(f"{backend!r} databases are not supported: use SQLite or PostgreSQL")


class Database:
    """The engine plus the two kinds of transaction the server uses."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._writer = threading.Lock() if self.is_sqlite else None

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction (a consistent snapshot on both backends)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction, committed at the end (rolled back on an exception)."""
        with self._writer or nullcontext(), self.engine.connect() as conn:
            conn.execution_options(central_write=True)
            with conn.begin():
                yield conn

    def lock_checkpoint(self, conn: Connection, checkpoint_id: str) -> bool:
        """Serialise the writers of one checkpoint's events and rosters (PostgreSQL; on
        SQLite the write transaction already holds the database). False: no such
        checkpoint."""
        row = conn.execute(
            select(checkpoints.c.checkpoint_id)
            .where(checkpoints.c.checkpoint_id == checkpoint_id)
            .with_for_update()
        ).first()
        return row is not None

    def create_schema(self) -> None:
        """Create the tables that are missing and check the schema version."""
        try:
            metadata.create_all(self.engine, checkfirst=True)
        except (IntegrityError, ProgrammingError):  # another process created them meanwhile
            metadata.create_all(self.engine, checkfirst=True)
        try:
            with self.write() as conn:
                row = conn.execute(
                    select(central_meta.c.value).where(central_meta.c.key == "schema_version")
                ).first()
                if row is None:
                    conn.execute(
                        central_meta.insert().values(
                            key="schema_version", value=str(SCHEMA_VERSION)
                        )
                    )
        except IntegrityError:  # another process recorded it meanwhile
            row = None
        if row is not None and int(row[0]) > SCHEMA_VERSION:
            raise DatabaseError(
                f"the database has schema version {row[0]}, newer than this server's "
                f"{SCHEMA_VERSION}: upgrade checkpoint-central"
            )
