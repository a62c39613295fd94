"""Needle checks in the target grammar skip only patterns that cannot match."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import example, given
from hypothesis import strategies as st

from boardloop.catalog import load_catalog
from boardloop.domain import _target_number_steps, _target_word_steps, deadlines
from boardloop.domain._target_draft import Draft, Level
from boardloop.domain.deadlines import read_deadlines
from boardloop.domain.fiscal import FiscalCalendar
from boardloop.domain.targets import parse_target
from boardloop.domain.units import read_quantity

CALENDAR = FiscalCalendar(2)
AS_OF = dt.date(2026, 11, 16)
ALIASES = load_catalog().aliases()

# Words of deadlines, levels and KPIs, with characters that re.IGNORECASE
# matches to ASCII letters ("ſ" is "s", "K" is "k") and digits that \d matches.
phrase_words = st.sampled_from(
    [
        "by", "end", "of", "the", "Q2", "q3", "FY27", "FY'28", "H1", "2H", "1H27",
        "first", "half", "next", "this", "quarter", "year", "month", "EOQ", "EOY",
        "CY2027", "2027", "2027-03-14", "(2027-07-31)", "3/4/2027", "31.12.2027",
        "14", "Mar", "March", "ſep", "ſept", "Dec", "5th", "within", "90", "days",
        "in", "6", "weeks", "before", "until", "2027Q2", "FY27-H2", "٢٠٢٧", "İn",
        "ı", "K", "at", "least", "most", "more", "than", "≥", "≤", ">=", "<", "=",
        "94%", "94%+", "45", "or", "and", "above", "below", "exactly", "from", "to",
        "->", "→", "8-15%", "+5pp", "GRR", "logo", "churn", "NPS", "nrr", "USD",
        "$50k", "50k", "EUR", "all", "-", "(", ")", ",", "customers.grr", "90-day",
    ]
)  # fmt: skip
phrases = st.one_of(
    st.lists(phrase_words, max_size=10).map(" ".join),
    st.text(max_size=40),
)


def _read_every_form(text: str, as_of: dt.date | None) -> object:
    """Read deadlines by searching every form, without the needle checks."""
    always = re.compile("")
    forms = tuple(
        (pattern, resolver, always) for pattern, resolver, _ in deadlines._COMPILED
    )
    context = deadlines._Context(CALENDAR, as_of)
    return deadlines._read_forms(text, forms, context, "\x00")


@given(phrases, st.sampled_from([AS_OF, None]))
@example("by Q2 FY27 (2027-07-31), H1 2027, 2H27, FY28-Q3, 2027H2, next quarter", AS_OF)
@example("14 Mar 2027, Dec 5th, June 2027, 3/4/2027, 31.12.2027, by 2027", AS_OF)
@example("first half of FY27, second half, CY2027, EOQ, this month, by March", AS_OF)
@example(
    "over the next 30 days, before Q3, end of year, in 6 weeks, (2027-01-31)", AS_OF
)
def test_deadline_needles_match_every_form(text: str, as_of: dt.date | None) -> None:
    expected = _read_every_form(text, as_of)
    found = read_deadlines(text, calendar=CALENDAR, as_of=as_of, within=False)
    assert found == expected


def test_deadline_needles_fold_long_s() -> None:
    # re.IGNORECASE reads "ſep" as "sep", so the month needles must find it.
    _, found, problems = read_deadlines("by ſep 2027", calendar=CALENDAR)
    assert [deadline.on for deadline in found] == [dt.date(2027, 9, 30)]
    assert problems == []


def _levels_without_needles(text: str) -> list[Level]:
    draft = Draft(text, CALENDAR, AS_OF, ())
    for pattern, bound, _ in _target_number_steps._BOUNDED_LEVEL_RES:
        while match := pattern.search(draft.rest):
            quantity = read_quantity(match["q"])
            draft.take(match)
            if quantity is not None:
                draft.levels.append(Level(quantity, bound))
    return draft.levels


@given(phrases)
@example("at least 94%, at most 4%, exactly 45, = 3%, 45+, 5 or less, ≥ 2, < 1%")
@example("min 90% and 80% and below, 3 or more, over 2, under 4, fewer than 9")
def test_level_needles_match_every_pattern(text: str) -> None:
    draft = Draft(text, CALENDAR, AS_OF, ())
    _target_number_steps._read_bounded_level(draft)
    assert draft.levels == _levels_without_needles(text)


@given(phrases)
@example("from 6% to 4%, 8-15%, 3% -> 5%, 2% → 1%, 5% until 9%")
def test_range_needles_match_every_pattern(text: str) -> None:
    draft = Draft(text, CALENDAR, AS_OF, ())
    _target_number_steps._read_range(draft)
    expected = Draft(text, CALENDAR, AS_OF, ())
    for pattern, _ in _target_number_steps._RANGE_RES:
        position = 0
        while match := pattern.search(expected.rest, position):
            start, end = read_quantity(match["start"]), read_quantity(match["end"])
            if start and end and _target_number_steps._is_range(match, start, end):
                expected.ranges.append((start, end, expected.take(match)))
                position = 0
            else:
                position = match.start() + 1
    assert draft.ranges == expected.ranges


@given(phrases)
def test_alias_search_ignores_case(text: str) -> None:
    aliases = tuple(sorted(ALIASES.items()))
    pattern = _target_word_steps._alias_pattern(aliases)
    assert pattern is not None
    found = pattern.search(text)
    expected = pattern.pattern.search(text)
    assert (found is None) == (expected is None)
    if found is not None and expected is not None:
        assert found.span() == expected.span()


def test_alias_label_keeps_case() -> None:
    target = parse_target(
        "Logo Churn -1pp by Q2 FY27", calendar=CALENDAR, kpi_aliases=ALIASES
    )
    assert target.kpi_label == "Logo Churn"
    assert target.kpi_id == "customers.logo_churn_rate"


def test_alias_cache_sees_changed_aliases() -> None:
    aliases = {"grr": "customers.gross_revenue_retention"}
    first = parse_target("GRR +2pp", calendar=CALENDAR, kpi_aliases=aliases)
    aliases["grr"] = "customers.net_revenue_retention"
    second = parse_target("GRR +2pp", calendar=CALENDAR, kpi_aliases=aliases)
    assert first.kpi_id == "customers.gross_revenue_retention"
    assert second.kpi_id == "customers.net_revenue_retention"
