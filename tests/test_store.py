"""Store tests, run against a SQLite file and, when reachable, a PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from ruamel.yaml import YAML
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from boardloop.domain.model import (
    ControlInterval,
    Event,
    Initiative,
    KpiValue,
    Owner,
    Source,
    Status,
    Target,
    transition,
)
from boardloop.store import (
    DuplicateKeyError,
    InvalidWindowError,
    StaleVersionError,
    Store,
    UnknownInitiativeError,
)
from boardloop.store._codec import CodecError
from boardloop.store._schema import (
    Base,
    CompanyRow,
    EventRow,
    ImportRow,
    InitiativeRow,
    KpiValueRow,
)
from boardloop.store._store import alembic_config

if TYPE_CHECKING:
    from collections.abc import Iterator

POSTGRES_URL = os.environ.get(
    "BOARDLOOP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
COMPANY = "Tallyfern Software"
# The newest migration; tests of older revisions name theirs.
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TUESDAY = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)

REGISTER = """
initiatives:
  - id: onboarding-revamp
    name: Onboarding revamp
    owner: {person: Maya Okafor, function: CS}
    target: +5pp lift in 90-day GRR for SMB cohort by Q2
    status: in-progress
    next_checkpoint: 2026-04-14
  - id: health-score-v2
    name: Health score model v2
    owner: {person: Jon Reyes, function: RevOps}
    target: reduce logo churn from 6% to 4% by end of FY27
    status: planned
    next_checkpoint: 2026-05-02
"""

REGISTER_WITH_HISTORY = """
initiatives:
  - id: ebr-cadence
    name: Quarterly executive business reviews
    owner: {person: Ana Lima, function: CS}
    target: NPS 45+ by H2
    status: launched
    history:
      - at: 2026-01-10T09:00:00
        actor: Ana Lima
        kind: status
        changes: {status: [planned, in-progress]}
        reason: Pilot accounts picked.
      - at: 2026-02-01T09:00:00+01:00
        actor: Ana Lima
        kind: status
        changes: {status: [in-progress, launched]}
        reason: Every enterprise account has an EBR booked.
"""


def read_register(text_yaml: str, path: str = "initiatives.yaml") -> list[Initiative]:
    """Build initiatives from a small register written in YAML."""
    document = YAML(typ="safe").load(text_yaml)
    return [build_initiative(record, path) for record in document["initiatives"]]


def build_initiative(record: dict[str, Any], path: str) -> Initiative:
    history = tuple(
        Event(
            at=item["at"],
            actor=item["actor"],
            kind=item["kind"],
            changes={name: tuple(pair) for name, pair in item["changes"].items()},
            reason=item.get("reason", ""),
        )
        for item in record.get("history", [])
    )
    return Initiative(
        id=record["id"],
        name=record["name"],
        owner=Owner(**record.get("owner", {})),
        target=Target(text=record.get("target", "")),
        status=Status(record["status"]),
        next_checkpoint=record.get("next_checkpoint"),
        history=history,
        source=Source(path, 2),
    )


# --- backends -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_admin_url() -> URL:
    """Return the admin URL of the PostgreSQL server, skipping when unreachable."""
    pytest.importorskip("psycopg", reason="psycopg is not installed")
    url = make_url(POSTGRES_URL)
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            pass
    except OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable at {url}: {error.orig}")
    finally:
        engine.dispose()
    return url


@pytest.fixture
def postgres_url(postgres_admin_url: URL) -> Iterator[URL]:
    """Create a database of its own for one test and drop it afterwards."""
    name = f"boardloop_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield postgres_admin_url.set(database=name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Any) -> URL:
    if request.param == "sqlite":
        return URL.create("sqlite", database=str(tmp_path / "boardloop.db"))
    url: URL = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def store(store_url: URL) -> Iterator[Store]:
    store = Store(store_url)
    store.migrate()
    yield store
    store.close()


@pytest.fixture
def empty_store(store_url: URL) -> Iterator[Store]:
    """A store whose database has no schema yet."""
    store = Store(store_url)
    yield store
    store.close()


def run_migration(store: Store, revision: str, *, downgrade: bool = False) -> None:
    """Upgrade or downgrade the store's schema to one revision, as migrate does."""
    config = alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        if downgrade:
            command.downgrade(config, revision)
        else:
            command.upgrade(config, revision)


def count_rows(store: Store, table: type[Base]) -> int:
    with store.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(table)) or 0


def import_register(store: Store, text_yaml: str, at: dt.datetime = MONDAY) -> Any:
    return store.import_initiatives(
        COMPANY,
        read_register(text_yaml),
        source_path="initiatives.yaml",
        actor="Maya Okafor",
        at=at,
    )


# --- migrations -----------------------------------------------------------------------


def test_migrate_reaches_head_idempotently(store: Store) -> None:
    revision = store.revision()
    assert revision == HEAD
    assert store.migrate() == HEAD
    assert store.migrate() == HEAD
    assert store.revision() == revision


# SQLite cannot reflect the expression index that keys KPI values, so the
# comparison skips it there; test_kpi_value_key_index_rejects_duplicates checks
# that index on both databases.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified")
def test_migrations_match_models(store: Store) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


# --- importing initiatives ------------------------------------------------------------


def test_import_creates_initiatives(store: Store) -> None:
    changes = import_register(store, REGISTER)

    assert changes.created == ("onboarding-revamp", "health-score-v2")
    assert changes.updated == ()
    assert changes.unchanged == ()
    assert count_rows(store, InitiativeRow) == 2
    assert [event.kind for _, event in store.events(COMPANY)] == ["created", "created"]
    assert count_rows(store, ImportRow) == 1


def test_import_round_trips_initiatives(store: Store) -> None:
    import_register(store, REGISTER)

    register = store.load_register(COMPANY)
    loaded = {item.id: replace(item, history=()) for item in register.initiatives}
    assert loaded == {item.id: item for item in read_register(REGISTER)}
    assert [item.id for item in register.initiatives] == [
        "onboarding-revamp",
        "health-score-v2",
    ]


def test_reimport_same_file_is_noop(store: Store) -> None:
    import_register(store, REGISTER)
    events_before = store.events(COMPANY)

    changes = import_register(store, REGISTER, at=TUESDAY)

    assert changes.created == ()
    assert changes.updated == ()
    assert changes.unchanged == ("onboarding-revamp", "health-score-v2")
    assert count_rows(store, InitiativeRow) == 2
    assert store.events(COMPANY) == events_before
    assert store.get_initiative(COMPANY, "onboarding-revamp").version == 1


def test_changed_status_gives_one_updated_event(store: Store) -> None:
    import_register(store, REGISTER)
    edited = REGISTER.replace("status: planned", "status: in-progress")

    changes = import_register(store, edited, at=TUESDAY)

    assert changes.updated == ("health-score-v2",)
    assert changes.unchanged == ("onboarding-revamp",)
    updates = [
        (key, event) for key, event in store.events(COMPANY) if event.kind == "updated"
    ]
    assert len(updates) == 1
    key, event = updates[0]
    assert key == "health-score-v2"
    assert event.changes == {"status": ("planned", "in-progress")}
    assert event.at == TUESDAY
    assert event.actor == "Maya Okafor"
    assert event.reason == "imported from initiatives.yaml"
    assert store.get_initiative(COMPANY, "health-score-v2").version == 2


def test_changed_target_shown_by_text(store: Store) -> None:
    import_register(store, REGISTER)
    edited = REGISTER.replace("+5pp lift", "+3pp lift")

    import_register(store, edited, at=TUESDAY)

    (event,) = [e for _, e in store.events(COMPANY) if e.kind == "updated"]
    assert event.changes == {
        "target": (
            "+5pp lift in 90-day GRR for SMB cohort by Q2",
            "+3pp lift in 90-day GRR for SMB cohort by Q2",
        )
    }


def test_changed_owner_and_checkpoint(store: Store) -> None:
    import_register(store, REGISTER)
    edited = REGISTER.replace("Maya Okafor", "Lee Chan").replace(
        "2026-04-14", "2026-04-28"
    )

    import_register(store, edited, at=TUESDAY)

    (event,) = [e for _, e in store.events(COMPANY) if e.kind == "updated"]
    assert event.changes["owner"] == (
        {"person": "Maya Okafor", "function": "CS"},
        {"person": "Lee Chan", "function": "CS"},
    )
    assert event.changes["next_checkpoint"] == ("2026-04-14", "2026-04-28")
    assert set(event.changes) == {"owner", "next_checkpoint"}


def test_moved_source_lines_are_not_a_change(store: Store) -> None:
    import_register(store, REGISTER)
    moved = [
        replace(item, source=Source("register/initiatives.yaml", 40))
        for item in read_register(REGISTER)
    ]

    changes = store.import_initiatives(
        COMPANY, moved, source_path="register/initiatives.yaml", actor="CFO", at=TUESDAY
    )

    assert changes.unchanged == ("onboarding-revamp", "health-score-v2")
    stored = store.get_initiative(COMPANY, "onboarding-revamp")
    assert stored.version == 1
    assert stored.initiative.source == Source("register/initiatives.yaml", 40)


def test_removed_entry_reported_not_deleted(store: Store) -> None:
    import_register(store, REGISTER)
    first_only = REGISTER.split("  - id: health-score-v2")[0]

    changes = import_register(store, first_only, at=TUESDAY)

    assert changes.unchanged == ("onboarding-revamp",)
    assert changes.absent == ("health-score-v2",)
    ids = [item.id for item in store.load_register(COMPANY).initiatives]
    assert ids == ["onboarding-revamp", "health-score-v2"]


def test_file_history_stored_once(store: Store) -> None:
    first = import_register(store, REGISTER_WITH_HISTORY)
    second = import_register(store, REGISTER_WITH_HISTORY, at=TUESDAY)

    assert first.history_added == 2
    assert second.history_added == 0
    assert second.unchanged == ("ebr-cadence",)
    kinds = [event.kind for _, event in store.events(COMPANY)]
    assert kinds == ["status", "status", "created"]


def test_history_loaded_in_time_order(store: Store) -> None:
    import_register(store, REGISTER_WITH_HISTORY)

    (initiative,) = store.load_register(COMPANY).initiatives

    times = [event.at for event in initiative.history]
    assert times == sorted(times)
    assert times[0] == dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)
    # An offset time is stored in UTC: 09:00+01:00 is 08:00 UTC.
    assert times[1] == dt.datetime(2026, 2, 1, 8, 0, tzinfo=dt.UTC)
    assert initiative.history[0].changes == {"status": ("planned", "in-progress")}
    assert initiative.history[-1].kind == "created"


def test_failed_import_leaves_nothing(store: Store) -> None:
    initiatives = read_register(REGISTER + REGISTER_WITH_HISTORY.split("\n", 2)[2])
    # The last initiative contains a value JSON cannot store, so the import fails after
    # the first two initiatives and the history events have been written.
    broken = [*initiatives[:-1], replace(initiatives[-1], extra={"widget": object()})]

    with pytest.raises(CodecError, match="widget"):
        store.import_initiatives(
            COMPANY, broken, source_path="initiatives.yaml", actor="CFO", at=MONDAY
        )

    assert count_rows(store, InitiativeRow) == 0
    assert count_rows(store, EventRow) == 0
    assert count_rows(store, ImportRow) == 0
    assert store.load_register(COMPANY).initiatives == ()


def test_failed_reimport_keeps_previous_state(store: Store) -> None:
    import_register(store, REGISTER)
    register_before = store.load_register(COMPANY)
    edited = read_register(REGISTER.replace("status: planned", "status: launched"))
    broken = [*edited, Initiative(id="bad", name="Bad", extra={"when": {1, 2}})]

    with pytest.raises(CodecError):
        store.import_initiatives(
            COMPANY, broken, source_path="initiatives.yaml", actor="CFO", at=TUESDAY
        )

    assert store.load_register(COMPANY) == register_before
    assert count_rows(store, ImportRow) == 1


def test_duplicate_keys_rejected(store: Store) -> None:
    initiatives = read_register(REGISTER)
    duplicated = [*initiatives, initiatives[0]]

    with pytest.raises(DuplicateKeyError, match="onboarding-revamp"):
        store.import_initiatives(
            COMPANY, duplicated, source_path="initiatives.yaml", actor="CFO", at=MONDAY
        )
    assert count_rows(store, InitiativeRow) == 0


def test_events_since_date(store: Store) -> None:
    import_register(store, REGISTER_WITH_HISTORY)

    recent = store.events(COMPANY, since=dt.date(2026, 2, 1))

    assert [event.kind for _, event in recent] == ["status", "created"]
    assert {key for key, _ in recent} == {"ebr-cadence"}


def test_unknown_company_is_empty(store: Store) -> None:
    import_register(store, REGISTER)

    assert store.load_register("Other Company").initiatives == ()
    assert store.events("Other Company") == []
    assert store.load_kpi_values("Other Company") == []
    assert store.companies() == [COMPANY]


def test_companies_kept_apart(store: Store) -> None:
    import_register(store, REGISTER)
    store.import_initiatives(
        "Other Company",
        read_register(REGISTER_WITH_HISTORY),
        source_path="other.yaml",
        actor="CFO",
        at=MONDAY,
    )

    ids = [item.id for item in store.load_register(COMPANY).initiatives]
    assert ids == ["onboarding-revamp", "health-score-v2"]
    other = [item.id for item in store.load_register("Other Company").initiatives]
    assert other == ["ebr-cadence"]


# --- editing --------------------------------------------------------------------------


def test_update_initiative_records_event(store: Store) -> None:
    import_register(store, REGISTER)
    stored = store.get_initiative(COMPANY, "health-score-v2")
    edited = replace(stored.initiative, next_checkpoint=dt.date(2026, 5, 20))

    version = store.update_initiative(
        COMPANY,
        edited,
        expected_version=stored.version,
        actor="Jon Reyes",
        at=TUESDAY,
        reason="Model review moved after the data refresh.",
    )

    assert version == 2
    (event,) = [e for _, e in store.events(COMPANY) if e.kind == "updated"]
    assert event.changes == {"next_checkpoint": ("2026-05-02", "2026-05-20")}
    assert event.reason == "Model review moved after the data refresh."
    assert event.actor == "Jon Reyes"


def test_stale_version_rejected(store: Store) -> None:
    import_register(store, REGISTER)
    stored = store.get_initiative(COMPANY, "health-score-v2")
    first = replace(stored.initiative, name="Health score model v2.1")
    second = replace(stored.initiative, name="Health score v3")
    store.update_initiative(
        COMPANY, first, expected_version=1, actor="Jon Reyes", at=TUESDAY, reason=""
    )

    with pytest.raises(StaleVersionError) as caught:
        store.update_initiative(
            COMPANY, second, expected_version=1, actor="Ana Lima", at=TUESDAY, reason=""
        )

    assert caught.value.key == "health-score-v2"
    assert caught.value.expected == 1
    assert caught.value.current == 2
    assert "version 1" in str(caught.value)
    current = store.get_initiative(COMPANY, "health-score-v2")
    assert current.initiative.name == "Health score model v2.1"
    assert current.version == 2


def test_update_unknown_initiative_rejected(store: Store) -> None:
    import_register(store, REGISTER)

    with pytest.raises(UnknownInitiativeError, match="advocacy"):
        store.update_initiative(
            COMPANY,
            Initiative(id="advocacy", name="Advocacy program"),
            expected_version=1,
            actor="CFO",
            at=TUESDAY,
            reason="",
        )


def test_transition_recorded_once(store: Store) -> None:
    import_register(store, REGISTER)
    stored = store.get_initiative(COMPANY, "onboarding-revamp")
    launched = transition(
        stored.initiative,
        Status.LAUNCHED,
        at=TUESDAY,
        actor="Maya Okafor",
        reason="New flow live for every SMB signup.",
    )

    store.update_initiative(
        COMPANY,
        launched,
        expected_version=stored.version,
        actor="Maya Okafor",
        at=TUESDAY,
        reason="New flow live for every SMB signup.",
    )

    history = store.get_initiative(COMPANY, "onboarding-revamp").initiative.history
    assert [event.kind for event in history] == ["created", "status", "updated"]
    assert history[1].changes == {"status": ("in-progress", "launched")}
    # The status change is in the status event; the update lists the launch date.
    assert history[2].changes == {"launched_on": (None, "2026-03-03")}


def test_events_append_only(store: Store) -> None:
    import_register(store, REGISTER_WITH_HISTORY)
    before = store.events(COMPANY)

    edited = REGISTER_WITH_HISTORY.replace("status: launched", "status: measuring")
    import_register(store, edited, at=TUESDAY)
    stored = store.get_initiative(COMPANY, "ebr-cadence")
    store.update_initiative(
        COMPANY,
        replace(stored.initiative, notes="Two accounts declined."),
        expected_version=stored.version,
        actor="Ana Lima",
        at=TUESDAY + dt.timedelta(hours=1),
        reason="",
    )

    after = store.events(COMPANY)
    assert after[: len(before)] == before
    assert [event.kind for _, event in after[len(before) :]] == ["updated", "updated"]
    assert not hasattr(store, "delete_event")


# --- KPI values -----------------------------------------------------------------------


def kpi_value(
    period_end: dt.date,
    value: str,
    n: int | None = 120,
    window_days: int | None = None,
    interval: tuple[str, str] | None = None,
    definition: str | None = None,
) -> KpiValue:
    return KpiValue(
        kpi_id="customers.gross_revenue_retention",
        segment="SMB",
        period_end=period_end,
        value=Decimal(value),
        n=n,
        source=Source("kpi_values.csv", 2),
        window_days=window_days,
        low=None if interval is None else Decimal(interval[0]),
        high=None if interval is None else Decimal(interval[1]),
        definition=definition,
    )


def test_kpi_values_round_trip(store: Store) -> None:
    values = [
        kpi_value(dt.date(2026, 3, 31), "91.50"),
        kpi_value(dt.date(2025, 12, 31), "89"),
    ]

    changes = store.replace_kpi_values(COMPANY, values, source_path="kpi_values.csv")

    assert changes.created == 2
    loaded = store.load_kpi_values(COMPANY)
    assert loaded == sorted(values, key=lambda value: value.period_end)
    assert str(loaded[1].value) == "91.50"


def test_kpi_values_upsert_by_key(store: Store) -> None:
    march = dt.date(2026, 3, 31)
    store.replace_kpi_values(
        COMPANY,
        [kpi_value(march, "91.5"), kpi_value(dt.date(2025, 12, 31), "89")],
        source_path="kpi_values.csv",
    )

    changes = store.replace_kpi_values(
        COMPANY, [kpi_value(march, "92.1", n=130)], source_path="kpi_values.csv"
    )

    assert (changes.created, changes.updated, changes.unchanged) == (0, 1, 0)
    loaded = {value.period_end: value for value in store.load_kpi_values(COMPANY)}
    assert len(loaded) == 2
    assert loaded[march].value == Decimal("92.1")
    assert loaded[march].n == 130


def test_kpi_values_duplicate_rejected(store: Store) -> None:
    march = dt.date(2026, 3, 31)

    with pytest.raises(DuplicateKeyError, match="2026-03-31"):
        store.replace_kpi_values(
            COMPANY,
            [kpi_value(march, "91.5"), kpi_value(march, "92")],
            source_path="kpi_values.csv",
        )
    assert store.load_kpi_values(COMPANY) == []


# --- KPI value windows ----------------------------------------------------------------

MARCH = dt.date(2026, 3, 31)
APRIL = dt.date(2026, 4, 30)


def test_kpi_value_windows_round_trip(store: Store) -> None:
    values = [
        kpi_value(MARCH, "93.0", window_days=90),
        kpi_value(MARCH, "91.5"),
        kpi_value(MARCH, "88.4", window_days=30),
        kpi_value(MARCH, "95.2", window_days=365),
    ]

    changes = store.replace_kpi_values(COMPANY, values, source_path="kpi_values.csv")

    assert changes.created == 4
    loaded = store.load_kpi_values(COMPANY)
    assert [value.window_days for value in loaded] == [None, 30, 90, 365]
    assert [str(value.value) for value in loaded] == ["91.5", "88.4", "93.0", "95.2"]


def test_kpi_value_reimport_replaces_by_window(store: Store) -> None:
    first = [
        kpi_value(MARCH, "91.5"),
        kpi_value(MARCH, "93.0", window_days=90),
        kpi_value(MARCH, "95.2", window_days=365),
    ]
    store.replace_kpi_values(COMPANY, first, source_path="kpi_values.csv")

    again = store.replace_kpi_values(COMPANY, first, source_path="kpi_values.csv")
    changed = store.replace_kpi_values(
        COMPANY,
        [kpi_value(MARCH, "91.9"), kpi_value(MARCH, "93.4", window_days=90)],
        source_path="kpi_values.csv",
    )

    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 2, 0)
    assert count_rows(store, KpiValueRow) == 3
    loaded = {
        value.window_days: value.value for value in store.load_kpi_values(COMPANY)
    }
    assert loaded == {
        None: Decimal("91.9"),
        90: Decimal("93.4"),
        365: Decimal("95.2"),
    }


def test_kpi_value_same_window_duplicate_rejected(store: Store) -> None:
    values = [
        kpi_value(MARCH, "93.0", window_days=90),
        kpi_value(MARCH, "93.1", window_days=90),
    ]

    with pytest.raises(DuplicateKeyError, match="SMB / 90 days / 2026-03-31"):
        store.replace_kpi_values(COMPANY, values, source_path="kpi_values.csv")
    assert store.load_kpi_values(COMPANY) == []


@pytest.mark.parametrize("window_days", [0, -90])
def test_kpi_value_invalid_window_rejected(store: Store, window_days: int) -> None:
    values = [kpi_value(MARCH, "91.5"), kpi_value(MARCH, "93", window_days=window_days)]

    with pytest.raises(InvalidWindowError) as caught:
        store.replace_kpi_values(COMPANY, values, source_path="kpi_values.csv")

    assert caught.value.window_days == window_days
    assert f"invalid window of {window_days} days" in str(caught.value)
    assert "kpi_values.csv" in str(caught.value)
    assert store.load_kpi_values(COMPANY) == []


def insert_kpi_row(store: Store, company_id: int, window_days: int | None) -> None:
    """Insert a GRR value for SMB at the end of March, bypassing the store's checks."""
    with store.engine.begin() as connection:
        connection.execute(
            insert(KpiValueRow).values(
                company_id=company_id,
                kpi_id="customers.gross_revenue_retention",
                segment="SMB",
                window_days=window_days,
                period_end=MARCH,
                value="91.5",
            )
        )


def test_kpi_value_key_index_rejects_duplicates(store: Store) -> None:
    store.ensure_company(COMPANY)
    with store.engine.connect() as connection:
        company_id = connection.scalar(select(CompanyRow.id))
    assert company_id is not None
    insert_kpi_row(store, company_id, None)
    insert_kpi_row(store, company_id, 90)

    # Two rows without a window collide, although NULLs are distinct to a
    # unique constraint.
    with pytest.raises(IntegrityError):
        insert_kpi_row(store, company_id, None)
    with pytest.raises(IntegrityError):
        insert_kpi_row(store, company_id, 90)
    # 0 would share the key of "no window", so the check constraint rejects it.
    with pytest.raises(IntegrityError):
        insert_kpi_row(store, company_id, 0)
    insert_kpi_row(store, company_id, 30)

    assert count_rows(store, KpiValueRow) == 3


def test_upgrade_keeps_values_without_window(empty_store: Store) -> None:
    run_migration(empty_store, "0001")
    assert empty_store.revision() == "0001"
    with empty_store.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO companies (name) VALUES (:name)"), {"name": COMPANY}
        )
        connection.execute(
            text(
                "INSERT INTO kpi_values (company_id, kpi_id, segment, period_end, "
                "value, n, source, source_line) SELECT id, :kpi, 'SMB', :end, "
                "'91.50', 120, 'kpi_values.csv', 2 FROM companies"
            ),
            {"kpi": "customers.gross_revenue_retention", "end": MARCH},
        )

    assert empty_store.migrate() == HEAD

    assert empty_store.load_kpi_values(COMPANY) == [kpi_value(MARCH, "91.50")]
    changes = empty_store.replace_kpi_values(
        COMPANY, [kpi_value(MARCH, "92.0")], source_path="kpi_values.csv"
    )
    assert (changes.created, changes.updated) == (0, 1)
    assert count_rows(empty_store, KpiValueRow) == 1


def test_downgrade_keeps_values_without_window(store: Store) -> None:
    store.replace_kpi_values(
        COMPANY, [kpi_value(MARCH, "91.5")], source_path="kpi_values.csv"
    )

    run_migration(store, "0001", downgrade=True)

    assert store.revision() == "0001"
    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT kpi_id, value FROM kpi_values")).all()
    assert [tuple(row) for row in rows] == [
        ("customers.gross_revenue_retention", "91.5")
    ]


def test_downgrade_rejects_windowed_values(store: Store) -> None:
    store.replace_kpi_values(
        COMPANY,
        [kpi_value(MARCH, "91.5"), kpi_value(MARCH, "93.0", window_days=90)],
        source_path="kpi_values.csv",
    )

    with pytest.raises(RuntimeError, match="1 KPI values state a window"):
        run_migration(store, "0001", downgrade=True)

    assert store.revision() == HEAD
    assert len(store.load_kpi_values(COMPANY)) == 2


# --- KPI value intervals and definitions ------------------------------------------

GRR_DEFINITION = (
    "90-day window; revenue basis; cohort: customers paying at the window start; "
    "excludes one-off fees"
)


def test_kpi_value_interval_round_trip(store: Store) -> None:
    values = [
        kpi_value(
            MARCH,
            "91.50",
            window_days=90,
            interval=("89.20", "93.10"),
            definition=GRR_DEFINITION,
        ),
        kpi_value(MARCH, "91.5"),
    ]

    store.replace_kpi_values(COMPANY, values, source_path="kpi_values.csv")

    without, windowed = store.load_kpi_values(COMPANY)
    assert windowed == values[0]
    assert str(windowed.low) == "89.20"
    assert str(windowed.high) == "93.10"
    assert windowed.definition == GRR_DEFINITION
    assert (without.low, without.high, without.definition) == (None, None, None)


def test_interval_excluding_value_round_trips(store: Store) -> None:
    # A bootstrap percentile interval can exclude the point estimate.
    value = kpi_value(MARCH, "99.9", interval=("97.5", "99.8"))

    store.replace_kpi_values(COMPANY, [value], source_path="kpi_values.csv")

    assert store.load_kpi_values(COMPANY) == [value]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ({"interval": ("89.2", "93.1")}, {"interval": ("89.0", "93.1")}),
        ({"interval": ("89.2", "93.1")}, {"interval": ("89.2", "93.4")}),
        ({"interval": ("89.2", "93.1")}, {"interval": ("89.20", "93.1")}),
        ({}, {"interval": ("89.2", "93.1")}),
        ({"interval": ("89.2", "93.1")}, {}),
        ({"definition": "90-day window"}, {"definition": "30-day window"}),
        ({}, {"definition": "90-day window"}),
        ({"definition": "90-day window"}, {}),
    ],
)
def test_kpi_value_interval_change_is_update(
    store: Store, before: dict[str, Any], after: dict[str, Any]
) -> None:
    store.replace_kpi_values(
        COMPANY, [kpi_value(MARCH, "91.5", **before)], source_path="kpi_values.csv"
    )

    changes = store.replace_kpi_values(
        COMPANY, [kpi_value(MARCH, "91.5", **after)], source_path="kpi_values.csv"
    )

    assert (changes.created, changes.updated, changes.unchanged) == (0, 1, 0)
    assert store.load_kpi_values(COMPANY) == [kpi_value(MARCH, "91.5", **after)]


def test_kpi_value_same_interval_is_unchanged(store: Store) -> None:
    value = kpi_value(MARCH, "91.5", interval=("89.2", "93.1"), definition="TTM")
    store.replace_kpi_values(COMPANY, [value], source_path="kpi_values.csv")

    moved = replace(value, source=Source("kpi_values.csv", 7))
    changes = store.replace_kpi_values(COMPANY, [moved], source_path="kpi_values.csv")

    assert (changes.created, changes.updated, changes.unchanged) == (0, 0, 1)
    assert store.load_kpi_values(COMPANY) == [moved]


@pytest.mark.parametrize(
    ("low", "high"), [("89.2", None), (None, "93.1")], ids=["low", "high"]
)
def test_database_rejects_one_bound(
    store: Store, low: str | None, high: str | None
) -> None:
    store.ensure_company(COMPANY)
    row = {
        "kpi_id": "customers.gross_revenue_retention",
        "segment": "SMB",
        "period_end": MARCH,
        "value": "91.5",
        "low": low,
        "high": high,
    }

    with (
        pytest.raises(IntegrityError),
        store.engine.begin() as connection,
    ):
        company_id = connection.scalar(select(CompanyRow.id))
        connection.execute(insert(KpiValueRow).values(company_id=company_id, **row))

    assert count_rows(store, KpiValueRow) == 0


KPI_GRR = "customers.gross_revenue_retention"


def insert_0002_values(store: Store) -> None:
    """Store a value without a window and a 90-day value, as revision 0002 does."""
    with store.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO companies (name) VALUES (:name)"), {"name": COMPANY}
        )
        connection.execute(
            text(
                "INSERT INTO kpi_values (company_id, kpi_id, segment, window_days, "
                "period_end, value, n, source, source_line) SELECT id, :kpi, 'SMB', "
                ":window, :end, :value, 120, 'kpi_values.csv', 2 FROM companies"
            ),
            [
                {"kpi": KPI_GRR, "window": None, "end": MARCH, "value": "91.50"},
                {"kpi": KPI_GRR, "window": 90, "end": MARCH, "value": "93.0"},
            ],
        )


def test_upgrade_from_0002_keeps_values(empty_store: Store) -> None:
    run_migration(empty_store, "0002")
    assert empty_store.revision() == "0002"
    insert_0002_values(empty_store)

    assert empty_store.migrate() == HEAD

    assert empty_store.load_kpi_values(COMPANY) == [
        kpi_value(MARCH, "91.50"),
        kpi_value(MARCH, "93.0", window_days=90),
    ]
    changes = empty_store.replace_kpi_values(
        COMPANY,
        [kpi_value(MARCH, "93.0", window_days=90, interval=("91.0", "94.5"))],
        source_path="kpi_values.csv",
    )
    assert (changes.created, changes.updated, changes.unchanged) == (0, 1, 0)
    assert count_rows(empty_store, KpiValueRow) == 2


def test_upgrade_from_0002_keeps_key_index(empty_store: Store) -> None:
    run_migration(empty_store, "0002")
    insert_0002_values(empty_store)
    empty_store.migrate()
    with empty_store.engine.connect() as connection:
        company_id = connection.scalar(select(CompanyRow.id))
    assert company_id is not None

    # The 0003 upgrade copies the table on SQLite, and the key index over
    # COALESCE(window_days, 0) must survive the copy.
    with pytest.raises(IntegrityError):
        insert_kpi_row(empty_store, company_id, None)
    with pytest.raises(IntegrityError):
        insert_kpi_row(empty_store, company_id, 90)
    with pytest.raises(IntegrityError):
        insert_kpi_row(empty_store, company_id, 0)
    assert count_rows(empty_store, KpiValueRow) == 2


def test_downgrade_to_0002_drops_interval(store: Store) -> None:
    values = [
        kpi_value(MARCH, "91.5", interval=("89.2", "93.1"), definition="TTM"),
        kpi_value(MARCH, "93.0", window_days=90),
    ]
    store.replace_kpi_values(COMPANY, values, source_path="kpi_values.csv")
    with store.engine.connect() as connection:
        company_id = connection.scalar(select(CompanyRow.id))
    assert company_id is not None

    run_migration(store, "0002", downgrade=True)

    assert store.revision() == "0002"
    with store.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT window_days, value FROM kpi_values ORDER BY value")
        ).all()
        columns = connection.execute(text("SELECT * FROM kpi_values")).keys()
    assert [tuple(row) for row in rows] == [(None, "91.5"), (90, "93.0")]
    assert not {"low", "high", "definition"} & set(columns)
    with pytest.raises(IntegrityError):
        insert_kpi_row(store, company_id, None)
    with pytest.raises(IntegrityError):
        insert_kpi_row(store, company_id, 90)


# --- closed outcomes ------------------------------------------------------------------


def closed_register(**outcome: Any) -> list[Initiative]:
    """REGISTER with its first initiative closed, missed by -0.3pp."""
    from decimal import Decimal

    from boardloop.domain.model import Outcome, OutcomeResult, Unit

    fields: dict[str, Any] = {
        "result": OutcomeResult.MISSED,
        "actual_movement": Decimal("-0.3"),
        "actual_unit": Unit.PP,
        "lesson": "Flags came too late.",
        "closed_on": dt.date(2026, 9, 2),
    }
    fields.update(outcome)
    first, *rest = read_register(REGISTER)
    closed = replace(first, status=Status.CLOSED, outcome=Outcome(**fields))
    return [closed, *rest]


def import_items(store: Store, items: list[Initiative], at: dt.datetime) -> Any:
    return store.import_initiatives(
        COMPANY, items, source_path="initiatives.yaml", actor="Maya Okafor", at=at
    )


def test_closed_outcome_cannot_change(store: Store) -> None:
    from decimal import Decimal

    from boardloop.store import ClosedOutcomeError

    import_items(store, closed_register(), MONDAY)
    changed = closed_register(actual_movement=Decimal("0.5"))
    with pytest.raises(ClosedOutcomeError) as raised:
        import_items(store, changed, TUESDAY)
    message = str(raised.value)
    assert "initiative 'onboarding-revamp' is closed" in message
    assert "recorded as '-0.3'; the file says '0.5'" in message
    stored = store.get_initiative(COMPANY, "onboarding-revamp").initiative
    assert stored.outcome is not None
    assert stored.outcome.actual_movement == Decimal("-0.3")


def test_closed_target_cannot_change(store: Store) -> None:
    from boardloop.store import ClosedOutcomeError

    import_items(store, closed_register(), MONDAY)
    first, *rest = closed_register()
    lowered = replace(first, target=replace(first.target, text="+0.2pp GRR by Q2"))
    with pytest.raises(ClosedOutcomeError) as raised:
        import_items(store, [lowered, *rest], TUESDAY)
    assert "is closed and its target is recorded as" in str(raised.value)
    stored = store.get_initiative(COMPANY, "onboarding-revamp").initiative
    assert stored.target == first.target


def test_closed_lesson_may_change(store: Store) -> None:
    import_items(store, closed_register(), MONDAY)
    changes = import_items(
        store, closed_register(lesson="Flags came 30 days too late."), TUESDAY
    )
    assert changes.updated == ("onboarding-revamp",)


def test_outcome_recorded_after_closing(store: Store) -> None:
    import_items(store, closed_register(result=None, actual_movement=None), MONDAY)
    changes = import_items(store, closed_register(), TUESDAY)
    assert changes.updated == ("onboarding-revamp",)


# --- control intervals ------------------------------------------------------------


def control_interval(after_end: dt.date, low: str) -> ControlInterval:
    return ControlInterval(
        kpi_id=KPI_GRR,
        segment="SMB",
        control="Mid-market",
        window_days=90,
        before_end=dt.date(2026, 1, 31),
        after_end=after_end,
        low=Decimal(low),
        high=Decimal("7.25"),
        n_treated=704,
        n_control=298,
        resamples=1000,
    )


def test_control_intervals_round_trip(store: Store) -> None:
    intervals = [control_interval(MARCH, "-1.5"), control_interval(APRIL, "0.125")]

    store.replace_kpi_values(
        COMPANY,
        [kpi_value(MARCH, "91.5")],
        source_path="ledger.csv",
        computed=True,
        control_intervals=intervals,
    )

    assert store.load_control_intervals(COMPANY) == intervals
    assert store.load_control_intervals("Unknown Company") == []


def test_recompute_replaces_control_intervals(store: Store) -> None:
    def compute(intervals: list[ControlInterval] | None) -> None:
        store.replace_kpi_values(
            COMPANY,
            [kpi_value(MARCH, "91.5")],
            source_path="ledger.csv",
            computed=True,
            control_intervals=intervals,
        )

    compute([control_interval(MARCH, "-1.5")])
    compute(None)
    assert len(store.load_control_intervals(COMPANY)) == 1

    compute([control_interval(APRIL, "0.5")])
    assert store.load_control_intervals(COMPANY) == [control_interval(APRIL, "0.5")]

    compute([])
    assert store.load_control_intervals(COMPANY) == []
