"""Backup and restore round trips of the example company, on SQLite and PostgreSQL.

The source company is built once per database kind: the example register
imported, its KPIs computed, edits made through the edit operations, settings,
users and memberships. Every test restores into a fresh database.
"""

from __future__ import annotations

import datetime as dt
import json
from contextlib import ExitStack
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from boardloop.access import Principal, Role
from boardloop.cli._demo import copy_example
from boardloop.domain.fiscal import FiscalCalendar
from boardloop.domain.model import KpiValue, Outcome, OutcomeResult, Status
from boardloop.edits import (
    change_status,
    close_initiative,
    post_checkpoint,
    revise_target,
)
from boardloop.service import compute_kpis, import_files
from boardloop.store import (
    CompanySettings,
    InvalidCompanyNameError,
    Store,
    Workspace,
    backup_company,
    load_config,
    open_workspace,
    read_backup_file,
    restore_company,
)
from boardloop.store._schema import (
    ApiTokenRow,
    CompanyRow,
    ControlIntervalRow,
    UserRow,
)
from store_backends import BACKENDS, backend_url

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path


COMPANY = "Tallyfern Software"
IMPORTED_AT = dt.datetime(2026, 11, 16, 8, 0, 0, 250001, tzinfo=dt.UTC)
COMPUTED_AT = dt.datetime(2026, 11, 16, 8, 5, 12, 999999, tzinfo=dt.UTC)
EDITED_AT = dt.datetime(2026, 11, 17, 9, 15, 30, 123456, tzinfo=dt.UTC)
EDITOR = Principal("jon", "Jon Reyes", {COMPANY: Role.EDITOR})
OTHER_KIND = {"sqlite": "postgresql", "postgresql": "sqlite"}


# --- the source company --------------------------------------------------------------


@pytest.fixture(scope="module")
def computed_values(tmp_path_factory: pytest.TempPathFactory) -> list[KpiValue]:
    """KPI values computed from the example's ledger, customers and NPS, once."""
    folder = tmp_path_factory.mktemp("compute")
    copy_example(folder, force=True)
    with open_workspace(folder) as workspace:
        return compute_kpis(workspace)


@pytest.fixture(scope="module", params=BACKENDS)
def source(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    computed_values: list[KpiValue],
) -> Iterator[Store]:
    """The example company in a database of each kind; tests only read it."""
    folder = tmp_path_factory.mktemp(f"source-{request.param}")
    with backend_url(request.param, folder, migrated=True) as url:
        store = Store(url)
        store.migrate()
        build_company(store, folder, computed_values)
        yield store
        store.close()


@pytest.fixture(scope="module")
def first_backup(source: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The source company's backup, written once per database kind."""
    path = tmp_path_factory.mktemp("backup") / "first.jsonl"
    backup_company(source, COMPANY, path)
    return path


@pytest.fixture(scope="module")
def source_state(source: Store) -> dict[str, Any]:
    return stored_state(source, COMPANY)


def build_company(store: Store, folder: Path, values: list[KpiValue]) -> None:
    """Fill the store with everything a backup must carry."""
    example = folder / "example"
    copy_example(example, force=True)
    config = load_config(example / "boardloop.toml")
    workspace = Workspace(root=example, config=config, store=store)
    import_files(workspace, workspace.initiative_paths, actor="maya", at=IMPORTED_AT)
    assert config.ledger is not None
    store.replace_kpi_values(
        COMPANY,
        values,
        source_path=str(workspace.resolve(config.ledger)),
        actor="maya",
        at=COMPUTED_AT,
        computed=True,
    )
    store.set_company_settings(
        COMPANY,
        CompanySettings(
            catalog_pin="1.4.0",
            fiscal=FiscalCalendar(2, "end"),
            data_sources={"ledger": "warehouse.revenue_ledger"},
            extra={"review_day": "Monday"},
        ),
    )
    add_members(store)
    make_edits(store)
    add_control_intervals(store)


def add_members(store: Store) -> None:
    store.add_user("jon", "Jon Reyes", password="correct horse battery")
    store.add_user("maya", "Maya Okafor")
    store.add_user("kim", "Kim Board")
    store.grant_role("jon", COMPANY, Role.EDITOR)
    store.grant_role("maya", COMPANY, Role.OWNER)
    store.grant_role("kim", COMPANY, Role.BOARD)
    store.set_user_disabled("kim", True, at=EDITED_AT)
    store.issue_token("jon", "nightly export", at=EDITED_AT)


def make_edits(store: Store) -> None:
    """Change a status, post a checkpoint, revise a target and close an initiative."""

    def version(key: str) -> int:
        return store.get_initiative(COMPANY, key).version

    key = "customer-advocacy"
    change_status(
        store,
        EDITOR,
        COMPANY,
        key,
        expected_version=version(key),
        status=Status.IN_PROGRESS,
        reason="Reference programme terms signed",
        at=EDITED_AT,
    )
    key = "enterprise-success-plans"
    post_checkpoint(
        store,
        EDITOR,
        COMPANY,
        key,
        expected_version=version(key),
        note="Plans written for 40 of 45 Enterprise accounts.",
        on=EDITED_AT.date(),
        next_checkpoint=dt.date(2026, 12, 22),
        at=EDITED_AT + dt.timedelta(microseconds=1),
    )
    key = "midmarket-expansion-playbook"
    revise_target(
        store,
        EDITOR,
        COMPANY,
        key,
        expected_version=version(key),
        target="+4pp lift in 6-month NRR for Mid-market by Q3 FY28",
        reason="Pricing change moved the baseline",
        at=EDITED_AT + dt.timedelta(microseconds=2),
    )
    key = "health-score-v2"
    close_initiative(
        store,
        EDITOR,
        COMPANY,
        key,
        expected_version=version(key),
        outcome=Outcome(
            result=OutcomeResult.PARTIALLY_ACHIEVED,
            actual_movement=Decimal("-1.25"),
            lesson="Scores came too late for renewals in the first quarter.",
        ),
        reason="Board review of the health model",
        at=EDITED_AT + dt.timedelta(seconds=1),
    )


def add_control_intervals(store: Store) -> None:
    # No store method writes control intervals on this branch yet, so the rows
    # go in directly, as the measurement code stores them.
    with Session(store.engine) as session, session.begin():
        company_id = company_id_of(session, COMPANY)
        for window, low in ((90, "0.125"), (None, "-2.50")):
            session.add(
                ControlIntervalRow(
                    company_id=company_id,
                    kpi_id="customers.gross_revenue_retention",
                    segment="SMB",
                    control="Mid-market",
                    window_days=window,
                    before_end=dt.date(2026, 2, 28),
                    after_end=dt.date(2026, 10, 31),
                    low=low,
                    high="3.7500",
                    n_treated=412,
                    n_control=198,
                    resamples=1000,
                )
            )


def company_id_of(session: Session, company: str) -> int:
    company_id = session.scalar(select(CompanyRow.id).where(CompanyRow.name == company))
    assert company_id is not None
    return company_id


# --- comparisons ---------------------------------------------------------------------


def backup_bytes(store: Store, path: Path, company: str = COMPANY) -> bytes:
    backup_company(store, company, path)
    return path.read_bytes()


def assert_same_backup(first: bytes, second: bytes) -> None:
    """Compare two backup files byte for byte, apart from the header's created_at."""
    first_lines = first.splitlines(keepends=True)
    second_lines = second.splitlines(keepends=True)
    first_header = json.loads(first_lines[0])
    second_header = json.loads(second_lines[0])
    first_header.pop("created_at")
    second_header.pop("created_at")
    assert first_header == second_header
    assert len(first_lines) == len(second_lines)
    for number, (line, other) in enumerate(
        zip(first_lines[1:], second_lines[1:], strict=True), start=2
    ):
        assert line == other, f"line {number} differs"


def stored_state(store: Store, company: str) -> dict[str, Any]:
    """Everything the store returns about one company, for equality checks."""
    register = store.load_register(company)
    return {
        "initiatives": register.initiatives,
        "versions": [
            (stored.version, stored.created_at, stored.updated_at)
            for stored in (
                store.get_initiative(company, item.id) for item in register.initiatives
            )
        ],
        "events": store.events(company),
        "kpi_values": store.load_kpi_values(company),
        "imports": store.import_log(company),
        "settings": store.company_settings(company),
        "members": sorted(
            (user.login, user.display_name, user.roles.get(company), user.is_disabled)
            for user in store.users()
            if company in user.roles
        ),
        "control_intervals": control_intervals(store, company),
    }


def control_intervals(store: Store, company: str) -> list[tuple[Any, ...]]:
    with Session(store.engine) as session:
        rows = session.scalars(
            select(ControlIntervalRow)
            .where(ControlIntervalRow.company_id == company_id_of(session, company))
            .order_by(ControlIntervalRow.id)
        )
        return [
            (
                row.kpi_id,
                row.segment,
                row.control,
                row.window_days,
                row.before_end,
                row.after_end,
                row.low,
                row.high,
                row.n_treated,
                row.n_control,
                row.resamples,
            )
            for row in rows
        ]


def assert_same_state(expected: dict[str, Any], actual: dict[str, Any]) -> None:
    for name in expected:
        assert actual[name] == expected[name], f"{name} differs after the restore"


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Callable[[str], Store]]:
    """Open empty, migrated databases of a given kind, closed after the test."""
    with ExitStack() as stack:
        count = 0

        def open_fresh(kind: str) -> Store:
            nonlocal count
            count += 1
            folder = tmp_path / f"db-{count}"
            folder.mkdir()
            store = Store(stack.enter_context(backend_url(kind, folder, migrated=True)))
            stack.callback(store.close)
            store.migrate()
            return store

        yield open_fresh


# --- round trips ---------------------------------------------------------------------


@pytest.mark.parametrize("target_kind", BACKENDS)
def test_round_trip_same_bytes(
    first_backup: Path,
    source_state: dict[str, Any],
    fresh: Callable[[str], Store],
    target_kind: str,
    tmp_path: Path,
) -> None:
    target = fresh(target_kind)

    result = restore_company(target, read_backup_file(first_backup))
    second = backup_bytes(target, tmp_path / "second.jsonl")

    assert result.removed is None
    assert result.counts["kpi_value"] > 1000
    assert_same_backup(first_backup.read_bytes(), second)
    assert_same_state(source_state, stored_state(target, COMPANY))


def test_round_trip_other_kind_and_back(
    source: Store,
    first_backup: Path,
    source_state: dict[str, Any],
    fresh: Callable[[str], Store],
    tmp_path: Path,
) -> None:
    kind = "sqlite" if source.engine.dialect.name == "sqlite" else "postgresql"
    other = fresh(OTHER_KIND[kind])
    restore_company(other, read_backup_file(first_backup))
    backup_company(other, COMPANY, tmp_path / "second.jsonl")
    back = fresh(kind)
    restore_company(back, read_backup_file(tmp_path / "second.jsonl"))

    third = backup_bytes(back, tmp_path / "third.jsonl")

    assert_same_backup(first_backup.read_bytes(), third)
    assert_same_state(source_state, stored_state(back, COMPANY))


def test_round_trip_gzip(
    source: Store,
    first_backup: Path,
    source_state: dict[str, Any],
    fresh: Callable[[str], Store],
    tmp_path: Path,
) -> None:
    packed = tmp_path / "packed.jsonl.gz"
    backup_company(source, COMPANY, packed)
    plain = read_backup_file(first_backup)
    compressed = read_backup_file(packed)
    target = fresh("sqlite")
    restore_company(target, compressed)

    assert packed.read_bytes()[:2] == b"\x1f\x8b"
    assert compressed.counts() == plain.counts()
    assert compressed.kpi_values == plain.kpi_values
    assert compressed.events == plain.events
    assert_same_state(source_state, stored_state(target, COMPANY))


def test_event_log_keeps_id_order_and_microseconds(
    first_backup: Path, source_state: dict[str, Any], fresh: Callable[[str], Store]
) -> None:
    target = fresh("sqlite")
    restore_company(target, read_backup_file(first_backup))

    events = target.events(COMPANY)
    edited = [stored for _, stored in events if stored.at >= EDITED_AT]
    created = [stored for _, stored in events if stored.kind == "created"]

    assert [stored.at for stored in edited] == [
        EDITED_AT,
        EDITED_AT + dt.timedelta(microseconds=1),
        EDITED_AT + dt.timedelta(microseconds=2),
        EDITED_AT + dt.timedelta(seconds=1),
    ]
    assert [stored.kind for stored in edited] == [
        "status",
        "checkpoint",
        "target-revised",
        "closed",
    ]
    assert len(created) == 12
    # Events at one time are listed in id order, which the restore keeps.
    assert events == source_state["events"]


def test_restore_under_new_name(
    first_backup: Path, source_state: dict[str, Any], fresh: Callable[[str], Store]
) -> None:
    target = fresh("sqlite")

    result = restore_company(
        target, read_backup_file(first_backup), company="Tallyfern Copy"
    )

    assert result.company == "Tallyfern Copy"
    assert target.companies() == ["Tallyfern Copy"]
    assert_same_state(source_state, stored_state(target, "Tallyfern Copy"))


def test_restore_rejects_slash_in_name(
    first_backup: Path, fresh: Callable[[str], Store]
) -> None:
    target = fresh("sqlite")

    with pytest.raises(InvalidCompanyNameError, match="'Tallyfern/EU'"):
        restore_company(target, read_backup_file(first_backup), company="Tallyfern/EU")

    assert target.companies() == []


# --- users and secrets ----------------------------------------------------------------


def test_backup_holds_no_secrets(source: Store, first_backup: Path) -> None:
    text = first_backup.read_text(encoding="utf-8")
    with Session(source.engine) as session:
        password_hash = session.scalar(
            select(UserRow.password_hash).where(UserRow.login == "jon")
        )
        token_hash = session.scalar(select(ApiTokenRow.secret_sha256))
    (token,) = source.tokens("jon")

    assert password_hash is not None
    assert password_hash not in text
    assert token_hash is not None
    assert token_hash not in text
    assert token.lookup not in text
    assert "password_hash" not in text
    assert "secret_sha256" not in text


def test_restore_creates_users_without_password(
    first_backup: Path, fresh: Callable[[str], Store]
) -> None:
    target = fresh("sqlite")

    result = restore_company(target, read_backup_file(first_backup))

    assert result.created_users == ("jon", "kim", "maya")
    assert result.existing_users == ()
    assert [user.has_password for user in target.users()] == [False, False, False]
    assert target.user("kim").is_disabled
    assert not target.user("jon").is_disabled
    assert target.tokens() == []


def test_restore_keeps_existing_users(
    first_backup: Path, fresh: Callable[[str], Store]
) -> None:
    target = fresh("sqlite")
    target.add_user("jon", "Jonathan Reyes", password="another long password")

    result = restore_company(target, read_backup_file(first_backup))

    assert result.created_users == ("kim", "maya")
    assert result.existing_users == ("jon",)
    jon = target.user("jon")
    assert jon.display_name == "Jonathan Reyes"
    assert jon.has_password
    assert jon.roles[COMPANY] is Role.EDITOR


# --- exact values ------------------------------------------------------------------


@pytest.mark.parametrize("target_kind", BACKENDS)
def test_decimal_text_kept_exactly(
    fresh: Callable[[str], Store], target_kind: str, tmp_path: Path
) -> None:
    texts = ["91.50", "1.0E+2", "-0.000", "0.1234567890123456789012345", "7"]
    values = [
        KpiValue(
            kpi_id="customers.gross_revenue_retention",
            segment="SMB",
            period_end=dt.date(2026, month, 28),
            value=Decimal(text),
            window_days=90,
            low=Decimal(text) - 1,
            high=Decimal(text) + Decimal("1.00"),
        )
        for month, text in enumerate(texts, start=1)
    ]
    source = fresh("sqlite")
    source.replace_kpi_values(COMPANY, values, source_path="values.csv")
    backup_company(source, COMPANY, tmp_path / "values.jsonl")
    target = fresh(target_kind)

    restore_company(target, read_backup_file(tmp_path / "values.jsonl"))
    restored = target.load_kpi_values(COMPANY)

    assert [str(value.value) for value in restored] == texts
    assert [str(value.high) for value in restored] == [
        str(Decimal(text) + Decimal("1.00")) for text in texts
    ]
    assert restored == source.load_kpi_values(COMPANY)
