"""Edits return the initiative as they wrote it, even with a writer right after."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from boardloop.access import Principal, Role
from boardloop.domain.model import Event
from boardloop.edits import InitiativeDraft, create_initiative, update_fields
from boardloop.store import Store, open_workspace
from store_backends import BACKENDS, backend_url
from test_api_support import company_path, edit_world

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from test_api_support import ApiWorld

__all__ = ["edit_world"]

COMPANY = "Tallyfern Software"
KEY = "onboarding-revamp"
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
EDITOR = Principal("jon", "Jon Reyes", {COMPANY: Role.EDITOR})


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with backend_url(request.param, tmp_path, migrated=True) as url:
        store = Store(url)
        store.migrate()
        store.ensure_company(COMPANY)
        create_initiative(
            store,
            EDITOR,
            COMPANY,
            InitiativeDraft(key=KEY, name="Onboarding"),
            at=MONDAY,
        )
        yield store
        store.close()


def save_later_notes(store: Store, company: str, key: str) -> None:
    """Save another writer's version on top of the current one."""
    current = store.get_initiative(company, key)
    store.apply_edit(
        company,
        replace(current.initiative, notes="Written by a later writer."),
        expected_version=current.version,
        event=Event(at=MONDAY, actor="ana", kind="updated", reason="Later edit."),
    )


def write_after_commit(
    store: Store, company: str, key: str, version: int
) -> Callable[[Session], None]:
    """Return a hook that saves a later version once `version` is committed.

    It runs between the edit's commit and the return of the edit's result, the
    window in which a read-back would see the later writer.
    """
    fired: list[bool] = []

    def hook(session: Session) -> None:
        if fired or store.get_initiative(company, key).version != version:
            return
        fired.append(True)
        save_later_notes(store, company, key)

    return hook


def test_edit_returns_its_own_version(store: Store) -> None:
    hook = write_after_commit(store, COMPANY, KEY, 2)
    event.listen(Session, "after_commit", hook)
    try:
        written = update_fields(
            store,
            EDITOR,
            COMPANY,
            KEY,
            expected_version=1,
            changes={"notes": "Written by the edit."},
            reason="Pilot scope agreed.",
            at=MONDAY,
        )
    finally:
        event.remove(Session, "after_commit", hook)

    assert written.version == 2
    assert written.initiative.notes == "Written by the edit."
    assert [item.kind for item in written.initiative.history] == ["created", "updated"]
    later = store.get_initiative(COMPANY, KEY)
    assert later.version == 3
    assert later.initiative.notes == "Written by a later writer."


def test_api_edit_response_is_its_version(edit_world: ApiWorld) -> None:
    path = f"{company_path()}/initiatives/{KEY}"
    headers = edit_world.headers("eli")
    current = edit_world.client.get(path, headers=headers)
    assert current.status_code == 200
    version = current.json()["version"]
    workspace = open_workspace(edit_world.root)
    hook = write_after_commit(workspace.store, COMPANY, KEY, version + 1)
    event.listen(Session, "after_commit", hook)
    try:
        response = edit_world.client.patch(
            path,
            json={"notes": "Written by the edit.", "reason": "Pilot scope agreed."},
            headers={**headers, "If-Match": f'"{version}"'},
        )
    finally:
        event.remove(Session, "after_commit", hook)
        workspace.store.close()

    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["version"] == version + 1
    assert response.headers["ETag"] == f'"{version + 1}"'
    assert body["notes"] == "Written by the edit."
    later = edit_world.client.get(path, headers=headers)
    assert later.json()["version"] == version + 2
    assert later.json()["notes"] == "Written by a later writer."
