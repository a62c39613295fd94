"""Structured YAML targets: a mapping of kpi, direction, amount, unit, deadline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TypeVar

from boardloop.domain.model import Direction, LevelBound, Target
from boardloop.io._dates import date_problem
from boardloop.io._yaml_values import DIRECTIONS, UNITS, as_text

if TYPE_CHECKING:
    from decimal import Decimal

    from boardloop.io._yaml import ItemReader
    from boardloop.io._yaml_values import YamlMap

__all__ = ["StructuredTarget"]

_T = TypeVar("_T")


@dataclass(slots=True)
class StructuredTarget:
    """Turn a target mapping (kpi, direction, amount, unit, ...) into a Target."""

    reader: ItemReader
    mapping: YamlMap
    problems: list[str] = field(default_factory=list)

    def read(self) -> Target:
        mapping, ctx = self.mapping, self.reader.ctx
        line = self.reader.lines["target"]
        target = Target(
            kpi_id=ctx.kpi_id(as_text(mapping["kpi"])) if mapping.get("kpi") else None,
            kpi_label=as_text(mapping.get("kpi")) or None,
            direction=self._choice("direction", DIRECTIONS),
            amount=self._number("amount"),
            unit=self._choice("unit", UNITS),
            currency=as_text(mapping.get("currency")) or None,
            level=self._number("level"),
            level_bound=self._choice("level_bound", {b.value: b for b in LevelBound}),
            start_level=self._number("start_level"),
            segment=as_text(mapping.get("segment")) or None,
            window_days=self._window(),
        )
        target = self._with_deadline(target)
        target = self._signed(target, line)
        known = {
            "kpi", "direction", "amount", "unit", "currency", "level", "level_bound",
            "start_level", "segment", "window_days", "deadline", "text",
        }  # fmt: skip
        for key in mapping:
            if key not in known:
                self.problems.append(f"unknown target key '{key}'")
                ctx.summary.drop(line, f"target key '{key}' is not read")
        from boardloop.domain.targets import format_target

        text = as_text(mapping.get("text")) or format_target(
            target, calendar=ctx.calendar
        )
        return replace(target, text=text, problems=tuple(self.problems))

    def _choice(self, key: str, choices: dict[str, _T]) -> _T | None:
        raw = as_text(self.mapping.get(key))
        if not raw:
            return None
        value = choices.get(raw.casefold().replace("_", "-"))
        if value is None:
            self.problems.append(f"{key} '{raw}' is not one of {', '.join(choices)}")
        return value

    def _number(self, key: str) -> Decimal | None:
        value = self.mapping.get(key)
        line = self.reader.key_line(key, self.mapping) if key in self.mapping else 0
        number = self.reader._number(value, f"target.{key}", line)
        if value is not None and number is None:
            reason = _bound_problem(value) or "is not a number"
            self.problems.append(f"{key} '{value}' {reason}")
        return number

    def _window(self) -> int | None:
        value = self.mapping.get("window_days")
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        self.problems.append(f"window_days '{value}' is not a whole number of days")
        return None

    def _with_deadline(self, target: Target) -> Target:
        value = self.mapping.get("deadline")
        if value is None:
            return target
        if isinstance(value, dt.date):
            date = value.date() if isinstance(value, dt.datetime) else value
            return replace(target, deadline=date)
        deadline, label = self.reader.ctx.deadline(str(value))
        if deadline is None:
            problem = date_problem(str(value))
            reason = f": {problem}" if problem else ""
            self.problems.append(f"deadline '{value}' cannot be read{reason}")
            self.reader.invalid["target.deadline"] = str(value)
            self.reader.ctx.summary.drop(
                self.reader.key_line("deadline", self.mapping),
                f"target deadline '{value}' cannot be read{reason}; "
                "kept in extra['invalid']",
                "write a date such as 2026-06-30 or a period such as Q2 FY27",
            )
        return replace(target, deadline=deadline, deadline_label=label)

    def _signed(self, target: Target, line: int) -> Target:
        """Read a negative amount with no direction as a decrease."""
        if target.amount is None or target.amount >= 0 or target.direction:
            return target
        self.reader.ctx.summary.guess(
            line, f"target amount {target.amount} read as a decrease", "no direction"
        )
        return replace(target, amount=-target.amount, direction=Direction.DECREASE)


def _bound_problem(value: object) -> str | None:
    """Return why a value that reads as a number is out of bounds, else None."""
    from decimal import Decimal, InvalidOperation

    from boardloop.domain.numbers import magnitude_problem
    from boardloop.io._fields import parse_decimal

    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            number: Decimal | None = Decimal(str(value))
        except InvalidOperation:
            return None
    else:
        number, _ = parse_decimal(str(value))
    return None if number is None else magnitude_problem(number)
