"""Text clean-up that every renderer applies to user strings."""

from __future__ import annotations

import re

__all__ = ["code_spans", "show_bidi_controls"]

# Embedding, override and isolate controls can reorder what a reader sees
# ("Trojan Source"), so renderers show them as visible code points instead.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def show_bidi_controls(text: str) -> str:
    """Replace bidirectional control characters with a visible `[U+XXXX]` mark."""
    return _BIDI_CONTROLS.sub(lambda match: f"[U+{ord(match.group()):04X}]", text)


def code_spans(text: str) -> list[tuple[str, bool]]:
    """Split a hint into plain and `code` parts; a lone backtick stays plain."""
    pieces = text.split("`")
    if len(pieces) % 2 == 0:
        return [(text, False)]
    return [(piece, index % 2 == 1) for index, piece in enumerate(pieces) if piece]
