"""A register export with every form field set imports back without a change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from boardloop.access import Principal, Role
from boardloop.domain.fiscal import FiscalCalendar
from boardloop.domain.model import Outcome, OutcomeResult, Status, Unit
from boardloop.edits import (
    change_status,
    close_initiative,
    post_checkpoint,
    update_fields,
)
from boardloop.io import read_register_file, register_table, table_to_csv, table_to_xlsx
from boardloop.store import Store
from boardloop.store._codec import encode_initiative

if TYPE_CHECKING:
    from pathlib import Path

    from boardloop.domain.model import Register

COMPANY = "Tallyfern Software"
EDITOR = Principal("jon", "Jon Reyes", {COMPANY: Role.EDITOR})
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TUESDAY = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)
FRIDAY = dt.datetime(2026, 3, 6, 9, 0, tzinfo=dt.UTC)
CALENDAR = FiscalCalendar()

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

# Fields not compared, because they record where the record was read from.
NOT_COMPARED = ("source", "field_lines", "field_columns", "history", "codec")


def read(path: Path) -> list[object]:
    return list(read_register_file(path, calendar=CALENDAR).initiatives)


def edit_every_field(store: Store) -> None:
    """Set every field the web forms set, through the edit operations."""
    key = "onboarding-revamp"
    update_fields(
        store,
        EDITOR,
        COMPANY,
        key,
        expected_version=store.get_initiative(COMPANY, key).version,
        changes={
            "baseline": {"value": "81.5", "as_of": "2026-01-31", "source": "CRM"},
            "guardrails": ["NRR", "logo churn"],
            "attribution": "Split 60/40 with the pricing change.",
            "program": "Retention",
            "control_segment": "Mid-market",
        },
        reason="Baseline from the January CRM report.",
        at=TUESDAY,
    )
    post_checkpoint(
        store,
        EDITOR,
        COMPANY,
        key,
        expected_version=store.get_initiative(COMPANY, key).version,
        note='Ten accounts live.\nTwo more, "gold" tier, next week.',
        on=dt.date(2026, 3, 3),
        next_checkpoint=dt.date(2026, 4, 20),
        at=TUESDAY,
    )
    for status in (Status.LAUNCHED, Status.MEASURING):
        change_status(
            store,
            EDITOR,
            COMPANY,
            key,
            expected_version=store.get_initiative(COMPANY, key).version,
            status=status,
            reason="Rolled out to the pilot accounts.",
            at=TUESDAY,
        )
    close_initiative(
        store,
        EDITOR,
        COMPANY,
        key,
        expected_version=store.get_initiative(COMPANY, key).version,
        outcome=Outcome(
            result=OutcomeResult.PARTIALLY_ACHIEVED,
            actual_movement=Decimal("3.5"),
            actual_unit=Unit.PP,
            lesson="Onboarding calls matter more than emails.",
            closed_on=dt.date(2026, 3, 5),
        ),
        reason="Measured at the end of the quarter.",
        at=FRIDAY,
    )


def comparable(register: Register) -> dict[str, dict[str, object]]:
    result = {}
    for initiative in register.initiatives:
        encoded = encode_initiative(initiative)
        for name in NOT_COMPARED:
            encoded.pop(name, None)
        result[initiative.id] = encoded
    return result


def write_export(register: Register, path: Path) -> None:
    table = register_table(register)
    if path.suffix == ".csv":
        path.write_text(table_to_csv(table), encoding="utf-8")
    else:
        path.write_bytes(table_to_xlsx(table))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'boardloop.db'}")
    store.migrate()
    source = tmp_path / "register.yaml"
    source.write_text(REGISTER, encoding="utf-8")
    store.import_initiatives(
        COMPANY,
        read_register_file(source, calendar=CALENDAR).initiatives,
        source_path=str(source),
        actor="cfo",
        at=MONDAY,
    )
    edit_every_field(store)
    return store


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_reimports_unchanged(store: Store, tmp_path: Path, suffix: str) -> None:
    register = store.load_register(COMPANY)
    path = tmp_path / f"reg-rt{suffix}"
    write_export(register, path)

    changes = store.import_initiatives(
        COMPANY,
        read_register_file(path, calendar=CALENDAR).initiatives,
        source_path=str(path),
        actor="cfo",
        at=FRIDAY + dt.timedelta(hours=1),
    )

    assert changes.created == ()
    assert changes.updated == ()
    assert set(changes.unchanged) == {"onboarding-revamp", "ebr-program"}
    assert comparable(store.load_register(COMPANY)) == comparable(register)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_fills_fresh_workspace(
    store: Store, tmp_path: Path, suffix: str
) -> None:
    register = store.load_register(COMPANY)
    path = tmp_path / f"reg-rt{suffix}"
    write_export(register, path)
    fresh = Store(f"sqlite:///{tmp_path / 'fresh.db'}")
    fresh.migrate()

    fresh.import_initiatives(
        COMPANY,
        read_register_file(path, calendar=CALENDAR).initiatives,
        source_path=str(path),
        actor="cfo",
        at=FRIDAY,
    )

    assert comparable(fresh.load_register(COMPANY)) == comparable(register)
    fresh.close()


def test_export_writes_every_form_field(store: Store) -> None:
    table = register_table(store.load_register(COMPANY))
    row = dict(zip(table.header, table.rows[0], strict=True))

    assert row["baseline source"] == "CRM"
    assert (
        row["guardrails"]
        == "customers.net_revenue_retention; customers.logo_churn_rate"
    )
    assert row["attribution"] == "Split 60/40 with the pricing change."
    assert row["actual unit"] == "pp"
    assert row["status"] == "closed"
    assert table.header.count("attribution") == 1
    assert '"on": "2026-03-03"' in str(row["checkpoints"])


def test_invalid_checkpoints_cell_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "reg.csv"
    path.write_text("id,name,checkpoints\na,Alpha,2026-03-03 call held\n")

    result = read_register_file(path, calendar=CALENDAR)

    assert result.initiatives[0].checkpoints == ()
    invalid = result.initiatives[0].extra["invalid"]
    assert invalid == {"checkpoints": "2026-03-03 call held"}


def test_guardrails_cell_reads_commas(tmp_path: Path) -> None:
    path = tmp_path / "reg.csv"
    path.write_text('id,name,guardrails\na,Alpha,"NRR, logo churn"\n')

    initiative = read_register_file(path, calendar=CALENDAR).initiatives[0]

    assert initiative.extra["guardrails"] == [
        "customers.net_revenue_retention",
        "customers.logo_churn_rate",
    ]


def test_unknown_actual_unit_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "reg.csv"
    path.write_text(
        "id,name,outcome,actual movement,actual unit\na,Alpha,missed,1,kg\n"
    )

    result = read_register_file(path, calendar=CALENDAR)

    outcome = result.initiatives[0].outcome
    assert outcome is not None
    assert outcome.actual_unit is None
    assert result.initiatives[0].extra["invalid"] == {"actual_unit": "kg"}
