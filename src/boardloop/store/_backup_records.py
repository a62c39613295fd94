"""The records of a backup file: one company and every row that belongs to it.

Each record mirrors one table row without its database ids, because ids are
assigned again on restore. JSON columns (settings, initiative data, event
changes, import counts) are kept as parsed JSON values. Timestamps are aware
UTC datetimes, and Decimal columns keep their text exactly as stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "RECORD_FIELDS",
    "Backup",
    "BackupHeader",
    "CompanyRecord",
    "ControlIntervalRecord",
    "EventRecord",
    "ImportLogRecord",
    "InitiativeRecord",
    "KpiValueRecord",
    "MembershipRecord",
    "count_text",
]

FORMAT_NAME = "boardloop-backup"
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class BackupHeader:
    """The header, the first line of a backup: format version and provenance."""

    format_version: int
    created_at: dt.datetime
    schema_revision: str | None
    boardloop_version: str


@dataclass(frozen=True, slots=True)
class CompanyRecord:
    """The company's name and its settings document (`CompanySettings` as JSON)."""

    name: str
    settings: dict[str, Any]


@dataclass(frozen=True, slots=True)
class InitiativeRecord:
    """An initiative's current state; `data` is the codec's encoded initiative."""

    key: str
    name: str
    status: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One event of the history; `changes` is the codec's encoded change map."""

    initiative_key: str
    at: dt.datetime
    actor: str
    kind: str
    changes: dict[str, Any]
    reason: str


@dataclass(frozen=True, slots=True)
class KpiValueRecord:
    """One stored KPI value; `value`, `low` and `high` are Decimal text."""

    kpi_id: str
    segment: str
    window_days: int | None
    period_end: dt.date
    value: str
    n: int | None
    source: str | None
    source_line: int | None
    low: str | None
    high: str | None
    definition: str | None


@dataclass(frozen=True, slots=True)
class ControlIntervalRecord:
    """One difference-in-differences interval; `low` and `high` are Decimal text."""

    kpi_id: str
    segment: str
    control: str
    window_days: int | None
    before_end: dt.date
    after_end: dt.date
    low: str
    high: str
    n_treated: int
    n_control: int
    resamples: int


@dataclass(frozen=True, slots=True)
class ImportLogRecord:
    """One entry of the import log: the file, its SHA-256, when, who and the counts."""

    path: str
    sha256: str
    at: dt.datetime
    actor: str
    counts: dict[str, Any]


@dataclass(frozen=True, slots=True)
class MembershipRecord:
    """A user's role in the company, with the user's name and disabled time.

    A backup contains no password hash and no API token.
    """

    login: str
    display_name: str
    role: str
    disabled_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Backup:
    """A whole backup: its header, the company and the company's rows in file order."""

    header: BackupHeader
    company: CompanyRecord
    initiatives: tuple[InitiativeRecord, ...] = ()
    events: tuple[EventRecord, ...] = ()
    kpi_values: tuple[KpiValueRecord, ...] = ()
    control_intervals: tuple[ControlIntervalRecord, ...] = ()
    imports: tuple[ImportLogRecord, ...] = ()
    memberships: tuple[MembershipRecord, ...] = ()

    def counts(self) -> dict[str, int]:
        """Count the records of each kind, in file order."""
        return {
            "initiative": len(self.initiatives),
            "event": len(self.events),
            "kpi_value": len(self.kpi_values),
            "control_interval": len(self.control_intervals),
            "import": len(self.imports),
            "membership": len(self.memberships),
        }


# The fields of each record type, in the order a line lists them, with the kind
# of JSON value each one holds. A trailing "?" allows null.
RECORD_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "company": (("name", "text"), ("settings", "object")),
    "initiative": (
        ("key", "text"),
        ("name", "text"),
        ("status", "text?"),
        ("version", "integer"),
        ("created_at", "timestamp"),
        ("updated_at", "timestamp"),
        ("data", "object"),
    ),
    "event": (
        ("initiative_key", "text"),
        ("at", "timestamp"),
        ("actor", "text"),
        ("kind", "text"),
        ("changes", "object"),
        ("reason", "text"),
    ),
    "kpi_value": (
        ("kpi_id", "text"),
        ("segment", "text"),
        ("window_days", "integer?"),
        ("period_end", "date"),
        ("value", "decimal"),
        ("n", "integer?"),
        ("source", "text?"),
        ("source_line", "integer?"),
        ("low", "decimal?"),
        ("high", "decimal?"),
        ("definition", "text?"),
    ),
    "control_interval": (
        ("kpi_id", "text"),
        ("segment", "text"),
        ("control", "text"),
        ("window_days", "integer?"),
        ("before_end", "date"),
        ("after_end", "date"),
        ("low", "decimal"),
        ("high", "decimal"),
        ("n_treated", "integer"),
        ("n_control", "integer"),
        ("resamples", "integer"),
    ),
    "import": (
        ("path", "text"),
        ("sha256", "text"),
        ("at", "timestamp"),
        ("actor", "text"),
        ("counts", "object"),
    ),
    "membership": (
        ("login", "text"),
        ("display_name", "text"),
        ("role", "text"),
        ("disabled_at", "timestamp?"),
    ),
}


# The singular and plural noun of each record kind, for messages.
KIND_NOUNS = {
    "initiative": ("initiative", "initiatives"),
    "event": ("event", "events"),
    "kpi_value": ("KPI value", "KPI values"),
    "control_interval": ("control interval", "control intervals"),
    "import": ("import log entry", "import log entries"),
    "membership": ("membership", "memberships"),
}


def count_text(counts: dict[str, int]) -> str:
    """Format counts by record kind as "12 initiatives, 1 event, ...", in order."""
    parts = []
    for kind, count in counts.items():
        singular, plural = KIND_NOUNS[kind]
        parts.append(f"{count} {singular if count == 1 else plural}")
    return ", ".join(parts)
