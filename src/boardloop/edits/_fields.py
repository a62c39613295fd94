"""The fields an edit may set, and the checks on their values."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from boardloop.domain.model import Baseline, Owner
from boardloop.edits._errors import InvalidEditError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from boardloop.domain.model import Initiative, Target, Unit

__all__ = [
    "EDITABLE_FIELDS",
    "NO_NUL",
    "apply_fields",
    "check_baseline",
    "check_date",
    "check_guardrails",
    "check_magnitude",
    "check_number",
    "check_target_range",
    "check_text",
    "required_text",
]


NO_NUL = "remove the NUL character (U+0000), which no database text can hold"


def check_text(key: str, field: str, value: object) -> str | None:
    """Return an optional text value stripped, or None when it is blank or None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidEditError(key, field, value, "give it as text")
    if "\x00" in value:
        raise InvalidEditError(key, field, value, NO_NUL)
    return value.strip() or None


def required_text(key: str, field: str, value: object) -> str:
    """Return a text value stripped; a blank value or None raises."""
    text = check_text(key, field, value)
    if text is None:
        raise InvalidEditError(key, field, value, "it cannot be empty")
    return text


def check_date(key: str, field: str, value: object) -> dt.date | None:
    """Return a date given as a date or as YYYY-MM-DD text; None clears it."""
    if value is None or (
        isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    ):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidEditError(key, field, value, "write the date as YYYY-MM-DD")


def check_number(key: str, field: str, value: object) -> Decimal | None:
    """Return a finite number given as a number or as text; None and blank are None.

    Text is read as the register files read it (a decimal point or comma, a %
    sign), but text whose separator would have to be guessed, such as "1,234",
    raises instead of being read as one value or the other.
    """
    from boardloop.io._fields import parse_decimal

    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number: Decimal | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float):
        number = Decimal(str(value))
    elif isinstance(value, str):
        number, guess = parse_decimal(value.replace("\u2212", "-"))
        if guess:
            raise InvalidEditError(
                key, field, value, "write it with a decimal point, such as 1.234"
            )
    if number is None or not number.is_finite():
        raise InvalidEditError(key, field, value, "give a finite number, such as 87.5")
    check_magnitude(key, field, value, number)
    return number


def check_magnitude(
    key: str, field: str, value: object, number: Decimal, unit: Unit | None = None
) -> None:
    """Raise when `number` is beyond the typed-number bounds for `unit`.

    The bounds are those of `boardloop.domain.numbers`. Without a unit, the
    wider bound for money and counts applies.
    """
    from boardloop.domain.numbers import RANGE_HINT, magnitude_problem

    problem = magnitude_problem(number, unit)
    if problem is not None:
        raise InvalidEditError(key, field, value, f"the value {problem}; {RANGE_HINT}")


def check_target_range(key: str, target: Target) -> None:
    """Raise when the target phrase has an amount or level beyond the bounds."""
    from boardloop.domain.numbers import RANGE_HINT

    for problem in target.problems:
        if problem.endswith(RANGE_HINT):
            raise InvalidEditError(key, "target", target.text, problem)


def check_baseline(key: str, value: object) -> Baseline | None:
    """Return a baseline given as {value, as_of, source}; None or no value clears it.

    The as-of date and the source may be left out, as in a register file, and
    lint then reports the missing date (TG202). A date without a value raises.
    """
    from boardloop.domain.dates import is_plausible_date, plausible_range_text

    if value is None or isinstance(value, Baseline):
        return value
    if not isinstance(value, dict):
        raise InvalidEditError(
            key, "baseline", value, "give it as {value, as_of, source} or null"
        )
    unknown = sorted(set(value) - {"value", "as_of", "source"})
    if unknown:
        raise InvalidEditError(
            key, "baseline", ", ".join(map(str, unknown)), "use value, as_of, source"
        )
    number = check_number(key, "baseline value", value.get("value"))
    as_of = check_date(key, "baseline as_of", value.get("as_of"))
    source = check_text(key, "baseline source", value.get("source"))
    if number is None:
        if as_of is not None or source is not None:
            raise InvalidEditError(
                key,
                "baseline value",
                value.get("value"),
                "give the KPI value the target starts from, or clear the date too",
            )
        return None
    if as_of is not None and not is_plausible_date(as_of):
        raise InvalidEditError(
            key,
            "baseline as_of",
            as_of.isoformat(),
            f"use a date {plausible_range_text()}",
        )
    return Baseline(value=number, as_of=as_of, source=source)


def check_guardrails(key: str, value: object) -> list[str]:
    """Return the guardrail KPI names, given as a list or as comma-separated text.

    None, blank text and an empty list clear the guardrails.
    """
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise InvalidEditError(
            key, "guardrails", value, "give a list of KPI names, such as [NRR, churn]"
        )
    names: list[str] = []
    for item in items:
        name = check_text(key, "guardrails", item)
        if name is None:
            continue
        if len(name) > MAX_GUARDRAIL_LENGTH:
            raise InvalidEditError(
                key,
                "guardrails",
                name[:40] + "...",
                f"shorten each KPI name to at most {MAX_GUARDRAIL_LENGTH} characters",
            )
        names.append(" ".join(name.split()))
    return names


MAX_GUARDRAIL_LENGTH = 200


def _name(item: Initiative, value: object) -> Initiative:
    return replace(item, name=required_text(item.id, "name", value))


def _owner_person(item: Initiative, value: object) -> Initiative:
    person = check_text(item.id, "owner_person", value)
    return replace(item, owner=Owner(person=person, function=item.owner.function))


def _owner_function(item: Initiative, value: object) -> Initiative:
    function = check_text(item.id, "owner_function", value)
    return replace(item, owner=Owner(person=item.owner.person, function=function))


def _program(item: Initiative, value: object) -> Initiative:
    return replace(item, program=check_text(item.id, "program", value))


def _notes(item: Initiative, value: object) -> Initiative:
    return replace(item, notes=check_text(item.id, "notes", value) or "")


def _progress_note(item: Initiative, value: object) -> Initiative:
    note = check_text(item.id, "progress_note", value)
    return replace(item, progress_note=note)


def _control_segment(item: Initiative, value: object) -> Initiative:
    segment = check_text(item.id, "control_segment", value)
    return replace(item, control_segment=segment)


def _next_checkpoint(item: Initiative, value: object) -> Initiative:
    return replace(item, next_checkpoint=check_date(item.id, "next_checkpoint", value))


def _baseline(item: Initiative, value: object) -> Initiative:
    return replace(item, baseline=check_baseline(item.id, value))


def _guardrails(item: Initiative, value: object) -> Initiative:
    """Set `extra["guardrails"]`, where the register readers keep them too."""
    return with_extra(item, "guardrails", check_guardrails(item.id, value) or None)


def _attribution(item: Initiative, value: object) -> Initiative:
    """Set `extra["attribution"]`, the note on how shared KPI movement is split."""
    return with_extra(item, "attribution", check_text(item.id, "attribution", value))


def with_extra(item: Initiative, name: str, value: object) -> Initiative:
    """Return the initiative with one `extra` entry set, or removed when None."""
    extra = {key: entry for key, entry in item.extra.items() if key != name}
    if value is not None:
        extra[name] = value
    return replace(item, extra=extra)


# The fields `update_fields` sets, by the name an edit gives them. The target,
# status, checkpoints and outcome have their own operations, which record what
# the board reads about them.
EDITABLE_FIELDS: Mapping[str, Callable[[Initiative, object], Initiative]] = {
    "name": _name,
    "owner_person": _owner_person,
    "owner_function": _owner_function,
    "program": _program,
    "notes": _notes,
    "progress_note": _progress_note,
    "control_segment": _control_segment,
    "next_checkpoint": _next_checkpoint,
    "baseline": _baseline,
    "guardrails": _guardrails,
    "attribution": _attribution,
}


def apply_fields(
    initiative: Initiative,
    changes: Mapping[str, Any],
    kpi_id: Callable[[str], str] | None = None,
) -> Initiative:
    """Return the initiative with each named field set; unknown names raise.

    `kpi_id` turns a guardrail's KPI name or alias into its catalog id, as the
    register readers do; without it the names are kept as given.
    """
    edited = initiative
    for field, raw_value in changes.items():
        value = raw_value
        if field == "guardrails" and kpi_id is not None:
            names = check_guardrails(initiative.id, raw_value)
            value = [kpi_id(name) for name in names]
        setter = EDITABLE_FIELDS.get(field)
        if setter is None:
            raise InvalidEditError(
                initiative.id,
                "field",
                field,
                f"editable fields are {', '.join(EDITABLE_FIELDS)}; the target, "
                "status, checkpoints and outcome have their own edits",
            )
        edited = setter(edited, value)
    return edited
