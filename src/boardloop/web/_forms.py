"""Form values of the edit pages: reading fields, and the state a form is shown in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.datastructures import FormData

__all__ = [
    "FormInputError",
    "FormState",
    "optional_date",
    "optional_decimal",
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


def optional_decimal(form: FormData, name: str, label: str) -> Decimal | None:
    """Read a signed decimal number; a blank field is None. A decimal comma is read."""
    text = text_field(form, name).strip().replace(",", ".").replace("\u2212", "-")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise FormInputError(
            label, text, "write a signed number such as 3.5 or -1.2"
        ) from None
    if not number.is_finite():
        raise FormInputError(label, text, "write a finite number")
    return number


def required_version(form: FormData) -> int:
    """Read the version the form was based on; a form without one raises."""
    text = text_field(form, "version").strip()
    if not text.isdigit() or not 0 < int(text) < 2**31:
        raise FormInputError(
            "version", text, "reload the page, which sends the form's version"
        )
    return int(text)
