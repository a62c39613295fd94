"""Result records of users and API tokens; none of them carries a secret."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from boardloop.access import Role, Scope

__all__ = ["IssuedToken", "TokenInfo", "UserInfo"]


@dataclass(frozen=True, slots=True)
class UserInfo:
    """A user as listed: login, name, whether a password is set, roles by company."""

    login: str
    display_name: str
    created_at: dt.datetime
    disabled_at: dt.datetime | None = None
    has_password: bool = False
    roles: Mapping[str, Role] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def is_disabled(self) -> bool:
        return self.disabled_at is not None


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """An API token as listed, without its secret.

    `lookup` is the token's public id, the part after `blt_`, which names it in
    `token revoke` and in logs.
    """

    lookup: str
    login: str
    name: str
    scopes: frozenset[Scope]
    created_at: dt.datetime
    expires_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None
    last_used_at: dt.datetime | None = None

    def state(self, now: dt.datetime) -> str:
        """Return "active", "expired" or "revoked" at `now` (an aware datetime)."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A newly issued token: `token` is the full text, shown to its user only once."""

    token: str
    info: TokenInfo
