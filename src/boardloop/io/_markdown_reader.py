"""The Markdown reader: walk a document's blocks and collect initiative drafts.

Headings open sections, header blocks and bold lines live here; lists and
tables are read by the handlers this reader inherits. A block that carries
register content but gives no initiative and no field is listed under Dropped
with its line, so the import summary lists everything that was skipped.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from boardloop.io._fields import file_key, match_header, slugify
from boardloop.io._markdown_blocks import BOLD_LINE, plain, quote, title_parts
from boardloop.io._markdown_drafts import Draft, Section
from boardloop.io._markdown_lists import KR_CAPTION, ListHandlers
from boardloop.io._markdown_period import states_period
from boardloop.io._markdown_tables import TableHandlers

if TYPE_CHECKING:
    from boardloop.domain.model import Initiative
    from boardloop.io._markdown_blocks import Block

__all__ = ["MarkdownReader"]

_MDX_NAME = re.compile(r"<[A-Z]\w*\s[^>]*\bname=\"([^\"]+)\"[^>]*/?>")
_OBJECTIVE_LABEL = re.compile(
    r"^(objective|initiative|goal)\s+([\w.]+)\s*:\s*(.+)$", re.I
)
_BOLD_SPAN = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_PERCENT = re.compile(r"\d\s?%")
_RESULTS_HEADING = re.compile(
    r"\b(summary|results?|outcomes?|retro\w*|recap|review|progress)\b", re.I
)


class MarkdownReader(ListHandlers, TableHandlers):
    """Walk the blocks of one document and collect drafts."""

    def run(self) -> None:
        """Read every block, then report the sections that gave nothing."""
        for position, block in enumerate(self.blocks):
            handler = getattr(self, f"_on_{block.kind}")
            handler(block, position)
            if block.kind not in ("paragraph", "bold", "italic"):
                self.caption = None
        for section in reversed(self.sections):
            self._close(section)

    # --- headings and header blocks ---------------------------------------

    def _on_heading(self, block: Block, position: int) -> None:
        while len(self.sections) > 1 and self.section.level >= block.level:
            self._close(self.sections.pop())
        section = Section(
            block.level, plain(block.text), block.line, first_entry=len(self.order)
        )
        self.sections.append(section)
        self.current = None
        if match := _MDX_NAME.search(block.text):
            self.ctx.summary.recognise('name="..." in a heading tag', "owner")
            section.owner = (match.group(1), block.line)
            return
        title = section.title
        if match := _OBJECTIVE_LABEL.match(title):
            draft = self._heading_draft(section, match)
            section.objective = draft
            self.current = draft
            return
        number = re.match(r"^#?(\d+[\w.]*)\s+\S", title)
        if number:
            section.details_for = self._row_with_id(number.group(1))

    def _heading_draft(self, section: Section, match: re.Match[str]) -> Draft:
        label, number, title = match.groups()
        note = re.search(r"\s*\(([^()]*)\)\s*$", title)
        name = title[: note.start()].strip() if note else title
        draft = self._new_draft(name.rstrip(".:"), section.line)
        draft.id = slugify(f"{label} {number}")
        if note:
            draft.notes.append(note.group(1))
        return draft

    def _row_with_id(self, number: str) -> Initiative | None:
        """Find the table row whose id, as written or qualified, is `number`."""
        ids = {number, f"{file_key(self.ctx.path)}/{number}"}
        for entry in self.order:
            if not isinstance(entry, Draft) and entry.id in ids:
                return entry
        return None

    def _close(self, section: Section) -> None:
        """Report an owner's block with no goal, or captions with no list under them."""
        summary = self.ctx.summary
        if section.owner is not None and len(self.order) == section.first_entry:
            summary.drop(
                section.line,
                f"goal block for '{section.owner[0]}' has no goal; no initiative read",
                "the heading names an owner, but nothing follows it",
            )
            return
        for line, caption in section.empty_captions:
            summary.drop(
                line,
                f"'{quote(caption)}' has nothing under it",
                "the list it introduces is missing",
            )

    def _on_key_value(self, block: Block, position: int) -> None:
        field_name = match_header(block.key) or f"header:{block.key}"
        self.section.header[field_name] = (block.text, block.line)
        if field_name.startswith("header:"):
            self.ctx.summary.drop(
                block.line,
                f"header '{block.key}' is not a register field, kept in extra",
            )
        elif field_name == "id":
            self.ctx.summary.recognise(
                f"**{block.key}:**", "document id, kept in extra"
            )
        else:
            self.ctx.summary.recognise(f"**{block.key}:**", field_name)

    # --- objectives and prose -------------------------------------------------

    def _on_bold(self, block: Block, position: int) -> None:
        match = BOLD_LINE.match(block.text)
        assert match is not None
        inner, after = match.group(1), match.group(2)
        if self._is_caption(inner, block, position):
            self.caption = inner
            following = self._following(position)
            if following is None or following.kind not in ("list", "table"):
                caption = plain(inner).rstrip(":")
                self.section.empty_captions.append((block.line, caption))
            return
        title, function, owner = title_parts(plain(inner))
        self.ctx.summary.recognise("bold paragraphs", "objectives")
        draft = self._new_draft(title, block.line)
        self._describe(draft, function, owner, plain(after), block.line)
        self.current = draft

    def _following(self, position: int) -> Block | None:
        return self.blocks[position + 1] if position + 1 < len(self.blocks) else None

    def _is_caption(self, inner: str, block: Block, position: int) -> bool:
        following = self._following(position)
        if following is not None and following.kind == "list":
            return True
        ends_with_colon = block.text.rstrip().endswith(":") or inner.endswith(":")
        return ends_with_colon and bool(KR_CAPTION.search(inner))

    def _on_italic(self, block: Block, position: int) -> None:
        if self.current is not None and not self.current.key_results:
            self.current.notes.append(plain(block.text))
            return
        why = (
            "it follows no objective"
            if self.current is None
            else "it comes after the key results of the objective above it"
        )
        self.ctx.summary.drop(
            block.line, f"note '{quote(plain(block.text))}' not read", why
        )

    def _on_paragraph(self, block: Block, position: int) -> None:
        self.caption = block.text
        if not states_period(block.text):
            self._report_figures(block)

    def _report_figures(self, block: Block) -> None:
        """Report a paragraph that states a measured goal or results as prose."""
        text = plain(block.text)
        if not re.search(r"\d", text):
            return
        summary = self.ctx.summary
        if _RESULTS_HEADING.search(self.section.title):
            summary.drop(
                block.line,
                f"results '{quote(text)}' not read as outcomes",
                "results written as prose are not read; record the outcome and "
                "actual movement of each closed initiative",
            )
            return
        spans = [
            plain(m.group(1) or m.group(2)) for m in _BOLD_SPAN.finditer(block.text)
        ]
        measured = next((span for span in spans if re.search(r"\d", span)), None)
        if measured is not None:
            summary.drop(
                block.line,
                f"measured goal '{quote(measured, 100)}' not read",
                "it is bold text inside a paragraph; put it on a line of its own, "
                "in bold, to read it as an objective",
            )
        elif _PERCENT.search(text):
            summary.drop(
                block.line,
                f"paragraph '{quote(text)}' not read",
                "it states a figure in prose; write a goal as a bold line or a "
                "list item to read it as an objective",
            )
