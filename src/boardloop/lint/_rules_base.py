"""Shared pieces of the lint rules: the rule record, the lint context, helpers."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Literal, Protocol, overload

from boardloop.domain.model import (
    Direction,
    Finding,
    Initiative,
    KpiValue,
    Register,
    Severity,
    Source,
    Status,
    Unit,
)
from boardloop.evaluate._windows import choose_window
from boardloop.lint._settings import LintSettings

__all__ = [
    "NOT_CHECKED",
    "PARTLY_CHECKED",
    "CalendarLike",
    "CatalogLike",
    "Check",
    "KpiInfo",
    "LintContext",
    "Rule",
]

# Message prefixes that mark what a rule could not judge. The runner reads them to
# leave those checks out of the readiness score.
NOT_CHECKED = "not checked: "
PARTLY_CHECKED = "partly checked: "

STATUS_ORDER: dict[Status, int] = {
    Status.PLANNED: 0,
    Status.IN_PROGRESS: 1,
    Status.LAUNCHED: 2,
    Status.MEASURING: 3,
    Status.CLOSED: 4,
}


class KpiInfo(Protocol):
    """The catalog facts about one KPI that lint reads."""

    @property
    def id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def short_label(self) -> str | None: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...
    @property
    def higher_is_better(self) -> bool | None: ...
    @property
    def native_unit(self) -> object | None: ...
    @property
    def kind(self) -> str | None: ...
    @property
    def refresh_days(self) -> int | None: ...
    @property
    def lag_days(self) -> int | None: ...
    @property
    def guardrail_ids(self) -> tuple[str, ...]: ...
    @property
    def formula(self) -> str | None: ...
    @property
    def source_system(self) -> str | None: ...
    @property
    def data_owner(self) -> str | None: ...


class CatalogLike(Protocol):
    """A KPI catalog: looks a KPI up by id or alias."""

    def get(self, id_or_alias: str, /) -> KpiInfo | None: ...


class CalendarLike(Protocol):
    """A fiscal calendar: names the fiscal quarter a date falls in."""

    def quarter_of(self, day: dt.date, /) -> tuple[int, int]: ...


@dataclass(frozen=True, slots=True)
class LintContext:
    """Everything a rule may read besides the register.

    `kpi_values` is the measured KPI series, `roster` maps a person to their
    function. Either is None when the company has not provided it; rules that need
    it then report "not checked".
    """

    as_of: dt.date
    catalog: CatalogLike | None = None
    calendar: CalendarLike | None = None
    settings: LintSettings = field(default_factory=LintSettings)
    kpi_values: Sequence[KpiValue] | None = None
    roster: Mapping[str, str] | None = None


Check = Callable[[Register, LintContext], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    """One lint rule: stable id, default severity, documentation and its check.

    `scope` names what the rule judges: each initiative, or the register as a whole.
    """

    id: str
    name: str
    severity: Severity
    doc: str
    hint: str
    group: str
    check: Check
    scope: Literal["initiative", "register"] = "initiative"


# Finding builders.


def finding(
    rule_id: str,
    severity: Severity,
    initiative: Initiative,
    message: str,
    *fields: str,
    hint: str = "",
) -> Finding:
    """Build a finding located at the first of `fields` the initiative's source has."""
    return Finding(
        rule_id=rule_id,
        severity=severity,
        message=message,
        hint=hint,
        initiative_id=initiative.id,
        source=source_of(initiative, *fields),
    )


def register_finding(
    rule_id: str, severity: Severity, message: str, *, hint: str = ""
) -> Finding:
    """Build a finding about the register as a whole."""
    return Finding(rule_id=rule_id, severity=severity, message=message, hint=hint)


def not_checked(
    rule_id: str, missing: str, initiative: Initiative | None = None
) -> Finding:
    """Build the info finding that names the input a rule lacked."""
    message = NOT_CHECKED + missing
    if initiative is None:
        return register_finding(rule_id, Severity.INFO, message, hint=_NOT_CHECKED_HINT)
    return finding(
        rule_id, Severity.INFO, initiative, message, "target", hint=_NOT_CHECKED_HINT
    )


def partly_checked(rule_id: str, missing: str) -> Finding:
    """Build the info finding that reports a rule part skipped for lack of input."""
    return register_finding(
        rule_id, Severity.INFO, PARTLY_CHECKED + missing, hint=_NOT_CHECKED_HINT
    )


_NOT_CHECKED_HINT = "Provide the missing input to have this rule judge the register."


def source_of(initiative: Initiative, *fields: str) -> Source | None:
    """Return the line of the first field present in the source, else the record's."""
    for name in fields:
        if name in initiative.field_lines:
            return initiative.source_of(name)
    return initiative.source_of(fields[0]) if fields else initiative.source


# Text helpers.


# Rules fold the same names, segments and word lists over and over, often inside
# loops over pairs of initiatives, so folded text is kept. The bound caps memory in
# a long-running process.
@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Fold text for comparison: NFKC, casefold, no punctuation, single spaces."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    stripped = "".join(
        char if not unicodedata.category(char).startswith(("P", "S")) else " "
        for char in folded
    )
    return " ".join(stripped.split())


def words(text: str) -> list[str]:
    """Split text into normalised words."""
    return normalise(text).split()


def matches_any(text: str, patterns: Iterable[str]) -> list[str]:
    """Return the patterns found in text as whole words or phrases, case-insensitive."""
    haystack = f" {normalise(text)} "
    return [p for p in patterns if f" {normalise(p)} " in haystack]


def quoted(value: object, limit: int = 80) -> str:
    """Quote a value the one way messages quote values, shortening long text."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"'{text}'"


def plural(count: int, noun: str) -> str:
    """Format a count with its noun: 1 word, 3 words."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# Number helpers.


def number(value: Decimal | float | int) -> str:
    """Format a number without trailing zeros or exponent."""
    text = f"{Decimal(str(value)).normalize():f}"
    return "0" if text in {"-0", "+0"} else text


def with_unit(
    value: Decimal | float | int, unit: Unit | str | None, *, sign: bool = False
) -> str:
    """Format an amount in its unit: 5pp, 5%, 5 pts, 5 USD, 5."""
    text = number(value)
    if sign and Decimal(str(value)) > 0:
        text = "+" + text
    unit_text = unit_value(unit)
    if unit_text in {"pp", "%"}:
        return text + unit_text
    if unit_text is None or unit_text == "count":
        return text
    return f"{text} {unit_text}"


def unit_value(unit: object | None) -> str | None:
    """Return the plain string of a unit that may be an enum member or a string."""
    if unit is None:
        return None
    value = getattr(unit, "value", unit)
    return str(value)


def days_text(days: int) -> str:
    """Format a day count: 1 day, 3 days."""
    return f"{days} day" if abs(days) == 1 else f"{days} days"


# Register helpers.


def lookup(context: LintContext, kpi_id: str | None) -> KpiInfo | None:
    """Return the catalog entry of a KPI, or None without a catalog or id."""
    if context.catalog is None or not kpi_id:
        return None
    return context.catalog.get(kpi_id)


def has_history(register: Register) -> bool:
    """Tell whether any initiative in the register carries history events."""
    return any(initiative.history for initiative in register.initiatives)


def status_change(
    changes: Mapping[str, object],
) -> tuple[Status | None, Status | None] | None:
    """Return the (before, after) statuses of an event's changes, if it has one."""
    if "status" not in changes:
        return None
    pair = changes["status"]
    if not isinstance(pair, tuple | list) or len(pair) != 2:
        return None
    return _as_status(pair[0]), _as_status(pair[1])


def _as_status(value: object) -> Status | None:
    try:
        return Status(str(value)) if value is not None else None
    except ValueError:
        return None


def window_of(initiative: Initiative) -> tuple[dt.date, dt.date] | None:
    """Return the measurement window's first and last day, when it can be placed.

    A windowed KPI such as "90-day GRR" is read at the deadline over the window
    that ends there. Without a deadline the window is placed to start at launch.
    """
    target = initiative.target
    if target.window_days is None or target.window_days <= 0:
        return None
    length = dt.timedelta(days=target.window_days)
    if target.deadline is not None:
        return target.deadline - length, target.deadline
    if initiative.launched_on is not None:
        return initiative.launched_on, initiative.launched_on + length
    return None


def span_of(initiative: Initiative, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """Return the period an initiative acts in, for overlap checks."""
    window = window_of(initiative)
    if window is not None:
        return window
    start = initiative.launched_on or initiative.created_on or as_of
    end = initiative.target.deadline or dt.date.max
    return start, max(start, end)


def overlaps(first: tuple[dt.date, dt.date], second: tuple[dt.date, dt.date]) -> bool:
    """Tell whether two closed date intervals share a day."""
    return first[0] <= second[1] and second[0] <= first[1]


def same_segment(first: str | None, second: str | None) -> bool:
    """Tell whether two segments overlap: equal, or either one is the whole base."""
    whole = {"", "all", "all customers", "total"}
    a, b = normalise(first or ""), normalise(second or "")
    return a in whole or b in whole or a == b


def attainment(initiative: Initiative) -> float | None:
    """Return the direction-aware actual movement over the target amount, if known."""
    outcome, target = initiative.outcome, initiative.target
    if outcome is None or outcome.actual_movement is None:
        return None
    if outcome.actual_unit is not None and outcome.actual_unit != target.unit:
        return None
    amount = planned_amount(initiative)
    if amount is None or amount == 0 or target.direction is None:
        return None
    if target.direction is Direction.HOLD:
        return None
    signed = outcome.actual_movement
    if target.direction is Direction.DECREASE:
        signed = -signed
    return float(signed / amount)


def planned_amount(initiative: Initiative) -> Decimal | None:
    """Return the target's size of change, from the amount or level and baseline."""
    target = initiative.target
    if target.amount is not None:
        return abs(target.amount)
    start = target.start_level
    if start is None and initiative.baseline is not None:
        start = initiative.baseline.value
    if target.level is None or start is None:
        return None
    return abs(target.level - start)


def series(initiative: Initiative, context: LintContext) -> list[KpiValue]:
    """Return the measured values of the initiative's KPI, segment and window.

    The values come oldest first.
    """
    kpi_id = initiative.target.kpi_id
    if context.kpi_values is None or kpi_id is None:
        return []
    entry = lookup(context, kpi_id)
    ids = {kpi_id} | ({entry.id} if entry is not None else set())
    segment_key = normalise(initiative.target.segment or "")
    segments = {segment_key} | (_WHOLE if segment_key in _WHOLE else set())
    values = context.kpi_values
    if not isinstance(values, KpiValueIndex):
        values = KpiValueIndex(values)
    # Values of other windows (a 365-day GRR beside the 90-day one) are no
    # reading of this target, so the rules see the same series as evaluation.
    return choose_window(
        values.pick(ids, segments), initiative.target.window_days
    ).values


# Segment names that mean the whole customer base, after `normalise`.
_WHOLE = frozenset({"", "all", "all customers", "total"})


class KpiValueIndex(Sequence[KpiValue]):
    """KPI values in their given order, indexed by KPI id and normalised segment.

    `run_lint` wraps the context's values in one, so `series` looks a KPI and segment
    up instead of scanning every value for every initiative.
    """

    def __init__(self, values: Sequence[KpiValue]) -> None:
        self._values = tuple(values)
        self._by_key: dict[tuple[str, str], list[tuple[int, KpiValue]]] = {}
        for position, value in enumerate(self._values):
            key = (value.kpi_id, normalise(value.segment))
            self._by_key.setdefault(key, []).append((position, value))

    def pick(self, kpi_ids: Iterable[str], segments: Iterable[str]) -> list[KpiValue]:
        """Return the values of these KPIs and normalised segments, oldest first.

        Values with the same period end keep their given order.
        """
        picked = [
            item
            for kpi_id in kpi_ids
            for segment in segments
            for item in self._by_key.get((kpi_id, segment), ())
        ]
        picked.sort(key=lambda item: (item[1].period_end, item[0]))
        return [value for _position, value in picked]

    @overload
    def __getitem__(self, index: int) -> KpiValue: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[KpiValue]: ...
    def __getitem__(self, index: int | slice) -> KpiValue | Sequence[KpiValue]:
        return self._values[index]

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[KpiValue]:
        return iter(self._values)


def closed_on(initiative: Initiative) -> dt.date | None:
    """Return the day an initiative closed, from its outcome or closing event."""
    if initiative.outcome is not None and initiative.outcome.closed_on is not None:
        return initiative.outcome.closed_on
    for event in reversed(initiative.history):
        change = status_change(event.changes)
        if change is not None and change[1] is Status.CLOSED:
            return event.at.date()
    return None


ROLE_PLACEHOLDER = re.compile(r"^<[^<>]+>$")
