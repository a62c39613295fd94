"""Permissions: roles per company, token scopes and the permission check."""

from __future__ import annotations

from boardloop.access._policy import (
    Action,
    Principal,
    Role,
    Scope,
    may,
    names_match,
)

__all__ = ["Action", "Principal", "Role", "Scope", "may", "names_match"]
