"""Register and findings as tables of cells, ready for CSV or XLSX.

The register table has one column per field the CSV and XLSX readers read.
Each column is named so that the readers map it back to its field, so an
export read back gives the same initiatives. `docs/exports.md` lists what a
table cannot carry.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from boardloop.domain.model import Finding, Initiative, Register

__all__ = [
    "FINDING_COLUMNS",
    "REGISTER_COLUMNS",
    "CellValue",
    "Table",
    "decimal_text",
    "findings_table",
    "is_formula_like",
    "needs_apostrophe",
    "register_table",
]

CellValue = str | Decimal | dt.date | None

# Characters that make a spreadsheet program read a text cell as a formula or
# a number, or that some programs strip before doing so (tab, carriage return).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def decimal_text(value: Decimal) -> str:
    """Write a decimal without exponent or trailing zeros: 5.00 is '5', 1E+2 '100'."""
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


def is_formula_like(text: str) -> bool:
    """Tell whether a spreadsheet program would read a text cell as a formula.

    Text such as "+1" or "-2" counts too: a spreadsheet would turn it into a
    number, or a formula once edited. Numbers of the register (a baseline of
    -2) are number cells, not text, and are never made inert.
    """
    return text.startswith(_FORMULA_STARTS)


def needs_apostrophe(text: str) -> bool:
    """Tell whether a CSV export puts an apostrophe before a text cell.

    Formula-like text gets one, and so does text whose own leading apostrophes
    precede formula-like text (`'=x`), so the reader, which removes exactly one
    apostrophe from such a cell, gives the text back as written.
    """
    return is_formula_like(text.lstrip("'"))


@dataclass(frozen=True, slots=True)
class Table:
    """A header and rows of cells: text, numbers, dates or empty."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[CellValue, ...], ...]


# Header name (as the readers read it) -> the cell of one initiative.
REGISTER_COLUMNS: tuple[tuple[str, Callable[[Initiative], CellValue]], ...] = (
    ("id", lambda i: i.id),
    ("name", lambda i: i.name),
    ("owner", lambda i: i.owner.person),
    ("function", lambda i: i.owner.function),
    ("target", lambda i: i.target.text or None),
    ("status", lambda i: _status(i)),
    ("status text", lambda i: i.status_text),
    ("kpi", lambda i: i.target.kpi_id),
    ("segment", lambda i: i.target.segment),
    ("deadline", lambda i: _deadline(i)),
    ("next checkpoint", lambda i: i.next_checkpoint),
    ("baseline", lambda i: i.baseline.value if i.baseline else None),
    ("baseline date", lambda i: i.baseline.as_of if i.baseline else None),
    ("baseline source", lambda i: i.baseline.source if i.baseline else None),
    ("guardrails", lambda i: _guardrails(i)),
    ("attribution", lambda i: _extra_text(i, "attribution")),
    ("program", lambda i: i.program),
    ("launched on", lambda i: i.launched_on),
    ("created on", lambda i: i.created_on),
    ("progress", lambda i: i.progress_note),
    ("notes", lambda i: i.notes or None),
    ("control segment", lambda i: i.control_segment),
    ("outcome", lambda i: _outcome_part(i, "result")),
    ("actual movement", lambda i: _outcome_part(i, "actual_movement")),
    ("actual unit", lambda i: _outcome_part(i, "actual_unit")),
    ("lesson", lambda i: _outcome_part(i, "lesson")),
    ("closed on", lambda i: _outcome_part(i, "closed_on")),
    ("checkpoints", lambda i: _checkpoints(i)),
)

# Register field each column reads back as, where `extra["invalid"]` keeps an
# unreadable value of that field as written.
_INVALID_KEYS = {
    "deadline": "deadline",
    "next checkpoint": "next_checkpoint",
    "baseline": "baseline",
    "baseline date": "baseline_as_of",
    "launched on": "launched_on",
    "created on": "created_on",
    "outcome": "outcome",
    "actual movement": "actual_movement",
    "actual unit": "actual_unit",
    "guardrails": "guardrails",
    "checkpoints": "checkpoints",
    "closed on": "closed_on",
}

FINDING_COLUMNS = ("rule", "severity", "initiative", "location", "message", "hint")


def register_table(register: Register) -> Table:
    """Lay out every initiative as one row, with the columns the readers read.

    Text values of `extra` (columns the reader did not know) follow as extra
    columns, so they come back into `extra` on import. A value the reader
    could not read, kept in `extra["invalid"]`, is written in its field's
    column as it was written, so lint reports it again after an import.
    """
    extra_keys = _extra_keys(register.initiatives)
    header = (*(name for name, _ in REGISTER_COLUMNS), *extra_keys)
    rows = []
    for initiative in register.initiatives:
        invalid = initiative.extra.get("invalid")
        invalid = invalid if isinstance(invalid, dict) else {}
        cells: list[CellValue] = []
        for name, cell_of in REGISTER_COLUMNS:
            value = cell_of(initiative)
            key = _INVALID_KEYS.get(name)
            if value is None and key is not None and isinstance(invalid.get(key), str):
                value = invalid[key]
            cells.append(value)
        cells.extend(_extra_text(initiative, key) for key in extra_keys)
        rows.append(tuple(cells))
    return Table(f"{register.company} register", header, tuple(rows))


def findings_table(findings: Iterable[Finding], company: str) -> Table:
    """Lay out lint findings as rows: rule, severity, initiative, location, text."""
    rows = tuple(
        (
            item.rule_id,
            item.severity.value,
            item.initiative_id,
            item.location,
            item.message,
            item.hint or None,
        )
        for item in findings
    )
    return Table(f"{company} findings", FINDING_COLUMNS, rows)


def _status(initiative: Initiative) -> str | None:
    """Write the canonical status, because the "status text" column keeps the wording.

    An initiative whose status could not be read gets its status text here,
    so the reader again finds no status in it.
    """
    if initiative.status is None:
        return initiative.status_text
    return initiative.status.value


def _checkpoints(initiative: Initiative) -> str | None:
    """Write the checkpoint notes as a JSON list, which keeps line breaks in notes."""
    if not initiative.checkpoints:
        return None
    items = [
        {"on": item.on.isoformat(), "author": item.author, "note": item.note}
        for item in initiative.checkpoints
    ]
    return json.dumps(items, ensure_ascii=False)


def _guardrails(initiative: Initiative) -> str | None:
    """Join the guardrail KPIs with "; ", as the reader splits them."""
    guardrails = initiative.extra.get("guardrails")
    if not isinstance(guardrails, list) or not guardrails:
        return None
    return "; ".join(str(name) for name in guardrails)


def _deadline(initiative: Initiative) -> CellValue:
    target = initiative.target
    if target.deadline is None:
        return None
    # A period label such as "Q2 FY27" reads back to the same date and label.
    return target.deadline_label or target.deadline


def _outcome_part(initiative: Initiative, part: str) -> CellValue:
    outcome = initiative.outcome
    if outcome is None:
        return None
    if part == "result":
        return outcome.result.value if outcome.result else None
    if part == "actual_movement":
        return outcome.actual_movement
    if part == "actual_unit":
        return outcome.actual_unit.value if outcome.actual_unit else None
    if part == "lesson":
        return outcome.lesson or None
    return outcome.closed_on


def _extra_keys(initiatives: Iterable[Initiative]) -> tuple[str, ...]:
    """List the text keys of `extra` that no register column already writes."""
    own = {name for name, _ in REGISTER_COLUMNS}
    keys: dict[str, None] = {}
    for initiative in initiatives:
        for key, value in initiative.extra.items():
            if isinstance(value, str) and key not in own:
                keys.setdefault(key)
    return tuple(keys)


def _extra_text(initiative: Initiative, key: str) -> str | None:
    value = initiative.extra.get(key)
    return value if isinstance(value, str) else None
