"""Record checks of the backup format, on files built in memory.

Each case breaks one field of a valid backup and seals the file again (counts
and SHA-256 recomputed), so the record check is what must reject it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import PurePath
from typing import Any

import pytest

from boardloop.domain.model import Initiative, Owner, Status, Target
from boardloop.store import BackupRecordError, IncompleteBackupError
from boardloop.store._backup_format import encode_backup, parse_backup
from boardloop.store._backup_records import (
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
from boardloop.store._codec import encode_initiative

PATH = PurePath("company.jsonl")
AT = dt.datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=dt.UTC)
INITIATIVE = Initiative(
    id="onboarding-revamp",
    name="Onboarding revamp",
    owner=Owner("Maya Okafor", "CS"),
    target=Target(text="+5pp lift in 90-day GRR for SMB cohort by Q2"),
    status=Status.IN_PROGRESS,
)
BACKUP = Backup(
    header=BackupHeader(1, AT, "0005", "0.1.0"),
    company=CompanyRecord("Tallyfern Software", {"catalog_pin": "1.4.0"}),
    initiatives=(
        InitiativeRecord(
            key="onboarding-revamp",
            name="Onboarding revamp",
            status="in-progress",
            version=2,
            created_at=AT,
            updated_at=AT + dt.timedelta(days=1),
            data=encode_initiative(INITIATIVE),
        ),
    ),
    events=(
        EventRecord(
            initiative_key="onboarding-revamp",
            at=AT,
            actor="maya",
            kind="status",
            changes={"status": ["planned", "in-progress"]},
            reason="Pilot cohort picked.",
        ),
    ),
    kpi_values=(
        KpiValueRecord(
            kpi_id="customers.gross_revenue_retention",
            segment="SMB",
            window_days=90,
            period_end=dt.date(2026, 1, 31),
            value="91.50",
            n=120,
            source="ledger.csv",
            source_line=None,
            low="89.1",
            high="93.75",
            definition="90-day GRR of the SMB cohort",
        ),
        KpiValueRecord(
            kpi_id="customers.gross_revenue_retention",
            segment="SMB",
            window_days=None,
            period_end=dt.date(2026, 1, 31),
            value="90",
            n=None,
            source=None,
            source_line=None,
            low=None,
            high=None,
            definition=None,
        ),
    ),
    control_intervals=(
        ControlIntervalRecord(
            kpi_id="customers.gross_revenue_retention",
            segment="SMB",
            control="Mid-market",
            window_days=90,
            before_end=dt.date(2026, 1, 31),
            after_end=dt.date(2026, 10, 31),
            low="-0.5",
            high="3.25",
            n_treated=120,
            n_control=80,
            resamples=1000,
        ),
    ),
    imports=(
        ImportLogRecord(
            path="initiatives.yaml",
            sha256="a" * 64,
            at=AT,
            actor="maya",
            counts={"created": 1, "kind": "initiatives"},
        ),
    ),
    memberships=(
        MembershipRecord(
            login="maya", display_name="Maya Okafor", role="owner", disabled_at=None
        ),
    ),
)


def encoded_lines() -> list[bytes]:
    return list(encode_backup(BACKUP))


def sealed(lines: list[bytes]) -> list[bytes]:
    """Recompute the end record's counts and SHA-256 over the record lines."""
    records = lines[1:-1]
    counts: dict[str, int] = dict.fromkeys(BACKUP.counts(), 0)
    for line in records:
        kind = json.loads(line)["type"]
        if kind in counts:
            counts[kind] += 1
    digest = hashlib.sha256(b"".join(records)).hexdigest()
    end = {"type": "end", "counts": counts, "sha256": digest}
    return [lines[0], *records, (json.dumps(end) + "\n").encode()]


def with_field(kind: str, name: str, value: Any) -> list[bytes]:
    """Return the sealed file with one field of the first `kind` record changed."""
    lines = encoded_lines()
    for index, line in enumerate(lines):
        document = json.loads(line)
        if document["type"] == kind:
            document[name] = value
            lines[index] = (json.dumps(document) + "\n").encode()
            return sealed(lines)
    raise AssertionError(f"no {kind} record")


def without_field(kind: str, name: str) -> list[bytes]:
    lines = encoded_lines()
    for index, line in enumerate(lines):
        document = json.loads(line)
        if document["type"] == kind:
            del document[name]
            lines[index] = (json.dumps(document) + "\n").encode()
            return sealed(lines)
    raise AssertionError(f"no {kind} record")


def test_round_trip_in_memory() -> None:
    assert parse_backup(encoded_lines(), PATH) == BACKUP


def test_sealed_file_still_valid() -> None:
    assert parse_backup(sealed(encoded_lines()), PATH) == BACKUP


def test_timestamps_keep_microseconds() -> None:
    lines = encoded_lines()

    assert b'"created_at":"2026-03-02T09:00:00.123456+00:00"' in lines[0]
    assert b'"at":"2026-03-02T09:00:00.123456+00:00"' in lines[3]


def test_other_offset_read_as_utc() -> None:
    lines = with_field("event", "at", "2026-03-02T10:00:00.123456+01:00")

    backup = parse_backup(lines, PATH)

    assert backup.events[0].at == AT


BAD_AMOUNT = {
    **encode_initiative(INITIATIVE),
    "target": {**encode_initiative(INITIATIVE)["target"], "amount": "five"},
}
CASES = [
    ("company", "name", " ", "the company name is empty"),
    ("company", "settings", {"fiscal": {"start_month": 13}}, "fiscal"),
    ("initiative", "version", 0, "version 0 is below 1"),
    ("initiative", "version", "2", "version must be an integer"),
    ("initiative", "version", True, "version must be an integer"),
    ("initiative", "key", "other", "key 'other' differs from the key"),
    ("initiative", "status", "launched", "status 'launched' differs"),
    ("initiative", "data", {"codec": 99}, "data cannot be decoded"),
    ("initiative", "data", {"codec": 1}, "missing key 'id'"),
    ("initiative", "created_at", "2026-03-02T09:00:00", "has no UTC offset"),
    ("initiative", "created_at", "yesterday", "is not an ISO 8601 timestamp"),
    ("initiative", "data", BAD_AMOUNT, "data cannot be decoded (InvalidOperation"),
    ("event", "changes", {"status": ["planned"]}, "changes cannot be decoded"),
    ("event", "changes", {"n": [{"$decimal": "x"}, 1]}, "changes cannot be decoded"),
    ("event", "actor", None, "actor must be text"),
    ("kpi_value", "value", "91,50", "value '91,50' is not a number"),
    ("kpi_value", "value", "NaN", "is not a finite number"),
    ("kpi_value", "value", 91.5, "must be a number written as text"),
    ("kpi_value", "window_days", 0, "window_days 0 is below 1"),
    ("kpi_value", "low", None, "only one bound"),
    ("kpi_value", "low", "95", "low bound 95 is above its high bound"),
    ("kpi_value", "n", -1, "n -1 is negative"),
    ("kpi_value", "period_end", "31/01/2026", "is not a date"),
    ("control_interval", "low", "4", "low 4 is above high 3.25"),
    ("control_interval", "resamples", -5, "resamples -5 is negative"),
    ("import", "sha256", "abc", "is not 64 lower-case hexadecimal digits"),
    ("import", "counts", [], "counts must be a JSON object"),
    ("membership", "login", "Maya", "is not in its stored form 'maya'"),
    ("membership", "login", "maya smith", "invalid login"),
    ("membership", "role", "viewer", "role 'viewer' is not one of"),
    ("membership", "display_name", "  ", "empty display name"),
    ("membership", "disabled_at", "2026-03-02", "has no UTC offset"),
    ("membership", "extra", 1, "unknown field 'extra'"),
]


@pytest.mark.parametrize(
    ("kind", "name", "value", "message"),
    CASES,
    ids=[f"{kind}-{name}-{index}" for index, (kind, name, _, _) in enumerate(CASES)],
)
def test_bad_field_rejected(kind: str, name: str, value: Any, message: str) -> None:
    lines = with_field(kind, name, value)
    number = next(
        index
        for index, line in enumerate(lines, start=1)
        if json.loads(line)["type"] == kind
    )

    with pytest.raises(BackupRecordError) as raised:
        parse_backup(lines, PATH)

    assert message in str(raised.value)
    assert raised.value.line == number
    assert f"{PATH}:{number}: invalid {kind.replace('_', ' ')} record" in str(
        raised.value
    )


def test_missing_field_rejected() -> None:
    with pytest.raises(BackupRecordError, match="missing field 'definition'"):
        parse_backup(without_field("kpi_value", "definition"), PATH)


def test_repeated_kpi_value_key_rejected() -> None:
    lines = with_field("kpi_value", "window_days", None)

    with pytest.raises(BackupRecordError) as raised:
        parse_backup(lines, PATH)

    assert "SMB / no window / 2026-01-31" in str(raised.value)
    assert raised.value.line == 6


def test_second_company_rejected() -> None:
    lines = encoded_lines()
    lines.insert(2, lines[1])

    with pytest.raises(BackupRecordError, match="a second company record"):
        parse_backup(sealed(lines), PATH)


def test_line_after_end_rejected() -> None:
    lines = [*encoded_lines(), b"\n"]

    with pytest.raises(BackupRecordError, match="a line follows the end record"):
        parse_backup(lines, PATH)


def test_unknown_record_type_rejected() -> None:
    lines = encoded_lines()
    lines.insert(2, b'{"type":"token","secret":"x"}\n')

    with pytest.raises(BackupRecordError, match="unexpected record type 'token'"):
        parse_backup(sealed(lines), PATH)


def test_counts_mismatch_rejected() -> None:
    lines = encoded_lines()
    end = json.loads(lines[-1])
    end["counts"]["event"] = 2
    lines[-1] = (json.dumps(end) + "\n").encode()

    with pytest.raises(IncompleteBackupError, match="event 2 stated, 1 read"):
        parse_backup(lines, PATH)
