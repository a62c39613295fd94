"""The `[lint]` table: bounds of every number, ordered pairs, TOML-style messages."""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boardloop.lint import LintSettings, LintSettingsError

DOCS = Path(__file__).resolve().parents[1] / "docs" / "lint-rules.md"

FLOAT_KEYS = [
    item.name
    for item in dataclasses.fields(LintSettings)
    if isinstance(getattr(LintSettings(), item.name), float)
]
INT_KEYS = [
    item.name
    for item in dataclasses.fields(LintSettings)
    if type(getattr(LintSettings(), item.name)) is int
]


def load(toml: str) -> LintSettings:
    """Read a `boardloop.toml` snippet's `[lint]` table into settings."""
    return LintSettings.from_mapping(tomllib.loads(toml)["lint"])


def rejection(toml: str) -> LintSettingsError:
    with pytest.raises(LintSettingsError) as error:
        load(toml)
    return error.value


@pytest.mark.parametrize(
    ("toml", "key", "message"),
    [
        (
            "stall_points = 0",
            "stall_points",
            "expected a whole number of 2 or more, got 0",
        ),
        (
            "stall_points = 1",
            "stall_points",
            "expected a whole number of 2 or more, got 1",
        ),
        (
            "trajectory_min_points = 0",
            "trajectory_min_points",
            "expected a whole number of 2 or more, got 0",
        ),
        (
            "trajectory_min_points = 1",
            "trajectory_min_points",
            "expected a whole number of 2 or more, got 1",
        ),
        (
            "duplicate_similarity = nan",
            "duplicate_similarity",
            "expected a fraction above 0 and at most 1, got nan",
        ),
        (
            "duplicate_similarity = 0.0",
            "duplicate_similarity",
            "expected a fraction above 0 and at most 1, got 0.0",
        ),
        (
            "stall_tolerance = nan",
            "stall_tolerance",
            "expected a finite number of 0 or more, got nan",
        ),
        (
            "stall_tolerance = inf",
            "stall_tolerance",
            "expected a finite number of 0 or more, got inf",
        ),
        (
            "sandbagging_mean = -inf",
            "sandbagging_mean",
            "expected a finite number above 0, got -inf",
        ),
        (
            "achieved_tolerance = 1",
            "achieved_tolerance",
            "expected a fraction of at least 0 and below 1, got 1",
        ),
        (
            "name_min_words = 20\nname_max_words = 18",
            "name_min_words",
            "20 is above name_max_words (18); expected at most 18",
        ),
        (
            "silence_warning_days = 60\nsilence_error_days = 40",
            "silence_warning_days",
            "60 is above silence_error_days (40); expected at most 40",
        ),
        (
            "overreach_mean = 0.9",
            "overreach_mean",
            "0.9 is above sandbagging_mean (0.85); expected at most 0.85",
        ),
        (
            "calibration_min_closed = 0",
            "calibration_min_closed",
            "expected a whole number of 1 or more, got 0",
        ),
    ],
)
def test_bad_value_names_key_value_range(toml: str, key: str, message: str) -> None:
    error = rejection(f"[lint]\n{toml}\n")
    assert error.key == key
    assert message in error.problem
    assert str(error).startswith(f"[lint] {key}: ")


@pytest.mark.parametrize(
    ("toml", "shown"),
    [
        ("strict = 1", "got 1"),
        ("owner_cap = true", "got true"),
        ("owner_cap = false", "got false"),
        ("owner_cap = 2.5", "got 2.5"),
        ('owner_cap = "3"', 'got "3"'),
        ("owner_cap = 2026-01-31", "got 2026-01-31"),
        ('functions = "CS"', 'got "CS"'),
        ("functions = [true, 1]", "got [true, 1]"),
        ("functions = {cs = true}", "got {cs = true}"),
        ('disabled = ["XX999"]', 'unknown rule id "XX999"'),
    ],
)
def test_values_shown_as_toml(toml: str, shown: str) -> None:
    error = rejection(f"[lint]\n{toml}\n")
    assert shown in error.problem
    assert "True" not in error.problem
    assert "False" not in error.problem


@pytest.mark.parametrize("key", FLOAT_KEYS)
@pytest.mark.parametrize("written", ["nan", "inf", "-inf"])
def test_non_finite_numbers_rejected(key: str, written: str) -> None:
    error = rejection(f"[lint]\n{key} = {written}\n")
    assert error.key == key
    assert f"got {written}" in error.problem


@pytest.mark.parametrize(
    "toml",
    [
        "stall_points = 2",
        "trajectory_min_points = 2",
        "duplicate_similarity = 1",
        "duplicate_similarity = 0.01",
        "stall_tolerance = 0",
        "achieved_tolerance = 0.99",
        "name_min_words = 18\nname_max_words = 18",
        "silence_warning_days = 40\nsilence_error_days = 40",
        "overreach_mean = 0.85",
        "sandbagging_mean = 1.2",
    ],
)
def test_values_at_bounds_accepted(toml: str) -> None:
    table = tomllib.loads(f"[lint]\n{toml}\n")["lint"]
    settings = LintSettings.from_mapping(table)
    for key, value in table.items():
        assert getattr(settings, key) == value


def test_defaults_pass_their_own_checks() -> None:
    defaults = LintSettings()
    table = {
        item.name: getattr(defaults, item.name)
        for item in dataclasses.fields(LintSettings)
        if isinstance(getattr(defaults, item.name), int | float)
    }
    assert LintSettings.from_mapping(table) == defaults


# --- the settings table in docs/lint-rules.md ------------------------------------


def documented_allowed() -> dict[str, str]:
    """Map each key of the settings table to its 'allowed' cell."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Settings\n", 1)[1].split("\n## ", 1)[0]
    cells = {}
    for line in section.splitlines():
        match = re.match(r"\| `(\w+)` \| [^|]* \| ([^|]*) \|", line)
        if match:
            cells[match.group(1)] = match.group(2).strip()
    return cells


def probes(allowed: str) -> list[tuple[float, bool]]:
    """List values at and past the ends of a documented range, each with its verdict."""
    bound = allowed.split(";")[0]
    patterns: list[tuple[str, bool, bool]] = [
        (r"(\S+) or more", False, False),
        (r"above (\S+)", True, False),
        (r"above (\S+) and at most (\S+)", True, False),
        (r"at least (\S+) and below (\S+)", False, True),
        (r"from (\S+) to (\S+)", False, False),
    ]
    for pattern, low_open, high_open in patterns:
        match = re.fullmatch(pattern, bound)
        if match is None:
            continue
        low = float(match.group(1))
        result = [(low, not low_open), (low - 1, False), (low + 0.5, True)]
        if match.lastindex == 2:
            high = float(match.group(2))
            result[2] = ((low + high) / 2, True)
            result += [(high, not high_open), (high + 1, False)]
        return result
    raise AssertionError(f"unreadable allowed values {allowed!r}")


def documented_pairs() -> list[tuple[str, str]]:
    """List (lower, upper) pairs that the table orders with 'at most `upper`'."""
    pairs = []
    for key, allowed in documented_allowed().items():
        match = re.search(r"at most `(\w+)`", allowed)
        if match is not None:
            pairs.append((key, match.group(1)))
    return pairs


def probe_table(key: str, number: float) -> dict[str, float]:
    """Set `key`, and move its paired setting out of the way of the probe."""
    table: dict[str, float] = {key: number}
    for lower, upper in documented_pairs():
        if key == upper:
            table[lower] = probes(documented_allowed()[lower])[0][0]
        elif key == lower:
            table[upper] = 10**6
    return {name: int(v) if name in INT_KEYS else v for name, v in table.items()}


@pytest.mark.parametrize("key", INT_KEYS + FLOAT_KEYS)
def test_documented_bounds_hold(key: str) -> None:
    allowed = documented_allowed()[key]
    for value, passes in probes(allowed):
        if key in INT_KEYS and value != int(value):
            continue
        table = probe_table(key, value)
        if passes:
            settings = LintSettings.from_mapping(table)
            assert getattr(settings, key) == table[key]
        else:
            with pytest.raises(LintSettingsError) as error:
                LintSettings.from_mapping(table)
            assert error.value.key == key


def test_documented_pairs_are_checked() -> None:
    defaults = LintSettings()
    pairs = documented_pairs()
    assert ("name_min_words", "name_max_words") in pairs
    for lower, upper in pairs:
        high = getattr(defaults, upper)
        with pytest.raises(LintSettingsError) as error:
            LintSettings.from_mapping({lower: high + 1})
        assert error.value.key == lower
        assert upper in error.value.problem


# --- properties -------------------------------------------------------------------


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_similarity_accepted_only_inside_bounds(value: float) -> None:
    inside = math.isfinite(value) and 0 < value <= 1
    if inside:
        settings = LintSettings.from_mapping({"duplicate_similarity": value})
        assert settings.duplicate_similarity == value
    else:
        with pytest.raises(LintSettingsError, match="duplicate_similarity"):
            LintSettings.from_mapping({"duplicate_similarity": value})


@given(st.integers(-5, 40), st.integers(-5, 40))
def test_name_word_pair_accepted_only_in_order(low: int, high: int) -> None:
    table = {"name_min_words": low, "name_max_words": high}
    if 1 <= low <= high:
        settings = LintSettings.from_mapping(table)
        assert (settings.name_min_words, settings.name_max_words) == (low, high)
    else:
        with pytest.raises(LintSettingsError, match="name_m"):
            LintSettings.from_mapping(table)
