"""Cached response bodies: entity tags, If-None-Match and gzip content coding.

A cached body carries a weak entity tag computed from its bytes, so every
worker process gives the same tag for the same content. The tag is weak
because the identity and gzip codings of one body share it (RFC 9110, 8.8.1).
The gzip coding is compressed once, on the first request that accepts it.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from typing import TYPE_CHECKING

from fastapi import Response

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "BODY_ETAG_HEADER",
    "GZIP_MIN_BYTES",
    "CachedBody",
    "accepts_gzip",
    "cached_response",
    "etag_matches",
]

# Bodies smaller than this go out uncompressed, as with Starlette's GZipMiddleware
# (whose default minimum is 500 bytes): the gzip header and the client's
# decompression cost more than they save.
GZIP_MIN_BYTES = 1024
# Level 6 is zlib's default. The section's 13 MB of JSON compresses once per build.
GZIP_LEVEL = 6

# The ETag response header of a cached body, as the OpenAPI document describes it.
BODY_ETAG_HEADER = {
    "ETag": {
        "description": "A weak tag of the body. Send it in If-None-Match to get "
        "304 Not Modified while the body is unchanged.",
        "schema": {"type": "string"},
    }
}


class CachedBody:
    """A response body with its entity tag and, once requested, its gzip coding."""

    __slots__ = ("_gzipped", "_lock", "body", "etag", "media_type")

    def __init__(self, body: bytes, media_type: str, *, compressible: bool) -> None:
        self.body = body
        self.media_type = media_type
        digest = hashlib.blake2b(body, digest_size=16).hexdigest()
        self.etag = f'W/"{digest}"'
        self._lock = threading.Lock()
        # None until compressed; b"" when the body is not sent compressed.
        self._gzipped: bytes | None = (
            None if compressible and len(body) >= GZIP_MIN_BYTES else b""
        )

    def gzipped(self) -> bytes | None:
        """Return the gzip coding of the body, or None when it is sent as is."""
        if self._gzipped is None:
            with self._lock:
                if self._gzipped is None:
                    self._gzipped = gzip.compress(
                        self.body, compresslevel=GZIP_LEVEL, mtime=0
                    )
        return self._gzipped or None


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Tell whether an If-None-Match header names `etag`, by weak comparison."""
    if if_none_match is None:
        return False
    if if_none_match.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        if candidate.strip().removeprefix("W/") == opaque:
            return True
    return False


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Tell whether an Accept-Encoding header allows gzip (a q-value above 0)."""
    if not accept_encoding:
        return False
    star: bool | None = None
    for item in accept_encoding.split(","):
        coding, _, parameters = item.partition(";")
        coding = coding.strip().lower()
        quality = 1.0
        name, _, value = parameters.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        if coding in ("gzip", "x-gzip"):
            return quality > 0
        if coding == "*":
            star = quality > 0
    return bool(star)


def cached_response(
    cached: CachedBody,
    request_headers: Mapping[str, str],
    headers: dict[str, str] | None = None,
) -> Response:
    """Return 304 to a GET when the client has the body, else return the body.

    The body goes out gzip-coded when the client accepts gzip. `Cache-Control:
    no-cache` makes a client or proxy revalidate before reusing a copy, because
    a write can change the body at any time. `private` keeps shared caches
    from storing data that needs a role to read.
    """
    headers = {
        **(headers or {}),
        "ETag": cached.etag,
        "Vary": "Accept-Encoding",
        "Cache-Control": "private, no-cache",
    }
    if etag_matches(request_headers.get("if-none-match"), cached.etag):
        return Response(status_code=304, headers=headers)
    body = cached.body
    if accepts_gzip(request_headers.get("accept-encoding")):
        gzipped = cached.gzipped()
        if gzipped is not None:
            body = gzipped
            headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=cached.media_type, headers=headers)
