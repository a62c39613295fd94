"""Read queries behind the MCP tools, each returning a JSON-ready dict.

They sit on the service functions and the store, like every other face, and
raise the store's, the catalog's and this package's error classes.
"""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from boardloop.access import Action, may
from boardloop.mcp._encode import (
    encode_evaluation,
    encode_finding,
    encode_initiative,
    encode_initiative_row,
    encode_kpi,
    encode_kpi_value,
    encode_series_key,
)
from boardloop.mcp._errors import InvalidDateRangeError, UnknownKpiError
from boardloop.service import build_section, evaluate_company, lint_register
from boardloop.store import UnknownCompanyError, UnknownInitiativeError

if TYPE_CHECKING:
    from boardloop.access import Principal
    from boardloop.catalog import Catalog, Kpi
    from boardloop.domain.model import Initiative, KpiValue, Status
    from boardloop.evaluate import Verdict
    from boardloop.store import Workspace

__all__ = [
    "board_summary",
    "company_workspace",
    "list_initiatives",
    "lookup_kpi",
    "read_initiative",
    "read_kpi_series",
    "resolve_as_of",
    "run_lint",
]


def company_workspace(
    workspace: Workspace, company: str | None, principal: Principal | None
) -> Workspace:
    """Return the workspace seen as one company of its database.

    No company means the workspace's own. Another company must be in the
    database, and with a principal, the principal must be allowed to read it;
    either failure raises the same `UnknownCompanyError`. Another company gets
    the fiscal calendar of its settings in the database, and the workspace's
    lint settings and board date. `ToolContext.catalog` picks its catalog.
    """
    own = workspace.config.company
    name = own if company is None or not company.strip() else company.strip()
    if name != own and name not in workspace.store.companies():
        raise UnknownCompanyError(name)
    if principal is not None and not may(principal, Action.READ, name):
        raise UnknownCompanyError(name)
    if name == own:
        return workspace
    fiscal = workspace.store.company_settings(name).fiscal
    config = replace(workspace.config, company=name, fiscal=fiscal)
    return replace(workspace, config=config)


def resolve_as_of(workspace: Workspace, as_of: dt.date | None) -> dt.date:
    """Return the given date, else the workspace's board date, else today."""
    return as_of or workspace.config.board_date or dt.date.today()


def list_initiatives(
    workspace: Workspace,
    *,
    catalog: Catalog,
    as_of: dt.date,
    status: Status | None = None,
    owner: str | None = None,
    verdict: Verdict | None = None,
) -> dict[str, Any]:
    """List the register's initiatives with owner, status, target and verdict.

    `owner` matches part of the owner's name, or their whole function, ignoring
    case. Every filter given must match.
    """
    from boardloop.domain.targets import format_target

    company = workspace.config.company
    register = workspace.store.load_register(company)
    evaluations = evaluate_company(workspace, as_of=as_of, catalog=catalog)
    labels = catalog.labels()

    rows = []
    for initiative in register.initiatives:
        evaluation = evaluations.get(initiative.id)
        if status is not None and initiative.status is not status:
            continue
        if owner is not None and not _owner_matches(initiative, owner):
            continue
        if verdict is not None and (
            evaluation is None or evaluation.verdict is not verdict
        ):
            continue
        canonical = format_target(initiative.target, kpi_labels=labels)
        rows.append(
            encode_initiative_row(
                initiative, evaluation, canonical_target=canonical or None
            )
        )
    return {
        "company": company,
        "as_of": as_of.isoformat(),
        "filters": {
            "status": None if status is None else status.value,
            "owner": owner,
            "verdict": None if verdict is None else verdict.value,
        },
        "count": len(rows),
        "total_in_register": len(register.initiatives),
        "initiatives": rows,
    }


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _owner_matches(initiative: Initiative, owner_query: str) -> bool:
    query = _folded(owner_query)
    if not query:
        return True
    person = _folded(initiative.owner.person or "")
    function = _folded(initiative.owner.function or "")
    return query in person or query == function


def read_initiative(
    workspace: Workspace, key: str, *, catalog: Catalog, as_of: dt.date
) -> dict[str, Any]:
    """Return one initiative: its fields, target, evaluation, history and version."""
    company = workspace.config.company
    stored = workspace.store.get_initiative(company, key.strip())
    evaluations = evaluate_company(
        workspace, as_of=as_of, catalog=catalog, initiatives=[stored.initiative]
    )
    evaluation = evaluations[stored.initiative.id]
    document = encode_initiative(
        stored.initiative,
        kpi_labels=catalog.labels(),
        calendar=workspace.config.fiscal,
    )
    return {
        "company": company,
        "as_of": as_of.isoformat(),
        "initiative": document,
        "evaluation": encode_evaluation(evaluation),
        "version": stored.version,
        "updated_at": stored.updated_at.isoformat(),
    }


def run_lint(
    workspace: Workspace,
    *,
    catalog: Catalog,
    as_of: dt.date,
    strict: bool = False,
    initiative_id: str | None = None,
) -> dict[str, Any]:
    """Lint the stored register, keeping only one initiative's findings when given."""
    from boardloop.lint import RULES

    company = workspace.config.company
    register = workspace.store.load_register(company)
    if initiative_id is not None:
        initiative_id = initiative_id.strip()
    if initiative_id is not None and initiative_id not in register.by_id():
        raise UnknownInitiativeError(company, initiative_id)
    values = workspace.store.load_kpi_values(company)
    report = lint_register(
        register,
        workspace=workspace,
        catalog=catalog,
        as_of=as_of,
        kpi_values=values or None,
        strict=strict,
    )
    findings = [
        finding
        for finding in report.findings
        if initiative_id is None or finding.initiative_id == initiative_id
    ]
    rule_names = {rule.id: rule.name for rule in RULES}
    counts = dict.fromkeys(report.counts, 0)
    for finding in findings:
        counts[finding.severity.value] += 1
    return {
        "company": company,
        "as_of": as_of.isoformat(),
        "strict": strict,
        "readiness_score": report.score,
        "initiative_score": (
            None
            if initiative_id is None
            else report.initiative_scores.get(initiative_id)
        ),
        "has_errors": counts.get("error", 0) > 0,
        "counts": counts,
        "not_checked": list(report.not_checked),
        "findings": [encode_finding(finding, rule_names) for finding in findings],
    }


def board_summary(
    workspace: Workspace,
    *,
    catalog: Catalog,
    as_of: dt.date,
    since: dt.date | None,
) -> dict[str, Any]:
    """Return the board section's summary as JSON and the whole section as Markdown."""
    from boardloop.report import render_markdown

    since = since or workspace.config.since
    if since is not None and since > as_of:
        raise InvalidDateRangeError(since, as_of)
    section = build_section(workspace, as_of=as_of, since=since, catalog=catalog)
    return {
        "company": section.company,
        "as_of": as_of.isoformat(),
        "fiscal_period": section.fiscal_period,
        "catalog_version": section.catalog_version,
        "summary": section.summary.model_dump(mode="json", by_alias=True),
        "markdown": render_markdown(section),
    }


def find_kpi(catalog: Catalog, name: str) -> Kpi:
    """Find a KPI by id, label or alias; raise `UnknownKpiError` with suggestions."""
    entry = catalog.get(name)
    if entry is not None:
        return entry
    names = list(catalog.aliases())
    suggestions = difflib.get_close_matches(name.strip().casefold(), names, n=3)
    ids = list(dict.fromkeys(catalog.aliases()[match] for match in suggestions))
    raise UnknownKpiError(name, ids)


def lookup_kpi(catalog: Catalog, name: str) -> dict[str, Any]:
    """Return the catalog's definition of a KPI named by id, label or alias."""
    entry = find_kpi(catalog, name)
    return {"catalog_version": catalog.version_label, "kpi": encode_kpi(entry)}


def read_kpi_series(
    workspace: Workspace,
    kpi: str,
    *,
    catalog: Catalog,
    segment: str | None = None,
    window_days: int | None = None,
    since: dt.date | None = None,
) -> dict[str, Any]:
    """Return the stored values of one KPI, one series per segment and window.

    Each value carries its count `n` and its 95 % interval when it has one.
    `value_unit` is the catalog's unit of a value ("%" for a rate);
    `change_unit` is the unit a change is measured in ("pp" for a rate).
    """
    company = workspace.config.company
    entry = find_kpi(catalog, kpi)
    stored = [
        value
        for value in workspace.store.load_kpi_values(company)
        if value.kpi_id == entry.id
    ]
    expected_segment = None if segment is None else _folded(segment)
    selected = [
        value
        for value in stored
        if (expected_segment is None or _folded(value.segment) == expected_segment)
        and (window_days is None or value.window_days == window_days)
        and (since is None or value.period_end >= since)
    ]

    groups: dict[tuple[str, int | None], list[KpiValue]] = {}
    for value in sorted(selected, key=lambda item: item.period_end):
        groups.setdefault((value.segment, value.window_days), []).append(value)
    series = [
        {
            **encode_series_key(values),
            "values": [encode_kpi_value(value) for value in values],
        }
        for _, values in sorted(
            groups.items(), key=lambda item: (item[0][0], item[0][1] or 0)
        )
    ]
    result: dict[str, Any] = {
        "company": company,
        "kpi": entry.id,
        "label": entry.display_label,
        "value_unit": entry.unit,
        "change_unit": None if entry.native_unit is None else entry.native_unit.value,
        "series": series,
    }
    if not series:
        result["note"] = _empty_series_note(stored, segment, window_days)
    return result


def _empty_series_note(
    stored: list[KpiValue], segment: str | None, window_days: int | None
) -> str:
    if not stored:
        return (
            "no values stored for this KPI; run 'boardloop kpis compute' or import "
            "a KPI value CSV"
        )
    segments = sorted({value.segment for value in stored})
    windows = sorted({value.window_days for value in stored if value.window_days})
    return (
        f"no values match segment {segment!r} and window {window_days!r}; stored "
        f"segments: {', '.join(segments)}; stored windows (days): "
        f"{', '.join(str(days) for days in windows) or 'none'}"
    )
