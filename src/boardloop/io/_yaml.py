"""YAML registers, read with ruamel.yaml so that every key keeps its line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from boardloop.domain.model import (
    Baseline,
    Checkpoint,
    Direction,
    Event,
    Initiative,
    LevelBound,
    Outcome,
    Owner,
    Source,
    Status,
    Target,
    Unit,
)
from boardloop.io._csv import outcome_result, status_field
from boardloop.io._fields import parse_date, parse_decimal, parse_owner, slugify
from boardloop.io._summary import ReadError

if TYPE_CHECKING:
    from boardloop.io._fields import ReadContext

__all__ = ["read_yaml_text"]

_T = TypeVar("_T")

_DATE_KEYS = ("launched_on", "created_on", "next_checkpoint")
_TEXT_KEYS = ("program", "notes", "control_segment", "progress_note")
_KNOWN_KEYS = frozenset(
    {
        "id", "name", "owner", "target", "status", "baseline", "checkpoints",
        "outcome", "history", *_DATE_KEYS, *_TEXT_KEYS,
    }
)  # fmt: skip
_UNITS = {
    "pp": Unit.PP, "percentage points": Unit.PP, "%": Unit.PERCENT,
    "percent": Unit.PERCENT, "pts": Unit.PTS, "points": Unit.PTS,
    "currency": Unit.CURRENCY, "count": Unit.COUNT,
}  # fmt: skip
_DIRECTIONS = {
    "increase": Direction.INCREASE, "up": Direction.INCREASE,
    "decrease": Direction.DECREASE, "down": Direction.DECREASE,
    "reduce": Direction.DECREASE, "hold": Direction.HOLD,
}  # fmt: skip


def read_yaml_text(text: str, ctx: ReadContext) -> list[Initiative]:
    """Read a register from YAML text: an 'initiatives:' list or a bare list."""
    items = _top_level_items(_load(text, ctx.path), ctx)
    initiatives = []
    for index, item in enumerate(items):
        line = items.lc.item(index)[0] + 1
        if not isinstance(item, CommentedMap):
            ctx.summary.drop(
                line, "list item is not a mapping; not read", "write 'name: ...' keys"
            )
            continue
        initiative = _ItemReader(ctx, item, line).read()
        if initiative is not None:
            initiatives.append(initiative)
    return initiatives


def _load(text: str, path: str) -> Any:
    try:
        return YAML(typ="rt").load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "invalid YAML"
        raise ReadError(
            path, line, f"invalid YAML: {problem}", "fix the syntax on that line"
        ) from error
    except YAMLError as error:
        raise ReadError(path, None, f"invalid YAML: {error}") from error


def _top_level_items(data: Any, ctx: ReadContext) -> CommentedSeq:
    if isinstance(data, CommentedMap) and "initiatives" in data:
        for key in data:
            if key != "initiatives":
                ctx.summary.drop(
                    data.lc.key(key)[0] + 1,
                    f"top-level key '{key}' is not read by the register reader",
                )
        data = data["initiatives"]
        if data is None:
            return CommentedSeq()
    if not isinstance(data, CommentedSeq):
        raise ReadError(
            ctx.path,
            1,
            "expected a list of initiatives",
            "start the file with 'initiatives:' followed by '- name: ...' items",
        )
    return data


@dataclass(slots=True)
class _ItemReader:
    """Read one initiative mapping, recording each key's line."""

    ctx: ReadContext
    item: CommentedMap
    line: int
    lines: dict[str, int] = field(default_factory=dict)
    invalid: dict[str, str] = field(default_factory=dict)

    def key_line(self, key: str, mapping: CommentedMap | None = None) -> int:
        mapping = self.item if mapping is None else mapping
        return int(mapping.lc.key(key)[0]) + 1

    def read(self) -> Initiative | None:
        item, ctx = self.item, self.ctx
        for key in item:
            self.lines[str(key)] = self.key_line(key)
        name = _text(item.get("name"))
        if not name:
            ctx.summary.drop(
                self.line, "initiative has no name; not read", "add a 'name:' key"
            )
            return None
        extra = {str(key): _plain(item[key]) for key in item if key not in _KNOWN_KEYS}
        for key in extra:
            ctx.summary.drop(
                self.lines[key], f"key '{key}' is not a register field, kept in extra"
            )
        initiative = Initiative(
            id=_text(item.get("id")) or slugify(name),
            name=name,
            owner=self._owner(),
            target=self._target(),
            status=self._status(),
            status_text=_text(item.get("status")) or None,
            baseline=self._baseline(),
            created_on=self._date("created_on"),
            launched_on=self._date("launched_on"),
            next_checkpoint=self._date("next_checkpoint"),
            checkpoints=self._checkpoints(),
            outcome=self._outcome(),
            history=self._history(),
            program=_text(item.get("program")) or None,
            progress_note=_text(item.get("progress_note")) or None,
            notes=_text(item.get("notes")),
            control_segment=_text(item.get("control_segment")) or None,
            source=Source(ctx.path, self.line),
            field_lines=dict(self.lines),
            extra=extra,
        )
        if self.invalid:
            initiative.extra["invalid"] = dict(self.invalid)
        return initiative

    # --- fields ---------------------------------------------------------------

    def _owner(self) -> Owner:
        value = self.item.get("owner")
        if isinstance(value, CommentedMap):
            person = _text(value.get("person") or value.get("name")) or None
            function = _text(value.get("function")) or None
            if "function" in value:
                self.lines["owner_function"] = self.key_line("function", value)
            return Owner(person=person, function=function)
        owner, note = parse_owner(_text(value))
        if note:
            self.ctx.summary.guess(
                self.lines.get("owner"), f"owner read as a function: {note}"
            )
        return owner

    def _status(self) -> Status | None:
        line = self.lines.get("status", self.line)
        return status_field(_text(self.item.get("status")), line, self.ctx)

    def _date(
        self, key: str, mapping: CommentedMap | None = None, name: str | None = None
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
            self.ctx.summary.drop(
                self.key_line(key, mapping),
                f"{label} '{value}' is not a date; kept as text in extra['invalid']",
                "write dates as YYYY-MM-DD",
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
        return number

    def _baseline(self) -> Baseline | None:
        value = self.item.get("baseline")
        if value is None:
            return None
        line = self.lines["baseline"]
        if not isinstance(value, CommentedMap):
            number = self._number(value, "baseline", line)
            return None if number is None else Baseline(number)
        number = self._number(value.get("value"), "baseline", line)
        if number is None:
            if "value" not in value:
                self.ctx.summary.drop(line, "baseline has no 'value'; not read")
            return None
        as_of = self._date("as_of", value, "baseline.as_of")
        return Baseline(number, as_of=as_of, source=_text(value.get("source")) or None)

    def _target(self) -> Target:
        value = self.item.get("target")
        if value is None:
            return Target()
        if not isinstance(value, CommentedMap):
            return self.ctx.target(_text(value))
        return _StructuredTarget(self, value).read()

    def _checkpoints(self) -> tuple[Checkpoint, ...]:
        checkpoints = []
        for entry, line in self._entries("checkpoints"):
            on = self._date("on", entry, "checkpoints.on")
            if on is None:
                self.ctx.summary.drop(
                    line, "checkpoint has no valid 'on' date; not read"
                )
                continue
            note, author = _text(entry.get("note")), _text(entry.get("author"))
            checkpoints.append(Checkpoint(on=on, note=note, author=author or None))
        return tuple(checkpoints)

    def _history(self) -> tuple[Event, ...]:
        events = []
        for entry, line in self._entries("history"):
            at = _datetime(entry.get("at"))
            if at is None:
                self.ctx.summary.drop(
                    line,
                    f"history entry 'at: {entry.get('at')}' is not a date; not read",
                    "write 'at: 2026-03-14' or 'at: 2026-03-14T10:00:00'",
                )
                continue
            changes = _changes(entry.get("changes"))
            events.append(
                Event(
                    at=at,
                    actor=_text(entry.get("actor")),
                    kind=_text(entry.get("kind")) or "change",
                    changes=changes,
                    reason=_text(entry.get("reason")),
                )
            )
        return tuple(events)

    def _entries(self, key: str) -> list[tuple[CommentedMap, int]]:
        value = self.item.get(key)
        if value is None:
            return []
        if not isinstance(value, CommentedSeq):
            self.ctx.summary.drop(self.lines[key], f"'{key}' is not a list; not read")
            return []
        entries = []
        for index, entry in enumerate(value):
            line = int(value.lc.item(index)[0]) + 1
            if isinstance(entry, CommentedMap):
                entries.append((entry, line))
            else:
                self.ctx.summary.drop(line, f"{key} entry is not a mapping; not read")
        return entries

    def _outcome(self) -> Outcome | None:
        value = self.item.get("outcome")
        if value is None:
            return None
        line = self.lines["outcome"]
        if not isinstance(value, CommentedMap):
            return self._outcome_of(value, line, CommentedMap())
        return self._outcome_of(value.get("result"), line, value)

    def _outcome_of(self, result_value: Any, line: int, value: CommentedMap) -> Outcome:
        if "lesson" in value:
            self.lines["lesson"] = self.key_line("lesson", value)
        result = outcome_result(_text(result_value))
        if result_value is not None and result is None:
            self.invalid["outcome.result"] = _text(result_value)
            self.ctx.summary.drop(
                line,
                f"outcome '{result_value}' cannot be read; kept in extra['invalid']",
                "use achieved, partially-achieved, missed or abandoned",
            )
        movement = self._number(value.get("actual_movement"), "actual_movement", line)
        unit = _UNITS.get(_text(value.get("actual_unit")).casefold())
        return Outcome(
            result=result,
            actual_movement=movement,
            actual_unit=unit,
            lesson=_text(value.get("lesson")),
            closed_on=self._date("closed_on", value, "outcome.closed_on"),
        )


@dataclass(slots=True)
class _StructuredTarget:
    """Turn a target mapping (kpi, direction, amount, unit, ...) into a Target."""

    reader: _ItemReader
    mapping: CommentedMap
    problems: list[str] = field(default_factory=list)

    def read(self) -> Target:
        mapping, ctx = self.mapping, self.reader.ctx
        line = self.reader.lines["target"]
        target = Target(
            kpi_id=ctx.kpi_id(_text(mapping["kpi"])) if mapping.get("kpi") else None,
            kpi_label=_text(mapping.get("kpi")) or None,
            direction=self._choice("direction", _DIRECTIONS),
            amount=self._number("amount"),
            unit=self._choice("unit", _UNITS),
            currency=_text(mapping.get("currency")) or None,
            level=self._number("level"),
            level_bound=self._choice("level_bound", {b.value: b for b in LevelBound}),
            start_level=self._number("start_level"),
            segment=_text(mapping.get("segment")) or None,
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

        text = _text(mapping.get("text")) or format_target(
            target, calendar=ctx.calendar
        )
        return replace(target, text=text, problems=tuple(self.problems))

    def _choice(self, key: str, choices: dict[str, _T]) -> _T | None:
        raw = _text(self.mapping.get(key))
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
            self.problems.append(f"{key} '{value}' is not a number")
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
            self.problems.append(f"deadline '{value}' cannot be read")
            self.reader.invalid["target.deadline"] = str(value)
            self.reader.ctx.summary.drop(
                self.reader.key_line("deadline", self.mapping),
                f"target deadline '{value}' cannot be read; kept in extra['invalid']",
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


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _plain(value: Any) -> Any:
    """Turn ruamel containers into plain dicts and lists for `extra`."""
    if isinstance(value, CommentedMap):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, CommentedSeq):
        return [_plain(item) for item in value]
    return value


def _datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _changes(value: Any) -> dict[str, tuple[Any, Any]]:
    """Read 'changes' as field -> [before, after] or field -> {from, to}."""
    if not isinstance(value, CommentedMap):
        return {}
    changes = {}
    for key, change in value.items():
        if isinstance(change, CommentedSeq) and len(change) == 2:
            changes[str(key)] = (_json_ready(change[0]), _json_ready(change[1]))
        elif isinstance(change, CommentedMap):
            before, after = change.get("from"), change.get("to")
            changes[str(key)] = (_json_ready(before), _json_ready(after))
        else:
            changes[str(key)] = (None, _json_ready(change))
    return changes


def _json_ready(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return _plain(value)
