"""The steps that read a target phrase, each finding one kind of part.

Each step finds its part in the text not yet used (`Draft.rest`), stores what it
read on the draft, and replaces the text it used with a gap marker so that no
later step reads it twice. `STEPS` lists them in the order they run: deadlines
and windows first, because their numbers ("Q2", "90-day") are not amounts, then
the KPI and segment, then the numbers, and last the report of what is left.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from boardloop.domain.deadlines import Deadline, read_deadlines
from boardloop.domain.model import Direction, LevelBound, Unit
from boardloop.domain.units import QUANTITY_PATTERN, Quantity, read_quantity

if TYPE_CHECKING:
    import datetime as dt

    from boardloop.domain.fiscal import FiscalCalendar

__all__ = ["GAP", "STEPS", "Draft", "Level", "normalise"]

GAP = "\x00"

# -- patterns shared by the number steps

_Q = rf"(?:{QUANTITY_PATTERN})(?!\w)(?!\.\d)"
_OPTIONALLY_SIGNED_Q = rf"(?<![\w.,±+\-])(?:[+\-]\s?)?{_Q}"
_SIGNED_Q = rf"(?<![\w.,±+\-])[+\-]\s?{_Q}"
_UNSIGNED_Q = rf"(?<![\w.,±+\-]){_Q}"

_PLACEHOLDER_RE = re.compile(
    r"(?<!\w)(?:(?:TBD|TBC|TODO|N/A|xxx+|lorem(?:\s+ipsum)?|placeholder)(?!\w)"
    r"|\?{2,}"
    r"|[XYZN]\s?(?:%|pp\b|pts\b)(?:\s*(?:to|->|→)\s*[XYZN]\s?(?:%|pp\b|pts\b))?)",
    re.IGNORECASE,
)
_WINDOW_RES = (
    re.compile(
        r"\b(?:over|across|measured\s+over|trailing|rolling)\s+(?:a\s+|the\s+)?"
        r"(?:last\s+)?(?P<n>\d+)[-\s]?(?P<span>day|week|month|year)s?\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\(?(?<![\w.])(?P<n>\d+)(?:[-\s]?(?P<span>day|week|month|year)s?"
        r"(?:[-\s]window)?|d)\b\)?",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?:TTM|LTM|trailing\s+twelve\s+months)\b", re.IGNORECASE),
)
_KPI_ID_RE = re.compile(r"(?<![\w.])[a-z][a-z0-9_]+(?:\.[a-z][a-z0-9_]*)+(?![\w.])")

_SEGMENT_WORD = r"[\w&/'.-]+"
_SEGMENT_STOP = r"(?:by|from|to|at|with|until|over|vs|versus|and|hold|within)\b"
_SEGMENT_END = (
    rf"(?=\s*(?:$|[{GAP},;:()]|{_SEGMENT_STOP}|[+\-±$€£]"
    r"|\d[\d.,]*\s?(?:%|(?i:pp|pts?|points?|bps|percent)\b)))"
)
_SEGMENT_NOUN = r"cohorts?|segments?|customers|accounts|clients|tiers?|base|book"
_SEGMENT_RES = (
    re.compile(
        rf"\b(?P<prep>for|in|among|across)\s+(?:the\s+)?"
        rf"(?P<segment>[A-Za-z]{_SEGMENT_WORD[:-1]}*"
        rf"(?:\s+(?!{_SEGMENT_STOP}){_SEGMENT_WORD})*?)"
        rf"(?:\s+(?P<noun>(?i:{_SEGMENT_NOUN})))?{_SEGMENT_END}",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?P<segment>[A-Za-z]{_SEGMENT_WORD[:-1]}*)\s+(?P<noun>cohort|segment)\b",
        re.IGNORECASE,
    ),
)
# Words after which "in" starts the KPI, not a segment: "+5pp lift in GRR".
_CHANGE_NOUNS = frozenset(
    """
    lift uplift increase increases decrease decreases reduction improvement drop
    change growth rise gain cut decline movement up down
    """.split()  # noqa: SIM905 - a word list reads best as one string
)

_BAND_RE = re.compile(
    rf"(?:\bwithin\s+)?(?:±|\bplus\s+or\s+minus\s+)\s?(?P<q>{_Q})", re.IGNORECASE
)
_HOLD_RE = re.compile(
    r"\b(?:hold|holds|holding|maintain|maintains|maintaining|keep|keeps|keeping"
    r"|sustain|sustains|sustaining|flat|steady)\b",
    re.IGNORECASE,
)
_RANGE_RES = (
    re.compile(
        rf"(?P<from>\bfrom\s+)?(?P<start>{_OPTIONALLY_SIGNED_Q})\s*"
        rf"(?:\bto\b|->|→|\buntil\b)\s*(?P<end>{_OPTIONALLY_SIGNED_Q})",
        re.IGNORECASE,
    ),
    # "8-15%": a dash between two unsigned numbers.
    re.compile(
        rf"(?P<from>\bfrom\s+)?(?<![\w.,±+\-])(?P<start>{_Q})\s?-\s?(?P<end>{_Q})",
        re.IGNORECASE,
    ),
)
_BOUNDED_LEVEL_RES: tuple[tuple[re.Pattern[str], LevelBound], ...] = (
    (
        re.compile(
            r"(?:\b(?:at\s+least|min(?:imum)?(?:\s+of)?|no\s+less\s+than|not\s+below"
            r"|above|more\s+than|over|greater\s+than)\s+|>=\s*|≥\s*)"
            rf"(?P<q>{_OPTIONALLY_SIGNED_Q})",
            re.IGNORECASE,
        ),
        LevelBound.AT_LEAST,
    ),
    (
        re.compile(
            r"(?:\b(?:at\s+most|max(?:imum)?(?:\s+of)?|no\s+more\s+than|not\s+above"
            r"|below|under|less\s+than|fewer\s+than)\s+|<=\s*|≤\s*)"
            rf"(?P<q>{_OPTIONALLY_SIGNED_Q})",
            re.IGNORECASE,
        ),
        LevelBound.AT_MOST,
    ),
    (
        re.compile(
            rf"(?:\bexactly\s+|=\s*)(?P<q>{_OPTIONALLY_SIGNED_Q})", re.IGNORECASE
        ),
        LevelBound.EXACTLY,
    ),
    (
        re.compile(
            rf"(?P<q>{_OPTIONALLY_SIGNED_Q})\s*(?:\+(?!\s*[\d$€£])"
            r"|\s(?:or\s+(?:more|higher|better|above|greater)|and\s+(?:above|up|higher))\b)",
            re.IGNORECASE,
        ),
        LevelBound.AT_LEAST,
    ),
    (
        re.compile(
            rf"(?P<q>{_OPTIONALLY_SIGNED_Q})\s(?:or\s+(?:less|lower|below|fewer)"
            r"|and\s+below)\b",
            re.IGNORECASE,
        ),
        LevelBound.AT_MOST,
    ),
)
_PLAIN_LEVEL_RE = re.compile(
    r"\b(?:to|at|of|reach(?:es|ing)?|hit(?:s|ting)?|achieve|target(?:\s+of)?)\s+"
    rf"(?P<q>{_OPTIONALLY_SIGNED_Q})",
    re.IGNORECASE,
)
_BY_AMOUNT_RE = re.compile(rf"\bby\s+(?P<q>{_OPTIONALLY_SIGNED_Q})", re.IGNORECASE)
_SIGNED_RE = re.compile(_SIGNED_Q, re.IGNORECASE)
_UNSIGNED_RE = re.compile(_UNSIGNED_Q, re.IGNORECASE)
_DIRECTION_WORDS = {
    Direction.INCREASE: re.compile(
        r"\b(?:increase[sd]?|increasing|raise[sd]?|raising|lift(?:s|ed|ing)?|uplift"
        r"|grow(?:s|n|ing)?|growth|boost(?:s|ed|ing)?|up|rise[sn]?|rising|gain(?:s)?"
        r"|higher)\b",
        re.IGNORECASE,
    ),
    Direction.DECREASE: re.compile(
        r"\b(?:decrease[sd]?|decreasing|reduce[sd]?|reducing|reduction|cut(?:s|ting)?"
        r"|lower(?:s|ed|ing)?|drop(?:s|ped|ping)?|down|decline[sd]?|declining"
        r"|shrink(?:s|ing)?)\b",
        re.IGNORECASE,
    ),
}
_LEFTOVER_DEADLINE_RE = re.compile(
    rf"\b(?:by|until|till|due)\s+(?P<what>[^{GAP},;()]*[^{GAP},;()\s])", re.IGNORECASE
)
_FILLER_WORDS = frozenset(
    """
    a an the of in on for to by at and or with from our their its per each every all
    target targets goal goals kpi metric lift uplift change movement improvement is
    be than more less least most over under above below reach hit achieve get
    deliver drive move vs versus new total overall rate level points point
    """.split()  # noqa: SIM905 - a word list reads best as one string
)


# -- the draft that the steps fill in


@dataclass(slots=True)
class Level:
    quantity: Quantity
    bound: LevelBound | None
    follows_direction: bool = False


@dataclass(slots=True)
class Draft:
    """The phrase being read: the text not yet used, and what was found so far."""

    rest: str
    calendar: FiscalCalendar
    as_of: dt.date | None
    aliases: tuple[tuple[str, str], ...]
    problems: list[str] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    windows: list[tuple[int, str]] = field(default_factory=list)
    kpis: list[tuple[str, str]] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
    amounts: list[Quantity] = field(default_factory=list)
    levels: list[Level] = field(default_factory=list)
    ranges: list[tuple[Quantity, Quantity, str]] = field(default_factory=list)
    directions: list[tuple[Direction, str]] = field(default_factory=list)

    def take(self, match: re.Match[str]) -> str:
        """Blank the matched text so that no later step reads it, and return it."""
        self.rest = f"{self.rest[: match.start()]} {GAP} {self.rest[match.end() :]}"
        return match.group(0).strip()


_Step = Callable[[Draft], None]


# -- steps, in the order they run


def _read_placeholders(draft: Draft) -> None:
    """Placeholders such as "TBD" or "X% to Y%"."""
    while match := _PLACEHOLDER_RE.search(draft.rest):
        draft.problems.append(f"placeholder '{draft.take(match)}'")


def _read_deadline(draft: Draft) -> None:
    """Deadlines: "by Q2", "end of FY27", "next quarter", "by 2027-03-14"."""
    draft.rest, found, problems = read_deadlines(
        draft.rest, calendar=draft.calendar, as_of=draft.as_of, gap=GAP
    )
    draft.deadlines.extend(found)
    draft.problems.extend(problems)


def _read_window(draft: Draft) -> None:
    """Measurement windows: "90-day", "over 12 weeks", "TTM"."""
    for pattern in _WINDOW_RES:
        while match := pattern.search(draft.rest):
            count = match.groupdict().get("n")
            span = (match.groupdict().get("span") or "d").lower()
            days = 365 if count is None else _days_in(int(count), span)
            draft.windows.append((days, draft.take(match)))


def _days_in(count: int, span: str) -> int:
    # Whole years count 365 days each ("12-month" is 365); other months 30 days.
    if span in ("d", "day"):
        return count
    if span == "week":
        return count * 7
    if span == "year":
        return count * 365
    if count % 12 == 0:
        return count // 12 * 365
    return count * 30


def _read_kpi(draft: Draft) -> None:
    """The KPI: the longest alias from the catalog, or a catalog id as written."""
    alias_re, ids_by_alias = _alias_pattern(draft.aliases)
    if alias_re is not None:
        while match := alias_re.search(draft.rest):
            key = _alias_key(match.group(0))
            draft.kpis.append((ids_by_alias[key], draft.take(match)))
    while match := _KPI_ID_RE.search(draft.rest):
        text = draft.take(match)
        draft.kpis.append((text, text))


def _alias_key(text: str) -> str:
    return " ".join(re.split(r"[\s-]+", text.strip().lower()))


@functools.lru_cache(maxsize=16)
def _alias_pattern(
    aliases: tuple[tuple[str, str], ...],
) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    ids_by_alias = {_alias_key(alias): kpi_id for alias, kpi_id in aliases}
    keys = sorted((key for key in ids_by_alias if key), key=len, reverse=True)
    if not keys:
        return None, ids_by_alias
    alternatives = (r"[\s-]+".join(map(re.escape, key.split(" "))) for key in keys)
    pattern = rf"(?<![\w.])(?:{'|'.join(alternatives)})(?!\w)"
    return re.compile(pattern, re.IGNORECASE), ids_by_alias


def _read_segment(draft: Draft) -> None:
    """The segment or cohort: "for the SMB cohort", "in mid-market"."""
    for pattern in _SEGMENT_RES:
        position = 0
        while match := pattern.search(draft.rest, position):
            if _names_unknown_kpi(draft, match):
                position = match.start() + 2
                continue
            draft.segments.append(_segment_name(match))
            draft.take(match)
            position = 0


def _names_unknown_kpi(draft: Draft, match: re.Match[str]) -> bool:
    # In "+5pp lift in CSAT", "in" introduces the KPI, so when no known KPI was
    # found, "in" after a change word or amount is not read as a segment.
    if draft.kpis or (match.groupdict().get("prep") or "").lower() != "in":
        return False
    words = draft.rest[: match.start()].split()
    if not words:
        return False
    last = words[-1].lower()
    return last in _CHANGE_NOUNS or any(char.isdigit() for char in last)


def _segment_name(match: re.Match[str]) -> str:
    segment = match["segment"].strip().rstrip(".")
    noun = match["noun"]
    if noun and segment.lower() in ("all", "every", "our"):
        return f"{segment} {noun}"
    return segment


def _read_band(draft: Draft) -> None:
    """A hold band, "±1pp", which makes the target a hold."""
    while match := _BAND_RE.search(draft.rest):
        text = draft.take(match)
        quantity = read_quantity(match["q"])
        if quantity is None:
            draft.problems.append(f"band '{text}' not understood")
            continue
        draft.amounts.append(quantity)
        draft.directions.append((Direction.HOLD, text))


def _read_hold_word(draft: Draft) -> None:
    """Hold words: "hold", "maintain", "keep"."""
    while match := _HOLD_RE.search(draft.rest):
        draft.directions.append((Direction.HOLD, draft.take(match)))


def _read_range(draft: Draft) -> None:
    """A move between two levels: "from 6% to 4%", "8% to 15%", "8-15%"."""
    for pattern in _RANGE_RES:
        position = 0
        while match := pattern.search(draft.rest, position):
            start = read_quantity(match["start"])
            end = read_quantity(match["end"])
            if start is None or end is None or not _is_range(match, start, end):
                position = match.start() + 1
                continue
            draft.ranges.append((start, end, draft.take(match)))
            position = 0


def _is_range(match: re.Match[str], start: Quantity, end: Quantity) -> bool:
    # "+2pp to 94%" is a change and a level, not a range: a range starts at a
    # level, written unsigned unless "from" introduces it, and never in pp.
    if start.sign and not match["from"]:
        return False
    return Unit.PP not in (start.unit, end.unit)


def _read_bounded_level(draft: Draft) -> None:
    """Levels with a stated bound: "94%+", "at least 45", "at most 4%"."""
    for pattern, bound in _BOUNDED_LEVEL_RES:
        while match := pattern.search(draft.rest):
            _add_level(draft, match, bound, follows_direction=False)


def _read_plain_level(draft: Draft) -> None:
    """Levels whose bound follows the direction: "to 94%", "at 94%"."""
    while match := _PLAIN_LEVEL_RE.search(draft.rest):
        _add_level(draft, match, None, follows_direction=True)


def _add_level(
    draft: Draft,
    match: re.Match[str],
    bound: LevelBound | None,
    *,
    follows_direction: bool,
) -> None:
    text = draft.take(match)
    quantity = read_quantity(match["q"])
    if quantity is None:
        draft.problems.append(f"level '{text}' not understood")
        return
    draft.levels.append(Level(quantity, bound, follows_direction))


def _read_by_amount(draft: Draft) -> None:
    """Change amounts after "by": "reduce churn by 2pp"."""
    while match := _BY_AMOUNT_RE.search(draft.rest):
        _add_amount(draft, match, match["q"])


def _read_signed_change(draft: Draft) -> None:
    """Signed change amounts: "+5pp", "-2 pts", "+$50k"."""
    while match := _SIGNED_RE.search(draft.rest):
        _add_amount(draft, match, match.group(0))


def _add_amount(draft: Draft, match: re.Match[str], quantity_text: str) -> None:
    text = draft.take(match)
    quantity = read_quantity(quantity_text)
    if quantity is None:
        draft.problems.append(f"amount '{text}' not understood")
        return
    draft.amounts.append(quantity)
    if quantity.sign:
        direction = Direction.INCREASE if quantity.sign > 0 else Direction.DECREASE
        draft.directions.append((direction, quantity.text))


def _read_unsigned(draft: Draft) -> None:
    """Unsigned numbers: "5pp" is a change; "20%" is a change after a direction
    word ("cut churn 20%"), a level after a hold word, and otherwise a level."""
    has_direction_word = any(p.search(draft.rest) for p in _DIRECTION_WORDS.values())
    holds = any(direction is Direction.HOLD for direction, _ in draft.directions)
    position = 0
    while match := _UNSIGNED_RE.search(draft.rest, position):
        quantity = read_quantity(match.group(0))
        if quantity is None:
            position = match.end()
            continue
        draft.take(match)
        if quantity.unit is Unit.PP or (has_direction_word and not holds):
            draft.amounts.append(quantity)
        else:
            draft.levels.append(Level(quantity, None, follows_direction=holds))


def _read_direction_words(draft: Draft) -> None:
    """Direction words: "lift", "reduce", "cut", "grow"."""
    for direction, pattern in _DIRECTION_WORDS.items():
        while match := pattern.search(draft.rest):
            draft.directions.append((direction, draft.take(match)))


def _report_leftovers(draft: Draft) -> None:
    """Problems for what no step could read: "by someday", a stray number."""
    while match := _LEFTOVER_DEADLINE_RE.search(draft.rest):
        draft.problems.append(f"deadline '{match['what']}' not understood")
        draft.take(match)
    words = re.findall(r"[^\s\x00,;:()\[\]]+", draft.rest)
    for word in words:
        if any(char.isdigit() for char in word):
            draft.problems.append(f"'{word}' not understood")
    content = [
        word
        for word in words
        if word.lower().strip(".!?'\"") not in _FILLER_WORDS
        and any(char.isalpha() for char in word)
        and not any(char.isdigit() for char in word)
    ]
    if not draft.kpis and content:
        draft.problems.append(
            f"no KPI named; '{' '.join(content)}' is not a known KPI name or id"
        )


STEPS: tuple[_Step, ...] = (
    _read_placeholders,
    _read_deadline,
    _read_window,
    _read_kpi,
    _read_segment,
    _read_band,
    _read_hold_word,
    _read_range,
    _read_bounded_level,
    _read_plain_level,
    _read_by_amount,
    _read_signed_change,
    _read_unsigned,
    _read_direction_words,
    _report_leftovers,
)


def normalise(text: str) -> str:
    """Replace look-alike characters with plain ones and collapse whitespace."""
    replacements = {
        GAP: " ",
        "\u00a0": " ",
        "\u2212": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2019": "'",
        "+/-": "±",
        "+-": "±",
    }
    for old, new in replacements.items():
        text = text.replace(old, new)
    return " ".join(text.split())
