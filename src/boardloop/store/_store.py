"""The store: initiatives, their event history and KPI values in one database.

SQLite is the default and PostgreSQL works by URL. Every write method runs in one
transaction, so a failure leaves the database as it was. Events are only ever
inserted, and no method of this class updates or deletes one.

NOTE: PostgreSQL text cannot contain NUL characters, so a name, actor or reason
containing one fails the write with a database error (SQLite stores it).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, make_url, select
from sqlalchemy.orm import Session

from boardloop.domain.model import (
    ControlInterval,
    Event,
    Initiative,
    KpiValue,
    Outcome,
    Register,
    Source,
    Status,
)
from boardloop.store._accounts import AccountsMixin
from boardloop.store._codec import encode_initiative
from boardloop.store._control_rows import load_control_rows, replace_control_rows
from boardloop.store._edit_writes import EditWritesMixin
from boardloop.store._errors import (
    ClosedOutcomeError,
    InvalidWindowError,
    StaleVersionError,
    UnknownInitiativeError,
    UnknownSchemaError,
)
from boardloop.store._import_conflicts import (
    ImportConflictError,
    find_edit_conflicts,
    overwrite_reasons,
)
from boardloop.store._records import (
    ImportChanges,
    ImportRecord,
    KpiValueChanges,
    StoredInitiative,
)
from boardloop.store._rows import (
    absent_keys,
    add_event,
    add_history,
    add_import,
    add_initiative,
    company_id_for_write,
    decode_kpi_value_row,
    decode_row,
    event_signatures,
    file_sha256,
    find_company_id,
    initiative_row,
    initiative_rows,
    kpi_value_key,
    kpi_value_key_text,
    load_events,
    load_json,
    reject_duplicates,
    save_changes,
    write_kpi_value_row,
)
from boardloop.store._schema import CompanyRow, ImportRow, InitiativeRow, KpiValueRow
from boardloop.store._sessions import SessionsMixin

if TYPE_CHECKING:
    from collections.abc import Sequence

    from alembic.config import Config
    from sqlalchemy.engine import URL, Engine

__all__ = ["Store"]

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_SECONDS = 30
"""How long a SQLite transaction waits for another one's lock before failing."""
READ_ONLY_OPTION = "boardloop_read_only"
"""Execution option that marks a connection whose transactions only read."""

SERVER_POOL = {"pool_size": 16, "max_overflow": 24}
"""Connections kept open to a database server, and the extra ones opened under load.

SQLAlchemy's default keeps 5 and closes each of 10 extra connections when it
is returned. An API worker runs up to 40 requests at once in its thread pool
(AnyIO's default), so under load it opened and closed PostgreSQL connections
on most requests. Two workers at this size open at most 80 connections of
PostgreSQL's default max_connections of 100.
"""


class Store(AccountsMixin, SessionsMixin, EditWritesMixin):
    """The database behind a workspace, addressed by a SQLAlchemy URL.

    Users, roles, API tokens and company settings come from `AccountsMixin`;
    sign-in sessions from `SessionsMixin`; single edits with their events from
    `EditWritesMixin`.
    """

    def __init__(self, url: str | URL) -> None:
        parsed = make_url(url)
        # On SQLite a write transaction takes the write lock when it begins (see
        # use_sqlite_transactions), so writers queue behind each other. They
        # wait up to SQLITE_BUSY_SECONDS instead of the driver's 5 seconds.
        options = (
            {"connect_args": {"timeout": SQLITE_BUSY_SECONDS}}
            if parsed.get_backend_name() == "sqlite"
            else SERVER_POOL
        )
        self.engine: Engine = create_engine(parsed, **options)
        # Methods that only read open their sessions on `reader`: the same pool,
        # marked so that SQLite begins a deferred transaction, which in WAL
        # mode reads while another connection writes.
        self.reader: Engine = self.engine.execution_options(**{READ_ONLY_OPTION: True})
        if self.engine.dialect.name == "sqlite":
            use_sqlite_transactions(self.engine)

    @property
    def url(self) -> str:
        """The database URL, with any password masked."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    # --- migrations ---------------------------------------------------------

    def migrate(self) -> str:
        """Upgrade the schema to the latest migration and return its revision.

        Running it on an up-to-date database changes nothing.
        """
        # Alembic is imported here, not at the top, so commands that never open a
        # database (lint FILE outside a workspace) start faster.
        from alembic import command
        from alembic.script import ScriptDirectory

        config = alembic_config()
        script = ScriptDirectory.from_config(config)
        head = script.get_current_head()
        current = self.revision()
        known = {revision.revision for revision in script.walk_revisions()}
        if current is not None and current not in known:
            raise UnknownSchemaError(self.url, current, str(head))
        if current == head:
            return str(head)
        logger.info("migrating %s from %s to %s", self.url, current or "empty", head)
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        logger.info("migrated %s to %s", self.url, head)
        return str(head)

    def revision(self) -> str | None:
        """Return the schema revision of the database, None when it has none."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    # --- companies ------------------------------------------------------------

    def ensure_company(self, company: str) -> None:
        """Add the company when the database does not hold it yet."""
        with Session(self.engine) as session, session.begin():
            company_id_for_write(session, company)

    def companies(self) -> list[str]:
        """Return the names of the companies in the database."""
        with Session(self.reader) as session:
            return list(
                session.scalars(select(CompanyRow.name).order_by(CompanyRow.name))
            )

    # --- initiatives ------------------------------------------------------------

    def import_initiatives(
        self,
        company: str,
        initiatives: Sequence[Initiative],
        *,
        source_path: str,
        actor: str,
        at: dt.datetime,
        overwrite_edits: bool = False,
    ) -> ImportChanges:
        """Create, update or keep each initiative of one file, in one transaction.

        A stored initiative is compared field by field, ignoring its source
        location, and gets an `updated` event listing the changed fields. A new
        one gets a `created` event. History events carried by the file are
        stored once. Any error rolls the whole import back.

        A file that would overwrite a field edited through the API or web since
        the initiative's last import raises `ImportConflictError`, unless
        `overwrite_edits` is set. Then the `updated` event's reason names the
        overwritten edits.
        """
        reject_duplicates("initiative", [item.id for item in initiatives], source_path)
        reason = f"imported from {source_path}"
        created: list[str] = []
        updated: list[str] = []
        unchanged: list[str] = []
        history_added = 0

        with Session(self.engine) as session, session.begin():
            company_id = company_id_for_write(session, company)
            rows = initiative_rows(session, company_id)
            conflicts = find_edit_conflicts(session, company_id, rows, initiatives)
            if conflicts and not overwrite_edits:
                raise ImportConflictError(source_path, conflicts)
            overwritten = overwrite_reasons(reason, conflicts)
            signatures = event_signatures(session, company_id)
            for initiative in initiatives:
                known = signatures.setdefault(initiative.id, set())
                new_history = add_history(session, company_id, initiative, known)
                history_added += len(new_history)
                row = rows.get(initiative.id)
                if row is not None:
                    keep_closed_outcome(decode_row(row), initiative, source_path)
                if row is None:
                    add_initiative(session, company_id, initiative, at=at)
                    add_event(
                        session,
                        company_id,
                        initiative.id,
                        Event(at=at, actor=actor, kind="created", reason=reason),
                    )
                    created.append(initiative.id)
                elif save_changes(
                    session,
                    company_id,
                    row,
                    initiative,
                    new_history,
                    Event(
                        at=at,
                        actor=actor,
                        kind="updated",
                        reason=overwritten.get(initiative.id, reason),
                    ),
                    expected_version=row.version,
                ):
                    updated.append(initiative.id)
                else:
                    unchanged.append(initiative.id)
                session.flush()

            absent = absent_keys(rows, initiatives, source_path)
            changes = ImportChanges(
                tuple(created), tuple(updated), tuple(unchanged), history_added, absent
            )
            counts = {
                "kind": "initiatives",
                "created": len(created),
                "updated": len(updated),
                "unchanged": len(unchanged),
                "history_added": history_added,
                "absent": len(absent),
            }
            digest = file_sha256(
                source_path, [encode_initiative(i) for i in initiatives]
            )
            add_import(session, company_id, source_path, digest, at, actor, counts)
        for conflict in conflicts:
            logger.warning(
                "import of %s overwrote %s of %r, edited by %s",
                source_path,
                conflict.field,
                conflict.key,
                conflict.actor,
            )
        logger.info("imported %s into %r: %s", source_path, company, counts)
        return changes

    def load_register(self, company: str) -> Register:
        """Return the company's register, with every initiative's events as its history.

        Each history is in time order. A company missing from the database has an
        empty register.
        """
        with Session(self.reader) as session:
            company_id = find_company_id(session, company)
            if company_id is None:
                return Register(company=company)
            history: dict[str, list[Event]] = {}
            for key, stored_event in load_events(session, company_id):
                history.setdefault(key, []).append(stored_event)
            rows = session.scalars(
                select(InitiativeRow)
                .where(InitiativeRow.company_id == company_id)
                .order_by(InitiativeRow.id)
            )
            initiatives = tuple(
                replace(decode_row(row), history=tuple(history.get(row.key, ())))
                for row in rows
            )
        return Register(company=company, initiatives=initiatives)

    def get_initiative(self, company: str, key: str) -> StoredInitiative:
        """Return one initiative with its full history and its current version."""
        with Session(self.reader) as session:
            company_id = find_company_id(session, company)
            row = (
                None if company_id is None else initiative_row(session, company_id, key)
            )
            if company_id is None or row is None:
                raise UnknownInitiativeError(company, key)
            history = tuple(
                stored_event
                for event_key, stored_event in load_events(session, company_id, key=key)
                if event_key == key
            )
            return StoredInitiative(
                initiative=replace(decode_row(row), history=history),
                version=row.version,
                created_at=row.created_at,
                updated_at=row.updated_at,
            )

    def update_initiative(
        self,
        company: str,
        initiative: Initiative,
        *,
        expected_version: int,
        actor: str,
        at: dt.datetime,
        reason: str,
    ) -> int:
        """Save an edited initiative and return its new version.

        The edit must be based on the stored version, otherwise it raises
        `StaleVersionError`. Changed fields are recorded in an `updated` event
        with `reason`; events appended to the initiative's history (for example
        by `transition`) are stored as they are.
        """
        with Session(self.engine) as session, session.begin():
            company_id = find_company_id(session, company)
            row = (
                None
                if company_id is None
                else initiative_row(session, company_id, initiative.id)
            )
            if company_id is None or row is None:
                raise UnknownInitiativeError(company, initiative.id)
            if row.version != expected_version:
                raise StaleVersionError(initiative.id, expected_version, row.version)
            known = event_signatures(session, company_id, key=initiative.id).get(
                initiative.id, set()
            )
            new_history = add_history(session, company_id, initiative, known)
            save_changes(
                session,
                company_id,
                row,
                initiative,
                new_history,
                Event(at=at, actor=actor, kind="updated", reason=reason),
                expected_version=expected_version,
            )
            return row.version

    def events(
        self, company: str, since: dt.date | None = None, *, key: str | None = None
    ) -> list[tuple[str, Event]]:
        """Return (initiative key, event) pairs in time order, from `since` on.

        With `key`, only the events of that initiative.
        """
        with Session(self.reader) as session:
            company_id = find_company_id(session, company)
            if company_id is None:
                return []
            return load_events(session, company_id, since=since, key=key)

    def import_log(self, company: str) -> list[ImportRecord]:
        """Return the company's past imports, oldest first."""
        with Session(self.reader) as session:
            company_id = find_company_id(session, company)
            if company_id is None:
                return []
            rows = session.scalars(
                select(ImportRow)
                .where(ImportRow.company_id == company_id)
                .order_by(ImportRow.at, ImportRow.id)
            )
            return [
                ImportRecord(
                    row.path, row.sha256, row.at, row.actor, load_json(row.counts)
                )
                for row in rows
            ]

    # --- KPI values -------------------------------------------------------------

    def replace_kpi_values(
        self,
        company: str,
        values: Sequence[KpiValue],
        *,
        source_path: str,
        actor: str = "",
        at: dt.datetime | None = None,
        computed: bool = False,
        control_intervals: Sequence[ControlInterval] | None = None,
    ) -> KpiValueChanges:
        """Store KPI values in one transaction, replacing those with the same key.

        The key is (KPI, segment, window, period end), where a value without a
        window has its own key. Stored values of other keys stay, except with
        `computed`: the values are a whole new computation, so every stored
        computed value (one with no source line) that they do not repeat is
        removed. A stored value counts as updated when its value, n, interval
        or definition changes. A window below 1 day raises `InvalidWindowError`.
        `control_intervals`, when given, replace all the company's stored
        control intervals in the same transaction.
        """
        keys = [kpi_value_key(value) for value in values]
        key_texts = [kpi_value_key_text(key) for key in keys]
        reject_duplicates("KPI value", key_texts, source_path)
        for key_text, value in zip(key_texts, values, strict=True):
            if value.window_days is not None and value.window_days < 1:
                raise InvalidWindowError(key_text, value.window_days, source_path)
        at = at or dt.datetime.now(dt.UTC)
        created = updated = unchanged = 0

        with Session(self.engine) as session, session.begin():
            company_id = company_id_for_write(session, company)
            rows = {
                (row.kpi_id, row.segment, row.window_days, row.period_end): row
                for row in session.scalars(
                    select(KpiValueRow).where(KpiValueRow.company_id == company_id)
                )
            }
            for key, value in zip(keys, values, strict=True):
                source = value.source or Source(source_path)
                row = rows.get(key)
                if row is None:
                    row = KpiValueRow(
                        company_id=company_id,
                        kpi_id=value.kpi_id,
                        segment=value.segment,
                        window_days=value.window_days,
                        period_end=value.period_end,
                    )
                    session.add(row)
                    rows[key] = row
                    created += 1
                    write_kpi_value_row(row, value, source)
                elif write_kpi_value_row(row, value, source):
                    updated += 1
                else:
                    unchanged += 1
                session.flush()
            removed = 0
            if computed:
                kept = set(keys)
                for key, row in rows.items():
                    if row.source_line is None and key not in kept:
                        session.delete(row)
                        removed += 1
                session.flush()
            if control_intervals is not None:
                replace_control_rows(session, company_id, control_intervals)

            counts = {
                "kind": "kpi_values",
                "created": created,
                "updated": updated,
                "unchanged": unchanged,
                "removed": removed,
            }
            digest = file_sha256(source_path, key_texts)
            add_import(session, company_id, source_path, digest, at, actor, counts)
        logger.info("imported %s into %r: %s", source_path, company, counts)
        return KpiValueChanges(created, updated, unchanged, removed)

    def load_kpi_values(self, company: str) -> list[KpiValue]:
        """Return the company's KPI values, by KPI, segment, window and period end.

        Values without a window come before the windowed values of their series.
        """
        with Session(self.reader) as session:
            company_id = find_company_id(session, company)
            if company_id is None:
                return []
            rows = session.scalars(
                select(KpiValueRow)
                .where(KpiValueRow.company_id == company_id)
                .order_by(
                    KpiValueRow.kpi_id,
                    KpiValueRow.segment,
                    KpiValueRow.window_days.asc().nulls_first(),
                    KpiValueRow.period_end,
                )
            )
            return [decode_kpi_value_row(row) for row in rows]

    def load_control_intervals(self, company: str) -> list[ControlInterval]:
        """Return the company's bootstrap intervals of control estimates."""
        with Session(self.reader) as session:
            company_id = find_company_id(session, company)
            if company_id is None:
                return []
            return load_control_rows(session, company_id)


def keep_closed_outcome(stored: Initiative, new: Initiative, path: str) -> None:
    """Raise when a closed initiative's recorded outcome or its target would change.

    The result, actual movement, its unit, the closing date and the target the
    outcome was measured against are the record the board saw. The lesson may
    still be edited.
    """
    outcome = stored.outcome
    if stored.status is not Status.CLOSED or outcome is None or outcome.result is None:
        return
    incoming = new.outcome or Outcome()
    for field in ("result", "actual_movement", "actual_unit", "closed_on"):
        before, after = getattr(outcome, field), getattr(incoming, field)
        if before != after:
            raise ClosedOutcomeError(
                path, stored.id, "outcome " + field.replace("_", " "), before, after
            )
    if stored.target != new.target:
        raise ClosedOutcomeError(
            path, stored.id, "target", stored.target.text, new.target.text
        )


# --- engine and migrations -------------------------------------------------------


def use_sqlite_transactions(engine: Engine) -> None:
    """Make SQLite write transactions take the write lock when they begin.

    With the driver's default deferred transactions, two writers that both read
    first fail on the lock upgrade; BEGIN IMMEDIATE makes the second one wait for
    the busy timeout instead. It also makes migrations transactional on SQLite.
    A connection marked with READ_ONLY_OPTION begins a deferred transaction,
    which takes no lock until it writes, and the WAL journal lets it read the
    last committed state while a writer holds the lock.
    """

    @event.listens_for(engine, "connect")
    def disable_driver_transactions(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "connect")
    def enable_foreign_keys(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "connect")
    def enable_write_ahead_log(dbapi_connection: Any, record: Any) -> None:
        # WAL is a property of the database file, so this switches it once;
        # an in-memory database keeps its "memory" journal.
        dbapi_connection.execute("PRAGMA journal_mode = WAL")

    @event.listens_for(engine, "begin")
    def begin_transaction(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY_OPTION):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config() -> Config:
    """Build the Alembic configuration in code, so no alembic.ini is needed."""
    from alembic.config import Config

    config = Config()
    # Config values pass through configparser interpolation, where "%" is special.
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    return config
