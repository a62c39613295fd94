"""Imports that would overwrite API or web edits: rejected, or taken on purpose."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from boardloop.access import Principal, Role
from boardloop.domain.fiscal import FiscalCalendar
from boardloop.edits import change_status, post_checkpoint, update_fields
from boardloop.io import read_register_file
from boardloop.store import ImportConflictError, Store
from boardloop.store._schema import EventRow, ImportRow
from store_backends import BACKENDS, backend_url

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from boardloop.store import ImportChanges

COMPANY = "Tallyfern Software"
KEY = "onboarding-revamp"
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TUESDAY = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)
WEDNESDAY = dt.datetime(2026, 3, 4, 9, 0, tzinfo=dt.UTC)
THURSDAY = dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC)
EDITOR = Principal("jon", "Jon Reyes", {COMPANY: Role.EDITOR})

REGISTER = """\
initiatives:
  - id: onboarding-revamp
    name: Onboarding revamp
    owner: Maya Okafor (Customer Success)
    target: +5pp lift in 90-day GRR for SMB cohort by Q4 2026
    status: in-progress
    next_checkpoint: 2026-04-14
    notes: Pilot with ten accounts.
  - id: ebr-program
    name: Executive business reviews
    owner: Ana Lima (Customer Success)
    target: +3pp lift in 90-day GRR for Enterprise cohort by Q4 2026
    status: planned
    next_checkpoint: 2026-05-12
"""


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with backend_url(request.param, tmp_path, migrated=True) as url:
        store = Store(url)
        store.migrate()
        yield store
        store.close()


def import_text(
    store: Store,
    path: Path,
    text: str,
    at: dt.datetime,
    *,
    actor: str = "cfo",
    overwrite_edits: bool = False,
) -> ImportChanges:
    path.write_text(text, encoding="utf-8")
    result = read_register_file(
        path, calendar=FiscalCalendar(), as_of=dt.date(2026, 3, 1)
    )
    return store.import_initiatives(
        COMPANY,
        result.initiatives,
        source_path=str(path),
        actor=actor,
        at=at,
        overwrite_edits=overwrite_edits,
    )


def count_rows(store: Store, table: type[EventRow] | type[ImportRow]) -> int:
    with Session(store.engine) as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def edit_notes(store: Store, notes: str, at: dt.datetime = TUESDAY) -> None:
    version = store.get_initiative(COMPANY, KEY).version
    update_fields(
        store,
        EDITOR,
        COMPANY,
        KEY,
        expected_version=version,
        changes={"notes": notes},
        reason="Pilot grew after the kickoff.",
        at=at,
    )


def test_reimport_after_edit_is_rejected(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "register.yaml"
    import_text(store, path, REGISTER, MONDAY)
    edit_notes(store, "Pilot with twenty accounts.")
    version = store.get_initiative(COMPANY, KEY).version
    events = count_rows(store, EventRow)
    imports = count_rows(store, ImportRow)

    with pytest.raises(ImportConflictError) as caught:
        import_text(store, path, REGISTER, WEDNESDAY)

    message = str(caught.value)
    assert str(path) in message
    assert "'onboarding-revamp', notes" in message
    assert "the file has 'Pilot with ten accounts.'" in message
    assert "the store has 'Pilot with twenty accounts.'" in message
    assert "changed by jon on 2026-03-03 09:00 UTC" in message
    assert "--overwrite-edits" in message
    assert "boardloop history onboarding-revamp" in message
    (conflict,) = caught.value.conflicts
    assert conflict.key == KEY
    assert conflict.field == "notes"
    # Nothing of the file was written: no version, event or import log entry.
    stored = store.get_initiative(COMPANY, KEY)
    assert stored.version == version
    assert stored.initiative.notes == "Pilot with twenty accounts."
    assert count_rows(store, EventRow) == events
    assert count_rows(store, ImportRow) == imports


def test_conflict_rejects_whole_file(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "register.yaml"
    import_text(store, path, REGISTER, MONDAY)
    edit_notes(store, "Pilot with twenty accounts.")
    changed = REGISTER.replace("status: planned", "status: in-progress")

    with pytest.raises(ImportConflictError):
        import_text(store, path, changed, WEDNESDAY)

    # The other initiative's change in the same file was not stored either.
    other = store.get_initiative(COMPANY, "ebr-program")
    assert other.initiative.status is not None
    assert other.initiative.status.value == "planned"
    assert other.version == 1


def test_file_with_edited_value_imports(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "register.yaml"
    import_text(store, path, REGISTER, MONDAY)
    edit_notes(store, "Pilot with twenty accounts.")
    updated = REGISTER.replace("ten accounts", "twenty accounts").replace(
        "next_checkpoint: 2026-04-14", "next_checkpoint: 2026-04-21"
    )

    changes = import_text(store, path, updated, WEDNESDAY)

    assert changes.updated == (KEY,)
    stored = store.get_initiative(COMPANY, KEY).initiative
    assert stored.notes == "Pilot with twenty accounts."
    assert stored.next_checkpoint == dt.date(2026, 4, 21)


def test_untouched_field_imports_over_edit(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "register.yaml"
    import_text(store, path, REGISTER, MONDAY)
    edit_notes(store, "Pilot with twenty accounts.")
    updated = REGISTER.replace("ten accounts", "twenty accounts")
    import_text(store, path, updated, WEDNESDAY)
    # A second edit after the reconciling import; the file now moves a field
    # that this edit did not touch.
    version = store.get_initiative(COMPANY, KEY).version
    update_fields(
        store,
        EDITOR,
        COMPANY,
        KEY,
        expected_version=version,
        changes={"program": "Retention"},
        reason="Filed under the retention program.",
        at=THURSDAY,
    )
    moved = updated.replace(
        "next_checkpoint: 2026-04-14", "next_checkpoint: 2026-04-28"
    ).replace("    notes: Pilot", "    program: Retention\n    notes: Pilot")

    changes = import_text(
        store, path, moved, THURSDAY + dt.timedelta(hours=1), actor="maya"
    )

    assert changes.updated == (KEY,)
    stored = store.get_initiative(COMPANY, KEY).initiative
    assert stored.next_checkpoint == dt.date(2026, 4, 28)
    assert stored.program == "Retention"


def test_overwrite_edits_takes_file(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "register.yaml"
    import_text(store, path, REGISTER, MONDAY)
    edit_notes(store, "Pilot with twenty accounts.")

    changes = import_text(store, path, REGISTER, WEDNESDAY, overwrite_edits=True)

    assert changes.updated == (KEY,)
    stored = store.get_initiative(COMPANY, KEY)
    assert stored.initiative.notes == "Pilot with ten accounts."
    last = stored.initiative.history[-1]
    assert last.actor == "cfo"
    assert last.kind == "updated"
    assert last.changes["notes"] == (
        "Pilot with twenty accounts.",
        "Pilot with ten accounts.",
    )
    assert "--overwrite-edits" in last.reason
    assert "notes by jon" in last.reason

    # The same file again is a plain re-import: nothing changes.
    events = count_rows(store, EventRow)
    again = import_text(store, path, REGISTER, THURSDAY)
    assert set(again.unchanged) == {"ebr-program", KEY}
    assert count_rows(store, EventRow) == events
    assert store.get_initiative(COMPANY, KEY).version == stored.version


def test_reimport_without_edits_is_idempotent(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "register.yaml"
    import_text(store, path, REGISTER, MONDAY)
    events = count_rows(store, EventRow)

    changes = import_text(store, path, REGISTER, TUESDAY)

    assert set(changes.unchanged) == {"ebr-program", KEY}
    assert count_rows(store, EventRow) == events
    assert store.get_initiative(COMPANY, KEY).version == 1


def test_status_and_checkpoint_edits_conflict(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "register.yaml"
    import_text(store, path, REGISTER, MONDAY)
    change_status(
        store,
        EDITOR,
        COMPANY,
        KEY,
        expected_version=1,
        status="launched",
        reason="All pilot accounts moved to the new flow.",
        at=TUESDAY,
    )
    post_checkpoint(
        store,
        EDITOR,
        COMPANY,
        KEY,
        expected_version=2,
        note="Early churn flat.",
        at=WEDNESDAY,
    )

    with pytest.raises(ImportConflictError) as caught:
        import_text(store, path, REGISTER, THURSDAY)

    fields = {conflict.field: conflict for conflict in caught.value.conflicts}
    assert set(fields) >= {"status", "checkpoints", "launched_on"}
    assert fields["status"].file_value == "in-progress"
    assert fields["status"].stored_value == "launched"
    assert fields["status"].at == TUESDAY
    assert fields["checkpoints"].at == WEDNESDAY
    assert store.get_initiative(COMPANY, KEY).version == 3


def test_api_created_initiative_conflicts(store: Store, tmp_path: Path) -> None:
    from boardloop.edits import InitiativeDraft, create_initiative

    store.ensure_company(COMPANY)
    create_initiative(
        store,
        EDITOR,
        COMPANY,
        InitiativeDraft(key=KEY, name="Onboarding revamp v2"),
        at=MONDAY,
    )

    with pytest.raises(ImportConflictError) as caught:
        import_text(store, tmp_path / "register.yaml", REGISTER, TUESDAY)

    fields = {conflict.field for conflict in caught.value.conflicts}
    assert "name" in fields
    assert store.get_initiative(COMPANY, KEY).initiative.name == "Onboarding revamp v2"


def test_cli_import_conflict_exits_2(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from boardloop.cli.main import main
    from boardloop.store import open_workspace

    workspace = tmp_path / "tallyfern"
    runner = CliRunner()
    init = runner.invoke(main, ["init", str(workspace), "--company", COMPANY])
    assert init.exit_code == 0, init.output
    path = workspace / "register.yaml"
    path.write_text(REGISTER, encoding="utf-8")
    command = ["import", str(path), "-w", str(workspace), "--actor", "cfo"]
    first = runner.invoke(main, command)
    assert first.exit_code == 0, first.output
    opened = open_workspace(workspace)
    edit_notes(opened.store, "Pilot with twenty accounts.", at=dt.datetime.now(dt.UTC))
    opened.store.close()

    rejected = runner.invoke(main, command)

    assert rejected.exit_code == 2, rejected.output
    assert str(path) in rejected.stderr
    assert "'onboarding-revamp', notes" in rejected.stderr
    assert "changed by jon" in rejected.stderr
    assert "--overwrite-edits" in rejected.stderr

    taken = runner.invoke(main, [*command, "--overwrite-edits"])

    assert taken.exit_code == 0, taken.output
    assert "1 updated" in taken.stderr
    history = runner.invoke(main, ["history", KEY, "-w", str(workspace)])
    assert "--overwrite-edits" in history.stdout
