"""Edits of the baseline, guardrails and attribution, and the outcome correction."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from boardloop.access import Principal, Role
from boardloop.catalog import load_catalog
from boardloop.domain.model import Baseline, Outcome, OutcomeResult, Status, Unit
from boardloop.edits import (
    ClosedInitiativeError,
    InitiativeDraft,
    InvalidEditError,
    NotClosedError,
    PermissionDeniedError,
    close_initiative,
    correct_outcome,
    create_initiative,
    update_fields,
)
from boardloop.service import lint_register
from boardloop.store import StaleVersionError, Store
from store_backends import BACKENDS, backend_url

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from boardloop.store import StoredInitiative

COMPANY = "Tallyfern Software"
KEY = "onboarding-revamp"
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TUESDAY = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)
WEDNESDAY = dt.datetime(2026, 3, 4, 9, 0, tzinfo=dt.UTC)

EDITOR = Principal("jon", "Jon Reyes", {COMPANY: Role.EDITOR})
OWNER = Principal("maya", "Maya Okafor", {COMPANY: Role.OWNER})

ONBOARDING = InitiativeDraft(
    key=KEY,
    name="Onboarding revamp",
    owner_person="Maya Okafor",
    target="-1pp logo churn for SMB by Q2",
    status=Status.IN_PROGRESS,
    next_checkpoint=dt.date(2026, 4, 14),
)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with backend_url(request.param, tmp_path, migrated=True) as url:
        store = Store(url)
        store.migrate()
        store.ensure_company(COMPANY)
        create_initiative(store, EDITOR, COMPANY, ONBOARDING, at=MONDAY)
        yield store
        store.close()


def edit(store: Store, changes: dict[str, Any], version: int = 1) -> StoredInitiative:
    return update_fields(
        store,
        EDITOR,
        COMPANY,
        KEY,
        expected_version=version,
        changes=changes,
        reason="Recorded at launch.",
        at=TUESDAY,
    )


def rule_ids(store: Store, key: str = KEY) -> set[str]:
    register = store.load_register(COMPANY)
    report = lint_register(
        register,
        workspace=None,
        catalog=load_catalog(),
        as_of=dt.date(2026, 3, 10),
        kpi_values=None,
    )
    return {item.rule_id for item in report.findings if item.initiative_id == key}


# --- baseline, guardrails, attribution ---------------------------------------------


def test_baseline_clears_tg202(store: Store) -> None:
    assert "TG202" in rule_ids(store)

    saved = edit(store, {"baseline": {"value": "4.1", "as_of": "2026-02-28"}})

    assert saved.version == 2
    assert saved.initiative.baseline == Baseline(
        Decimal("4.1"), as_of=dt.date(2026, 2, 28)
    )
    assert "TG202" not in rule_ids(store)
    event = saved.initiative.history[-1]
    assert event.kind == "updated"
    assert event.changes["baseline"] == (
        None,
        {"value": "4.1", "as_of": "2026-02-28", "source": None},
    )
    assert len(saved.initiative.history) == 2


def test_baseline_fields_in_one_event(store: Store) -> None:
    assert "MS507" in rule_ids(store)

    saved = edit(
        store,
        {
            "baseline": {"value": 4.1, "as_of": dt.date(2026, 2, 28), "source": "BI"},
            "guardrails": ["NRR", " grr "],
            "attribution": "Half of the movement is the pricing change's.",
        },
    )

    assert len(saved.initiative.history) == 2
    assert set(saved.initiative.history[-1].changes) == {"baseline", "extra"}
    assert saved.initiative.extra["guardrails"] == [
        "customers.net_revenue_retention",
        "customers.gross_revenue_retention",
    ]
    assert saved.initiative.extra["attribution"] == (
        "Half of the movement is the pricing change's."
    )
    assert "MS507" not in rule_ids(store)


def test_guardrails_keep_unknown_names(store: Store) -> None:
    saved = edit(store, {"guardrails": "NRR, Support tickets  per account"})

    assert saved.initiative.extra["guardrails"] == [
        "customers.net_revenue_retention",
        "Support tickets per account",
    ]


def test_clearing_removes_extra_entries(store: Store) -> None:
    edit(store, {"guardrails": ["NRR"], "attribution": "Shared with pricing."})

    saved = edit(store, {"guardrails": "", "attribution": " ", "baseline": None}, 2)

    assert "guardrails" not in saved.initiative.extra
    assert "attribution" not in saved.initiative.extra
    assert saved.initiative.baseline is None


@pytest.mark.parametrize(
    ("baseline", "field"),
    [
        ({"value": "about four"}, "baseline value"),
        ({"value": "1,234"}, "baseline value"),
        ({"value": "NaN"}, "baseline value"),
        ({"value": True}, "baseline value"),
        ({"value": "4", "as_of": "28/02/2026"}, "baseline as_of"),
        ({"value": "4", "as_of": "1200-01-01"}, "baseline as_of"),
        ({"as_of": "2026-02-28"}, "baseline value"),
        ({"value": "4", "when": "2026-02-28"}, "baseline"),
        ("4.1", "baseline"),
    ],
)
def test_invalid_baseline_rejected(store: Store, baseline: object, field: str) -> None:
    with pytest.raises(InvalidEditError) as caught:
        edit(store, {"baseline": baseline})

    assert caught.value.field == field
    assert store.get_initiative(COMPANY, KEY).version == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"guardrails": 5}, "guardrails"),
        ({"guardrails": ["NRR", 3]}, "guardrails"),
        ({"guardrails": ["x" * 201]}, "guardrails"),
        ({"attribution": "a\x00b"}, "attribution"),
    ],
)
def test_invalid_guardrails_rejected(
    store: Store, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidEditError) as caught:
        edit(store, changes)

    assert caught.value.field == field


def test_create_takes_baseline_guardrails(store: Store) -> None:
    draft = InitiativeDraft(
        name="Renewal desk",
        owner_person="Maya Okafor",
        target="+2pp NRR for Enterprise by Q3",
        status=Status.IN_PROGRESS,
        next_checkpoint=dt.date(2026, 4, 1),
        baseline={"value": "104.5", "as_of": "2026-02-28"},
        guardrails="logo churn",
        attribution="Shared with the pricing change, split by cohort.",
    )

    saved = create_initiative(store, EDITOR, COMPANY, draft, at=MONDAY)

    assert saved.initiative.baseline == Baseline(
        Decimal("104.5"), as_of=dt.date(2026, 2, 28)
    )
    assert saved.initiative.extra["guardrails"] == ["customers.logo_churn_rate"]
    assert len(saved.initiative.history) == 1
    assert "TG202" not in rule_ids(store, saved.initiative.id)


def test_create_rejects_invalid_baseline(store: Store) -> None:
    draft = InitiativeDraft(name="Renewal desk", baseline={"value": "lots"})

    with pytest.raises(InvalidEditError):
        create_initiative(store, EDITOR, COMPANY, draft, at=MONDAY)

    keys = [item.id for item in store.load_register(COMPANY).initiatives]
    assert keys == [KEY]


# --- outcome correction ------------------------------------------------------------


def close_as_achieved(store: Store) -> int:
    return close_initiative(
        store,
        EDITOR,
        COMPANY,
        KEY,
        expected_version=1,
        outcome=Outcome(
            result=OutcomeResult.ACHIEVED,
            actual_movement=Decimal("-0.4"),
            lesson="Churn fell less than planned.",
            closed_on=dt.date(2026, 6, 30),
        ),
        reason="Measured over the full window.",
        at=TUESDAY,
    ).version


def correct(store: Store, version: int = 2, **given: Any) -> StoredInitiative:
    values: dict[str, Any] = {
        "result": "partially-achieved",
        "actual_movement": Decimal("-0.4"),
        "lesson": "Churn fell less than planned.",
        "reason": "The movement is 0.6pp short of the target.",
    }
    values.update(given)
    return correct_outcome(
        store, EDITOR, COMPANY, KEY, expected_version=version, at=TUESDAY, **values
    )


def test_correction_relabels_and_clears_cl602(store: Store) -> None:
    close_as_achieved(store)
    assert "CL602" in rule_ids(store)

    saved = correct(store)

    outcome = saved.initiative.outcome
    assert outcome is not None
    assert outcome.result is OutcomeResult.PARTIALLY_ACHIEVED
    assert outcome.closed_on == dt.date(2026, 6, 30)
    assert outcome.actual_unit is Unit.PP
    assert saved.version == 3
    assert saved.initiative.target.text == ONBOARDING.target
    assert "CL602" not in rule_ids(store)


def test_correction_records_one_event(store: Store) -> None:
    close_as_achieved(store)

    saved = correct(store, lesson="Churn fell by 0.4pp, not 1pp.")

    history = saved.initiative.history
    assert len(history) == 3
    event = history[-1]
    assert event.kind == "outcome-corrected"
    assert event.reason == "The movement is 0.6pp short of the target."
    before, after = event.changes["outcome"]
    assert before["result"] == "achieved"
    assert after["result"] == "partially-achieved"
    assert after["lesson"] == "Churn fell by 0.4pp, not 1pp."
    assert set(event.changes) == {"outcome"}


def test_correction_needs_reason(store: Store) -> None:
    close_as_achieved(store)

    with pytest.raises(InvalidEditError) as caught:
        correct(store, reason="  ")

    assert caught.value.field == "reason"
    assert store.get_initiative(COMPANY, KEY).version == 2


def test_correction_of_open_rejected(store: Store) -> None:
    with pytest.raises(NotClosedError) as caught:
        correct(store, version=1)

    assert caught.value.http_status == 409


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"result": "won"}, "outcome result"),
        ({"actual_movement": None}, "actual movement"),
        ({"lesson": "a\x00b"}, "lesson"),
    ],
)
def test_invalid_correction_rejected(
    store: Store, given: dict[str, Any], field: str
) -> None:
    close_as_achieved(store)

    with pytest.raises(InvalidEditError) as caught:
        correct(store, **given)

    assert caught.value.field == field


def test_correction_without_change_stores_nothing(store: Store) -> None:
    close_as_achieved(store)

    saved = correct(store, result="achieved")

    assert saved.version == 2


def test_correction_checks_version_and_role(store: Store) -> None:
    close_as_achieved(store)

    with pytest.raises(StaleVersionError):
        correct(store, version=1)
    with pytest.raises(PermissionDeniedError):
        correct_outcome(
            store,
            OWNER,
            COMPANY,
            KEY,
            expected_version=2,
            result="missed",
            actual_movement=Decimal("-0.4"),
            lesson="",
            reason="x",
        )


def test_second_close_points_to_correction(store: Store) -> None:
    close_as_achieved(store)

    with pytest.raises(ClosedInitiativeError) as caught:
        close_initiative(
            store,
            EDITOR,
            COMPANY,
            KEY,
            expected_version=2,
            outcome=Outcome(result=OutcomeResult.MISSED, actual_movement=Decimal(0)),
            reason="x",
        )

    assert "correct its outcome" in str(caught.value)


def import_closed_without_outcome(store: Store) -> None:
    """Store a second initiative, closed with no outcome, through an import."""
    register = store.load_register(COMPANY)
    closed = replace(
        register.by_id()[KEY],
        id="community-forum",
        name="Community forum",
        status=Status.CLOSED,
        outcome=None,
        history=(),
    )
    store.import_initiatives(
        COMPANY, [closed], source_path="register.yaml", actor="jon", at=TUESDAY
    )


def record_missing(store: Store, **given: Any) -> StoredInitiative:
    values: dict[str, Any] = {
        "result": "missed",
        "actual_movement": Decimal("1"),
        "lesson": "Few customers posted.",
        "reason": "The outcome was left out when it closed.",
    }
    values.update(given)
    return correct_outcome(
        store,
        EDITOR,
        COMPANY,
        "community-forum",
        expected_version=1,
        at=WEDNESDAY,
        **values,
    )


def test_missing_outcome_recorded(store: Store) -> None:
    import_closed_without_outcome(store)
    assert "ST402" in rule_ids(store, "community-forum")

    saved = record_missing(store)

    outcome = saved.initiative.outcome
    assert outcome is not None
    assert outcome.result is OutcomeResult.MISSED
    assert outcome.actual_movement == Decimal("1")
    assert outcome.actual_unit is Unit.PP
    assert outcome.closed_on == WEDNESDAY.date()
    assert saved.version == 2
    assert "ST402" not in rule_ids(store, "community-forum")


def test_missing_outcome_records_one_event(store: Store) -> None:
    import_closed_without_outcome(store)

    saved = record_missing(store)

    event = saved.initiative.history[-1]
    assert event.kind == "outcome-recorded"
    assert event.reason == "The outcome was left out when it closed."
    before, after = event.changes["outcome"]
    assert before is None
    assert after["result"] == "missed"
    assert after["closed_on"] == WEDNESDAY.date().isoformat()
    assert set(event.changes) == {"outcome"}


def test_missing_outcome_needs_reason(store: Store) -> None:
    import_closed_without_outcome(store)

    with pytest.raises(InvalidEditError) as caught:
        record_missing(store, reason="")

    assert caught.value.field == "reason"
    assert store.get_initiative(COMPANY, "community-forum").version == 1


def test_missing_outcome_close_points_to_correction(store: Store) -> None:
    import_closed_without_outcome(store)

    with pytest.raises(ClosedInitiativeError) as caught:
        close_initiative(
            store,
            EDITOR,
            COMPANY,
            "community-forum",
            expected_version=1,
            outcome=Outcome(result=OutcomeResult.MISSED, actual_movement=Decimal(0)),
            reason="x",
        )

    message = str(caught.value)
    assert "record its missing outcome through the outcome correction" in message
    assert "second outcome" not in message
