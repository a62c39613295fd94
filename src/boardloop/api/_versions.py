"""ETags and If-Match: every write names the version it is based on."""

from __future__ import annotations

import re

from boardloop.api._errors import IfMatchRequiredError, InvalidIfMatchError

__all__ = ["ETAG_HEADER", "etag_of", "expected_version"]

# One entity tag, strong or weak, whose value is a version number.
ETAG = re.compile(r'\s*(?:W/)?"(\d{1,18})"\s*')


# The ETag response header, as the OpenAPI document describes it.
ETAG_HEADER = {
    "ETag": {
        "description": "The initiative's version, quoted; send it back in If-Match.",
        "schema": {"type": "string"},
    }
}


def etag_of(version: int) -> str:
    """Return the ETag of an initiative version: the number, quoted."""
    return f'"{version}"'


def expected_version(if_match: str | None, key: str) -> int:
    """Return the version an If-Match header names.

    A missing header raises `IfMatchRequiredError` (428), because a write
    without one could overwrite a change it never saw. "*" and lists of tags are
    rejected too, for the same reason.
    """
    if if_match is None or not if_match.strip():
        raise IfMatchRequiredError(key)
    match = ETAG.fullmatch(if_match)
    if match is None:
        raise InvalidIfMatchError(if_match)
    return int(match.group(1))
