"""Markdown lines into blocks, and the text helpers the Markdown reader shares.

A block is a heading, a table, a list with its nesting, a `**Key:** value`
line, a bold line, an italic line or a paragraph. Line numbers are 1-based.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from boardloop.io._fields import FUNCTION_WORDS

__all__ = [
    "BOLD_LINE",
    "GOAL_HEADING",
    "PLACEHOLDER",
    "Block",
    "Item",
    "plain",
    "quote",
    "split_blocks",
    "split_note",
    "title_parts",
]

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LIST_ITEM = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+(.*)$")
_KEY_VALUE = re.compile(
    r"^\*\*([^*]{1,40}?):\*\*\s*(\S.*)$|^\*\*([^*]{1,40})\*\*:\s*(\S.*)$"
)
BOLD_LINE = re.compile(r"^\*\*(.+?)\*\*\s*:?\s*(.*)$")
_ITALIC_LINE = re.compile(r"^[*_](?![*_])(.+)[*_]$")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_ARROW = re.compile(r"\s*(?:=>|->|→)\s*")
_PREFIX = re.compile(r"^([A-Za-z<][\w&/ .<>-]{0,40}?):\s+(.+)$")
GOAL_HEADING = re.compile(
    r"\b(goals?|objectives?|okrs?|initiatives?|priorities|projects|programs?)\b", re.I
)
PLACEHOLDER = re.compile(r"^<[^<>]+>$")


# --- lines into blocks -------------------------------------------------------


@dataclass(slots=True)
class Item:
    """One list item with its children, as nested in the file."""

    indent: int
    text: str
    line: int
    children: list[Item] = field(default_factory=list)


@dataclass(slots=True)
class Block:
    """A heading, table, list, key/value line, bold line or paragraph."""

    kind: str
    line: int
    text: str = ""
    level: int = 0
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    key: str = ""


def split_blocks(lines: list[str]) -> list[Block]:
    """Split Markdown lines into blocks; line numbers are 1-based."""
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        text, number = lines[index], index + 1
        stripped = text.strip()
        if not stripped:
            index += 1
            continue
        if match := _HEADING.match(stripped):
            blocks.append(Block("heading", number, match.group(2), len(match.group(1))))
        elif _TABLE_ROW.match(text):
            index = _table_block(lines, index, blocks)
            continue
        elif _LIST_ITEM.match(text):
            index = _list_block(lines, index, blocks)
            continue
        elif match := _KEY_VALUE.match(stripped):
            key = match.group(1) or match.group(3)
            value = match.group(2) or match.group(4)
            blocks.append(Block("key_value", number, value.strip(), key=key.strip()))
        elif BOLD_LINE.match(stripped) and stripped.startswith("**"):
            blocks.append(Block("bold", number, stripped))
        elif _ITALIC_LINE.match(stripped):
            blocks.append(Block("italic", number, stripped))
        elif _continues_paragraph(blocks, lines, index):
            blocks[-1].text += " " + stripped
            if _ITALIC_LINE.match(blocks[-1].text):
                blocks[-1].kind = "italic"
        else:
            blocks.append(Block("paragraph", number, stripped))
        index += 1
    return blocks


def _continues_paragraph(blocks: list[Block], lines: list[str], index: int) -> bool:
    """Tell whether a prose line goes on the paragraph of the line above it."""
    if not blocks or blocks[-1].kind != "paragraph" or index == 0:
        return False
    above = lines[index - 1].strip()
    return bool(above) and blocks[-1].text.endswith(above)


def _table_block(lines: list[str], index: int, blocks: list[Block]) -> int:
    rows = []
    while index < len(lines) and _TABLE_ROW.match(lines[index]):
        if not _TABLE_RULE.match(lines[index]):
            rows.append((index + 1, _split_row(lines[index])))
        index += 1
    blocks.append(Block("table", rows[0][0], rows=rows))
    return index


def _split_row(text: str) -> list[str]:
    body = text.strip().removeprefix("|").removesuffix("|")
    cells = re.split(r"(?<!\\)\|", body)
    return [plain(cell.replace("\\|", "|")) for cell in cells]


def _list_block(lines: list[str], index: int, blocks: list[Block]) -> int:
    """Read a list with its nesting; continuation lines join their item."""
    roots: list[Item] = []
    stack: list[Item] = []
    while index < len(lines):
        text = lines[index]
        match = _LIST_ITEM.match(text)
        if match:
            item = Item(len(match.group(1).expandtabs(4)), match.group(3), index + 1)
            while stack and stack[-1].indent >= item.indent:
                stack.pop()
            (stack[-1].children if stack else roots).append(item)
            stack.append(item)
        elif text.strip() and stack and text.startswith((" ", "\t")):
            stack[-1].text += " " + text.strip()
        elif text.strip() or not _list_continues(lines, index):
            break
        index += 1
    blocks.append(Block("list", roots[0].line, items=roots))
    return index


def _list_continues(lines: list[str], index: int) -> bool:
    for text in lines[index + 1 :]:
        if text.strip():
            return bool(_LIST_ITEM.match(text)) and text.startswith((" ", "\t"))
    return False


# --- text helpers ---------------------------------------------------------------


def plain(text: str) -> str:
    """Drop links (keeping their text), emphasis marks and outer spaces."""
    text = _LINK.sub(r"\1", text)
    text = re.sub(r"(\*\*|__|`)", "", text)
    text = re.sub(r"(?<![\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])", r"\1", text)
    return " ".join(text.split())


def quote(text: str, limit: int = 60) -> str:
    """Shorten text for a notice at a word break, ending it with '...' when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 3]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "..."


def split_note(text: str) -> tuple[str, str]:
    """Split 'title => progress note' into the title and the note."""
    parts = _ARROW.split(text, maxsplit=1)
    return parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")


def _owner_parenthesis(text: str) -> tuple[str, str | None]:
    """Split a trailing '(owner)' off a title when it names a person or function."""
    match = re.fullmatch(r"(.*\S)\s*\(([^()]+)\)[.:]?", text)
    if match is None:
        return text, None
    inner = match.group(2).strip()
    is_name = re.fullmatch(r"[A-Z][\w.'-]*( [A-Z][\w.'-]*){0,3}", inner)
    if PLACEHOLDER.match(inner) or is_name or inner.casefold() in FUNCTION_WORDS:
        return match.group(1).strip(), inner
    return text, None


def title_parts(text: str) -> tuple[str, str | None, str | None]:
    """Read 'Function: title (owner)' into the title, function and owner text."""
    title, owner = _owner_parenthesis(text.strip())
    function = None
    match = _PREFIX.match(title)
    if match and len(match.group(1).split()) <= 4:
        function, title = match.group(1).strip(), match.group(2).strip()
    return title.rstrip(".:").strip(), function, owner
