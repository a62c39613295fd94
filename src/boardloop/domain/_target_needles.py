"""Needles: substrings that a pattern needs, checked before the pattern is searched.

A case-insensitive pattern with many alternatives tries each one at every
position of a phrase, which is slow. When none of a pattern's needles is in the
phrase, the pattern cannot match there, and the search is skipped.
"""

from __future__ import annotations

__all__ = ["fold", "has_needle"]

# Under re.IGNORECASE these four characters match an ASCII letter, and
# str.lower() keeps them as they are ("ſ", "ı") or adds a combining dot ("İ").
_ASCII_FOLD = str.maketrans(
    {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
)


def fold(text: str) -> str:
    """Lower-case `text` so that it contains each needle re.IGNORECASE could match."""
    return text.lower() if text.isascii() else text.translate(_ASCII_FOLD).lower()


def has_needle(text: str, needles: tuple[str, ...]) -> bool:
    """Tell whether `text` contains one of `needles`, which are in lower case."""
    folded = fold(text)
    return any(needle in folded for needle in needles)
