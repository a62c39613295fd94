"""Errors of backup and restore, each with the HTTP status a web face would return."""

from __future__ import annotations

from typing import TYPE_CHECKING

from boardloop.store._backup_records import count_text
from boardloop.store._errors import StoreError

if TYPE_CHECKING:
    from pathlib import PurePath

__all__ = [
    "BackupDigestError",
    "BackupError",
    "BackupRecordError",
    "BackupVersionError",
    "CompanyExistsError",
    "IncompleteBackupError",
    "RestoreFailedError",
]

NOTHING_RESTORED = "nothing was restored"


class BackupError(StoreError):
    """A backup file that cannot be restored; nothing of it was written."""

    http_status = 400


class BackupRecordError(BackupError, ValueError):
    """A line of a backup file that is not a valid record.

    `kind` is the record type, or "" when the line has none that is known.
    """

    def __init__(self, path: PurePath, line: int, kind: str, problem: str) -> None:
        record = f"{kind} record" if kind else "record"
        super().__init__(
            f"{path}:{line}: invalid {record}: {problem}; {NOTHING_RESTORED}. "
            "Restore from an intact copy of the backup, or write a new one with "
            "boardloop backup"
        )
        self.path = path
        self.line = line
        self.kind = kind
        self.problem = problem


class BackupVersionError(BackupError):
    """A backup written in a format version that this boardloop cannot read."""

    def __init__(self, path: PurePath, found: object, supported: int) -> None:
        super().__init__(
            f"{path}:1: backup format version {found!r} is not supported; this "
            f"boardloop reads version {supported}, so {NOTHING_RESTORED}. Restore it "
            "with the boardloop version that wrote it"
        )
        self.path = path
        self.found = found
        self.supported = supported


class IncompleteBackupError(BackupError):
    """A backup file cut off before its end record, or whose counts do not match."""

    def __init__(self, path: PurePath, line: int, problem: str) -> None:
        super().__init__(
            f"{path}:{line}: the backup is incomplete: {problem}; {NOTHING_RESTORED}. "
            "Copy the whole file again, or restore from another backup"
        )
        self.path = path
        self.line = line
        self.problem = problem


class BackupDigestError(BackupError):
    """A backup whose records do not match the SHA-256 in its end record."""

    def __init__(self, path: PurePath, line: int, expected: str, actual: str) -> None:
        super().__init__(
            f"{path}:{line}: the records hash to SHA-256 {actual}, but the end "
            f"record states {expected}, so the file was changed after it was "
            f"written; {NOTHING_RESTORED}. Restore from an unchanged copy"
        )
        self.path = path
        self.line = line
        self.expected = expected
        self.actual = actual


class CompanyExistsError(StoreError):
    """A restore into a company that the database already holds."""

    http_status = 409

    def __init__(self, company: str, url: str, counts: dict[str, int]) -> None:
        super().__init__(
            f"company {company!r} already exists in {url} ({count_text(counts)}); "
            f"{NOTHING_RESTORED}. Pass --company NEW_NAME to restore it under "
            "another name, or --replace to replace that company's rows"
        )
        self.company = company
        self.url = url
        self.counts = dict(counts)


class RestoreFailedError(StoreError):
    """A restore that the database rejected; its transaction was rolled back."""

    def __init__(self, company: str, url: str, detail: str) -> None:
        super().__init__(
            f"restoring company {company!r} into {url} failed ({detail}); the "
            "transaction was rolled back and nothing was written. Check that the "
            "database is reachable and at the latest schema, then run it again"
        )
        self.company = company
        self.url = url
        self.detail = detail
