"""The permission check, walked over every role, action and token scope."""

from __future__ import annotations

import pytest

from boardloop.access import Action, Principal, Role, Scope, may, names_match

COMPANY = "Tallyfern Software"
OTHER = "Brightwell Labs"

# What each role may do on an initiative it does not own.
EXPECTED = {
    Role.ADMIN: set(Action),
    Role.EDITOR: {Action.READ, Action.EDIT, Action.STATUS, Action.CHECKPOINT},
    Role.OWNER: {Action.READ},
    Role.BOARD: {Action.READ},
}


def person(role: Role, scopes: frozenset[Scope] | None = None) -> Principal:
    return Principal("ana", "Ana Souza", {COMPANY: role}, scopes)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_role_actions_on_someone_elses_initiative(role: Role, action: Action) -> None:
    allowed = may(person(role), action, COMPANY, owner="Ben Okafor")
    assert allowed == (action in EXPECTED[role])


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_foreign_company_allows_nothing(role: Role, action: Action) -> None:
    assert not may(person(role), action, OTHER, owner="Ana Souza")


@pytest.mark.parametrize("action", [Action.STATUS, Action.CHECKPOINT])
def test_owner_changes_own_initiative(action: Action) -> None:
    assert may(person(Role.OWNER), action, COMPANY, owner="  ana  SOUZA ")
    assert not may(person(Role.OWNER), action, COMPANY, owner=None)
    assert not may(person(Role.OWNER), Action.EDIT, COMPANY, owner="Ana Souza")


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_read_token_only_reads(role: Role, action: Action) -> None:
    token = person(role, frozenset({Scope.READ}))
    assert may(token, action, COMPANY, owner="Ana Souza") == (action is Action.READ)


def test_write_token_keeps_role_limits() -> None:
    token = person(Role.EDITOR, frozenset({Scope.READ, Scope.WRITE}))
    assert may(token, Action.EDIT, COMPANY)
    assert not may(token, Action.ADMIN, COMPANY)


def test_names_match_folds_case_width_and_spaces() -> None:
    assert names_match("Ａna Souza", "ana souza")
    assert not names_match("", "")
    assert not names_match("Ana Souza", "Ana Sousa")
