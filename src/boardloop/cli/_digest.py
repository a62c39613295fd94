"""`boardloop digest`: the weekly digest of checkpoints, stale work and news."""

from __future__ import annotations

from pathlib import Path

import click

from boardloop.cli._export import write_output
from boardloop.cli.main import (
    as_of_option,
    dash_is_stdout,
    describe_error,
    fail,
    main,
    open_workspace_or_fail,
    parse_date,
    read_error_types,
    resolve_as_of,
    workspace_option,
)

__all__ = ["digest"]


@main.command()
@workspace_option
@as_of_option
@click.option(
    "--since",
    "since_text",
    metavar="DATE",
    help="Report findings and verdict changes new since DATE. Default: 7 days "
    "before the as-of date.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=dash_is_stdout,
    help="Write to this file instead of stdout (- is stdout).",
)
def digest(
    workspace_dir: Path,
    as_of_text: str | None,
    since_text: str | None,
    output_format: str,
    output: Path | None,
) -> None:
    """Print the weekly digest: due and overdue checkpoints, stale work, news."""
    from boardloop.export_service import build_weekly_digest
    from boardloop.report import render_digest
    from boardloop.service import load_workspace_catalog

    workspace = open_workspace_or_fail(workspace_dir)
    as_of = resolve_as_of(as_of_text, workspace)
    since = parse_date(since_text, "--since")
    if since is not None and since > as_of:
        fail(
            f"the since date {since} is after the as-of date {as_of}; pass an "
            "earlier --since, or a later --as-of"
        )
    try:
        built = build_weekly_digest(
            workspace,
            catalog=load_workspace_catalog(workspace),
            as_of=as_of,
            since=since,
        )
    except read_error_types() as error:
        fail(describe_error(error, workspace))
    write_output(output, render_digest(built, output_format).encode("utf-8"))
