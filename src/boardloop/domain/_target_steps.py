"""The steps that read a target phrase, each finding one kind of part.

Each step finds its part in the text not yet used (`Draft.rest`), stores what it
read on the draft, and replaces the text it used with a gap marker so that no
later step reads it twice. The KPI leaves its own marker, `KPI_GAP`, because a
window ("90-day GRR", "GRR over 90 days") is read by its place next to the KPI.
`STEPS` lists the steps in the order they run: deadlines, the KPI, windows and
the segment first, then time limits ("older than 120 days") and counted nouns
("2 webinars"), then the numbers, and last the report of what is left.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from boardloop.domain._target_words import (
    COUNT_STOP_WORDS,
    EVERYDAY_WORDS,
    is_known_segment,
)
from boardloop.domain.deadlines import Deadline, read_deadlines, read_within
from boardloop.domain.model import Direction, LevelBound, Unit
from boardloop.domain.units import (
    CURRENCY_CODES,
    QUANTITY_PATTERN,
    Quantity,
    read_quantity,
)

if TYPE_CHECKING:
    import datetime as dt

    from boardloop.domain.fiscal import FiscalCalendar

__all__ = ["GAP", "KPI_GAP", "STEPS", "Draft", "Level", "normalise"]

GAP = "\x00"
KPI_GAP = "\x01"
_GAPS = GAP + KPI_GAP

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
_SPAN = r"(?P<span>day|week|month|year)s?"
_N_SPAN = rf"(?P<n>\d+)[-\s]?{_SPAN}\b"
# A window is read only where the phrase marks it as one: a named or bracketed
# window, a trailing or rolling span, "N-day" right before the KPI, or "over N
# days" after it. Other spans are deadlines or time limits.
_WINDOW_RES = (
    re.compile(
        rf"\b(?:trailing|rolling)\s+(?:the\s+)?(?:(?:last|past)\s+)?{_N_SPAN}",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:(?:measured|looking)\s+(?:over|at|across)\s+|over\s+|across\s+|in\s+)"
        rf"(?:the\s+)?(?:last|past)\s+{_N_SPAN}",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\bmeasured\s+(?:over|across)\s+(?:a\s+|the\s+)?{_N_SPAN}", re.IGNORECASE
    ),
    re.compile(
        rf"\(\s*(?P<n>\d+)(?:[-\s]?{_SPAN}(?:[-\s]window)?|d)\s*\)", re.IGNORECASE
    ),
    re.compile(rf"(?<![\w.])(?P<n>\d+)[-\s]?{_SPAN}[-\s]window\b", re.IGNORECASE),
    re.compile(
        rf"(?<![\w.])(?P<n>\d+)(?:[-\s]?{_SPAN}|d)(?=\s*{KPI_GAP})", re.IGNORECASE
    ),
    re.compile(r"\b(?:TTM|LTM|trailing\s+twelve\s+months)\b", re.IGNORECASE),
)
# "over 90 days" is a window only after the KPI, and never before a word that
# makes it an age ("over 30 days without contact").
_WINDOW_AFTER_KPI_RE = re.compile(
    rf"\b(?:over|across)\s+(?:a\s+|the\s+)?{_N_SPAN}"
    r"(?!\s+(?:without|old|overdue|late|since|ago|inactive|of\s+inactivity)\b)",
    re.IGNORECASE,
)
_ANY_SPAN = r"(?:business\s+)?(?:days?|weeks?|months?|years?|hours?|minutes?)"
# Time limits on what is counted ("backlog older than 120 days", "no customer
# goes more than 30 days without contact"). They are conditions, not windows.
_TIME_LIMIT_RES = (
    re.compile(
        r"\b(?:older|younger|longer|shorter|more|less|fewer|greater|later|earlier"
        rf"|sooner)\s+than\s+(?:a\s+)?\d+\+?\s*{_ANY_SPAN}\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:within|in|under|over|after|above|below|beyond|past|at\s+least"
        r"|at\s+most|up\s+to|no\s+more\s+than|every|each)\s+(?:a\s+|the\s+)?"
        rf"\d+\+?\s*{_ANY_SPAN}\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?<![\w.])\d+\+?[-\s]?{_ANY_SPAN}(?:\s+|-)"
        r"(?:old|overdue|late|without|since|ago|inactive|of\s+inactivity)\b",
        re.IGNORECASE,
    ),
)
# A number followed by words: "2 webinars", "50+ proven wins". What the words
# count is decided in `_counted_noun`.
_COUNT_RE = re.compile(
    r"(?<![\w.,$€£¥₹])(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)"
    r"(?P<plus>\+)?[ ](?P<words>[A-Za-z][\w'&-]*(?:[ ][A-Za-z][\w'&-]*){0,3})"
)
# "a list (50+) of proven wins": a bare number, maybe in brackets, then "of".
_COUNT_OF_RE = re.compile(
    r"(?<![\w.,$€£¥₹])\(?(?P<number>\d{1,3}(?:,\d{3})+|\d+)(?P<plus>\+)?\)?"
    r"[ ]of[ ](?P<words>[A-Za-z][\w'&-]*(?:[ ][A-Za-z][\w'&-]*){0,3})"
)
_KPI_ID_RE = re.compile(r"(?<![\w.])[a-z][a-z0-9_]+(?:\.[a-z][a-z0-9_]*)+(?![\w.])")

_SEGMENT_WORD = r"[\w&/'.-]+"
_SEGMENT_STOP = r"(?:by|from|to|at|with|until|over|vs|versus|and|hold|within)\b"
_SEGMENT_END = (
    rf"(?=\s*(?:$|[{_GAPS},;:()]|{_SEGMENT_STOP}|[+\-±$€£]"
    r"|\d[\d.,]*\s?(?:%|(?i:pp|pts?|points?|bps|percent)\b)))"
)
_SEGMENT_NOUN = r"cohorts?|segments?|customers|accounts|clients|tiers?|base|book"
_SEGMENT_RES = (
    re.compile(
        rf"\b(?P<prep>for|in|among|across)\s+(?P<the>the\s+)?"
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
    rf"\b(?:by|until|till|due)\s+(?P<what>[^{_GAPS},;()]*[^{_GAPS},;()\s])",
    re.IGNORECASE,
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
    period_start: dt.date | None = None
    problems: list[str] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    windows: list[tuple[int, str]] = field(default_factory=list)
    kpis: list[tuple[str, str]] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
    amounts: list[Quantity] = field(default_factory=list)
    levels: list[Level] = field(default_factory=list)
    ranges: list[tuple[Quantity, Quantity, str]] = field(default_factory=list)
    directions: list[tuple[Direction, str]] = field(default_factory=list)
    counted: list[str] = field(default_factory=list)
    time_limits: list[str] = field(default_factory=list)

    def take(self, match: re.Match[str], marker: str = GAP) -> str:
        """Blank the matched text so that no later step reads it, and return it."""
        self.rest = f"{self.rest[: match.start()]} {marker} {self.rest[match.end() :]}"
        return match.group(0).strip()

    def replace(self, start: int, end: int, text: str) -> None:
        """Replace `rest[start:end]` with `text`, for a later step to read."""
        self.rest = f"{self.rest[:start]}{text}{self.rest[end:]}"


_Step = Callable[[Draft], None]


# -- steps, in the order they run


def _read_placeholders(draft: Draft) -> None:
    """Placeholders such as "TBD" or "X% to Y%"."""
    while match := _PLACEHOLDER_RE.search(draft.rest):
        draft.problems.append(f"placeholder '{draft.take(match)}'")


def _read_deadline(draft: Draft) -> None:
    """Deadlines: "by Q2", "end of FY27", "next quarter", "by 2027-03-14"."""
    draft.rest, found, problems = read_deadlines(
        draft.rest,
        calendar=draft.calendar,
        as_of=draft.as_of,
        period_start=draft.period_start,
        gap=GAP,
        within=False,
    )
    draft.deadlines.extend(found)
    draft.problems.extend(problems)


def _read_window(draft: Draft) -> None:
    """Measurement windows: "90-day GRR", "(90-day)", "GRR over 12 weeks", "TTM"."""
    for pattern in _WINDOW_RES:
        while match := pattern.search(draft.rest):
            _add_window(draft, match)
    position = 0
    while match := _WINDOW_AFTER_KPI_RE.search(draft.rest, position):
        if KPI_GAP not in draft.rest[: match.start()]:
            position = match.end()
            continue
        _add_window(draft, match)


def _add_window(draft: Draft, match: re.Match[str]) -> None:
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
            draft.kpis.append((ids_by_alias[key], draft.take(match, KPI_GAP)))
    while match := _KPI_ID_RE.search(draft.rest):
        text = draft.take(match, KPI_GAP)
        draft.kpis.append((text, text))


def _alias_key(text: str) -> str:
    return " ".join(re.split(r"[\s-]+", text.strip().lower()))


@functools.lru_cache(maxsize=16)
def _alias_pattern(
    aliases: tuple[tuple[str, str], ...],
) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    # An everyday word ("customers") names no KPI on its own, even when a
    # catalog lists it as a label or alias.
    ids_by_alias = {
        _alias_key(alias): kpi_id
        for alias, kpi_id in aliases
        if _alias_key(alias) not in EVERYDAY_WORDS
    }
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
            if _names_unknown_kpi(draft, match) or not _names_segment(match):
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


def _names_segment(match: re.Match[str]) -> bool:
    # "for the X cohort" names a segment whatever X is; after a bare "for" or
    # "in" only a known segment word does ("for SMB", not "for each 3").
    groups = match.groupdict()
    if "prep" not in groups or (groups.get("the") and groups.get("noun")):
        return True
    return is_known_segment(match["segment"].strip().rstrip("."), groups.get("noun"))


def _read_within_deadline(draft: Draft) -> None:
    """Deadlines "within 90 days" and "in 6 weeks", where they end the target."""
    draft.rest, found, problems = read_within(
        draft.rest, calendar=draft.calendar, as_of=draft.as_of, gap=GAP, starts=_GAPS
    )
    draft.deadlines.extend(found)
    draft.problems.extend(problems)


def _read_time_limit(draft: Draft) -> None:
    """Time limits such as "older than 120 days": kept as text, read as nothing."""
    for pattern in _TIME_LIMIT_RES:
        while match := pattern.search(draft.rest):
            draft.time_limits.append(draft.take(match))


def _read_count(draft: Draft) -> None:
    """Counts: "2 webinars" becomes "2 count", and "webinars" is kept as the noun."""
    for pattern in (_COUNT_RE, _COUNT_OF_RE):
        position = 0
        while match := pattern.search(draft.rest, position):
            noun = _counted_noun(match["words"])
            if noun is None:
                position = match.end("number")
                continue
            if noun.lower() not in ("day", "days"):
                draft.counted.append(noun)
            end = match.start("words") + len(noun)
            count = f"{match['number']} count{match['plus'] or ''}"
            draft.replace(match.start(), end, count)
            position = match.start() + len(count)


def _counted_noun(words_text: str) -> str | None:
    """Return the noun phrase a number counts, or None when the words are not one.

    The phrase ends before a stop word, after its first plural ("digital content
    assets", "cs skills") or an acronym plural that follows it ("partners
    MSAs"), and after three words at most.
    """
    words: list[str] = []
    for word in words_text.split(" "):
        bare = word.strip("'")
        if not _is_noun_word(bare):
            break
        if words and _is_plural(words[-1]) and not re.fullmatch(r"[A-Z]{2,}s", bare):
            break
        words.append(word)
        if len(words) == 3:
            break
    return " ".join(words) or None


def _is_noun_word(word: str) -> bool:
    if not word or word in CURRENCY_CODES:
        return False
    return word.lower() not in COUNT_STOP_WORDS


def _is_plural(word: str) -> bool:
    # "cs" in "cs skills" is an acronym, not a plural.
    if re.fullmatch(r"[A-Z]{2,}s", word):
        return True
    singular_ends = ("ss", "us", "is")
    return len(word) > 3 and word.endswith("s") and not word.endswith(singular_ends)


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
    words = re.findall(rf"[^\s{_GAPS},;:()\[\]]+", draft.rest)
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
    # A count of something that is not a KPI ("2 webinars") is readable, and
    # lint reports the missing KPI.
    if not draft.kpis and not draft.counted and content:
        draft.problems.append(
            f"no KPI named; '{' '.join(content)}' is not a known KPI name or id"
        )


STEPS: tuple[_Step, ...] = (
    _read_placeholders,
    _read_deadline,
    _read_kpi,
    _read_window,
    _read_segment,
    _read_within_deadline,
    _read_time_limit,
    _read_count,
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
        KPI_GAP: " ",
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
