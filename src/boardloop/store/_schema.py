"""Database tables of the store, as SQLAlchemy 2 typed declarative classes.

The Alembic migrations in `migrations/versions` create these tables; a test
checks that the two never drift apart.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect

__all__ = [
    "INTERVAL_CHECK",
    "INTERVAL_CHECK_NAME",
    "KPI_VALUE_KEY_NAME",
    "ROLE_CHECK",
    "ROLE_CHECK_NAME",
    "WINDOW_CHECK_NAME",
    "ApiTokenRow",
    "Base",
    "CompanyRow",
    "ControlIntervalRow",
    "EventRow",
    "ImportRow",
    "InitiativeRow",
    "KpiValueRow",
    "MembershipRow",
    "SessionRow",
    "UserRow",
    "UtcDateTime",
]

# Constraint names fixed by convention, so migrations can refer to them on every
# database (SQLite batch mode needs named constraints to alter a table).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# A window is at least one day long, so the key index of kpi_values can use 0
# for "no window".
WINDOW_CHECK_NAME = "ck_kpi_values_window_days_positive"

# An interval has both bounds or none. The bounds are Decimal text, which SQL
# cannot compare as numbers, so `KpiValue` checks that low <= high.
INTERVAL_CHECK_NAME = "ck_kpi_values_interval_both_or_neither"
INTERVAL_CHECK = "(low IS NULL) = (high IS NULL)"


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored as naive UTC and read back as aware UTC.

    A naive datetime given to the store is taken to be in UTC already.
    """

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return to_utc(value).replace(tzinfo=None)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


def to_utc(value: dt.datetime) -> dt.datetime:
    """Convert to aware UTC, reading a naive datetime as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CompanyRow(Base):
    """A company; one database can hold the registers of several.

    `settings` is the JSON text of the company's `CompanySettings`.
    """

    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(), unique=True)
    settings: Mapped[str] = mapped_column(Text, server_default="{}")


class InitiativeRow(Base):
    """Current state of one initiative; `data` is the encoded initiative."""

    __tablename__ = "initiatives"
    __table_args__ = (UniqueConstraint("company_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    key: Mapped[str] = mapped_column(String())
    name: Mapped[str] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String())
    data: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class EventRow(Base):
    """One change to an initiative. The store only ever inserts these rows."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_company_id_at", "company_id", "at"),
        Index("ix_events_company_id_initiative_key", "company_id", "initiative_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    initiative_key: Mapped[str] = mapped_column(String())
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String())
    changes: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)


class KpiValueRow(Base):
    """One KPI value; `value` is the Decimal's text, so no digit is rounded away.

    `window_days` is NULL for a value that states no measurement window. `low`
    and `high`, the bounds of the 95 % interval, are Decimal text like `value`,
    and NULL together when the value has no interval.
    """

    __tablename__ = "kpi_values"
    __table_args__ = (
        CheckConstraint("window_days > 0", name=WINDOW_CHECK_NAME),
        CheckConstraint(INTERVAL_CHECK, name=INTERVAL_CHECK_NAME),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    kpi_id: Mapped[str] = mapped_column(String())
    segment: Mapped[str] = mapped_column(String())
    window_days: Mapped[int | None] = mapped_column(Integer)
    period_end: Mapped[dt.date] = mapped_column(Date)
    value: Mapped[str] = mapped_column(String())
    n: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(Text)
    source_line: Mapped[int | None] = mapped_column(Integer)
    low: Mapped[str | None] = mapped_column(String())
    high: Mapped[str | None] = mapped_column(String())
    definition: Mapped[str | None] = mapped_column(Text)


# The key of a KPI value is a unique index over an expression, not a unique
# constraint. SQLite and PostgreSQL treat NULLs as distinct in a unique
# constraint, so two values without a window would never collide (PostgreSQL 15
# can opt out with NULLS NOT DISTINCT, SQLite cannot). COALESCE maps "no window"
# to 0, a window that the check constraint above rules out.
KPI_VALUE_KEY_NAME = "uq_kpi_values_company_id_kpi_id_segment_window_days_period_end"
Index(
    KPI_VALUE_KEY_NAME,
    KpiValueRow.company_id,
    KpiValueRow.kpi_id,
    KpiValueRow.segment,
    func.coalesce(KpiValueRow.window_days, 0),
    KpiValueRow.period_end,
    unique=True,
)


class ImportRow(Base):
    """One import of a file into the store, with what it changed."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(Text)
    counts: Mapped[str] = mapped_column(Text)


class ControlIntervalRow(Base):
    """The 95 % bootstrap interval of one difference-in-differences estimate.

    `low` and `high` are Decimal text. `before_end` and `after_end` are the
    period ends of the two values compared in each segment.
    """

    __tablename__ = "control_intervals"
    __table_args__ = (Index("ix_control_intervals_company_id", "company_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    kpi_id: Mapped[str] = mapped_column(String())
    segment: Mapped[str] = mapped_column(String())
    control: Mapped[str] = mapped_column(String())
    window_days: Mapped[int | None] = mapped_column(Integer)
    before_end: Mapped[dt.date] = mapped_column(Date)
    after_end: Mapped[dt.date] = mapped_column(Date)
    low: Mapped[str] = mapped_column(String())
    high: Mapped[str] = mapped_column(String())
    n_treated: Mapped[int] = mapped_column(Integer)
    n_control: Mapped[int] = mapped_column(Integer)
    resamples: Mapped[int] = mapped_column(Integer)


# The roles of `boardloop.access.Role`, checked by the database as well.
ROLE_CHECK_NAME = "ck_memberships_role_known"
ROLE_CHECK = "role IN ('admin', 'editor', 'owner', 'board')"


class UserRow(Base):
    """A person who signs in or has API tokens.

    `password_hash` is an scrypt hash with its salt and parameters, or NULL for a
    user who only uses tokens. A user with `disabled_at` set can do nothing.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(), unique=True)
    display_name: Mapped[str] = mapped_column(Text)
    password_hash: Mapped[str | None] = mapped_column(String())
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class MembershipRow(Base):
    """A user's role in one company; a user has at most one role per company."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "company_id"),
        CheckConstraint(ROLE_CHECK, name=ROLE_CHECK_NAME),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    role: Mapped[str] = mapped_column(String())


class ApiTokenRow(Base):
    """An API token of one user. Only the SHA-256 hash of its secret is stored.

    `lookup` is the public part of the token, which finds the row without
    comparing hashes. `scopes` is a space-separated list of `Scope` values.
    """

    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(Text)
    lookup: Mapped[str] = mapped_column(String(), unique=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[str] = mapped_column(String())
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class SessionRow(Base):
    """A signed-in browser session of one user.

    Only the SHA-256 of the session id is stored; the id itself lives in the
    browser's cookie. `csrf_token` is the secret that every unsafe request of
    the session must send back in the X-CSRF-Token header. A session ends at
    `expires_at`, or earlier when `last_seen_at` is older than the idle timeout.
    """

    __tablename__ = "sessions"
    __table_args__ = (
        Index("ix_sessions_user_id", "user_id"),
        Index("ix_sessions_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    id_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String())
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
