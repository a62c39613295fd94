"""Database backends for store tests: a SQLite file, or a fresh PostgreSQL database.

The fixtures of a test module wrap these helpers, so every store test runs on
both databases and skips the PostgreSQL run when the server is unreachable.
"""

from __future__ import annotations

import atexit
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
def fresh_postgres_database(
    admin_url: URL, template: str | None = None
) -> Iterator[URL]:
    """Create a database for one test, a copy of `template` when given, and drop it."""
    name = f"boardloop_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    copy_of = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))
    try:
        yield admin_url.set(database=name)
    finally:
        drop_database(admin_url, name)
        admin.dispose()


def drop_database(admin_url: URL, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


# Name of the migrated template database of this test process, made on first use
# and dropped when the process exits. Copying it is faster than migrating anew.
_templates: dict[str, str] = {}


def migrated_template(admin_url: URL) -> str:
    """Return the name of a database at the latest migration, to copy per test."""
    from boardloop.store import Store

    key = admin_url.render_as_string(hide_password=False)
    if key not in _templates:
        name = f"boardloop_template_{uuid.uuid4().hex[:16]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        atexit.register(drop_database, admin_url, name)
        store = Store(admin_url.set(database=name))
        store.migrate()
        # A template cannot be copied while a session is connected to it.
        store.close()
        _templates[key] = name
    return _templates[key]


@contextmanager
def backend_url(
    backend: str, tmp_path: Path, *, migrated: bool = False
) -> Iterator[URL]:
    """Yield the URL of a database of the given backend for one test.

    The database is empty, or with `migrated` (PostgreSQL only) already at the
    latest migration, so that `Store.migrate` finds nothing to do.
    """
    if backend == "sqlite":
        yield URL.create("sqlite", database=str(tmp_path / "boardloop.db"))
        return
    admin_url = postgres_admin_url()
    template = migrated_template(admin_url) if migrated else None
    with fresh_postgres_database(admin_url, template) as url:
        yield url
