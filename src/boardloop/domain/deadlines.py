"""Deadline phrases: "by Q2", "end of FY27", "next quarter", "by 14 Mar 2027".

A deadline is the last calendar day of the period it names, with a label such
as "Q2 FY27". Quarters, halves and years follow the fiscal calendar, and a year
written with a quarter or half ("Q2 2027", "2027Q2") is a fiscal year. A period
without a year ("Q2", "H2") is the next one that has not ended on the as-of
date. Relative phrases ("next quarter", "within 90 days") count from the as-of
date. Without an as-of date both are problems, never today's date.

A caller that knows the period a document covers passes its first day as
`period_start`. Then a period without a year lies in the fiscal year that
contains that day, without rolling forward, and "this quarter", "next year" or
"by March" count from that day. Durations ("within 90 days") still count from
the as-of date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from boardloop.domain._target_needles import fold
from boardloop.domain.fiscal import FiscalCalendar, add_months
from boardloop.domain.units import UNIT_AFTER_NUMBER_PATTERN

__all__ = ["Deadline", "read_deadlines", "read_within"]

_MONTH_ABBREVIATIONS = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_YEAR = r"(?P<year>\d{4}|\d{2})(?!\d)"
_FY_YEAR = rf"FY\s?'?{_YEAR}"
_MARKED_YEAR = rf"(?:FY\s?'?|'){_YEAR}"

_OPTIONAL_PREFIX = (
    r"(?:\b(?P<prefix>by|until|till|through|thru|due|in|at|before)\s+)?"
    r"(?:\b(?:the\s+)?end\s+of\s+(?:the\s+)?)?"
)
_REQUIRED_PREFIX = (
    r"(?:\b(?P<prefix>by|until|till|through|thru|due|in|before)\s+"
    r"(?:(?:the\s+)?end\s+of\s+(?:the\s+)?)?|\b(?:the\s+)?end\s+of\s+(?:the\s+)?)"
)
_CONFIRMATION = r"(?:\s*\(\s*(?P<confirm>\d{4}-\d{2}-\d{2})\s*\))?"


@dataclass(frozen=True, slots=True)
class Deadline:
    """A deadline read from a phrase: its last day, label, and text as written."""

    on: dt.date
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class _Context:
    calendar: FiscalCalendar
    as_of: dt.date | None
    period_start: dt.date | None = None

    @property
    def reference(self) -> dt.date | None:
        """The day that periods without a year count from."""
        return self.period_start or self.as_of


_Resolved = tuple[dt.date, str] | str
_Resolver = Callable[[re.Match[str], _Context], _Resolved]


# -- resolvers: each turns one match into a last day and label, or a problem


def _year_of(text: str) -> int:
    digits = text.lstrip("'")
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


def _month_of(text: str) -> int:
    return _MONTH_ABBREVIATIONS.index(text[:3].capitalize()) + 1


def _month_end(year: int, month: int) -> dt.date:
    return add_months(dt.date(year, month, 1), 1) - dt.timedelta(days=1)


def _needs_as_of(match: re.Match[str], advice: str = "") -> str:
    problem = f"deadline '{match['what']}' needs an as-of date"
    return f"{problem}; {advice}" if advice else problem


def _iso_date(match: re.Match[str], context: _Context) -> _Resolved:
    return _calendar_date(
        match, int(match["year"]), int(match["month"]), int(match["day"])
    )


def _calendar_date(match: re.Match[str], year: int, month: int, day: int) -> _Resolved:
    try:
        on = dt.date(year, month, day)
    except ValueError:
        return f"deadline '{match['what']}' is not a calendar date"
    return on, on.isoformat()


def _day_month(match: re.Match[str], context: _Context) -> _Resolved:
    month, day = _month_of(match["month"]), int(match["day"])
    if match["year"]:
        return _calendar_date(match, int(match["year"]), month, day)
    reference = context.reference
    if reference is None:
        return _needs_as_of(match, "add the year")
    for year in range(reference.year, reference.year + 9):
        try:
            on = dt.date(year, month, day)
        except ValueError:
            continue
        if on >= reference:
            return on, on.isoformat()
    return f"deadline '{match['what']}' is not a calendar date"


def _month_year(match: re.Match[str], context: _Context) -> _Resolved:
    year, month = int(match["year"]), _month_of(match["month"])
    return _month_end(year, month), f"{_MONTH_ABBREVIATIONS[month - 1]} {year}"


def _month_only(match: re.Match[str], context: _Context) -> _Resolved:
    reference = context.reference
    if reference is None:
        return _needs_as_of(match, "add the year")
    month = _month_of(match["month"])
    year = reference.year
    if _month_end(year, month) < reference:
        year += 1
    return _month_end(year, month), f"{_MONTH_ABBREVIATIONS[month - 1]} {year}"


def _slash_date(match: re.Match[str], context: _Context) -> _Resolved:
    first, second, year = int(match["first"]), int(match["second"]), int(match["year"])
    if first > 12:
        return _calendar_date(match, year, second, first)
    if second > 12 or first == second:
        return _calendar_date(match, year, first, second)
    return (
        f"deadline '{match['what']}' is ambiguous (day/month or month/day); "
        f"write it as YYYY-MM-DD"
    )


def _dotted_date(match: re.Match[str], context: _Context) -> _Resolved:
    # Dots separate day, month and year in that order ("31.12.2027").
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    return _calendar_date(match, year, month, day)


def _fiscal_period(
    match: re.Match[str], context: _Context, kind: str, index: int, year: int | None
) -> _Resolved:
    calendar = context.calendar
    if year is None and context.period_start is not None:
        # The document's period anchors the year, so "Q2" never rolls forward.
        year = calendar.fiscal_year(context.period_start)
    elif year is None:
        if context.as_of is None:
            return _needs_as_of(
                match, f"write the year, such as '{match['what']} FY27'"
            )
        year = calendar.fiscal_year(context.as_of)
        if _period_end(calendar, kind, year, index) < context.as_of:
            year += 1
    try:
        return _period_end(calendar, kind, year, index), _label(
            calendar, kind, year, index
        )
    except ValueError:
        return f"deadline '{match['what']}' is out of range"


def _period_end(calendar: FiscalCalendar, kind: str, year: int, index: int) -> dt.date:
    if kind == "quarter":
        return calendar.quarter_bounds(year, index)[1]
    if kind == "half":
        return calendar.half_bounds(year, index)[1]
    return calendar.year_bounds(year)[1]


def _label(calendar: FiscalCalendar, kind: str, year: int, index: int) -> str:
    if kind == "quarter":
        return calendar.quarter_label(year, index)
    if kind == "half":
        return calendar.half_label(year, index)
    return calendar.year_label(year)


def _optional_year(match: re.Match[str]) -> int | None:
    return _year_of(match["year"]) if match.groupdict().get("year") else None


def _quarter(match: re.Match[str], context: _Context) -> _Resolved:
    return _fiscal_period(
        match, context, "quarter", int(match["q"]), _optional_year(match)
    )


def _half(match: re.Match[str], context: _Context) -> _Resolved:
    groups = match.groupdict()
    half = 1 if (groups.get("which") or "").lower() == "first" else 2
    if groups.get("h"):
        half = int(groups["h"])
    return _fiscal_period(match, context, "half", half, _optional_year(match))


def _fiscal_year(match: re.Match[str], context: _Context) -> _Resolved:
    return _fiscal_period(match, context, "year", 0, _year_of(match["year"]))


def _calendar_year(match: re.Match[str], context: _Context) -> _Resolved:
    year = _year_of(match["year"])
    return dt.date(year, 12, 31), f"CY{year}"


def _relative(match: re.Match[str], context: _Context) -> _Resolved:
    if context.reference is None:
        return _needs_as_of(match)
    groups = match.groupdict()
    period = (groups.get("period") or "").lower()
    abbreviation = (groups.get("abbr") or "").upper()
    step = 1 if (groups.get("which") or "").lower() == "next" else 0
    calendar, as_of = context.calendar, context.reference
    if period == "month" or abbreviation == "M":
        month_start = add_months(as_of.replace(day=1), step)
        return _month_end(month_start.year, month_start.month), (
            f"{_MONTH_ABBREVIATIONS[month_start.month - 1]} {month_start.year}"
        )
    if period == "quarter" or abbreviation == "Q":
        year, quarter = (
            calendar.next_quarter(as_of) if step else calendar.quarter_of(as_of)
        )
        return calendar.quarter_bounds(year, quarter)[1], calendar.quarter_label(
            year, quarter
        )
    if period == "half" or abbreviation == "H":
        year, half = calendar.next_half(as_of) if step else calendar.half_of(as_of)
        return calendar.half_bounds(year, half)[1], calendar.half_label(year, half)
    year = calendar.fiscal_year(as_of) + step
    return calendar.year_bounds(year)[1], calendar.year_label(year)


def _within(match: re.Match[str], context: _Context) -> _Resolved:
    if context.as_of is None:
        return _needs_as_of(match)
    count, span = int(match["n"]), match["span"].lower().rstrip("s")
    if span == "month":
        on = add_months(context.as_of, count)
    else:
        on = context.as_of + dt.timedelta(days=count * (7 if span == "week" else 1))
    return on, on.isoformat()


# -- the forms, tried in this order; longer forms come before their prefixes

# Each form has a hint, so that a form that cannot match is not searched. A hint
# is either needles, lower-case texts of which the core pattern needs at least
# one, or a pattern that the core needs to find. Both look at the text folded
# to lower case by `fold`.
_Hint = tuple[str, ...] | re.Pattern[str]
_Form = tuple[str, str, _Resolver, _Hint]  # prefix mode, core, resolver, hint
_MONTH_NEEDLES = tuple(name.lower() for name in _MONTH_ABBREVIATIONS)
_QUARTER_NEEDLES = ("q1", "q2", "q3", "q4")
_HALF_NEEDLES = ("h1", "h2")
_HALF_FIRST_NEEDLES = ("1h", "2h")
_SPAN_NEEDLES = ("day", "week", "month")
_PERIOD_NEEDLES = ("quarter", "half", "year", "month")

_NEXT_SPAN_FORM: _Form = (
    "none",
    r"(?:over|in|within)\s+the\s+next\s+(?P<n>\d+)\s+(?P<span>days?|weeks?|months?)\b",
    _within,
    ("next",),
)
# "within 90 days" and "in 6 weeks" are read by `read_within`, because the same
# words also state a time limit ("resolved within 7 days").
_WITHIN_FORM: _Form = (
    "none",
    r"(?:within|in)\s+(?P<n>\d+)\s+(?P<span>days?|weeks?|months?)\b",
    _within,
    _SPAN_NEEDLES,
)

_FORMS: tuple[_Form, ...] = (
    _NEXT_SPAN_FORM,
    (
        "optional",
        r"(?<![\d(-])(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
        r"(?![\d-])",
        _iso_date,
        re.compile(r"\d-\d"),
    ),
    (
        "optional",
        r"(?<![\d/])(?P<first>\d{1,2})/(?P<second>\d{1,2})/(?P<year>\d{4})"
        r"(?![\d/])",
        _slash_date,
        re.compile(r"\d/\d"),
    ),
    (
        "optional",
        r"(?<![\d.])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})(?![\d.])",
        _dotted_date,
        re.compile(r"\d\.\d"),
    ),
    (
        "optional",
        rf"(?<![\d.])(?P<day>\d{{1,2}})(?:st|nd|rd|th)?[\s-](?P<month>{_MONTHS})"
        r"\.?(?:,?[\s-](?P<year>\d{4}))?(?![\w-])",
        _day_month,
        _MONTH_NEEDLES,
    ),
    (
        "optional",
        rf"\b(?P<month>{_MONTHS})\.?,?\s+(?P<year>\d{{4}})(?!\d)",
        _month_year,
        _MONTH_NEEDLES,
    ),
    (
        "optional",
        rf"\b(?P<month>{_MONTHS})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
        r"(?:,?\s+(?P<year>\d{4}))?(?![\d.,%])",
        _day_month,
        _MONTH_NEEDLES,
    ),
    (
        "optional",
        rf"(?<!\w)(?:EO)?Q(?P<q>[1-4])\s?[-/]?\s?{_MARKED_YEAR}",
        _quarter,
        _QUARTER_NEEDLES,
    ),
    (
        "optional",
        r"(?<!\w)(?:EO)?Q(?P<q>[1-4])\s?[-/]?\s?(?P<year>\d{4})(?!\d)",
        _quarter,
        _QUARTER_NEEDLES,
    ),
    (
        "optional",
        rf"(?<!\w)(?:EO)?{_FY_YEAR}\s?[-/]?\s?Q(?P<q>[1-4])(?!\w)",
        _quarter,
        _QUARTER_NEEDLES,
    ),
    (
        "optional",
        r"(?<![\w.])(?P<year>\d{4})\s?[-/]?\s?Q(?P<q>[1-4])(?!\w)",
        _quarter,
        _QUARTER_NEEDLES,
    ),
    (
        "optional",
        rf"(?<!\w)(?:EO)?H(?P<h>[12])\s?[-/]?\s?{_MARKED_YEAR}",
        _half,
        _HALF_NEEDLES,
    ),
    (
        "optional",
        r"(?<!\w)(?:EO)?H(?P<h>[12])\s?[-/]?\s?(?P<year>\d{4})(?!\d)",
        _half,
        _HALF_NEEDLES,
    ),
    (
        "optional",
        rf"(?<!\w)(?:EO)?{_FY_YEAR}\s?[-/]?\s?H(?P<h>[12])(?!\w)",
        _half,
        _HALF_NEEDLES,
    ),
    (
        "optional",
        r"(?<![\w.])(?P<year>\d{4})\s?[-/]?\s?H(?P<h>[12])(?!\w)",
        _half,
        _HALF_NEEDLES,
    ),
    (
        "optional",
        rf"(?<![\w.])(?P<h>[12])H\s?(?:FY\s?'?|')?{_YEAR}",
        _half,
        _HALF_FIRST_NEEDLES,
    ),
    (
        "optional",
        rf"\b(?P<which>first|second)\s+half\s+(?:of\s+)?(?:FY\s?'?)?{_YEAR}",
        _half,
        ("half",),
    ),
    ("optional", rf"(?<!\w)(?:EO)?{_FY_YEAR}", _fiscal_year, ("fy",)),
    ("optional", rf"(?<!\w)CY\s?'?{_YEAR}", _calendar_year, ("cy",)),
    (
        "required",
        rf"(?P<year>(?:19|20)\d{{2}})(?![\d.,%/-])(?!{UNIT_AFTER_NUMBER_PATTERN})",
        _calendar_year,
        ("19", "20"),
    ),
    (
        "optional",
        r"\b(?P<which>this|next|current)\s+(?:fiscal\s+)?"
        r"(?P<period>quarter|half|year|month)\b",
        _relative,
        ("this", "next", "current"),
    ),
    ("optional", r"(?<!\w)EO(?P<abbr>FY|Q|H|Y|M)(?!\w)", _relative, ("eo",)),
    (
        "required",
        r"(?:fiscal\s+)?(?P<period>quarter|half|year|month)\b",
        _relative,
        _PERIOD_NEEDLES,
    ),
    ("optional", r"(?<!\w)(?:EO)?Q(?P<q>[1-4])(?!\w)", _quarter, _QUARTER_NEEDLES),
    ("optional", r"(?<!\w)(?:EO)?H(?P<h>[12])(?!\w)", _half, _HALF_NEEDLES),
    ("optional", r"(?<![\w.])(?P<h>[12])H(?!\w)", _half, _HALF_FIRST_NEEDLES),
    ("optional", r"\b(?P<which>first|second)\s+half\b", _half, ("half",)),
    ("required", rf"(?P<month>{_MONTHS})\b", _month_only, _MONTH_NEEDLES),
    # A date in brackets confirms the period before it ("Q2 FY28 (2027-07-31)"),
    # so it is read on its own only when no period took it.
    (
        "optional",
        r"\(\s*(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\s*\)",
        _iso_date,
        re.compile(r"\(\s*\d{4}-"),
    ),
)


def _compile(prefix_mode: str, core: str) -> re.Pattern[str]:
    prefix = {"none": "", "optional": _OPTIONAL_PREFIX, "required": _REQUIRED_PREFIX}
    pattern = f"{prefix[prefix_mode]}(?P<what>{core}){_CONFIRMATION}"
    if prefix_mode == "none":
        pattern = f"(?P<prefix>){pattern}"
    return re.compile(pattern, re.IGNORECASE)


_CompiledHint = frozenset[str] | re.Pattern[str]
_Compiled = tuple[re.Pattern[str], _Resolver, _CompiledHint]


def _compile_hint(hint: _Hint) -> _CompiledHint:
    return hint if isinstance(hint, re.Pattern) else frozenset(hint)


_COMPILED: tuple[_Compiled, ...] = tuple(
    (_compile(mode, core), resolver, _compile_hint(hint))
    for mode, core, resolver, hint in _FORMS
)
_WITHIN_PATTERN = _compile(*_WITHIN_FORM[:2])
_WITHIN_NEEDLES = frozenset(_SPAN_NEEDLES)
_WITHIN_COMPILED: tuple[_Compiled, ...] = (
    (_WITHIN_PATTERN, _WITHIN_FORM[2], _WITHIN_NEEDLES),
)
_ALL_NEEDLES = frozenset().union(
    *(
        hint
        for *_, hint in (*_WITHIN_COMPILED, *_COMPILED)
        if isinstance(hint, frozenset)
    )
)


def _needles_in(folded: str, needles: frozenset[str]) -> frozenset[str]:
    return frozenset([needle for needle in needles if needle in folded])


def _may_match(hint: _CompiledHint, folded: str, present: frozenset[str]) -> bool:
    if isinstance(hint, frozenset):
        return not present.isdisjoint(hint)
    return hint.search(folded) is not None


def read_deadlines(
    text: str,
    *,
    calendar: FiscalCalendar,
    as_of: dt.date | None = None,
    period_start: dt.date | None = None,
    gap: str = "\x00",
    within: bool = True,
) -> tuple[str, list[Deadline], list[str]]:
    """Find the deadlines in `text`.

    Returns the text with each deadline replaced by `gap`, the deadlines read,
    and the problems for deadlines found but not readable. With `within` False,
    "within 90 days" and "in 6 weeks" are left for `read_within`.
    """
    context = _Context(calendar, as_of, period_start)
    forms = (*_WITHIN_COMPILED, *_COMPILED) if within else _COMPILED
    return _read_forms(text, forms, context, gap)


def read_within(
    text: str,
    *,
    calendar: FiscalCalendar,
    as_of: dt.date | None = None,
    gap: str = "\x00",
    starts: str = "\x00",
) -> tuple[str, list[Deadline], list[str]]:
    """Find "within 90 days" and "in 6 weeks" where they end a target.

    Such a span is a deadline only at the start of `text` or right after a
    number, a bracket, a comma or one of the characters in `starts` (which
    mark parts already read). After any other word ("resolved within 7 days")
    it is a time limit, and stays in the text.
    """
    context = _Context(calendar, as_of)
    deadlines: list[Deadline] = []
    problems: list[str] = []
    pattern, resolver, _ = _WITHIN_COMPILED[0]
    if not _needles_in(fold(text), _WITHIN_NEEDLES):
        return text, deadlines, problems
    position = 0
    while match := pattern.search(text, position):
        if not _ends_target(text[: match.start()], starts):
            position = match.end()
            continue
        text = f"{text[: match.start()]} {gap} {text[match.end() :]}"
        _collect(match, resolver, context, deadlines, problems)
    return text, deadlines, problems


def _ends_target(before: str, starts: str) -> bool:
    words = before.split()
    if not words:
        return True
    last = words[-1]
    return last[-1] in f"{starts},;:()" or any(char.isdigit() for char in last)


def _read_forms(
    text: str,
    forms: tuple[_Compiled, ...],
    context: _Context,
    gap: str,
) -> tuple[str, list[Deadline], list[str]]:
    deadlines: list[Deadline] = []
    problems: list[str] = []
    folded = fold(text)
    present = _needles_in(folded, _ALL_NEEDLES)
    for pattern, resolver, hint in forms:
        while _may_match(hint, folded, present) and (match := pattern.search(text)):
            text = f"{text[: match.start()]} {gap} {text[match.end() :]}"
            _collect(match, resolver, context, deadlines, problems)
            folded = fold(text)
            present = _needles_in(folded, _ALL_NEEDLES)
    return text, deadlines, problems


def _collect(
    match: re.Match[str],
    resolver: _Resolver,
    context: _Context,
    deadlines: list[Deadline],
    problems: list[str],
) -> None:
    outcome = _resolve(match, resolver, context)
    if isinstance(outcome, str):
        problems.append(outcome)
    else:
        on, label = outcome
        deadlines.append(Deadline(on, label, match["what"]))


def _resolve(match: re.Match[str], resolver: _Resolver, context: _Context) -> _Resolved:
    if (match["prefix"] or "").lower() == "before":
        return (
            f"deadline 'before {match['what']}' not understood; write 'by' and the "
            f"last period or day that counts, such as 'by Q1'"
        )
    try:
        outcome = resolver(match, context)
    except (ValueError, OverflowError):
        # A year or day count beyond what datetime.date can hold (year 1-9999).
        return f"deadline '{match['what']}' is out of range"
    confirm = match["confirm"]
    if isinstance(outcome, str) or not confirm:
        return outcome
    on, _ = outcome
    if confirm != on.isoformat():
        return f"deadline '{match['what']}' ends on {on.isoformat()}, not {confirm}"
    return outcome
