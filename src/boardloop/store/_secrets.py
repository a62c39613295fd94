"""Password hashes (scrypt) and API token strings: making, parsing and checking them.

A password hash is `scrypt$n=<N>,r=<r>,p=<p>$<salt>$<key>`, with salt and key in
unpadded URL-safe base64, so a hash made with other parameters stays checkable.
An API token is `blt_<lookup>_<secret>`: the lookup id finds the stored row and
only the SHA-256 of the secret is stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

__all__ = [
    "TOKEN_PREFIX",
    "ParsedToken",
    "hash_password",
    "new_token",
    "parse_token",
    "password_matches",
    "secret_sha256",
]

# scrypt cost: N=2**15, r=8, p=1 needs 32 MiB of memory per hash (128 * N * r
# bytes), above hashlib's default limit, hence MAX_MEMORY.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
KEY_BYTES = 32
SALT_BYTES = 16
MAX_MEMORY = 256 * 1024 * 1024
# Stored hashes with a cost above this are treated as invalid, not computed.
MAX_SCRYPT_N = 2**20

TOKEN_PREFIX = "blt"
LOOKUP_BYTES = 8
SECRET_BYTES = 32
TOKEN_PATTERN = re.compile(r"blt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")
HASH_PATTERN = re.compile(
    r"scrypt\$n=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)"
)


def hash_password(password: str) -> str:
    """Hash a password with scrypt and a random salt, encoding the parameters."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES)
    return (
        f"scrypt$n={SCRYPT_N},r={SCRYPT_R},p={SCRYPT_P}"
        f"${_b64encode(salt)}${_b64encode(key)}"
    )


def password_matches(password: str, encoded: str | None) -> bool:
    """Check a password against its stored hash in constant time.

    A missing or malformed hash never matches, but still costs one scrypt run,
    so the time taken does not tell whether the user has a password.
    """
    match = None if encoded is None else HASH_PATTERN.fullmatch(encoded)
    if match is None or int(match[1]) > MAX_SCRYPT_N:
        hmac.compare_digest(_dummy_key(password), b"\0" * KEY_BYTES)
        return False
    n, r, p = int(match[1]), int(match[2]), int(match[3])
    try:
        salt, expected = _b64decode(match[4]), _b64decode(match[5])
        key = _scrypt(password, salt, n, r, p, len(expected))
    except ValueError:
        # Broken base64, or parameters that scrypt rejects (N not a power of 2,
        # too much memory).
        return False
    return hmac.compare_digest(key, expected)


@dataclass(frozen=True, slots=True)
class ParsedToken:
    """The two parts of an API token string."""

    lookup: str
    secret: str


def new_token() -> tuple[str, ParsedToken]:
    """Make a new API token; return its full text and its parts."""
    lookup = secrets.token_hex(LOOKUP_BYTES)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return f"{TOKEN_PREFIX}_{lookup}_{secret}", ParsedToken(lookup, secret)


def parse_token(text: str) -> ParsedToken | None:
    """Split an API token into lookup id and secret; None when it is malformed."""
    match = TOKEN_PATTERN.fullmatch(text.strip())
    if match is None:
        return None
    return ParsedToken(match[1], match[2])


def secret_sha256(secret: str) -> str:
    """Return the hex SHA-256 of a token secret, the only form the store keeps."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=MAX_MEMORY,
        dklen=length,
    )


def _dummy_key(password: str) -> bytes:
    return _scrypt(password, b"\0" * SALT_BYTES, SCRYPT_N, SCRYPT_R, SCRYPT_P, 32)


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
