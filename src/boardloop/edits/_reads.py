"""Permission-checked reads of the register, an initiative and the event history.

A principal without a role in the company gets the same not-found errors as
for a company or initiative that does not exist.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from boardloop.access import Action, may
from boardloop.store import UnknownCompanyError, UnknownInitiativeError

if TYPE_CHECKING:
    import datetime as dt

    from boardloop.access import Principal
    from boardloop.domain.model import Event, Register
    from boardloop.store import Store, StoredInitiative

__all__ = ["read_history", "read_initiative", "read_register"]

logger = logging.getLogger(__name__)


def read_register(store: Store, principal: Principal, company: str) -> Register:
    """Return the company's register with every initiative's history."""
    check_may_read(principal, company)
    return store.load_register(company)


def read_initiative(
    store: Store, principal: Principal, company: str, key: str
) -> StoredInitiative:
    """Return one initiative with its history and the version an edit must give."""
    if not may(principal, Action.READ, company):
        logger.warning(
            "user %r has no role in %r; reported %r as not found",
            principal.login,
            company,
            key,
        )
        raise UnknownInitiativeError(company, key)
    return store.get_initiative(company, key)


def read_history(
    store: Store,
    principal: Principal,
    company: str,
    *,
    key: str | None = None,
    since: dt.date | None = None,
) -> list[tuple[str, Event]]:
    """Return (initiative key, event) pairs in time order, from `since` on (UTC).

    With `key`, only that initiative's events; a key the register does not
    contain raises `UnknownInitiativeError`.
    """
    if key is not None:
        read_initiative(store, principal, company, key)
    else:
        check_may_read(principal, company)
    return store.events(company, since, key=key)


def check_may_read(principal: Principal, company: str) -> None:
    if not may(principal, Action.READ, company):
        logger.warning("user %r has no role in %r", principal.login, company)
        raise UnknownCompanyError(company)
