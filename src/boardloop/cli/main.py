"""The `boardloop` command: a thin face over `boardloop.service`.

Human text goes to stderr, machine output (JSON, reports without `-o`) to
stdout. Exit codes: 0 clean, 1 when lint finds an error-level finding, 2 on a
usage error or input that cannot be read.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NoReturn

import click

if TYPE_CHECKING:
    from boardloop.catalog import Catalog
    from boardloop.domain.fiscal import FiscalCalendar
    from boardloop.domain.model import KpiValue, Register, Target
    from boardloop.report import BoardSection, BrandView
    from boardloop.service import FileImport
    from boardloop.store import Workspace

__all__ = ["main"]

EXIT_FINDINGS = 1
EXIT_USAGE = 2
REPORT_FORMATS = ("md", "html", "json", "pdf", "pptx")
# Formats whose output is a binary document, never written to a terminal.
BINARY_REPORT_FORMATS = ("pdf", "pptx")

# Dates a register can be judged at. Rules add and subtract years around the
# as-of date, so the range keeps clear of the limits of Python's date type.
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2199, 12, 31)


class UsageFailure(click.ClickException):
    """A failure the user can fix by changing the command or its input."""

    exit_code = EXIT_USAGE

    def show(self, file: object = None) -> None:
        from boardloop.cli._terminal import echo_text

        echo_text(f"error: {self.format_message()}", err=True)


def fail(message: str) -> NoReturn:
    raise UsageFailure(message)


def parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        fail(
            f"{option} {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2027-03-14"
        )
    if not MIN_DATE <= day <= MAX_DATE:
        fail(
            f"{option} {value} is outside the supported range {MIN_DATE} to "
            f"{MAX_DATE}; pass a board date inside it"
        )
    return day


def default_actor() -> str:
    try:
        return os.environ.get("BOARDLOOP_ACTOR") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def open_workspace_or_fail(directory: Path) -> Workspace:
    from boardloop.store import ConfigError, WorkspaceError, open_workspace

    try:
        return open_workspace(directory)
    except (WorkspaceError, ConfigError) as error:
        fail(str(error))


def read_error_types() -> tuple[type[Exception], ...]:
    """Return the exception classes that mean 'this input cannot be read'."""
    from boardloop.catalog import CatalogError
    from boardloop.io import ReadError
    from boardloop.lint import LintSettingsError
    from boardloop.metrics import CustomerError, LedgerError
    from boardloop.store import ClosedOutcomeError, ConfigError, WorkspaceError

    return (
        ClosedOutcomeError,
        ReadError,
        CatalogError,
        ConfigError,
        WorkspaceError,
        LintSettingsError,
        LedgerError,
        CustomerError,
    )


workspace_option = click.option(
    "--workspace",
    "-w",
    "workspace_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=lambda: os.environ.get("BOARDLOOP_WORKSPACE", "."),
    show_default="current folder or its parents; env BOARDLOOP_WORKSPACE",
    help="Workspace folder, the one holding boardloop.toml.",
)
text_or_json_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Human text, or JSON for machines.",
)
fiscal_start_option = click.option(
    "--fiscal-start-month",
    type=click.IntRange(1, 12),
    help="Month (1-12) in which the fiscal year starts; default: the workspace's, "
    "else January.",
)
as_of_option = click.option(
    "--as-of",
    "as_of_text",
    metavar="DATE",
    help="Date the register is judged at (YYYY-MM-DD). Default: the workspace's "
    "board_date, else today.",
)


def dash_is_stdout(
    context: click.Context, parameter: click.Parameter, value: Path | None
) -> Path | None:
    """Read the -o value "-" as stdout (None), as Unix tools do."""
    if value is not None and str(value) == "-":
        return None
    return value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="boardloop")
def main() -> None:
    """Keep a company's customer-success initiatives honest for its board."""


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--company", required=True, help="Company name shown in the board section."
)
@click.option(
    "--fiscal-start-month",
    type=click.IntRange(1, 12),
    default=1,
    show_default=True,
    help="Month (1-12) in which the fiscal year starts.",
)
@click.option(
    "--fiscal-naming",
    type=click.Choice(["end", "start"]),
    default="end",
    show_default=True,
    help="Name a fiscal year by the calendar year in which it ends or starts.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing boardloop.toml.")
def init(
    directory: Path,
    company: str,
    fiscal_start_month: int,
    fiscal_naming: str,
    force: bool,
) -> None:
    """Create a workspace: boardloop.toml, its SQLite database and a starter register.

    The starter register, initiatives.yaml, contains one commented example
    initiative to replace. An existing initiatives.yaml is kept as it is.
    """
    from boardloop.cli._starter import STARTER_FILE_NAME, starter_register
    from boardloop.store import WorkspaceError, init_workspace

    try:
        workspace = init_workspace(
            directory,
            company=company,
            fiscal_start_month=fiscal_start_month,
            fiscal_naming=fiscal_naming,
            force=force,
        )
        starter = workspace.root / STARTER_FILE_NAME
        wrote_starter = not starter.exists()
        if wrote_starter:
            text = starter_register(workspace.config.company, dt.date.today())
            starter.write_text(text, encoding="utf-8")
    except WorkspaceError as error:
        fail(str(error))
    except OSError as error:
        fail(f"cannot create a workspace in {directory}: {error.strerror}")
    from boardloop.cli._terminal import echo_text

    echo_text(f"Created workspace for {company} in {workspace.root}", err=True)
    if wrote_starter:
        echo_text(
            f"Wrote {starter}: an example initiative to replace with yours", err=True
        )
    click.echo("Next: boardloop import FILE... (YAML, CSV, Markdown or XLSX)", err=True)


@main.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@workspace_option
@click.option("--actor", default=default_actor, help="Name recorded in the history.")
@click.option(
    "--sheet",
    metavar="NAME",
    help="Worksheet to read from XLSX files. Default: the first sheet.",
)
@click.option(
    "--overwrite-edits",
    is_flag=True,
    help="Replace fields edited through the API or web since the last import with "
    "the file's values, recording the replacement in the history.",
)
def import_command(
    files: tuple[Path, ...],
    workspace_dir: Path,
    actor: str,
    sheet: str | None,
    overwrite_edits: bool,
) -> None:
    """Import register files (YAML, CSV, Markdown, XLSX) and KPI value CSVs.

    A file that would overwrite edits made through the API or web since the last
    import is rejected as a whole (exit 2) unless --overwrite-edits is given.
    """
    from boardloop.service import import_files
    from boardloop.store import ImportConflictError

    for path in files:
        if not path.is_file():
            fail(f"file not found: {path}")
    workspace = open_workspace_or_fail(workspace_dir)
    # Aware UTC, as the edits record it, so the history orders imports and
    # edits correctly whatever the machine's time zone.
    now = dt.datetime.now(dt.UTC)

    # One transaction per file: report each file as it lands, so a failure in
    # a later file still reports what the earlier ones stored.
    for done, path in enumerate(files):
        try:
            (item,) = import_files(
                workspace,
                [path],
                actor=actor,
                at=now,
                sheet=sheet,
                overwrite_edits=overwrite_edits,
            )
        except ImportConflictError as error:
            kept = (
                f"\nThe {done} file(s) before it were imported and kept."
                if done
                else ""
            )
            fail(f"{error}{kept}")
        except read_error_types() as error:
            kept = (
                f"; the {done} file(s) before it were imported and kept"
                if done
                else "; nothing was imported"
            )
            fail(f"{error}{kept}")
        print_import(item)


def print_import(item: FileImport) -> None:
    from boardloop.cli._terminal import echo_text

    if item.result is None:
        count = item.kpi_value_count
        noun = "KPI value" if count == 1 else "KPI values"
        echo_text(f"{item.path}: {count} {noun} stored", err=True)
        return
    echo_text(item.result.summary.format_text(), err=True)
    if item.changes is not None:
        changes = item.changes
        echo_text(
            f"{item.path}: {len(changes.created)} created, {len(changes.updated)} "
            f"updated, {len(changes.unchanged)} unchanged",
            err=True,
        )
        if changes.absent:
            echo_text(
                f"{item.path}: {len(changes.absent)} initiative(s) stored from this "
                f"file are no longer in it and were kept: {', '.join(changes.absent)}. "
                "Close them with an outcome, or keep them in the file.",
                err=True,
            )


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@workspace_option
@as_of_option
@text_or_json_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors (board week).")
@fiscal_start_option
def lint(
    files: tuple[Path, ...],
    workspace_dir: Path,
    as_of_text: str | None,
    output_format: str,
    strict: bool,
    fiscal_start_month: int | None,
) -> None:
    """Lint register files, or the workspace's register when no file is given.

    KPI value CSVs named among the files feed the rules that read KPI series.
    """
    from boardloop.lint import format_text, report_to_json
    from boardloop.service import lint_register

    workspace = (
        find_workspace(workspace_dir)
        if files
        else open_workspace_or_fail(workspace_dir)
    )
    as_of = resolve_as_of(as_of_text, workspace)
    calendar = resolve_calendar(workspace, fiscal_start_month)
    for path in files:
        if not path.is_file():
            fail(
                f"file not found: {path}; check the path, or omit FILE to lint the "
                "workspace's register"
            )
    try:
        catalog = load_workspace_catalog_or_bundled(workspace)
        register, values = lint_inputs(files, workspace, catalog, as_of, calendar)
        report = lint_register(
            register,
            workspace=workspace,
            catalog=catalog,
            as_of=as_of,
            kpi_values=values,
            strict=strict,
            calendar=calendar,
        )
    except read_error_types() as error:
        fail(describe_error(error, workspace))

    if output_format == "json":
        click.echo(json.dumps(report_to_json(report), indent=2, ensure_ascii=False))
    else:
        from boardloop.cli._terminal import echo_text

        echo_text(format_text(report))
    if report.has_errors:
        sys.exit(EXIT_FINDINGS)


def lint_inputs(
    files: tuple[Path, ...],
    workspace: Workspace | None,
    catalog: Catalog,
    as_of: dt.date,
    calendar: FiscalCalendar,
) -> tuple[Register, list[KpiValue] | None]:
    """Read the register and KPI values to lint, from files or the workspace."""
    from boardloop.domain.model import Register
    from boardloop.io import kpi_value_ranges, read_kpi_values
    from boardloop.service import is_kpi_values_file, read_files

    if not files:
        assert workspace is not None
        company = workspace.config.company
        register = workspace.store.load_register(company)
        return register, workspace.store.load_kpi_values(company) or None

    value_files = [path for path in files if is_kpi_values_file(path)]
    register_files = [path for path in files if path not in value_files]
    results = read_files(
        register_files,
        workspace=workspace,
        catalog=catalog,
        as_of=as_of,
        calendar=calendar,
    )
    for result in results:
        from boardloop.cli._terminal import echo_text

        echo_text(result.summary.format_text(), err=True)
    values = [
        value
        for path in value_files
        for value in read_kpi_values(
            path, aliases=catalog.aliases(), ranges=kpi_value_ranges(catalog)
        )
    ]
    company = workspace.config.company if workspace else "register"
    initiatives = tuple(i for result in results for i in result.initiatives)
    return Register(company, initiatives), values or None


def describe_error(error: Exception, workspace: Workspace | None) -> str:
    """Name boardloop.toml in errors about its [lint] table."""
    from boardloop.lint import LintSettingsError

    if isinstance(error, LintSettingsError) and workspace is not None:
        return f"{workspace.root / 'boardloop.toml'}: {error}"
    return str(error)


def find_workspace(directory: Path) -> Workspace | None:
    """Open the workspace when there is one; linting plain files needs none."""
    from boardloop.store import WorkspaceError, open_workspace

    try:
        return open_workspace(directory)
    except WorkspaceError:
        return None


def load_workspace_catalog_or_bundled(workspace: Workspace | None) -> Catalog:
    """Load the catalog the workspace's company pins or uses, else the bundled one."""
    from boardloop.catalog import load_catalog
    from boardloop.service import load_workspace_catalog

    return load_workspace_catalog(workspace) if workspace else load_catalog()


def resolve_calendar(
    workspace: Workspace | None, fiscal_start_month: int | None
) -> FiscalCalendar:
    """Return the workspace's fiscal calendar with the start month overridden."""
    from boardloop.domain.fiscal import FiscalCalendar
    from boardloop.service import fiscal_calendar_of

    calendar = fiscal_calendar_of(workspace)
    if fiscal_start_month is None:
        return calendar
    return FiscalCalendar(fiscal_start_month, calendar.naming)


def resolve_as_of(as_of_text: str | None, workspace: Workspace | None) -> dt.date:
    as_of = parse_date(as_of_text, "--as-of")
    if as_of is not None:
        return as_of
    if workspace is not None and workspace.config.board_date is not None:
        return workspace.config.board_date
    return dt.date.today()


@main.command()
@click.argument("phrase")
@as_of_option
@workspace_option
@fiscal_start_option
@text_or_json_option
def target(
    phrase: str,
    as_of_text: str | None,
    workspace_dir: Path,
    fiscal_start_month: int | None,
    output_format: str,
) -> None:
    """Show how boardloop reads a target phrase."""
    from boardloop.catalog import load_merged_catalog
    from boardloop.domain.targets import format_target, parse_target, target_to_json

    if not phrase.strip():
        fail("the target phrase is empty; pass one, e.g. '+5pp GRR for SMB by Q2'")
    workspace = find_workspace(workspace_dir)
    calendar = resolve_calendar(workspace, fiscal_start_month)
    as_of = parse_date(as_of_text, "--as-of") or dt.date.today()
    catalog = load_merged_catalog(workspace.catalog_path if workspace else None)
    parsed = parse_target(
        phrase, calendar=calendar, as_of=as_of, kpi_aliases=catalog.aliases()
    )
    labels = catalog.labels()
    if output_format == "json":
        document = target_to_json(parsed, kpi_labels=labels)
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        click.echo(format_target_text(parsed, format_target(parsed, kpi_labels=labels)))
    if parsed.problems:
        sys.exit(EXIT_FINDINGS)


def format_target_text(parsed: Target, canonical: str) -> str:
    rows = [
        ("canonical", canonical),
        ("kpi", parsed.kpi_id or "-"),
        ("direction", parsed.direction or "-"),
        ("amount", "-" if parsed.amount is None else str(parsed.amount)),
        ("unit", parsed.unit or "-"),
        ("currency", parsed.currency or "-"),
        ("level", format_level(parsed)),
        ("from level", "-" if parsed.start_level is None else str(parsed.start_level)),
        ("segment", parsed.segment or "-"),
        ("window", "-" if parsed.window_days is None else f"{parsed.window_days} days"),
        ("deadline", format_deadline(parsed)),
    ]
    lines = [f"{name:>10}: {value}" for name, value in rows]
    lines.extend(f"   problem: {problem}" for problem in parsed.problems)
    return "\n".join(lines)


def format_level(parsed: Target) -> str:
    if parsed.level is None:
        return "-"
    if parsed.level_bound is None:
        return f"{parsed.level} (no bound given)"
    return f"{parsed.level} ({parsed.level_bound})"


def format_deadline(parsed: Target) -> str:
    if parsed.deadline is None:
        return "-"
    label = f" (end of {parsed.deadline_label})" if parsed.deadline_label else ""
    return f"{parsed.deadline.isoformat()}{label}"


@main.command()
@workspace_option
@as_of_option
@click.option("--since", "since_text", metavar="DATE", help="List changes after DATE.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(REPORT_FORMATS),
    default="md",
    show_default=True,
    help="Markdown, HTML or JSON section, or a PDF or PPTX board pack with the "
    "[brand] logo and colours.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=dash_is_stdout,
    help="Write to this file instead of stdout (- is stdout); needed for pdf and "
    "pptx when stdout is a terminal.",
)
def report(
    workspace_dir: Path,
    as_of_text: str | None,
    since_text: str | None,
    output_format: str,
    output: Path | None,
) -> None:
    """Render the board's Customer Success Initiatives section."""
    from boardloop.report import render_bytes

    binary = output_format in BINARY_REPORT_FORMATS
    if binary and output is None and sys.stdout.isatty():
        fail(
            f"--format {output_format} writes a binary file, not text for a "
            f"terminal; pass -o board-pack.{output_format}, or redirect stdout "
            "to a file"
        )
    workspace = open_workspace_or_fail(workspace_dir)
    as_of = resolve_as_of(as_of_text, workspace)
    since = parse_date(since_text, "--since") or workspace.config.since
    if since is not None and since > as_of:
        fail(
            f"the since date {since} is after the as-of date {as_of}; pass an "
            "earlier --since, or a later --as-of"
        )
    brand = load_brand_or_fail(workspace) if binary else None
    section = build_section_or_fail(workspace, as_of=as_of, since=since)
    body = render_bytes(section, output_format, brand)
    if output is not None:
        write_atomically(output, body)
        click.echo(f"Wrote {output}", err=True)
    elif binary:
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
    else:
        text = body.decode("utf-8")
        click.echo(text, nl=not text.endswith("\n"))


def load_brand_or_fail(workspace: Workspace) -> BrandView:
    from boardloop.service import load_brand
    from boardloop.store import ConfigError

    try:
        return load_brand(workspace)
    except ConfigError as error:
        fail(str(error))


def build_section_or_fail(
    workspace: Workspace, *, as_of: dt.date, since: dt.date | None
) -> BoardSection:
    from boardloop.service import build_section

    try:
        return build_section(workspace, as_of=as_of, since=since)
    except read_error_types() as error:
        fail(describe_error(error, workspace))


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write through a temporary file so a failed write leaves no half file."""
    if path.parent.exists() and not path.parent.is_dir():
        fail(f"cannot write {path}: {path.parent} is a file, not a folder")
    if not path.parent.is_dir():
        fail(
            f"cannot write {path}: folder {path.parent} does not exist; create it first"
        )
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        if isinstance(content, bytes):
            temporary.write_bytes(content)
        else:
            temporary.write_text(content, encoding="utf-8")
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        fail(f"cannot write {path}: {error.strerror}; choose another -o path")


@main.command()
@click.argument(
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("boardloop-demo"),
)
@click.option("--force", is_flag=True, help="Replace an existing demo folder.")
def demo(directory: Path, force: bool) -> None:
    """Run the main job on the bundled example company and write its reports."""
    from boardloop.cli._demo import run_demo

    try:
        outputs = run_demo(directory, force=force, actor=default_actor())
    except read_error_types() as error:
        fail(str(error))
    except FileExistsError as error:
        fail(f"{error}; pass --force to replace it, or name another folder")
    except OSError as error:
        fail(f"cannot write the demo into {directory}: {error.strerror}")
    click.echo("Board section written:", err=True)
    for path in outputs:
        click.echo(f"  {path}", err=True)


@main.group()
def kpis() -> None:
    """Compute retention KPIs from the revenue ledger and show stored values."""


@kpis.command()
@workspace_option
@click.option(
    "--grain",
    type=click.Choice(["month", "quarter", "year"]),
    default="month",
    show_default=True,
    help="Length of the fiscal periods the KPIs are measured over.",
)
def compute(workspace_dir: Path, grain: Literal["month", "quarter", "year"]) -> None:
    """Compute the customer KPIs from the data files in boardloop.toml and store them.

    Reads data.ledger, and data.customers, data.nps and data.fx_rates when set;
    measures every fiscal period and every rolling window of [metrics] windows.
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from boardloop.service import COMPUTED_KPIS, compute_kpis

    workspace = open_workspace_or_fail(workspace_dir)
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("reading data", total=None)

        def advance(label: str, done: int, total: int) -> None:
            bar.update(task, description=label, completed=done, total=total)
            if not console.is_terminal:
                # A log file gets no bar, so each finished step gets a line.
                console.print(
                    f"[{done}/{total}] {label}",
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                )

        try:
            values = compute_kpis(
                workspace,
                grain=grain,
                progress=advance,
                note=lambda line: console.print(
                    line, markup=False, highlight=False, soft_wrap=True
                ),
            )
        except read_error_types() as error:
            bar.stop()
            fail(str(error))
    kpi_ids = [kpi_id for kpi_id, _ in COMPUTED_KPIS] + ["customers.nps_score"]
    for kpi_id in kpi_ids:
        count = sum(1 for value in values if value.kpi_id == kpi_id)
        if count:
            noun = "value" if count == 1 else "values"
            click.echo(f"{kpi_id}: {count} {noun} stored", err=True)


@kpis.command()
@workspace_option
@click.option("--kpi", "kpi_id", metavar="NAME", help="Show only this KPI id.")
@click.option("--segment", metavar="S", help="Show only this segment.")
@text_or_json_option
def show(
    workspace_dir: Path, kpi_id: str | None, segment: str | None, output_format: str
) -> None:
    """Show the workspace's stored KPI values, imported or computed.

    Exits 2 when --kpi or --segment names nothing known.
    """
    from boardloop._kpi_filter import (
        UnknownKpiError,
        UnknownSegmentError,
        select_kpi_values,
    )
    from boardloop.service import load_workspace_catalog

    workspace = open_workspace_or_fail(workspace_dir)
    catalog = None
    if kpi_id is not None:
        # Accept a catalog alias or short label, as targets do: "GRR".
        try:
            catalog = load_workspace_catalog(workspace)
        except read_error_types() as error:
            fail(str(error))
    stored = workspace.store.load_kpi_values(workspace.config.company)
    try:
        selection = select_kpi_values(stored, catalog, kpi=kpi_id, segment=segment)
    except (UnknownKpiError, UnknownSegmentError) as error:
        fail(str(error))
    values = selection.values
    if output_format == "json":
        rows = [kpi_value_to_json(value) for value in values]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if selection.empty_reason is not None:
        click.echo(selection.empty_reason, err=True)
        return
    if not values:
        click.echo("no KPI values stored; run boardloop kpis compute", err=True)
        return
    from boardloop.cli._terminal import echo_text

    echo_text(format_kpi_table(values, min_n=workspace.config.metrics.min_n))


def kpi_value_to_json(value: KpiValue) -> dict[str, object]:
    """Render a KPI value as JSON, with numbers as strings so that no digit is lost.

    `low` and `high` bound the 95 % interval. They and `definition` are null
    when the value has none.
    """
    return {
        "kpi": value.kpi_id,
        "segment": value.segment,
        "period_end": value.period_end.isoformat(),
        "window_days": value.window_days,
        "value": str(value.value),
        "n": value.n,
        "low": None if value.low is None else str(value.low),
        "high": None if value.high is None else str(value.high),
        "definition": value.definition,
    }


def format_kpi_table(values: list[KpiValue], *, min_n: int = 0) -> str:
    """Render KPI values as a plain text table with aligned columns.

    The 95 % interval shows as low-high with two decimals, blank when the value
    has none. A value from fewer than `min_n` customers or responses is marked
    "low n".
    """
    header = ("kpi", "segment", "window", "period_end", "value", "95% interval", "n")
    rows = [
        (
            value.kpi_id,
            value.segment,
            "" if value.window_days is None else f"{value.window_days}d",
            value.period_end.isoformat(),
            f"{value.value:.2f}",
            ""
            if value.low is None or value.high is None
            else f"{value.low:.2f}-{value.high:.2f}",
            _show_n(value.n, min_n),
        )
        for value in values
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in [header, *rows]
    ]
    return "\n".join(line.rstrip() for line in lines)


def _show_n(n: int | None, min_n: int) -> str:
    if n is None:
        return ""
    return f"{n} (low n)" if n < min_n else str(n)


# Commands kept in their own modules register themselves on `main` when imported;
# each module imports `main` from here.
import boardloop.cli._backup  # noqa: E402
import boardloop.cli._calendar  # noqa: E402
import boardloop.cli._digest  # noqa: E402
import boardloop.cli._export  # noqa: E402
import boardloop.cli._history  # noqa: E402
import boardloop.cli._mcp  # noqa: E402
import boardloop.cli._serve  # noqa: E402
import boardloop.cli._tokens  # noqa: E402
import boardloop.cli._users  # noqa: E402, F401
