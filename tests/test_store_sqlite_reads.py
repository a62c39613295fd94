"""SQLite transactions: reads begin deferred and run while a writer holds the lock."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from boardloop.domain.model import Initiative, Owner, Target
from boardloop.store import Store

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

COMPANY = "Tallyfern Software"
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(f"sqlite:///{tmp_path / 'boardloop.db'}")
    store.migrate()
    store.import_initiatives(
        COMPANY,
        [
            Initiative(
                id="onboarding-revamp",
                name="Onboarding revamp",
                owner=Owner(person="Maya Okafor"),
                target=Target(text="+5pp lift in 90-day GRR for SMB cohort by Q2"),
            )
        ],
        source_path="register.yaml",
        actor="cfo",
        at=MONDAY,
    )
    yield store
    store.close()


def test_database_uses_wal_journal(store: Store) -> None:
    with store.engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    assert mode == "wal"


def test_read_completes_during_open_write(store: Store) -> None:
    with store.engine.begin() as writer:
        # The write transaction holds SQLite's write lock from its BEGIN
        # IMMEDIATE until the block ends.
        writer.execute(
            text("UPDATE initiatives SET name = 'Renamed' WHERE key = :key"),
            {"key": "onboarding-revamp"},
        )

        register = store.load_register(COMPANY)
        stored = store.get_initiative(COMPANY, "onboarding-revamp")
        events = store.events(COMPANY)

        # The reads see the last committed state, not the open write.
        assert [item.name for item in register.initiatives] == ["Onboarding revamp"]
        assert stored.initiative.name == "Onboarding revamp"
        assert [event.kind for _, event in events] == ["created"]

    assert store.get_initiative(COMPANY, "onboarding-revamp").version == 1
    with store.reader.connect() as connection:
        name = connection.execute(text("SELECT name FROM initiatives")).scalar()
    assert name == "Renamed"


def test_write_begins_immediate(store: Store) -> None:
    # A second write transaction cannot begin while the first holds the lock.
    # The busy timeout is set to zero on this connection so the check does not
    # wait for the store's 30 seconds.
    with store.engine.begin() as writer:
        writer.execute(text("UPDATE companies SET settings = '{}'"))
        with store.engine.connect() as other:
            other.connection.dbapi_connection.execute(  # type: ignore[union-attr]
                "PRAGMA busy_timeout = 0"
            )
            with pytest.raises(OperationalError, match="locked"):
                other.execute(text("SELECT 1"))
        # A read-only connection begins deferred, so the same query passes.
        with store.reader.connect() as reader:
            reader.connection.dbapi_connection.execute(  # type: ignore[union-attr]
                "PRAGMA busy_timeout = 0"
            )
            assert reader.execute(text("SELECT 1")).scalar() == 1
