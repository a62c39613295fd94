"""Text clean-up that every renderer applies to user strings."""

from __future__ import annotations

import re

__all__ = ["code_spans", "show_bidi_controls", "show_control_characters"]

# Embedding, override and isolate controls can reorder what a reader sees
# ("Trojan Source"), so renderers show them as visible code points instead.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def show_bidi_controls(text: str) -> str:
    """Replace bidirectional control characters with a visible `[U+XXXX]` mark."""
    return _BIDI_CONTROLS.sub(lambda match: f"[U+{ord(match.group()):04X}]", text)


# C0 controls, DEL and C1 controls. ESC starts terminal escape sequences, which
# can recolour, retitle or rewrite what a terminal shows; BEL, backspace and CR
# can hide or overwrite text; 0x9B is an 8-bit CSI on some terminals.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


def show_control_characters(text: str, *, keep: str = "") -> str:
    """Replace control characters, bidi controls included, with visible marks.

    A C0 control becomes its Unicode control picture (ESC as U+241B, BEL as
    U+2407), DEL becomes U+2421, and a C1 control a `[U+XXXX]` mark like the
    bidi controls. Characters in `keep`, such as a newline, stay as they are.
    """

    def visible(match: re.Match[str]) -> str:
        character = match.group()
        if character in keep:
            return character
        code = ord(character)
        if code < 0x20:
            return chr(0x2400 + code)
        if code == 0x7F:
            return "\u2421"
        return f"[U+{code:04X}]"

    return _CONTROLS.sub(visible, show_bidi_controls(text))


def code_spans(text: str) -> list[tuple[str, bool]]:
    """Split a hint into plain and `code` parts; a lone backtick stays plain."""
    pieces = text.split("`")
    if len(pieces) % 2 == 0:
        return [(text, False)]
    return [(piece, index % 2 == 1) for index, piece in enumerate(pieces) if piece]
