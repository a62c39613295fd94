"""The board section's view model: display-ready strings next to the raw values.

The builder fills it, and every renderer reads it without computing anything.
The JSON form uses camelCase keys; `json_schema()` describes that form.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer
from pydantic.alias_generators import to_camel

__all__ = [
    "KPI_FIELD_ID",
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "BoardSection",
    "ChangeGroup",
    "ChangeItem",
    "Changes",
    "ChartMark",
    "ChartPoint",
    "ChartView",
    "ClosedCounts",
    "ClosedInitiative",
    "ClosedKpiFieldEntry",
    "FindingCounts",
    "FindingGroup",
    "FindingItem",
    "Findings",
    "Generation",
    "KpiFieldEntry",
    "OpenInitiative",
    "OwnerView",
    "Summary",
    "TargetView",
    "VerdictCounts",
    "VerdictView",
    "json_schema",
]

SCHEMA_VERSION: Final = "1.0"
SCHEMA_ID: Final = "urn:boardloop:board-section:1.0"
KPI_FIELD_ID: Final = "customers.key_initiatives"


def _decimal_to_number(value: Decimal) -> float | int:
    """Write a finite decimal as a JSON number, keeping whole numbers whole."""
    if not value.is_finite():
        raise ValueError(f"non-finite number {value} cannot be written as JSON")
    if value == value.to_integral_value():
        return int(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"number {value} is out of the JSON number range")
    return number


# Exact in Python, a plain number in JSON (never a string, never NaN or Infinity).
Number = Annotated[
    Decimal,
    PlainSerializer(_decimal_to_number, return_type=float, when_used="json"),
]


class _View(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        json_schema_serialization_defaults_required=True,
    )


class OwnerView(_View):
    """The owner as a person and function, with its display form."""

    person: str | None
    function: str | None
    display: str
    missing: bool = Field(description="True when no named person owns it.")


class TargetView(_View):
    """The target as written and in canonical words."""

    text: str = Field(description="The target phrase as written in the register.")
    canonical: str | None = Field(
        description="The canonical phrase; null when the target is not readable."
    )
    readable: bool
    problems: tuple[str, ...]
    kpi_id: str | None
    kpi_label: str | None = Field(description="Short catalog label of the KPI.")
    display: str = Field(
        description="Canonical phrase, or the text with what could not be read."
    )


class VerdictView(_View):
    """An evaluation of an open initiative at the as-of date."""

    verdict: str = Field(description="One of the evaluation verdict values.")
    label: str
    explanation: str
    segment: str | None
    baseline: Number | None
    baseline_on: dt.date | None
    baseline_source: str | None
    current: Number | None
    current_on: dt.date | None
    movement: Number | None = Field(description="Signed, in `movementUnit`.")
    movement_unit: str | None
    movement_label: str
    relative_change: Number | None = Field(
        description="Percent of the baseline; null when the baseline is 0."
    )
    relative_change_label: str
    attainment: Number | None = Field(description="Fraction of the target, uncapped.")
    attainment_label: str
    expected_attainment: Number | None
    n: int | None
    control_segment: str | None = Field(
        default=None, description="The control segment the initiative names."
    )
    control_estimate: Number | None = Field(
        default=None,
        description="Difference in differences against the control, in the "
        "KPI's points; null without a control or its values.",
    )
    control_margin: Number | None = Field(
        default=None, description="95 % margin of `controlEstimate`, when known."
    )
    control_low: Number | None = Field(
        default=None,
        description="Low bound of the 95 % bootstrap interval of "
        "`controlEstimate`, from customers of both segments resampled together; "
        "null when none was computed.",
    )
    control_high: Number | None = Field(
        default=None,
        description="High bound of that interval; null when none was computed.",
    )
    control_parallel: bool | None = Field(
        default=None,
        description="Whether the two segments' trends before launch were "
        "parallel; null when too few values came before launch.",
    )


class ChartPoint(_View):
    """One KPI value of a chart, with its 95 % interval when known."""

    on: dt.date
    value: Number
    low: Number | None
    high: Number | None
    value_label: str = Field(
        description="The value with as many decimals as every number of its table."
    )
    interval_label: str = Field(
        description='The interval as "low to high" with those decimals; empty '
        "when the value has none."
    )


class ChartMark(_View):
    """One element a chart draws, with the words that name it in the caption."""

    mark: Literal[
        "series", "band", "target", "launch", "lag", "lag-end", "deadline", "control"
    ] = Field(description="The element, also its class in the SVG.")
    label: str = Field(description='Caption words, such as "band: 95% interval".')


class ChartView(_View):
    """The data of an initiative's chart; renderers only draw it."""

    title: str = Field(description="The KPI, segment and window, in words.")
    unit: str = Field(description="Unit of the values: `%`, `pts`, or empty.")
    points: tuple[ChartPoint, ...] = Field(description="Measured values, oldest first.")
    launched_on: dt.date | None
    lag_until: dt.date | None = Field(
        description="End of the lag after launch, before which no verdict counts."
    )
    deadline: dt.date | None
    baseline: Number | None
    target_level: Number | None = Field(
        description="The value the target asks for at the deadline."
    )
    control_title: str | None = Field(
        default=None, description="The control segment, when one is named."
    )
    control_points: tuple[ChartPoint, ...] = Field(
        default=(), description="The control segment's values, oldest first."
    )
    legend: tuple[ChartMark, ...] = Field(
        default=(),
        description="Every element the chart draws, in drawing order; the "
        "caption lists exactly these.",
    )

    @property
    def span(self) -> tuple[dt.date, dt.date]:
        """First and last day of the time axis: values, launch and deadline."""
        days = [point.on for point in self.points]
        days += [day for day in (self.launched_on, self.deadline) if day is not None]
        return min(days), max(days)


class OpenInitiative(_View):
    """A planned or active initiative."""

    id: str
    name: str
    target: TargetView
    owner: OwnerView
    status: str | None
    status_label: str
    next_checkpoint: dt.date | None
    next_checkpoint_label: str
    next_checkpoint_missing: bool
    next_checkpoint_overdue: bool
    verdict: VerdictView | None = Field(description="Null when not evaluated.")
    verdict_label: str
    progress_note: str | None
    chart: ChartView | None = Field(
        default=None, description="Null when fewer than two values were measured."
    )


class ClosedInitiative(_View):
    """A closed initiative with its result against the target."""

    id: str
    name: str
    target: TargetView
    owner: OwnerView
    outcome: str | None = Field(description="Outcome result; null when not recorded.")
    outcome_label: str
    actual_movement: Number | None = Field(description="Signed, in `actualUnit`.")
    actual_unit: str | None
    target_amount: Number | None = Field(
        description="Signed by the target's direction, in `targetUnit`."
    )
    target_unit: str | None
    attainment: Number | None = Field(description="Fraction of the target, uncapped.")
    movement_label: str
    lesson: str
    closed_on: dt.date | None
    closed_on_label: str


ChangeKind = Literal["new", "closed", "status", "checkpoint-slipped", "target-revised"]


class ChangeItem(_View):
    """One change to one initiative inside the changes window."""

    kind: ChangeKind
    initiative_id: str
    initiative_name: str
    on: dt.date
    before: str | None
    after: str | None
    reason: str
    text: str


class ChangeGroup(_View):
    """The changes of one kind, oldest first."""

    kind: ChangeKind
    title: str
    items: tuple[ChangeItem, ...]


class Changes(_View):
    """Changes between `since` and the as-of date, both included."""

    since: dt.date
    since_label: str
    total: int
    groups: tuple[ChangeGroup, ...] = Field(description="Only kinds with changes.")


class FindingItem(_View):
    """One error or warning the board should see."""

    rule_id: str
    severity: Literal["error", "warning"]
    severity_label: str
    message: str
    hint: str
    location: str


class FindingGroup(_View):
    """The findings about one initiative, or about the whole register."""

    initiative_id: str | None
    title: str
    items: tuple[FindingItem, ...]


class FindingCounts(_View):
    """Findings by severity."""

    errors: int
    warnings: int
    info: int


class Findings(_View):
    """Errors and warnings grouped per initiative; info findings only counted."""

    counts: FindingCounts
    summary: str
    groups: tuple[FindingGroup, ...]


class ClosedCounts(_View):
    """Closed initiatives by outcome."""

    achieved: int
    partially_achieved: int
    missed: int
    abandoned: int
    no_outcome: int


class VerdictCounts(_View):
    """Open initiatives by verdict."""

    on_track: int
    behind: int
    achieved: int
    missed: int
    too_early: int
    no_data: int
    inconclusive: int
    not_evaluated: int = Field(description="Active initiatives with no evaluation.")


class Summary(_View):
    """The counts behind the one-line summary, and the line itself."""

    total: int
    active: int
    planned: int
    closed: int
    no_status: int
    closed_by_outcome: ClosedCounts
    verdicts: VerdictCounts
    findings: FindingCounts
    readiness_score: float = Field(ge=0, le=100)
    readiness_label: str
    board_ready: int = Field(
        description="Initiatives with no error-level finding, ready for the board."
    )
    text: str


class TrackRecordRow(_View):
    """Outcomes of the closed initiatives of one group: a program, an owner or all."""

    group: str
    closed: int
    achieved: int
    partially_achieved: int
    missed: int
    abandoned: int
    no_outcome: int
    median_attainment: Number | None = Field(
        description="Median fraction of the target reached, over closed "
        "initiatives with a measurable attainment; null when none has one."
    )
    median_attainment_label: str


class TrackRecord(_View):
    """Outcomes of the initiatives closed in the last four fiscal quarters."""

    since: dt.date = Field(description="First day of the window.")
    since_label: str
    window_label: str = Field(description="The quarters covered, in words.")
    total: TrackRecordRow
    by_program: tuple[TrackRecordRow, ...]
    by_owner: tuple[TrackRecordRow, ...]
    undated: int = Field(description="Closed initiatives with no closing date.")
    text: str


class Generation(_View):
    """Generator name and time of the section."""

    generator: str
    generated_at: dt.datetime | None


class KpiFieldEntry(_View):
    """One initiative in the field-array form of `customers.key_initiatives`."""

    name: str
    target_metric: str = Field(description="Canonical target phrase.")
    owner: str
    status: str | None
    next_checkpoint_date: dt.date | None


class ClosedKpiFieldEntry(KpiFieldEntry):
    """A closed initiative in the field array, with its movement against target."""

    actual_movement: Number | None
    target_amount: Number | None
    unit: str | None
    attainment: Number | None
    outcome: str | None


class BoardSection(_View):
    """The "Customer Success Initiatives" section of a board pack."""

    schema_ref: Literal["urn:boardloop:board-section:1.0"] = Field(
        default=SCHEMA_ID, alias="$schema"
    )
    schema_version: Literal["1.0"] = SCHEMA_VERSION
    company: str
    as_of: dt.date
    as_of_label: str
    fiscal_period: str | None
    catalog_version: str
    generation: Generation
    summary: Summary
    open_initiatives: tuple[OpenInitiative, ...]
    closed_initiatives: tuple[ClosedInitiative, ...]
    track_record: TrackRecord | None = Field(
        default=None, description="Null when no track-record window was given."
    )
    changes: Changes | None = Field(description="Null when no `since` date was given.")
    findings: Findings
    kpi_id: Literal["customers.key_initiatives"] = KPI_FIELD_ID
    kpi_field: tuple[ClosedKpiFieldEntry | KpiFieldEntry, ...]


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema of the board section's JSON form."""
    schema = BoardSection.model_json_schema(by_alias=True, mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
    }
