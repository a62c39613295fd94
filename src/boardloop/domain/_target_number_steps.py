"""The steps that read the numbers of a target phrase and its direction words.

They run after the word steps, in the order of `NUMBER_STEPS`: counted nouns
("2 webinars"), hold bands and hold words, ranges, levels, change amounts, bare
numbers, and last the direction words ("lift", "reduce").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from boardloop.domain._target_draft import Draft, Level, Step
from boardloop.domain._target_needles import has_needle
from boardloop.domain._target_words import COUNT_STOP_WORDS
from boardloop.domain.model import Direction, LevelBound, Unit
from boardloop.domain.units import (
    CURRENCY_CODES,
    QUANTITY_PATTERN,
    Quantity,
    read_quantity,
)

if TYPE_CHECKING:
    from decimal import Decimal

__all__ = ["NUMBER_STEPS", "written_counts"]

_Q = rf"(?:{QUANTITY_PATTERN})(?!\w)(?!\.\d)"
_OPTIONALLY_SIGNED_Q = rf"(?<![\w.,±+\-])(?:[+\-]\s?)?{_Q}"
_SIGNED_Q = rf"(?<![\w.,±+\-])[+\-]\s?{_Q}"
_UNSIGNED_Q = rf"(?<![\w.,±+\-]){_Q}"
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

_BAND_RE = re.compile(
    rf"(?:\bwithin\s+)?(?:±|\bplus\s+or\s+minus\s+)\s?(?P<q>{_Q})", re.IGNORECASE
)
_HOLD_RE = re.compile(
    r"\b(?:hold|holds|holding|maintain|maintains|maintaining|keep|keeps|keeping"
    r"|sustain|sustains|sustaining|flat|steady)\b",
    re.IGNORECASE,
)
# Each pattern with the needles it needs (see `_target_needles`).
_RANGE_RES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (
        re.compile(
            rf"(?P<from>\bfrom\s+)?(?P<start>{_OPTIONALLY_SIGNED_Q})\s*"
            rf"(?:\bto\b|->|→|\buntil\b)\s*(?P<end>{_OPTIONALLY_SIGNED_Q})",
            re.IGNORECASE,
        ),
        ("to", "->", "→", "until"),
    ),
    # "8-15%": a dash between two unsigned numbers.
    (
        re.compile(
            rf"(?P<from>\bfrom\s+)?(?<![\w.,±+\-])(?P<start>{_Q})\s?-\s?(?P<end>{_Q})",
            re.IGNORECASE,
        ),
        ("-",),
    ),
)
# A strict sign or word ("< 3%", "below 3%", "more than 92%") gives the same
# bound as the inclusive one ("at most 3%"), because `LevelBound` has no strict
# bounds.
_BOUNDED_LEVEL_RES: tuple[tuple[re.Pattern[str], LevelBound, tuple[str, ...]], ...] = (
    (
        re.compile(
            r"(?:\b(?:at\s+least|min(?:imum)?(?:\s+of)?|no\s+less\s+than|not\s+below"
            r"|above|more\s+than|over|greater\s+than)\s+|>=\s*|≥\s*|(?<![-=])>\s*)"
            rf"(?P<q>{_OPTIONALLY_SIGNED_Q})",
            re.IGNORECASE,
        ),
        LevelBound.AT_LEAST,
        ("least", "min", "less", "below", "above", "more", "over", "greater", ">", "≥"),
    ),
    (
        re.compile(
            r"(?:\b(?:at\s+most|max(?:imum)?(?:\s+of)?|no\s+more\s+than|not\s+above"
            r"|below|under|less\s+than|fewer\s+than)\s+|<=\s*|≤\s*|<(?![-=])\s*)"
            rf"(?P<q>{_OPTIONALLY_SIGNED_Q})",
            re.IGNORECASE,
        ),
        LevelBound.AT_MOST,
        ("most", "max", "more", "above", "below", "under", "less", "fewer", "<", "≤"),
    ),
    (
        re.compile(
            rf"(?:\bexactly\s+|=\s*)(?P<q>{_OPTIONALLY_SIGNED_Q})", re.IGNORECASE
        ),
        LevelBound.EXACTLY,
        ("exactly", "="),
    ),
    (
        re.compile(
            rf"(?P<q>{_OPTIONALLY_SIGNED_Q})\s*(?:\+(?!\s*[\d$€£])"
            r"|\s(?:or\s+(?:more|higher|better|above|greater)|and\s+(?:above|up|higher))\b)",
            re.IGNORECASE,
        ),
        LevelBound.AT_LEAST,
        ("+", "or", "and"),
    ),
    (
        re.compile(
            rf"(?P<q>{_OPTIONALLY_SIGNED_Q})\s(?:or\s+(?:less|lower|below|fewer)"
            r"|and\s+below)\b",
            re.IGNORECASE,
        ),
        LevelBound.AT_MOST,
        ("or", "and"),
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
            written = draft.rest[match.start() : end]
            _keep_written(draft, f"{match['number']} count", written)
            count = f"{match['number']} count{match['plus'] or ''}"
            draft.replace(match.start(), end, count)
            position = match.start() + len(count)


def written_counts(text: str) -> list[tuple[Decimal, str]]:
    """Return each count in `text` with its noun: "2 webinars" gives (2, "webinars").

    Counts of days are left out, because "30 days" is a span as often as a count.
    """
    counts: list[tuple[Decimal, str]] = []
    for pattern in (_COUNT_RE, _COUNT_OF_RE):
        for match in pattern.finditer(text):
            noun = _counted_noun(match["words"])
            quantity = read_quantity(match["number"])
            if noun and quantity and noun.lower() not in ("day", "days"):
                counts.append((quantity.value, noun))
    return counts


def _keep_written(draft: Draft, read: str, written: str) -> None:
    # When "2 webinars" and "2 decks" are both read as "2 count", a message
    # cannot tell them apart, so it shows "2 count".
    if draft.count_texts.setdefault(read, written) != written:
        draft.count_texts[read] = None


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
    for pattern, needles in _RANGE_RES:
        position = 0
        while has_needle(draft.rest, needles) and (
            match := pattern.search(draft.rest, position)
        ):
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
    for pattern, bound, needles in _BOUNDED_LEVEL_RES:
        while has_needle(draft.rest, needles) and (match := pattern.search(draft.rest)):
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


NUMBER_STEPS: tuple[Step, ...] = (
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
)
