"""Target grammar: read a target phrase into a `Target`, and write one back.

`parse_target` reads phrases such as "+5pp lift in 90-day GRR for SMB cohort
by Q2" in small steps. Each step finds one kind of part (deadline, window, KPI,
segment, numbers, direction words), stores it, and blanks the text it used so
that later steps cannot read it twice. What a step finds but cannot read goes
to `Target.problems`, and that field stays None: a phrase is never defaulted.
A part that is absent (no deadline, no segment) is not a problem here, because
lint reports missing parts.

`format_target` writes the one canonical phrase, such as
"GRR +5pp for SMB (90-day) by Q2 FY28 (2027-07-31)", which `parse_target`
reads back to the same target. docs/targets.md describes the grammar.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from boardloop.domain._target_draft import Draft, Level, normalise
from boardloop.domain._target_number_steps import written_counts
from boardloop.domain._target_steps import STEPS
from boardloop.domain._target_words import (
    EVERYDAY_WORDS,
    is_count_kpi,
    is_known_segment,
    is_score_kpi,
)
from boardloop.domain.deadlines import read_deadlines
from boardloop.domain.model import Direction, LevelBound, Target, Unit
from boardloop.domain.numbers import RANGE_HINT, magnitude_problem
from boardloop.domain.units import Quantity, decimal_to_json, format_quantity

if TYPE_CHECKING:
    import datetime as dt
    from decimal import Decimal

    from boardloop.domain.fiscal import FiscalCalendar

__all__ = ["format_target", "parse_target", "target_to_json"]

_T = TypeVar("_T", Quantity, Level)


# -- turning the draft into a Target


def parse_target(
    text: str,
    *,
    calendar: FiscalCalendar,
    as_of: dt.date | None = None,
    kpi_aliases: Mapping[str, str] | None = None,
    period_start: dt.date | None = None,
) -> Target:
    """Read a target phrase into a `Target`, listing what it cannot read in `problems`.

    It does not raise on any text: a property test feeds it arbitrary strings.

    Args:
        text: the phrase as written, such as "+5pp lift in 90-day GRR by Q2".
        calendar: the fiscal calendar that quarters, halves and years follow.
        as_of: the date that "Q2", "next quarter" and "within 90 days" count
            from. Without it, those deadlines are problems.
        kpi_aliases: lower-case KPI names and aliases ("grr", "logo churn")
            mapped to catalog ids. Catalog ids written in the phrase are read
            without an alias. Everyday words such as "customers" are never
            read as a KPI, even when they are listed here.
        period_start: the first day of the period that the document holding
            the phrase covers. When given, "Q2", "H2" and "by end of year" lie
            in the fiscal year containing this day instead of rolling forward
            from `as_of`, and "next quarter" or "by March" count from it.
    """
    aliases = _sorted_aliases(kpi_aliases)
    draft = Draft(normalise(text), calendar, as_of, aliases, period_start)
    for step in STEPS:
        step(draft)
    return _build_target(text, draft)


# The last aliases mapping sorted, with a copy to compare the next one against:
# a register passes the same aliases for every target, often in a new dict.
_last_aliases: list[tuple[dict[str, str], tuple[tuple[str, str], ...]]] = []


def _sorted_aliases(
    kpi_aliases: Mapping[str, str] | None,
) -> tuple[tuple[str, str], ...]:
    """Return the aliases as sorted pairs, reusing the last result for equal ones."""
    if not kpi_aliases:
        return ()
    for copy, pairs in _last_aliases:
        if copy == kpi_aliases:
            return pairs
    pairs = tuple(sorted(kpi_aliases.items()))
    _last_aliases[:] = [(dict(kpi_aliases), pairs)]
    return pairs


def _build_target(text: str, draft: Draft) -> Target:
    kpi_id, kpi_label = _settle_kpi(draft)
    if kpi_id is None and kpi_label is None:
        kpi_label = _settle_single(draft, draft.counted, "counted noun")
    deadline, deadline_label = _settle_deadline(draft)
    if is_score_kpi(kpi_id, kpi_label):
        _give_bare_numbers(draft, Unit.PTS)
    elif is_count_kpi(kpi_id, kpi_label):
        _give_bare_numbers(draft, Unit.COUNT)
    movement = _settle_movement(draft)
    _drop_out_of_range(draft, movement)
    return Target(
        text=text,
        kpi_id=kpi_id,
        kpi_label=kpi_label,
        direction=movement.direction,
        amount=movement.amount,
        unit=movement.unit,
        currency=movement.currency,
        level=movement.level,
        level_bound=movement.level_bound,
        start_level=movement.start_level,
        segment=_settle_segment(draft),
        window_days=_settle_window(draft),
        deadline=deadline,
        deadline_label=deadline_label,
        problems=tuple(draft.problems),
    )


def _give_bare_numbers(draft: Draft, unit: Unit) -> None:
    """Give the numbers written bare the KPI's unit: pts in "NPS 45+"."""

    def with_unit(quantity: Quantity) -> Quantity:
        if quantity.unit is None and quantity.is_bare:
            return replace(quantity, unit=unit)
        return quantity

    draft.amounts[:] = [with_unit(amount) for amount in draft.amounts]
    draft.levels[:] = [
        Level(with_unit(level.quantity), level.bound, level.follows_direction)
        for level in draft.levels
    ]
    draft.ranges[:] = [
        (with_unit(start), with_unit(end), text) for start, end, text in draft.ranges
    ]


def _quoted(texts: list[str]) -> str:
    return ", ".join(f"'{text}'" for text in texts)


def _settle_kpi(draft: Draft) -> tuple[str | None, str | None]:
    ids = list(dict.fromkeys(kpi_id for kpi_id, _ in draft.kpis))
    if not ids:
        return None, None
    if len(ids) > 1:
        names = _quoted([label for _, label in draft.kpis])
        draft.problems.append(f"more than one KPI named: {names}")
        return None, None
    return ids[0], draft.kpis[0][1]


def _settle_deadline(draft: Draft) -> tuple[dt.date | None, str | None]:
    dates = {deadline.on for deadline in draft.deadlines}
    if not dates:
        return None, None
    if len(dates) > 1:
        names = _quoted([deadline.text for deadline in draft.deadlines])
        draft.problems.append(f"more than one deadline: {names}")
        return None, None
    first = draft.deadlines[0]
    return first.on, first.label


def _settle_window(draft: Draft) -> int | None:
    days = {window for window, _ in draft.windows}
    if len(days) > 1:
        names = _quoted([text for _, text in draft.windows])
        draft.problems.append(f"more than one measurement window: {names}")
        return None
    return days.pop() if days else None


def _settle_segment(draft: Draft) -> str | None:
    # A tier named outside the segment phrase is a second segment when the
    # phrase has one ("in Tier 1 and Tier 2"). Without one it stays text,
    # because it may be one of several listed ("3 segments Tier 1 MM, SMB").
    named = draft.segments + draft.tier_names if draft.segments else []
    return _settle_single(draft, named, "segment")


def _settle_single(draft: Draft, values: list[str], name: str) -> str | None:
    distinct = list(dict.fromkeys(values))
    if len(distinct) > 1:
        draft.problems.append(f"more than one {name}: {_quoted(distinct)}")
        return None
    return distinct[0] if distinct else None


@dataclass(slots=True)
class _Movement:
    direction: Direction | None = None
    amount: Decimal | None = None
    unit: Unit | None = None
    currency: str | None = None
    level: Decimal | None = None
    level_bound: LevelBound | None = None
    start_level: Decimal | None = None


def _settle_movement(draft: Draft) -> _Movement:
    movement = _Movement()
    change = _single(draft, draft.amounts, "change amount")
    if change is not None:
        _settle_change(draft, movement, change)
    if len(draft.ranges) > 1:
        draft.problems.append(
            "more than one range: "
            + _quoted([draft.as_written(text) for *_, text in draft.ranges])
        )
    elif draft.ranges:
        _settle_range(draft, movement, *draft.ranges[0])
    level = _single(draft, draft.levels, "level")
    if level is not None and movement.level is None:
        _settle_level(draft, movement, level)
    movement.direction = _settle_direction(draft)
    _settle_bound(draft, movement, level)
    return movement


def _drop_out_of_range(draft: Draft, movement: _Movement) -> None:
    """Turn an amount or level beyond the typed-number bounds into a problem."""
    for name in ("amount", "level", "start_level"):
        value = getattr(movement, name)
        if value is None:
            continue
        problem = magnitude_problem(value, movement.unit)
        if problem is not None:
            label = name.replace("_", " ")
            draft.problems.append(f"{label} '{value}' {problem}; {RANGE_HINT}")
            setattr(movement, name, None)


def _single(draft: Draft, items: list[_T], name: str) -> _T | None:
    if len(items) > 1:
        texts = [draft.as_written(_text_of(item)) for item in items]
        draft.problems.append(f"more than one {name}: {_quoted(texts)}")
        return None
    return items[0] if items else None


def _text_of(item: Quantity | Level) -> str:
    return item.quantity.text if isinstance(item, Level) else item.text


def _settle_change(draft: Draft, movement: _Movement, change: Quantity) -> None:
    if change.unit is None:
        draft.problems.append(
            f"amount '{change.text}' has no unit; write pp, %, pts, a currency "
            f"or a count noun"
        )
        return
    movement.amount = change.value
    movement.unit = change.unit
    movement.currency = change.currency


def _level_unit(draft: Draft, quantity: Quantity) -> tuple[Unit, str | None] | None:
    """Return the unit of the change that a level implies: "94%" is a rate, so pp."""
    if quantity.unit is Unit.PERCENT:
        return Unit.PP, None
    if quantity.unit is Unit.PP:
        draft.problems.append(
            f"level '{quantity.text}' is written in pp; write a level as a rate "
            f"such as '94%'"
        )
        return None
    if quantity.unit is None:
        draft.problems.append(
            f"level '{quantity.text}' has no unit; write %, pts, a currency or "
            f"what it counts"
        )
        return None
    return quantity.unit, quantity.currency


def _settle_range(
    draft: Draft, movement: _Movement, start: Quantity, end: Quantity, text: str
) -> None:
    # "from 6 to 4%": a bare start takes the unit of the end.
    if start.is_bare:
        start = Quantity(start.value, end.unit, end.currency, start.sign, start.text)
    start_unit = _level_unit(draft, start)
    end_unit = _level_unit(draft, end)
    if start_unit is None or end_unit is None:
        return
    if start_unit != end_unit:
        draft.problems.append(f"range '{draft.as_written(text)}' mixes units")
        return

    # The range gives the levels, the direction and the amount.
    movement.start_level, movement.level = start.signed_value, end.signed_value
    difference = end.signed_value - start.signed_value
    direction = Direction.HOLD
    if difference:
        direction = Direction.INCREASE if difference > 0 else Direction.DECREASE
    draft.directions.append((direction, text))
    unit, currency = end_unit
    if movement.amount is None:
        movement.amount, movement.unit, movement.currency = (
            abs(difference),
            unit,
            currency,
        )
        return
    if (movement.amount, movement.unit, movement.currency) != (
        abs(difference),
        unit,
        currency,
    ):
        implied = format_quantity(abs(difference), unit, currency)
        written = draft.as_written(text)
        draft.problems.append(f"amount disagrees with range '{written}' ({implied})")


def _settle_level(draft: Draft, movement: _Movement, level: Level) -> None:
    unit = _level_unit(draft, level.quantity)
    if unit is None:
        return
    movement.level = level.quantity.signed_value
    movement.level_bound = level.bound
    level_unit, level_currency = unit
    if movement.unit is None:
        movement.unit, movement.currency = level_unit, level_currency
    elif level_currency and movement.currency not in (None, level_currency):
        draft.problems.append(
            f"level '{level.quantity.text}' is in {level_currency} but the amount "
            f"is in {movement.currency}"
        )
    elif level_currency:
        movement.currency = level_currency


def _settle_direction(draft: Draft) -> Direction | None:
    distinct = list(dict.fromkeys(direction for direction, _ in draft.directions))
    if len(distinct) > 1:
        texts = _quoted([text for _, text in draft.directions])
        draft.problems.append(f"direction words disagree: {texts}")
        return None
    return distinct[0] if distinct else None


_BOUND_OF_DIRECTION = {
    Direction.INCREASE: LevelBound.AT_LEAST,
    Direction.DECREASE: LevelBound.AT_MOST,
    Direction.HOLD: LevelBound.EXACTLY,
}


def _settle_bound(draft: Draft, movement: _Movement, level: Level | None) -> None:
    if movement.level is None:
        return
    from_range = movement.start_level is not None
    if from_range or (level is not None and level.follows_direction):
        if movement.direction is None:
            movement.level_bound = None
        else:
            movement.level_bound = _BOUND_OF_DIRECTION[movement.direction]


# -- formatting


_CANONICAL_LABEL_RE = re.compile(
    r"(?:Q[1-4] |H[12] )?FY(?:\d{2}|\d{4})|CY\d{4}|[A-Z][a-z]{2} \d{4}"
)


def format_target(
    target: Target,
    *,
    kpi_labels: Mapping[str, str] | None = None,
    calendar: FiscalCalendar | None = None,
) -> str:
    """Write a target as its one canonical phrase.

    The phrase reads "KPI change-or-level for SEGMENT (N-day) by LABEL (DATE)",
    for example "GRR +5pp for SMB (90-day) by Q2 FY28 (2027-07-31)", and
    `parse_target` reads it back to the same target. A KPI without an entry in
    `kpi_labels` is written as its catalog id. When `calendar` is given, a
    deadline label is written only if it ends on the deadline.
    """
    parts: list[str] = []
    if target.kpi_id:
        parts.append(_kpi_name(target.kpi_id, kpi_labels))
    parts.extend(_format_movement(target))
    if target.segment:
        parts.append(_segment_phrase(target.segment))
    if target.window_days is not None:
        parts.append(f"({target.window_days}-day)")
    if target.deadline is not None:
        parts.append(_format_deadline(target, calendar))
    return " ".join(parts)


def _kpi_name(kpi_id: str, kpi_labels: Mapping[str, str] | None) -> str:
    # A label that the grammar does not read as a KPI ("Customers") is written
    # as the catalog id, so that the phrase reads back to the same KPI.
    label = (kpi_labels or {}).get(kpi_id)
    if not label or " ".join(label.lower().split()) in EVERYDAY_WORDS:
        return kpi_id
    return label


def _segment_phrase(segment: str) -> str:
    if is_known_segment(segment):
        return f"for {segment}"
    return f"for the {segment} segment"


def _format_movement(target: Target) -> list[str]:
    if target.direction is Direction.HOLD:
        parts = ["hold"]
        if target.level is not None:
            bound_words = "at"
            if target.level_bound is not None:
                bound_words = _HOLD_BOUND_WORDS.get(target.level_bound, "at")
            parts += [bound_words, _level_text(target, target.level)]
        if target.amount is not None:
            parts.append(f"±{_amount_text(target)}")
        return parts
    if target.start_level is not None and target.level is not None:
        start = _level_text(target, target.start_level)
        return ["from", start, "to", _level_text(target, target.level)]
    parts = []
    if target.amount is not None:
        parts.append(_signed_amount_text(target))
    elif target.direction is not None:
        parts.append(str(target.direction))
    if target.level is not None:
        parts.append(_level_phrase(target, target.level))
    return parts


_HOLD_BOUND_WORDS = {LevelBound.AT_LEAST: "at least", LevelBound.AT_MOST: "at most"}


def _amount_text(target: Target) -> str:
    assert target.amount is not None
    return _quantity_text(target, target.amount, as_level=False)


def _quantity_text(target: Target, value: Decimal, *, as_level: bool) -> str:
    noun = _count_noun(target) if target.unit is Unit.COUNT else None
    return format_quantity(
        value,
        target.unit,
        target.currency,
        as_level=as_level,
        bare_score=is_score_kpi(target.kpi_id),
        bare_count=target.unit is Unit.COUNT and noun is None,
        noun=noun or "count",
    )


_NOUN_PHRASE_RE = re.compile(r"[A-Za-z][\w'&-]*(?: [A-Za-z][\w'&-]*){0,2}")


def _count_noun(target: Target) -> str | None:
    """Return the noun to write after a count, or None to write the count bare.

    A count without a KPI is followed by what it counts ("2 webinars"). Beside
    a count KPI ("customers.total_customers 50") the number is written bare,
    because it reads back as a count. Beside any other KPI the noun is taken
    from the phrase as written ("NPS 200 accounts"), or is the word "count"
    when the phrase has no noun for that number.
    """
    label = target.kpi_label
    if not target.kpi_id:
        return label if label and _NOUN_PHRASE_RE.fullmatch(label) else "count"
    if is_count_kpi(target.kpi_id) and not is_score_kpi(target.kpi_id):
        return None
    values = {
        abs(value)
        for value in (target.amount, target.level, target.start_level)
        if value is not None
    }
    nouns = {
        noun
        for value, noun in written_counts(normalise(target.text))
        if value in values and _NOUN_PHRASE_RE.fullmatch(noun)
    }
    return nouns.pop() if len(nouns) == 1 else "count"


def _signed_amount_text(target: Target) -> str:
    if target.direction is Direction.INCREASE:
        return f"+{_amount_text(target)}"
    if target.direction is Direction.DECREASE:
        return f"-{_amount_text(target)}"
    return f"by {_amount_text(target)}"


def _level_text(target: Target, value: Decimal) -> str:
    sign = "-" if value < 0 else ""
    return sign + _quantity_text(target, abs(value), as_level=True)


def _level_phrase(target: Target, level: Decimal) -> str:
    text = _level_text(target, level)
    bound = target.level_bound
    if target.direction is not None and bound is _BOUND_OF_DIRECTION[target.direction]:
        return f"to {text}"
    if bound is LevelBound.AT_LEAST:
        return f"at least {text}"
    if bound is LevelBound.AT_MOST:
        return f"at most {text}"
    if bound is LevelBound.EXACTLY:
        return f"exactly {text}"
    if target.direction is not None:
        # NOTE: an unbounded level beside a direction has no phrase of its own;
        # "to" reads back with the bound that the direction implies.
        return f"to {text}"
    if level < 0 or target.amount is not None:
        return f"at {text}"
    return text


def _format_deadline(target: Target, calendar: FiscalCalendar | None) -> str:
    assert target.deadline is not None
    iso = target.deadline.isoformat()
    label = target.deadline_label
    if not label or label == iso or not _CANONICAL_LABEL_RE.fullmatch(label):
        return f"by {iso}"
    if calendar is not None:
        _, found, _ = read_deadlines(label, calendar=calendar)
        if [deadline.on for deadline in found] != [target.deadline]:
            return f"by {iso}"
    return f"by {label} ({iso})"


def target_to_json(
    target: Target,
    *,
    kpi_labels: Mapping[str, str] | None = None,
    calendar: FiscalCalendar | None = None,
) -> dict[str, Any]:
    """Return a target as JSON-ready data, with its canonical phrase.

    Numbers are JSON numbers (see `decimal_to_json`), dates ISO strings, and
    enums their string values.
    """
    canonical = format_target(target, kpi_labels=kpi_labels, calendar=calendar)
    return {
        "text": target.text,
        "kpi": target.kpi_id,
        "kpi_label": target.kpi_label,
        "direction": _value_of(target.direction),
        "amount": decimal_to_json(target.amount),
        "unit": _value_of(target.unit),
        "currency": target.currency,
        "level": decimal_to_json(target.level),
        "level_bound": _value_of(target.level_bound),
        "start_level": decimal_to_json(target.start_level),
        "segment": target.segment,
        "window_days": target.window_days,
        "deadline": target.deadline.isoformat() if target.deadline else None,
        "deadline_label": target.deadline_label,
        "canonical": canonical,
        "problems": list(target.problems),
    }


def _value_of(member: Direction | Unit | LevelBound | None) -> str | None:
    return None if member is None else member.value
