"""Table rows as initiatives: the row reader shared by CSV files and Markdown tables."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from boardloop.domain.model import (
    Baseline,
    Checkpoint,
    Initiative,
    Outcome,
    OutcomeResult,
    Owner,
    Source,
    Status,
    Target,
    Unit,
)
from boardloop.domain.numbers import RANGE_HINT, magnitude_problem
from boardloop.io._dates import date_problem
from boardloop.io._fields import (
    DateOrder,
    decide_date_order,
    is_row_number_header,
    match_header,
    parse_date,
    parse_decimal,
    parse_owner,
    read_status,
    slugify,
)
from boardloop.io._table_checkpoints import CHECKPOINTS_EXAMPLE, parse_checkpoints

if TYPE_CHECKING:
    import datetime as dt
    from decimal import Decimal

    from boardloop.io._fields import ReadContext

__all__ = [
    "DATE_FIELDS",
    "Column",
    "TableReader",
    "apply_defaults",
    "column_letter",
    "map_headers",
    "outcome_result",
    "status_field",
]

DATE_FIELDS = ("next_checkpoint", "launched_on", "created_on", "closed_on")
_DECIMAL_COMMA = re.compile(r"(?<![\d,])(\d+),(\d{1,2})(?![\d,])")


@dataclass(frozen=True, slots=True)
class Column:
    """One table column: its header as written and the register field it maps to."""

    header: str
    index: int
    field: str | None


def map_headers(headers: list[str], line: int, ctx: ReadContext) -> list[Column]:
    """Match headers to register fields; report unknown and repeated ones."""
    columns = []
    header_of_field: dict[str, str] = {}
    for index, header in enumerate(headers):
        field_name = match_header(header)
        if field_name is not None and field_name in header_of_field:
            ctx.summary.drop(
                line,
                f"column '{header}' also names {field_name}; kept in extra",
                f"column '{header_of_field[field_name]}' is read as {field_name}",
            )
            field_name = None
        elif field_name is not None:
            header_of_field[field_name] = header
            ctx.summary.recognise(header.strip(), field_name)
        elif header.strip():
            ctx.summary.drop(
                line,
                f"column '{header.strip()}' is not a register field, kept in extra",
            )
        columns.append(Column(header.strip(), index, field_name))
    return columns


def status_field(text: str, line: int, ctx: ReadContext) -> Status | None:
    """Read a status cell; an empty cell is planned, with a guessed notice."""
    if not text.strip():
        ctx.summary.guess(line, "no status given; read as planned")
        return Status.PLANNED
    reading = read_status(text)
    if reading.status is None:
        ctx.summary.drop(
            line,
            f"status '{text.strip()}' cannot be read; status left empty",
            f"{reading.why}; use planned, in-progress, launched, measuring or closed",
        )
    elif not reading.exact:
        what = f"status '{text.strip()}' read as {reading.status}"
        ctx.summary.guess(line, what, reading.why)
    return reading.status


def outcome_result(text: str) -> OutcomeResult | None:
    """Read an outcome result word such as 'achieved' or 'partially achieved'."""
    key = re.sub(r"[\s_]+", "-", text.strip().casefold())
    key = {"partial": "partially-achieved", "partially": "partially-achieved"}.get(
        key, key
    )
    try:
        return OutcomeResult(key)
    except ValueError:
        return None


class TableReader:
    """Turn the rows of one table into initiatives, one row at a time."""

    def __init__(
        self,
        ctx: ReadContext,
        columns: list[Column],
        rows: list[tuple[int, list[str]]],
        *,
        ambiguous_order: DateOrder,
        sheet: str | None = None,
    ) -> None:
        """Prepare to read `rows`; with `sheet`, sources name spreadsheet cells."""
        self.ctx = ctx
        self.columns = columns
        self.sheet = sheet
        self.id_column = next((c for c in columns if c.field == "id"), None)
        self.lines: dict[str, int] = {}
        self.orders = self._date_orders(rows, ambiguous_order)

    def _date_orders(
        self, rows: list[tuple[int, list[str]]], ambiguous_order: DateOrder
    ) -> dict[str, DateOrder]:
        """Decide each date column's day/month order from all its values."""
        orders: dict[str, DateOrder] = {}
        for column in self.columns:
            if column.field not in (*DATE_FIELDS, "deadline", "baseline_as_of"):
                continue
            values = [_cell(cells, column) for _, cells in rows]
            order, has_numeric = decide_date_order(values)
            if order is None and has_numeric:
                order = ambiguous_order
                self.ctx.summary.guess(
                    rows[0][0] if rows else None,
                    f"dates in column '{column.header}' read as {order}",
                    "no value proves day-first or month-first",
                )
            if order is not None:
                orders[column.field] = order
        return orders

    def read_row(
        self,
        line: int,
        cells: list[str],
        defaults: dict[str, tuple[str, int]] | None = None,
    ) -> Initiative | None:
        """Build one initiative from a row, or None (with a notice) for no name.

        `defaults` maps a field to a text and line that apply when the row has
        no value for the field, such as a document's `**Status:**` header.
        """
        values: dict[str, str] = {}
        extra: dict[str, object] = {}
        for column in self.columns:
            text = _cell(cells, column).strip()
            if column.field is None:
                if text:
                    extra[column.header or f"column {column.index + 1}"] = text
            elif text:
                values[column.field] = text
        unnamed = self._unnamed_cells(line, cells)
        if unnamed:
            extra["unnamed_cells"] = unnamed
        if not values and not extra:
            return None
        if not values.get("name"):
            self.ctx.summary.drop(
                line, "row has no name; not read", "every initiative needs a name"
            )
            self.ctx.summary.count("rows dropped")
            return None
        lines = apply_defaults(values, extra, defaults or {})
        return self.build(line, values, extra, lines)

    def _unnamed_cells(self, line: int, cells: list[str]) -> list[str]:
        """Collect the cells past the header's last column; report them as dropped."""
        unnamed = [cell.strip() for cell in cells[len(self.columns) :]]
        while unnamed and not unnamed[-1]:
            unnamed.pop()
        if unnamed:
            noun = "cell" if len(unnamed) == 1 else "cells"
            listed = ", ".join(f"'{cell}'" for cell in unnamed)
            self.ctx.summary.drop(
                line,
                f"{noun} {listed} beyond the header's {len(self.columns)} columns, "
                "kept in extra['unnamed_cells']",
            )
        return unnamed

    def build(
        self,
        line: int,
        values: dict[str, str],
        extra: dict[str, object],
        lines: dict[str, int] | None = None,
        *,
        initiative_id: str | None = None,
    ) -> Initiative:
        """Build an initiative from field texts; `lines` gives lines per field.

        `initiative_id` is used as given; without it the id comes from the id
        column, or is derived from the name.
        """
        ctx = self.ctx
        self.lines = {**_field_lines(values, line), **(lines or {})}
        name = values["name"]
        invalid: dict[str, str] = {}
        dates = {
            field_name: self._date(field_name, values, invalid)
            for field_name in DATE_FIELDS
        }
        initiative = Initiative(
            id=initiative_id or self._initiative_id(values, name),
            name=name,
            owner=self._owner(values),
            target=self._target(values, invalid),
            status=status_field(values.get("status", ""), self._line("status"), ctx),
            status_text=self._status_text(values),
            baseline=self._baseline(values, invalid),
            created_on=dates["created_on"],
            launched_on=dates["launched_on"],
            next_checkpoint=dates["next_checkpoint"],
            checkpoints=self._checkpoints(values, invalid),
            outcome=self._outcome(values, dates["closed_on"], invalid),
            source=self._source(line),
            field_lines=dict(self.lines),
            field_columns=self._field_columns(values),
            program=values.get("program"),
            progress_note=values.get("progress_note"),
            notes=values.get("notes", ""),
            control_segment=values.get("control_segment"),
            extra={**extra, **self._extra_fields(values)},
        )
        if invalid:
            initiative.extra["invalid"] = invalid
        return initiative

    def _status_text(self, values: dict[str, str]) -> str | None:
        """Take the status text column where there is one, else the status cell.

        An export writes the canonical status and, in its own column, the
        status as the file wrote it. An empty status text cell means none.
        """
        if any(column.field == "status_text" for column in self.columns):
            return values.get("status_text")
        return values.get("status")

    def _extra_fields(self, values: dict[str, str]) -> dict[str, object]:
        """Read the guardrails and attribution columns into `extra`, as YAML does."""
        fields: dict[str, object] = {}
        text = values.get("guardrails")
        if text:
            names = [name.strip() for name in split_guardrails(text)]
            fields["guardrails"] = [self.ctx.kpi_id(name) for name in names if name]
        if values.get("attribution"):
            fields["attribution"] = values["attribution"]
        return fields

    def _source(self, line: int) -> Source:
        if self.sheet is None:
            return Source(self.ctx.path, line)
        column = next((c for c in self.columns if c.field == "name"), None)
        letter = column_letter(column.index) if column else None
        return Source(self.ctx.path, line, self.sheet, letter)

    def _field_columns(self, values: dict[str, str]) -> dict[str, str]:
        """Map each field to its cell's column letter, for spreadsheet sources."""
        if self.sheet is None:
            return {}
        letters: dict[str, str] = {}
        # A field's own column wins over one that only shares its line, such
        # as the KPI column for the target.
        for own in (True, False):
            for column in self.columns:
                if column.field is None or column.field not in values:
                    continue
                key = _LINE_FIELDS.get(column.field, column.field)
                if (key == column.field) == own:
                    letters.setdefault(key, column_letter(column.index))
        return letters

    def _initiative_id(self, values: dict[str, str], name: str) -> str:
        """Keep an id the file states; qualify a row number or slug by the file."""
        text = values.get("id")
        if not text:
            return self.ctx.derive_id(slugify(name), "names")
        column = self.id_column
        if column is not None and is_row_number_header(column.header):
            return self.ctx.derive_id(text, f"row numbers in column {column.header}")
        return text

    def _line(self, field_name: str) -> int:
        return self.lines.get(field_name, self.lines["name"])

    def _owner(self, values: dict[str, str]) -> Owner:
        owner, note = parse_owner(values.get("owner", ""))
        if note:
            self.ctx.summary.guess(
                self._line("owner"), f"owner read as a function: {note}"
            )
        function = values.get("owner_function")
        if function:
            owner = replace(owner, function=function)
        return owner

    def _date(
        self, field_name: str, values: dict[str, str], invalid: dict[str, str]
    ) -> dt.date | None:
        text = values.get(field_name)
        if not text:
            return None
        date = parse_date(text, self.orders.get(field_name))
        if date is None:
            invalid[field_name] = text
            problem = date_problem(text)
            reason = f": {problem}" if problem else ""
            self.ctx.summary.drop(
                self._line(field_name),
                f"{field_name} '{text}' is not a date{reason}; "
                "kept in extra['invalid']",
                "check the day and month" if problem else "write dates as YYYY-MM-DD",
            )
        return date

    def _target(self, values: dict[str, str], invalid: dict[str, str]) -> Target:
        ctx = self.ctx
        line = self._line("target")
        target = Target()
        if "target" in values:
            text = values["target"]
            if _DECIMAL_COMMA.search(text):
                text = _DECIMAL_COMMA.sub(r"\1.\2", text)
                ctx.summary.guess(
                    line,
                    f"target '{values['target']}' read as '{text}'",
                    "decimal comma",
                )
            target = ctx.target(text)
        if "kpi" in values and target.kpi_id is None:
            target = replace(target, kpi_id=ctx.kpi_id(values["kpi"]))
        if "segment" in values and target.segment is None:
            target = replace(target, segment=values["segment"])
        return self._with_deadline(target, values.get("deadline"), invalid)

    def _with_deadline(
        self, target: Target, text: str | None, invalid: dict[str, str]
    ) -> Target:
        ctx, line = self.ctx, self._line("deadline")
        if text:
            deadline, label = ctx.deadline(text, self.orders.get("deadline"))
            if deadline is None:
                invalid["deadline"] = text
                ctx.summary.drop(
                    line,
                    f"deadline '{text}' cannot be read; kept in extra['invalid']",
                    "write a date such as 2026-06-30 or a period such as Q2 FY27",
                )
            elif target.deadline is None:
                target = replace(target, deadline=deadline, deadline_label=label)
            elif target.deadline != deadline:
                ctx.summary.guess(
                    line,
                    f"deadline '{text}' differs from the target's "
                    f"{target.deadline.isoformat()}; the target's deadline is kept",
                )
        return target

    def _out_of_bounds(
        self,
        name: str,
        text: str,
        value: Decimal,
        line: int | None,
        invalid: dict[str, str],
    ) -> bool:
        """Drop a number beyond the typed-number bounds, noting its line."""
        problem = magnitude_problem(value)
        if problem is None:
            return False
        invalid[name] = text
        self.ctx.summary.drop(
            line, f"{name} '{text}' {problem}; kept in extra['invalid']", RANGE_HINT
        )
        return True

    def _baseline(
        self, values: dict[str, str], invalid: dict[str, str]
    ) -> Baseline | None:
        line = self._line("baseline")
        text = values.get("baseline")
        if not text:
            return None
        value, note = parse_decimal(text)
        if note:
            self.ctx.summary.guess(line, f"baseline {note}")
        if value is None:
            invalid["baseline"] = text
            self.ctx.summary.drop(
                line,
                f"baseline '{text}' is not a number; kept in extra['invalid']",
                "write the KPI value, such as 91.5",
            )
            return None
        if self._out_of_bounds("baseline", text, value, line, invalid):
            return None
        as_of = self._date("baseline_as_of", values, invalid)
        return Baseline(value=value, as_of=as_of, source=values.get("baseline_source"))

    def _outcome(
        self,
        values: dict[str, str],
        closed_on: dt.date | None,
        invalid: dict[str, str],
    ) -> Outcome | None:
        line = self._line("outcome")
        keys = ("outcome", "actual_movement", "actual_unit", "lesson")
        if not any(key in values for key in keys) and closed_on is None:
            return None
        result = outcome_result(values.get("outcome", ""))
        if "outcome" in values and result is None:
            invalid["outcome"] = values["outcome"]
            self.ctx.summary.drop(
                line,
                f"outcome '{values['outcome']}' cannot be read; "
                "kept in extra['invalid']",
                "use achieved, partially-achieved, missed or abandoned",
            )
        movement = None
        if "actual_movement" in values:
            movement, _ = parse_decimal(values["actual_movement"])
            if movement is None:
                invalid["actual_movement"] = values["actual_movement"]
                self.ctx.summary.drop(
                    line,
                    f"actual movement '{values['actual_movement']}' is not a number; "
                    "kept in extra['invalid']",
                )
            elif self._out_of_bounds(
                "actual_movement", values["actual_movement"], movement, line, invalid
            ):
                movement = None
        return Outcome(
            result=result,
            actual_movement=movement,
            actual_unit=self._actual_unit(values, invalid),
            lesson=values.get("lesson", ""),
            closed_on=closed_on,
        )

    def _checkpoints(
        self, values: dict[str, str], invalid: dict[str, str]
    ) -> tuple[Checkpoint, ...]:
        text = values.get("checkpoints")
        if not text:
            return ()
        checkpoints = parse_checkpoints(text)
        if checkpoints is None:
            invalid["checkpoints"] = text
            self.ctx.summary.drop(
                self._line("checkpoints"),
                f"checkpoints '{text}' is not a JSON list of checkpoints; "
                "kept in extra['invalid']",
                f"write them as {CHECKPOINTS_EXAMPLE}",
            )
            return ()
        return checkpoints

    def _actual_unit(
        self, values: dict[str, str], invalid: dict[str, str]
    ) -> Unit | None:
        text = values.get("actual_unit")
        if not text:
            return None
        try:
            return Unit(text.strip().casefold())
        except ValueError:
            invalid["actual_unit"] = text
            units = ", ".join(unit.value for unit in Unit)
            self.ctx.summary.drop(
                self._line("outcome"),
                f"actual unit '{text}' is not a unit; kept in extra['invalid']",
                f"use one of {units}",
            )
            return None


def split_guardrails(text: str) -> list[str]:
    """Split a guardrails cell on ';', or on ',' when it has no ';'."""
    return text.split(";") if ";" in text else text.split(",")


def apply_defaults(
    values: dict[str, str],
    extra: dict[str, object],
    defaults: dict[str, tuple[str, int]],
) -> dict[str, int]:
    """Fill missing fields from defaults; return the lines of the filled fields."""
    lines = {}
    for field_name, (text, line) in defaults.items():
        if field_name.startswith("header:"):
            extra.setdefault(field_name.removeprefix("header:"), text)
        elif field_name == "id":
            extra.setdefault("document_id", text)
        elif field_name not in values:
            values[field_name] = text
            lines[field_name] = line
    return lines


def column_letter(index: int) -> str:
    """Return the spreadsheet letters of a zero-based column index: 0 is A, 26 AA."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _cell(cells: list[str], column: Column) -> str:
    return cells[column.index] if column.index < len(cells) else ""


_LINE_FIELDS = {
    "owner_function": "owner_function",
    "kpi": "target",
    "deadline": "deadline",
    "closed_on": "outcome",
    "actual_movement": "outcome",
    "actual_unit": "outcome",
    "baseline_source": "baseline",
    "status_text": "status",
}


def _field_lines(values: dict[str, str], line: int) -> dict[str, int]:
    lines = {_LINE_FIELDS.get(key, key): line for key in values}
    lines["name"] = line
    return lines
