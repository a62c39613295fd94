"""Live lint of an outcome before it is saved: the closure rules on the draft outcome.

The close form and the outcome correction form call this through htmx, so a
result that contradicts the movement (CL602, "closed as achieved, but ... short")
shows before the outcome is saved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from boardloop.domain.model import Outcome, OutcomeResult, Status, Unit

if TYPE_CHECKING:
    from collections.abc import Mapping

    from boardloop.api import ApiState
    from boardloop.domain.model import Finding, Initiative

__all__ = [
    "OUTCOME_FIELDS",
    "closure_findings",
    "draft_outcome",
    "movement_error",
    "read_movement",
]

# Fields of a draft outcome that the closure rules read.
OUTCOME_FIELDS = ("result", "actual_movement", "actual_unit", "lesson", "closed_on")


def closure_findings(
    state: ApiState, company: str, key: str, fields: Mapping[str, str]
) -> tuple[Finding, ...]:
    """Lint the initiative as if closed with the draft outcome; return closure findings.

    A stored outcome (of a closed initiative being corrected) gives the unit
    and closing date the draft leaves out. A new one defaults to the target's
    unit and today, as the close does.
    """
    from boardloop.api import register_snapshot
    from boardloop.lint._rules_closure import CLOSURE_RULES
    from boardloop.web._preview import lint_in_register

    register = register_snapshot(state.workspace.store, company).register
    stored = register.by_id()[key]
    draft = replace(
        stored,
        status=Status.CLOSED,
        outcome=draft_outcome(stored, fields, dt.datetime.now(dt.UTC).date()),
    )
    rule_ids = {rule.id for rule in CLOSURE_RULES}
    findings = lint_in_register(state, company, register, draft)
    return tuple(item for item in findings if item.rule_id in rule_ids)


def read_movement(initiative: Initiative, fields: Mapping[str, str]) -> Decimal | None:
    """Read the movement field as both the live preview and the save read it.

    The unit is the one picked on the form, else the stored outcome's, else
    the target's, and the number may end in that unit's suffix ("+3.2pp").
    """
    from boardloop.web._forms import parse_number

    unit_text = fields.get("actual_unit", "")
    stored_unit = initiative.outcome.actual_unit if initiative.outcome else None
    unit = (
        Unit(unit_text)
        if unit_text in {item.value for item in Unit}
        else stored_unit or initiative.target.unit
    )
    return parse_number(fields.get("actual_movement", ""), "movement", unit)


def movement_error(initiative: Initiative, fields: Mapping[str, str]) -> str | None:
    """Return the save's error for the draft's movement, or None when it reads."""
    from boardloop.web._forms import FormInputError

    try:
        read_movement(initiative, fields)
    except FormInputError as error:
        return str(error)
    return None


def draft_outcome(
    initiative: Initiative, fields: Mapping[str, str], today: dt.date
) -> Outcome:
    """Read the draft outcome; a value the save would reject is left out."""
    from boardloop.edits import InvalidEditError, check_date
    from boardloop.web._forms import FormInputError

    stored = initiative.outcome or Outcome()
    result_text = fields.get("result", "")
    unit_text = fields.get("actual_unit", "")
    try:
        movement = read_movement(initiative, fields)
    except FormInputError:
        movement = None
    try:
        closed_on = check_date(
            initiative.id, "closed_on", fields.get("closed_on", "").strip() or None
        )
    except InvalidEditError:
        closed_on = None
    return Outcome(
        result=OutcomeResult(result_text)
        if result_text in {item.value for item in OutcomeResult}
        else None,
        actual_movement=movement,
        actual_unit=Unit(unit_text)
        if unit_text in {item.value for item in Unit}
        else stored.actual_unit or initiative.target.unit,
        lesson=fields.get("lesson", "").strip(),
        closed_on=closed_on or stored.closed_on or today,
    )
