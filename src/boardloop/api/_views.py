"""Turn register objects into the API's response bodies; nothing here computes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

from boardloop.api._schemas import (
    BaselineOut,
    CatalogKpiOut,
    CheckpointOut,
    EvaluationOut,
    EventOut,
    FindingOut,
    InitiativeOut,
    KpiValueOut,
    OutcomeOut,
    OwnerOut,
    SourceOut,
    TargetOut,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from boardloop.catalog import Kpi
    from boardloop.domain.model import Event, Initiative, KpiValue, Target
    from boardloop.evaluate import Evaluation

__all__ = [
    "catalog_kpi_out",
    "evaluation_out",
    "event_out",
    "finding_out",
    "initiative_out",
    "kpi_value_out",
    "target_out",
]


def text(value: Decimal | None) -> str | None:
    """Write a Decimal in plain notation, never with an exponent such as 0E-10."""
    return None if value is None else f"{value:f}"


def finite(value: Decimal | None) -> Decimal | None:
    """Drop NaN and infinities, as the board section does."""
    if value is None or not value.is_finite():
        return None
    return value


def enum_text(value: Enum | None) -> str | None:
    return None if value is None else str(value.value)


def target_out(target: Target, labels: Mapping[str, str]) -> TargetOut:
    from boardloop.domain.targets import format_target

    canonical = (
        format_target(target, kpi_labels=labels) if not target.is_empty else None
    )
    return TargetOut(
        text=target.text,
        canonical=canonical or None,
        kpi_id=target.kpi_id,
        direction=enum_text(target.direction),
        amount=text(target.amount),
        unit=enum_text(target.unit),
        currency=target.currency,
        level=text(target.level),
        level_bound=enum_text(target.level_bound),
        start_level=text(target.start_level),
        segment=target.segment,
        window_days=target.window_days,
        deadline=target.deadline,
        deadline_label=target.deadline_label,
        problems=list(target.problems),
    )


def initiative_out(
    initiative: Initiative,
    *,
    version: int,
    labels: Mapping[str, str],
    created_at: dt.datetime | None = None,
    updated_at: dt.datetime | None = None,
) -> InitiativeOut:
    """Build the body of one initiative; its history is served by /history."""
    baseline = initiative.baseline
    outcome = initiative.outcome
    source = initiative.source
    return InitiativeOut(
        id=initiative.id,
        name=initiative.name,
        owner=OwnerOut(
            person=initiative.owner.person, function=initiative.owner.function
        ),
        target=target_out(initiative.target, labels),
        status=enum_text(initiative.status),
        status_text=initiative.status_text,
        program=initiative.program,
        baseline=None
        if baseline is None
        else BaselineOut(
            value=f"{baseline.value:f}", as_of=baseline.as_of, source=baseline.source
        ),
        created_on=initiative.created_on,
        launched_on=initiative.launched_on,
        next_checkpoint=initiative.next_checkpoint,
        checkpoints=[
            CheckpointOut(on=item.on, note=item.note, author=item.author)
            for item in initiative.checkpoints
        ],
        outcome=None
        if outcome is None
        else OutcomeOut(
            result=enum_text(outcome.result),
            actual_movement=text(outcome.actual_movement),
            actual_unit=enum_text(outcome.actual_unit),
            lesson=outcome.lesson,
            closed_on=outcome.closed_on,
        ),
        progress_note=initiative.progress_note,
        notes=initiative.notes,
        control_segment=initiative.control_segment,
        guardrails=guardrail_names(initiative),
        attribution=attribution_note(initiative),
        source=None
        if source is None
        else SourceOut(path=source.path, line=source.line),
        version=version,
        created_at=created_at,
        updated_at=updated_at,
    )


def event_out(key: str, event: Event) -> EventOut:
    return EventOut(
        initiative=key,
        at=event.at,
        actor=event.actor,
        kind=event.kind,
        changes={
            name: [json_ready(before), json_ready(after)]
            for name, (before, after) in event.changes.items()
        },
        reason=event.reason,
    )


def json_ready(value: Any) -> Any:
    """Convert a change value to JSON: dates as ISO text, Decimals as text."""
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    if isinstance(value, dict):
        return {str(key): json_ready(item) for key, item in value.items()}
    return value


def finding_out(item: dict[str, Any]) -> FindingOut:
    """Build a finding body from the lint report's documented JSON shape."""
    return FindingOut(
        rule=item["rule"],
        name=item["name"],
        severity=item["severity"],
        message=item["message"],
        hint=item["hint"],
        initiative=item["initiative"],
        path=item["path"],
        line=item["line"],
    )


def evaluation_out(evaluation: Evaluation) -> EvaluationOut:
    return EvaluationOut(
        initiative=evaluation.initiative_id,
        kpi_id=evaluation.kpi_id,
        segment=evaluation.segment,
        verdict=str(evaluation.verdict.value),
        explanation=evaluation.explanation,
        label=evaluation.label,
        unit=enum_text(evaluation.unit),
        baseline=text(evaluation.baseline),
        baseline_on=evaluation.baseline_on,
        current=text(evaluation.current),
        current_on=evaluation.current_on,
        movement=text(evaluation.movement),
        relative_change=text(evaluation.relative_change),
        attainment=text(evaluation.attainment),
        expected_attainment=text(evaluation.expected_attainment),
        margin=text(evaluation.margin),
        n=evaluation.n,
        lag_days=evaluation.lag_days,
        window_days=evaluation.window_days,
        control_segment=evaluation.control_segment,
        control_estimate=text(evaluation.control_estimate),
        control_margin=text(evaluation.control_margin),
        control_low=text(finite(evaluation.control_low)),
        control_high=text(finite(evaluation.control_high)),
        control_parallel=evaluation.control_parallel,
    )


def kpi_value_out(value: KpiValue) -> KpiValueOut:
    return KpiValueOut(
        kpi=value.kpi_id,
        segment=value.segment,
        window_days=value.window_days,
        period_end=value.period_end,
        value=f"{value.value:f}",
        n=value.n,
        low=text(value.low),
        high=text(value.high),
        definition=value.definition,
    )


def catalog_kpi_out(kpi: Kpi) -> CatalogKpiOut:
    return CatalogKpiOut(
        id=kpi.id,
        slug=kpi.slug,
        domain=kpi.domain,
        label=kpi.label,
        short_label=kpi.short_label,
        description=kpi.description,
        field_type=kpi.field_type,
        unit=kpi.unit,
        aliases=list(kpi.aliases),
        higher_is_better=kpi.higher_is_better,
        lag_days=kpi.lag_days,
        formula=kpi.formula,
        related_ids=list(kpi.related_ids),
    )


def guardrail_names(initiative: Initiative) -> list[str]:
    """Return the guardrail KPIs kept in `extra`, or [] when they are not a list."""
    listed = initiative.extra.get("guardrails")
    if not isinstance(listed, list | tuple):
        return []
    return [str(item) for item in listed]


def attribution_note(initiative: Initiative) -> str | None:
    note = initiative.extra.get("attribution")
    return None if note in (None, "") else str(note)
