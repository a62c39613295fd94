"""Result records of the store: import changes, import log entries, stored versions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datetime as dt

    from boardloop.domain.model import Initiative

__all__ = ["ImportChanges", "ImportRecord", "KpiValueChanges", "StoredInitiative"]


@dataclass(frozen=True, slots=True)
class ImportChanges:
    """Changes an import made to the register, by initiative key.

    `history_added` counts the file's history events that were not stored yet.
    `absent` lists stored initiatives last read from the same file that the file
    no longer contains. An import never deletes them.
    """

    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    history_added: int = 0
    absent: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class KpiValueChanges:
    """How many KPI values an import created, updated, left unchanged and removed.

    Only a computation removes values: those an earlier computation stored and
    this one no longer gives.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


@dataclass(frozen=True, slots=True)
class StoredInitiative:
    """An initiative as stored, with the version an edit must be based on."""

    initiative: Initiative
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ImportRecord:
    """One past import: the file, its SHA-256, the time, the actor and the counts."""

    path: str
    sha256: str
    at: dt.datetime
    actor: str
    counts: dict[str, Any]
