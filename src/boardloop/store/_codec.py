"""Initiatives as JSON-ready dicts and back, with nothing lost on the way.

Decimals are written as strings so that "1.50" stays "1.50", dates and times as
ISO 8601 text, and enums by their value. Free-form values (`Initiative.extra`
and event changes) keep their Python types through tagged objects such as
{"$decimal": "1.50"}, {"$date": "2026-03-14"} or {"$tuple": [...]}.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from typing import Any, TypeVar

from boardloop.domain.model import (
    Baseline,
    Checkpoint,
    Direction,
    Event,
    Initiative,
    LevelBound,
    Outcome,
    OutcomeResult,
    Owner,
    Source,
    Status,
    Target,
    Unit,
)

__all__ = [
    "CODEC_VERSION",
    "CodecError",
    "decode_event",
    "decode_initiative",
    "decode_value",
    "dump_json",
    "encode_event",
    "encode_initiative",
    "encode_value",
]

CODEC_VERSION = 1

EnumType = TypeVar("EnumType", Status, Direction, Unit, LevelBound, OutcomeResult)

TAGS = (
    "$decimal",
    "$date",
    "$datetime",
    "$time",
    "$tuple",
    "$float",
    "$dict",
    "$items",
)


class CodecError(ValueError):
    """A value that cannot be stored as JSON, or stored JSON that cannot be decoded."""

    def __init__(self, where: str, value: object, problem: str) -> None:
        super().__init__(f"{where}: {problem}: {value!r}")
        self.where = where
        self.value = value


def dump_json(value: Any) -> str:
    """Serialize an encoded value as compact, key-sorted JSON text."""
    return json.dumps(
        value,
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        allow_nan=False,
    )


# --- initiatives ---------------------------------------------------------------


def encode_initiative(initiative: Initiative) -> dict[str, Any]:
    """Encode every field of an initiative as JSON-ready data."""
    where = f"initiative {initiative.id!r}"
    return {
        "codec": CODEC_VERSION,
        "id": initiative.id,
        "name": initiative.name,
        "owner": encode_owner(initiative.owner),
        "target": encode_target(initiative.target),
        "status": enum_value(initiative.status),
        "status_text": initiative.status_text,
        "program": initiative.program,
        "baseline": encode_baseline(initiative.baseline),
        "created_on": date_text(initiative.created_on),
        "launched_on": date_text(initiative.launched_on),
        "next_checkpoint": date_text(initiative.next_checkpoint),
        "checkpoints": [encode_checkpoint(item) for item in initiative.checkpoints],
        "outcome": encode_outcome(initiative.outcome),
        "history": [encode_event(event, where) for event in initiative.history],
        "progress_note": initiative.progress_note,
        "notes": initiative.notes,
        "control_segment": initiative.control_segment,
        "source": encode_source(initiative.source),
        "field_lines": dict(initiative.field_lines),
        "extra": {
            key: encode_value(value, f"{where} extra.{key}")
            for key, value in initiative.extra.items()
        },
    }


def decode_initiative(data: dict[str, Any]) -> Initiative:
    """Rebuild an initiative from `encode_initiative` output."""
    version = data.get("codec")
    if version != CODEC_VERSION:
        raise CodecError(
            "stored initiative",
            version,
            f"unknown codec version, expected {CODEC_VERSION}",
        )
    where = f"initiative {data.get('id')!r}"
    return Initiative(
        id=data["id"],
        name=data["name"],
        owner=Owner(**data["owner"]),
        target=decode_target(data["target"]),
        status=decode_enum(Status, data["status"]),
        status_text=data["status_text"],
        program=data["program"],
        baseline=decode_baseline(data["baseline"]),
        created_on=parse_date(data["created_on"]),
        launched_on=parse_date(data["launched_on"]),
        next_checkpoint=parse_date(data["next_checkpoint"]),
        checkpoints=tuple(decode_checkpoint(item) for item in data["checkpoints"]),
        outcome=decode_outcome(data["outcome"]),
        history=tuple(decode_event(item, where) for item in data["history"]),
        progress_note=data["progress_note"],
        notes=data["notes"],
        control_segment=data["control_segment"],
        source=decode_source(data["source"]),
        field_lines=dict(data["field_lines"]),
        extra={key: decode_value(value) for key, value in data["extra"].items()},
    )


def encode_owner(owner: Owner) -> dict[str, Any]:
    return {"person": owner.person, "function": owner.function}


def encode_target(target: Target) -> dict[str, Any]:
    return {
        "text": target.text,
        "kpi_id": target.kpi_id,
        "kpi_label": target.kpi_label,
        "direction": enum_value(target.direction),
        "amount": decimal_text(target.amount),
        "unit": enum_value(target.unit),
        "currency": target.currency,
        "level": decimal_text(target.level),
        "level_bound": enum_value(target.level_bound),
        "start_level": decimal_text(target.start_level),
        "segment": target.segment,
        "window_days": target.window_days,
        "deadline": date_text(target.deadline),
        "deadline_label": target.deadline_label,
        "problems": list(target.problems),
    }


def decode_target(data: dict[str, Any]) -> Target:
    return Target(
        text=data["text"],
        kpi_id=data["kpi_id"],
        kpi_label=data["kpi_label"],
        direction=decode_enum(Direction, data["direction"]),
        amount=parse_decimal(data["amount"]),
        unit=decode_enum(Unit, data["unit"]),
        currency=data["currency"],
        level=parse_decimal(data["level"]),
        level_bound=decode_enum(LevelBound, data["level_bound"]),
        start_level=parse_decimal(data["start_level"]),
        segment=data["segment"],
        window_days=data["window_days"],
        deadline=parse_date(data["deadline"]),
        deadline_label=data["deadline_label"],
        problems=tuple(data["problems"]),
    )


def encode_baseline(baseline: Baseline | None) -> dict[str, Any] | None:
    if baseline is None:
        return None
    return {
        "value": decimal_text(baseline.value),
        "as_of": date_text(baseline.as_of),
        "source": baseline.source,
    }


def decode_baseline(data: dict[str, Any] | None) -> Baseline | None:
    if data is None:
        return None
    return Baseline(
        value=Decimal(data["value"]),
        as_of=parse_date(data["as_of"]),
        source=data["source"],
    )


def encode_checkpoint(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "on": checkpoint.on.isoformat(),
        "note": checkpoint.note,
        "author": checkpoint.author,
    }


def decode_checkpoint(data: dict[str, Any]) -> Checkpoint:
    return Checkpoint(
        on=dt.date.fromisoformat(data["on"]), note=data["note"], author=data["author"]
    )


def encode_outcome(outcome: Outcome | None) -> dict[str, Any] | None:
    if outcome is None:
        return None
    return {
        "result": enum_value(outcome.result),
        "actual_movement": decimal_text(outcome.actual_movement),
        "actual_unit": enum_value(outcome.actual_unit),
        "lesson": outcome.lesson,
        "closed_on": date_text(outcome.closed_on),
    }


def decode_outcome(data: dict[str, Any] | None) -> Outcome | None:
    if data is None:
        return None
    return Outcome(
        result=decode_enum(OutcomeResult, data["result"]),
        actual_movement=parse_decimal(data["actual_movement"]),
        actual_unit=decode_enum(Unit, data["actual_unit"]),
        lesson=data["lesson"],
        closed_on=parse_date(data["closed_on"]),
    )


def encode_source(source: Source | None) -> dict[str, Any] | None:
    if source is None:
        return None
    return {"path": source.path, "line": source.line}


def decode_source(data: dict[str, Any] | None) -> Source | None:
    if data is None:
        return None
    return Source(path=data["path"], line=data["line"])


# --- events ----------------------------------------------------------------------


def encode_event(event: Event, where: str = "event") -> dict[str, Any]:
    """Encode an event; its change values keep their types through tags."""
    return {
        "at": event.at.isoformat(),
        "actor": event.actor,
        "kind": event.kind,
        "changes": encode_changes(event.changes, where),
        "reason": event.reason,
    }


def decode_event(data: dict[str, Any], where: str = "event") -> Event:
    return Event(
        at=dt.datetime.fromisoformat(data["at"]),
        actor=data["actor"],
        kind=data["kind"],
        changes=decode_changes(data["changes"], where),
        reason=data["reason"],
    )


def encode_changes(changes: dict[str, tuple[Any, Any]], where: str) -> dict[str, Any]:
    """Encode an event's {field: (before, after)} map."""
    encoded: dict[str, Any] = {}
    for name, pair in changes.items():
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise CodecError(
                f"{where} change {name!r}", pair, "expected a (before, after) pair"
            )
        before, after = pair
        encoded[name] = [
            encode_value(before, f"{where} change {name!r}"),
            encode_value(after, f"{where} change {name!r}"),
        ]
    return encoded


def decode_changes(data: dict[str, Any], where: str) -> dict[str, tuple[Any, Any]]:
    decoded: dict[str, tuple[Any, Any]] = {}
    for name, pair in data.items():
        if not isinstance(pair, list) or len(pair) != 2:
            raise CodecError(
                f"{where} change {name!r}", pair, "expected a [before, after] pair"
            )
        decoded[name] = (decode_value(pair[0]), decode_value(pair[1]))
    return decoded


# --- free-form values -------------------------------------------------------------


def encode_value(value: Any, where: str) -> Any:
    """Encode a free-form value, tagging every type that JSON would lose."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, list):
        return [encode_value(item, where) for item in value]
    if isinstance(value, tuple):
        return {"$tuple": [encode_value(item, where) for item in value]}
    if isinstance(value, dict):
        return encode_dict(value, where)
    raise CodecError(
        where, value, f"cannot store a value of type {type(value).__name__}"
    )


def encode_dict(value: dict[Any, Any], where: str) -> dict[str, Any]:
    """Encode a dict; keys that are not strings, or look like tags, are wrapped."""
    if not all(isinstance(key, str) for key in value):
        items = [
            [encode_value(k, where), encode_value(v, where)] for k, v in value.items()
        ]
        return {"$items": items}
    encoded = {key: encode_value(item, where) for key, item in value.items()}
    if any(key.startswith("$") for key in value):
        return {"$dict": encoded}
    return encoded


def decode_value(value: Any) -> Any:
    """Rebuild a free-form value from `encode_value` output."""
    if isinstance(value, list):
        return [decode_value(item) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((tag, content),) = value.items()
        if tag in TAGS:
            return decode_tagged(tag, content)
    return {key: decode_value(item) for key, item in value.items()}


def decode_tagged(tag: str, content: Any) -> Any:
    if tag == "$decimal":
        return Decimal(content)
    if tag == "$date":
        return dt.date.fromisoformat(content)
    if tag == "$datetime":
        return dt.datetime.fromisoformat(content)
    if tag == "$time":
        return dt.time.fromisoformat(content)
    if tag == "$tuple":
        return tuple(decode_value(item) for item in content)
    if tag == "$float":
        return float(content)
    if tag == "$dict":
        return {key: decode_value(item) for key, item in content.items()}
    return {decode_value(key): decode_value(item) for key, item in content}


# --- scalars ----------------------------------------------------------------------


AnyEnum = Status | Direction | Unit | LevelBound | OutcomeResult


def enum_value(value: AnyEnum | None) -> str | None:
    return None if value is None else value.value


def decode_enum(enum: type[EnumType], value: str | None) -> EnumType | None:
    return None if value is None else enum(value)


def decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def parse_decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def date_text(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def parse_date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)
