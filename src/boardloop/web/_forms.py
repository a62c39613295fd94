"""Form values of the edit pages: reading fields, and the state a form is shown in."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from boardloop.domain.model import Unit
from boardloop.domain.numbers import RANGE_HINT, magnitude_problem

if TYPE_CHECKING:
    from collections.abc import Iterable

    from starlette.datastructures import FormData

__all__ = [
    "FormInputError",
    "FormState",
    "optional_date",
    "optional_decimal",
    "parse_number",
    "required_version",
    "text_field",
]

# Maximum length of each text field, the same as in the API's request bodies.
MAX_LENGTHS = {
    "name": 300,
    "key": 200,
    "owner_person": 200,
    "owner_function": 200,
    "target": 1000,
    "program": 300,
    "notes": 20000,
    "progress_note": 2000,
    "control_segment": 200,
    "baseline_value": 40,
    "baseline_source": 300,
    "guardrails": 2000,
    "attribution": 5000,
    "note": 5000,
    "lesson": 5000,
    "reason": 2000,
}
DEFAULT_MAX_LENGTH = 200


class FormInputError(ValueError):
    """A form field whose text cannot be read, such as a date that is not a date."""

    def __init__(self, label: str, value: str, remedy: str) -> None:
        super().__init__(f"invalid {label} {value!r}; {remedy}")
        self.label = label


@dataclass(slots=True)
class FormState:
    """The state of a form shown again after a failed post: its input and error.

    `current` lists the stored values after a version conflict, so the reader
    sees what the other writer saved before sending the change again.
    """

    values: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    stale: bool = False
    current: list[tuple[str, str]] = field(default_factory=list)

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)


def text_field(form: FormData, name: str) -> str:
    """Return a text field of the form, '' when absent; over-long text raises."""
    value = form.get(name, "")
    if not isinstance(value, str):
        raise FormInputError(name, "(a file)", "send text, not a file")
    limit = MAX_LENGTHS.get(name, DEFAULT_MAX_LENGTH)
    if len(value) > limit:
        raise FormInputError(
            name, value[:40] + "...", f"shorten it to at most {limit} characters"
        )
    return value


def form_values(form: FormData, names: tuple[str, ...]) -> dict[str, str]:
    """Return the named text fields as sent, for showing the form again."""
    return {name: str(form.get(name, "")) for name in names}


def optional_date(form: FormData, name: str, label: str) -> dt.date | None:
    """Read a YYYY-MM-DD field; a blank one is None."""
    text = text_field(form, name).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise FormInputError(label, text, "write the date as YYYY-MM-DD") from None


# A plain signed decimal with a point, then an optional unit suffix.
_NUMBER = re.compile(r"([+-]?)(\d+(?:\.\d+)?|\.\d+)\s*([a-z%]*)", re.IGNORECASE)
# The suffix a person may type after a number in each unit.
UNIT_SUFFIXES = {Unit.PP: "pp", Unit.PERCENT: "%", Unit.PTS: "pts"}


def optional_decimal(
    form: FormData, name: str, label: str, unit: Unit | None = None
) -> Decimal | None:
    """Read a number field with `parse_number`; a blank field is None."""
    return parse_number(text_field(form, name), label, unit)


def parse_number(
    text: str, label: str, unit: Unit | None = None, suffixes: Iterable[str] = ()
) -> Decimal | None:
    """Read a signed decimal written with a point, such as "3.2", "-1" or "+3.2pp".

    This is the one number syntax of every web form field. The number may end
    in the suffix of `unit` ("pp", "%" or "pts") or in one of `suffixes`. A
    comma, an exponent or another unit raises, and so does a value beyond the
    typed-number bounds of `unit`. Errors quote the text as typed. A blank
    field is None.
    """
    typed = text.strip()
    if not typed:
        return None
    if "," in typed:
        raise FormInputError(
            label, typed, "write it with a decimal point, such as 1.234"
        )
    match = _NUMBER.fullmatch(typed.replace("\u2212", "-"))
    allowed = set(suffixes)
    if unit in UNIT_SUFFIXES:
        allowed.add(UNIT_SUFFIXES[unit])
    if match is None:
        raise FormInputError(label, typed, _number_example(unit))
    sign, digits, suffix = match.groups()
    if suffix and suffix.casefold() not in allowed:
        raise FormInputError(label, typed, _number_example(unit))
    number = Decimal(sign + digits)
    problem = magnitude_problem(number, unit)
    if problem is not None:
        raise FormInputError(label, typed, f"the value {problem}; {RANGE_HINT}")
    return number


def _number_example(unit: Unit | None) -> str:
    suffix = UNIT_SUFFIXES.get(unit) if unit is not None else None
    if suffix is None:
        return "write a signed number with a decimal point, such as 3.5 or -1.2"
    return (
        f"write a signed number with a decimal point, such as 3.5, -1.2 or +3.2{suffix}"
    )


def required_version(form: FormData) -> int:
    """Read the version the form was based on; a form without one raises."""
    text = text_field(form, "version").strip()
    if not text.isdigit() or not 0 < int(text) < 2**31:
        raise FormInputError(
            "version", text, "reload the page, which sends the form's version"
        )
    return int(text)
