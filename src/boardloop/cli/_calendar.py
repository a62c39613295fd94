"""`boardloop calendar`: next checkpoints as an ICS calendar, for all or one owner."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from boardloop.cli._export import write_output
from boardloop.cli.main import (
    dash_is_stdout,
    describe_error,
    fail,
    main,
    open_workspace_or_fail,
    read_error_types,
    workspace_option,
)

__all__ = ["calendar"]


@main.command()
@workspace_option
@click.option("--owner", metavar="NAME", help="Only this owner's checkpoints.")
@click.option(
    "--link-base",
    metavar="URL",
    help="URL of the boardloop server, to start each event's link. Default: the "
    "placeholder {boardloop_url}.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=dash_is_stdout,
    help="Write to this .ics file instead of stdout (- is stdout).",
)
def calendar(
    workspace_dir: Path,
    owner: str | None,
    link_base: str | None,
    output: Path | None,
) -> None:
    """Write the open initiatives' next checkpoints as all-day calendar events."""
    from boardloop.export_service import UnknownOwnerError, make_checkpoint_calendar
    from boardloop.service import load_workspace_catalog

    workspace = open_workspace_or_fail(workspace_dir)
    try:
        data = make_checkpoint_calendar(
            workspace,
            catalog=load_workspace_catalog(workspace),
            owner=owner,
            stamp=dt.datetime.now(dt.UTC).replace(microsecond=0),
            link_base=link_base.rstrip("/") if link_base else None,
        )
    except UnknownOwnerError as error:
        fail(f"{error}; check the spelling of --owner")
    except read_error_types() as error:
        fail(describe_error(error, workspace))
    write_output(output, data)
