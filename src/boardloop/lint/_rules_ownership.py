"""Ownership rules: every initiative has one named person and their function."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

from boardloop.domain.model import Finding, Initiative, Register, Severity
from boardloop.lint._rules_base import (
    ROLE_PLACEHOLDER,
    LintContext,
    Rule,
    finding,
    normalise,
    quoted,
)
from boardloop.lint._rules_wording import is_placeholder

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["OWNERSHIP_RULES"]

_LIST_SEPARATOR = re.compile(r"[&/,;+]|\band\b", re.IGNORECASE)


def _person(initiative: Initiative) -> str | None:
    """Return the owner's name stripped of spaces, or None when blank."""
    person = (initiative.owner.person or "").strip()
    return person or None


def check_owner_missing(register: Register, context: LintContext) -> Iterator[Finding]:
    """OW101: the owner's name is empty or blank."""
    for initiative in register.initiatives:
        if _person(initiative) is None:
            yield finding(
                "OW101",
                Severity.ERROR,
                initiative,
                f"initiative {quoted(initiative.name)} has no owner",
                "owner",
            )


def _group_reason(
    person: str, initiative: Initiative, context: LintContext
) -> str | None:
    """Say why an owner text names a group rather than a person, or None."""
    if ROLE_PLACEHOLDER.match(person):
        return None  # a person's name replaced by a role title, such as <Support lead>
    group_words = [
        w for w in normalise(person).split() if w in context.settings.group_words
    ]
    if group_words:
        return f"{quoted(group_words[0])} names a group"
    if _LIST_SEPARATOR.search(person):
        return "it lists several people"
    function = (initiative.owner.function or "").strip()
    if function and normalise(function) == normalise(person):
        return "it equals the owner's function"
    functions = {normalise(name) for name in context.settings.functions}
    if normalise(person) in functions:
        return "it is a function, not a person"
    return None


def check_owner_not_a_person(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """OW102: the owner is a team, a list, a function or someone off the roster."""
    roster = {normalise(name) for name in (context.roster or {})}
    for initiative in register.initiatives:
        person = _person(initiative)
        if person is None or is_placeholder(person):
            continue
        reason = _group_reason(person, initiative, context)
        # Role placeholders stand for anonymised names, which no roster lists.
        off_roster = (
            context.roster is not None
            and not ROLE_PLACEHOLDER.match(person)
            and normalise(person) not in roster
        )
        if reason is None and off_roster:
            reason = "it is not in the roster"
        if reason is not None:
            yield finding(
                "OW102",
                Severity.ERROR,
                initiative,
                f"owner {quoted(person)} is not a single person: {reason}",
                "owner",
            )


def check_owner_function(register: Register, context: LintContext) -> Iterator[Finding]:
    """OW103: the owner's function is empty, unknown, or disagrees with the roster."""
    functions = {normalise(name): name for name in context.settings.functions}
    roster = {normalise(k): v for k, v in (context.roster or {}).items()}
    for initiative in register.initiatives:
        function = (initiative.owner.function or "").strip()
        person = _person(initiative)
        if not function:
            message = "owner's function is missing"
        elif not _names_known_function(function, functions):
            known = ", ".join(context.settings.functions)
            message = (
                f"owner's function {quoted(function)} is not in the function list "
                f"({known})"
            )
        elif person is not None and normalise(person) in roster:
            listed = roster[normalise(person)]
            if normalise(listed) == normalise(function):
                continue
            message = (
                f"owner's function {quoted(function)} disagrees with the roster, "
                f"which lists {quoted(person)} in {quoted(listed)}"
            )
        else:
            continue
        yield finding(
            "OW103", Severity.WARNING, initiative, message, "owner_function", "owner"
        )


def _names_known_function(function: str, functions: dict[str, str]) -> bool:
    """Tell whether a function text names a configured function.

    A job title such as 'VP Customer Success' names the function it contains,
    'Customer Success', so titles written beside the owner's name pass.
    """
    padded = f" {normalise(function)} "
    return any(f" {name} " in padded for name in functions)


def check_owner_overloaded(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """OW104: one person owns more active initiatives than the cap."""
    cap = context.settings.owner_cap
    by_person: dict[str, list[Initiative]] = defaultdict(list)
    for initiative in register.initiatives:
        person = _person(initiative)
        if person is not None and initiative.is_active:
            by_person[normalise(person)].append(initiative)
    for owned in by_person.values():
        if len(owned) <= cap:
            continue
        for initiative in owned:
            yield finding(
                "OW104",
                Severity.WARNING,
                initiative,
                f"owner {quoted(_person(initiative))} holds {len(owned)} active "
                f"initiatives, {len(owned) - cap} above the cap of {cap}",
                "owner",
            )


OWNERSHIP_RULES: tuple[Rule, ...] = (
    Rule(
        id="OW101",
        name="owner-missing",
        severity=Severity.ERROR,
        group="ownership",
        check=check_owner_missing,
        doc=(
            "The initiative names no owner, or the owner field is blank. Without a "
            "named owner nobody answers for the initiative when the board asks."
        ),
        hint="Set `owner` to the one person accountable, for example 'Dana Ruiz'.",
    ),
    Rule(
        id="OW102",
        name="owner-not-a-person",
        severity=Severity.ERROR,
        group="ownership",
        check=check_owner_not_a_person,
        doc=(
            "The owner is a group rather than one person. It contains a group word "
            "(team, squad, committee, leadership, all, or a plural role such as "
            "'engineers'), or lists several names joined by '&', '/', ',' or 'and'. "
            "Or it equals the owner's function, or is missing from the roster when "
            "one is given. A role placeholder in angle brackets, such as "
            "'<Support lead>', stands for one person and passes. Shared ownership "
            "means nobody owns it."
        ),
        hint=(
            "Name the single person who answers for it; keep the team in "
            "`owner_function`."
        ),
    ),
    Rule(
        id="OW103",
        name="owner-function-missing",
        severity=Severity.WARNING,
        group="ownership",
        check=check_owner_function,
        doc=(
            "The owner's function is empty, is not in the configured function list, "
            "or differs from the function the roster gives for that person. The board "
            "reads effort by function and routes its follow-ups that way."
        ),
        hint=(
            "Set `owner_function` to one of the configured functions, or add the "
            "function to `functions` in the [lint] table."
        ),
    ),
    Rule(
        id="OW104",
        name="owner-overloaded",
        severity=Severity.WARNING,
        group="ownership",
        check=check_owner_overloaded,
        doc=(
            "One person owns more active initiatives (in progress, launched or "
            "measuring) than the cap. Over-committed leaders are a delivery risk."
        ),
        hint=(
            "Hand some initiatives to another owner, close or pause some, or raise "
            "`owner_cap` in the [lint] table."
        ),
    ),
)
