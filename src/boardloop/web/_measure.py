"""The baseline, guardrail and attribution fields of the add and edit forms.

Lint reports when they are missing (TG202 a baseline with its as-of date,
MS507 the guardrail KPIs, RG702 an attribution note), so both forms offer
them. The forms send them as text, and `boardloop.edits` checks them as it
checks the API's values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from boardloop.domain.model import Initiative

__all__ = [
    "BASELINE_FIELDS",
    "MEASURE_FIELDS",
    "baseline_change",
    "measure_changes",
    "measure_values",
]

MEASURE_FIELDS = (
    "baseline_value",
    "baseline_as_of",
    "baseline_source",
    "guardrails",
    "attribution",
)
BASELINE_FIELDS = ("baseline_value", "baseline_as_of", "baseline_source")


def measure_values(initiative: Initiative) -> dict[str, str]:
    """Return the stored baseline, guardrails and attribution as the form's text."""
    baseline = initiative.baseline
    guardrails = initiative.extra.get("guardrails")
    attribution = initiative.extra.get("attribution")
    return {
        "baseline_value": "" if baseline is None else f"{baseline.value:f}",
        "baseline_as_of": ""
        if baseline is None or baseline.as_of is None
        else baseline.as_of.isoformat(),
        "baseline_source": "" if baseline is None else baseline.source or "",
        "guardrails": ", ".join(map(str, guardrails))
        if isinstance(guardrails, list | tuple)
        else "",
        "attribution": "" if attribution is None else str(attribution),
    }


def baseline_change(values: Mapping[str, str]) -> dict[str, object] | None:
    """Return the baseline the three fields give, or None when all are blank.

    The value is read with the forms' one number syntax, so "91.5" and "91.5%"
    are read and "91,5" raises FormInputError.
    """
    from boardloop.web._forms import parse_number

    value, as_of, source = (values.get(name, "").strip() for name in BASELINE_FIELDS)
    if not (value or as_of or source):
        return None
    number = parse_number(value, "baseline value", suffixes=("%", "pts"))
    return {"value": number, "as_of": as_of or None, "source": source or None}


def measure_changes(values: Mapping[str, str]) -> dict[str, object]:
    """Return the edit changes of the fields present in `values`, by edit field name."""
    changes: dict[str, object] = {}
    if any(name in values for name in BASELINE_FIELDS):
        changes["baseline"] = baseline_change(values)
    for name in ("guardrails", "attribution"):
        if name in values:
            changes[name] = values[name]
    return changes
