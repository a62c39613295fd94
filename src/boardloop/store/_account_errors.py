"""Errors of users, roles, API tokens and company settings, with HTTP statuses."""

from __future__ import annotations

from boardloop.store._errors import StoreError

__all__ = [
    "DuplicateUserError",
    "InvalidCredentialsError",
    "InvalidSettingsError",
    "InvalidTokenError",
    "InvalidUserError",
    "UnknownCompanyError",
    "UnknownTokenError",
    "UnknownUserError",
]


class InvalidUserError(StoreError, ValueError):
    """A login, display name or password that a user cannot have."""

    http_status = 400

    def __init__(self, field: str, value: str, requirement: str) -> None:
        displayed = "(hidden)" if field == "password" else repr(value)
        super().__init__(f"invalid {field} {displayed}; {requirement}")
        self.field = field
        self.requirement = requirement


class DuplicateUserError(StoreError):
    """A new user whose login is already taken."""

    http_status = 409

    def __init__(self, login: str) -> None:
        super().__init__(
            f"user {login!r} already exists; pick another login, or grant the "
            "existing user a role"
        )
        self.login = login


class UnknownUserError(StoreError, LookupError):
    """A login that no user has."""

    http_status = 404

    def __init__(self, login: str) -> None:
        super().__init__(
            f"user {login!r} not found; list the users with boardloop user list, "
            "or add this one with boardloop user add"
        )
        self.login = login


class UnknownCompanyError(StoreError, LookupError):
    """A company name that the database does not hold."""

    http_status = 404

    def __init__(self, company: str) -> None:
        super().__init__(
            f"company {company!r} not found in the database; check the name, or "
            "create its workspace with boardloop init"
        )
        self.company = company


class InvalidCredentialsError(StoreError):
    """A failed sign-in, whose message does not name the part that was wrong."""

    http_status = 401

    def __init__(self) -> None:
        super().__init__("invalid login or password")


class InvalidTokenError(StoreError):
    """An API token that does not grant access.

    Unknown, malformed, revoked and expired tokens, and tokens of disabled users,
    all raise this same error, so a caller cannot probe which tokens exist. The
    store logs the reason.
    """

    http_status = 401

    def __init__(self) -> None:
        super().__init__(
            "invalid API token; check that it was copied whole, or issue a new one "
            "with boardloop token issue"
        )


class UnknownTokenError(StoreError, LookupError):
    """A token lookup id that no token has, given to revoke or list."""

    http_status = 404

    def __init__(self, lookup: str) -> None:
        super().__init__(
            f"API token {lookup!r} not found; list the tokens with boardloop token list"
        )
        self.lookup = lookup


class InvalidSettingsError(StoreError, ValueError):
    """A company setting with a value of the wrong type or range."""

    http_status = 400

    def __init__(self, company: str, key: str, value: object, expected: str) -> None:
        super().__init__(
            f"invalid setting {key!r} for company {company!r}: {value!r}; "
            f"expected {expected}"
        )
        self.company = company
        self.key = key
        self.value = value
        self.expected = expected
