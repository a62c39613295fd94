"""`boardloop backup` and `boardloop restore`: one company to a file and back.

Both commands use the workspace's database, where BOARDLOOP_DATABASE_URL
overrides the workspace's setting. Outside a workspace they use
BOARDLOOP_DATABASE_URL alone.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from boardloop.cli.main import fail, main, text_or_json_option, workspace_option
from boardloop.store._backup_records import count_text

if TYPE_CHECKING:
    from boardloop.store import Backup, RestoreResult, Store

__all__ = ["backup", "restore"]

EXCLUDED_NOTE = (
    "The backup holds no password hashes, API tokens or token hashes: after a "
    "restore, users need a new password and new tokens."
)


@main.command()
@workspace_option
@click.option(
    "--company",
    metavar="NAME",
    help="Company to back up. Default: the workspace's company.",
)
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Backup file to write; a name ending in .gz is gzip-compressed.",
)
@text_or_json_option
def backup(
    workspace_dir: Path, company: str | None, output: Path, output_format: str
) -> None:
    """Write one company of the database to a backup file.

    The file contains the company's settings, initiatives, full event history, KPI
    values, control intervals, import log and memberships.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from boardloop.store import UnknownCompanyError, backup_company

    if not output.parent.is_dir():
        fail(
            f"cannot write {output}: folder {output.parent} does not exist; "
            "create it first"
        )
    store, default_company = open_database(workspace_dir)
    try:
        name = company if company is not None else default_company
        if name is None:
            known = ", ".join(repr(item) for item in store.companies()) or "none"
            fail(f"pass --company NAME; the database holds these companies: {known}")
        try:
            written = backup_company(store, name, output)
        except UnknownCompanyError as error:
            fail(str(error))
        except OSError as error:
            fail(f"cannot write {output}: {error.strerror}; choose another --output")
        except SQLAlchemyError as error:
            fail(
                f"reading company {name!r} from {store.url} failed "
                f"({type(error).__name__}: {str(error).splitlines()[0]}); check that "
                "the database is reachable, then run the backup again"
            )
    finally:
        store.close()

    if output_format == "json":
        click.echo(json.dumps(backup_summary(written, output), indent=2))
    click.echo(
        f"Wrote {output}: company {name!r}, {count_text(written.counts())}", err=True
    )
    click.echo(EXCLUDED_NOTE, err=True)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@workspace_option
@click.option(
    "--company",
    metavar="NEW_NAME",
    help="Restore under this company name instead of the one in the file.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Replace the rows of the company if it exists; they are removed in the "
    "same transaction.",
)
@text_or_json_option
def restore(
    file: Path,
    workspace_dir: Path,
    company: str | None,
    replace: bool,
    output_format: str,
) -> None:
    """Load a backup file into the database as one company, in one transaction.

    The whole file is checked before anything is written. A company that exists
    already is rejected unless --replace is given. Users missing from the
    database are created without a password.
    """
    from boardloop.store import (
        BackupError,
        CompanyExistsError,
        InvalidCompanyNameError,
        RestoreFailedError,
        read_backup_file,
        restore_company,
    )

    if not file.is_file():
        fail(f"file not found: {file}")
    if company is not None and not company.strip():
        fail("--company is empty; pass the name to restore the company under")
    try:
        backup_file = read_backup_file(file)
    except BackupError as error:
        fail(str(error))
    except OSError as error:
        fail(f"cannot read {file}: {error.strerror}")

    store, _ = open_database(workspace_dir)
    try:
        result = restore_company(
            store,
            backup_file,
            company=None if company is None else company.strip(),
            replace=replace,
        )
    except (CompanyExistsError, InvalidCompanyNameError, RestoreFailedError) as error:
        fail(str(error))
    finally:
        url = store.url
        store.close()

    if output_format == "json":
        click.echo(json.dumps(restore_summary(result, file), indent=2))
    print_restore(result, file, url)


def open_database(workspace_dir: Path) -> tuple[Store, str | None]:
    """Open the workspace's store, or the one BOARDLOOP_DATABASE_URL names.

    Returns the store, migrated to the latest schema, and the workspace's
    company, which is None outside a workspace.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from boardloop.store import (
        DATABASE_URL_VARIABLE,
        ConfigError,
        Store,
        UnknownSchemaError,
        WorkspaceError,
        find_config,
        open_workspace,
    )

    try:
        find_config(workspace_dir)
    except WorkspaceError as error:
        url = os.environ.get(DATABASE_URL_VARIABLE, "").strip()
        if not url:
            fail(f"{error}, or set {DATABASE_URL_VARIABLE}")
    else:
        try:
            workspace = open_workspace(workspace_dir)
        except (WorkspaceError, ConfigError) as error:
            fail(str(error))
        return workspace.store, workspace.config.company

    try:
        store = Store(url)
        store.migrate()
    except (SQLAlchemyError, UnknownSchemaError) as error:
        fail(
            f"cannot open the database in {DATABASE_URL_VARIABLE} "
            f"({type(error).__name__}: {str(error).splitlines()[0]}); check the URL "
            "and that the database server is running"
        )
    return store, None


def print_restore(result: RestoreResult, file: Path, url: str) -> None:
    click.echo(
        f"Restored company {result.company!r} from {file} into {url}: "
        f"{count_text(result.counts)}",
        err=True,
    )
    if result.removed is not None:
        click.echo(
            "Replaced the company's earlier rows; removed "
            f"{count_text(result.removed)}",
            err=True,
        )
    if result.created_users:
        click.echo(
            f"Created {len(result.created_users)} user(s) without a password: "
            f"{', '.join(result.created_users)}; they can sign in once they have "
            "a password or an API token",
            err=True,
        )
    if result.existing_users:
        click.echo(
            f"Kept {len(result.existing_users)} existing user(s) as they were: "
            f"{', '.join(result.existing_users)}",
            err=True,
        )
    click.echo(EXCLUDED_NOTE, err=True)


def backup_summary(written: Backup, output: Path) -> dict[str, object]:
    return {
        "file": str(output),
        "company": written.company.name,
        "format_version": written.header.format_version,
        "created_at": written.header.created_at.isoformat(timespec="microseconds"),
        "counts": written.counts(),
        "excluded": ["password hashes", "API tokens", "API token hashes"],
    }


def restore_summary(result: RestoreResult, file: Path) -> dict[str, object]:
    return {
        "file": str(file),
        "company": result.company,
        "counts": result.counts,
        "removed": result.removed,
        "created_users": list(result.created_users),
        "existing_users": list(result.existing_users),
    }
