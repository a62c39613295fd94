"""Register objects: initiative, owner, target, status, outcome, checkpoints, history.

Everything here is plain, immutable data. Readers build these objects, the store
persists them, lint and evaluation read them, and nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

__all__ = [
    "ACTIVE_STATUSES",
    "ALLOWED_TRANSITIONS",
    "MAX_LAG_DAYS",
    "Baseline",
    "Checkpoint",
    "ControlInterval",
    "Direction",
    "Event",
    "Finding",
    "Initiative",
    "InvalidTransition",
    "KpiValue",
    "LevelBound",
    "Outcome",
    "OutcomeResult",
    "Owner",
    "Register",
    "Severity",
    "Source",
    "Status",
    "Target",
    "Unit",
    "sheet_reference",
    "transition",
]


class Status(StrEnum):
    """Lifecycle stage of an initiative."""

    PLANNED = "planned"
    IN_PROGRESS = "in-progress"
    LAUNCHED = "launched"
    MEASURING = "measuring"
    CLOSED = "closed"


ACTIVE_STATUSES = frozenset({Status.IN_PROGRESS, Status.LAUNCHED, Status.MEASURING})

MAX_LAG_DAYS = 3650
"""Maximum lag after launch, in days (ten years), that an initiative may state."""

# Forward moves, plus the backward moves a team really makes (a launch rolled back,
# a measurement restarted). Reopening a closed initiative is not allowed: its
# outcome is part of the record.
ALLOWED_TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.PLANNED: frozenset({Status.IN_PROGRESS, Status.LAUNCHED, Status.CLOSED}),
    Status.IN_PROGRESS: frozenset({Status.PLANNED, Status.LAUNCHED, Status.CLOSED}),
    Status.LAUNCHED: frozenset({Status.IN_PROGRESS, Status.MEASURING, Status.CLOSED}),
    Status.MEASURING: frozenset({Status.LAUNCHED, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


class Direction(StrEnum):
    """Direction in which a target moves its KPI."""

    INCREASE = "increase"
    DECREASE = "decrease"
    HOLD = "hold"


class Unit(StrEnum):
    """Unit of a target's change.

    `pp` is an absolute change of a rate in percentage points, `%` a relative
    change, `pts` a change of a score such as NPS. They are never converted into
    each other.
    """

    PP = "pp"
    PERCENT = "%"
    PTS = "pts"
    CURRENCY = "currency"
    COUNT = "count"
    DAYS = "days"


class LevelBound(StrEnum):
    """Bound of a level target: at least, at most or exactly the level."""

    AT_LEAST = "at-least"
    AT_MOST = "at-most"
    EXACTLY = "exactly"


class OutcomeResult(StrEnum):
    """Result of a closed initiative."""

    ACHIEVED = "achieved"
    PARTIALLY_ACHIEVED = "partially-achieved"
    MISSED = "missed"
    ABANDONED = "abandoned"


class Severity(StrEnum):
    """Severity of a lint finding."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Source:
    """Origin of a record: a file and line, or a store record id.

    A spreadsheet cell also has its `sheet` and `column` letter, and prints as
    `plan.xlsx:Plan!B7`, where `line` is the row number.
    """

    path: str
    line: int | None = None
    sheet: str | None = None
    column: str | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.path
        if self.sheet is None:
            return f"{self.path}:{self.line}"
        row = str(self.line)
        cell = f"{self.column}{row}" if self.column else f"{row}:{row}"
        return f"{self.path}:{sheet_reference(self.sheet)}!{cell}"


def sheet_reference(name: str) -> str:
    """Quote a sheet name as spreadsheet formulas do when it is not one plain word."""
    if name.replace("_", "").isalnum():
        return name
    return "'" + name.replace("'", "''") + "'"


@dataclass(frozen=True, slots=True)
class Owner:
    """Named person accountable for an initiative, and their function."""

    person: str | None = None
    function: str | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """What an initiative must move, by how much, for whom and by when.

    A change target has `direction`, `amount` (a magnitude, never negative) and
    `unit`. A level target has `level` and `level_bound` ("GRR 94%+"), and may
    also have `start_level` ("from 8% to 15%"), in which case the parser fills
    the change fields too. `text` keeps the phrase as written; `problems` lists
    what could not be read from it, so a phrase is never silently defaulted.
    """

    text: str = ""
    kpi_id: str | None = None
    kpi_label: str | None = None
    direction: Direction | None = None
    amount: Decimal | None = None
    unit: Unit | None = None
    currency: str | None = None
    level: Decimal | None = None
    level_bound: LevelBound | None = None
    start_level: Decimal | None = None
    segment: str | None = None
    window_days: int | None = None
    deadline: dt.date | None = None
    deadline_label: str | None = None
    problems: tuple[str, ...] = ()

    @property
    def has_number(self) -> bool:
        return self.amount is not None or self.level is not None

    @property
    def is_empty(self) -> bool:
        return not self.text.strip() and self.kpi_id is None and not self.has_number


@dataclass(frozen=True, slots=True)
class Baseline:
    """The KPI value a target is measured from, frozen at launch or stated."""

    value: Decimal
    as_of: dt.date | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Dated review of an initiative, with its note."""

    on: dt.date
    note: str = ""
    author: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """End of a closed initiative: its result, measured movement and lesson.

    `actual_movement` is signed, in `actual_unit` (normally the target's unit).
    """

    result: OutcomeResult | None = None
    actual_movement: Decimal | None = None
    actual_unit: Unit | None = None
    lesson: str = ""
    closed_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """One change to an initiative: who, when, what changed and why.

    `changes` maps a field name to its value before and after, both as JSON-ready
    values (strings, numbers, None).
    """

    at: dt.datetime
    actor: str
    kind: str
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Initiative:
    """One program in the register.

    `id` is a stable key: the id given in the source, or one derived from the
    name, so that importing the same file again updates instead of duplicating.
    `field_lines` maps a field name to the source line it was read from, so a
    finding can point at the exact line; `field_columns` maps a field name to
    the column letter of its spreadsheet cell, for registers read from XLSX.
    `extra` keeps source fields that have no place in the model.
    """

    id: str
    name: str
    owner: Owner = field(default_factory=Owner)
    target: Target = field(default_factory=Target)
    status: Status | None = Status.PLANNED
    status_text: str | None = None
    program: str | None = None
    baseline: Baseline | None = None
    created_on: dt.date | None = None
    launched_on: dt.date | None = None
    next_checkpoint: dt.date | None = None
    checkpoints: tuple[Checkpoint, ...] = ()
    outcome: Outcome | None = None
    history: tuple[Event, ...] = ()
    progress_note: str | None = None
    notes: str = ""
    control_segment: str | None = None
    source: Source | None = None
    field_lines: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    field_columns: dict[str, str] = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.status is not Status.CLOSED

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def source_of(self, field_name: str) -> Source | None:
        """Return the source location of one field, falling back to the record's."""
        if self.source is None:
            return None
        line = self.field_lines.get(field_name, self.source.line)
        column = self.field_columns.get(field_name, self.source.column)
        return Source(self.source.path, line, self.source.sheet, column)


@dataclass(frozen=True, slots=True)
class Register:
    """All initiatives of one company."""

    company: str
    initiatives: tuple[Initiative, ...] = ()

    def by_id(self) -> dict[str, Initiative]:
        return {initiative.id: initiative for initiative in self.initiatives}


@dataclass(frozen=True, slots=True)
class Finding:
    """Lint rule result about one initiative or about the register."""

    rule_id: str
    severity: Severity
    message: str
    hint: str = ""
    initiative_id: str | None = None
    source: Source | None = None

    @property
    def location(self) -> str:
        if self.source is not None:
            return str(self.source)
        return self.initiative_id or "register"


@dataclass(frozen=True, slots=True)
class KpiValue:
    """One measured value of a KPI for a segment, at the end of a period.

    `value` is in the KPI's native unit (a rate in percent, such as 91.5 for
    91.5 %; a score in points; an amount in currency). `n` is the number of
    customers or responses behind it, when known. `window_days` is the length
    of the measurement window that ends at `period_end` (90 for a 90-day GRR),
    or None when the value does not state one.

    `low` and `high` bound the 95 % interval of the value, in the value's unit;
    both are set or both are None, and `low <= high`. The interval need not
    contain `value`, because a bootstrap percentile interval can exclude the
    point estimate. `definition` is the text that describes how the value was
    measured (window, basis, cohort rule, exclusions), for the board section.

    Raises:
        ValueError: when only one bound is set, a bound is not a finite
            number, or `low` is above `high`.
    """

    kpi_id: str
    segment: str
    period_end: dt.date
    value: Decimal
    n: int | None = None
    source: Source | None = None
    window_days: int | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    definition: str | None = None

    def __post_init__(self) -> None:
        if self.low is None and self.high is None:
            return
        where = f"KPI value {self.kpi_id!r} for {self.segment!r} at {self.period_end}"
        if self.low is None or self.high is None:
            raise ValueError(
                f"{where} has only one bound of its interval (low {self.low}, high "
                f"{self.high}); set both bounds or neither"
            )
        if not (self.low.is_finite() and self.high.is_finite()):
            raise ValueError(
                f"{where} has an interval bound that is not a finite number (low "
                f"{self.low}, high {self.high})"
            )
        if self.low > self.high:
            raise ValueError(
                f"{where} has an interval whose low bound {self.low} is above its "
                f"high bound {self.high}; swap the bounds"
            )


@dataclass(frozen=True, slots=True)
class ControlInterval:
    """The 95 % bootstrap interval of a difference-in-differences estimate.

    The estimate is the change of `kpi_id` in `segment` from the period ending
    `before_end` to the one ending `after_end`, minus the change in `control`
    over the same periods, in the KPI's points. The customers of both segments
    are resampled together, so a customer counts in both periods of one
    resample. `n_treated` and `n_control` are the customers resampled in each.
    """

    kpi_id: str
    segment: str
    control: str
    window_days: int | None
    before_end: dt.date
    after_end: dt.date
    low: Decimal
    high: Decimal
    n_treated: int
    n_control: int
    resamples: int


class InvalidTransition(ValueError):
    """A status change that the lifecycle does not allow."""

    def __init__(self, initiative_id: str, current: Status | None, new: Status) -> None:
        allowed = (
            sorted(ALLOWED_TRANSITIONS.get(current, frozenset())) if current else []
        )
        allowed_text = ", ".join(allowed) if allowed else "none"
        super().__init__(
            f"initiative {initiative_id!r} cannot move from "
            f"{current or 'no status'} to {new}; allowed next statuses: {allowed_text}"
        )
        self.initiative_id = initiative_id
        self.current = current
        self.new = new


def transition(
    initiative: Initiative,
    new: Status,
    *,
    at: dt.datetime,
    actor: str,
    reason: str = "",
) -> Initiative:
    """Move an initiative to a new status and record the change in its history."""
    current = initiative.status
    if current is not None and new not in ALLOWED_TRANSITIONS[current]:
        raise InvalidTransition(initiative.id, current, new)
    event = Event(
        at=at,
        actor=actor,
        kind="status",
        changes={"status": (str(current) if current else None, str(new))},
        reason=reason,
    )
    launched_on = initiative.launched_on
    if new is Status.LAUNCHED and launched_on is None:
        launched_on = at.date()
    return replace(
        initiative,
        status=new,
        # The source's wording of the old status no longer describes the new one.
        status_text=None if initiative.status_text is None else new.value,
        launched_on=launched_on,
        history=(*initiative.history, event),
    )
