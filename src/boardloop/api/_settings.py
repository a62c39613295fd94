"""Settings of the API server: the [server] table of boardloop.toml and the environment.

Each setting is read from, in order of precedence, a `boardloop serve` option,
its environment variable, the `[server]` table of boardloop.toml, and the
default. The database URL is the workspace's: `BOARDLOOP_DATABASE_URL`
overrides `database_url` in boardloop.toml, which overrides the SQLite file in
the workspace folder.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from boardloop.store import (
    CONFIG_FILE_NAME,
    ConfigError,
    Store,
    Workspace,
    find_config,
    resolve_database_url,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "ENVIRONMENT_VARIABLES",
    "SERVER_KEYS",
    "ApiSettings",
    "ServerSettingsError",
    "load_settings",
    "open_api_workspace",
    "with_company",
]

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
LOG_LEVELS = ("debug", "info", "warning", "error")
BOOLEAN_TEXTS = {"true": True, "1": True, "false": False, "0": False}
# Hosts where a cookie without Secure never crosses a network: only for them may
# insecure_cookies be set.
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")

# Setting name -> environment variable that overrides boardloop.toml.
ENVIRONMENT_VARIABLES = {
    "workspace": "BOARDLOOP_WORKSPACE",
    "host": "BOARDLOOP_HOST",
    "port": "BOARDLOOP_PORT",
    "workers": "BOARDLOOP_WORKERS",
    "max_body_bytes": "BOARDLOOP_MAX_BODY_BYTES",
    "log_level": "BOARDLOOP_LOG_LEVEL",
    "session_lifetime_minutes": "BOARDLOOP_SESSION_LIFETIME_MINUTES",
    "session_idle_minutes": "BOARDLOOP_SESSION_IDLE_MINUTES",
    "insecure_cookies": "BOARDLOOP_INSECURE_COOKIES",
    "worker_healthcheck_seconds": "BOARDLOOP_WORKER_HEALTHCHECK_SECONDS",
}


class ServerSettingsError(ValueError):
    """A server setting that cannot be used, from boardloop.toml or the environment."""

    http_status = 500

    def __init__(self, source: str, key: str, value: object, remedy: str) -> None:
        super().__init__(f"{source}: invalid value {value!r} for {key}; {remedy}")
        self.source = source
        self.key = key
        self.value = value
        self.remedy = remedy


@dataclass(frozen=True, slots=True)
class ApiSettings:
    """Settings of one API server process.

    `max_body_bytes` limits every request body. A sign-in session lasts
    `session_lifetime_minutes` at most, and ends after `session_idle_minutes`
    without a request. `insecure_cookies` drops the Secure flag of the session
    cookie, for plain-HTTP development on a loopback host only.
    `worker_healthcheck_seconds` is how long uvicorn waits for a worker to
    start and to respond to its health checks before it replaces it. `migrate`
    upgrades the database schema when the app starts. `boardloop serve` leaves
    it off, because it migrates once before it starts its workers.
    """

    workspace: Path
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    max_body_bytes: int = 1_048_576
    log_level: str = "info"
    session_lifetime_minutes: int = 720
    session_idle_minutes: int = 120
    insecure_cookies: bool = False
    # uvicorn's own default is 5 seconds, which a worker importing the app on a
    # loaded machine can miss, so the server would kill it at start.
    worker_healthcheck_seconds: int = 60
    migrate: bool = False


def load_settings(
    workspace: Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> ApiSettings:
    """Read the settings: overrides, then the environment, then [server], then defaults.

    `overrides` are the command line options; a None value counts as not given.
    """
    environ = os.environ if environ is None else environ
    folder = workspace or Path(environ.get(ENVIRONMENT_VARIABLES["workspace"]) or ".")
    config_path = find_config(folder)
    values: dict[str, Any] = dict(read_server_table(config_path))
    for key in SERVER_KEYS:
        variable = ENVIRONMENT_VARIABLES[key]
        text = environ.get(variable, "").strip()
        if text:
            values[key] = parse_value(variable, key, text)
    for key, value in overrides.items():
        if value is not None:
            values[key] = value
    settings = ApiSettings(workspace=config_path.parent, **values)
    check_settings(settings, str(config_path))
    return settings


def read_server_table(config_path: Path) -> dict[str, Any]:
    """Return the [server] table of boardloop.toml, checked, empty when absent."""
    document = read_document(config_path)
    table = document.get("server", {})
    source = f"{config_path} [server]"
    if not isinstance(table, dict):
        raise ServerSettingsError(source, "server", table, "write a [server] table")
    for key in table:
        if key not in SERVER_KEYS:
            raise ServerSettingsError(
                source, key, table[key], f"allowed keys: {', '.join(SERVER_KEYS)}"
            )
    return dict(table)


def parse_value(source: str, key: str, text: str) -> Any:
    """Convert an environment variable's text to the setting's type."""
    if key in ("host", "log_level"):
        return text
    if key == "insecure_cookies":
        if text.lower() not in BOOLEAN_TEXTS:
            raise ServerSettingsError(source, key, text, "write true or false")
        return BOOLEAN_TEXTS[text.lower()]
    try:
        return int(text)
    except ValueError:
        raise ServerSettingsError(source, key, text, "write a whole number") from None


def check_settings(settings: ApiSettings, source: str) -> None:
    """Reject settings out of range, naming where they came from."""
    if not isinstance(settings.host, str) or not settings.host:
        raise ServerSettingsError(source, "host", settings.host, "write a host name")
    integer_ranges = {
        "port": (1, 65535),
        "workers": (1, 64),
        "max_body_bytes": (1024, 1 << 30),
        # Five minutes to 30 days.
        "session_lifetime_minutes": (5, 43_200),
        "session_idle_minutes": (5, 43_200),
        "worker_healthcheck_seconds": (1, 3600),
    }
    for key, (low, high) in integer_ranges.items():
        value = getattr(settings, key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ServerSettingsError(source, key, value, "write a whole number")
        if not low <= value <= high:
            raise ServerSettingsError(
                source, key, value, f"use a number from {low} to {high}"
            )
    if settings.log_level not in LOG_LEVELS:
        raise ServerSettingsError(
            source,
            "log_level",
            settings.log_level,
            f"use one of {', '.join(LOG_LEVELS)}",
        )
    check_session_settings(settings, source)


def check_session_settings(settings: ApiSettings, source: str) -> None:
    """Reject an idle timeout above the lifetime, and insecure cookies off loopback."""
    if settings.session_idle_minutes > settings.session_lifetime_minutes:
        raise ServerSettingsError(
            source,
            "session_idle_minutes",
            settings.session_idle_minutes,
            "use at most session_lifetime_minutes "
            f"({settings.session_lifetime_minutes})",
        )
    if not isinstance(settings.insecure_cookies, bool):
        raise ServerSettingsError(
            source, "insecure_cookies", settings.insecure_cookies, "write true or false"
        )
    if settings.insecure_cookies and settings.host not in LOOPBACK_HOSTS:
        raise ServerSettingsError(
            source,
            "insecure_cookies",
            settings.insecure_cookies,
            f"cookies without Secure are allowed only on a loopback host "
            f"({', '.join(LOOPBACK_HOSTS)}), not on {settings.host!r}; serve "
            "HTTPS and leave insecure_cookies false",
        )


def read_document(config_path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(config_path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(
            config_path, "", error, "fix the TOML syntax at that line", problem="syntax"
        ) from error


def open_api_workspace(settings: ApiSettings) -> Workspace:
    """Open the settings' workspace and its store.

    The schema is upgraded only when `settings.migrate` is set.
    """
    from boardloop.store._config import config_from_document
    from boardloop.store._workspace import open_store

    config_path = settings.workspace / CONFIG_FILE_NAME
    document = read_document(config_path)
    config = config_from_document(document, config_path)
    if settings.migrate:
        store = open_store(settings.workspace, config)
    else:
        store = Store(resolve_database_url(settings.workspace, config))
    return Workspace(root=settings.workspace, config=config, store=store)


def with_company(workspace: Workspace, company: str) -> Workspace:
    """Return the workspace seen as another company of the same database."""
    return replace(workspace, config=replace(workspace.config, company=company))
