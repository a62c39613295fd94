"""Field interpretation shared by the register readers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boardloop.domain.model import Owner, Status
from boardloop.io._fields import (
    DateOrder,
    decide_date_order,
    match_header,
    parse_date,
    parse_decimal,
    parse_owner,
    read_status,
    slugify,
    unique_ids,
)


@pytest.mark.parametrize(
    ("text", "status", "exact"),
    [
        ("planned", Status.PLANNED, True),
        ("In-progress", Status.IN_PROGRESS, True),
        ("in progress", Status.IN_PROGRESS, True),
        ("Closed", Status.CLOSED, True),
        ("Complete", Status.CLOSED, False),
        ("Done", Status.CLOSED, False),
        ("Not Started", Status.PLANNED, False),
        ("Not Started.", Status.PLANNED, False),
        ("Blocked", Status.IN_PROGRESS, False),
        ("Active", Status.IN_PROGRESS, False),
        ("Pushed", Status.PLANNED, False),
        ("✅", Status.CLOSED, False),
        ("🚫", Status.IN_PROGRESS, False),
        ("🚧", Status.IN_PROGRESS, False),
        ("⏳", Status.PLANNED, False),
        ("🟢", Status.IN_PROGRESS, False),
        ("🟡", Status.IN_PROGRESS, False),
        ("🔴", Status.IN_PROGRESS, False),
        ("75% complete", Status.IN_PROGRESS, False),
        ("100% complete", Status.CLOSED, False),
        ("0% complete. Lacking resource.", Status.PLANNED, False),
        ("Tracking to 100% complete. Pending approval.", Status.IN_PROGRESS, False),
        ("Partner program pushed to FY21.", Status.PLANNED, False),
        ("Not complete, pushed to FY21Q1", Status.IN_PROGRESS, False),
    ],
)
def test_status_words_and_emoji(text: str, status: Status, exact: bool) -> None:
    reading = read_status(text)
    assert reading.status is status
    assert reading.exact is exact


@pytest.mark.parametrize("text", ["❌", "TBD", "soon-ish", "?"])
def test_status_unreadable_is_none(text: str) -> None:
    reading = read_status(text)
    assert reading.status is None
    assert reading.why


@pytest.mark.parametrize(
    ("text", "owner", "noted"),
    [
        (
            "Dana Reyes (VP Customer Success)",
            Owner("Dana Reyes", "VP Customer Success"),
            False,
        ),
        ("CX (<CX leader>)", Owner("<CX leader>", "CX"), False),
        ("<Support lead>", Owner("<Support lead>"), False),
        ("Dana Reyes", Owner("Dana Reyes"), False),
        ("CS Ops", Owner(None, "CS Ops"), True),
        ("", Owner(), False),
    ],
)
def test_owner_strings(text: str, owner: Owner, noted: bool) -> None:
    parsed, note = parse_owner(text)
    assert parsed == owner
    assert bool(note) is noted


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2026-03-14", None, dt.date(2026, 3, 14)),
        ("2026/03/14", None, dt.date(2026, 3, 14)),
        ("14/03/2026", None, dt.date(2026, 3, 14)),
        ("03/14/2026", None, dt.date(2026, 3, 14)),
        ("03/04/2026", DateOrder.DAY_FIRST, dt.date(2026, 4, 3)),
        ("03/04/2026", DateOrder.MONTH_FIRST, dt.date(2026, 3, 4)),
        ("03/04/2026", None, None),
        ("14 Mar 2026", None, dt.date(2026, 3, 14)),
        ("November 1, 2019", None, dt.date(2019, 11, 1)),
        ("2026-02-30", None, None),
        ("next week", None, None),
    ],
)
def test_dates(text: str, order: DateOrder | None, expected: dt.date | None) -> None:
    assert parse_date(text, order) == expected


def test_date_order_proven_by_day_above_12() -> None:
    assert decide_date_order(["01/02/2026", "25/02/2026"]) == (
        DateOrder.DAY_FIRST,
        True,
    )
    assert decide_date_order(["01/02/2026", "02/25/2026"]) == (
        DateOrder.MONTH_FIRST,
        True,
    )


def test_date_order_ambiguous_column() -> None:
    assert decide_date_order(["01/02/2026", "03/04/2026"]) == (None, True)
    assert decide_date_order(["2026-01-02", ""]) == (None, False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2,5", Decimal("2.5")),
        ("91.5%", Decimal("91.5")),
        ("1.234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("0,125", Decimal("0.125")),
        ("+3", Decimal("3")),
        ("-0.5", Decimal("-0.5")),
        ("n/a", None),
        ("", None),
    ],
)
def test_decimals(text: str, expected: Decimal | None) -> None:
    assert parse_decimal(text)[0] == expected


def test_decimal_thousands_comma_is_noted() -> None:
    value, note = parse_decimal("1,234")
    assert value == Decimal("1234")
    assert "thousands" in note
    assert parse_decimal("1,234", decimal_comma=True)[0] == Decimal("1.234")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Initiative", "name"),
        ("DRI", "owner"),
        ("Responsible", "owner"),
        ("Key Result", "target"),
        ("KR", "target"),
        ("Next Review", "next_checkpoint"),
        ("Due", "deadline"),
        ("Cohort", "segment"),
        ("State", "status"),
        ("Team", "owner_function"),
        ("#", "id"),
        ("Notes2", None),
    ],
)
def test_header_synonyms(header: str, field: str | None) -> None:
    assert match_header(header) == field


def test_slug_and_unique_ids() -> None:
    assert slugify("Onboarding revamp: SMB (2026)") == "onboarding-revamp-smb-2026"
    assert slugify("Réduire le churn") == "reduire-le-churn"
    assert unique_ids(["a", "a", "b", "a"]) == [
        ("a", False),
        ("a-2", True),
        ("b", False),
        ("a-3", True),
    ]


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 31)))
def test_iso_dates_round_trip(date: dt.date) -> None:
    assert parse_date(date.isoformat()) == date
    assert parse_date(date.strftime("%d/%m/%Y"), DateOrder.DAY_FIRST) == date
    assert parse_date(date.strftime("%m/%d/%Y"), DateOrder.MONTH_FIRST) == date


@given(st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False))
def test_decimal_comma_round_trip(value: Decimal) -> None:
    written = f"{value:f}".replace(".", ",")
    assert parse_decimal(written, decimal_comma=True)[0] == value


@given(st.text(max_size=80))
def test_slug_is_stable(text: str) -> None:
    slug = slugify(text)
    assert slug == slugify(text)
    assert slug
    assert set(slug) <= set("abcdefghijklmnopqrstuvwxyz0123456789-.")
