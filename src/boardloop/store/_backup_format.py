"""The backup file format: JSON Lines, a header first and an end record last.

Line 1 is the header (format name and version, when and by what it was
written). Each following line is one record: the company, then its
initiatives, events, KPI values, control intervals, import log and
memberships. The last line is the end record, with the count of each record
kind and the SHA-256 of the record lines, so a file cut off or changed after
it was written is rejected. docs/backup.md describes every field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from boardloop.store._backup_checks import (
    RecordProblem,
    check_record,
    parse_timestamp,
    read_fields,
)
from boardloop.store._backup_errors import (
    BackupDigestError,
    BackupRecordError,
    BackupVersionError,
    IncompleteBackupError,
)
from boardloop.store._backup_records import (
    FORMAT_NAME,
    FORMAT_VERSION,
    RECORD_FIELDS,
    Backup,
    BackupHeader,
)
from boardloop.store._schema import to_utc

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import PurePath

__all__ = ["encode_backup", "parse_backup", "timestamp_text"]

# The attribute of `Backup` that contains each record kind, in file order.
RECORD_ATTRIBUTES = {
    "initiative": "initiatives",
    "event": "events",
    "kpi_value": "kpi_values",
    "control_interval": "control_intervals",
    "import": "imports",
    "membership": "memberships",
}


# --- writing ----------------------------------------------------------------------


def encode_backup(backup: Backup) -> Iterator[bytes]:
    """Encode a backup as its lines, each UTF-8 text ending in a newline."""
    header = backup.header
    yield encode_line(
        {
            "type": "header",
            "format": FORMAT_NAME,
            "format_version": header.format_version,
            "created_at": timestamp_text(header.created_at),
            "schema_revision": header.schema_revision,
            "boardloop_version": header.boardloop_version,
        }
    )
    digest = hashlib.sha256()
    for kind, record in records_of(backup):
        line = encode_line(record_document(kind, record))
        digest.update(line)
        yield line
    yield encode_line(
        {"type": "end", "counts": backup.counts(), "sha256": digest.hexdigest()}
    )


def records_of(backup: Backup) -> Iterator[tuple[str, Any]]:
    yield "company", backup.company
    for kind, attribute in RECORD_ATTRIBUTES.items():
        for record in getattr(backup, attribute):
            yield kind, record


def record_document(kind: str, record: Any) -> dict[str, Any]:
    """Turn a record into its line's JSON object: the type, then the fields in order."""
    kinds = dict(RECORD_FIELDS[kind])
    document: dict[str, Any] = {"type": kind}
    for field in fields(record):
        value = getattr(record, field.name)
        field_kind = kinds[field.name].rstrip("?")
        if value is None:
            document[field.name] = None
        elif field_kind == "timestamp":
            document[field.name] = timestamp_text(value)
        elif field_kind == "date":
            document[field.name] = value.isoformat()
        elif field_kind == "object":
            document[field.name] = sorted_json(value)
        else:
            document[field.name] = value
    return document


def encode_line(document: dict[str, Any]) -> bytes:
    text = json.dumps(
        document, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    return f"{text}\n".encode()


def sorted_json(value: Any) -> Any:
    """Return a JSON value with the keys of every object in sorted order."""
    if isinstance(value, dict):
        return {key: sorted_json(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [sorted_json(item) for item in value]
    return value


def timestamp_text(value: dt.datetime) -> str:
    """Format a timestamp as UTC ISO 8601 text with all six microsecond digits."""
    return to_utc(value).isoformat(timespec="microseconds")


# --- reading ----------------------------------------------------------------------


def parse_backup(lines: Iterable[bytes], path: PurePath) -> Backup:
    """Read and check every line of a backup file; raise on the first bad one.

    The error names the file and line. Nothing is returned unless the header,
    every record, the counts and the SHA-256 of the end record are all valid.
    """
    header: BackupHeader | None = None
    company = None
    records: dict[str, list[Any]] = {kind: [] for kind in RECORD_ATTRIBUTES}
    keys: dict[str, set[Any]] = {kind: set() for kind in RECORD_ATTRIBUTES}
    digest = hashlib.sha256()
    end: dict[str, Any] | None = None
    number = 0

    for number, raw in enumerate(lines, start=1):
        if end is not None:
            raise BackupRecordError(
                path, number, "end", "a line follows the end record"
            )
        if not raw.endswith(b"\n"):
            raise IncompleteBackupError(
                path, number, f"line {number} ends without a newline, so it was cut off"
            )
        document = parse_line(raw, path, number)
        kind = document["type"]
        if number == 1:
            header = parse_header(document, path)
            continue
        if kind == "end":
            end = document
            continue
        digest.update(raw)
        try:
            record = read_fields(kind, document)
            key = check_record(kind, record)
        except RecordProblem as problem:
            raise BackupRecordError(
                path, number, kind.replace("_", " "), str(problem)
            ) from None
        if kind == "company":
            if company is not None:
                raise BackupRecordError(
                    path, number, "company", "a second company record"
                )
            company = record
            continue
        if key is not None:
            if key in keys[kind]:
                raise BackupRecordError(
                    path,
                    number,
                    kind.replace("_", " "),
                    f"{describe_key(key)} appears on an earlier line too",
                )
            keys[kind].add(key)
        records[kind].append(record)

    if header is None:
        raise IncompleteBackupError(path, 1, "the file is empty")
    if end is None:
        raise IncompleteBackupError(
            path, number, f"it ends after line {number} without its end record"
        )
    if company is None:
        raise BackupRecordError(path, number, "end", "the file has no company record")
    backup = Backup(
        header=header,
        company=company,
        **{
            attribute: tuple(records[kind])
            for kind, attribute in RECORD_ATTRIBUTES.items()
        },
    )
    check_end(end, backup, digest.hexdigest(), path, number)
    return backup


def parse_line(raw: bytes, path: PurePath, number: int) -> dict[str, Any]:
    """Decode one line as a JSON object with a known "type"."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BackupRecordError(
            path, number, "", f"byte {error.start + 1} is not UTF-8"
        ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        if number == 1:
            document = None
        else:
            raise BackupRecordError(
                path,
                number,
                "",
                f"invalid JSON ({error.msg} at character {error.pos + 1})",
            ) from None
    kind = document.get("type") if isinstance(document, dict) else None
    if number == 1 and kind != "header":
        raise BackupRecordError(
            path,
            1,
            "header",
            "the file does not start with a boardloop backup header, so it is not "
            "a backup written by boardloop backup",
        )
    if number > 1 and kind != "end" and kind not in RECORD_FIELDS:
        raise BackupRecordError(path, number, "", f"unexpected record type {kind!r}")
    checked: dict[str, Any] = document
    return checked


def parse_header(document: dict[str, Any], path: PurePath) -> BackupHeader:
    """Check the header's format name and version first, then its other fields."""
    if document.get("format") != FORMAT_NAME:
        raise BackupRecordError(
            path,
            1,
            "header",
            f"format {document.get('format')!r} is not {FORMAT_NAME!r}",
        )
    version = document.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise BackupVersionError(path, version, FORMAT_VERSION)
    expected = {
        "type",
        "format",
        "format_version",
        "created_at",
        "schema_revision",
        "boardloop_version",
    }
    try:
        if set(document) != expected:
            raise RecordProblem(
                f"expected the fields {', '.join(sorted(expected))}, found "
                f"{', '.join(sorted(document))}"
            )
        created_at = document["created_at"]
        revision = document["schema_revision"]
        program = document["boardloop_version"]
        if not isinstance(revision, str | None) or not isinstance(program, str):
            raise RecordProblem("schema_revision and boardloop_version must be text")
        return BackupHeader(
            format_version=version,
            created_at=parse_timestamp("created_at", created_at),
            schema_revision=revision,
            boardloop_version=program,
        )
    except RecordProblem as problem:
        raise BackupRecordError(path, 1, "header", str(problem)) from None


def check_end(
    end: dict[str, Any], backup: Backup, digest: str, path: PurePath, number: int
) -> None:
    """Compare the end record's counts and SHA-256 with the records read."""
    if set(end) != {"type", "counts", "sha256"}:
        raise BackupRecordError(
            path, number, "end", "expected the fields type, counts and sha256"
        )
    counts = backup.counts()
    if end["counts"] != counts:
        stated = end["counts"]
        missing = (
            ", ".join(
                f"{kind} {stated.get(kind)!r} stated, {count} read"
                for kind, count in counts.items()
                if stated.get(kind) != count
            )
            if isinstance(stated, dict)
            else f"counts {stated!r}"
        )
        raise IncompleteBackupError(
            path, number, f"the record counts do not match the end record ({missing})"
        )
    if end["sha256"] != digest:
        raise BackupDigestError(path, number, str(end["sha256"]), digest)


def describe_key(key: Any) -> str:
    if isinstance(key, tuple):
        return " / ".join("no window" if part is None else str(part) for part in key)
    return repr(key)
