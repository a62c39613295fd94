"""Database backends for store tests: a SQLite file, or a fresh PostgreSQL database.

The fixtures of a test module wrap these helpers, so every store test runs on
both databases and skips the PostgreSQL run when the server is unreachable.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

POSTGRES_URL = os.environ.get(
    "BOARDLOOP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgresql")


def postgres_admin_url() -> URL:
    """Return the admin URL of the PostgreSQL server; skip the test when unreachable."""
    pytest.importorskip("psycopg", reason="psycopg is not installed")
    url = make_url(POSTGRES_URL)
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            pass
    except OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable at {url}: {error.orig}")
    finally:
        engine.dispose()
    return url


@contextmanager
def fresh_postgres_database(admin_url: URL) -> Iterator[URL]:
    """Create a database for one test and drop it afterwards."""
    name = f"boardloop_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def backend_url(backend: str, tmp_path: Path) -> Iterator[URL]:
    """Yield the URL of an empty database of the given backend."""
    if backend == "sqlite":
        yield URL.create("sqlite", database=str(tmp_path / "boardloop.db"))
        return
    with fresh_postgres_database(postgres_admin_url()) as url:
        yield url
