"""The test PostgreSQL cluster, shared by the server's and the sync's tests.

The cluster is ``$CHECKPOINT_TEST_POSTGRES_URL`` (``scripts/test.sh`` exports it),
else the one ``scripts/postgres.sh`` starts (installing PostgreSQL through apt-get if
needed). ``CHECKPOINT_TEST_POSTGRES_URL=skip`` skips the PostgreSQL runs on a machine
that cannot have PostgreSQL; CI never sets it. Each test gets a fresh schema.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from shared_paths import PROJECT_ROOT
from sqlalchemy.engine import make_url

POSTGRES_ENV = "CHECKPOINT_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if url.lower() == "skip":
        pytest.skip(f"{POSTGRES_ENV}=skip: the PostgreSQL runs are skipped")
    if not url:
        run = subprocess.run(
            ["bash", str(PROJECT_ROOT / "scripts" / "postgres.sh")],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        lines = run.stdout.strip().splitlines()
        if run.returncode != 0 or not lines:
            pytest.fail(
                "PostgreSQL could not be started by scripts/postgres.sh "
                f"(set {POSTGRES_ENV} to a server's URL, or to 'skip'): {run.stderr.strip()[-600:]}"
            )
        url = lines[-1]
    return url


def _admin_connection(url: str) -> psycopg.Connection:
    parsed = make_url(url)
    return psycopg.connect(
        host=parsed.host,
        port=parsed.port,
        user=parsed.username,
        password=parsed.password,
        dbname=parsed.database,
        autocommit=True,
    )


@pytest.fixture
def postgres_schema_url(postgres_url: str) -> Iterator[str]:
    """A database URL whose tables live in a new, empty schema."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with _admin_connection(postgres_url) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    joiner = "&" if "?" in postgres_url else "?"
    yield f"{postgres_url}{joiner}options=-csearch_path%3D{schema}"
    with _admin_connection(postgres_url) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
