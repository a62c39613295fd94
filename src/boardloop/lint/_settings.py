"""Lint thresholds, with their defaults, and their reading from `boardloop.toml`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "DEFAULT_FUNCTIONS",
    "DEFAULT_GROUP_WORDS",
    "LintSettings",
    "LintSettingsError",
]

DEFAULT_FUNCTIONS: tuple[str, ...] = (
    "CS",
    "Customer Success",
    "Sales",
    "Product",
    "Marketing",
    "Support",
    "Finance",
    "RevOps",
    "Operations",
    "Engineering",
    "Professional Services",
    "Account Management",
    "CS Ops",
    "Solutions Engineering",
    "Education",
    "Executive",
)

# Words that make an owner a group rather than a person ("CS team", "All CS",
# "Application engineers"): collective nouns and plural role nouns.
DEFAULT_GROUP_WORDS: tuple[str, ...] = (
    "team",
    "teams",
    "squad",
    "group",
    "committee",
    "department",
    "all",
    "everyone",
    "leadership",
    "staff",
    "org",
    "organisation",
    "organization",
    "pod",
    "guild",
    "council",
    "workgroup",
    "engineers",
    "managers",
    "leads",
    "leaders",
    "reps",
    "csms",
    "tams",
    "members",
    "analysts",
    "specialists",
    "executives",
    "architects",
    "consultants",
    "agents",
    "owners",
)

_RULE_ID = re.compile(r"^[A-Z]{2}[0-9]{3}$")


class LintSettingsError(ValueError):
    """An invalid key or value in the `[lint]` table of `boardloop.toml`."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"[lint] {key}: {problem}")
        self.key = key
        self.problem = problem


@dataclass(frozen=True, slots=True)
class LintSettings:
    """Every lint threshold, with its default.

    Day counts are calendar days. Shares and attainments are fractions (0.5 is
    half). `strict` lifts warnings to errors, for board week. `disabled` lists rule
    ids that are not run.
    """

    owner_cap: int = 3
    checkpoint_grace_days: int = 3
    checkpoint_horizon_days: int = 45
    silence_warning_days: int = 30
    silence_error_days: int = 90
    deadline_grace_days: int = 7
    planned_grace_days: int = 14
    register_cap: int = 12
    function_cap: int = 5
    partial_floor: float = 0.5
    achieved_tolerance: float = 0.0
    window_max_days: int = 365
    stall_points: int = 3
    stall_tolerance: float = 0.1
    trajectory_min_points: int = 3
    lesson_min_words: int = 8
    name_min_words: int = 3
    name_max_words: int = 18
    duplicate_similarity: float = 0.9
    calibration_min_closed: int = 4
    calibration_lookback_days: int = 730
    sandbagging_share: float = 0.9
    sandbagging_mean: float = 0.85
    overreach_mean: float = 0.3
    portfolio_min_active: int = 4
    kpi_share_max: float = 0.5
    function_share_max: float = 0.6
    lagging_lag_days: int = 90
    board_priorities: tuple[str, ...] = ()
    functions: tuple[str, ...] = DEFAULT_FUNCTIONS
    group_words: tuple[str, ...] = DEFAULT_GROUP_WORDS
    strict: bool = False
    disabled: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_mapping(cls, table: Mapping[str, Any]) -> LintSettings:
        """Build settings from the `[lint]` table; raise on unknown keys or values."""
        known = {item.name: item for item in fields(cls)}
        changes: dict[str, Any] = {}
        for key, value in table.items():
            if key not in known:
                names = ", ".join(sorted(known))
                raise LintSettingsError(
                    key, f"unknown setting; remove it or use one of: {names}"
                )
            changes[key] = _convert(key, value, getattr(cls(), key))
        settings = replace(cls(), **changes)
        _check_consistency(settings)
        return settings


def _convert(key: str, value: Any, default: Any) -> Any:
    """Check one setting's value against the type of its default and convert it."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise LintSettingsError(key, f"expected true or false, got {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise LintSettingsError(
                key, f"expected a whole number of 0 or more, got {value!r}"
            )
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise LintSettingsError(
                key, f"expected a number of 0 or more, got {value!r}"
            )
        return float(value)
    return _convert_names(key, value, as_set=isinstance(default, frozenset))


def _convert_names(key: str, value: Any, *, as_set: bool) -> Any:
    """Check a list of strings; rule ids in `disabled` must exist."""
    if not isinstance(value, list | tuple) or not all(
        isinstance(item, str) and item.strip() for item in value
    ):
        raise LintSettingsError(
            key, f"expected a list of non-empty strings, got {value!r}"
        )
    if not as_set:
        return tuple(item.strip() for item in value)

    from boardloop.lint._runner import RULES  # imported here: the rules import settings

    ids = {rule.id for rule in RULES}
    for item in value:
        if not _RULE_ID.match(item) or item not in ids:
            raise LintSettingsError(
                key, f"unknown rule id {item!r}; use an id listed in docs/lint-rules.md"
            )
    return frozenset(value)


def _check_consistency(settings: LintSettings) -> None:
    """Reject settings whose values contradict each other."""
    if settings.silence_error_days < settings.silence_warning_days:
        raise LintSettingsError(
            "silence_error_days",
            f"{settings.silence_error_days} is below silence_warning_days "
            f"({settings.silence_warning_days}); the error threshold must be the "
            "later one",
        )
    for key in (
        "partial_floor",
        "sandbagging_share",
        "kpi_share_max",
        "function_share_max",
    ):
        if getattr(settings, key) > 1:
            raise LintSettingsError(
                key, f"expected a fraction from 0 to 1, got {getattr(settings, key)}"
            )
    if settings.duplicate_similarity > 1:
        raise LintSettingsError(
            "duplicate_similarity",
            f"expected a fraction from 0 to 1, got {settings.duplicate_similarity}",
        )
    if settings.window_max_days == 0:
        raise LintSettingsError("window_max_days", "expected 1 or more, got 0")
