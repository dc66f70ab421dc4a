"""The reference central API server of checkpoint_app (``docs/sync-protocol.md``).

A separate package that shares only the wire schema with the app (import-linter
forbids ``central`` to import ``checkpoint_app`` and the other way round). FastAPI
and uvicorn over SQLAlchemy Core, so one code base runs on SQLite (the default, a
file in the current directory) and on PostgreSQL (``--database-url
postgresql+psycopg://...``).

Modules: :mod:`central.wire` (canonical JSON, event hashes, cursors),
:mod:`central.db` (tables, transactions), :mod:`central.keys` (root and issuer keys,
signed envelopes), :mod:`central.phi1` (PHI1 issuing), :mod:`central.store`
(checkpoints, devices, lists, rosters, health codes), :mod:`central.ingest` (event
batches and the feed), :mod:`central.app` (the HTTP API), :mod:`central.server`
(uvicorn), :mod:`central.cli` (``checkpoint-central``), :mod:`central.demo`.
"""

from __future__ import annotations

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8750
DEFAULT_DATABASE_URL = "sqlite:///central.sqlite3"
DATABASE_URL_ENV = "CHECKPOINT_CENTRAL_DATABASE_URL"
