"""Shortcuts that skip work must give the same results as doing all the work."""

from __future__ import annotations

import datetime as dt
import difflib
import sys
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boardloop.catalog import load_catalog
from boardloop.domain.model import Direction, Initiative, KpiValue, Register, Target
from boardloop.evaluate import evaluate, evaluate_all
from boardloop.lint import LintContext, LintSettings
from boardloop.lint._rules_register import check_duplicate

AS_OF = dt.date(2026, 11, 16)
WORDS = ["onboarding", "revamp", "renewal", "desk", "save", "the", "of", "NPS"]

# Names built from a few words and letters, so that near-duplicates are common.
NAMES = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.text(alphabet="aeiorstnlé -!", min_size=1, max_size=6),
    ),
    min_size=1,
    max_size=4,
).map(" ".join)


def register_of(names: list[str], goals: list[int]) -> Register:
    """Build initiatives with the given names; equal goal numbers share a goal."""
    initiatives = []
    for index, (name, goal) in enumerate(zip(names, goals, strict=True)):
        target = Target(
            kpi_id="customers.nps_score" if goal else None,
            segment="SMB" if goal % 2 else "smb",
            direction=Direction.INCREASE,
            window_days=90 * goal,
        )
        initiative_id = "shared" if index % 7 == 3 else f"i{index}"
        initiatives.append(Initiative(id=initiative_id, name=name, target=target))
    return Register("Tallyfern", tuple(initiatives))


def context(threshold: float) -> LintContext:
    settings = LintSettings.from_mapping({"duplicate_similarity": threshold})
    return LintContext(as_of=AS_OF, settings=settings)


@settings(max_examples=60)
@given(
    st.lists(st.tuples(NAMES, st.integers(0, 3)), min_size=2, max_size=25),
    st.sampled_from([1.0, 0.9, 0.75, 0.5, 0.05]),
)
def test_duplicate_prefilter_changes_nothing(
    rows: list[tuple[str, int]], threshold: float
) -> None:
    pytest.importorskip("rapidfuzz")
    register = register_of([row[0] for row in rows], [row[1] for row in rows])
    with_prefilter = list(check_duplicate(register, context(threshold)))

    # Without rapidfuzz every earlier name is compared with SequenceMatcher.
    saved = sys.modules.get("rapidfuzz")
    sys.modules["rapidfuzz"] = None  # type: ignore[assignment]
    try:
        without = list(check_duplicate(register, context(threshold)))
    finally:
        if saved is None:
            del sys.modules["rapidfuzz"]
        else:
            sys.modules["rapidfuzz"] = saved
    assert with_prefilter == without


@given(NAMES, NAMES)
def test_sequence_matcher_ratio_within_indel_bound(first: str, second: str) -> None:
    fuzz = pytest.importorskip("rapidfuzz.fuzz")
    ratio = difflib.SequenceMatcher(None, first, second).ratio()
    assert ratio * 100 <= fuzz.ratio(first, second) + 1e-9


# --- evaluate_all indexes the values once -------------------------------------

KPI_IDS = [
    "customers.nps_score",
    "CUSTOMERS.NPS_SCORE",
    "NPS",
    "customers.gross_revenue_retention",
]
SEGMENTS = ["SMB", " smb ", "Enterprise", "all"]


@st.composite
def kpi_values(draw: st.DrawFn) -> list[KpiValue]:
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(KPI_IDS),
                st.sampled_from(SEGMENTS),
                st.dates(dt.date(2025, 1, 1), dt.date(2027, 6, 30)),
                st.integers(-50, 100),
            ),
            max_size=40,
        )
    )
    return [
        KpiValue(kpi_id=kpi, segment=segment, period_end=end, value=Decimal(value))
        for kpi, segment, end, value in rows
    ]


@settings(max_examples=60)
@given(kpi_values(), st.sampled_from([*SEGMENTS[:3], None]))
def test_evaluate_all_matches_evaluate(
    values: list[KpiValue], segment: str | None
) -> None:
    catalog = load_catalog()
    initiatives = [
        Initiative(
            id=f"i{index}",
            name="NPS push",
            target=Target(
                kpi_id=kpi_id,
                direction=Direction.INCREASE,
                amount=Decimal(5),
                segment=segment,
                deadline=dt.date(2026, 12, 31),
            ),
            launched_on=dt.date(2025, 6, 1),
        )
        for index, kpi_id in enumerate(["customers.nps_score", "nps", "unknown.kpi"])
    ]
    one_by_one = tuple(
        evaluate(item, values, as_of=AS_OF, catalog=catalog) for item in initiatives
    )
    assert evaluate_all(initiatives, values, as_of=AS_OF, catalog=catalog) == one_by_one
