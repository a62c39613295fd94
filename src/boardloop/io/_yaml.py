"""YAML registers, read so that every key and list item keeps its line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from boardloop.domain.model import (
    MAX_LAG_DAYS,
    Baseline,
    Checkpoint,
    Event,
    Initiative,
    Outcome,
    Owner,
    Source,
    Status,
    Target,
)
from boardloop.domain.numbers import RANGE_HINT, magnitude_problem
from boardloop.io._dates import date_problem
from boardloop.io._fields import parse_date, parse_decimal, parse_owner, slugify
from boardloop.io._summary import ReadError
from boardloop.io._table import outcome_result, status_field
from boardloop.io._yaml_load import load_yaml
from boardloop.io._yaml_target import StructuredTarget
from boardloop.io._yaml_values import (
    UNITS,
    YamlList,
    YamlMap,
    as_datetime,
    as_plain,
    as_text,
    read_changes,
)

if TYPE_CHECKING:
    from boardloop.io._fields import ReadContext

__all__ = ["ItemReader", "read_yaml_text"]

_DATE_KEYS = ("launched_on", "created_on", "next_checkpoint")
_TEXT_KEYS = ("program", "notes", "control_segment", "progress_note")
_KNOWN_KEYS = frozenset(
    {
        "id", "name", "owner", "target", "status", "baseline", "checkpoints",
        "outcome", "history", *_DATE_KEYS, *_TEXT_KEYS,
    }
)  # fmt: skip

# Keys that are not model fields but that lint reads from `extra`: recognised,
# kept in `extra`, and never listed as dropped.
_EXTRA_KEYS = {
    "guardrails": "guardrail KPIs in extra",
    "attribution": "attribution note in extra",
    "lag_days": "lag after launch in extra",
}


def _lag_days_problem(value: object) -> str | None:
    """Describe why a `lag_days` value is invalid, or return None when it is valid."""
    if isinstance(value, bool) or not isinstance(value, int):
        return f"lag_days {value!r} is not a whole number of days"
    if value < 0:
        return f"lag_days {value} must be 0 or more days"
    if value > MAX_LAG_DAYS:
        return f"lag_days {value} is more than {MAX_LAG_DAYS} days"
    return None


def read_yaml_text(text: str, ctx: ReadContext) -> list[Initiative]:
    """Read a register from YAML text: an 'initiatives:' list or a bare list."""
    items = _top_level_items(load_yaml(text, ctx.path), ctx)
    initiatives = []
    for index, item in enumerate(items):
        line = items.item_lines[index]
        if not isinstance(item, YamlMap):
            ctx.summary.drop(
                line, "list item is not a mapping; not read", "write 'name: ...' keys"
            )
            continue
        initiative = ItemReader(ctx, item, line).read()
        if initiative is not None:
            initiatives.append(initiative)
    return initiatives


def _top_level_items(data: Any, ctx: ReadContext) -> YamlList:
    if isinstance(data, YamlMap) and "initiatives" in data:
        for key in data:
            if key != "initiatives":
                ctx.summary.drop(
                    data.key_lines[key],
                    f"top-level key '{key}' is not read by the register reader",
                )
        data = data["initiatives"]
        if data is None:
            return YamlList()
    if not isinstance(data, YamlList):
        raise ReadError(
            ctx.path,
            1,
            "expected a list of initiatives",
            "start the file with 'initiatives:' followed by '- name: ...' items",
        )
    return data


@dataclass(slots=True)
class ItemReader:
    """Read one initiative mapping, recording each key's line."""

    ctx: ReadContext
    item: YamlMap
    line: int
    lines: dict[str, int] = field(default_factory=dict)
    invalid: dict[str, str] = field(default_factory=dict)

    def key_line(self, key: str, mapping: YamlMap | None = None) -> int:
        mapping = self.item if mapping is None else mapping
        return mapping.key_lines[key]

    def read(self) -> Initiative | None:
        item, ctx = self.item, self.ctx
        for key in item:
            self.lines[str(key)] = self.key_line(key)
        name = as_text(item.get("name"))
        if not name:
            ctx.summary.drop(
                self.line, "initiative has no name; not read", "add a 'name:' key"
            )
            return None
        extra = self._extra()
        initiative = Initiative(
            id=as_text(item.get("id")) or ctx.derive_id(slugify(name), "names"),
            name=name,
            owner=self._owner(),
            target=self._target(),
            status=self._status(),
            status_text=as_text(item.get("status")) or None,
            baseline=self._baseline(),
            created_on=self._date("created_on"),
            launched_on=self._date("launched_on"),
            next_checkpoint=self._date("next_checkpoint"),
            checkpoints=self._checkpoints(),
            outcome=self._outcome(),
            history=self._history(),
            program=as_text(item.get("program")) or None,
            progress_note=as_text(item.get("progress_note")) or None,
            notes=as_text(item.get("notes")),
            control_segment=as_text(item.get("control_segment")) or None,
            source=Source(ctx.path, self.line),
            field_lines=dict(self.lines),
            extra=extra,
        )
        if self.invalid:
            initiative.extra["invalid"] = dict(self.invalid)
        return initiative

    def _extra(self) -> dict[str, Any]:
        """Keep keys with no model field in `extra`; report all but lint's keys."""
        extra: dict[str, Any] = {}
        for key in self.item:
            name = str(key)
            if name in _KNOWN_KEYS:
                continue
            if name == "guardrails":
                guardrails = self._guardrails()
                if guardrails:
                    extra[name] = guardrails
            elif name == "lag_days":
                value = self.item[key]
                problem = _lag_days_problem(value)
                if problem is None:
                    extra[name] = value
                else:
                    self.ctx.summary.drop(
                        self.lines[name],
                        problem,
                        "write the days after launch before the KPI can move, a "
                        f"whole number from 0 to {MAX_LAG_DAYS}, such as lag_days: 60",
                    )
                    continue
            elif name in _EXTRA_KEYS:
                if self.item[key] not in (None, ""):
                    extra[name] = as_plain(self.item[key])
            else:
                extra[name] = as_plain(self.item[key])
                self.ctx.summary.drop(
                    self.lines[name],
                    f"key '{name}' is not a register field, kept in extra",
                )
                continue
            self.ctx.summary.recognise(name, _EXTRA_KEYS[name])
        return extra

    def _guardrails(self) -> list[str]:
        """Read `guardrails` (KPI names or ids) as catalog ids where known."""
        value = self.item.get("guardrails")
        if value is None or value == "":
            return []
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, list) and all(
            isinstance(name, str | int | float) for name in value
        ):
            names = [as_text(name) for name in value]
            return [self.ctx.kpi_id(name) for name in names if name]
        self.invalid["guardrails"] = str(as_plain(value))
        self.ctx.summary.drop(
            self.lines["guardrails"],
            f"guardrails '{as_plain(value)}' is not a list of KPI names; "
            "kept in extra['invalid']",
            "write 'guardrails: [NRR, logo churn]'",
        )
        return []

    # --- fields ---------------------------------------------------------------

    def _owner(self) -> Owner:
        value = self.item.get("owner")
        if isinstance(value, YamlMap):
            person = as_text(value.get("person") or value.get("name")) or None
            function = as_text(value.get("function")) or None
            if "function" in value:
                self.lines["owner_function"] = self.key_line("function", value)
            return Owner(person=person, function=function)
        owner, note = parse_owner(as_text(value))
        if note:
            self.ctx.summary.guess(
                self.lines.get("owner"), f"owner read as a function: {note}"
            )
        return owner

    def _status(self) -> Status | None:
        line = self.lines.get("status", self.line)
        return status_field(as_text(self.item.get("status")), line, self.ctx)

    def _date(
        self, key: str, mapping: YamlMap | None = None, name: str | None = None
    ) -> dt.date | None:
        mapping = self.item if mapping is None else mapping
        value = mapping.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        date = parse_date(str(value))
        if date is None:
            label = name or key
            self.invalid[label] = str(value)
            problem = date_problem(str(value))
            reason = f": {problem}" if problem else ""
            self.ctx.summary.drop(
                self.key_line(key, mapping),
                f"{label} '{value}' is not a date{reason}; "
                "kept as text in extra['invalid']",
                "check the day and month" if problem else "write dates as YYYY-MM-DD",
            )
        return date

    def _number(self, value: Any, name: str, line: int) -> Decimal | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int | float):
            number = Decimal(str(value))
        else:
            number, _ = parse_decimal(str(value))
        if number is None:
            self.invalid[name] = str(value)
            self.ctx.summary.drop(
                line, f"{name} '{value}' is not a number; kept in extra['invalid']"
            )
            return None
        problem = magnitude_problem(number)
        if problem is not None:
            self.invalid[name] = str(value)
            self.ctx.summary.drop(
                line,
                f"{name} '{value}' {problem}; kept in extra['invalid']",
                RANGE_HINT,
            )
            return None
        return number

    def _baseline(self) -> Baseline | None:
        value = self.item.get("baseline")
        if value is None:
            return None
        line = self.lines["baseline"]
        if not isinstance(value, YamlMap):
            number = self._number(value, "baseline", line)
            return None if number is None else Baseline(number)
        number = self._number(value.get("value"), "baseline", line)
        if number is None:
            if "value" not in value:
                self.ctx.summary.drop(line, "baseline has no 'value'; not read")
            return None
        as_of = self._date("as_of", value, "baseline.as_of")
        return Baseline(
            number, as_of=as_of, source=as_text(value.get("source")) or None
        )

    def _target(self) -> Target:
        value = self.item.get("target")
        if value is None:
            return Target()
        if not isinstance(value, YamlMap):
            return self.ctx.target(as_text(value))
        return StructuredTarget(self, value).read()

    def _checkpoints(self) -> tuple[Checkpoint, ...]:
        checkpoints = []
        for entry, line in self._entries("checkpoints"):
            on = self._date("on", entry, "checkpoints.on")
            if on is None:
                self.ctx.summary.drop(
                    line, "checkpoint has no valid 'on' date; not read"
                )
                continue
            note, author = as_text(entry.get("note")), as_text(entry.get("author"))
            checkpoints.append(Checkpoint(on=on, note=note, author=author or None))
        return tuple(checkpoints)

    def _history(self) -> tuple[Event, ...]:
        events = []
        for entry, line in self._entries("history"):
            at = as_datetime(entry.get("at"))
            if at is None:
                problem = date_problem(as_text(entry.get("at")))
                reason = f": {problem}" if problem else ""
                self.ctx.summary.drop(
                    line,
                    f"history entry 'at: {entry.get('at')}' is not a date{reason}; "
                    "not read",
                    "write 'at: 2026-03-14' or 'at: 2026-03-14T10:00:00'",
                )
                continue
            changes = read_changes(entry.get("changes"))
            events.append(
                Event(
                    at=at,
                    actor=as_text(entry.get("actor")),
                    kind=as_text(entry.get("kind")) or "change",
                    changes=changes,
                    reason=as_text(entry.get("reason")),
                )
            )
        return tuple(events)

    def _entries(self, key: str) -> list[tuple[YamlMap, int]]:
        value = self.item.get(key)
        if value is None:
            return []
        if not isinstance(value, YamlList):
            self.ctx.summary.drop(self.lines[key], f"'{key}' is not a list; not read")
            return []
        entries = []
        for index, entry in enumerate(value):
            line = value.item_lines[index]
            if isinstance(entry, YamlMap):
                entries.append((entry, line))
            else:
                self.ctx.summary.drop(line, f"{key} entry is not a mapping; not read")
        return entries

    def _outcome(self) -> Outcome | None:
        value = self.item.get("outcome")
        if value is None:
            return None
        line = self.lines["outcome"]
        if not isinstance(value, YamlMap):
            return self._outcome_of(value, line, YamlMap())
        return self._outcome_of(value.get("result"), line, value)

    def _outcome_of(self, result_value: Any, line: int, value: YamlMap) -> Outcome:
        if "lesson" in value:
            self.lines["lesson"] = self.key_line("lesson", value)
        result = outcome_result(as_text(result_value))
        if result_value is not None and result is None:
            self.invalid["outcome.result"] = as_text(result_value)
            self.ctx.summary.drop(
                line,
                f"outcome '{result_value}' cannot be read; kept in extra['invalid']",
                "use achieved, partially-achieved, missed or abandoned",
            )
        movement = self._number(value.get("actual_movement"), "actual_movement", line)
        unit = UNITS.get(as_text(value.get("actual_unit")).casefold())
        return Outcome(
            result=result,
            actual_movement=movement,
            actual_unit=unit,
            lesson=as_text(value.get("lesson")),
            closed_on=self._date("closed_on", value, "outcome.closed_on"),
        )
