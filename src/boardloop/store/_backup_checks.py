"""Checks of one backup record: field types first, then what the store requires.

`read_fields` turns a line's JSON object into its record and `check_record`
applies the rules the database and the codec would apply on restore, so a bad
record is named by its line before any row is written.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from boardloop.access import Role
from boardloop.domain.model import KpiValue
from boardloop.store._account_errors import InvalidSettingsError, InvalidUserError
from boardloop.store._accounts import normalize_login
from boardloop.store._backup_records import (
    RECORD_FIELDS,
    CompanyRecord,
    ControlIntervalRecord,
    EventRecord,
    ImportLogRecord,
    InitiativeRecord,
    KpiValueRecord,
    MembershipRecord,
)
from boardloop.store._codec import CodecError, decode_changes, decode_initiative
from boardloop.store._schema import to_utc
from boardloop.store._settings import settings_from_document

__all__ = ["RecordProblem", "check_record", "parse_timestamp", "read_fields"]

RECORD_TYPES: dict[str, type[Any]] = {
    "company": CompanyRecord,
    "initiative": InitiativeRecord,
    "event": EventRecord,
    "kpi_value": KpiValueRecord,
    "control_interval": ControlIntervalRecord,
    "import": ImportLogRecord,
    "membership": MembershipRecord,
}
SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")
# Exceptions the codec raises on data it cannot decode. Decimal raises
# InvalidOperation, an ArithmeticError, on text that is not a number.
DECODE_ERRORS = (
    CodecError,
    KeyError,
    TypeError,
    ValueError,
    AttributeError,
    ArithmeticError,
)


class RecordProblem(ValueError):
    """A problem with one record, without its file and line, which the caller adds."""


# --- field types ------------------------------------------------------------------


def read_fields(kind: str, document: dict[str, Any]) -> Any:
    """Build the record of `kind` from a line's object, checking each field's type."""
    spec = RECORD_FIELDS[kind]
    names = {name for name, _ in spec}
    missing = sorted(names - set(document))
    if missing:
        raise RecordProblem(f"missing field {', '.join(map(repr, missing))}")
    unknown = sorted(set(document) - names - {"type"})
    if unknown:
        raise RecordProblem(f"unknown field {', '.join(map(repr, unknown))}")
    values = {
        name: read_field(name, field_kind, document[name]) for name, field_kind in spec
    }
    return RECORD_TYPES[kind](**values)


def read_field(name: str, field_kind: str, value: Any) -> Any:
    """Check and convert one field's JSON value; a kind ending in "?" allows null."""
    if field_kind.endswith("?"):
        if value is None:
            return None
        field_kind = field_kind[:-1]
    if field_kind == "text":
        if not isinstance(value, str):
            raise RecordProblem(f"{name} must be text, found {value!r}")
        return value
    if field_kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            raise RecordProblem(f"{name} must be an integer, found {value!r}")
        return value
    if field_kind == "timestamp":
        return parse_timestamp(name, value)
    if field_kind == "date":
        return parse_date(name, value)
    if field_kind == "decimal":
        return check_decimal(name, value)
    if not isinstance(value, dict):
        raise RecordProblem(f"{name} must be a JSON object, found {value!r}")
    return value


def parse_timestamp(name: str, value: Any) -> dt.datetime:
    """Read ISO 8601 text with a UTC offset, as aware UTC."""
    if not isinstance(value, str):
        raise RecordProblem(f"{name} must be a timestamp text, found {value!r}")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise RecordProblem(f"{name} {value!r} is not an ISO 8601 timestamp") from None
    if parsed.utcoffset() is None:
        raise RecordProblem(
            f"{name} {value!r} has no UTC offset; write it as "
            "2026-03-02T09:00:00.000000+00:00"
        )
    return to_utc(parsed)


def parse_date(name: str, value: Any) -> dt.date:
    if not isinstance(value, str):
        raise RecordProblem(f"{name} must be a date text, found {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RecordProblem(f"{name} {value!r} is not a date (YYYY-MM-DD)") from None


def check_decimal(name: str, value: Any) -> str:
    """Return Decimal text unchanged after checking that it is a finite number."""
    if not isinstance(value, str):
        raise RecordProblem(f"{name} must be a number written as text, found {value!r}")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise RecordProblem(f"{name} {value!r} is not a number") from None
    if not number.is_finite():
        raise RecordProblem(f"{name} {value!r} is not a finite number")
    return value


# --- rules of the store -------------------------------------------------------------


def check_record(kind: str, record: Any) -> Any:
    """Apply the store's rules to a record and return its unique key, if it has one."""
    if isinstance(record, CompanyRecord):
        return check_company(record)
    if isinstance(record, InitiativeRecord):
        return check_initiative(record)
    if isinstance(record, EventRecord):
        return check_event(record)
    if isinstance(record, KpiValueRecord):
        return check_kpi_value(record)
    if isinstance(record, ControlIntervalRecord):
        return check_control_interval(record)
    if isinstance(record, ImportLogRecord):
        return check_import(record)
    if isinstance(record, MembershipRecord):
        return check_membership(record)
    raise RecordProblem(f"unknown record type {kind!r}")


def check_company(record: CompanyRecord) -> None:
    if not record.name.strip():
        raise RecordProblem("the company name is empty")
    try:
        settings_from_document(record.name, record.settings)
    except InvalidSettingsError as error:
        raise RecordProblem(str(error)) from None


def check_initiative(record: InitiativeRecord) -> str:
    if record.version < 1:
        raise RecordProblem(f"version {record.version} is below 1")
    try:
        initiative = decode_initiative(record.data)
    except DECODE_ERRORS as error:
        raise RecordProblem(f"data cannot be decoded ({describe(error)})") from None
    status = None if initiative.status is None else initiative.status.value
    stated = (
        ("key", record.key, initiative.id),
        ("name", record.name, initiative.name),
    )
    for name, column, encoded in (*stated, ("status", record.status, status)):
        if column != encoded:
            raise RecordProblem(
                f"{name} {column!r} differs from the {name} {encoded!r} in data"
            )
    return record.key


def check_event(record: EventRecord) -> None:
    try:
        decode_changes(record.changes, f"event of {record.initiative_key!r}")
    except DECODE_ERRORS as error:
        raise RecordProblem(f"changes cannot be decoded ({describe(error)})") from None


def check_kpi_value(record: KpiValueRecord) -> tuple[Any, ...]:
    if record.window_days is not None and record.window_days < 1:
        raise RecordProblem(
            f"window_days {record.window_days} is below 1; use null for no window"
        )
    if record.n is not None and record.n < 0:
        raise RecordProblem(f"n {record.n} is negative")
    try:
        KpiValue(
            kpi_id=record.kpi_id,
            segment=record.segment,
            period_end=record.period_end,
            value=Decimal(record.value),
            low=None if record.low is None else Decimal(record.low),
            high=None if record.high is None else Decimal(record.high),
        )
    except ValueError as error:
        raise RecordProblem(str(error)) from None
    return (record.kpi_id, record.segment, record.window_days, record.period_end)


def check_control_interval(record: ControlIntervalRecord) -> None:
    if record.window_days is not None and record.window_days < 1:
        raise RecordProblem(f"window_days {record.window_days} is below 1")
    if Decimal(record.low) > Decimal(record.high):
        raise RecordProblem(f"low {record.low} is above high {record.high}")
    for name in ("n_treated", "n_control", "resamples"):
        if getattr(record, name) < 0:
            raise RecordProblem(f"{name} {getattr(record, name)} is negative")


def check_import(record: ImportLogRecord) -> None:
    if not SHA256_PATTERN.fullmatch(record.sha256):
        raise RecordProblem(
            f"sha256 {record.sha256!r} is not 64 lower-case hexadecimal digits"
        )


def check_membership(record: MembershipRecord) -> str:
    try:
        login = normalize_login(record.login)
    except InvalidUserError as error:
        raise RecordProblem(str(error)) from None
    if login != record.login:
        raise RecordProblem(
            f"login {record.login!r} is not in its stored form {login!r}"
        )
    if not record.display_name.strip():
        raise RecordProblem(f"user {login!r} has an empty display name")
    if record.role not in {role.value for role in Role}:
        roles = ", ".join(role.value for role in Role)
        raise RecordProblem(f"role {record.role!r} is not one of {roles}")
    return login


def describe(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"missing key {error.args[0]!r}"
    return f"{type(error).__name__}: {error}"
