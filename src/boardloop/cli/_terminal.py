"""Text for the terminal: user strings with their control characters made visible.

Names, owners, notes and reasons come from register files and API edits, so
they may carry escape sequences that a terminal would obey. Every text the CLI
prints passes through `terminal_text`; JSON output escapes control characters
itself.
"""

from __future__ import annotations

import click

__all__ = ["echo_text", "terminal_text"]

# Newlines and tabs lay out the CLI's own multi-line text; every other control
# character is shown as a visible mark.
KEPT_CONTROLS = "\n\t"


def terminal_text(text: str) -> str:
    """Show control and bidi characters visibly, keeping newlines and tabs."""
    # Imported here: the report package loads Jinja, which commands that print
    # nothing of a register should not wait for.
    from boardloop.report._text import show_control_characters

    return show_control_characters(text, keep=KEPT_CONTROLS)


def echo_text(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Print text through `terminal_text`, to stderr with `err`."""
    click.echo(terminal_text(text), err=err, nl=nl)
