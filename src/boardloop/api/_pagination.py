"""Cursor pagination: opaque cursors over lists sorted by a unique key.

A cursor is the URL-safe base64 of a small JSON document naming the list it
belongs to and the sort key of the last item returned. The next page starts
after that key, so items added or removed between two requests never make a
page repeat or skip an item that was there all along.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from boardloop.api._errors import InvalidCursorError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "Page",
    "decode_cursor",
    "encode_cursor",
    "paginate",
]

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

Item = TypeVar("Item")


@dataclass(frozen=True, slots=True)
class Page(Generic[Item]):
    """One page of a list and the cursor of the next page, None on the last."""

    items: list[Item]
    next_cursor: str | None


def encode_cursor(kind: str, key: Sequence[Any]) -> str:
    """Encode the list kind and the last item's sort key as an opaque cursor."""
    text = json.dumps({"k": kind, "a": list(key)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(kind: str, cursor: str) -> list[Any]:
    """Return the sort key in a cursor; raise InvalidCursorError for a foreign one."""
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        document = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (UnicodeError, binascii.Error, ValueError):
        raise InvalidCursorError(cursor) from None
    if (
        not isinstance(document, dict)
        or document.get("k") != kind
        or not isinstance(document.get("a"), list)
    ):
        raise InvalidCursorError(cursor)
    return list(document["a"])


def paginate(
    items: Sequence[Item],
    *,
    kind: str,
    key: Callable[[Item], list[Any]],
    cursor: str | None,
    limit: int,
) -> Page[Item]:
    """Return the page of `items` after the cursor; `items` are sorted by `key`.

    Keys must be unique and made of JSON strings and numbers of one type per
    position, so that they compare the same after a round trip through JSON.
    """
    start = 0
    if cursor is not None:
        after = decode_cursor(kind, cursor)
        try:
            start = bisect.bisect_right(items, after, key=key)
        except TypeError:
            raise InvalidCursorError(cursor) from None
    page = list(items[start : start + limit])
    has_more = start + limit < len(items)
    next_cursor = encode_cursor(kind, key(page[-1])) if page and has_more else None
    return Page(page, next_cursor)
