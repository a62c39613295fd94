"""The workspace: a folder with boardloop.toml and, by default, its SQLite database."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from boardloop.store._config import (
    CONFIG_FILE_NAME,
    WorkspaceConfig,
    config_from_document,
    load_config,
    write_config,
)
from boardloop.store._errors import (
    InvalidCompanyNameError,
    UnknownSchemaError,
    company_name_problem,
)
from boardloop.store._store import Store

if TYPE_CHECKING:
    from types import TracebackType

__all__ = [
    "DATABASE_URL_VARIABLE",
    "DEFAULT_DATABASE_FILE",
    "Workspace",
    "WorkspaceError",
    "find_config",
    "init_workspace",
    "open_workspace",
    "resolve_database_url",
]

logger = logging.getLogger(__name__)

DATABASE_URL_VARIABLE = "BOARDLOOP_DATABASE_URL"
DEFAULT_DATABASE_FILE = "boardloop.db"


class WorkspaceError(Exception):
    """A workspace that cannot be created, found or opened."""

    http_status = 500

    def __init__(self, path: PurePath, problem: str, remedy: str) -> None:
        super().__init__(f"{path}: {problem}; {remedy}")
        self.path = path
        self.problem = problem
        self.remedy = remedy


@dataclass(frozen=True)
class Workspace:
    """An open workspace: its folder, its settings and its store."""

    root: Path
    config: WorkspaceConfig
    store: Store

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_FILE_NAME

    @property
    def catalog_path(self) -> Path | None:
        """The catalog file named in the settings, or None for the bundled one."""
        return (
            None if self.config.catalog is None else self.resolve(self.config.catalog)
        )

    @property
    def initiative_paths(self) -> tuple[Path, ...]:
        return tuple(self.resolve(path) for path in self.config.initiatives)

    @property
    def kpi_value_paths(self) -> tuple[Path, ...]:
        return tuple(self.resolve(path) for path in self.config.kpi_values)

    def resolve(self, path: PurePath) -> Path:
        """Return a path from the settings, read relative to the workspace folder."""
        return self.root / path

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def init_workspace(
    root: Path,
    *,
    company: str,
    fiscal_start_month: int = 1,
    fiscal_naming: str = "end",
    force: bool = False,
) -> Workspace:
    """Create a workspace: the folder, a commented boardloop.toml and the database.

    An existing boardloop.toml is rejected unless `force` is set, in which case
    it is rewritten. An existing database is kept and upgraded, never emptied.
    """
    root = root.resolve()
    config_path = root / CONFIG_FILE_NAME
    if config_path.exists() and not force:
        raise WorkspaceError(
            config_path,
            "a workspace already exists here",
            "use it as it is, or run boardloop init --force to rewrite "
            "boardloop.toml; the database is kept either way",
        )

    problem = company_name_problem(company)
    if problem is not None:
        raise WorkspaceError(
            config_path,
            f"invalid company name {company!r}: {problem}",
            'choose a name without "/" or control characters',
        )
    # Check the arguments exactly as the file will be checked, before writing.
    document = {
        "company": {"name": company},
        "fiscal": {"start_month": fiscal_start_month, "naming": fiscal_naming},
    }
    config = config_from_document(document, config_path)

    root.mkdir(parents=True, exist_ok=True)
    write_config(config_path, config)
    store = open_store(root, config)
    store.ensure_company(config.company)
    logger.info("created workspace for %r in %s", config.company, root)
    return Workspace(root=root, config=config, store=store)


def open_workspace(start: Path) -> Workspace:
    """Find boardloop.toml in `start` or its parents, and open that workspace.

    The database is upgraded to the latest migration on the way, which changes
    nothing when it is up to date.
    """
    config_path = find_config(start)
    root = config_path.parent
    config = load_config(config_path)
    store = open_store(root, config)
    return Workspace(root=root, config=config, store=store)


def find_config(start: Path) -> Path:
    """Return the nearest boardloop.toml in `start` or one of its parents."""
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        config_path = candidate / CONFIG_FILE_NAME
        if config_path.is_file():
            return config_path
    raise WorkspaceError(
        start,
        f"no {CONFIG_FILE_NAME} found in this folder or its parents",
        "run boardloop init in the workspace folder, or pass --workspace",
    )


def resolve_database_url(root: Path, config: WorkspaceConfig) -> URL:
    """Return the database URL: the environment variable, the settings, or the default.

    A relative SQLite file path is read relative to the workspace folder.
    """
    from_environment = os.environ.get(DATABASE_URL_VARIABLE, "").strip()
    if from_environment:
        try:
            url = make_url(from_environment)
        except ArgumentError as error:
            raise WorkspaceError(
                PurePath(DATABASE_URL_VARIABLE),
                f"invalid database URL ({error})",
                "set a SQLAlchemy URL such as "
                "postgresql+psycopg://user@host/boardloop, "
                f"or unset {DATABASE_URL_VARIABLE}",
            ) from error
    elif config.database_url is not None:
        url = make_url(config.database_url)
    else:
        return URL.create("sqlite", database=str(root / DEFAULT_DATABASE_FILE))

    database = url.database
    if url.get_backend_name() == "sqlite" and database and database != ":memory:":
        file = Path(database)
        if not file.is_absolute() and not database.startswith("file:"):
            url = url.set(database=str(root / file))
    return url


def open_store(root: Path, config: WorkspaceConfig) -> Store:
    """Connect to the workspace's database and upgrade it to the latest migration."""
    url = resolve_database_url(root, config)
    store = Store(url)
    try:
        store.migrate()
    except UnknownSchemaError as error:
        store.close()
        raise WorkspaceError(
            root / CONFIG_FILE_NAME,
            f"the database {store.url} has schema revision {error.revision!r}, newer "
            f"than the latest this boardloop knows ({error.head!r})",
            "upgrade boardloop to the version that migrated the database",
        ) from error
    except SQLAlchemyError as error:
        store.close()
        raise WorkspaceError(
            root / CONFIG_FILE_NAME,
            f"cannot open or upgrade the database {store.url} "
            f"({error.__class__.__name__}: {str(error).splitlines()[0]})",
            f"check database_url in {CONFIG_FILE_NAME} or {DATABASE_URL_VARIABLE}, and "
            "that the database server is running",
        ) from error
    try:
        keep_fiscal_calendar(store, config)
    except InvalidCompanyNameError as error:
        store.close()
        raise WorkspaceError(
            root / CONFIG_FILE_NAME,
            f"invalid company name {config.company!r}: {error.problem}",
            'rename [company] name in boardloop.toml without "/" or control characters',
        ) from error
    return store


def keep_fiscal_calendar(store: Store, config: WorkspaceConfig) -> None:
    """Store the workspace company's fiscal calendar from boardloop.toml.

    boardloop.toml is the source of the workspace's own company's calendar.
    Faces that read the company's settings from the database (the edit
    operations, the API and MCP servers) then parse targets with the same
    calendar as the command line. The settings are written only when they differ.
    """
    from dataclasses import replace

    store.ensure_company(config.company)
    settings = store.company_settings(config.company)
    if settings.fiscal != config.fiscal:
        store.set_company_settings(
            config.company, replace(settings, fiscal=config.fiscal)
        )
