"""Row-level steps of store transactions: initiatives, events, imports, KPI values.

Every function works inside the caller's session, so the caller's transaction
decides what is committed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from boardloop.domain.model import Event, Initiative, KpiValue, Source
from boardloop.store._codec import (
    decimal_text,
    decode_changes,
    decode_initiative,
    dump_json,
    encode_changes,
    encode_initiative,
    parse_decimal,
)
from boardloop.store._diff import diff_initiatives
from boardloop.store._errors import (
    DuplicateKeyError,
    StaleVersionError,
    check_company_name,
)
from boardloop.store._schema import (
    CompanyRow,
    EventRow,
    ImportRow,
    InitiativeRow,
    KpiValueRow,
    to_utc,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from sqlalchemy.orm import Session

EventSignature = tuple[str, str, str, str]


def find_company_id(session: Session, company: str) -> int | None:
    return session.scalar(select(CompanyRow.id).where(CompanyRow.name == company))


def company_id_for_write(session: Session, company: str) -> int:
    company_id = find_company_id(session, company)
    if company_id is not None:
        return company_id
    check_company_name(company)
    row = CompanyRow(name=company)
    session.add(row)
    session.flush()
    return row.id


def initiative_rows(session: Session, company_id: int) -> dict[str, InitiativeRow]:
    rows = session.scalars(
        select(InitiativeRow).where(InitiativeRow.company_id == company_id)
    )
    return {row.key: row for row in rows}


def initiative_row(session: Session, company_id: int, key: str) -> InitiativeRow | None:
    return session.scalar(
        select(InitiativeRow).where(
            InitiativeRow.company_id == company_id, InitiativeRow.key == key
        )
    )


def decode_row(row: InitiativeRow) -> Initiative:
    return decode_initiative(load_json(row.data))


def encode_row_data(initiative: Initiative) -> str:
    """Encode an initiative for its row; its history lives in the events table."""
    return dump_json(encode_initiative(replace(initiative, history=())))


def add_initiative(
    session: Session, company_id: int, initiative: Initiative, *, at: dt.datetime
) -> InitiativeRow:
    row = InitiativeRow(
        company_id=company_id,
        key=initiative.id,
        name=initiative.name,
        status=None if initiative.status is None else initiative.status.value,
        data=encode_row_data(initiative),
        version=1,
        created_at=at,
        updated_at=at,
    )
    session.add(row)
    return row


def save_changes(
    session: Session,
    company_id: int,
    row: InitiativeRow,
    initiative: Initiative,
    new_history: list[Event],
    change_event: Event,
    *,
    expected_version: int,
) -> bool:
    """Write a changed initiative over its row and record what changed.

    Returns whether any field changed. A change that only moves the source
    location refreshes the row without a new version or event.
    """
    differences = diff_initiatives(decode_row(row), initiative)
    changes = uncovered_changes(differences, new_history)
    data = encode_row_data(initiative)
    if not differences:
        if data != row.data:
            row.data = data
        return False

    write_next_version(
        session, row, initiative, at=change_event.at, expected_version=expected_version
    )
    if changes:
        add_event(
            session, company_id, initiative.id, replace(change_event, changes=changes)
        )
    return True


def write_next_version(
    session: Session,
    row: InitiativeRow,
    initiative: Initiative,
    *,
    at: dt.datetime,
    expected_version: int,
) -> int:
    """Write an initiative over its row as the next version, and return that version.

    The update is a compare-and-set on the version, so a concurrent writer that
    saved first makes this one raise `StaleVersionError` instead of being
    overwritten.
    """
    result = session.execute(
        update(InitiativeRow)
        .where(InitiativeRow.id == row.id, InitiativeRow.version == expected_version)
        .values(
            name=initiative.name,
            status=None if initiative.status is None else initiative.status.value,
            data=encode_row_data(initiative),
            version=expected_version + 1,
            updated_at=at,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(row)
        raise StaleVersionError(initiative.id, expected_version, row.version)
    session.refresh(row)
    return row.version


def absent_keys(
    rows: dict[str, InitiativeRow], initiatives: Sequence[Initiative], source_path: str
) -> tuple[str, ...]:
    """Return the stored keys read from `source_path` that this import does not hold."""
    imported = {initiative.id for initiative in initiatives}
    absent = []
    for key, row in rows.items():
        if key in imported:
            continue
        source = decode_row(row).source
        if source is not None and source.path == source_path:
            absent.append(key)
    return tuple(sorted(absent))


def uncovered_changes(
    changes: dict[str, tuple[Any, Any]], new_history: list[Event]
) -> dict[str, tuple[Any, Any]]:
    """Drop the changes that a newly stored history event already records.

    A `transition` appends a status event to the history; recording the same
    status change again in an `updated` event would double it.
    """
    covered = {
        (name, str(pair[1]))
        for stored_event in new_history
        for name, pair in stored_event.changes.items()
        if isinstance(pair, tuple | list) and len(pair) == 2
    }
    return {
        name: pair
        for name, pair in changes.items()
        if (name, str(pair[1])) not in covered
    }


# --- events ---------------------------------------------------------------------


def add_event(session: Session, company_id: int, key: str, stored_event: Event) -> None:
    session.add(
        EventRow(
            company_id=company_id,
            initiative_key=key,
            at=stored_event.at,
            actor=stored_event.actor,
            kind=stored_event.kind,
            changes=dump_json(
                encode_changes(stored_event.changes, f"event of {key!r}")
            ),
            reason=stored_event.reason,
        )
    )


def add_history(
    session: Session,
    company_id: int,
    initiative: Initiative,
    known: set[EventSignature],
) -> list[Event]:
    """Store the initiative's history events that are not stored yet; return them."""
    added: list[Event] = []
    for history_event in initiative.history:
        signature = event_signature(history_event, initiative.id)
        if signature in known:
            continue
        known.add(signature)
        add_event(session, company_id, initiative.id, history_event)
        added.append(history_event)
    return added


def event_signature(stored_event: Event, key: str) -> EventSignature:
    """Identify an event by time, kind, changes and reason, the actor aside."""
    changes = dump_json(encode_changes(stored_event.changes, f"event of {key!r}"))
    return (
        to_utc(stored_event.at).isoformat(),
        stored_event.kind,
        changes,
        stored_event.reason,
    )


def event_signatures(
    session: Session, company_id: int, *, key: str | None = None
) -> dict[str, set[EventSignature]]:
    query = select(EventRow).where(EventRow.company_id == company_id)
    if key is not None:
        query = query.where(EventRow.initiative_key == key)
    signatures: dict[str, set[EventSignature]] = {}
    for row in session.scalars(query):
        signature = (to_utc(row.at).isoformat(), row.kind, row.changes, row.reason)
        signatures.setdefault(row.initiative_key, set()).add(signature)
    return signatures


def load_events(
    session: Session,
    company_id: int,
    *,
    since: dt.date | None = None,
    key: str | None = None,
) -> list[tuple[str, Event]]:
    query = select(EventRow).where(EventRow.company_id == company_id)
    if since is not None:
        start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
        query = query.where(EventRow.at >= start)
    if key is not None:
        query = query.where(EventRow.initiative_key == key)
    rows = session.scalars(query.order_by(EventRow.at, EventRow.id))
    return [(row.initiative_key, decode_event_row(row)) for row in rows]


def decode_event_row(row: EventRow) -> Event:
    return Event(
        at=row.at,
        actor=row.actor,
        kind=row.kind,
        changes=decode_changes(load_json(row.changes), f"event {row.id}"),
        reason=row.reason,
    )


# --- imports and helpers -----------------------------------------------------------


def add_import(
    session: Session,
    company_id: int,
    path: str,
    digest: str,
    at: dt.datetime,
    actor: str,
    counts: dict[str, Any],
) -> None:
    session.add(
        ImportRow(
            company_id=company_id,
            path=path,
            sha256=digest,
            at=at,
            actor=actor,
            counts=dump_json(counts),
        )
    )


def file_sha256(path: str, content: Any) -> str:
    """Hash the imported file, or the imported records when `path` is not a file."""
    file = Path(path)
    if file.is_file():
        return hashlib.sha256(file.read_bytes()).hexdigest()
    return hashlib.sha256(dump_json(content).encode("utf-8")).hexdigest()


def reject_duplicates(what: str, keys: Iterable[str], source_path: str) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise DuplicateKeyError(what, key, source_path)
        seen.add(key)


KpiValueKey = tuple[str, str, int | None, dt.date]


def write_kpi_value_row(row: KpiValueRow, value: KpiValue, source: Source) -> bool:
    """Copy a KPI value's measured fields and source onto its row.

    Returns whether the value, n, interval or definition changed. A new source
    location alone is not a change.
    """
    fields = {
        "value": str(value.value),
        "n": value.n,
        "low": decimal_text(value.low),
        "high": decimal_text(value.high),
        "definition": value.definition,
    }
    changed = any(getattr(row, name) != new for name, new in fields.items())
    for name, new in fields.items():
        setattr(row, name, new)
    row.source = source.path
    row.source_line = source.line
    return changed


def decode_kpi_value_row(row: KpiValueRow) -> KpiValue:
    return KpiValue(
        kpi_id=row.kpi_id,
        segment=row.segment,
        period_end=row.period_end,
        value=Decimal(row.value),
        n=row.n,
        source=None if row.source is None else Source(row.source, row.source_line),
        window_days=row.window_days,
        low=parse_decimal(row.low),
        high=parse_decimal(row.high),
        definition=row.definition,
    )


def kpi_value_key(value: KpiValue) -> KpiValueKey:
    """Key a KPI value as the store does: KPI, segment, window, period end."""
    return (value.kpi_id, value.segment, value.window_days, value.period_end)


def kpi_value_key_text(key: KpiValueKey) -> str:
    """Format a KPI value key for messages: GRR / SMB / 90 days / 2026-03-31."""
    kpi_id, segment, window_days, period_end = key
    parts = [kpi_id, segment]
    if window_days is not None:
        parts.append(f"{window_days} days")
    parts.append(period_end.isoformat())
    return " / ".join(parts)


def load_json(text: str) -> Any:
    return json.loads(text)
