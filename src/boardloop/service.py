"""Service functions shared by every face: import, lint, evaluate and report.

Every face (today the CLI) calls these and only formats what they return.
Heavy modules are imported inside the functions so the command line starts fast.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from boardloop._compute import ALL_SEGMENT, COMPUTED_KPIS, compute_kpis

if TYPE_CHECKING:
    from collections.abc import Sequence

    from boardloop.catalog import Catalog
    from boardloop.domain.fiscal import FiscalCalendar
    from boardloop.domain.model import ControlInterval, Initiative, KpiValue, Register
    from boardloop.evaluate import Evaluation
    from boardloop.io import ImportResult
    from boardloop.lint import LintReport
    from boardloop.report import BoardSection, BrandView
    from boardloop.store import ImportChanges, Store, Workspace

__all__ = [
    "ALL_SEGMENT",
    "COMPUTED_KPIS",
    "FileImport",
    "build_section",
    "compute_kpis",
    "evaluate_company",
    "evaluate_register",
    "import_files",
    "lint_register",
    "load_brand",
    "load_workspace_catalog",
    "read_files",
]

KPI_VALUE_COLUMNS = frozenset({"kpi", "segment", "period_end", "value"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})


@dataclass(frozen=True, slots=True)
class FileImport:
    """Result of importing one file: the records read and the changes stored."""

    path: Path
    result: ImportResult | None
    changes: ImportChanges | None
    kpi_value_count: int = 0


def fiscal_calendar_of(workspace: Workspace | None) -> FiscalCalendar:
    """Return the workspace's fiscal calendar, or the calendar year without one."""
    from boardloop.domain.fiscal import FiscalCalendar

    return workspace.config.fiscal if workspace else FiscalCalendar()


def load_workspace_catalog(workspace: Workspace, company: str | None = None) -> Catalog:
    """Load the catalog a company uses, by default the workspace's company.

    That is the catalog version of the company's `catalog_pin` setting, else
    the bundled catalog with the workspace's catalog file laid over it. A pin
    that no available catalog has raises `CatalogPinError`.
    """
    from boardloop.catalog import load_pinned_catalog

    company = company or workspace.config.company
    # A database not yet migrated has no settings table, so no company in it
    # has a pin. The server still starts, and its readiness check reports the
    # schema.
    migrated = workspace.store.revision() is not None
    pin = company_catalog_pin(workspace.store, company) if migrated else None
    return load_pinned_catalog(company, pin, workspace.catalog_path)


def company_catalog_pin(store: Store, company: str) -> str | None:
    """Return the company's catalog pin, None without one or without the company."""
    from boardloop.store import UnknownCompanyError

    try:
        return store.company_settings(company).catalog_pin
    except UnknownCompanyError:
        return None


def is_kpi_values_file(path: Path) -> bool:
    """Tell a KPI value CSV from a register CSV by its header row."""
    if path.suffix.lower() not in {".csv", ".tsv", ".txt"}:
        return False
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        header = handle.readline()
    for delimiter in (",", ";", "\t"):
        columns = {part.strip().lower() for part in header.split(delimiter)}
        if columns >= KPI_VALUE_COLUMNS:
            return True
    return False


def read_files(
    paths: Sequence[Path],
    *,
    workspace: Workspace | None,
    catalog: Catalog,
    as_of: dt.date,
    calendar: FiscalCalendar | None = None,
    sheet: str | None = None,
) -> list[ImportResult]:
    """Read register files without a store, as `lint FILE...` does.

    The fiscal calendar is `calendar` when given, else the workspace's, else a
    calendar year. `sheet` names the worksheet to read from XLSX files.
    """
    from boardloop.io import read_register_file

    calendar = calendar or fiscal_calendar_of(workspace)
    aliases = catalog.aliases()
    return [
        read_register_file(
            path, calendar=calendar, as_of=as_of, kpi_aliases=aliases, sheet=sheet
        )
        for path in paths
    ]


def import_files(
    workspace: Workspace,
    paths: Sequence[Path],
    *,
    actor: str,
    at: dt.datetime,
    sheet: str | None = None,
    overwrite_edits: bool = False,
) -> list[FileImport]:
    """Import register files and KPI value files into the workspace store.

    Each file is one transaction: a file that fails to read or store leaves
    nothing behind, and files before it stay imported. `sheet` names the
    worksheet to read from XLSX files (default: the first). A register file that
    would overwrite edits made since the last import raises
    `ImportConflictError` unless `overwrite_edits` is set.
    """
    from boardloop.io import kpi_value_ranges, read_kpi_values

    catalog = load_workspace_catalog(workspace)
    company = workspace.config.company
    # Relative deadlines such as "by Q2" or "next quarter" are read against the
    # board date the workspace prepares for, else against the day of the import.
    phrase_date = workspace.config.board_date or at.date()
    imports: list[FileImport] = []
    for path in paths:
        if is_kpi_values_file(path):
            values = read_kpi_values(
                path, aliases=catalog.aliases(), ranges=kpi_value_ranges(catalog)
            )
            workspace.store.replace_kpi_values(company, values, source_path=str(path))
            imports.append(FileImport(path, None, None, kpi_value_count=len(values)))
            continue
        (result,) = read_files(
            [path],
            workspace=workspace,
            catalog=catalog,
            as_of=phrase_date,
            sheet=sheet if path.suffix.casefold() in XLSX_SUFFIXES else None,
        )
        reject_implausible_dates(path, result.initiatives)
        changes = workspace.store.import_initiatives(
            company,
            result.initiatives,
            source_path=str(path),
            actor=actor,
            at=at,
            overwrite_edits=overwrite_edits,
        )
        imports.append(FileImport(path, result, changes))
    return imports


# Keys of `Initiative.field_lines` that may give the line of each checked date,
# in order of preference; readers name lines by the file's own keys.
DATE_LINE_KEYS = {
    "deadline": ("deadline", "target"),
    "launched_on": ("launched_on", "launched", "launch_date"),
    "next_checkpoint": ("next_checkpoint",),
    "checkpoint": ("checkpoints", "checkpoint"),
    "closed_on": ("closed_on", "outcome"),
}


def reject_implausible_dates(path: Path, initiatives: Sequence[Initiative]) -> None:
    """Raise `ReadError` at the first date outside the plausible window.

    The window is `boardloop.domain.dates`; a file with such a date is not
    imported at all.
    """
    from boardloop.domain.dates import implausible_dates, plausible_range_text
    from boardloop.io import ReadError

    for initiative in initiatives:
        for field, day in implausible_dates(initiative):
            keys = DATE_LINE_KEYS.get(field, (field,))
            line = next(
                (
                    initiative.field_lines[k]
                    for k in keys
                    if k in initiative.field_lines
                ),
                None if initiative.source is None else initiative.source.line,
            )
            raise ReadError(
                path,
                line,
                f"initiative {initiative.id!r} has {field.replace('_', ' ')} "
                f"{day.isoformat()}, outside the plausible range "
                f"{plausible_range_text()}",
                "correct the date, or leave it out when there is none yet",
            )


def lint_register(
    register: Register,
    *,
    workspace: Workspace | None,
    catalog: Catalog,
    as_of: dt.date,
    kpi_values: Sequence[KpiValue] | None,
    strict: bool = False,
    calendar: FiscalCalendar | None = None,
) -> LintReport:
    """Run every lint rule over a register with the workspace's settings."""
    from dataclasses import replace

    from boardloop.lint import LintContext, LintSettings, run_lint

    settings = LintSettings.from_mapping(workspace.config.lint if workspace else {})
    if strict:
        settings = replace(settings, strict=True)
    context = LintContext(
        as_of=as_of,
        catalog=catalog,
        calendar=calendar or fiscal_calendar_of(workspace),
        settings=settings,
        kpi_values=kpi_values,
        roster=None,
    )
    return run_lint(register, context)


def evaluate_register(
    register: Register,
    values: Sequence[KpiValue],
    *,
    catalog: Catalog,
    as_of: dt.date,
    control_intervals: Sequence[ControlInterval],
) -> dict[str, Evaluation]:
    """Evaluate every initiative of the register at the as-of date.

    Faces call `evaluate_company`, which loads the values, the stored control
    intervals and the company's catalog, so that every face gives one verdict
    and one interval per initiative.
    """
    from boardloop.evaluate import evaluate_all

    evaluations = evaluate_all(
        register.initiatives,
        values,
        as_of=as_of,
        catalog=catalog,
        control_intervals=control_intervals,
    )
    return {evaluation.initiative_id: evaluation for evaluation in evaluations}


def evaluate_company(
    workspace: Workspace,
    *,
    as_of: dt.date,
    catalog: Catalog | None = None,
    initiatives: Sequence[Initiative] | None = None,
) -> dict[str, Evaluation]:
    """Evaluate the workspace company's register at `as_of`, by initiative id.

    Reads the company's KPI values and stored control intervals (the joint
    bootstrap intervals of difference in differences) from the store.
    `catalog` defaults to the company's catalog (`load_workspace_catalog`).
    `initiatives`, when given, are evaluated in place of the stored register.
    """
    from boardloop.domain.model import Register

    company = workspace.config.company
    store = workspace.store
    if initiatives is None:
        register = store.load_register(company)
    else:
        register = Register(company=company, initiatives=tuple(initiatives))
    return evaluate_register(
        register,
        store.load_kpi_values(company),
        catalog=catalog or load_workspace_catalog(workspace),
        as_of=as_of,
        control_intervals=store.load_control_intervals(company),
    )


def build_section(
    workspace: Workspace,
    *,
    as_of: dt.date,
    since: dt.date | None,
    catalog: Catalog | None = None,
) -> BoardSection:
    """Build the board section of the workspace's register at the as-of date.

    The catalog is `catalog` when given, else the company's, read from its pin.
    """
    from boardloop.domain.targets import format_target
    from boardloop.report import build_board_section

    catalog = catalog or load_workspace_catalog(workspace)
    company = workspace.config.company
    register = workspace.store.load_register(company)
    values = workspace.store.load_kpi_values(company)
    evaluations = evaluate_company(
        workspace, as_of=as_of, catalog=catalog, initiatives=register.initiatives
    )
    # The section reads the register as of its date, so values measured after
    # it are not there yet rather than mis-keyed.
    known = [value for value in values if value.period_end <= as_of]
    lint_report = lint_register(
        register,
        workspace=workspace,
        catalog=catalog,
        as_of=as_of,
        kpi_values=known or None,
    )
    calendar = workspace.config.fiscal
    fiscal_year, quarter = calendar.quarter_of(as_of)
    labels = catalog.labels()
    return build_board_section(
        company=company,
        register=register,
        evaluations=evaluations,
        findings=lint_report.findings,
        readiness_score=lint_report.score,
        as_of=as_of,
        since=since,
        catalog_version=catalog.version_label,
        kpi_labels=labels,
        format_target=lambda target: format_target(target, kpi_labels=labels),
        calendar_label=calendar.quarter_label(fiscal_year, quarter),
        track_record=track_record_window(calendar, as_of),
    )


def load_brand(workspace: Workspace) -> BrandView:
    """Read the workspace's [brand] table and logo file for the PDF and PPTX packs.

    Raises ConfigError naming boardloop.toml, `brand.logo` and the file when
    the logo is missing or unreadable, or is not the image type its name ends in.
    """
    from boardloop.report import (
        DEFAULT_ACCENT,
        DEFAULT_PRIMARY,
        BrandView,
        InvalidLogoError,
        logo_from_bytes,
    )
    from boardloop.store import ConfigError

    brand = workspace.config.brand
    logo = None
    if brand.logo is not None:
        path = workspace.resolve(brand.logo)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ConfigError(
                workspace.config_path,
                "brand.logo",
                str(brand.logo),
                f"cannot read {path} ({error.strerror}); put the logo there "
                "or fix the path, which is relative to the workspace folder",
            ) from error
        try:
            logo = logo_from_bytes(data, path.name)
        except InvalidLogoError as error:
            raise ConfigError(
                workspace.config_path,
                "brand.logo",
                str(brand.logo),
                f"{path}: {error}; use a PNG, JPEG or SVG file",
            ) from error
    return BrandView(
        primary=brand.primary or DEFAULT_PRIMARY,
        accent=brand.accent or DEFAULT_ACCENT,
        logo=logo,
    )


def track_record_window(
    calendar: FiscalCalendar, as_of: dt.date
) -> tuple[dt.date, str]:
    """Return the first day and label of the four fiscal quarters up to `as_of`."""
    fiscal_year, quarter = calendar.quarter_of(as_of)
    first_year, first_quarter = fiscal_year, quarter - 3
    if first_quarter < 1:
        first_year, first_quarter = fiscal_year - 1, first_quarter + 4
    first_day, _ = calendar.quarter_bounds(first_year, first_quarter)
    label = (
        f"{calendar.quarter_label(first_year, first_quarter)} to "
        f"{calendar.quarter_label(fiscal_year, quarter)}"
    )
    return first_day, label
