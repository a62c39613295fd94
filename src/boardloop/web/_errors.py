"""Failures of page requests, rendered as HTML pages or a redirect to sign-in."""

from __future__ import annotations

__all__ = ["PageError", "SignInRequiredError"]


class PageError(Exception):
    """A page request that fails with an HTTP status and a message for the reader."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message


class SignInRequiredError(Exception):
    """A page request without a valid session, which gets a redirect to sign-in.

    `clear_cookie` is true when the browser sent a session cookie that the store
    rejected, so the response also tells the browser to drop it.
    """

    def __init__(self, next_path: str, *, clear_cookie: bool) -> None:
        super().__init__(next_path)
        self.next_path = next_path
        self.clear_cookie = clear_cookie


def not_found(kind: str, name: str) -> PageError:
    """Return the 404 of a company or initiative that is missing or not visible."""
    return PageError(
        404,
        "Not found",
        f"{kind} {name!r} not found; pick one from the list of your companies",
    )
