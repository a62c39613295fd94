"""Damaged backups, existing companies and failed restores change no row."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import json
import logging
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select, text

from boardloop.access import Role
from boardloop.domain.fiscal import FiscalCalendar
from boardloop.domain.model import KpiValue
from boardloop.io import read_register_file
from boardloop.store import (
    BackupDigestError,
    BackupRecordError,
    BackupVersionError,
    CompanyExistsError,
    IncompleteBackupError,
    RestoreFailedError,
    Store,
    backup_company,
    read_backup_file,
    restore_company,
    write_backup_file,
)
from boardloop.store._backup_records import ImportLogRecord
from boardloop.store._schema import Base
from store_backends import BACKENDS, backend_url

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

COMPANY = "Tallyfern Software"
OTHER = "Brightwell Labs"
MONDAY = dt.datetime(2026, 3, 2, 9, 0, 0, 500000, tzinfo=dt.UTC)

REGISTER = """\
initiatives:
  - id: onboarding-revamp
    name: Onboarding revamp
    owner: Maya Okafor (VP Customer Success)
    target: +5pp lift in 90-day GRR for SMB cohort by Q2
    status: in-progress
    next_checkpoint: 2026-04-14
    history:
      - at: 2026-01-10T09:00:00
        actor: Maya Okafor
        kind: status
        changes: {status: [planned, in-progress]}
        reason: Pilot cohort picked.
  - id: health-score-v2
    name: Health score model v2
    owner: Jon Reyes (RevOps)
    target: reduce logo churn from 6% to 4% by end of FY27
    status: planned
    next_checkpoint: 2026-05-02
"""

TARGET_REGISTER = """\
initiatives:
  - id: ebr-cadence
    name: Quarterly executive business reviews
    owner: Ana Lima (CS)
    target: NPS 45+ by H2
    status: launched
    next_checkpoint: 2026-04-01
"""


def kpi_values(segment: str) -> list[KpiValue]:
    return [
        KpiValue(
            kpi_id="customers.gross_revenue_retention",
            segment=segment,
            period_end=dt.date(2026, 1, 31),
            value=Decimal("91.50"),
            n=120,
            window_days=90,
            low=Decimal("89.1"),
            high=Decimal("93.75"),
        ),
        KpiValue(
            kpi_id="customers.nps_score",
            segment=segment,
            period_end=dt.date(2026, 2, 28),
            value=Decimal("41"),
        ),
    ]


def import_register(store: Store, folder: Path, company: str, register: str) -> None:
    """Import a register file and two KPI values into one company."""
    path = folder / f"{company.split()[0].lower()}.yaml"
    path.write_text(register, encoding="utf-8")
    result = read_register_file(path, calendar=FiscalCalendar(), as_of=MONDAY.date())
    store.import_initiatives(
        company, result.initiatives, source_path=str(path), actor="ana", at=MONDAY
    )
    store.replace_kpi_values(
        company, kpi_values("SMB"), source_path="kpi_values.csv", at=MONDAY
    )


@pytest.fixture
def good_backup(tmp_path: Path) -> Iterator[Path]:
    """A valid backup of a small company, written from a SQLite database."""
    store = Store(f"sqlite:///{tmp_path / 'source.db'}")
    store.migrate()
    import_register(store, tmp_path, COMPANY, REGISTER)
    store.add_user("maya", "Maya Okafor")
    store.grant_role("maya", COMPANY, Role.OWNER)
    path = tmp_path / "good.jsonl"
    backup_company(store, COMPANY, path)
    yield path
    store.close()


@pytest.fixture(params=BACKENDS)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A database that already contains the company, another company and a user."""
    folder = tmp_path / "target"
    folder.mkdir()
    with backend_url(request.param, folder, migrated=True) as url:
        store = Store(url)
        store.migrate()
        import_register(store, folder, COMPANY, TARGET_REGISTER)
        import_register(store, folder, OTHER, REGISTER)
        store.add_user("ana", "Ana Lima")
        store.grant_role("ana", COMPANY, Role.ADMIN)
        store.grant_role("ana", OTHER, Role.EDITOR)
        yield store
        store.close()


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, by table, in id order."""
    with store.engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(
                    select(table).order_by(*table.primary_key.columns)
                )
            ]
            for table in Base.metadata.sorted_tables
        }


# --- damaged files -------------------------------------------------------------------


def lines_of(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def line_number(data: bytes, needle: bytes) -> int:
    """Return the 1-based number of the first line containing `needle`."""
    for number, line in enumerate(lines_of(data), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} is in no line")


def edit_line(
    data: bytes, needle: bytes, edit: Callable[[dict[str, Any]], None]
) -> bytes:
    """Apply `edit` to the JSON object of the first line containing `needle`."""
    lines = lines_of(data)
    number = line_number(data, needle)
    document = json.loads(lines[number - 1])
    edit(document)
    lines[number - 1] = (
        json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    ).encode()
    return b"".join(lines)


def drop_end(data: bytes) -> tuple[bytes, int]:
    lines = lines_of(data)
    return b"".join(lines[:-1]), len(lines) - 1


def cut_inside_line(data: bytes) -> tuple[bytes, int]:
    cut = data.index(b"\n", len(data) // 2) + 10
    return data[:cut], data[:cut].count(b"\n") + 1


def cut_gzip(data: bytes) -> tuple[bytes, int]:
    packed = gzip.compress(data, mtime=0)
    return packed[: len(packed) - 40], 0


def bad_kpi_value(data: bytes) -> tuple[bytes, int]:
    def set_value(document: dict[str, Any]) -> None:
        document["value"] = "91,50"

    return edit_line(data, b'"value":"91.50"', set_value), line_number(
        data, b'"value":"91.50"'
    )


def wrong_version(data: bytes) -> tuple[bytes, int]:
    def set_version(document: dict[str, Any]) -> None:
        document["format_version"] = 2

    return edit_line(data, b'"type":"header"', set_version), 1


def edited_actor(data: bytes) -> tuple[bytes, int]:
    def set_actor(document: dict[str, Any]) -> None:
        document["actor"] = "eve"

    return edit_line(data, b'"type":"event"', set_actor), len(lines_of(data))


def missing_reason(data: bytes) -> tuple[bytes, int]:
    def drop_reason(document: dict[str, Any]) -> None:
        del document["reason"]

    return edit_line(data, b'"type":"event"', drop_reason), line_number(
        data, b'"type":"event"'
    )


def not_json(data: bytes) -> tuple[bytes, int]:
    lines = lines_of(data)
    lines[2] = b'{"type":"initiative","key":\n'
    return b"".join(lines), 3


def repeated_initiative(data: bytes) -> tuple[bytes, int]:
    lines = lines_of(data)
    number = line_number(data, b'"type":"initiative"')
    lines.insert(number, lines[number - 1])
    return b"".join(lines), number + 1


def not_a_backup(data: bytes) -> tuple[bytes, int]:
    return REGISTER.encode(), 1


def empty(data: bytes) -> tuple[bytes, int]:
    return b"", 1


DAMAGES: list[tuple[Callable[[bytes], tuple[bytes, int]], type[Exception], str]] = [
    (drop_end, IncompleteBackupError, "without its end record"),
    (cut_inside_line, IncompleteBackupError, "ends without a newline"),
    (cut_gzip, IncompleteBackupError, "gzip data is cut off or damaged"),
    (bad_kpi_value, BackupRecordError, "value '91,50' is not a number"),
    (wrong_version, BackupVersionError, "format version 2 is not supported"),
    (edited_actor, BackupDigestError, "changed after it was written"),
    (missing_reason, BackupRecordError, "missing field 'reason'"),
    (not_json, BackupRecordError, "invalid JSON"),
    (repeated_initiative, BackupRecordError, "appears on an earlier line"),
    (not_a_backup, BackupRecordError, "does not start with a boardloop backup"),
    (empty, IncompleteBackupError, "the file is empty"),
]


@pytest.mark.parametrize(
    ("damage", "error", "message"),
    DAMAGES,
    ids=[damage.__name__ for damage, _, _ in DAMAGES],
)
def test_damaged_backup_changes_nothing(
    damage: Callable[[bytes], tuple[bytes, int]],
    error: type[Exception],
    message: str,
    good_backup: Path,
    target: Store,
    tmp_path: Path,
) -> None:
    data, line = damage(good_backup.read_bytes())
    path = tmp_path / ("damaged.jsonl.gz" if damage is cut_gzip else "damaged.jsonl")
    path.write_bytes(data)
    before = snapshot(target)

    with pytest.raises(error) as raised:
        restore_company(target, read_backup_file(path), replace=True)

    assert message in str(raised.value)
    if line:
        assert f"{path}:{line}:" in str(raised.value)
    assert "nothing was restored" in str(raised.value)
    assert snapshot(target) == before


def test_good_backup_reads(good_backup: Path) -> None:
    backup = read_backup_file(good_backup)

    assert backup.company.name == COMPANY
    assert backup.counts() == {
        "initiative": 2,
        "event": 3,
        "kpi_value": 2,
        "control_interval": 0,
        "import": 2,
        "membership": 1,
    }
    assert backup.kpi_values[0].value == "91.50"
    assert backup.kpi_values[0].high == "93.75"


# --- existing companies -------------------------------------------------------------


def test_existing_company_rejected(good_backup: Path, target: Store) -> None:
    before = snapshot(target)

    with pytest.raises(CompanyExistsError) as raised:
        restore_company(target, read_backup_file(good_backup))

    assert "already exists" in str(raised.value)
    assert "1 initiative, 1 event, 2 KPI values" in str(raised.value)
    assert "--replace" in str(raised.value)
    assert snapshot(target) == before


def test_replace_swaps_only_that_company(
    good_backup: Path, target: Store, caplog: pytest.LogCaptureFixture
) -> None:
    other_before = {
        "register": target.load_register(OTHER),
        "events": target.events(OTHER),
        "values": target.load_kpi_values(OTHER),
        "imports": target.import_log(OTHER),
    }

    with caplog.at_level(logging.INFO, logger="boardloop.store"):
        result = restore_company(target, read_backup_file(good_backup), replace=True)

    assert result.removed == {
        "initiative": 1,
        "event": 1,
        "kpi_value": 2,
        "control_interval": 0,
        "import": 2,
        "membership": 1,
    }
    assert [item.id for item in target.load_register(COMPANY).initiatives] == [
        "onboarding-revamp",
        "health-score-v2",
    ]
    assert target.user("ana").roles == {OTHER: Role.EDITOR}
    assert target.user("maya").roles == {COMPANY: Role.OWNER}
    assert other_before == {
        "register": target.load_register(OTHER),
        "events": target.events(OTHER),
        "values": target.load_kpi_values(OTHER),
        "imports": target.import_log(OTHER),
    }
    replaced = [r.getMessage() for r in caplog.records if "replaced" in r.getMessage()]
    assert len(replaced) == 1
    assert "removed 1 initiative, 1 event, 2 KPI values" in replaced[0]


def test_restore_new_name_next_to_existing(good_backup: Path, target: Store) -> None:
    result = restore_company(
        target, read_backup_file(good_backup), company="Tallyfern Copy"
    )

    assert result.removed is None
    assert target.companies() == [OTHER, "Tallyfern Copy", COMPANY]
    assert [item.id for item in target.load_register(COMPANY).initiatives] == [
        "ebr-cadence"
    ]


# --- failures inside the transaction -------------------------------------------------


def add_rejecting_trigger(store: Store) -> None:
    """Make the database reject any KPI value of segment 'reject-me'."""
    with store.engine.begin() as connection:
        if store.engine.dialect.name == "sqlite":
            connection.execute(
                text(
                    "CREATE TRIGGER reject_kpi BEFORE INSERT ON kpi_values "
                    "WHEN NEW.segment = 'reject-me' "
                    "BEGIN SELECT RAISE(ABORT, 'rejected by the test trigger'); END"
                )
            )
            return
        connection.execute(
            text(
                "CREATE FUNCTION reject_kpi() RETURNS trigger AS $$ BEGIN "
                "IF NEW.segment = 'reject-me' THEN "
                "RAISE EXCEPTION 'rejected by the test trigger'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
        )
        connection.execute(
            text(
                "CREATE TRIGGER reject_kpi BEFORE INSERT ON kpi_values "
                "FOR EACH ROW EXECUTE FUNCTION reject_kpi()"
            )
        )


def test_database_failure_rolls_back_replace(
    good_backup: Path, target: Store, tmp_path: Path
) -> None:
    backup = read_backup_file(good_backup)
    last = dataclasses.replace(backup.kpi_values[-1], segment="reject-me")
    rejected = dataclasses.replace(backup, kpi_values=(*backup.kpi_values, last))
    add_rejecting_trigger(target)
    before = snapshot(target)

    with pytest.raises(RestoreFailedError) as raised:
        restore_company(target, rejected, replace=True)

    assert "rolled back" in str(raised.value)
    assert snapshot(target) == before


# --- writing --------------------------------------------------------------------------


def test_failed_write_keeps_old_file(good_backup: Path, tmp_path: Path) -> None:
    backup = read_backup_file(good_backup)
    unencodable = ImportLogRecord(
        path="late.csv",
        sha256="0" * 64,
        at=MONDAY,
        actor="ana",
        counts={"ratio": float("nan")},
    )
    broken = dataclasses.replace(backup, imports=(*backup.imports, unencodable))
    path = tmp_path / "backup.jsonl"
    path.write_bytes(b"the previous backup\n")
    before = sorted(item.name for item in tmp_path.iterdir())

    with pytest.raises(ValueError, match="not JSON compliant"):
        write_backup_file(broken, path)

    assert path.read_bytes() == b"the previous backup\n"
    assert sorted(item.name for item in tmp_path.iterdir()) == before


def test_gzip_output_is_stable(good_backup: Path, tmp_path: Path) -> None:
    backup = read_backup_file(good_backup)
    write_backup_file(backup, tmp_path / "one.jsonl.gz")
    write_backup_file(backup, tmp_path / "two.jsonl.gz")

    assert (tmp_path / "one.jsonl.gz").read_bytes() == (
        tmp_path / "two.jsonl.gz"
    ).read_bytes()
    assert read_backup_file(tmp_path / "one.jsonl.gz") == backup
