"""Errors of the edit operations, each carrying the HTTP status a web face returns.

A missing initiative, and one in a company the principal has no role in, raise
the store's `UnknownInitiativeError` (404). A stale edit raises the store's
`StaleVersionError` (409).
"""

from __future__ import annotations

__all__ = [
    "ClosedInitiativeError",
    "EditError",
    "InvalidEditError",
    "PermissionDeniedError",
    "StatusChangeError",
]


class EditError(Exception):
    """An edit that cannot be carried out as requested."""

    http_status = 400


class PermissionDeniedError(EditError):
    """An edit that the principal's role or token scope does not allow."""

    http_status = 403

    def __init__(self, login: str, action: str, company: str, key: str) -> None:
        super().__init__(
            f"user {login!r} may not {action} initiative {key!r} in {company!r}; "
            "ask an admin of the company for a role that allows it, or use a token "
            "with the write scope"
        )
        self.login = login
        self.action = action
        self.company = company
        self.key = key


class InvalidEditError(EditError, ValueError):
    """An edit with a field that does not exist or a value it cannot take."""

    http_status = 400

    def __init__(self, key: str, field: str, value: object, requirement: str) -> None:
        super().__init__(
            f"invalid {field} {value!r} for initiative {key!r}; {requirement}"
        )
        self.key = key
        self.field = field
        self.value = value
        self.requirement = requirement


class ClosedInitiativeError(EditError):
    """An edit of a closed initiative other than a checkpoint note."""

    http_status = 409

    def __init__(
        self,
        key: str,
        edit: str,
        remedy: str = "post a checkpoint note to record a correction",
    ) -> None:
        super().__init__(
            f"initiative {key!r} is closed, so its record cannot take {edit}; {remedy}"
        )
        self.key = key
        self.edit = edit


class NotClosedError(EditError):
    """An outcome correction of an initiative that is still open."""

    http_status = 409

    def __init__(self, key: str) -> None:
        super().__init__(
            f"initiative {key!r} is not closed, so it has no outcome to correct; "
            "close it with its outcome instead"
        )
        self.key = key


class StatusChangeError(EditError):
    """A status change that the lifecycle does not allow from the current status."""

    http_status = 409

    def __init__(self, key: str, current: str | None, new: str, allowed: str) -> None:
        super().__init__(
            f"initiative {key!r} cannot move from {current or 'no status'} to {new}; "
            f"allowed next statuses: {allowed}"
        )
        self.key = key
        self.current = current
        self.new = new
        self.allowed = allowed
