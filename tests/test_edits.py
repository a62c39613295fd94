"""Edit operations: permissions, version checks and history events, on both stores."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from boardloop.access import Principal, Role, Scope
from boardloop.domain.fiscal import FiscalCalendar
from boardloop.domain.model import Outcome, OutcomeResult, Status, Unit
from boardloop.edits import (
    ClosedInitiativeError,
    InitiativeDraft,
    InvalidEditError,
    PermissionDeniedError,
    StatusChangeError,
    change_status,
    close_initiative,
    create_initiative,
    post_checkpoint,
    revise_target,
    update_fields,
)
from boardloop.report._changes import build_changes
from boardloop.store import (
    CompanySettings,
    DuplicateInitiativeError,
    StaleVersionError,
    Store,
    UnknownCompanyError,
    UnknownInitiativeError,
)
from store_backends import BACKENDS, backend_url

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from boardloop.domain.model import Event

COMPANY = "Tallyfern Software"
OTHER = "Brightwell Labs"
KEY = "onboarding-revamp"
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TUESDAY = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)

EDITOR = Principal("jon", "Jon Reyes", {COMPANY: Role.EDITOR})
ADMIN = Principal("ana", "Ana Lima", {COMPANY: Role.ADMIN})
OWNER = Principal("maya", "Maya Okafor", {COMPANY: Role.OWNER})
OTHER_OWNER = Principal("li", "Li Wen", {COMPANY: Role.OWNER})
BOARD = Principal("kim", "Kim Board", {COMPANY: Role.BOARD})
OUTSIDER = Principal("sam", "Sam Hale", {OTHER: Role.ADMIN})
READ_TOKEN = Principal(
    "jon", "Jon Reyes", {COMPANY: Role.EDITOR}, frozenset({Scope.READ})
)

ONBOARDING = InitiativeDraft(
    key=KEY,
    name="Onboarding revamp",
    owner_person="Maya Okafor",
    owner_function="CS",
    target="+5pp lift in 90-day GRR for SMB cohort by Q2",
    status=Status.IN_PROGRESS,
    next_checkpoint=dt.date(2026, 4, 14),
)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with backend_url(request.param, tmp_path, migrated=True) as url:
        store = Store(url)
        store.migrate()
        store.ensure_company(COMPANY)
        store.ensure_company(OTHER)
        create_initiative(store, EDITOR, COMPANY, ONBOARDING, at=MONDAY)
        yield store
        store.close()


def history(store: Store, key: str = KEY) -> tuple[Event, ...]:
    return store.get_initiative(COMPANY, key).initiative.history


def change_texts(store: Store) -> list[str]:
    register = store.load_register(COMPANY)
    changes = build_changes(
        register.initiatives, since=dt.date(2026, 1, 1), as_of=dt.date(2026, 12, 31)
    )
    return [item.text for group in changes.groups for item in group.items]


# --- create ------------------------------------------------------------------------


def test_create_records_created_event(store: Store) -> None:
    stored = store.get_initiative(COMPANY, KEY)

    assert stored.version == 1
    assert stored.initiative.owner.person == "Maya Okafor"
    assert stored.initiative.target.kpi_id == "customers.gross_revenue_retention"
    assert stored.initiative.created_on == MONDAY.date()
    assert [(e.kind, e.actor, e.at) for e in history(store)] == [
        ("created", "jon", MONDAY)
    ]


def test_create_derives_key_from_name(store: Store) -> None:
    draft = InitiativeDraft(name="Health score model v2", owner_person="Jon Reyes")

    version = create_initiative(store, ADMIN, COMPANY, draft, reason="Q2 plan").version

    assert version == 1
    assert store.get_initiative(COMPANY, "health-score-model-v2").version == 1
    assert history(store, "health-score-model-v2")[0].reason == "Q2 plan"


def test_create_duplicate_key_rejected(store: Store) -> None:
    with pytest.raises(DuplicateInitiativeError, match=KEY) as caught:
        create_initiative(store, EDITOR, COMPANY, ONBOARDING)
    assert caught.value.http_status == 409


@pytest.mark.parametrize("principal", [BOARD, OWNER, READ_TOKEN])
def test_create_needs_edit_permission(store: Store, principal: Principal) -> None:
    draft = InitiativeDraft(name="Advocacy program")

    with pytest.raises(PermissionDeniedError) as caught:
        create_initiative(store, principal, COMPANY, draft)
    assert caught.value.http_status == 403
    assert [i.id for i in store.load_register(COMPANY).initiatives] == [KEY]


def test_create_in_foreign_company_not_found(store: Store) -> None:
    with pytest.raises(UnknownCompanyError) as caught:
        create_initiative(store, OUTSIDER, COMPANY, InitiativeDraft(name="Spy"))
    assert caught.value.http_status == 404


def test_create_closed_rejected(store: Store) -> None:
    draft = InitiativeDraft(name="Old program", status="closed")

    with pytest.raises(InvalidEditError, match="close it with an outcome"):
        create_initiative(store, EDITOR, COMPANY, draft)


# --- permissions and versions ------------------------------------------------------


def test_foreign_company_looks_missing(store: Store) -> None:
    with pytest.raises(UnknownInitiativeError) as existing:
        update_fields(
            store,
            OUTSIDER,
            COMPANY,
            KEY,
            expected_version=1,
            changes={"name": "Renamed"},
            reason="x",
        )
    with pytest.raises(UnknownInitiativeError) as missing:
        update_fields(
            store,
            EDITOR,
            COMPANY,
            "no-such-initiative",
            expected_version=1,
            changes={"name": "Renamed"},
            reason="x",
        )

    assert existing.value.http_status == missing.value.http_status == 404
    assert str(existing.value) == str(UnknownInitiativeError(COMPANY, KEY))
    assert str(missing.value) == str(
        UnknownInitiativeError(COMPANY, "no-such-initiative")
    )
    assert store.get_initiative(COMPANY, KEY).initiative.name == "Onboarding revamp"


def test_stale_version_rejected(store: Store) -> None:
    update_fields(
        store,
        EDITOR,
        COMPANY,
        KEY,
        expected_version=1,
        changes={"program": "Retention"},
        reason="Filed under retention.",
    )

    with pytest.raises(StaleVersionError) as caught:
        update_fields(
            store,
            ADMIN,
            COMPANY,
            KEY,
            expected_version=1,
            changes={"program": "Expansion"},
            reason="Filed under expansion.",
        )

    assert caught.value.http_status == 409
    assert caught.value.current == 2
    assert store.get_initiative(COMPANY, KEY).initiative.program == "Retention"


@pytest.mark.parametrize("principal", [BOARD, OWNER, READ_TOKEN])
def test_update_needs_edit_permission(store: Store, principal: Principal) -> None:
    with pytest.raises(PermissionDeniedError, match="may not edit"):
        update_fields(
            store,
            principal,
            COMPANY,
            KEY,
            expected_version=1,
            changes={"name": "Renamed"},
            reason="x",
        )
    assert store.get_initiative(COMPANY, KEY).version == 1


# --- update fields -----------------------------------------------------------------


def test_update_records_before_and_after(store: Store) -> None:
    version = update_fields(
        store,
        EDITOR,
        COMPANY,
        KEY,
        expected_version=1,
        changes={"owner_person": "Li Wen", "next_checkpoint": "2026-04-21"},
        reason="Maya moved to the enterprise team.",
        at=TUESDAY,
    ).version

    event = history(store)[-1]
    stored = store.get_initiative(COMPANY, KEY)
    assert version == 2
    assert stored.version == 2
    assert stored.initiative.owner.person == "Li Wen"
    assert stored.initiative.next_checkpoint == dt.date(2026, 4, 21)
    assert (event.kind, event.actor, event.at) == ("updated", "jon", TUESDAY)
    assert event.changes["owner"][0]["person"] == "Maya Okafor"
    assert event.changes["owner"][1]["person"] == "Li Wen"
    assert event.changes["next_checkpoint"] == ("2026-04-14", "2026-04-21")
    assert event.reason == "Maya moved to the enterprise team."


def test_update_without_change_stores_nothing(store: Store) -> None:
    version = update_fields(
        store,
        EDITOR,
        COMPANY,
        KEY,
        expected_version=1,
        changes={"name": "  Onboarding revamp "},
        reason="Tidy the name.",
    ).version

    assert version == 1
    assert len(history(store)) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": "launched"}, "editable fields are"),
        ({"name": "  "}, "cannot be empty"),
        ({"next_checkpoint": "14 April"}, "YYYY-MM-DD"),
        ({"owner_person": 42}, "as text"),
    ],
)
def test_invalid_update_rejected(
    store: Store, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidEditError, match=message) as caught:
        update_fields(
            store, EDITOR, COMPANY, KEY, expected_version=1, changes=changes, reason="x"
        )
    assert caught.value.http_status == 400
    assert store.get_initiative(COMPANY, KEY).version == 1


def test_update_needs_reason(store: Store) -> None:
    with pytest.raises(InvalidEditError, match="say why"):
        update_fields(
            store,
            EDITOR,
            COMPANY,
            KEY,
            expected_version=1,
            changes={"program": "Retention"},
            reason="  ",
        )


# --- status ----------------------------------------------------------------------


def test_owner_changes_own_status(store: Store) -> None:
    version = change_status(
        store,
        OWNER,
        COMPANY,
        KEY,
        expected_version=1,
        status="launched",
        reason="All SMB accounts moved to the new flow.",
        at=TUESDAY,
    ).version

    stored = store.get_initiative(COMPANY, KEY)
    event = history(store)[-1]
    assert version == 2
    assert stored.initiative.status is Status.LAUNCHED
    assert stored.initiative.launched_on == TUESDAY.date()
    assert (event.kind, event.actor) == ("status", "maya")
    assert event.changes == {"status": ("in-progress", "launched")}
    assert (
        "status moved from in progress to launched on 3 Mar 2026: All SMB accounts "
        "moved to the new flow." in change_texts(store)
    )


def test_owner_cannot_change_others_status(store: Store) -> None:
    with pytest.raises(PermissionDeniedError, match="may not change the status"):
        change_status(
            store,
            OTHER_OWNER,
            COMPANY,
            KEY,
            expected_version=1,
            status="launched",
            reason="x",
        )


def test_disallowed_transition_rejected(store: Store) -> None:
    change_status(
        store, EDITOR, COMPANY, KEY, expected_version=1, status="launched", reason="Go."
    )
    change_status(
        store,
        EDITOR,
        COMPANY,
        KEY,
        expected_version=2,
        status="measuring",
        reason="Go.",
    )

    with pytest.raises(
        StatusChangeError, match="allowed next statuses: closed, launched"
    ):
        change_status(
            store,
            EDITOR,
            COMPANY,
            KEY,
            expected_version=3,
            status="planned",
            reason="Back to the drawing board.",
        )


def test_status_closed_needs_outcome(store: Store) -> None:
    with pytest.raises(InvalidEditError, match="outcome"):
        change_status(
            store, EDITOR, COMPANY, KEY, expected_version=1, status="closed", reason="x"
        )


# --- checkpoints --------------------------------------------------------------------


def test_checkpoint_note_and_next_date(store: Store) -> None:
    version = post_checkpoint(
        store,
        OWNER,
        COMPANY,
        KEY,
        expected_version=1,
        note="Activation up 4 points in the first cohort.",
        next_checkpoint=dt.date(2026, 5, 12),
        reason="Waiting for the second cohort.",
        at=TUESDAY,
    ).version

    stored = store.get_initiative(COMPANY, KEY).initiative
    event = history(store)[-1]
    assert version == 2
    assert stored.checkpoints[-1].note == "Activation up 4 points in the first cohort."
    assert stored.checkpoints[-1].author == "Maya Okafor"
    assert stored.checkpoints[-1].on == TUESDAY.date()
    assert stored.next_checkpoint == dt.date(2026, 5, 12)
    assert event.kind == "checkpoint"
    assert event.changes["checkpoint"][1]["note"] == stored.checkpoints[-1].note
    assert event.changes["next_checkpoint"] == ("2026-04-14", "2026-05-12")
    assert (
        "next checkpoint moved from 14 Apr 2026 to 12 May 2026 (28 days later) on "
        "3 Mar 2026: Waiting for the second cohort." in change_texts(store)
    )


def test_checkpoint_date_must_follow(store: Store) -> None:
    with pytest.raises(InvalidEditError, match="after the checkpoint of 2026-03-03"):
        post_checkpoint(
            store,
            EDITOR,
            COMPANY,
            KEY,
            expected_version=1,
            note="Review held.",
            next_checkpoint=dt.date(2026, 3, 1),
            at=TUESDAY,
        )


def test_board_cannot_post_checkpoint(store: Store) -> None:
    with pytest.raises(PermissionDeniedError, match="post a checkpoint"):
        post_checkpoint(
            store, BOARD, COMPANY, KEY, expected_version=1, note="Looks good."
        )


# --- closing ----------------------------------------------------------------------


def close(store: Store, version: int = 1) -> int:
    return close_initiative(
        store,
        EDITOR,
        COMPANY,
        KEY,
        expected_version=version,
        outcome=Outcome(
            result=OutcomeResult.PARTIALLY_ACHIEVED,
            actual_movement=Decimal("3.2"),
            lesson="Self-serve accounts need a shorter checklist.",
            closed_on=dt.date(2026, 6, 30),
        ),
        reason="Measured over the full window.",
        at=TUESDAY,
    ).version


def test_close_records_outcome(store: Store) -> None:
    version = close(store)

    stored = store.get_initiative(COMPANY, KEY).initiative
    event = history(store)[-1]
    assert version == 2
    assert stored.status is Status.CLOSED
    assert stored.outcome is not None
    assert stored.outcome.actual_unit is Unit.PP
    assert stored.outcome.actual_movement == Decimal("3.2")
    assert event.kind == "closed"
    assert event.changes["status"] == ("in-progress", "closed")
    assert event.changes["outcome"][1]["result"] == "partially-achieved"
    assert (
        "closed on 30 Jun 2026 as partially-achieved: Measured over the full window."
        in change_texts(store)
    )


def test_closed_outcome_immutable(store: Store) -> None:
    close(store)

    with pytest.raises(ClosedInitiativeError) as caught:
        close(store, version=2)
    with pytest.raises(ClosedInitiativeError):
        update_fields(
            store,
            EDITOR,
            COMPANY,
            KEY,
            expected_version=2,
            changes={"name": "Renamed"},
            reason="x",
        )
    with pytest.raises(ClosedInitiativeError):
        revise_target(
            store,
            EDITOR,
            COMPANY,
            KEY,
            expected_version=2,
            target="+1pp GRR by Q4",
            reason="x",
        )
    with pytest.raises(ClosedInitiativeError):
        change_status(
            store,
            EDITOR,
            COMPANY,
            KEY,
            expected_version=2,
            status="planned",
            reason="x",
        )

    assert caught.value.http_status == 409
    assert store.get_initiative(COMPANY, KEY).version == 2


def test_closed_takes_correction_note(store: Store) -> None:
    close(store)

    version = post_checkpoint(
        store,
        EDITOR,
        COMPANY,
        KEY,
        expected_version=2,
        note="Correction: movement measured on the SMB cohort only.",
    ).version

    assert version == 3
    with pytest.raises(ClosedInitiativeError):
        post_checkpoint(
            store,
            EDITOR,
            COMPANY,
            KEY,
            expected_version=3,
            note="Next review.",
            next_checkpoint=dt.date(2027, 1, 1),
        )


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        (Outcome(actual_movement=Decimal(1)), "outcome result"),
        (Outcome(result=OutcomeResult.MISSED), "actual movement"),
    ],
)
def test_incomplete_outcome_rejected(
    store: Store, outcome: Outcome, message: str
) -> None:
    with pytest.raises(InvalidEditError, match=message):
        close_initiative(
            store,
            EDITOR,
            COMPANY,
            KEY,
            expected_version=1,
            outcome=outcome,
            reason="Done.",
        )


def test_abandoned_needs_no_movement(store: Store) -> None:
    version = close_initiative(
        store,
        EDITOR,
        COMPANY,
        KEY,
        expected_version=1,
        outcome=Outcome(result=OutcomeResult.ABANDONED),
        reason="Replaced by the in-app guide.",
    ).version

    assert version == 2


# --- target revisions ----------------------------------------------------------------


def test_revise_target_recorded(store: Store) -> None:
    version = revise_target(
        store,
        EDITOR,
        COMPANY,
        KEY,
        expected_version=1,
        target="+3pp lift in 90-day GRR for SMB cohort by Q2",
        reason="The pilot cohort was half the planned size.",
        at=TUESDAY,
    ).version

    stored = store.get_initiative(COMPANY, KEY).initiative
    event = history(store)[-1]
    assert version == 2
    assert stored.target.amount == Decimal(3)
    assert event.kind == "target-revised"
    assert event.actor == "jon"
    assert event.changes["target"] == (
        "+5pp lift in 90-day GRR for SMB cohort by Q2",
        "+3pp lift in 90-day GRR for SMB cohort by Q2",
    )
    assert (
        "target revised from “+5pp lift in 90-day GRR for SMB cohort by Q2” to "
        "“+3pp lift in 90-day GRR for SMB cohort by Q2” on 3 Mar 2026: The pilot "
        "cohort was half the planned size." in change_texts(store)
    )


def test_revise_target_uses_fiscal_calendar(store: Store) -> None:
    store.set_company_settings(
        COMPANY, CompanySettings(fiscal=FiscalCalendar(start_month=4))
    )

    revise_target(
        store,
        EDITOR,
        COMPANY,
        KEY,
        expected_version=1,
        target="+3pp lift in 90-day GRR for SMB cohort by Q2",
        reason="Smaller cohort.",
        at=TUESDAY,
    )

    # With the fiscal year starting in April, Q2 of FY27 ends on 30 Sep 2026.
    target = store.get_initiative(COMPANY, KEY).initiative.target
    assert target.deadline == dt.date(2026, 9, 30)


def test_revise_target_needs_reason(store: Store) -> None:
    with pytest.raises(InvalidEditError, match="reason"):
        revise_target(
            store,
            EDITOR,
            COMPANY,
            KEY,
            expected_version=1,
            target="+3pp GRR by Q2",
            reason="",
        )
    assert store.get_initiative(COMPANY, KEY).version == 1


# --- ids and text a URL or a database cannot carry -----------------------------


@pytest.mark.parametrize("key", ["../../etc/passwd", "a/b", "50%", ".hidden", "a\x00b"])
def test_create_rejects_key_outside_url_segment(key: str, tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'keys.db'}")
    store.migrate()
    store.ensure_company("Acme")
    store.add_user("ed", "Ed Editor")
    store.grant_role("ed", "Acme", Role.EDITOR)
    principal = Principal("ed", "Ed Editor", {"Acme": Role.EDITOR})
    with pytest.raises(InvalidEditError, match="letters, digits"):
        create_initiative(
            store, principal, "Acme", InitiativeDraft(name="Probe", key=key)
        )
    assert store.load_register("Acme").initiatives == ()


def test_create_rejects_nul_in_name(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'nul.db'}")
    store.migrate()
    store.ensure_company("Acme")
    principal = Principal("ed", "Ed Editor", {"Acme": Role.EDITOR})
    with pytest.raises(InvalidEditError, match="NUL character"):
        create_initiative(store, principal, "Acme", InitiativeDraft(name="NUL\x00byte"))
