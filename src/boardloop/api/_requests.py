"""Request bodies of the write routes; unknown fields are rejected with 422."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from boardloop.domain.model import OutcomeResult, Status, Unit
from boardloop.domain.numbers import RANGE_HINT, magnitude_problem

__all__ = [
    "BaselineIn",
    "CheckpointIn",
    "CloseIn",
    "CreateInitiativeIn",
    "OutcomeCorrectionIn",
    "ReviseTargetIn",
    "StatusChangeIn",
    "UpdateInitiativeIn",
]

Reason = Field("", max_length=2000, description="Why; stored in the history.")
# The edit operations reject a change to an existing initiative without a reason,
# because the board reads it in the history.
RequiredReason = Field(
    min_length=1, max_length=2000, description="Why; stored in the history."
)


def _check_range(value: Decimal) -> Decimal:
    """Reject a number beyond the wider, unit-free typed-number bound (422).

    The edit operation checks the narrower bound of a rate or score once the
    unit is known, and returns 400.
    """
    problem = magnitude_problem(value)
    if problem is not None:
        raise ValueError(f"{value} {problem}; {RANGE_HINT}")
    return value


# A typed KPI number: finite, within ±1e12 and with at most 6 decimal places.
BoundedDecimal = Annotated[Decimal, AfterValidator(_check_range)]


class StrictBody(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BaselineIn(StrictBody):
    """The KPI value the target starts from; lint wants its as-of date too (TG202)."""

    value: BoundedDecimal = Field(
        description="The KPI value, in the KPI's unit; at most 6 decimal places."
    )
    as_of: dt.date | None = Field(None, description="Date the value was measured.")
    source: str | None = Field(None, max_length=300, description="Where it is from.")


Guardrails = Field(
    None,
    max_length=50,
    description="Guardrail KPIs (catalog ids, names or aliases) that must not "
    "worsen; stored as catalog ids where the catalog knows them. An empty list "
    "or null clears them.",
)
Attribution = Field(
    None,
    max_length=5000,
    description="How KPI movement shared with other initiatives is attributed "
    "(RG702); null clears it.",
)
GuardrailName = Annotated[str, Field(min_length=1, max_length=200)]


class CreateInitiativeIn(StrictBody):
    """A new initiative; `key` is derived from `name` when omitted."""

    name: str = Field(min_length=1, max_length=300)
    key: str | None = Field(None, max_length=200)
    owner_person: str | None = Field(None, max_length=200)
    owner_function: str | None = Field(None, max_length=200)
    target: str = Field("", max_length=1000, description="The target phrase.")
    status: Status = Status.PLANNED
    program: str | None = Field(None, max_length=300)
    next_checkpoint: dt.date | None = None
    notes: str = Field("", max_length=20000)
    control_segment: str | None = Field(None, max_length=200)
    baseline: BaselineIn | None = None
    guardrails: list[GuardrailName] | None = Guardrails
    attribution: str | None = Attribution
    reason: str = Reason


class UpdateInitiativeIn(StrictBody):
    """Fields to change; a field left out keeps its value, null clears it."""

    name: str | None = Field(None, max_length=300)
    owner_person: str | None = Field(None, max_length=200)
    owner_function: str | None = Field(None, max_length=200)
    program: str | None = Field(None, max_length=300)
    notes: str | None = Field(None, max_length=20000)
    progress_note: str | None = Field(None, max_length=2000)
    control_segment: str | None = Field(None, max_length=200)
    next_checkpoint: dt.date | None = None
    baseline: BaselineIn | None = Field(
        None, description="The whole baseline; null clears it."
    )
    guardrails: list[GuardrailName] | None = Guardrails
    attribution: str | None = Attribution
    reason: str = RequiredReason


class StatusChangeIn(StrictBody):
    """A new status; closing goes through /close, which records the outcome."""

    status: Status
    reason: str = RequiredReason


class CheckpointIn(StrictBody):
    """A checkpoint note, and optionally the date of the next checkpoint."""

    note: str = Field(min_length=1, max_length=5000)
    on: dt.date | None = Field(None, description="Date of the review; default today.")
    next_checkpoint: dt.date | None = Field(
        None, description="Next review date; omitted keeps the current one."
    )
    reason: str = Reason


class CloseIn(StrictBody):
    """The outcome of an initiative that closes."""

    result: OutcomeResult
    actual_movement: BoundedDecimal | None = Field(
        None,
        description="Signed measured movement, in actual_unit; required unless "
        "the result is abandoned. Within ±1,000,000 for pp, % and pts, "
        "±1,000,000,000,000 otherwise, with at most 6 decimal places.",
    )
    actual_unit: Unit | None = Field(None, description="Default: the target's unit.")
    lesson: str = Field("", max_length=5000)
    closed_on: dt.date | None = Field(None, description="Default: today.")
    reason: str = RequiredReason


class ReviseTargetIn(StrictBody):
    """A revised target phrase; the history keeps the previous one."""

    target: str = Field(min_length=1, max_length=1000)
    reason: str = RequiredReason


class OutcomeCorrectionIn(StrictBody):
    """A corrected outcome of a closed initiative; the unit and closing date stay."""

    result: OutcomeResult
    actual_movement: BoundedDecimal | None = Field(
        None,
        description="Signed measured movement, in the outcome's unit; required "
        "unless the result is abandoned. Within ±1,000,000 for pp, % and pts, "
        "±1,000,000,000,000 otherwise, with at most 6 decimal places.",
    )
    lesson: str = Field("", max_length=5000)
    reason: str = RequiredReason
