"""Run the lint rules over a register, score it, and format the report."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from boardloop.domain.model import Finding, Register, Severity
from boardloop.lint._rules_base import (
    NOT_CHECKED,
    KpiValueIndex,
    LintContext,
    Rule,
    quoted,
)
from boardloop.lint._rules_closure import CLOSURE_RULES
from boardloop.lint._rules_dates import DATE_RULES
from boardloop.lint._rules_measurement import MEASUREMENT_RULES
from boardloop.lint._rules_ownership import OWNERSHIP_RULES
from boardloop.lint._rules_register import REGISTER_RULES
from boardloop.lint._rules_status import STATUS_RULES
from boardloop.lint._rules_target import TARGET_RULES
from boardloop.lint._rules_wording import WORDING_RULES

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = [
    "JSON_FORMAT_VERSION",
    "RULES",
    "LintReport",
    "format_text",
    "report_to_json",
    "rule_by_id",
    "run_lint",
]

RULES: tuple[Rule, ...] = tuple(
    sorted(
        (
            *OWNERSHIP_RULES,
            *TARGET_RULES,
            *DATE_RULES,
            *STATUS_RULES,
            *MEASUREMENT_RULES,
            *CLOSURE_RULES,
            *REGISTER_RULES,
            *WORDING_RULES,
        ),
        key=lambda rule: int(rule.id[2:]),
    )
)

_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
_CREDIT = {None: 1.0, Severity.INFO: 1.0, Severity.WARNING: 0.5, Severity.ERROR: 0.0}
_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}

JSON_FORMAT_VERSION = 1


def rule_by_id(rule_id: str) -> Rule:
    """Return the rule with this id; raise KeyError naming the id when unknown."""
    try:
        return _BY_ID[rule_id]
    except KeyError:
        raise KeyError(f"unknown lint rule id {rule_id!r}") from None


@dataclass(frozen=True, slots=True)
class LintReport:
    """The findings of one lint run, with the readiness scores.

    `rules_evaluated` lists the rules that ran and could judge the register;
    `not_checked` lists those that ran but lacked an input. Scores run from 0 to
    100.
    """

    findings: tuple[Finding, ...]
    rules_evaluated: tuple[str, ...]
    not_checked: tuple[str, ...]
    score: float
    initiative_scores: dict[str, float] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        """Number of findings per severity, with every severity present."""
        totals = {severity.value: 0 for severity in Severity}
        for item in self.findings:
            totals[item.severity.value] += 1
        return totals

    @property
    def has_errors(self) -> bool:
        return any(item.severity is Severity.ERROR for item in self.findings)


def run_lint(register: Register, context: LintContext) -> LintReport:
    """Run every enabled rule over the register and score the result."""
    settings = context.settings
    if context.kpi_values is not None:
        context = replace(context, kpi_values=KpiValueIndex(context.kpi_values))
    enabled = [rule for rule in RULES if rule.id not in settings.disabled]
    findings: list[Finding] = []
    for rule in enabled:
        for item in rule.check(register, context):
            findings.append(_complete(item, rule, strict=settings.strict))

    whole_rules = {
        item.rule_id
        for item in findings
        if _is_not_checked(item) and not item.initiative_id
    }
    not_checked = [rule.id for rule in enabled if rule.id in whole_rules]
    evaluated = [rule for rule in enabled if rule.id not in not_checked]
    score, per_initiative = _scores(register, evaluated, findings)
    return LintReport(
        findings=tuple(sorted(findings, key=_sort_key)),
        rules_evaluated=tuple(rule.id for rule in evaluated),
        not_checked=tuple(not_checked),
        score=score,
        initiative_scores=per_initiative,
    )


def _complete(item: Finding, rule: Rule, *, strict: bool) -> Finding:
    """Fill in the rule's hint and apply strict mode to one finding."""
    if not item.hint:
        item = replace(item, hint=rule.hint)
    if strict and item.severity is Severity.WARNING:
        item = replace(item, severity=Severity.ERROR)
    return item


def _is_not_checked(item: Finding) -> bool:
    return item.severity is Severity.INFO and item.message.startswith(NOT_CHECKED)


def _sort_key(item: Finding) -> tuple[str, int, str, str]:
    """Order findings by file, line, rule id; register-wide findings come first."""
    if item.source is not None:
        return (item.source.path, item.source.line or 0, item.rule_id, item.message)
    return (item.initiative_id or "", 0, item.rule_id, item.message)


def _scores(
    register: Register, evaluated: Iterable[Rule], findings: list[Finding]
) -> tuple[float, dict[str, float]]:
    """Score each initiative and the register: passes plus half the warnings, in %.

    Each evaluated rule gives one check per initiative (or one for the register,
    for register-wide rules). A check passes with no finding above info, counts
    half with a warning at most, and nothing with an error. Checks a rule marked
    "not checked" for one initiative are left out.
    """
    worst: dict[tuple[str, str | None], Severity] = {}
    skipped: set[tuple[str, str | None]] = set()
    for item in findings:
        key = (item.rule_id, item.initiative_id)
        if _is_not_checked(item):
            skipped.add(key)
            continue
        current = worst.get(key)
        if current is None or _RANK[item.severity] > _RANK[current]:
            worst[key] = item.severity

    ids = list(dict.fromkeys(initiative.id for initiative in register.initiatives))
    per_initiative: dict[str, list[float]] = {
        initiative_id: [] for initiative_id in ids
    }
    register_credits: list[float] = []
    for rule in evaluated:
        if rule.scope == "register":
            register_credits.append(_register_credit(rule.id, worst))
            continue
        for initiative_id in ids:
            key = (rule.id, initiative_id)
            if key not in skipped:
                per_initiative[initiative_id].append(_CREDIT[worst.get(key)])

    every = [credit for credits in per_initiative.values() for credit in credits]
    every += register_credits
    initiative_scores = {
        key: _percent(credits) for key, credits in per_initiative.items()
    }
    return _percent(every), initiative_scores


def _register_credit(
    rule_id: str, worst: Mapping[tuple[str, str | None], Severity]
) -> float:
    """Return the credit of a register-wide rule: its worst finding anywhere."""
    severities = [
        severity for (found, _id), severity in worst.items() if found == rule_id
    ]
    if not severities:
        return 1.0
    return _CREDIT[max(severities, key=lambda severity: _RANK[severity])]


def _percent(credits: list[float]) -> float:
    return round(100 * sum(credits) / len(credits), 1) if credits else 100.0


def format_text(report: LintReport) -> str:
    """Format a report for the terminal: one finding per line, its hint, a summary."""
    lines: list[str] = []
    for item in report.findings:
        lines.append(f"{item.location}: {item.rule_id} {_named(item)}{item.message}")
        if item.hint:
            lines.append(f"    hint: {item.hint}")
    lines.append(_summary(report))
    return "\n".join(lines) + "\n"


def _named(item: Finding) -> str:
    """Return "[initiative-id] " when neither location nor message names it.

    Several initiatives can share one source line, as in a Markdown list whose
    period line they all read, so the line alone does not tell them apart.
    A message names the initiative when it quotes its id the way messages
    quote values ('onboarding-revamp').
    """
    key = item.initiative_id
    if key is None or item.source is None or quoted(key) in item.message:
        return ""
    return f"[{key}] "


def _summary(report: LintReport) -> str:
    """Summarise counts, readiness and the rules that were not checked."""
    counts = report.counts
    parts = [
        _plural(counts["error"], "error"),
        _plural(counts["warning"], "warning"),
        f"{counts['info']} info",
    ]
    text = (
        f"{', '.join(parts)}; readiness {report.score:g}/100 over "
        f"{_plural(len(report.rules_evaluated), 'rule')}"
    )
    if report.not_checked:
        text += f"; not checked: {', '.join(report.not_checked)}"
    return text


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def report_to_json(report: LintReport) -> dict[str, Any]:
    """Return the report as JSON-ready data in the documented, versioned shape."""
    return {
        "format_version": JSON_FORMAT_VERSION,
        "score": report.score,
        "counts": report.counts,
        "rules_evaluated": list(report.rules_evaluated),
        "not_checked": list(report.not_checked),
        "initiative_scores": dict(report.initiative_scores),
        "findings": [_finding_json(item) for item in report.findings],
    }


def _finding_json(item: Finding) -> dict[str, Any]:
    rule = _BY_ID.get(item.rule_id)
    return {
        "rule": item.rule_id,
        "name": rule.name if rule is not None else None,
        "severity": item.severity.value,
        "message": item.message,
        "hint": item.hint,
        "initiative": item.initiative_id,
        "path": item.source.path if item.source is not None else None,
        "line": item.source.line if item.source is not None else None,
    }
