"""The workspace: boardloop.toml settings and the database beside them."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path, PurePath
from types import MappingProxyType
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from hypothesis import given
from hypothesis import strategies as st

from boardloop.domain.fiscal import FiscalCalendar
from boardloop.domain.model import Initiative, Status
from boardloop.store import (
    DATABASE_URL_VARIABLE,
    ConfigError,
    WorkspaceConfig,
    WorkspaceError,
    init_workspace,
    load_config,
    open_workspace,
    parse_config,
    render_config,
    write_config,
)
from boardloop.store._store import alembic_config

# The newest migration.
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()

EXAMPLE_CONFIG = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "boardloop"
    / "examples"
    / "tallyfern"
    / "boardloop.toml"
)


@pytest.fixture(autouse=True)
def no_database_url_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATABASE_URL_VARIABLE, raising=False)


def tables_of(database: Path) -> set[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


# --- init and open --------------------------------------------------------------------


def test_init_writes_config_and_database(tmp_path: Path) -> None:
    root = tmp_path / "acme"

    workspace = init_workspace(
        root, company="Acme Analytics", fiscal_start_month=4, fiscal_naming="start"
    )

    assert workspace.root == root.resolve()
    config = load_config(root / "boardloop.toml")
    assert config.company == "Acme Analytics"
    assert config.fiscal == FiscalCalendar(start_month=4, naming="start")
    assert workspace.config == config
    assert (root / "boardloop.db").is_file()
    expected_tables = {"companies", "initiatives", "events", "kpi_values", "imports"}
    assert expected_tables <= tables_of(root / "boardloop.db")
    assert workspace.store.revision() == HEAD
    assert workspace.store.companies() == ["Acme Analytics"]
    workspace.close()


def test_open_stores_fiscal_calendar_for_edits(tmp_path: Path) -> None:
    import datetime as dt

    from boardloop.edits._operations import parse_company_target

    init_workspace(tmp_path, company="Acme Analytics", fiscal_start_month=2).close()
    with open_workspace(tmp_path) as workspace:
        store = workspace.store
        assert store.company_settings("Acme Analytics").fiscal.start_month == 2
        target = parse_company_target(
            store,
            "Acme Analytics",
            "GRR +2pp for SMB by Q4 FY27",
            dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        )
    # FY27 starts in February 2026, so its fourth quarter ends in January 2027.
    assert target.deadline == dt.date(2027, 1, 31)


def test_init_rejects_existing_workspace(tmp_path: Path) -> None:
    init_workspace(tmp_path, company="Acme Analytics").close()

    with pytest.raises(WorkspaceError, match="already exists") as caught:
        init_workspace(tmp_path, company="Other")

    assert "force" in str(caught.value)
    assert load_config(tmp_path / "boardloop.toml").company == "Acme Analytics"


def test_init_force_keeps_database(tmp_path: Path) -> None:
    with init_workspace(tmp_path, company="Acme Analytics") as workspace:
        workspace.store.import_initiatives(
            "Acme Analytics",
            [Initiative(id="grr", name="GRR push", status=Status.PLANNED)],
            source_path="initiatives.yaml",
            actor="CFO",
            at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
        )

    with init_workspace(
        tmp_path, company="Acme Analytics", fiscal_start_month=2, force=True
    ) as workspace:
        assert workspace.config.fiscal.start_month == 2
        register = workspace.store.load_register("Acme Analytics")
        assert [item.id for item in register.initiatives] == ["grr"]


def test_init_checks_arguments_before_writing(tmp_path: Path) -> None:
    root = tmp_path / "acme"

    with pytest.raises(ConfigError, match=r"fiscal\.start_month"):
        init_workspace(root, company="Acme Analytics", fiscal_start_month=13)

    assert not root.exists()


def test_open_finds_config_in_parent(tmp_path: Path) -> None:
    init_workspace(tmp_path, company="Acme Analytics").close()
    nested = tmp_path / "registers" / "2026"
    nested.mkdir(parents=True)

    with open_workspace(nested) as workspace:
        assert workspace.root == tmp_path.resolve()
        assert workspace.config.company == "Acme Analytics"


def test_open_without_config_fails(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match=r"no boardloop\.toml found") as caught:
        open_workspace(tmp_path)

    assert "boardloop init" in str(caught.value)


def test_reopen_migrates_idempotently(tmp_path: Path) -> None:
    with init_workspace(tmp_path, company="Acme Analytics") as workspace:
        workspace.store.import_initiatives(
            "Acme Analytics",
            [Initiative(id="grr", name="GRR push")],
            source_path="initiatives.yaml",
            actor="CFO",
            at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
        )

    for _ in range(3):
        with open_workspace(tmp_path) as workspace:
            assert workspace.store.revision() == HEAD
            register = workspace.store.load_register("Acme Analytics")
            assert [item.id for item in register.initiatives] == ["grr"]
            assert len(workspace.store.events("Acme Analytics")) == 1


def test_open_creates_database_when_missing(tmp_path: Path) -> None:
    (tmp_path / "boardloop.toml").write_text('[company]\nname = "Acme Analytics"\n')

    with open_workspace(tmp_path) as workspace:
        assert workspace.store.revision() == HEAD
    assert (tmp_path / "boardloop.db").is_file()


def test_database_url_variable_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere.db"
    monkeypatch.setenv(DATABASE_URL_VARIABLE, f"sqlite:///{elsewhere}")

    with init_workspace(tmp_path / "acme", company="Acme Analytics") as workspace:
        assert workspace.store.url == f"sqlite:///{elsewhere}"
    assert elsewhere.is_file()
    assert not (tmp_path / "acme" / "boardloop.db").exists()


def test_invalid_database_url_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    init_workspace(tmp_path, company="Acme Analytics").close()
    monkeypatch.setenv(DATABASE_URL_VARIABLE, "not a url")

    with pytest.raises(WorkspaceError, match=DATABASE_URL_VARIABLE):
        open_workspace(tmp_path)


def test_relative_sqlite_url_read_from_workspace(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "boardloop.toml").write_text(
        'database_url = "sqlite:///data/register.db"\n'
        '[company]\nname = "Acme Analytics"\n'
    )

    with open_workspace(tmp_path) as workspace:
        assert workspace.store.revision() == HEAD
    assert (tmp_path / "data" / "register.db").is_file()


def test_unreachable_database_fails_clearly(tmp_path: Path) -> None:
    (tmp_path / "boardloop.toml").write_text(
        'database_url = "sqlite:///missing-folder/register.db"\n'
        '[company]\nname = "Acme Analytics"\n'
    )

    with pytest.raises(WorkspaceError, match="cannot open or upgrade the database"):
        open_workspace(tmp_path)


def test_workspace_resolves_data_paths(tmp_path: Path) -> None:
    (tmp_path / "boardloop.toml").write_text(
        'catalog = "kpis/catalog.json"\n'
        '[company]\nname = "Acme Analytics"\n'
        '[data]\ninitiatives = ["initiatives.yaml"]\nkpi_values = ["kpi_values.csv"]\n'
    )

    with open_workspace(tmp_path) as workspace:
        root = tmp_path.resolve()
        assert workspace.catalog_path == root / "kpis" / "catalog.json"
        assert workspace.initiative_paths == (root / "initiatives.yaml",)
        assert workspace.kpi_value_paths == (root / "kpi_values.csv",)


# --- reading settings -----------------------------------------------------------------


def test_example_config_reads() -> None:
    if not EXAMPLE_CONFIG.is_file():
        pytest.skip(f"example workspace not found at {EXAMPLE_CONFIG}")

    config = load_config(EXAMPLE_CONFIG)

    assert config.company == "Tallyfern Software"
    assert config.fiscal == FiscalCalendar(start_month=2, naming="end")
    assert config.initiatives == (PurePath("initiatives.yaml"),)
    assert config.board_date == dt.date(2026, 11, 16)


def test_full_config_reads() -> None:
    config = parse_config(
        """
catalog = "catalog.json"
database_url = "postgresql+psycopg://boardloop@db.internal/boardloop"

[company]
name = "Acme Analytics"

[fiscal]
start_month = 7
naming = "start"

[data]
initiatives = ["initiatives.yaml", "programs.md"]
kpi_values = ["kpi_values.csv"]

[lint]
disable = ["OW104"]
strict = true
[lint.thresholds]
owner_max_active = 4

[report]
board_date = 2026-03-14
since = 2025-12-10
"""
    )

    assert config.company == "Acme Analytics"
    assert config.catalog == PurePath("catalog.json")
    assert config.database_url == "postgresql+psycopg://boardloop@db.internal/boardloop"
    assert config.fiscal == FiscalCalendar(start_month=7, naming="start")
    assert config.initiatives == (PurePath("initiatives.yaml"), PurePath("programs.md"))
    assert config.kpi_values == (PurePath("kpi_values.csv"),)
    assert config.lint == {
        "disable": ["OW104"],
        "strict": True,
        "thresholds": {"owner_max_active": 4},
    }
    assert config.board_date == dt.date(2026, 3, 14)
    assert config.since == dt.date(2025, 12, 10)


def test_minimal_config_defaults() -> None:
    config = parse_config('[company]\nname = "Acme Analytics"\n')

    assert config.fiscal == FiscalCalendar(start_month=1, naming="end")
    assert config.catalog is None
    assert config.database_url is None
    assert config.initiatives == ()
    assert config.kpi_values == ()
    assert config.lint == {}
    assert config.board_date is None


COMPANY = '[company]\nname = "Acme Analytics"\n'

BAD_CONFIGS = [
    ("[fiscal]\nstart_month = 13\n", "fiscal.start_month", "13", "from 1 to 12"),
    ('[fiscal]\nstart_month = "April"\n', "fiscal.start_month", '"April"', "1 to 12"),
    ("[fiscal]\nstart_month = true\n", "fiscal.start_month", "true", "1 to 12"),
    ('[fiscal]\nnaming = "ending"\n', "fiscal.naming", '"ending"', 'naming = "end"'),
    ('[data]\ninitiatives = "a.yaml"\n', "data.initiatives", '"a.yaml"', "a list"),
    ("[data]\nkpi_values = [3]\n", "data.kpi_values", "3", "file name"),
    ('[report]\nboard_date = "14 March"\n', "report.board_date", '"14 March"', "2026"),
    ("[report]\nsince = 2026-03-14T09:00:00\n", "report.since", "2026-03-14", "date"),
    ("[lint]\n", None, None, None),
    ("[server]\nworkers = 4\n", None, None, None),
]


def test_unknown_server_key_named() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(COMPANY + "[server]\nthreads = 4\n")
    message = str(caught.value)
    assert "unknown key server.threads" in message
    assert "allowed keys in [server]: host, port, workers" in message


@pytest.mark.parametrize(("table", "key", "value", "remedy"), BAD_CONFIGS)
def test_bad_value_named(table: str, key: str | None, value: str, remedy: str) -> None:
    if key is None:
        parse_config(COMPANY + table)
        return
    with pytest.raises(ConfigError) as caught:
        parse_config(COMPANY + table)

    message = str(caught.value)
    assert message.startswith("boardloop.toml: invalid value")
    assert f"key {key}" in message
    assert value in message
    assert remedy in message
    assert caught.value.key == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('catalog = ""\n' + COMPANY, "catalog"),
        ("database_url = 5\n" + COMPANY, "database_url"),
        ('database_url = "not a url"\n' + COMPANY, "database_url"),
        ('company = "Acme Analytics"\n', "company"),
        ('[company]\nname = "  "\n', "company.name"),
    ],
)
def test_bad_top_level_value_named(text: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text)

    assert f"key {key}" in str(caught.value)


def test_missing_company_named() -> None:
    with pytest.raises(ConfigError, match=r"missing key company\.name") as caught:
        parse_config("[fiscal]\nstart_month = 2\n")

    assert '[company] with name = "Your Company"' in str(caught.value)


def test_unknown_top_level_key_lists_allowed() -> None:
    with pytest.raises(ConfigError, match="unknown key currency") as caught:
        parse_config('currency = "EUR"\n' + COMPANY)

    message = str(caught.value)
    assert (
        "company, catalog, database_url, fiscal, data, lint, metrics, report" in message
    )


def test_unknown_table_key_lists_allowed() -> None:
    with pytest.raises(ConfigError, match=r"unknown key fiscal\.start") as caught:
        parse_config(COMPANY + "[fiscal]\nstart = 4\n")

    assert "allowed keys in [fiscal]: start_month, naming" in str(caught.value)


def test_toml_syntax_error_named(tmp_path: Path) -> None:
    path = tmp_path / "boardloop.toml"
    path.write_text('[company]\nname = "Acme Analytics\n')

    with pytest.raises(ConfigError, match="invalid TOML") as caught:
        load_config(path)

    assert str(caught.value).startswith(f"{path}:")
    assert "line 2" in str(caught.value)


def test_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "boardloop.toml"
    path.write_text(COMPANY + "[fiscal]\nstart_month = 0\n")

    with pytest.raises(ConfigError) as caught:
        load_config(path)

    assert str(caught.value).startswith(f"{path}: invalid value 0 for key fiscal")


# --- writing settings -----------------------------------------------------------------


def test_written_config_is_commented(tmp_path: Path) -> None:
    path = tmp_path / "boardloop.toml"

    write_config(path, WorkspaceConfig(company="Acme Analytics"))

    written = path.read_text()
    assert "# Month in which the fiscal year starts" in written
    assert f"# The environment variable {DATABASE_URL_VARIABLE} overrides" in written
    assert load_config(path) == WorkspaceConfig(company="Acme Analytics")


names = st.text(
    st.characters(exclude_categories=["Cs"]), min_size=1, max_size=30
).filter(lambda name: name.strip() == name and name.strip())
file_names = names.map(PurePath).filter(lambda path: str(path) not in ("", "."))
lint_values: Any = st.recursive(
    st.booleans() | st.integers() | st.text(max_size=10) | st.dates(),
    lambda children: st.lists(children, max_size=3),
    max_leaves=5,
)
lint_tables = st.dictionaries(
    st.text(min_size=1, max_size=10),
    lint_values | st.dictionaries(st.text(min_size=1, max_size=10), lint_values),
    max_size=4,
)
configs = st.builds(
    WorkspaceConfig,
    company=names,
    fiscal=st.builds(
        FiscalCalendar,
        start_month=st.integers(min_value=1, max_value=12),
        naming=st.sampled_from(["end", "start"]),
    ),
    catalog=st.none() | file_names,
    database_url=st.none() | st.just("postgresql+psycopg://user@db/boardloop"),
    initiatives=st.lists(file_names, max_size=3).map(tuple),
    kpi_values=st.lists(file_names, max_size=3).map(tuple),
    lint=lint_tables.map(MappingProxyType),
    board_date=st.none() | st.dates(),
    since=st.none() | st.dates(),
)


@given(configs)
def test_written_config_reads_back(config: WorkspaceConfig) -> None:
    assert parse_config(render_config(config)) == config
