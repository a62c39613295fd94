"""Initiative lifecycle: allowed status transitions and their history."""

from __future__ import annotations

import datetime as dt

import pytest

from boardloop.domain.model import (
    ALLOWED_TRANSITIONS,
    Initiative,
    InvalidTransition,
    Source,
    Status,
    transition,
)

AT = dt.datetime(2026, 9, 1, 10, 30)


def planned() -> Initiative:
    return Initiative(id="onboarding", name="Onboarding revamp", status=Status.PLANNED)


def test_forward_path_records_each_step() -> None:
    initiative = planned()
    for step in (Status.IN_PROGRESS, Status.LAUNCHED, Status.MEASURING, Status.CLOSED):
        initiative = transition(initiative, step, at=AT, actor="maya", reason="next")

    assert initiative.status is Status.CLOSED
    assert [event.changes["status"] for event in initiative.history] == [
        ("planned", "in-progress"),
        ("in-progress", "launched"),
        ("launched", "measuring"),
        ("measuring", "closed"),
    ]
    assert all(event.actor == "maya" for event in initiative.history)


def test_launch_sets_launch_date() -> None:
    launched = transition(planned(), Status.LAUNCHED, at=AT, actor="maya")
    assert launched.launched_on == AT.date()


def test_transition_updates_status_text() -> None:
    written = Initiative(
        id="x", name="Health score v2", status=Status.IN_PROGRESS, status_text="WIP"
    )
    launched = transition(written, Status.LAUNCHED, at=AT, actor="a")
    assert launched.status_text == "launched"


def test_launch_keeps_stated_launch_date() -> None:
    stated = dt.date(2026, 8, 3)
    initiative = Initiative(
        id="x", name="Expansion playbook", status=Status.IN_PROGRESS, launched_on=stated
    )
    assert transition(initiative, Status.LAUNCHED, at=AT, actor="a").launched_on == (
        stated
    )


def test_closed_cannot_reopen() -> None:
    closed = Initiative(id="x", name="Renewal desk", status=Status.CLOSED)
    for status in Status:
        with pytest.raises(InvalidTransition, match="allowed next statuses: none"):
            transition(closed, status, at=AT, actor="a")


def test_skipping_back_to_planned_rejected() -> None:
    measuring = Initiative(id="x", name="Health score v2", status=Status.MEASURING)
    with pytest.raises(InvalidTransition) as caught:
        transition(measuring, Status.PLANNED, at=AT, actor="a")
    assert "from measuring to planned" in str(caught.value)
    assert "closed, launched" in str(caught.value)


def test_rejected_transition_leaves_history_unchanged() -> None:
    measuring = Initiative(id="x", name="Health score v2", status=Status.MEASURING)
    with pytest.raises(InvalidTransition):
        transition(measuring, Status.PLANNED, at=AT, actor="a")
    assert measuring.history == ()


@pytest.mark.parametrize("status", list(Status))
def test_every_status_has_transition_rule(status: Status) -> None:
    assert status in ALLOWED_TRANSITIONS
    assert status not in ALLOWED_TRANSITIONS[status]


def test_source_of_falls_back_to_record_line() -> None:
    initiative = Initiative(
        id="x",
        name="Advocacy program",
        source=Source("register.yaml", 12),
        field_lines={"owner": 14},
    )
    assert str(initiative.source_of("owner")) == "register.yaml:14"
    assert str(initiative.source_of("target")) == "register.yaml:12"
