"""Helpers for the lint tests: registers written as YAML, and a lint call.

The YAML shape here is a small test-only form of the register file, so that every
field keeps the line it was written on and findings can be checked by line.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from ruamel.yaml import YAML

from boardloop.catalog import load_catalog
from boardloop.domain.fiscal import FiscalCalendar
from boardloop.domain.model import (
    Baseline,
    Checkpoint,
    Direction,
    Event,
    Finding,
    Initiative,
    KpiValue,
    LevelBound,
    Outcome,
    OutcomeResult,
    Owner,
    Register,
    Source,
    Status,
    Target,
    Unit,
)
from boardloop.lint import LintContext, LintReport, LintSettings, run_lint

AS_OF = dt.date(2027, 3, 1)
CATALOG = load_catalog()
PATH = "register.yaml"

# One initiative that passes every rule at AS_OF with the bundled catalog.
GOOD: dict[str, Any] = {
    "id": "onboarding",
    "name": "Onboarding revamp for SMB accounts",
    "owner": "Dana Ruiz",
    "owner_function": "CS",
    "target": {
        "text": "+2pp logo retention for SMB by 2027-09-30",
        "kpi": "customers.logo_retention_rate",
        "kpi_label": "logo retention",
        "direction": "increase",
        "amount": 2,
        "unit": "pp",
        "segment": "SMB",
        "window_days": 120,
        "deadline": dt.date(2027, 9, 30),
    },
    "status": "in-progress",
    "baseline": {"value": 88, "as_of": dt.date(2027, 1, 10)},
    "created_on": dt.date(2026, 12, 1),
    "launched_on": dt.date(2027, 1, 15),
    "next_checkpoint": dt.date(2027, 3, 20),
    "checkpoints": [{"on": dt.date(2027, 2, 15), "note": "first cohort onboarded"}],
    "history": [
        {
            "at": dt.date(2027, 1, 15),
            "actor": "dana",
            "kind": "status",
            "changes": {"status": ["planned", "in-progress"]},
            "reason": "kick-off approved",
        },
        {"at": dt.date(2027, 2, 20), "actor": "dana", "kind": "note"},
    ],
    "guardrails": ["customers.gross_revenue_retention"],
}

_TOP_FIELDS = {
    "id",
    "name",
    "owner",
    "owner_function",
    "target",
    "status",
    "baseline",
    "created_on",
    "launched_on",
    "next_checkpoint",
    "checkpoints",
    "history",
    "outcome",
    "lesson",
    "notes",
    "progress_note",
    "program",
    "control_segment",
}


def entry(**changes: Any) -> dict[str, Any]:
    """Return a copy of GOOD with top-level fields, or `target__x` fields, replaced."""
    item = {**GOOD, "target": dict(GOOD["target"])}
    for key, value in changes.items():
        if key.startswith("target__"):
            item["target"][key.removeprefix("target__")] = value
        elif value is None:
            item.pop(key, None)
        else:
            item[key] = value
    return item


def to_yaml(entries: list[dict[str, Any]]) -> str:
    """Write entries as a YAML register file."""
    stream = io.StringIO()
    YAML().dump(entries, stream)
    return stream.getvalue()


def read_register(text: str, path: str = PATH) -> Register:
    """Read a test register written as a YAML list of initiatives."""
    data = YAML().load(text) or []
    return Register("Tallyfern", tuple(_initiative(item, path) for item in data))


def _line(mapping: Any, key: str) -> int:
    return int(mapping.lc.key(key)[0]) + 1


def _initiative(item: Any, path: str) -> Initiative:
    lines = {key: _line(item, key) for key in item if key in _TOP_FIELDS}
    target_map = item.get("target") or {}
    if target_map:
        for key in ("deadline", "segment"):
            if key in target_map:
                lines[key] = _line(target_map, key)
    outcome = item.get("outcome")
    status_text = None if item.get("status") is None else str(item.get("status"))
    try:
        status = Status(status_text) if status_text is not None else Status.PLANNED
    except ValueError:
        status = None
    extra = {key: item[key] for key in item if key not in _TOP_FIELDS}
    return Initiative(
        id=str(item.get("id") or item.get("name")),
        name=str(item.get("name") or ""),
        owner=Owner(item.get("owner"), item.get("owner_function")),
        target=_target(target_map),
        status=status,
        status_text=status_text,
        baseline=_baseline(item.get("baseline")),
        created_on=item.get("created_on"),
        launched_on=item.get("launched_on"),
        next_checkpoint=item.get("next_checkpoint"),
        checkpoints=tuple(
            Checkpoint(on=c["on"], note=c.get("note", ""))
            for c in item.get("checkpoints", [])
        ),
        outcome=_outcome(outcome, item.get("lesson")) if outcome else None,
        history=tuple(_event(event) for event in item.get("history", [])),
        notes=str(item.get("notes") or ""),
        progress_note=item.get("progress_note"),
        program=item.get("program"),
        control_segment=item.get("control_segment"),
        source=_source(item, path),
        field_lines=lines,
        extra=extra,
    )


def _source(item: Any, path: str) -> Source:
    return Source(path, int(item.lc.line) + 1)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _target(data: Any) -> Target:
    if not data:
        return Target()
    return Target(
        text=str(data.get("text", "")),
        kpi_id=data.get("kpi"),
        kpi_label=data.get("kpi_label"),
        direction=Direction(data["direction"]) if data.get("direction") else None,
        amount=_decimal(data.get("amount")),
        unit=Unit(data["unit"]) if data.get("unit") else None,
        currency=data.get("currency"),
        level=_decimal(data.get("level")),
        level_bound=LevelBound(data["level_bound"])
        if data.get("level_bound")
        else None,
        start_level=_decimal(data.get("start_level")),
        segment=data.get("segment"),
        window_days=data.get("window_days"),
        deadline=data.get("deadline"),
        problems=tuple(data.get("problems", ())),
    )


def _baseline(data: Any) -> Baseline | None:
    if data is None:
        return None
    return Baseline(value=Decimal(str(data["value"])), as_of=data.get("as_of"))


def _outcome(data: Any, lesson: Any) -> Outcome:
    return Outcome(
        result=OutcomeResult(data["result"]) if data.get("result") else None,
        actual_movement=_decimal(data.get("actual")),
        actual_unit=Unit(data["unit"]) if data.get("unit") else None,
        lesson=str(lesson or ""),
        closed_on=data.get("closed_on"),
    )


def _event(data: Any) -> Event:
    at = data["at"]
    stamp = (
        dt.datetime.combine(at, dt.time(9)) if not isinstance(at, dt.datetime) else at
    )
    changes = {key: tuple(value) for key, value in (data.get("changes") or {}).items()}
    return Event(
        at=stamp,
        actor=str(data.get("actor", "someone")),
        kind=str(data.get("kind", "edit")),
        changes=changes,
        reason=str(data.get("reason", "")),
    )


def lint_yaml(
    text: str,
    *,
    as_of: dt.date = AS_OF,
    catalog: Any = CATALOG,
    settings: LintSettings | None = None,
    kpi_values: list[KpiValue] | None = None,
    roster: dict[str, str] | None = None,
) -> LintReport:
    """Lint a YAML register at AS_OF with the bundled catalog."""
    context = LintContext(
        as_of=as_of,
        catalog=catalog,
        calendar=FiscalCalendar(),
        settings=settings or LintSettings(),
        kpi_values=kpi_values,
        roster=roster,
    )
    return run_lint(read_register(text), context)


def lint_entries(*entries: dict[str, Any], **options: Any) -> LintReport:
    """Lint initiatives given as dicts, written out as YAML first."""
    return lint_yaml(to_yaml(list(entries)), **options)


def found(report: LintReport, rule_id: str, *, real: bool = True) -> list[Finding]:
    """Return the findings of one rule; `real` leaves out "not checked" notes."""
    return [
        item
        for item in report.findings
        if item.rule_id == rule_id
        and not (real and item.message.startswith(("not checked", "partly checked")))
    ]


def series(
    values: list[float],
    *,
    kpi: str = "customers.logo_retention_rate",
    start: dt.date = dt.date(2027, 1, 31),
    step: int = 14,
) -> list[KpiValue]:
    """Return a KPI series for segment SMB, one value every `step` days."""
    return [
        KpiValue(
            kpi, "SMB", start + dt.timedelta(days=step * index), Decimal(str(value))
        )
        for index, value in enumerate(values)
    ]
