"""The steps that read the KPI, window, segment and deadlines of a target phrase.

They run first, in the order of `WORD_STEPS`: placeholders, deadlines, the KPI,
windows and the segment, then "within 90 days" deadlines and time limits
("older than 120 days"). The numbers are read after them, by the steps in
`_target_number_steps`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from boardloop.domain._target_draft import GAP, GAPS, KPI_GAP, Draft, Step
from boardloop.domain._target_words import (
    EVERYDAY_WORDS,
    TIER_PATTERN,
    is_known_segment,
)
from boardloop.domain.deadlines import read_deadlines, read_within

__all__ = ["WORD_STEPS"]

_PLACEHOLDER_RE = re.compile(
    r"(?<!\w)(?:(?:TBD|TBC|TODO|N/A|xxx+|lorem(?:\s+ipsum)?|placeholder)(?!\w)"
    r"|\?{2,}"
    r"|[XYZN]\s?(?:%|pp\b|pts\b)(?:\s*(?:to|->|→)\s*[XYZN]\s?(?:%|pp\b|pts\b))?)",
    re.IGNORECASE,
)
_SPAN = r"(?P<span>day|week|month|year)s?"
# Words after a span that make it an age, not a window: "30 days without contact".
_AGE_WORDS = r"(?:without|old|overdue|late|since|ago|inactive|of\s+inactivity)\b"
_N_SPAN = rf"(?P<n>\d+)[-\s]?{_SPAN}\b"
# A window is read only where the phrase marks it as one: a named or bracketed
# window, a trailing or rolling span or its code ("T12M"), any span right before
# the KPI, "90-day", "90d" or "90 day" anywhere (`_WINDOW_ANYWHERE_RE`), or
# "over N days" after the KPI. Other spans are deadlines, time limits or levels.
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
    # "T12M", "L12M", "R12M", "T90D", "L4W": trailing, last or rolling N months,
    # weeks or days.
    re.compile(r"\b[TLR](?P<n>\d+)(?P<span>[MWD])\b", re.IGNORECASE),
    # "180-day survey responses": a hyphenated span before words measures them,
    # unless the words make it an age ("90-day overdue invoices").
    re.compile(
        rf"(?<![\w.])(?P<n>\d+)-{_SPAN}(?=\s+[A-Za-z])(?!\s+{_AGE_WORDS})",
        re.IGNORECASE,
    ),
)
# "90-day", "90d" and "90 day" are adjectives that only a window uses, so they
# are a window anywhere in the phrase: after the KPI, the segment or the
# deadline. The plural "90 days" is not, because it is as often a level of a
# KPI measured in days or a deadline ("in 90 days"). A lone "1 day" is a
# quantity, so the spaced form needs another number. A number after a hyphen
# ends a list ("30-60-90 day plan"), so it is not a window either.
_WINDOW_ANYWHERE_RE = re.compile(
    rf"(?<![\w.-])(?P<n>\d+)(?:-{_SPAN}|d|\s(?<!\b1\s)(?P<word>day|week|month|year))"
    rf"(?![\w-])(?!\s+{_AGE_WORDS})",
    re.IGNORECASE,
)
# Words before a span that make it a deadline, a time limit or a level rather
# than a window: "within 90-day", "under 30 day", "to 1 day".
_NOT_WINDOW_BEFORE = frozenset(
    """
    within in under over across after every each than past beyond to at least
    most up below above of reach hit
    """.split()  # noqa: SIM905 - a word list reads best as one string
)
# "over 90 days" is a window only after the KPI, and never before a word that
# makes it an age ("over 30 days without contact").
_WINDOW_AFTER_KPI_RE = re.compile(
    rf"\b(?:over|across)\s+(?:a\s+|the\s+)?{_N_SPAN}"
    rf"(?!\s+{_AGE_WORDS})",
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
        r"(?:\b(?:within|in|under|over|after|above|below|beyond|past|at\s+least"
        r"|at\s+most|up\s+to|no\s+more\s+than|every|each)\s+(?:a\s+|the\s+)?"
        rf"|(?<![-=])[<>]=?\s*|[≤≥]\s*)\d+\+?\s*{_ANY_SPAN}\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?<![\w.])\d+\+?[-\s]?{_ANY_SPAN}(?:\s+|-){_AGE_WORDS}",
        re.IGNORECASE,
    ),
)
_TIER_RE = re.compile(TIER_PATTERN, re.IGNORECASE)
_KPI_ID_RE = re.compile(r"(?<![\w.])[a-z][a-z0-9_]+(?:\.[a-z][a-z0-9_]*)+(?![\w.])")

_SEGMENT_WORD = r"[\w&/'.-]+"
_SEGMENT_STOP = r"(?:by|from|to|at|with|until|over|vs|versus|and|hold|within)\b"
# NOTE: a plural span is not an end, so "for SMB 90 days" gives the segment
# "SMB 90 days". Ending there would read "90 days" as a level of days instead.
_SEGMENT_END = (
    rf"(?=\s*(?:$|[{GAPS},;:()]|{_SEGMENT_STOP}|[+\-±$€£]"
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
    position = 0
    while match := _WINDOW_ANYWHERE_RE.search(draft.rest, position):
        before = draft.rest[: match.start()].split()
        if before and before[-1].lower() in _NOT_WINDOW_BEFORE:
            position = match.end()
            continue
        _add_window(draft, match)


def _add_window(draft: Draft, match: re.Match[str]) -> None:
    groups = match.groupdict()
    count = groups.get("n")
    span = (groups.get("span") or groups.get("word") or "d").lower()
    days = 365 if count is None else _days_in(int(count), span)
    draft.windows.append((days, draft.take(match)))


def _days_in(count: int, span: str) -> int:
    # Whole years count 365 days each ("12-month" is 365); other months 30 days.
    # `span` is the unit word or its letter: "day" or "d", "month" or "m".
    if span.startswith("d"):
        return count
    if span.startswith("w"):
        return count * 7
    if span.startswith("y"):
        return count * 365
    if count % 12 == 0:
        return count // 12 * 365
    return count * 30


def _read_kpi(draft: Draft) -> None:
    """The KPI: the longest alias from the catalog, or a catalog id as written."""
    aliases = _alias_pattern(draft.aliases)
    if aliases is not None:
        while match := aliases.search(draft.rest):
            key = _alias_key(match.group(0))
            label = draft.take_span(match.start(), match.end(), KPI_GAP)
            draft.kpis.append((aliases.ids_by_alias[key], label))
    # A catalog id has a dot ("customers.grr").
    while "." in draft.rest and (match := _KPI_ID_RE.search(draft.rest)):
        text = draft.take(match, KPI_GAP)
        draft.kpis.append((text, text))


def _alias_key(text: str) -> str:
    return " ".join(re.split(r"[\s-]+", text.strip().lower()))


@dataclass(frozen=True, slots=True)
class _AliasPattern:
    """The pattern that finds KPI aliases, and the KPI id of each alias key."""

    pattern: re.Pattern[str]
    # The same pattern, case-sensitive, for ASCII text in lower case, where the
    # regex engine skips alternatives by their first letter. None when an alias
    # is not ASCII.
    lower_pattern: re.Pattern[str] | None
    ids_by_alias: dict[str, str]

    def search(self, text: str) -> re.Match[str] | None:
        """Find the first alias in `text`; the match may be on `text` in lower case."""
        if self.lower_pattern is not None and text.isascii():
            return self.lower_pattern.search(text.lower())
        return self.pattern.search(text)


# The aliases last asked for and their pattern. `parse_target` passes the same
# tuple for a whole register, and this skips hashing it for the lru_cache.
_last_alias_pattern: list[tuple[tuple[tuple[str, str], ...], _AliasPattern | None]] = []


def _alias_pattern(aliases: tuple[tuple[str, str], ...]) -> _AliasPattern | None:
    for last_aliases, pattern in _last_alias_pattern:
        if last_aliases is aliases:
            return pattern
    pattern = _compile_alias_pattern(aliases)
    _last_alias_pattern[:] = [(aliases, pattern)]
    return pattern


@functools.lru_cache(maxsize=16)
def _compile_alias_pattern(
    aliases: tuple[tuple[str, str], ...],
) -> _AliasPattern | None:
    # An everyday word ("customers") names no KPI on its own, even when a
    # catalog lists it as a label or alias.
    ids_by_alias = {
        _alias_key(alias): kpi_id
        for alias, kpi_id in aliases
        if _alias_key(alias) not in EVERYDAY_WORDS
    }
    keys = sorted((key for key in ids_by_alias if key), key=len, reverse=True)
    if not keys:
        return None
    alternatives = (r"[\s-]+".join(map(re.escape, key.split(" "))) for key in keys)
    # The lookahead on the first characters fails fast where no alias starts.
    initials = f"(?=[{''.join(sorted(_initials(keys)))}])"
    pattern = rf"(?<![\w.]){initials}(?:{'|'.join(alternatives)})(?!\w)"
    lower_pattern = None
    if all(key.isascii() for key in keys):
        lower_pattern = re.compile(pattern)
    return _AliasPattern(
        re.compile(pattern, re.IGNORECASE), lower_pattern, ids_by_alias
    )


def _initials(keys: list[str]) -> set[str]:
    """Return what may start an alias match, escaped for a character class."""
    initials: set[str] = set()
    for key in keys:
        first_word = key.split(" ")[0]
        if first_word:
            initials.add(re.escape(first_word[0]))
        else:
            # A key that starts with a separator starts with [\s-]+.
            initials.update((r"\s", r"\-"))
    return initials


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


def _read_tier_names(draft: Draft) -> None:
    """Tier names outside a segment phrase ("3 segments Tier 1 MM"), kept as text."""
    while match := _TIER_RE.search(draft.rest):
        draft.tier_names.append(draft.take(match))


def _read_within_deadline(draft: Draft) -> None:
    """Deadlines "within 90 days" and "in 6 weeks", where they end the target."""
    draft.rest, found, problems = read_within(
        draft.rest, calendar=draft.calendar, as_of=draft.as_of, gap=GAP, starts=GAPS
    )
    draft.deadlines.extend(found)
    draft.problems.extend(problems)


def _read_time_limit(draft: Draft) -> None:
    """Time limits such as "older than 120 days": kept as text, read as nothing."""
    for pattern in _TIME_LIMIT_RES:
        while match := pattern.search(draft.rest):
            draft.time_limits.append(draft.take(match))


def _segment_name(match: re.Match[str]) -> str:
    segment = match["segment"].strip().rstrip(".")
    noun = match["noun"]
    if noun and segment.lower() in ("all", "every", "our"):
        return f"{segment} {noun}"
    return segment


WORD_STEPS: tuple[Step, ...] = (
    _read_placeholders,
    _read_deadline,
    _read_kpi,
    _read_window,
    _read_segment,
    _read_tier_names,
    _read_within_deadline,
    _read_time_limit,
)
