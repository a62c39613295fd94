"""Build the board section's view model from the register, evaluations and lint."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Protocol

from boardloop import __version__
from boardloop.domain.model import (
    ACTIVE_STATUSES,
    Direction,
    Initiative,
    OutcomeResult,
    Severity,
    Status,
    Target,
)
from boardloop.domain.numbers import quantize_or_none
from boardloop.report._changes import build_changes
from boardloop.report._chart import SeriesValue, build_chart
from boardloop.report._findings import build_findings
from boardloop.report._format import (
    count,
    date_label,
    decimal_text,
    percent_label,
    signed_amount,
)
from boardloop.report._track_record import build_track_record
from boardloop.report._view import (
    BoardSection,
    ClosedCounts,
    ClosedInitiative,
    ClosedKpiFieldEntry,
    FindingCounts,
    Generation,
    KpiFieldEntry,
    OpenInitiative,
    OwnerView,
    Summary,
    TargetView,
    VerdictCounts,
    VerdictView,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Mapping, Sequence

    from boardloop.domain.model import Finding, Register, Unit

__all__ = ["EvaluationLike", "build_board_section"]


class EvaluationLike(Protocol):
    """The fields of an evaluation that the board section reads."""

    @property
    def initiative_id(self) -> str: ...
    @property
    def segment(self) -> str | None: ...
    @property
    def verdict(self) -> str: ...
    @property
    def baseline(self) -> Decimal | None: ...
    @property
    def baseline_on(self) -> dt.date | None: ...
    @property
    def baseline_source(self) -> str | None: ...
    @property
    def current(self) -> Decimal | None: ...
    @property
    def current_on(self) -> dt.date | None: ...
    @property
    def unit(self) -> Unit | None: ...
    @property
    def movement(self) -> Decimal | None: ...
    @property
    def relative_change(self) -> Decimal | None: ...
    @property
    def attainment(self) -> Decimal | None: ...
    @property
    def expected_attainment(self) -> Decimal | None: ...
    @property
    def n(self) -> int | None: ...
    @property
    def explanation(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def lag_days(self) -> int | None: ...
    @property
    def window_days(self) -> int | None: ...
    @property
    def series(self) -> Sequence[SeriesValue]: ...
    @property
    def control_segment(self) -> str | None: ...
    @property
    def control_estimate(self) -> Decimal | None: ...
    @property
    def control_margin(self) -> Decimal | None: ...
    @property
    def control_low(self) -> Decimal | None: ...
    @property
    def control_high(self) -> Decimal | None: ...
    @property
    def control_parallel(self) -> bool | None: ...
    @property
    def control_series(self) -> Sequence[SeriesValue]: ...


# Verdict value -> (label, phrase in the summary line), in summary order.
_VERDICTS: dict[str, tuple[str, str]] = {
    "on-track": ("On track", "on track"),
    "behind": ("Behind", "behind"),
    "achieved": ("Achieved", "achieved"),
    "missed": ("Missed", "missed"),
    "too-early": ("Too early to judge", "too early to judge"),
    "no-data": ("No data", "with no data"),
    "inconclusive": ("Inconclusive", "inconclusive"),
}

_STATUS_LABELS = {
    Status.PLANNED: "Planned",
    Status.IN_PROGRESS: "In progress",
    Status.LAUNCHED: "Launched",
    Status.MEASURING: "Measuring",
    Status.CLOSED: "Closed",
}

_OUTCOME_LABELS = {
    OutcomeResult.ACHIEVED: "Achieved",
    OutcomeResult.PARTIALLY_ACHIEVED: "Partially achieved",
    OutcomeResult.MISSED: "Missed",
    OutcomeResult.ABANDONED: "Abandoned",
}

_ATTAINMENT_STEP = Decimal("0.0001")


def build_board_section(
    *,
    company: str,
    register: Register,
    evaluations: Mapping[str, EvaluationLike],
    findings: Sequence[Finding],
    readiness_score: float,
    as_of: dt.date,
    since: dt.date | None,
    catalog_version: str,
    kpi_labels: Mapping[str, str],
    format_target: Callable[[Target], str],
    calendar_label: str | None = None,
    generator: str | None = None,
    generated_at: dt.datetime | None = None,
    track_record: tuple[dt.date, str] | None = None,
) -> BoardSection:
    """Build the "Customer Success Initiatives" section at the as-of date.

    Args:
        evaluations: evaluation per initiative id; open initiatives without one
            show as not evaluated.
        findings: all lint findings; errors and warnings are listed, info
            findings only counted.
        readiness_score: the lint readiness score, 0 to 100.
        since: start of the "what changed" window, or None to leave it out.
        format_target: gives the canonical phrase of a readable target.
        calendar_label: the fiscal period the pack covers, such as "FY27 Q1".
        generator: the program named in the metadata; "boardloop <version>" if None.
        generated_at: when the section was made, or None to leave it out.
        track_record: the first day and the label ("Q1 FY27 to Q4 FY27") of
            the track record's window, or None to leave it out.

    Raises:
        ValueError: the readiness score is outside 0..100, or an evaluation
            names an initiative that is not in the register.
    """
    _check_inputs(register, evaluations, readiness_score, as_of, since)
    initiatives = register.initiatives
    views = [
        _closed_view(i, kpi_labels, format_target)
        if i.status is Status.CLOSED
        else _open_view(i, evaluations.get(i.id), as_of, kpi_labels, format_target)
        for i in initiatives
    ]
    open_views = tuple(
        sorted((v for v in views if isinstance(v, OpenInitiative)), key=_board_rank)
    )
    closed_views = tuple(v for v in views if isinstance(v, ClosedInitiative))
    finding_view = build_findings(findings, initiatives)
    with_errors = {f.initiative_id for f in findings if f.severity is Severity.ERROR}
    board_ready = sum(1 for i in initiatives if i.id not in with_errors)
    summary = _summary(
        initiatives, open_views, finding_view.counts, readiness_score, board_ready
    )

    return BoardSection(
        company=company,
        as_of=as_of,
        as_of_label=date_label(as_of),
        fiscal_period=calendar_label,
        catalog_version=catalog_version,
        generation=Generation(
            generator=generator or f"boardloop {__version__}",
            generated_at=generated_at,
        ),
        summary=summary,
        open_initiatives=open_views,
        closed_initiatives=closed_views,
        track_record=(
            None
            if track_record is None
            else build_track_record(
                initiatives,
                closed_views,
                since=track_record[0],
                as_of=as_of,
                window_label=track_record[1],
            )
        ),
        changes=(
            build_changes(initiatives, since=since, as_of=as_of)
            if since is not None
            else None
        ),
        findings=finding_view,
        kpi_field=tuple(_kpi_field_entry(view) for view in views),
    )


def _check_inputs(
    register: Register,
    evaluations: Mapping[str, EvaluationLike],
    readiness_score: float,
    as_of: dt.date,
    since: dt.date | None,
) -> None:
    if not math.isfinite(readiness_score) or not 0 <= readiness_score <= 100:
        raise ValueError(
            f"readiness score {readiness_score!r} is outside 0..100. "
            "Pass the score of the lint report."
        )
    unknown = sorted(set(evaluations) - {i.id for i in register.initiatives})
    if unknown:
        raise ValueError(
            f"evaluations name initiatives not in the register: {', '.join(unknown)}. "
            "Evaluate the same register that the section is built from."
        )
    if since is not None and since > as_of:
        raise ValueError(
            f"since date {since.isoformat()} is after the as-of date "
            f"{as_of.isoformat()}. Pass an earlier since date."
        )


def _board_rank(view: OpenInitiative) -> int:
    """Order active initiatives first, then planned, then those with no status."""
    if view.status is None:
        return 2
    return 1 if view.status == Status.PLANNED else 0


def _target_view(
    target: Target,
    kpi_labels: Mapping[str, str],
    format_target: Callable[[Target], str],
) -> TargetView:
    kpi_label = kpi_labels.get(target.kpi_id) if target.kpi_id else None
    if target.is_empty:
        canonical, display = None, "no target"
    elif target.problems:
        canonical = None
        written = target.text.strip() or "no text"
        display = f"{written} (not readable: {'; '.join(target.problems)})"
    else:
        canonical = format_target(target)
        display = canonical
    return TargetView(
        text=target.text,
        canonical=canonical,
        readable=canonical is not None,
        problems=target.problems,
        kpi_id=target.kpi_id,
        kpi_label=kpi_label,
        display=display,
    )


def _owner_view(initiative: Initiative) -> OwnerView:
    person = (initiative.owner.person or "").strip() or None
    function = (initiative.owner.function or "").strip() or None
    if person and function:
        display = f"{person} ({function})"
    elif person:
        display = person
    elif function:
        display = f"no named owner ({function})"
    else:
        display = "no owner"
    return OwnerView(
        person=person, function=function, display=display, missing=person is None
    )


def _status_label(initiative: Initiative) -> str:
    if initiative.status is not None:
        return _STATUS_LABELS[initiative.status]
    if initiative.status_text:
        return f"{initiative.status_text} (not a known status)"
    return "no status"


def _open_view(
    initiative: Initiative,
    evaluation: EvaluationLike | None,
    as_of: dt.date,
    kpi_labels: Mapping[str, str],
    format_target: Callable[[Target], str],
) -> OpenInitiative:
    checkpoint = initiative.next_checkpoint
    overdue = checkpoint is not None and checkpoint < as_of
    if checkpoint is None:
        checkpoint_label = "none"
    else:
        checkpoint_label = date_label(checkpoint) + (" (overdue)" if overdue else "")
    verdict = _verdict_view(evaluation, initiative.target) if evaluation else None
    chart = None
    if evaluation is not None:
        chart = build_chart(
            initiative,
            evaluation.series,
            title=_chart_title(evaluation),
            baseline=_finite(evaluation.baseline),
            lag_days=evaluation.lag_days,
            control=(
                (evaluation.control_segment, evaluation.control_series)
                if evaluation.control_segment and evaluation.control_series
                else None
            ),
        )

    return OpenInitiative(
        id=initiative.id,
        name=initiative.name,
        target=_target_view(initiative.target, kpi_labels, format_target),
        owner=_owner_view(initiative),
        status=str(initiative.status) if initiative.status else None,
        status_label=_status_label(initiative),
        next_checkpoint=checkpoint,
        next_checkpoint_label=checkpoint_label,
        next_checkpoint_missing=checkpoint is None,
        next_checkpoint_overdue=overdue,
        verdict=verdict,
        verdict_label=verdict.label if verdict else "Not evaluated",
        progress_note=(initiative.progress_note or "").strip() or None,
        chart=chart,
    )


def _chart_title(evaluation: EvaluationLike) -> str:
    """Name the charted series: KPI, segment and window."""
    title = evaluation.label or "KPI"
    if evaluation.window_days:
        title = f"{evaluation.window_days}-day {title}"
    if evaluation.segment:
        title += f", {evaluation.segment}"
    return title


def _verdict_view(evaluation: EvaluationLike, target: Target) -> VerdictView:
    value = str(evaluation.verdict)
    unit = evaluation.unit or target.unit
    movement = _finite(evaluation.movement)
    relative = _finite(evaluation.relative_change)
    attainment = _finite(evaluation.attainment)
    return VerdictView(
        verdict=value,
        label=_VERDICTS.get(value, (value, value))[0],
        explanation=evaluation.explanation,
        segment=evaluation.segment,
        baseline=_finite(evaluation.baseline),
        baseline_on=evaluation.baseline_on,
        baseline_source=evaluation.baseline_source,
        current=_finite(evaluation.current),
        current_on=evaluation.current_on,
        movement=movement,
        movement_unit=str(unit) if unit else None,
        movement_label=(
            signed_amount(movement, unit, target.currency)
            if movement is not None
            else "n/a"
        ),
        relative_change=relative,
        relative_change_label=_relative_label(relative),
        attainment=attainment,
        attainment_label=percent_label(attainment) if attainment is not None else "n/a",
        expected_attainment=_finite(evaluation.expected_attainment),
        n=evaluation.n,
        control_segment=evaluation.control_segment,
        control_estimate=_finite(evaluation.control_estimate),
        control_margin=_finite(evaluation.control_margin),
        control_low=_finite(evaluation.control_low),
        control_high=_finite(evaluation.control_high),
        control_parallel=evaluation.control_parallel,
    )


def _relative_label(relative: Decimal | None) -> str:
    if relative is None:
        return "n/a"
    text = decimal_text(relative, places=1)
    sign = "+" if not text.startswith("-") and text != "0" else ""
    return f"{sign}{text}%"


def _finite(value: Decimal | None) -> Decimal | None:
    """Drop NaN and infinities, which must never reach the board as numbers."""
    if value is None or not value.is_finite():
        return None
    return value


def _json_number(value: Decimal | None) -> Decimal | None:
    """Drop a number beyond the float range, which a JSON number cannot carry.

    The movement label still shows such a number, in scientific notation.
    """
    if value is None or not math.isfinite(float(value)):
        return None
    return value


def _signed_target(target: Target) -> Decimal | None:
    if target.amount is None or target.direction is None:
        return None
    if target.direction is Direction.INCREASE:
        return target.amount
    if target.direction is Direction.DECREASE:
        return -target.amount
    return None


def _closed_view(
    initiative: Initiative,
    kpi_labels: Mapping[str, str],
    format_target: Callable[[Target], str],
) -> ClosedInitiative:
    outcome = initiative.outcome
    target = initiative.target
    actual = _finite(outcome.actual_movement) if outcome else None
    # An outcome with no unit of its own is in the target's unit (see Outcome).
    actual_unit = (outcome.actual_unit if outcome else None) or target.unit
    target_amount = _signed_target(target)
    attainment = None
    if (
        actual is not None
        and target_amount is not None
        and target_amount != 0
        and actual_unit == target.unit
    ):
        # None when the ratio is too large to round, as 1e25 against 5pp is.
        attainment = quantize_or_none(
            actual / target_amount, _ATTAINMENT_STEP, ROUND_HALF_UP
        )
    result = outcome.result if outcome else None

    return ClosedInitiative(
        id=initiative.id,
        name=initiative.name,
        target=_target_view(target, kpi_labels, format_target),
        owner=_owner_view(initiative),
        outcome=str(result) if result else None,
        outcome_label=_OUTCOME_LABELS[result] if result else "No outcome recorded",
        actual_movement=_json_number(actual),
        actual_unit=str(actual_unit) if actual_unit else None,
        target_amount=_json_number(target_amount),
        target_unit=str(target.unit) if target.unit else None,
        attainment=attainment,
        movement_label=_movement_label(actual, actual_unit, target, attainment),
        lesson=(outcome.lesson.strip() if outcome else ""),
        closed_on=outcome.closed_on if outcome else None,
        closed_on_label=(
            date_label(outcome.closed_on)
            if outcome and outcome.closed_on
            else "date not recorded"
        ),
    )


def _movement_label(
    actual: Decimal | None,
    actual_unit: str | None,
    target: Target,
    attainment: Decimal | None,
) -> str:
    """Say "+3.1pp against +5pp target: 62% attained", or why a part is missing."""
    target_amount = _signed_target(target)
    if target_amount is None:
        against = "against a target with no amount"
    else:
        against = (
            f"against {signed_amount(target_amount, target.unit, target.currency)}"
        )
        against += " target"
    if actual is None:
        return f"no actual movement recorded ({against.removeprefix('against ')})"

    actual_text = signed_amount(actual, actual_unit, target.currency)
    if attainment is not None:
        return f"{actual_text} {against}: {percent_label(attainment)} attained"
    if target_amount is not None and actual_unit != target.unit:
        return f"{actual_text} {against}: units differ, attainment not computed"
    if target_amount:
        return f"{actual_text} {against}: attainment out of range, not computed"
    return f"{actual_text} {against}: attainment not computed"


def _summary(
    initiatives: tuple[Initiative, ...],
    open_views: tuple[OpenInitiative, ...],
    finding_counts: FindingCounts,
    readiness_score: float,
    board_ready: int,
) -> Summary:
    statuses = [i.status for i in initiatives]
    closed = [i for i in initiatives if i.status is Status.CLOSED]
    results = [i.outcome.result if i.outcome else None for i in closed]
    closed_counts = ClosedCounts(
        achieved=results.count(OutcomeResult.ACHIEVED),
        partially_achieved=results.count(OutcomeResult.PARTIALLY_ACHIEVED),
        missed=results.count(OutcomeResult.MISSED),
        abandoned=results.count(OutcomeResult.ABANDONED),
        no_outcome=results.count(None),
    )
    verdicts = [v.verdict.verdict for v in open_views if v.verdict is not None]
    verdict_counts = VerdictCounts(
        on_track=verdicts.count("on-track"),
        behind=verdicts.count("behind"),
        achieved=verdicts.count("achieved"),
        missed=verdicts.count("missed"),
        too_early=verdicts.count("too-early"),
        no_data=verdicts.count("no-data"),
        inconclusive=verdicts.count("inconclusive"),
        not_evaluated=sum(
            1 for v in open_views if v.verdict is None and v.status in ACTIVE_STATUSES
        ),
    )
    active = sum(1 for s in statuses if s in ACTIVE_STATUSES)
    planned = statuses.count(Status.PLANNED)
    no_status = statuses.count(None)
    readiness = decimal_text(Decimal(repr(readiness_score)), places=0)

    text = " ".join(
        part
        for part in (
            _register_sentence(
                len(initiatives), active, planned, closed_counts, no_status
            ),
            _verdict_sentence(verdicts, verdict_counts.not_evaluated),
            _findings_sentence(finding_counts.errors, finding_counts.warnings),
            _readiness_sentence(board_ready, len(initiatives), readiness),
        )
        if part
    )
    return Summary(
        total=len(initiatives),
        active=active,
        planned=planned,
        closed=len(closed),
        no_status=no_status,
        closed_by_outcome=closed_counts,
        verdicts=verdict_counts,
        findings=finding_counts,
        readiness_score=readiness_score,
        readiness_label=f"{readiness}/100",
        board_ready=board_ready,
        text=text,
    )


def _readiness_sentence(board_ready: int, total: int, readiness: str) -> str:
    if total == 0:
        return "The register is empty."
    return (
        f"{board_ready} of {total} initiatives are board-ready (no error-level "
        f"finding); {readiness}/100 of the register's lint checks pass, warnings "
        "counting half."
    )


def _register_sentence(
    total: int, active: int, planned: int, closed: ClosedCounts, no_status: int
) -> str:
    text = f"{count(total, 'initiative')}: {active} active, {planned} planned, "
    closed_total = (
        closed.achieved
        + closed.partially_achieved
        + closed.missed
        + closed.abandoned
        + closed.no_outcome
    )
    text += f"{closed_total} closed"
    outcomes = [
        (closed.achieved, "achieved"),
        (closed.partially_achieved, "partially achieved"),
        (closed.missed, "missed"),
        (closed.abandoned, "abandoned"),
        (closed.no_outcome, "with no outcome recorded"),
    ]
    parts = [f"{number} {words}" for number, words in outcomes if number]
    if parts:
        text += f" ({', '.join(parts)})"
    if no_status:
        text += f", {no_status} with no readable status"
    return text + "."


def _verdict_sentence(verdicts: list[str], not_evaluated: int) -> str:
    parts = []
    for value, (_, phrase) in _VERDICTS.items():
        if verdicts.count(value):
            parts.append(f"{verdicts.count(value)} {phrase}")
    parts.extend(
        f"{verdicts.count(value)} {value}"
        for value in sorted(set(verdicts) - set(_VERDICTS))
    )
    if not_evaluated:
        parts.append(f"{not_evaluated} not evaluated")
    if not parts:
        return ""
    sentence = ", ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."


def _findings_sentence(errors: int, warnings: int) -> str:
    total = errors + warnings
    if total == 0:
        return "No findings for the board."
    error_text = count(errors, "error") if errors else "no errors"
    return f"{count(total, 'finding')} for the board ({error_text})."


def _kpi_field_entry(
    view: OpenInitiative | ClosedInitiative,
) -> ClosedKpiFieldEntry | KpiFieldEntry:
    """Write one initiative in the field-array form of the register's KPI."""
    if isinstance(view, OpenInitiative):
        return KpiFieldEntry(
            name=view.name,
            target_metric=view.target.display,
            owner=view.owner.display,
            status=view.status,
            next_checkpoint_date=view.next_checkpoint,
        )
    return ClosedKpiFieldEntry(
        name=view.name,
        target_metric=view.target.display,
        owner=view.owner.display,
        status=Status.CLOSED.value,
        next_checkpoint_date=None,
        actual_movement=view.actual_movement,
        target_amount=view.target_amount,
        unit=view.target_unit,
        attainment=view.attainment,
        outcome=view.outcome,
    )
