"""Wording rules: names and targets that state one measurable promise."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from boardloop.domain.model import (
    Direction,
    Finding,
    Initiative,
    Register,
    Severity,
    Unit,
)
from boardloop.lint._rules_base import (
    LintContext,
    Rule,
    finding,
    matches_any,
    plural,
    quoted,
    with_unit,
    words,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["WORDING_RULES", "is_placeholder"]

_MILESTONE_WORDS = (
    "launch",
    "launched",
    "roll out",
    "rolled out",
    "rollout",
    "go live",
    "went live",
    "complete",
    "completed",
    "done",
    "deliver",
    "delivered",
    "ship",
    "shipped",
    "implement",
    "implemented",
    "signed",
)
_VAGUE_WORDS = (
    "improve",
    "improved",
    "improving",
    "enhance",
    "enhanced",
    "optimise",
    "optimize",
    "optimised",
    "optimized",
    "better",
    "boost",
    "strengthen",
    "drive",
    "elevate",
)
_BAU_WORDS = ("maintain", "keep", "continue", "sustain", "ongoing", "as usual", "bau")

_PLACEHOLDER = re.compile(
    r"(?<![\w])(tbd|tbc|todo|n/a|lorem|placeholder|xxx+)(?![\w])|\?\?\?|see above",
    re.IGNORECASE,
)
_YES_NO_UNITS = {"yes/no", "yes-no", "boolean", "bool", "binary"}

# Text fields checked for placeholders, with the source field each is read from.
_TEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "name"),
    ("owner", "owner"),
    ("owner_function", "owner_function"),
    ("target", "target"),
    ("segment", "segment"),
    ("status", "status"),
    ("lesson", "lesson"),
    ("progress_note", "progress_note"),
    ("notes", "notes"),
    ("program", "program"),
)

_NAME_NUMBER = re.compile(
    r"(?P<sign>[+\-−])?\s*(?P<value>\d+(?:[.,]\d+)?)\s*"
    r"(?P<unit>pp\b|percentage points?\b|%|pts\b|points?\b)",
    re.IGNORECASE,
)
_UP_WORDS = ("increase", "raise", "grow", "lift", "up", "expand", "higher")
_DOWN_WORDS = ("reduce", "cut", "lower", "decrease", "drop", "down", "shrink", "halve")
_INVERSE_WORDS = ("churn", "attrition", "contraction", "cancellations", "time")


def is_placeholder(text: str) -> bool:
    """Tell whether text contains a placeholder such as TBD, TODO or '???'."""
    return _PLACEHOLDER.search(text) is not None


def _text_values(initiative: Initiative) -> dict[str, str]:
    """Return the free-text fields of an initiative by their source field name."""
    outcome = initiative.outcome
    return {
        "name": initiative.name,
        "owner": initiative.owner.person or "",
        "owner_function": initiative.owner.function or "",
        "target": initiative.target.text,
        "segment": initiative.target.segment or "",
        "status": initiative.status_text or "",
        "lesson": outcome.lesson if outcome is not None else "",
        "progress_note": initiative.progress_note or "",
        "notes": initiative.notes,
        "program": initiative.program or "",
    }


def check_binary_target(register: Register, context: LintContext) -> Iterator[Finding]:
    """WD801: the target is a milestone or a yes/no, not a customer result."""
    for initiative in register.initiatives:
        target = initiative.target
        unit_text = str(initiative.extra.get("unit_text", "")).strip().casefold()
        milestone = matches_any(f"{initiative.name} {target.text}", _MILESTONE_WORDS)
        one_count = target.amount == 1 and target.unit in {Unit.COUNT, None}
        if unit_text in _YES_NO_UNITS:
            reason = f"its unit is {quoted(unit_text)}"
        elif one_count and milestone:
            reason = f"it counts one {quoted(milestone[0])}"
        else:
            continue
        yield finding(
            "WD801",
            Severity.ERROR,
            initiative,
            f"target of {quoted(initiative.name)} is a milestone, not a KPI movement: "
            f"{reason}",
            "target",
        )


def check_vague_wording(register: Register, context: LintContext) -> Iterator[Finding]:
    """WD802: unquantified comparatives without a number; very short or long names."""
    settings = context.settings
    for initiative in register.initiatives:
        vague = matches_any(f"{initiative.name} {initiative.target.text}", _VAGUE_WORDS)
        if vague and not initiative.target.has_number:
            yield finding(
                "WD802",
                Severity.WARNING,
                initiative,
                f"{quoted(vague[0])} promises no amount: the target has no number",
                "target",
                "name",
            )
        count = len(words(initiative.name))
        if count and not settings.name_min_words <= count <= settings.name_max_words:
            yield finding(
                "WD802",
                Severity.INFO,
                initiative,
                f"name has {plural(count, 'word')}; expected "
                f"{settings.name_min_words} to {settings.name_max_words}",
                "name",
                hint="Name the program in a short phrase that says what it changes.",
            )


def check_business_as_usual(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """WD803: the name describes running the business, not a change."""
    for initiative in register.initiatives:
        found = matches_any(initiative.name, _BAU_WORDS)
        if found:
            yield finding(
                "WD803",
                Severity.WARNING,
                initiative,
                f"name {quoted(initiative.name)} reads as business as usual "
                f"({quoted(found[0])})",
                "name",
            )


def check_placeholder_text(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """WD804: a text field still contains a placeholder."""
    for initiative in register.initiatives:
        values = _text_values(initiative)
        for label, field_name in _TEXT_FIELDS:
            match = _PLACEHOLDER.search(values[label])
            if match is None:
                continue
            yield finding(
                "WD804",
                Severity.ERROR,
                initiative,
                f"{label} contains the placeholder {quoted(match.group(0))}",
                field_name,
            )


def _name_direction(initiative: Initiative) -> Direction | None:
    """Return the direction the name's verbs promise, seen from the target's KPI."""
    name = initiative.name
    up, down = matches_any(name, _UP_WORDS), matches_any(name, _DOWN_WORDS)
    if bool(up) == bool(down):
        return None
    direction = Direction.INCREASE if up else Direction.DECREASE
    kpi_text = f"{initiative.target.kpi_id or ''} {initiative.target.kpi_label or ''}"
    inverse_in_name = bool(matches_any(name, _INVERSE_WORDS))
    inverse_in_kpi = bool(matches_any(kpi_text.replace("_", " "), _INVERSE_WORDS))
    if inverse_in_name and not inverse_in_kpi and initiative.target.kpi_id:
        # "Reduce churn" on a retention KPI promises an increase of that KPI.
        direction = (
            Direction.INCREASE
            if direction is Direction.DECREASE
            else Direction.DECREASE
        )
    return direction


def _name_amount(name: str) -> tuple[Decimal, Unit] | None:
    """Return the first amount with a unit written in a name, such as '2pp'."""
    match = _NAME_NUMBER.search(name)
    if match is None:
        return None
    unit_text = match.group("unit").casefold()
    if unit_text == "%":
        unit = Unit.PERCENT
    elif unit_text.startswith(("pp", "percentage")):
        unit = Unit.PP
    else:
        unit = Unit.PTS
    return Decimal(match.group("value").replace(",", ".")), unit


def check_name_contradicts_target(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """WD805: numbers, units or direction words in the name disagree with the target."""
    for initiative in register.initiatives:
        target = initiative.target
        problems: list[str] = []
        stated = _name_amount(initiative.name)
        if stated is not None and target.amount is not None and target.unit is not None:
            amount, unit = stated
            if amount != abs(target.amount) or unit != target.unit:
                problems.append(
                    f"name says {with_unit(amount, unit)}, target says "
                    f"{with_unit(target.amount, target.unit)}"
                )
        promised = _name_direction(initiative)
        if (
            promised is not None
            and target.direction in {Direction.INCREASE, Direction.DECREASE}
            and promised is not target.direction
        ):
            problems.append(f"name implies {promised}, target says {target.direction}")
        for problem in problems:
            yield finding("WD805", Severity.ERROR, initiative, problem, "name")


WORDING_RULES: tuple[Rule, ...] = (
    Rule(
        id="WD801",
        name="binary-target",
        severity=Severity.ERROR,
        group="wording",
        check=check_binary_target,
        doc=(
            "The target is a yes/no or a milestone: an amount of 1 counted in units "
            "while the text speaks of launching, rolling out, going live, completing "
            "or delivering, or a yes/no unit. Shipping a program is an action; the "
            "board wants the customer result it should cause."
        ),
        hint=(
            "Keep the launch date as a checkpoint and set the target to the KPI the "
            "launch should move, for example '+3pp GRR for SMB by Q4'."
        ),
    ),
    Rule(
        id="WD802",
        name="vague-wording",
        severity=Severity.WARNING,
        group="wording",
        check=check_vague_wording,
        doc=(
            "The name or target uses an unquantified comparative (improve, enhance, "
            "optimise, better, boost, strengthen, drive) while the target carries no "
            "number (warning), or the name is shorter or longer than the configured "
            "word range (info). Readers fill in different promises."
        ),
        hint="State the amount: 'improve GRR' becomes '+2pp GRR for mid-market by Q3'.",
    ),
    Rule(
        id="WD803",
        name="business-as-usual-wording",
        severity=Severity.WARNING,
        group="wording",
        check=check_business_as_usual,
        doc=(
            "The name says maintain, keep, continue, sustain, ongoing, as usual or "
            "BAU. Running the business belongs on the KPI health page; the initiative "
            "list is for changes."
        ),
        hint=(
            "Drop the row, or rename it after the change it makes and give it a target."
        ),
    ),
    Rule(
        id="WD804",
        name="placeholder-text",
        severity=Severity.ERROR,
        group="wording",
        check=check_placeholder_text,
        doc=(
            "A text field (name, owner, function, target, segment, status, lesson, "
            "notes) holds TBD, TBC, TODO, n/a, ???, xxx, lorem, placeholder or 'see "
            "above'. Unfinished rows must not reach the board pack."
        ),
        hint="Fill in the real value, or remove the row until it is ready.",
    ),
    Rule(
        id="WD805",
        name="name-contradicts-target",
        severity=Severity.ERROR,
        group="wording",
        check=check_name_contradicts_target,
        doc=(
            'An amount, unit or direction word in the name ("cut churn 2%", '
            '"GRR +3pp") disagrees with the structured amount, unit or direction. '
            "The headline and the scorecard would tell the board different things."
        ),
        hint="Make the name and the target agree, or take the number out of the name.",
    ),
)
