"""Lint thresholds, with their defaults, and their reading from `boardloop.toml`."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
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
class _Bounds:
    """The values a number setting accepts; `above` and `below` exclude the ends."""

    low: float
    high: float | None = None
    above: bool = False
    below: bool = False

    def admits(self, value: float) -> bool:
        """Tell whether `value` lies inside the bounds."""
        if value < self.low or (self.above and value == self.low):
            return False
        if self.high is None:
            return True
        return value < self.high or (not self.below and value == self.high)

    def describe(self) -> str:
        """Name the bounds: 'of 2 or more', 'from 0 to 1', 'above 0 and at most 1'."""
        low = f"{self.low:g}"
        if self.high is None:
            return f"above {low}" if self.above else f"of {low} or more"
        high = f"{self.high:g}"
        if not self.above and not self.below:
            return f"from {low} to {high}"
        start = f"above {low}" if self.above else f"of at least {low}"
        end = f"below {high}" if self.below else f"at most {high}"
        return f"{start} and {end}"


_NON_NEGATIVE = _Bounds(0)
_POSITIVE_WHOLE = _Bounds(1)
_SHARE = _Bounds(0, 1, above=True)

# Bounds of the number settings that differ from "0 or more". A cap of 0, or a
# horizon, silence or lag of 0 days, flags nearly every initiative or KPI. A
# minimum of 0 words or initiatives is no check at all, and a calibration over
# no initiatives has no mean. A spread or a trend needs at least two
# measurements. A similarity or share of 0 matches everything, and a shortfall
# tolerance of 1 accepts any attainment as achieved.
_BOUNDS: dict[str, _Bounds] = {
    "owner_cap": _POSITIVE_WHOLE,
    "checkpoint_horizon_days": _POSITIVE_WHOLE,
    "silence_warning_days": _POSITIVE_WHOLE,
    "silence_error_days": _POSITIVE_WHOLE,
    "register_cap": _POSITIVE_WHOLE,
    "function_cap": _POSITIVE_WHOLE,
    "partial_floor": _SHARE,
    "achieved_tolerance": _Bounds(0, 1, below=True),
    "window_max_days": _POSITIVE_WHOLE,
    "stall_points": _Bounds(2),
    "trajectory_min_points": _Bounds(2),
    "lesson_min_words": _POSITIVE_WHOLE,
    "name_min_words": _POSITIVE_WHOLE,
    "name_max_words": _POSITIVE_WHOLE,
    "duplicate_similarity": _SHARE,
    "calibration_min_closed": _POSITIVE_WHOLE,
    "calibration_lookback_days": _POSITIVE_WHOLE,
    "sandbagging_share": _SHARE,
    "sandbagging_mean": _Bounds(0, above=True),
    "portfolio_min_active": _POSITIVE_WHOLE,
    "kpi_share_max": _SHARE,
    "function_share_max": _SHARE,
    "lagging_lag_days": _POSITIVE_WHOLE,
}

# Pairs of settings (lower, upper) where the lower may not pass the upper.
_ORDERED_PAIRS: tuple[tuple[str, str], ...] = (
    ("silence_warning_days", "silence_error_days"),
    ("name_min_words", "name_max_words"),
    ("overreach_mean", "sandbagging_mean"),
)


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
        """Build settings from the `[lint]` table; raise on unknown keys or values.

        Each number must be finite and inside its setting's bounds, and each pair
        of lower and upper thresholds in order. Settings built directly in code
        are not checked.
        """
        known = {item.name: item for item in fields(cls)}
        changes: dict[str, Any] = {}
        for key, value in table.items():
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                suggestion = f"did you mean {close[0]!r}? " if close else ""
                names = ", ".join(sorted(known))
                raise LintSettingsError(
                    key,
                    f"unknown setting; {suggestion}remove it or use one of: {names}",
                )
            changes[key] = _convert(key, value, getattr(cls(), key))
        settings = replace(cls(), **changes)
        _check_consistency(settings)
        return settings


def _convert(key: str, value: Any, default: Any) -> Any:
    """Check one setting's value against the type of its default and convert it."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise LintSettingsError(
                key, f"expected true or false, got {_toml_value(value)}"
            )
        return value
    if isinstance(default, int):
        bounds = _BOUNDS.get(key, _NON_NEGATIVE)
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not bounds.admits(value)
        ):
            expected = f"expected a whole number {bounds.describe()}"
            raise LintSettingsError(key, f"{expected}, got {_toml_value(value)}")
        return value
    if isinstance(default, float):
        bounds = _BOUNDS.get(key, _NON_NEGATIVE)
        kind = "a fraction" if bounds.high == 1 else "a finite number"
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not bounds.admits(value)
        ):
            raise LintSettingsError(
                key, f"expected {kind} {bounds.describe()}, got {_toml_value(value)}"
            )
        return float(value)
    return _convert_names(key, value, as_set=isinstance(default, frozenset))


def _convert_names(key: str, value: Any, *, as_set: bool) -> Any:
    """Check a list of strings; rule ids in `disabled` must exist."""
    if not isinstance(value, list | tuple) or not all(
        isinstance(item, str) and item.strip() for item in value
    ):
        raise LintSettingsError(
            key, f"expected a list of non-empty strings, got {_toml_value(value)}"
        )
    if not as_set:
        return tuple(item.strip() for item in value)

    from boardloop.lint._runner import RULES  # imported here: the rules import settings

    ids = {rule.id for rule in RULES}
    for item in value:
        if not _RULE_ID.match(item) or item not in ids:
            raise LintSettingsError(
                key,
                f"unknown rule id {_toml_value(item)}; use an id listed in "
                "docs/lint-rules.md",
            )
    return frozenset(value)


def _check_consistency(settings: LintSettings) -> None:
    """Reject pairs of settings whose lower one passes the upper one."""
    for lower, upper in _ORDERED_PAIRS:
        low, high = getattr(settings, lower), getattr(settings, upper)
        if low > high:
            raise LintSettingsError(
                lower,
                f"{_toml_value(low)} is above {upper} ({_toml_value(high)}); "
                f"expected at most {_toml_value(high)}, or raise {upper}",
            )


def _toml_value(value: Any) -> str:
    """Format a value the way TOML writes it: true, "text", [1, 2], nan, inf."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return f"[{', '.join(_toml_value(item) for item in value)}]"
    if isinstance(value, dict):
        items = ", ".join(f"{key} = {_toml_value(item)}" for key, item in value.items())
        return f"{{{items}}}"
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return repr(value)
