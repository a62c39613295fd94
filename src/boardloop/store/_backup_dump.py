"""Reading one company's rows from the database into a `Backup`.

Every table is read inside one transaction, at REPEATABLE READ on PostgreSQL
and under SQLite's write lock, so the backup is one consistent state even
while others write.
"""

from __future__ import annotations

import json
from importlib import metadata
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from boardloop.store._account_errors import UnknownCompanyError
from boardloop.store._backup_records import (
    FORMAT_VERSION,
    Backup,
    BackupHeader,
    CompanyRecord,
    ControlIntervalRecord,
    EventRecord,
    ImportLogRecord,
    InitiativeRecord,
    KpiValueRecord,
    MembershipRecord,
)
from boardloop.store._schema import (
    CompanyRow,
    ControlIntervalRow,
    EventRow,
    ImportRow,
    InitiativeRow,
    KpiValueRow,
    MembershipRow,
    UserRow,
)

if TYPE_CHECKING:
    import datetime as dt

    from boardloop.store._store import Store

__all__ = ["dump_company"]


def dump_company(store: Store, company: str, *, at: dt.datetime) -> Backup:
    """Read every row of one company; `at` becomes the header's `created_at`."""
    header = BackupHeader(
        format_version=FORMAT_VERSION,
        created_at=at,
        schema_revision=store.revision(),
        boardloop_version=program_version(),
    )
    engine = store.engine
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="REPEATABLE READ")
    with Session(engine) as session, session.begin():
        row = session.scalar(select(CompanyRow).where(CompanyRow.name == company))
        if row is None:
            raise UnknownCompanyError(company)
        return Backup(
            header=header,
            company=CompanyRecord(name=row.name, settings=json.loads(row.settings)),
            initiatives=initiative_records(session, row.id),
            events=event_records(session, row.id),
            kpi_values=kpi_value_records(session, row.id),
            control_intervals=control_interval_records(session, row.id),
            imports=import_records(session, row.id),
            memberships=membership_records(session, row.id),
        )


def program_version() -> str:
    try:
        return metadata.version("boardloop")
    except metadata.PackageNotFoundError:
        return "unknown"


def initiative_records(
    session: Session, company_id: int
) -> tuple[InitiativeRecord, ...]:
    rows = session.scalars(
        select(InitiativeRow)
        .where(InitiativeRow.company_id == company_id)
        .order_by(InitiativeRow.id)
    )
    return tuple(
        InitiativeRecord(
            key=row.key,
            name=row.name,
            status=row.status,
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
            data=json.loads(row.data),
        )
        for row in rows
    )


def event_records(session: Session, company_id: int) -> tuple[EventRecord, ...]:
    """Return the company's events in id order, the order they were stored in."""
    rows = session.scalars(
        select(EventRow).where(EventRow.company_id == company_id).order_by(EventRow.id)
    )
    return tuple(
        EventRecord(
            initiative_key=row.initiative_key,
            at=row.at,
            actor=row.actor,
            kind=row.kind,
            changes=json.loads(row.changes),
            reason=row.reason,
        )
        for row in rows
    )


def kpi_value_records(session: Session, company_id: int) -> tuple[KpiValueRecord, ...]:
    rows = session.scalars(
        select(KpiValueRow)
        .where(KpiValueRow.company_id == company_id)
        .order_by(KpiValueRow.id)
    )
    return tuple(
        KpiValueRecord(
            kpi_id=row.kpi_id,
            segment=row.segment,
            window_days=row.window_days,
            period_end=row.period_end,
            value=row.value,
            n=row.n,
            source=row.source,
            source_line=row.source_line,
            low=row.low,
            high=row.high,
            definition=row.definition,
        )
        for row in rows
    )


def control_interval_records(
    session: Session, company_id: int
) -> tuple[ControlIntervalRecord, ...]:
    rows = session.scalars(
        select(ControlIntervalRow)
        .where(ControlIntervalRow.company_id == company_id)
        .order_by(ControlIntervalRow.id)
    )
    return tuple(
        ControlIntervalRecord(
            kpi_id=row.kpi_id,
            segment=row.segment,
            control=row.control,
            window_days=row.window_days,
            before_end=row.before_end,
            after_end=row.after_end,
            low=row.low,
            high=row.high,
            n_treated=row.n_treated,
            n_control=row.n_control,
            resamples=row.resamples,
        )
        for row in rows
    )


def import_records(session: Session, company_id: int) -> tuple[ImportLogRecord, ...]:
    rows = session.scalars(
        select(ImportRow)
        .where(ImportRow.company_id == company_id)
        .order_by(ImportRow.id)
    )
    return tuple(
        ImportLogRecord(
            path=row.path,
            sha256=row.sha256,
            at=row.at,
            actor=row.actor,
            counts=json.loads(row.counts),
        )
        for row in rows
    )


def membership_records(
    session: Session, company_id: int
) -> tuple[MembershipRecord, ...]:
    """Return the company's members by login, without password hashes or tokens."""
    rows = session.execute(
        select(
            UserRow.login, UserRow.display_name, UserRow.disabled_at, MembershipRow.role
        )
        .join(MembershipRow, MembershipRow.user_id == UserRow.id)
        .where(MembershipRow.company_id == company_id)
        .order_by(UserRow.login)
    )
    return tuple(
        MembershipRecord(
            login=login, display_name=display_name, role=role, disabled_at=disabled_at
        )
        for login, display_name, disabled_at, role in rows
    )
