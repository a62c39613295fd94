"""The weekly digest as plain text or Markdown; layout only, no computing.

Register text (names, owners, messages) is made inert in both formats. Line
breaks become spaces, so a value cannot start a line of its own. Other control
characters and bidirectional controls are shown as `[U+XXXX]`. Markdown also
escapes inline markup and HTML.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from boardloop.report._markdown import escape_markdown
from boardloop.report._visible import show_controls

if TYPE_CHECKING:
    from collections.abc import Callable

    from boardloop.report._digest import Digest

__all__ = ["DIGEST_FORMATS", "render_digest"]

DIGEST_FORMATS = ("text", "markdown")

# Line and column breaks become spaces, so a value cannot start a line of its
# own. Other control characters (ESC, BEL, DEL, C1) would act on a terminal, so
# they are shown as a visible `[U+XXXX]` mark instead.
_BREAKS = re.compile(r"[\t\n\v\f\r\x1c-\x1e\u0085\u2028\u2029]+")


def _plain(text: str) -> str:
    """Make register text inert in plain text: one line, every control visible."""
    return " ".join(show_controls(_BREAKS.sub(" ", text)).split())


def _markdown(text: str) -> str:
    return escape_markdown(_plain(text))


def render_digest(digest: Digest, output_format: str) -> str:
    """Render the digest as 'text' or 'markdown'; an empty section reads "none"."""
    if output_format not in DIGEST_FORMATS:
        raise ValueError(
            f"unknown digest format {output_format!r}; use one of "
            f"{', '.join(DIGEST_FORMATS)}"
        )
    markdown = output_format == "markdown"
    escape: Callable[[str], str] = _markdown if markdown else _plain
    title = f"Weekly digest: {escape(digest.company)}, as of {digest.as_of}"
    lines = [f"# {title}" if markdown else title]
    if not markdown:
        lines.append("=" * len(title))
    lines.append("")
    for heading, items in _sections(digest, escape):
        lines.append(f"## {heading}" if markdown else heading)
        if not markdown:
            lines.append("-" * len(heading))
        lines.extend(f"- {item}" for item in items)
        if not items:
            lines.append("none")
        lines.append("")
    return "\n".join(lines)


def _sections(
    digest: Digest, escape: Callable[[str], str]
) -> list[tuple[str, list[str]]]:
    def initiative_text(name: str, owner: str, initiative_id: str) -> str:
        return f"{escape(name)} ({escape(owner)}; id {escape(initiative_id)})"

    due = [
        f"{item.on}: {initiative_text(item.name, item.owner, item.initiative_id)}"
        for item in digest.due_this_week
    ]
    overdue = [
        f"{item.on}, {item.days_overdue} "
        f"{'day' if item.days_overdue == 1 else 'days'} overdue: "
        f"{initiative_text(item.name, item.owner, item.initiative_id)}"
        for item in digest.overdue
    ]
    stale = [
        (
            f"{initiative_text(item.name, item.owner, item.initiative_id)}: "
            + (
                "no update recorded"
                if item.last_update is None
                else f"last update {item.last_update}, {item.days_quiet} days ago"
            )
        )
        for item in digest.stale
    ]
    findings = [
        f"{escape(item.location)}: {item.rule_id} ({item.severity}) "
        f"{escape(item.message)}"
        for item in digest.new_findings
    ]
    verdicts = [
        f"{escape(item.name)} (id {escape(item.initiative_id)}): {item.before} "
        f"to {item.after}"
        for item in digest.verdict_changes
    ]
    return [
        (f"Due this week ({digest.week_start} to {digest.week_end})", due),
        ("Overdue checkpoints", overdue),
        (f"Stale initiatives (no update in {digest.stale_days} days)", stale),
        (f"New findings since {digest.since}", findings),
        (f"Verdict changes since {digest.since}", verdicts),
    ]
