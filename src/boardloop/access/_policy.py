"""The permission check: a pure function of the principal, the action and the company.

Every face (REST API, web pages, MCP) calls `may` before it reads or writes, so
the rules live in one place and a test can walk all of them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["Action", "Principal", "Role", "Scope", "may", "names_match"]


class Role(StrEnum):
    """A user's role in one company."""

    ADMIN = "admin"
    """Everything an editor may do, and managing the company's users and tokens."""
    EDITOR = "editor"
    """Reads everything and changes any initiative."""
    OWNER = "owner"
    """Reads everything, and changes status and checkpoints of their own initiatives."""
    BOARD = "board"
    """Reads everything and changes nothing."""


class Scope(StrEnum):
    """The permission an API token grants, within its user's roles."""

    READ = "read"
    WRITE = "write"


class Action(StrEnum):
    """The kind of operation a request performs."""

    READ = "read"
    """Read the register, findings, evaluations, KPI values, history, reports."""
    EDIT = "edit"
    """Create or update an initiative, revise its target, close it."""
    STATUS = "status"
    """Change an initiative's status."""
    CHECKPOINT = "checkpoint"
    """Post a checkpoint note or move the next checkpoint date."""
    ADMIN = "admin"
    """Manage the company's users, tokens and settings."""


_ROLE_ACTIONS: Mapping[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.EDITOR: frozenset(
        {Action.READ, Action.EDIT, Action.STATUS, Action.CHECKPOINT}
    ),
    Role.OWNER: frozenset({Action.READ, Action.STATUS, Action.CHECKPOINT}),
    Role.BOARD: frozenset({Action.READ}),
}

# Actions an owner may take only on initiatives that name them as owner.
_OWN_ONLY = frozenset({Action.STATUS, Action.CHECKPOINT})


@dataclass(frozen=True, slots=True)
class Principal:
    """The requester: a signed-in user, or a user acting through an API token.

    `roles` maps a company name to the user's role there; a company missing from
    it is one the user may not even learn exists. `scopes` is None for a
    signed-in session and the token's scopes otherwise.
    """

    login: str
    display_name: str
    roles: Mapping[str, Role] = field(default_factory=dict)
    scopes: frozenset[Scope] | None = None

    def role_in(self, company: str) -> Role | None:
        return self.roles.get(company)


def may(
    principal: Principal,
    action: Action,
    company: str,
    *,
    owner: str | None = None,
) -> bool:
    """Return whether `principal` may take `action` in `company`.

    `owner` is the owner name of the initiative acted on, for the actions an
    owner may only take on their own initiatives. A token without the write
    scope may only read.
    """
    role = principal.role_in(company)
    if role is None or action not in _ROLE_ACTIONS[role]:
        return False
    if (
        action is not Action.READ
        and principal.scopes is not None
        and Scope.WRITE not in principal.scopes
    ):
        return False
    if role is Role.OWNER and action in _OWN_ONLY:
        return owner is not None and names_match(owner, principal.display_name)
    return True


def names_match(first: str, second: str) -> bool:
    """Compare two person names, ignoring case, Unicode width forms and spacing."""
    return _folded(first) == _folded(second) and bool(_folded(first))


def _folded(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())
