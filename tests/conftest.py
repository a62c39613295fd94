"""Fixtures shared by the test suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]


def real_data_root() -> Path:
    """Return the folder of real third-party input, read in place."""
    configured = os.environ.get("BOARDLOOP_REAL_DATA")
    if configured:
        return Path(configured)
    return REPOSITORY.parent / "shared" / "data" / "real"


@pytest.fixture
def real_data() -> Path:
    """Real third-party input; the test is skipped when the folder is absent."""
    root = real_data_root()
    if not root.is_dir():
        pytest.skip(f"real input folder {root} is absent; set BOARDLOOP_REAL_DATA")
    return root


POSTGRES = {"host": "127.0.0.1", "user": "postgres", "database": "test"}


@pytest.fixture(params=["duckdb", "postgres"])
def engine(request: pytest.FixtureRequest) -> Iterator[Any]:
    """An Ibis connection per test; PostgreSQL keeps memtables as temp tables.

    The PostgreSQL run is skipped, with the connection error, when the server
    on 127.0.0.1 is unreachable.
    """
    import ibis
    import psycopg

    if request.param == "duckdb":
        connection = ibis.duckdb.connect()
    else:
        try:
            connection = ibis.postgres.connect(**POSTGRES)
        except psycopg.OperationalError as error:
            pytest.skip(f"PostgreSQL at {POSTGRES['host']} is unreachable: {error}")
    yield connection
    connection.disconnect()
