"""Service functions for exports, the checkpoint calendar and the weekly digest.

The CLI and the REST API call these with a workspace (for the API, the view
of one company of it) and the catalog, and only send or write what they return.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from boardloop.service import evaluate_company, lint_register

if TYPE_CHECKING:
    from boardloop.catalog import Catalog
    from boardloop.domain.model import Finding, Register
    from boardloop.report import Digest
    from boardloop.store import Workspace

__all__ = [
    "EXPORT_KINDS",
    "Export",
    "UnknownOwnerError",
    "build_weekly_digest",
    "export_table",
    "make_checkpoint_calendar",
]

EXPORT_KINDS = ("register", "findings")

_MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class UnknownOwnerError(LookupError):
    """An owner filter that names no owner of the register, with the known owners."""

    def __init__(self, owner: str, known: list[str]) -> None:
        listed = ", ".join(repr(name) for name in known) or "none"
        super().__init__(
            f"no initiative is owned by {owner!r}; owners in the register: {listed}"
        )
        self.owner = owner
        self.known = known


@dataclass(frozen=True, slots=True)
class Export:
    """One exported file: its bytes, media type and a file name to offer."""

    data: bytes
    media_type: str
    filename: str


def export_table(
    workspace: Workspace,
    *,
    kind: str,
    output_format: str,
    catalog: Catalog,
    as_of: dt.date,
) -> Export:
    """Export the register or its lint findings at `as_of` as CSV or XLSX."""
    from boardloop.io import findings_table, register_table, table_to_csv, table_to_xlsx

    if kind not in EXPORT_KINDS:
        raise ValueError(f"unknown export {kind!r}; use one of {EXPORT_KINDS}")
    if output_format not in _MEDIA_TYPES:
        raise ValueError(f"unknown export format {output_format!r}; use csv or xlsx")
    company = workspace.config.company
    register = workspace.store.load_register(company)
    if kind == "register":
        table = register_table(register)
    else:
        values = workspace.store.load_kpi_values(company)
        report = lint_register(
            register,
            workspace=workspace,
            catalog=catalog,
            as_of=as_of,
            kpi_values=values or None,
        )
        table = findings_table(report.findings, company)
    if output_format == "csv":
        data = table_to_csv(table).encode("utf-8")
    else:
        data = table_to_xlsx(table)
    return Export(data, _MEDIA_TYPES[output_format], f"{kind}.{output_format}")


def make_checkpoint_calendar(
    workspace: Workspace,
    *,
    catalog: Catalog,
    owner: str | None,
    stamp: dt.datetime,
    link_base: str | None = None,
) -> bytes:
    """Build the ICS calendar of next checkpoints, for one owner or all.

    Raises UnknownOwnerError when `owner` owns no initiative of the register.
    """
    from boardloop.domain.targets import format_target
    from boardloop.report import LINK_PLACEHOLDER, CalendarOptions, owner_matches
    from boardloop.report import checkpoint_calendar as build_calendar

    register = workspace.store.load_register(workspace.config.company)
    if owner is not None and not any(
        owner_matches(initiative, owner) for initiative in register.initiatives
    ):
        raise UnknownOwnerError(owner, _owners(register))
    labels = catalog.labels()
    options = CalendarOptions(
        stamp=stamp,
        describe_target=lambda target: (
            format_target(target, kpi_labels=labels) if not target.is_empty else ""
        ),
        owner=owner,
        link_base=link_base or LINK_PLACEHOLDER,
    )
    return build_calendar(register, options)


def build_weekly_digest(
    workspace: Workspace,
    *,
    catalog: Catalog,
    as_of: dt.date,
    since: dt.date | None = None,
) -> Digest:
    """Build the weekly digest at `as_of`; `since` defaults to 7 days before it."""
    from boardloop.lint import LintSettings
    from boardloop.report import DigestInputs, build_digest

    since = since or as_of - dt.timedelta(days=7)
    company = workspace.config.company
    register = workspace.store.load_register(company)
    values = workspace.store.load_kpi_values(company)

    def findings_at(day: dt.date) -> tuple[Finding, ...]:
        known = [value for value in values if value.period_end <= day]
        report = lint_register(
            register,
            workspace=workspace,
            catalog=catalog,
            as_of=day,
            kpi_values=known or None,
        )
        return report.findings

    def verdicts_at(day: dt.date) -> dict[str, str]:
        evaluations = evaluate_company(
            workspace, as_of=day, catalog=catalog, initiatives=register.initiatives
        )
        return {key: item.verdict.value for key, item in evaluations.items()}

    inputs = DigestInputs(
        findings_now=findings_at(as_of),
        findings_before=findings_at(since),
        verdicts_now=verdicts_at(as_of),
        verdicts_before=verdicts_at(since),
    )
    settings = LintSettings.from_mapping(workspace.config.lint)
    return build_digest(
        register,
        inputs,
        as_of=as_of,
        since=since,
        stale_days=settings.silence_warning_days,
    )


def _owners(register: Register) -> list[str]:
    names = {i.owner.person for i in register.initiatives if i.owner.person}
    return sorted(names, key=str.casefold)
