"""Control characters in user text, shown as visible marks in outputs for people."""

from __future__ import annotations

import re

from boardloop.report._text import show_bidi_controls

__all__ = ["show_controls"]

# C0 controls except tab, LF and CR, then DEL and the C1 controls. A terminal
# acts on ESC or BEL, a browser draws them as nothing, a PDF font as a missing
# glyph, and RFC 5545 allows none of them in calendar text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def show_controls(text: str) -> str:
    """Replace control and bidirectional characters with a visible `[U+XXXX]`.

    Tab, LF and CR are kept, because each output escapes line breaks its own way.
    """
    text = show_bidi_controls(text)
    return _CONTROL.sub(lambda match: f"[U+{ord(match.group()):04X}]", text)
