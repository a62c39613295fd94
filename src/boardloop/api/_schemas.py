"""Response bodies of the REST API, as pydantic models for the OpenAPI document.

Numbers that are Decimals in the register (amounts, levels, KPI values) are
strings, so no digit is lost. Dates are ISO 8601 dates, and times are ISO 8601
date-times in UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

__all__ = [
    "BaselineOut",
    "CatalogKpiOut",
    "CatalogPage",
    "CheckpointOut",
    "CompaniesOut",
    "CompanyOut",
    "ErrorOut",
    "EvaluationOut",
    "EvaluationPage",
    "EventOut",
    "EventPage",
    "FindingOut",
    "FindingPage",
    "HealthOut",
    "InitiativeOut",
    "InitiativePage",
    "KpiValueOut",
    "KpiValuePage",
    "OutcomeOut",
    "OwnerOut",
    "SourceOut",
    "TargetOut",
]


class ErrorOut(BaseModel):
    """The body of every error response."""

    code: str = Field(description="Stable, machine-readable error code.")
    message: str = Field(description="What failed, on which value, what to do next.")
    details: dict[str, Any] = Field(description="Values behind the error.")
    request_id: str | None = Field(
        None, description="Id of the request in the server log and X-Request-ID."
    )


class HealthOut(BaseModel):
    """The body of /healthz and /readyz."""

    status: str
    detail: str = ""


class CompanyOut(BaseModel):
    """A company the caller has a role in."""

    name: str
    role: str


class CompaniesOut(BaseModel):
    items: list[CompanyOut]


class OwnerOut(BaseModel):
    person: str | None
    function: str | None


class TargetOut(BaseModel):
    """An initiative's target, as parsed from its phrase."""

    text: str
    canonical: str | None = Field(
        description="The target formatted back as one canonical phrase."
    )
    kpi_id: str | None
    direction: str | None
    amount: str | None
    unit: str | None
    currency: str | None
    level: str | None
    level_bound: str | None
    start_level: str | None
    segment: str | None
    window_days: int | None
    deadline: dt.date | None
    deadline_label: str | None
    problems: list[str]


class BaselineOut(BaseModel):
    value: str
    as_of: dt.date | None
    source: str | None


class CheckpointOut(BaseModel):
    on: dt.date
    note: str
    author: str | None


class OutcomeOut(BaseModel):
    result: str | None
    actual_movement: str | None
    actual_unit: str | None
    lesson: str
    closed_on: dt.date | None


class SourceOut(BaseModel):
    path: str
    line: int | None


class InitiativeOut(BaseModel):
    """One initiative with the version that a change must be based on."""

    id: str
    name: str
    owner: OwnerOut
    target: TargetOut
    status: str | None
    status_text: str | None
    program: str | None
    baseline: BaselineOut | None
    created_on: dt.date | None
    launched_on: dt.date | None
    next_checkpoint: dt.date | None
    checkpoints: list[CheckpointOut]
    outcome: OutcomeOut | None
    progress_note: str | None
    notes: str
    control_segment: str | None
    guardrails: list[str] = Field(
        description="Guardrail KPIs, as catalog ids where the catalog knows them."
    )
    attribution: str | None = Field(
        description="How KPI movement shared with other initiatives is attributed."
    )
    source: SourceOut | None
    version: int = Field(description="The version; the ETag header carries it too.")
    created_at: dt.datetime | None
    updated_at: dt.datetime | None


class InitiativePage(BaseModel):
    items: list[InitiativeOut]
    next_cursor: str | None


class EventOut(BaseModel):
    """One entry of the history: who changed which initiative, when, what and why."""

    initiative: str
    at: dt.datetime
    actor: str
    kind: str
    changes: dict[str, list[Any]] = Field(
        description="Field name -> [value before, value after]."
    )
    reason: str


class EventPage(BaseModel):
    items: list[EventOut]
    next_cursor: str | None


class FindingOut(BaseModel):
    """One lint finding."""

    rule: str
    name: str | None
    severity: str
    message: str
    hint: str
    initiative: str | None
    path: str | None
    line: int | None


class FindingPage(BaseModel):
    """A page of findings, with the scores and counts of the whole lint run."""

    as_of: dt.date
    score: float
    counts: dict[str, int]
    initiative_scores: dict[str, float]
    items: list[FindingOut]
    next_cursor: str | None


class EvaluationOut(BaseModel):
    """One initiative's measured movement against its target, with a verdict."""

    initiative: str
    kpi_id: str | None
    segment: str
    verdict: str
    explanation: str
    label: str
    unit: str | None
    baseline: str | None
    baseline_on: dt.date | None
    current: str | None
    current_on: dt.date | None
    movement: str | None
    relative_change: str | None
    attainment: str | None
    expected_attainment: str | None
    margin: str | None
    n: int | None
    lag_days: int | None
    window_days: int | None
    control_segment: str | None
    control_estimate: str | None
    control_margin: str | None
    control_low: str | None = Field(
        description="Low end of the control estimate's bootstrap interval over "
        "customers, in the KPI's points; the board section's controlLow."
    )
    control_high: str | None = Field(
        description="High end of that interval, the board section's controlHigh. "
        "The interval need not be symmetric around control_estimate."
    )
    control_parallel: bool | None


class EvaluationPage(BaseModel):
    as_of: dt.date
    items: list[EvaluationOut]
    next_cursor: str | None


class KpiValueOut(BaseModel):
    """One stored KPI value; `low` and `high` bound its 95 % interval."""

    kpi: str
    segment: str
    window_days: int | None
    period_end: dt.date
    value: str
    n: int | None
    low: str | None
    high: str | None
    definition: str | None


class KpiValuePage(BaseModel):
    items: list[KpiValueOut]
    next_cursor: str | None


class CatalogKpiOut(BaseModel):
    """One KPI definition of the catalog."""

    id: str
    slug: str
    domain: str
    label: str
    short_label: str | None
    description: str
    field_type: str | None
    unit: str | None
    aliases: list[str]
    higher_is_better: bool | None
    lag_days: int | None
    formula: str | None
    related_ids: list[str]


class CatalogPage(BaseModel):
    version: str
    items: list[CatalogKpiOut]
    next_cursor: str | None
