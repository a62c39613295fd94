"""The workspace settings file, boardloop.toml: reading, checking and writing."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from boardloop.domain.fiscal import FiscalCalendar
from boardloop.store._config_brand import BrandConfig, read_brand, render_brand
from boardloop.store._config_metrics import MetricsConfig, read_metrics, render_metrics
from boardloop.store._toml import (
    toml_array,
    toml_key,
    toml_scalar,
    toml_string,
    toml_value,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "CONFIG_FILE_NAME",
    "ConfigError",
    "WorkspaceConfig",
    "config_from_document",
    "load_config",
    "parse_config",
    "render_config",
    "write_config",
]

CONFIG_FILE_NAME = "boardloop.toml"

TOP_LEVEL_KEYS = (
    "company",
    "catalog",
    "database_url",
    "fiscal",
    "data",
    "lint",
    "metrics",
    "report",
    "brand",
    "server",
)
# The [server] table's values are checked by the API server's settings; the
# workspace checks only that its keys are known.
SERVER_KEYS = (
    "host",
    "port",
    "workers",
    "max_body_bytes",
    "log_level",
    "session_lifetime_minutes",
    "session_idle_minutes",
    "insecure_cookies",
    "worker_healthcheck_seconds",
)
COMPANY_KEYS = ("name",)
FISCAL_KEYS = ("start_month", "naming")
DATA_KEYS = (
    "initiatives",
    "kpi_values",
    "ledger",
    "customers",
    "segment_field",
    "nps",
    "fx_rates",
    "currency",
)
REPORT_KEYS = ("board_date", "since")
FISCAL_NAMINGS = ("end", "start")

Problem = Literal["invalid", "missing", "unknown", "syntax"]


class ConfigError(ValueError):
    """A boardloop.toml that cannot be read or contains an unusable value."""

    http_status = 400

    def __init__(
        self,
        path: PurePath,
        key: str,
        value: object,
        remedy: str,
        *,
        problem: Problem = "invalid",
    ) -> None:
        if problem == "missing":
            message = f"{path}: missing key {key}; {remedy}"
        elif problem == "unknown":
            message = f"{path}: unknown key {key}; {remedy}"
        elif problem == "syntax":
            message = f"{path}: invalid TOML ({value}); {remedy}"
        else:
            message = (
                f"{path}: invalid value {show_value(value)} for key {key}; {remedy}"
            )
        super().__init__(message)
        self.path = path
        self.key = key
        self.value = value
        self.remedy = remedy
        self.problem = problem


@dataclass(frozen=True)
class WorkspaceConfig:
    """Settings of one workspace, as written in its boardloop.toml.

    Paths stay as written (normally relative to the workspace folder) and
    `database_url` is None when the file names no database; `Workspace` resolves
    both. `ledger`, `customers`, `segment_field`, `nps`, `fx_rates` and
    `currency` (the reporting currency of `fx_rates`) are None when absent.
    `lint` is the raw `[lint]` table, read by the lint settings. `brand` is
    the [brand] table; its logo file is read only when a board pack is built.
    """

    company: str
    fiscal: FiscalCalendar = field(default_factory=FiscalCalendar)
    catalog: PurePath | None = None
    database_url: str | None = None
    initiatives: tuple[PurePath, ...] = ()
    kpi_values: tuple[PurePath, ...] = ()
    ledger: PurePath | None = None
    customers: PurePath | None = None
    segment_field: str | None = None
    nps: PurePath | None = None
    fx_rates: PurePath | None = None
    currency: str | None = None
    metrics: MetricsConfig = field(default_factory=MetricsConfig)
    lint: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    board_date: dt.date | None = None
    since: dt.date | None = None
    brand: BrandConfig = field(default_factory=BrandConfig)


def load_config(path: Path) -> WorkspaceConfig:
    """Read and check a boardloop.toml file."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            path, "", error, "save the file as UTF-8", problem="syntax"
        ) from error
    return parse_config(text, path)


def parse_config(text: str, path: PurePath | None = None) -> WorkspaceConfig:
    """Check the text of a boardloop.toml; `path` only names the file in errors."""
    path = path or PurePath(CONFIG_FILE_NAME)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            path, "", error, "fix the TOML syntax at that line", problem="syntax"
        ) from error
    return config_from_document(document, path)


def config_from_document(
    document: Mapping[str, Any], path: PurePath
) -> WorkspaceConfig:
    """Check a parsed boardloop.toml document; `path` only names the file in errors."""
    check_keys(path, "", document, TOP_LEVEL_KEYS)
    company = read_company(path, document)
    fiscal = read_fiscal(path, document)
    data = read_table(path, document, "data", DATA_KEYS)
    report = read_table(path, document, "report", REPORT_KEYS)
    lint = read_table(path, document, "lint", None)
    read_table(path, document, "server", SERVER_KEYS)
    return WorkspaceConfig(
        company=company,
        fiscal=fiscal,
        catalog=read_optional_path(path, document, "catalog", "catalog.json"),
        database_url=read_database_url(path, document),
        initiatives=read_paths(path, data, "data.initiatives", "initiatives.yaml"),
        kpi_values=read_paths(path, data, "data.kpi_values", "kpi_values.csv"),
        ledger=read_optional_path(path, data, "ledger", "ledger.csv", "data."),
        customers=read_optional_path(path, data, "customers", "customers.csv", "data."),
        segment_field=read_segment_field(path, data),
        nps=read_optional_path(path, data, "nps", "nps.csv", "data."),
        fx_rates=read_optional_path(path, data, "fx_rates", "fx_rates.csv", "data."),
        currency=read_currency(path, data),
        metrics=read_metrics(path, document),
        lint=MappingProxyType(lint),
        board_date=read_date(path, report, "report.board_date"),
        since=read_date(path, report, "report.since"),
        brand=read_brand(path, document),
    )


def check_keys(
    path: PurePath, table: str, mapping: Mapping[str, Any], allowed: tuple[str, ...]
) -> None:
    """Reject keys that boardloop does not read, listing the ones it does."""
    for key in mapping:
        if key not in allowed:
            where = f"in [{table}]" if table else "at the top level"
            raise ConfigError(
                path,
                f"{table}.{key}" if table else key,
                None,
                f"allowed keys {where}: {', '.join(allowed)}",
                problem="unknown",
            )


def read_table(
    path: PurePath,
    document: Mapping[str, Any],
    name: str,
    allowed: tuple[str, ...] | None,
) -> dict[str, Any]:
    """Return one table of the document, empty when absent."""
    table = document.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(
            path, name, table, f"write a table: a line [{name}] followed by its keys"
        )
    if allowed is not None:
        check_keys(path, name, table, allowed)
    return table


def read_company(path: PurePath, document: Mapping[str, Any]) -> str:
    """Return the company name from the [company] table."""
    remedy = 'write [company] with name = "Your Company"'
    if "company" not in document:
        raise ConfigError(path, "company.name", None, remedy, problem="missing")
    table = read_table(path, document, "company", COMPANY_KEYS)
    if "name" not in table:
        raise ConfigError(path, "company.name", None, remedy, problem="missing")
    name = table["name"]
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(path, "company.name", name, remedy)
    return name.strip()


def read_fiscal(path: PurePath, document: Mapping[str, Any]) -> FiscalCalendar:
    """Return the fiscal calendar from the [fiscal] table; January/"end" by default."""
    table = read_table(path, document, "fiscal", FISCAL_KEYS)
    start_month = table.get("start_month", 1)
    if (
        isinstance(start_month, bool)
        or not isinstance(start_month, int)
        or not 1 <= start_month <= 12
    ):
        raise ConfigError(
            path,
            "fiscal.start_month",
            start_month,
            "write the month the fiscal year starts in as a number from 1 to 12, "
            "such as start_month = 2 for February",
        )
    naming = table.get("naming", "end")
    if naming not in FISCAL_NAMINGS:
        raise ConfigError(
            path,
            "fiscal.naming",
            naming,
            'write naming = "end" to name a fiscal year by the calendar year in '
            'which it ends, or naming = "start" for the year in which it starts',
        )
    try:
        return FiscalCalendar(start_month=start_month, naming=naming)
    except ValueError as error:
        raise ConfigError(path, "fiscal", table, str(error)) from error


def read_optional_path(
    path: PurePath,
    document: Mapping[str, Any],
    key: str,
    example: str,
    prefix: str = "",
) -> PurePath | None:
    """Return a file path key as written, or None when absent.

    `prefix` names the key's table in errors, such as "data.".
    """
    if key not in document:
        return None
    return check_path(path, f"{prefix}{key}", document[key], example)


def read_segment_field(path: PurePath, data: Mapping[str, Any]) -> str | None:
    """Return the customer attribute that splits KPIs by segment, or None."""
    if "segment_field" not in data:
        return None
    value = data["segment_field"]
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(
            path,
            "data.segment_field",
            value,
            "write the name of a column of the customers file, "
            'such as segment_field = "segment"',
        )
    if "customers" not in data:
        raise ConfigError(
            path,
            "data.customers",
            None,
            "data.segment_field needs the customers file that holds that column; "
            'write customers = "customers.csv" in [data]',
            problem="missing",
        )
    return value.strip()


def read_currency(path: PurePath, data: Mapping[str, Any]) -> str | None:
    """Return the reporting currency that `fx_rates` converts into, or None."""
    value = data.get("currency")
    if value is None:
        if "fx_rates" in data:
            raise ConfigError(
                path,
                "data.currency",
                None,
                'data.fx_rates converts into one currency; write currency = "USD"',
                problem="missing",
            )
        return None
    if not isinstance(value, str) or len(value.strip()) != 3:
        raise ConfigError(
            path, "data.currency", value, 'write a currency code, such as "USD"'
        )
    return value.strip().upper()


def read_paths(
    path: PurePath, table: Mapping[str, Any], key: str, example: str
) -> tuple[PurePath, ...]:
    """Return a list-of-files key of the [data] table as paths."""
    name = key.rpartition(".")[2]
    values = table.get(name, [])
    if not isinstance(values, list):
        raise ConfigError(
            path,
            key,
            values,
            f'write a list of file names, such as {name} = ["{example}"]',
        )
    return tuple(check_path(path, key, value, example) for value in values)


def check_path(path: PurePath, key: str, value: object, example: str) -> PurePath:
    """Check one file name from the settings."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(
            path,
            key,
            value,
            f'write a file name relative to the workspace folder, such as "{example}"',
        )
    return PurePath(value)


def read_database_url(path: PurePath, document: Mapping[str, Any]) -> str | None:
    """Return the database URL as written, checked by SQLAlchemy's URL parser."""
    if "database_url" not in document:
        return None
    url = document["database_url"]
    remedy = (
        'write a SQLAlchemy database URL, such as "sqlite:///boardloop.db" or '
        '"postgresql+psycopg://user@host/boardloop", or remove the key to use '
        "boardloop.db in the workspace folder"
    )
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(path, "database_url", url, remedy)
    try:
        make_url(url)
    except ArgumentError as error:
        raise ConfigError(path, "database_url", url, remedy) from error
    return url


def read_date(path: PurePath, table: Mapping[str, Any], key: str) -> dt.date | None:
    """Return an optional calendar date key, written as a bare TOML date."""
    name = key.rpartition(".")[2]
    value = table.get(name)
    if value is None:
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ConfigError(
            path,
            key,
            value,
            "write a calendar date without quotes or time, "
            f"such as {name} = 2026-03-14",
        )
    return value


def show_value(value: object) -> str:
    """Render a settings value the way it would be written in TOML."""
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.time | int | float):
        return toml_scalar(value)
    return repr(value)


# --- writing -----------------------------------------------------------------


def write_config(path: Path, config: WorkspaceConfig) -> None:
    """Write a commented boardloop.toml, replacing any file at `path` atomically."""
    text = render_config(config)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def render_config(config: WorkspaceConfig) -> str:
    """Return the text of a commented boardloop.toml that reads back as `config`."""
    lines = [
        "# boardloop workspace settings.",
        "",
        "[company]",
        "# The company whose initiative register this workspace keeps.",
        f"name = {toml_string(config.company)}",
        "",
        "[fiscal]",
        "# Month in which the fiscal year starts, 1 (January) to 12.",
        f"start_month = {config.fiscal.start_month}",
        '# "end" names a fiscal year by the calendar year in which it ends,',
        '# "start" by the calendar year in which it starts.',
        f"naming = {toml_string(config.fiscal.naming)}",
    ]
    lines[2:2] = render_top_level(config)
    lines += [
        "",
        "[data]",
        "# Register files (YAML, CSV, Markdown) that `boardloop import` reads,",
        "# relative to this folder.",
        f"initiatives = {toml_array([str(p) for p in config.initiatives])}",
        "# KPI value CSV files (kpi, segment, period_end, value, n).",
        f"kpi_values = {toml_array([str(p) for p in config.kpi_values])}",
        "# Revenue ledger CSV or Parquet file that `boardloop kpis compute` reads.",
        render_optional_string("ledger", config.ledger, "ledger.csv"),
        "# Customer attributes file (customer_id, acquired_on, segment columns).",
        render_optional_string("customers", config.customers, "customers.csv"),
        "# Column of the customers file that splits the KPIs by segment.",
        render_optional_string("segment_field", config.segment_field, "segment"),
        "# NPS responses file (customer_id, responded_at, score 0-10).",
        render_optional_string("nps", config.nps, "nps.csv"),
        "# Monthly exchange rates (currency, month, rate) into `currency`.",
        render_optional_string("fx_rates", config.fx_rates, "fx_rates.csv"),
        render_optional_string("currency", config.currency, "USD"),
        *render_metrics(config.metrics),
        "",
        "[report]",
        "# Date of the board meeting the reports are for; today when absent.",
        render_optional_date("board_date", config.board_date, "2026-03-14"),
        "# Date of the previous board meeting: the report lists changes since then.",
        render_optional_date("since", config.since, "2025-12-10"),
        "",
        *render_brand(config.brand),
    ]
    lines += render_lint(config.lint)
    return "\n".join(lines).rstrip("\n") + "\n"


def render_top_level(config: WorkspaceConfig) -> list[str]:
    """Render the keys that TOML requires above the first table."""
    lines = [
        "# KPI catalog in the I'mBoard ontology JSON shape, relative to this folder.",
        "# The bundled customers-domain catalog is used when this key is absent.",
    ]
    if config.catalog is None:
        lines.append('# catalog = "catalog.json"')
    else:
        lines.append(f"catalog = {toml_string(str(config.catalog))}")
    lines += [
        "# Database URL. Default: the SQLite file boardloop.db in this folder.",
        "# The environment variable BOARDLOOP_DATABASE_URL overrides this key.",
    ]
    if config.database_url is None:
        lines.append('# database_url = "postgresql+psycopg://user@host/boardloop"')
    else:
        lines.append(f"database_url = {toml_string(config.database_url)}")
    return [*lines, ""]


def render_optional_string(key: str, value: PurePath | str | None, example: str) -> str:
    if value is None:
        return f"# {key} = {toml_string(example)}"
    return f"{key} = {toml_string(str(value))}"


def render_optional_date(key: str, value: dt.date | None, example: str) -> str:
    if value is None:
        return f"# {key} = {example}"
    return f"{key} = {value.isoformat()}"


def render_lint(settings: Mapping[str, Any]) -> list[str]:
    """Render the [lint] table, nested tables included, or a commented example."""
    if not settings:
        return [
            "[lint]",
            "# Lint settings, such as rules to skip and thresholds.",
            '# disabled = ["OW104"]',
            "",
        ]
    return render_table(("lint",), settings)


def render_table(name: tuple[str, ...], table: Mapping[str, Any]) -> list[str]:
    """Render one table: its plain keys first, then its sub-tables."""
    lines = [f"[{'.'.join(toml_key(part) for part in name)}]"]
    subtables = {key: value for key, value in table.items() if isinstance(value, dict)}
    for key, value in table.items():
        if key not in subtables:
            lines.append(f"{toml_key(key)} = {toml_value(value)}")
    lines.append("")
    for key, value in subtables.items():
        lines += render_table((*name, key), value)
    return lines
