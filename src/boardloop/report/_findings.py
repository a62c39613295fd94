"""Group the lint findings the board should see, per initiative."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from boardloop.domain.model import Severity
from boardloop.report._format import count
from boardloop.report._view import FindingCounts, FindingGroup, FindingItem, Findings

if TYPE_CHECKING:
    from collections.abc import Sequence

    from boardloop.domain.model import Finding, Initiative

__all__ = ["build_findings"]

_SEVERITY_LABELS: dict[Literal["error", "warning"], str] = {
    "error": "Error",
    "warning": "Warning",
}


def build_findings(
    findings: Sequence[Finding], initiatives: tuple[Initiative, ...]
) -> Findings:
    """List errors and warnings per initiative in register order, and count info ones.

    Findings about an id that is not in the register get a group of their own
    after the register's initiatives. Findings about the whole register come last.
    """
    counts = FindingCounts(
        errors=sum(1 for f in findings if f.severity is Severity.ERROR),
        warnings=sum(1 for f in findings if f.severity is Severity.WARNING),
        info=sum(1 for f in findings if f.severity is Severity.INFO),
    )
    listed = [f for f in findings if f.severity is not Severity.INFO]
    # Errors before warnings; the sort is stable, so rule order is kept inside each.
    listed.sort(key=lambda f: f.severity is not Severity.ERROR)

    names = {i.id: i.name for i in initiatives}
    keys: list[str | None] = list(names)
    keys += sorted({f.initiative_id for f in listed if f.initiative_id} - set(names))
    keys.append(None)

    groups = []
    for key in keys:
        items = tuple(_item(f) for f in listed if f.initiative_id == key)
        if items:
            groups.append(
                FindingGroup(initiative_id=key, title=_title(key, names), items=items)
            )
    return Findings(counts=counts, summary=_summary(counts), groups=tuple(groups))


def _item(finding: Finding) -> FindingItem:
    severity: Literal["error", "warning"] = (
        "error" if finding.severity is Severity.ERROR else "warning"
    )
    return FindingItem(
        rule_id=finding.rule_id,
        severity=severity,
        severity_label=_SEVERITY_LABELS[severity],
        message=finding.message,
        hint=finding.hint,
        location=finding.location,
    )


def _title(key: str | None, names: dict[str, str]) -> str:
    if key is None:
        return "Whole register"
    if key in names:
        return names[key]
    return f"{key} (not in the register)"


def _summary(counts: FindingCounts) -> str:
    listed = counts.errors + counts.warnings
    if listed:
        text = (
            f"{count(listed, 'finding')} for the board: "
            f"{count(counts.errors, 'error')}, {count(counts.warnings, 'warning')}."
        )
    else:
        text = "No errors or warnings for the board."
    if counts.info:
        text += f" {count(counts.info, 'info finding')} not listed."
    return text
