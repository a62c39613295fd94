"""Lint the initiative register: ordered rules with stable ids, a runner and a score.

Each rule is a pure function from the register and a `LintContext` to findings.
Nothing here does I/O.
"""

from __future__ import annotations

from boardloop.lint._rules_base import (
    NOT_CHECKED,
    PARTLY_CHECKED,
    CalendarLike,
    CatalogLike,
    Check,
    KpiInfo,
    LintContext,
    Rule,
)
from boardloop.lint._runner import (
    JSON_FORMAT_VERSION,
    RULES,
    LintReport,
    format_text,
    report_to_json,
    rule_by_id,
    run_lint,
)
from boardloop.lint._settings import (
    DEFAULT_FUNCTIONS,
    DEFAULT_GROUP_WORDS,
    LintSettings,
    LintSettingsError,
)

__all__ = [
    "DEFAULT_FUNCTIONS",
    "DEFAULT_GROUP_WORDS",
    "JSON_FORMAT_VERSION",
    "NOT_CHECKED",
    "PARTLY_CHECKED",
    "RULES",
    "CalendarLike",
    "CatalogLike",
    "Check",
    "KpiInfo",
    "LintContext",
    "LintReport",
    "LintSettings",
    "LintSettingsError",
    "Rule",
    "format_text",
    "report_to_json",
    "rule_by_id",
    "run_lint",
]
