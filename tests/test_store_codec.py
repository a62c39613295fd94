"""The codec turns initiatives into JSON-ready dicts and back, losing nothing."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boardloop.domain.model import (
    Baseline,
    Checkpoint,
    Direction,
    Event,
    Initiative,
    LevelBound,
    Outcome,
    OutcomeResult,
    Owner,
    Source,
    Status,
    Target,
    Unit,
)
from boardloop.store._codec import (
    CodecError,
    decode_initiative,
    decode_value,
    dump_json,
    encode_initiative,
    encode_value,
)
from boardloop.store._diff import diff_initiatives

texts = st.text(max_size=20)
optional_texts = st.none() | texts
dates = st.dates()
optional_dates = st.none() | dates
decimals = st.decimals(allow_nan=False)
optional_decimals = st.none() | decimals
offsets = st.sampled_from(
    [None, dt.UTC, dt.timezone(dt.timedelta(hours=5, minutes=30), "IST")]
)
datetimes = st.datetimes(timezones=offsets)

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | texts
    | decimals
    | dates
    | datetimes
    | st.times()
)
free_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.lists(children, max_size=3).map(tuple)
        | st.dictionaries(texts, children, max_size=3)
        | st.dictionaries(st.integers(), children, max_size=3)
    ),
    max_leaves=10,
)

targets = st.builds(
    Target,
    text=texts,
    kpi_id=optional_texts,
    kpi_label=optional_texts,
    direction=st.none() | st.sampled_from(Direction),
    amount=optional_decimals,
    unit=st.none() | st.sampled_from(Unit),
    currency=optional_texts,
    level=optional_decimals,
    level_bound=st.none() | st.sampled_from(LevelBound),
    start_level=optional_decimals,
    segment=optional_texts,
    window_days=st.none() | st.integers(min_value=0, max_value=3650),
    deadline=optional_dates,
    deadline_label=optional_texts,
    problems=st.lists(texts, max_size=3).map(tuple),
)
events = st.builds(
    Event,
    at=datetimes,
    actor=texts,
    kind=texts,
    changes=st.dictionaries(texts, st.tuples(free_values, free_values), max_size=3),
    reason=texts,
)
initiatives = st.builds(
    Initiative,
    id=st.text(min_size=1, max_size=20),
    name=texts,
    owner=st.builds(Owner, person=optional_texts, function=optional_texts),
    target=targets,
    status=st.none() | st.sampled_from(Status),
    status_text=optional_texts,
    program=optional_texts,
    baseline=st.none()
    | st.builds(Baseline, value=decimals, as_of=optional_dates, source=optional_texts),
    created_on=optional_dates,
    launched_on=optional_dates,
    next_checkpoint=optional_dates,
    checkpoints=st.lists(
        st.builds(Checkpoint, on=dates, note=texts, author=optional_texts), max_size=3
    ).map(tuple),
    outcome=st.none()
    | st.builds(
        Outcome,
        result=st.none() | st.sampled_from(OutcomeResult),
        actual_movement=optional_decimals,
        actual_unit=st.none() | st.sampled_from(Unit),
        lesson=texts,
        closed_on=optional_dates,
    ),
    history=st.lists(events, max_size=3).map(tuple),
    progress_note=optional_texts,
    notes=texts,
    control_segment=optional_texts,
    source=st.none()
    | st.builds(Source, path=texts, line=st.none() | st.integers(min_value=1)),
    field_lines=st.dictionaries(texts, st.integers(min_value=1), max_size=3),
    extra=st.dictionaries(texts, free_values, max_size=4),
)


@given(initiatives)
def test_initiative_round_trip(initiative: Initiative) -> None:
    encoded = encode_initiative(initiative)
    through_json = json.loads(dump_json(encoded))

    assert decode_initiative(through_json) == initiative


@given(initiatives)
def test_round_trip_keeps_types(initiative: Initiative) -> None:
    decoded = decode_initiative(json.loads(dump_json(encode_initiative(initiative))))

    assert type(decoded.target.amount) is type(initiative.target.amount)
    assert type(decoded.status) is type(initiative.status)
    assert [type(event.at) for event in decoded.history] == [
        type(event.at) for event in initiative.history
    ]
    assert {key: type(value) for key, value in decoded.extra.items()} == {
        key: type(value) for key, value in initiative.extra.items()
    }


@given(initiatives)
def test_identical_initiatives_have_no_diff(initiative: Initiative) -> None:
    assert diff_initiatives(initiative, initiative) == {}


@pytest.mark.parametrize(
    "value",
    [
        Decimal("1.50"),
        Decimal("-0"),
        Decimal("1E+3"),
        dt.date(2026, 3, 14),
        dt.datetime(2026, 3, 14, 9, 30, tzinfo=dt.UTC),
        (1, "two", None),
        {"$decimal": "looks like a tag"},
        {1: "one", 2: "two"},
        float("inf"),
    ],
)
def test_free_value_round_trip(value: Any) -> None:
    decoded = decode_value(json.loads(dump_json(encode_value(value, "extra"))))

    assert decoded == value
    assert type(decoded) is type(value)


def test_decimal_keeps_trailing_zeros() -> None:
    initiative = Initiative(
        id="grr", name="GRR push", target=Target(text="+5.0pp", amount=Decimal("5.0"))
    )

    decoded = decode_initiative(encode_initiative(initiative))

    assert str(decoded.target.amount) == "5.0"


def test_unknown_type_rejected() -> None:
    initiative = Initiative(id="grr", name="GRR push", extra={"tags": {"a", "b"}})

    with pytest.raises(CodecError, match=r"initiative 'grr' extra\.tags"):
        encode_initiative(initiative)


def test_unknown_codec_version_rejected() -> None:
    encoded = encode_initiative(Initiative(id="grr", name="GRR push"))
    encoded["codec"] = 99

    with pytest.raises(CodecError, match="codec version"):
        decode_initiative(encoded)


def test_diff_ignores_source_and_lines() -> None:
    before = Initiative(id="grr", name="GRR push", source=Source("a.yaml", 3))
    after = Initiative(
        id="grr",
        name="GRR push",
        source=Source("b.yaml", 9),
        field_lines={"name": 10},
    )

    assert diff_initiatives(before, after) == {}


def test_diff_lists_target_parts() -> None:
    before = Initiative(
        id="grr",
        name="GRR push",
        target=Target(text="+5pp GRR by Q2", amount=Decimal("5"), unit=Unit.PP),
    )
    after = Initiative(
        id="grr",
        name="GRR push",
        target=Target(text="+3pp GRR by Q2", amount=Decimal("3"), unit=Unit.PP),
        status=Status.LAUNCHED,
    )

    assert diff_initiatives(before, after) == {
        "target": ("+5pp GRR by Q2", "+3pp GRR by Q2"),
        "target.amount": ("5", "3"),
        "status": ("planned", "launched"),
    }
