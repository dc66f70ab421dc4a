"""Fixtures of the reference server's tests: the database on both backends.

``database_url`` is parametrised: a SQLite file in the test's temporary directory,
and a fresh schema of the test PostgreSQL cluster (dropped afterwards). The cluster
is ``$CHECKPOINT_TEST_POSTGRES_URL`` (``scripts/test.sh`` exports it), else the one
``scripts/postgres.sh`` starts (installing PostgreSQL through apt-get if needed).
``CHECKPOINT_TEST_POSTGRES_URL=skip`` skips the PostgreSQL runs on a machine that
cannot have PostgreSQL; CI never sets it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


from postgres_fixtures import postgres_schema_url, postgres_url  # noqa: F401  (fixtures)

from central.store import Central


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'central.sqlite3'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'central.sqlite3'}"
    return str(request.getfixturevalue("postgres_schema_url"))


@pytest.fixture
def central(database_url: str) -> Iterator[Central]:
    state = Central(database_url)
    yield state
    state.close()
