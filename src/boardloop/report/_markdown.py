"""Render the board section as Markdown for a board pack."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from boardloop.report._text import code_spans, show_control_characters

if TYPE_CHECKING:
    from boardloop.report._view import (
        BoardSection,
        Changes,
        ClosedInitiative,
        Findings,
        OpenInitiative,
        TrackRecord,
    )

__all__ = ["escape_markdown", "render_markdown"]

# Characters that CommonMark or GFM give a meaning anywhere in a line: emphasis,
# code spans, links, raw HTML, strikethrough, math on GitHub and the pipe that
# splits table cells. A backslash makes each one literal.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~$])")
_LINE_BREAKS = re.compile(r"[\r\n\u0085\u2028\u2029\v\f]+")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_ORDERED_MARKER = re.compile(r"^(\d+)([.)])")
# Markers that open a heading, quote or setext underline; list markers only
# count at the start of a line.
_BLOCK_MARKERS = ("#", "=", ">")
_LIST_MARKERS = ("+", "-")


def escape_markdown(text: str, *, line_start: bool = False) -> str:
    """Make a user string literal inside a Markdown paragraph, list item or table cell.

    Line breaks become spaces, so a value never starts a block of its own or ends
    a table row. Characters with inline meaning, raw HTML tags and entity
    references are escaped, as are heading and quote markers at the start of the
    value. With `line_start`, list markers there are escaped too. Other
    control characters and bidi controls are shown as visible marks.
    """
    text = _LINE_BREAKS.sub(" ", text).replace("\t", " ").strip()
    # Line breaks and tabs are spaces by now. Every other control character,
    # such as ESC or BEL, becomes a visible mark, so the terminal or viewer
    # that displays the Markdown never obeys it.
    text = show_control_characters(text)
    text = _ENTITY.sub("&amp;", text)
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    if line_start:
        text = _ORDERED_MARKER.sub(r"\1\\\2", text)
    if text[:1] in _BLOCK_MARKERS or (line_start and text[:1] in _LIST_MARKERS):
        text = "\\" + text
    return text


def _hint_markdown(hint: str) -> str:
    """Escape a hint, keeping its `setting` names as code spans."""
    return "".join(
        f"`{part}`" if is_code else _escape_keeping_spaces(part)
        for part, is_code in code_spans(hint)
    )


def _escape_keeping_spaces(text: str) -> str:
    """Escape text that sits between code spans, keeping its outer spaces."""
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() else ""
    return f"{lead}{escape_markdown(text)}{trail}"


def render_markdown(section: BoardSection) -> str:
    """Render the "Customer Success Initiatives" section as Markdown."""
    parts = [
        "## Customer Success Initiatives",
        _masthead(section),
        escape_markdown(section.summary.text, line_start=True),
        _open_part(section.open_initiatives),
        _closed_part(section.closed_initiatives),
    ]
    if section.track_record is not None:
        parts.append(_track_record_part(section.track_record))
    if section.changes is not None:
        parts.append(_changes_part(section.changes))
    parts.append(_findings_part(section.findings))
    parts.append(_footer(section))
    return "\n\n".join(parts) + "\n"


def _masthead(section: BoardSection) -> str:
    fields = [
        escape_markdown(section.company, line_start=True),
        f"as of {section.as_of_label}",
    ]
    if section.fiscal_period:
        fields.append(escape_markdown(section.fiscal_period))
    return " · ".join(fields)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _open_part(initiatives: tuple[OpenInitiative, ...]) -> str:
    lines = ["### Active and planned initiatives", ""]
    if not initiatives:
        lines.append("No active or planned initiatives.")
        return "\n".join(lines)

    lines.append(
        _row(["Initiative", "Target", "Owner", "Status", "Next checkpoint", "Verdict"])
    )
    lines.append(_row(["---"] * 6))
    for item in initiatives:
        checkpoint = escape_markdown(item.next_checkpoint_label)
        if item.next_checkpoint_missing:
            checkpoint = f"**{checkpoint}** (missing)"
        owner = escape_markdown(item.owner.display)
        if item.owner.missing:
            owner = f"**{owner}**"
        lines.append(
            _row(
                [
                    escape_markdown(item.name),
                    escape_markdown(item.target.display),
                    owner,
                    escape_markdown(item.status_label),
                    checkpoint,
                    escape_markdown(item.verdict_label),
                ]
            )
        )

    notes = [_open_note(item) for item in initiatives]
    notes = [note for note in notes if note]
    if notes:
        lines += ["", *notes]
    return "\n".join(lines)


def _open_note(item: OpenInitiative) -> str:
    sentences = []
    if item.verdict is not None:
        sentences.append(escape_markdown(item.verdict.explanation))
    if item.progress_note:
        sentences.append(f"Progress: {escape_markdown(item.progress_note)}")
    if not sentences:
        return ""
    label = f" ({escape_markdown(item.verdict_label)})" if item.verdict else ""
    return f"- **{escape_markdown(item.name)}**{label}: " + " ".join(sentences)


def _closed_part(initiatives: tuple[ClosedInitiative, ...]) -> str:
    lines = ["### Closed initiatives", ""]
    if not initiatives:
        lines.append("No closed initiatives.")
        return "\n".join(lines)

    lines.append(
        _row(["Initiative", "Target", "Outcome", "Actual against target", "Closed"])
    )
    lines.append(_row(["---"] * 5))
    for item in initiatives:
        lines.append(
            _row(
                [
                    escape_markdown(item.name),
                    escape_markdown(item.target.display),
                    f"**{escape_markdown(item.outcome_label)}**",
                    escape_markdown(item.movement_label),
                    escape_markdown(item.closed_on_label),
                ]
            )
        )
    lines.append("")
    for item in initiatives:
        lesson = escape_markdown(item.lesson) if item.lesson else "no lesson recorded"
        lines.append(
            f"- **{escape_markdown(item.name)}** "
            f"({escape_markdown(item.outcome_label)}). "
            f"Owner: {escape_markdown(item.owner.display)}. Lesson: {lesson}"
        )
    return "\n".join(lines)


def _track_record_part(record: TrackRecord) -> str:
    lines = [
        f"### Track record, {escape_markdown(record.window_label)}",
        "",
        escape_markdown(record.text, line_start=True),
    ]
    if record.total.closed == 0:
        return "\n".join(lines)
    for title, rows in (("Program", record.by_program), ("Owner", record.by_owner)):
        lines += [
            "",
            _row(
                [
                    title,
                    "Closed",
                    "Achieved",
                    "Partially",
                    "Missed",
                    "Abandoned",
                    "No outcome",
                    "Median attainment",
                ]
            ),
            _row(["---"] * 8),
        ]
        for row in (*rows, record.total):
            group = "All" if row is record.total else escape_markdown(row.group)
            lines.append(
                _row(
                    [
                        f"**{group}**" if row is record.total else group,
                        str(row.closed),
                        str(row.achieved),
                        str(row.partially_achieved),
                        str(row.missed),
                        str(row.abandoned),
                        str(row.no_outcome),
                        escape_markdown(row.median_attainment_label),
                    ]
                )
            )
    return "\n".join(lines)


def _changes_part(changes: Changes) -> str:
    lines = [f"### What changed since {changes.since_label}"]
    if not changes.groups:
        lines += ["", "No changes recorded in this period."]
    for group in changes.groups:
        lines += ["", f"**{escape_markdown(group.title)}**", ""]
        lines += [
            f"- {escape_markdown(item.initiative_name)}: {escape_markdown(item.text)}"
            for item in group.items
        ]
    return "\n".join(lines)


def _findings_part(findings: Findings) -> str:
    lines = ["### Findings for the board", "", escape_markdown(findings.summary)]
    for group in findings.groups:
        lines += ["", f"**{escape_markdown(group.title)}**", ""]
        for item in group.items:
            line = (
                f"- **{escape_markdown(item.severity_label)}** "
                f"{escape_markdown(item.rule_id)}: {escape_markdown(item.message)}"
            )
            lines.append(line)
            if item.hint:
                lines.append(f"  - Hint: {_hint_markdown(item.hint)}")
    return "\n".join(lines)


def _footer(section: BoardSection) -> str:
    fields = [
        f"KPI catalog {escape_markdown(section.catalog_version)}",
        f"as of {section.as_of.isoformat()}",
    ]
    if section.fiscal_period:
        fields.append(f"fiscal period {escape_markdown(section.fiscal_period)}")
    fields.append(f"generated by {escape_markdown(section.generation.generator)}")
    if section.generation.generated_at is not None:
        fields.append(f"at {section.generation.generated_at.isoformat()}")
    return "_" + ", ".join(fields) + "_"
