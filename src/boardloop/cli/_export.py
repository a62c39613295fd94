"""`boardloop export`: the register or its lint findings as CSV or XLSX."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from boardloop.cli.main import (
    as_of_option,
    dash_is_stdout,
    describe_error,
    fail,
    main,
    open_workspace_or_fail,
    read_error_types,
    resolve_as_of,
    workspace_option,
)

__all__ = ["export", "write_output"]


@main.command()
@click.argument("kind", type=click.Choice(["register", "findings"]))
@workspace_option
@as_of_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "xlsx"]),
    help="File format. Default: the -o file's extension, else csv.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=dash_is_stdout,
    help="Write to this file instead of stdout (- is stdout); needed for xlsx "
    "when stdout is a terminal.",
)
def export(
    kind: str,
    workspace_dir: Path,
    as_of_text: str | None,
    output_format: str | None,
    output: Path | None,
) -> None:
    """Export the register (every field import reads) or the findings.

    Text that a spreadsheet would run as a formula is made inert; see
    docs/exports.md.
    """
    from boardloop.export_service import export_table
    from boardloop.io import ExportError
    from boardloop.service import load_workspace_catalog

    if output_format is None:
        suffix = output.suffix.casefold() if output else ""
        output_format = "xlsx" if suffix == ".xlsx" else "csv"
    if output_format == "xlsx" and output is None and sys.stdout.isatty():
        fail(
            "XLSX is a binary format, not text for a terminal; pass -o FILE.xlsx, "
            "redirect stdout to a file, or use --format csv"
        )
    workspace = open_workspace_or_fail(workspace_dir)
    as_of = resolve_as_of(as_of_text, workspace)
    try:
        exported = export_table(
            workspace,
            kind=kind,
            output_format=output_format,
            catalog=load_workspace_catalog(workspace),
            as_of=as_of,
        )
    except ExportError as error:
        fail(f"cannot export the {kind} as {output_format}: {error}")
    except read_error_types() as error:
        fail(describe_error(error, workspace))
    write_output(output, exported.data)


def write_output(output: Path | None, data: bytes) -> None:
    """Write bytes to a file through a temporary file, or to stdout."""
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    if not output.parent.is_dir():
        fail(
            f"cannot write {output}: folder {output.parent} does not exist; "
            "create it first"
        )
    temporary = output.with_name(f".{output.name}.tmp")
    try:
        temporary.write_bytes(data)
        temporary.replace(output)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        fail(f"cannot write {output}: {error.strerror}; choose another -o path")
    click.echo(f"Wrote {output}", err=True)
