"""Permission-checked reads: the same not-found error for foreign companies."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

from boardloop.access import Principal, Role, Scope
from boardloop.edits import (
    InitiativeDraft,
    create_initiative,
    post_checkpoint,
    read_history,
    read_initiative,
    read_register,
)
from boardloop.store import Store, UnknownCompanyError, UnknownInitiativeError
from store_backends import BACKENDS, backend_url

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

COMPANY = "Tallyfern Software"
OTHER = "Brightwell Labs"
KEY = "onboarding-revamp"
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
FRIDAY = dt.datetime(2026, 3, 6, 9, 0, tzinfo=dt.UTC)
EDITOR = Principal("jon", "Jon Reyes", {COMPANY: Role.EDITOR})
BOARD_TOKEN = Principal(
    "kim", "Kim Board", {COMPANY: Role.BOARD}, frozenset({Scope.READ})
)
OUTSIDER = Principal("sam", "Sam Hale", {OTHER: Role.ADMIN})


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with backend_url(request.param, tmp_path, migrated=True) as url:
        store = Store(url)
        store.migrate()
        store.ensure_company(COMPANY)
        store.ensure_company(OTHER)
        draft = InitiativeDraft(key=KEY, name="Onboarding revamp")
        create_initiative(store, EDITOR, COMPANY, draft, at=MONDAY)
        post_checkpoint(
            store,
            EDITOR,
            COMPANY,
            KEY,
            expected_version=1,
            note="Kick-off held.",
            at=FRIDAY,
        )
        yield store
        store.close()


def test_board_reads_initiative(store: Store) -> None:
    stored = read_initiative(store, BOARD_TOKEN, COMPANY, KEY)

    assert stored.version == 2
    assert [event.kind for event in stored.initiative.history] == [
        "created",
        "checkpoint",
    ]


def test_board_reads_register(store: Store) -> None:
    register = read_register(store, BOARD_TOKEN, COMPANY)

    assert [initiative.id for initiative in register.initiatives] == [KEY]


def test_history_since_and_key(store: Store) -> None:
    everything = read_history(store, BOARD_TOKEN, COMPANY)
    recent = read_history(store, BOARD_TOKEN, COMPANY, since=dt.date(2026, 3, 4))
    for_key = read_history(store, BOARD_TOKEN, COMPANY, key=KEY)

    assert [event.kind for _, event in everything] == ["created", "checkpoint"]
    assert [event.kind for _, event in recent] == ["checkpoint"]
    assert for_key == everything


def test_outsider_gets_not_found(store: Store) -> None:
    with pytest.raises(UnknownInitiativeError) as initiative:
        read_initiative(store, OUTSIDER, COMPANY, KEY)
    with pytest.raises(UnknownInitiativeError) as history:
        read_history(store, OUTSIDER, COMPANY, key=KEY)
    with pytest.raises(UnknownCompanyError) as register:
        read_register(store, OUTSIDER, COMPANY)
    with pytest.raises(UnknownCompanyError) as log:
        read_history(store, OUTSIDER, COMPANY)

    assert str(initiative.value) == str(UnknownInitiativeError(COMPANY, KEY))
    assert str(history.value) == str(UnknownInitiativeError(COMPANY, KEY))
    assert str(register.value) == str(UnknownCompanyError(COMPANY))
    assert str(log.value) == str(UnknownCompanyError(COMPANY))
    assert initiative.value.http_status == 404


def test_missing_key_gets_not_found(store: Store) -> None:
    with pytest.raises(UnknownInitiativeError):
        read_history(store, EDITOR, COMPANY, key="no-such-initiative")
