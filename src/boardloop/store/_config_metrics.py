"""The [metrics] table of boardloop.toml: windows, minimum n, bootstrap, columns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import PurePath

__all__ = [
    "COLUMN_TABLES",
    "METRICS_KEYS",
    "MetricsConfig",
    "read_metrics",
    "render_metrics",
]

METRICS_KEYS = (
    "windows",
    "min_n",
    "bootstrap",
    "seed",
    "backend",
    "memory_limit",
    "columns",
)
_MEMORY = re.compile(r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.IGNORECASE)
COLUMN_TABLES = ("ledger", "customers", "nps")
DEFAULT_WINDOWS = (30, 90, 180, 365)


@dataclass(frozen=True)
class MetricsConfig:
    """How `boardloop kpis compute` measures.

    `windows` are the rolling windows, in days, computed at every month end.
    `min_n` marks smaller cohorts. `bootstrap` is the number of resamples for
    intervals (0 for none) and `seed` their seed. `backend` is the URL of the
    Ibis backend that runs the queries (None: an in-memory DuckDB, which keeps
    at most `memory_limit` before it spills to disk). `columns`
    maps each input (`ledger`, `customers`, `nps`) from canonical column names
    to the file's own.
    """

    windows: tuple[int, ...] = DEFAULT_WINDOWS
    min_n: int = 30
    bootstrap: int = 1000
    seed: int = 0
    backend: str | None = None
    memory_limit: str = "3GB"
    columns: Mapping[str, Mapping[str, str]] = field(
        default_factory=lambda: MappingProxyType({})
    )


def read_metrics(path: PurePath, document: Mapping[str, Any]) -> MetricsConfig:
    """Check the [metrics] table; absent keys take their defaults."""
    from boardloop.store._config import ConfigError, check_keys

    table = document.get("metrics", {})
    if not isinstance(table, dict):
        raise ConfigError(path, "metrics", table, "write [metrics] as a table")
    check_keys(path, "metrics", table, METRICS_KEYS)
    windows = table.get("windows", list(DEFAULT_WINDOWS))
    if (
        not isinstance(windows, list)
        or not windows
        or not all(_whole(w) and w >= 15 for w in windows)
    ):
        raise ConfigError(
            path,
            "metrics.windows",
            windows,
            "write a list of window lengths in days, each 15 or more, "
            "such as windows = [30, 90, 365]",
        )
    return MetricsConfig(
        windows=tuple(sorted(set(windows))),
        min_n=_count(path, table, "min_n", 30),
        bootstrap=_count(path, table, "bootstrap", 1000, most=100_000),
        seed=_count(path, table, "seed", 0),
        backend=_backend(path, table.get("backend")),
        memory_limit=_memory_limit(path, table.get("memory_limit", "3GB")),
        columns=_columns(path, table.get("columns", {})),
    )


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _count(
    path: PurePath,
    table: Mapping[str, Any],
    key: str,
    default: int,
    *,
    most: int | None = None,
) -> int:
    from boardloop.store._config import ConfigError

    value = table.get(key, default)
    if not _whole(value) or value < 0 or (most is not None and value > most):
        limit = "" if most is None else f" and at most {most:,}"
        raise ConfigError(
            path,
            f"metrics.{key}",
            value,
            f"write a whole number of 0 or more{limit}, such as {key} = {default}",
        )
    number: int = value
    return number


def _backend(path: PurePath, value: object) -> str | None:
    from boardloop.store._config import ConfigError

    if value is None:
        return None
    if not isinstance(value, str) or "://" not in value:
        raise ConfigError(
            path,
            "metrics.backend",
            value,
            'write an Ibis backend URL, such as "postgres://user@host/db" or '
            '"duckdb://metrics.duckdb"',
        )
    return value


def _memory_limit(path: PurePath, value: object) -> str:
    from boardloop.store._config import ConfigError

    if not isinstance(value, str) or not _MEMORY.match(value.strip()):
        raise ConfigError(
            path,
            "metrics.memory_limit",
            value,
            'write an amount of memory, such as memory_limit = "3GB"',
        )
    return value.strip()


def _canonical(kind: str) -> tuple[str, ...]:
    """Return the column names an input's mapping may use, from its reader."""
    from boardloop.metrics._customers import CUSTOMER_COLUMNS
    from boardloop.metrics._ledger import COLUMNS
    from boardloop.metrics._nps import NPS_COLUMNS

    return {"ledger": COLUMNS, "customers": CUSTOMER_COLUMNS, "nps": NPS_COLUMNS}[kind]


def _columns(path: PurePath, value: object) -> Mapping[str, Mapping[str, str]]:
    from boardloop.store._config import ConfigError, check_keys

    if not isinstance(value, dict):
        raise ConfigError(
            path,
            "metrics.columns",
            value,
            'write tables such as [metrics.columns.ledger] customer_id = "Account"',
        )
    check_keys(path, "metrics.columns", value, COLUMN_TABLES)
    columns = {}
    for kind, mapping in value.items():
        key = f"metrics.columns.{kind}"
        if not isinstance(mapping, dict) or not all(
            isinstance(v, str) and v.strip() for v in mapping.values()
        ):
            raise ConfigError(
                path,
                key,
                mapping,
                f"map canonical names to your column names, such as [{key}] "
                'customer_id = "Account"',
            )
        known = _canonical(kind)
        for name in mapping:
            if name not in known:
                raise ConfigError(
                    path,
                    f"{key}.{name}",
                    None,
                    f"{kind} columns are {', '.join(known)}",
                    problem="unknown",
                )
        columns[kind] = MappingProxyType({k: v.strip() for k, v in mapping.items()})
    return MappingProxyType(columns)


def render_metrics(config: MetricsConfig) -> list[str]:
    """Render the [metrics] table with comments."""
    from boardloop.store._toml import toml_key, toml_string, toml_value

    lines = [
        "",
        "[metrics]",
        "# Rolling windows, in days, that `boardloop kpis compute` measures at every",
        "# month end; revenue is monthly, so 90 days is 3 whole months.",
        f"windows = {toml_value(list(config.windows))}",
        "# Figures from fewer customers or responses than this are marked low-n.",
        f"min_n = {config.min_n}",
        "# Resamples of customers for 95 % bootstrap intervals (0: none), and seed.",
        f"bootstrap = {config.bootstrap}",
        f"seed = {config.seed}",
        "# Memory the in-memory DuckDB may hold before it spills to disk.",
        f"memory_limit = {toml_string(config.memory_limit)}",
        "# Ibis backend URL that runs the queries; an in-memory DuckDB when absent.",
        (
            '# backend = "postgres://user@host/db"'
            if config.backend is None
            else f"backend = {toml_string(config.backend)}"
        ),
    ]
    for kind, mapping in config.columns.items():
        if not mapping:
            continue
        lines += ["", f"[metrics.columns.{kind}]"]
        lines += [f"{toml_key(k)} = {toml_string(v)}" for k, v in mapping.items()]
    return lines
