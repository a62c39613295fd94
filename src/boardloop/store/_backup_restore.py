"""Writing a checked `Backup` into the database as one company, in one transaction.

Rows keep the versions, timestamps and texts of the backup, and events are
inserted in file order so that their ids keep the order of the log. Only a
restore with `replace` removes rows, and only those of the company it replaces.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from boardloop.store._backup_errors import CompanyExistsError, RestoreFailedError
from boardloop.store._backup_records import count_text
from boardloop.store._codec import dump_json
from boardloop.store._errors import check_company_name
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
    from boardloop.store._backup_records import Backup
    from boardloop.store._store import Store

__all__ = ["RestoreResult", "restore_company"]

logger = logging.getLogger(__name__)

# The tables holding a company's rows, by the record kind of the backup.
COMPANY_TABLES: dict[str, Any] = {
    "initiative": InitiativeRow,
    "event": EventRow,
    "kpi_value": KpiValueRow,
    "control_interval": ControlIntervalRow,
    "import": ImportRow,
    "membership": MembershipRow,
}


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """The outcome of a restore: rows written, rows removed, users created or kept.

    `removed` counts the rows of the replaced company by record kind, and is
    None when the company was new. `created_users` are the logins added
    without a password; `existing_users` were in the database already and
    kept their name, password, tokens and disabled state.
    """

    company: str
    counts: dict[str, int]
    removed: dict[str, int] | None
    created_users: tuple[str, ...]
    existing_users: tuple[str, ...]


def restore_company(
    store: Store,
    backup: Backup,
    *,
    company: str | None = None,
    replace: bool = False,
    at: dt.datetime | None = None,
) -> RestoreResult:
    """Write a backup as company `company` (default: the backup's) in one transaction.

    A company already in the database raises `CompanyExistsError` unless
    `replace` is set, which removes its rows first. `at` is the creation time
    of users that the database does not hold yet. Any database error rolls the
    whole restore back and raises `RestoreFailedError`.
    """
    name = backup.company.name if company is None else company
    check_company_name(name)
    at = at or dt.datetime.now(dt.UTC)
    try:
        with Session(store.engine) as session, session.begin():
            row = session.scalar(select(CompanyRow).where(CompanyRow.name == name))
            removed = None
            if row is not None:
                held = company_row_counts(session, row.id)
                if not replace:
                    raise CompanyExistsError(name, store.url, held)
                removed = delete_company_rows(session, row.id)
                row.settings = settings_text(backup.company.settings)
            else:
                row = CompanyRow(
                    name=name, settings=settings_text(backup.company.settings)
                )
                session.add(row)
                session.flush()
            insert_rows(session, row.id, backup)
            created, existing = insert_memberships(session, row.id, backup, at)
    except SQLAlchemyError as error:
        detail = f"{type(error).__name__}: {str(error).splitlines()[0]}"
        logger.error("restore of %r into %s failed: %s", name, store.url, detail)
        raise RestoreFailedError(name, store.url, detail) from error

    counts = backup.counts()
    if removed is not None:
        logger.warning(
            "replaced company %r in %s: removed %s",
            name,
            store.url,
            count_text(removed),
        )
    logger.info("restored company %r into %s: %s", name, store.url, count_text(counts))
    return RestoreResult(name, counts, removed, created, existing)


def company_row_counts(session: Session, company_id: int) -> dict[str, int]:
    """Count the company's rows in each of its tables."""
    return {
        kind: session.scalar(
            select(func.count())
            .select_from(table)
            .where(table.company_id == company_id)
        )
        or 0
        for kind, table in COMPANY_TABLES.items()
    }


def delete_company_rows(session: Session, company_id: int) -> dict[str, int]:
    """Delete the company's rows from each of its tables and count them."""
    removed = {}
    for kind, table in COMPANY_TABLES.items():
        result = session.execute(
            delete(table)
            .where(table.company_id == company_id)
            .execution_options(synchronize_session=False)
        )
        removed[kind] = result.rowcount  # type: ignore[attr-defined]
    return removed


def settings_text(document: dict[str, Any]) -> str:
    """Encode a settings document as `encode_settings` does, key-sorted JSON."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False)


def insert_rows(session: Session, company_id: int, backup: Backup) -> None:
    """Insert the company's rows, each table in the backup's order."""
    insert_all(
        session,
        InitiativeRow,
        [
            {
                "company_id": company_id,
                "key": record.key,
                "name": record.name,
                "status": record.status,
                "data": dump_json(record.data),
                "version": record.version,
                "created_at": record.created_at,
                "updated_at": record.updated_at,
            }
            for record in backup.initiatives
        ],
    )
    insert_all(
        session,
        EventRow,
        [
            {
                "company_id": company_id,
                "initiative_key": record.initiative_key,
                "at": record.at,
                "actor": record.actor,
                "kind": record.kind,
                "changes": dump_json(record.changes),
                "reason": record.reason,
            }
            for record in backup.events
        ],
    )
    insert_all(
        session,
        KpiValueRow,
        [
            {"company_id": company_id, **field_values(record)}
            for record in backup.kpi_values
        ],
    )
    insert_all(
        session,
        ControlIntervalRow,
        [
            {"company_id": company_id, **field_values(record)}
            for record in backup.control_intervals
        ],
    )
    insert_all(
        session,
        ImportRow,
        [
            {
                "company_id": company_id,
                "path": record.path,
                "sha256": record.sha256,
                "at": record.at,
                "actor": record.actor,
                "counts": dump_json(record.counts),
            }
            for record in backup.imports
        ],
    )


def insert_all(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    # One executemany per table. The rows of one statement get their ids in
    # list order, which keeps the event log in the order of the backup.
    if rows:
        session.execute(insert(table), rows)


def field_values(record: Any) -> dict[str, Any]:
    return {field.name: getattr(record, field.name) for field in fields(record)}


def insert_memberships(
    session: Session, company_id: int, backup: Backup, at: dt.datetime
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Add each member's role, creating the users the database does not hold yet.

    Returns the logins created (without a password) and those that existed.
    """
    logins = [record.login for record in backup.memberships]
    users = {
        user.login: user
        for user in session.scalars(select(UserRow).where(UserRow.login.in_(logins)))
    }
    created: list[str] = []
    for record in backup.memberships:
        if record.login in users:
            continue
        user = UserRow(
            login=record.login,
            display_name=record.display_name,
            password_hash=None,
            created_at=at,
            disabled_at=record.disabled_at,
        )
        session.add(user)
        users[record.login] = user
        created.append(record.login)
    session.flush()
    insert_all(
        session,
        MembershipRow,
        [
            {
                "user_id": users[record.login].id,
                "company_id": company_id,
                "role": record.role,
            }
            for record in backup.memberships
        ],
    )
    existing = tuple(login for login in logins if login not in created)
    return tuple(created), existing
