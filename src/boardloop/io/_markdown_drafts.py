"""Initiative drafts read from Markdown, the sections that hold them, reader state."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from boardloop.io._markdown_blocks import PLACEHOLDER, split_note

if TYPE_CHECKING:
    from boardloop.domain.model import Initiative
    from boardloop.io._fields import ReadContext
    from boardloop.io._markdown_blocks import Block

__all__ = ["Draft", "ReaderState", "Section"]


@dataclass(slots=True)
class Draft:
    """An initiative being assembled from Markdown before it is built."""

    name: str
    line: int
    values: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    key_results: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    defaults: dict[str, tuple[str, int]] = field(default_factory=dict)
    id: str | None = None

    def set(self, field_name: str, text: str, line: int) -> None:
        if text and field_name not in self.values:
            self.values[field_name] = text
            self.lines[field_name] = line


@dataclass(slots=True)
class Section:
    """A heading and what it gives the initiatives under it.

    `first_entry` is the number of initiatives read before the heading, so a
    section that ends with the same number read none. `empty_captions` holds
    the lines and text of captions such as "**Key results:**" with no list
    under them.
    """

    level: int
    title: str
    line: int
    header: dict[str, tuple[str, int]] = field(default_factory=dict)
    owner: tuple[str, int] | None = None
    objective: Draft | None = None
    details_for: Initiative | None = None
    first_entry: int = 0
    empty_captions: list[tuple[int, str]] = field(default_factory=list)


class ReaderState:
    """What the Markdown reader tracks while it walks the blocks of one document."""

    def __init__(self, ctx: ReadContext, blocks: list[Block]) -> None:
        self.ctx = ctx
        self.blocks = blocks
        self.sections = [Section(0, "", 0)]
        self.drafts: list[Draft] = []
        self.order: list[Draft | Initiative] = []
        self.current: Draft | None = None
        self.caption: str | None = None

    @property
    def section(self) -> Section:
        return self.sections[-1]

    def _new_draft(self, name: str, line: int) -> Draft:
        draft = Draft(name, line, defaults=self._defaults())
        self.drafts.append(draft)
        self.order.append(draft)
        return draft

    def _defaults(self) -> dict[str, tuple[str, int]]:
        """Collect what the enclosing sections give: header fields and owner."""
        defaults: dict[str, tuple[str, int]] = {}
        for section in self.sections:
            defaults.update(section.header)
            if section.owner is not None:
                defaults["owner"] = section.owner
        return defaults

    def _describe(
        self,
        draft: Draft,
        function: str | None,
        owner: str | None,
        after: str,
        line: int,
    ) -> None:
        if function:
            self.ctx.summary.recognise("'Function:' before a title", "owner function")
            if PLACEHOLDER.match(function):
                draft.set("owner", function, line)
            else:
                draft.set("owner_function", function, line)
        if owner:
            self.ctx.summary.recognise("'(owner)' after a title", "owner")
            draft.set("owner", owner, line)
        _, note = split_note(after) if after else ("", "")
        if not note and after.startswith(("=>", "->", "→")):
            note = after[2:].strip()
        if note:
            self.ctx.summary.recognise("'=> note' after a title", "status and progress")
            draft.set("progress_note", note, line)
            draft.set("status", note, line)
