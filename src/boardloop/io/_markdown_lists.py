"""Markdown lists: nested objectives with key results, goal lists, task details."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from boardloop.io._markdown_blocks import (
    BOLD_LINE,
    GOAL_HEADING,
    plain,
    split_note,
    title_parts,
)
from boardloop.io._markdown_drafts import ReaderState

if TYPE_CHECKING:
    from boardloop.domain.model import Initiative
    from boardloop.io._markdown_blocks import Block, Item
    from boardloop.io._markdown_drafts import Draft

__all__ = ["KR_CAPTION", "ListHandlers", "key_result", "walk"]

_KR_PREFIX = re.compile(
    r"^(?:(.{1,40}?)\s+)?(?:KR|key result)\s*[\d.]*\s*:\s*(.+)$", re.I
)
KR_CAPTION = re.compile(
    r"key results?|\bkrs?\b|success|measured?|metrics?|criteria|done when", re.I
)


class ListHandlers(ReaderState):
    """Read list blocks: objectives, key results, goal items and row details."""

    def _on_list(self, block: Block, position: int) -> None:
        if any(_is_bold(item) for item in walk(block.items)):
            for item in block.items:
                self._list_item(item, parent=None)
            return
        section = self.section
        if section.details_for is not None:
            self._details(section.details_for, block.items)
        elif self.current is not None:
            self._attach(self.current, block.items)
        elif GOAL_HEADING.search(section.title) and section.level > 0:
            self.ctx.summary.recognise(f"list under '{section.title}'", "initiatives")
            for item in block.items:
                self._goal_item(item)
        else:
            self.ctx.summary.drop(
                block.line,
                f"list of {len(block.items)} items not read",
                "it is under no objective and no heading about goals or initiatives",
            )

    def _list_item(self, item: Item, parent: Draft | None) -> None:
        if _is_bold(item):
            match = BOLD_LINE.match(item.text.strip())
            assert match is not None
            title, function, owner = title_parts(plain(match.group(1)))
            self.ctx.summary.recognise("bold list items", "objectives")
            draft = self._new_draft(title, item.line)
            self._describe(draft, function, owner, plain(match.group(2)), item.line)
            if parent is not None:
                draft.set("program", parent.name, item.line)
            for child in item.children:
                self._list_item(child, draft)
        elif parent is not None:
            self.ctx.summary.recognise("items under an objective", "key results")
            parent.key_results.append(key_result(item))
            for child in item.children:
                self._list_item(child, parent)
        else:
            self.ctx.summary.drop(
                item.line,
                f"key result '{plain(item.text)[:60]}' not read",
                "it has no objective above it",
            )

    def _attach(self, draft: Draft, items: list[Item]) -> None:
        caption = self.caption
        if caption is None or KR_CAPTION.search(caption):
            draft.key_results.extend(key_result(item) for item in walk(items))
        else:
            draft.notes.extend(plain(item.text) for item in walk(items))

    def _goal_item(self, item: Item) -> None:
        text, note = split_note(plain(item.text))
        title, function, owner = title_parts(text)
        draft = self._new_draft(title, item.line)
        self._describe(draft, function, owner, f"=> {note}" if note else "", item.line)
        if re.search(r"\d", title):
            draft.set("target", title, item.line)
        self._attach(draft, item.children)

    def _details(self, initiative: Initiative, items: list[Item]) -> None:
        details = initiative.extra.setdefault("details", {})
        for item in items:
            key, _, value = plain(item.text).partition(":")
            if not value:
                key, value = "note", key
            text = " ".join(
                [value.strip(), *(plain(c.text) for c in walk(item.children))]
            )
            details[key.strip().casefold()] = text.strip()
        initiative.extra.setdefault("details_line", items[0].line)


def _is_bold(item: Item) -> bool:
    text = item.text.strip()
    return text.startswith("**") and BOLD_LINE.match(text) is not None


def walk(items: list[Item]) -> list[Item]:
    """List items and their children, depth first, in file order."""
    result = []
    for item in items:
        result.append(item)
        result.extend(walk(item.children))
    return result


def key_result(item: Item) -> dict[str, Any]:
    """Read a key result item: its line, text, function prefix and '=> note'."""
    text, note = split_note(plain(item.text))
    match = _KR_PREFIX.match(text)
    entry: dict[str, Any] = {
        "line": item.line,
        "text": match.group(2) if match else text,
    }
    if match and match.group(1):
        entry["function"] = match.group(1)
    if note:
        entry["status"] = note
    return entry
