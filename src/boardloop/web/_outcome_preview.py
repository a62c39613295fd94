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

__all__ = ["OUTCOME_FIELDS", "closure_findings", "draft_outcome"]

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


def draft_outcome(
    initiative: Initiative, fields: Mapping[str, str], today: dt.date
) -> Outcome:
    """Read the draft outcome; a value the save would reject is left out."""
    from boardloop.edits import InvalidEditError, check_date, check_number

    stored = initiative.outcome or Outcome()
    result_text = fields.get("result", "")
    unit_text = fields.get("actual_unit", "")
    try:
        movement: Decimal | None = check_number(
            initiative.id, "actual movement", fields.get("actual_movement")
        )
    except InvalidEditError:
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
