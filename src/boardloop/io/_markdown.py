"""Markdown registers: tables, nested objective lists, goal lists, header blocks.

The reader works line by line. A table whose header names an initiative column
gives one initiative per row. A bold list item or bold paragraph is an
objective, its non-bold children and the list that follows it are its key
results. A list under a heading about goals, objectives or initiatives gives
one initiative per item. A `**Key:** value` block applies to the initiatives of
its section, and a heading or sentence naming a period gives the document's
period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from boardloop.io._csv import TableReader, apply_defaults, map_headers
from boardloop.io._fields import (
    FUNCTION_WORDS,
    DateOrder,
    match_header,
    parse_date,
    slugify,
)
from boardloop.io._summary import Period

if TYPE_CHECKING:
    from boardloop.domain.model import Initiative
    from boardloop.io._fields import ReadContext

__all__ = ["read_markdown_text"]

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LIST_ITEM = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+(.*)$")
_KEY_VALUE = re.compile(
    r"^\*\*([^*]{1,40}?):\*\*\s*(\S.*)$|^\*\*([^*]{1,40})\*\*:\s*(\S.*)$"
)
_BOLD_LINE = re.compile(r"^\*\*(.+?)\*\*\s*:?\s*(.*)$")
_ITALIC_LINE = re.compile(r"^[*_](?![*_])(.+)[*_]$")
_MDX_NAME = re.compile(r"<[A-Z]\w*\s[^>]*\bname=\"([^\"]+)\"[^>]*/?>")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_ARROW = re.compile(r"\s*(?:=>|->|→)\s*")
_PREFIX = re.compile(r"^([A-Za-z<][\w&/ .<>-]{0,40}?):\s+(.+)$")
_KR_PREFIX = re.compile(
    r"^(?:(.{1,40}?)\s+)?(?:KR|key result)\s*[\d.]*\s*:\s*(.+)$", re.I
)
_OBJECTIVE_LABEL = re.compile(
    r"^(objective|initiative|goal)\s+([\w.]+)\s*:\s*(.+)$", re.I
)
_GOAL_HEADING = re.compile(
    r"\b(goals?|objectives?|okrs?|initiatives?|priorities|projects|programs?)\b", re.I
)
_KR_CAPTION = re.compile(
    r"key results?|\bkrs?\b|success|measured?|metrics?|criteria|done when", re.I
)
_ID_LIKE = re.compile(r"^#?\d+(\.\d+)*[a-z]?$", re.I)
_PLACEHOLDER = re.compile(r"^<[^<>]+>$")


# --- lines into blocks -------------------------------------------------------


@dataclass(slots=True)
class _Item:
    """One list item with its children, as nested in the file."""

    indent: int
    text: str
    line: int
    children: list[_Item] = field(default_factory=list)


@dataclass(slots=True)
class _Block:
    """A heading, table, list, key/value line, bold line or paragraph."""

    kind: str
    line: int
    text: str = ""
    level: int = 0
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    items: list[_Item] = field(default_factory=list)
    key: str = ""


def _blocks(lines: list[str]) -> list[_Block]:
    """Split Markdown lines into blocks; line numbers are 1-based."""
    blocks: list[_Block] = []
    index = 0
    while index < len(lines):
        text, number = lines[index], index + 1
        stripped = text.strip()
        if not stripped:
            index += 1
            continue
        if match := _HEADING.match(stripped):
            blocks.append(
                _Block("heading", number, match.group(2), len(match.group(1)))
            )
        elif _TABLE_ROW.match(text):
            index = _table_block(lines, index, blocks)
            continue
        elif _LIST_ITEM.match(text):
            index = _list_block(lines, index, blocks)
            continue
        elif match := _KEY_VALUE.match(stripped):
            key = match.group(1) or match.group(3)
            value = match.group(2) or match.group(4)
            blocks.append(_Block("key_value", number, value.strip(), key=key.strip()))
        elif _BOLD_LINE.match(stripped) and stripped.startswith("**"):
            blocks.append(_Block("bold", number, stripped))
        else:
            kind = "italic" if _ITALIC_LINE.match(stripped) else "paragraph"
            blocks.append(_Block(kind, number, stripped))
        index += 1
    return blocks


def _table_block(lines: list[str], index: int, blocks: list[_Block]) -> int:
    rows = []
    while index < len(lines) and _TABLE_ROW.match(lines[index]):
        if not _TABLE_RULE.match(lines[index]):
            rows.append((index + 1, _split_row(lines[index])))
        index += 1
    blocks.append(_Block("table", rows[0][0], rows=rows))
    return index


def _split_row(text: str) -> list[str]:
    body = text.strip().removeprefix("|").removesuffix("|")
    cells = re.split(r"(?<!\\)\|", body)
    return [_plain(cell.replace("\\|", "|")) for cell in cells]


def _list_block(lines: list[str], index: int, blocks: list[_Block]) -> int:
    """Read a list with its nesting; continuation lines join their item."""
    roots: list[_Item] = []
    stack: list[_Item] = []
    while index < len(lines):
        text = lines[index]
        match = _LIST_ITEM.match(text)
        if match:
            item = _Item(len(match.group(1).expandtabs(4)), match.group(3), index + 1)
            while stack and stack[-1].indent >= item.indent:
                stack.pop()
            (stack[-1].children if stack else roots).append(item)
            stack.append(item)
        elif text.strip() and stack and text.startswith((" ", "\t")):
            stack[-1].text += " " + text.strip()
        elif text.strip() or not _list_continues(lines, index):
            break
        index += 1
    blocks.append(_Block("list", roots[0].line, items=roots))
    return index


def _list_continues(lines: list[str], index: int) -> bool:
    for text in lines[index + 1 :]:
        if text.strip():
            return bool(_LIST_ITEM.match(text)) and text.startswith((" ", "\t"))
    return False


# --- text helpers ---------------------------------------------------------------


def _plain(text: str) -> str:
    """Drop links (keeping their text), emphasis marks and outer spaces."""
    text = _LINK.sub(r"\1", text)
    text = re.sub(r"(\*\*|__|`)", "", text)
    text = re.sub(r"(?<![\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])", r"\1", text)
    return " ".join(text.split())


def _split_note(text: str) -> tuple[str, str]:
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
    if _PLACEHOLDER.match(inner) or is_name or inner.casefold() in FUNCTION_WORDS:
        return match.group(1).strip(), inner
    return text, None


def _title_parts(text: str) -> tuple[str, str | None, str | None]:
    """Read 'Function: title (owner)' into the title, function and owner text."""
    title, owner = _owner_parenthesis(text.strip())
    function = None
    match = _PREFIX.match(title)
    if match and len(match.group(1).split()) <= 4:
        function, title = match.group(1).strip(), match.group(2).strip()
    return title.rstrip(".:").strip(), function, owner


# --- drafts -------------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
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
class _Section:
    """A heading and what it gives the initiatives under it."""

    level: int
    title: str
    line: int
    header: dict[str, tuple[str, int]] = field(default_factory=dict)
    owner: tuple[str, int] | None = None
    objective: _Draft | None = None
    details_for: Initiative | None = None


class _MarkdownReader:
    """Walk the blocks of one document and collect drafts."""

    def __init__(self, ctx: ReadContext, blocks: list[_Block]) -> None:
        self.ctx = ctx
        self.blocks = blocks
        self.sections = [_Section(0, "", 0)]
        self.drafts: list[_Draft] = []
        self.order: list[_Draft | Initiative] = []
        self.current: _Draft | None = None
        self.caption: str | None = None

    @property
    def section(self) -> _Section:
        return self.sections[-1]

    def run(self) -> None:
        for position, block in enumerate(self.blocks):
            handler = getattr(self, f"_on_{block.kind}")
            handler(block, position)
            if block.kind not in ("paragraph", "bold", "italic"):
                self.caption = None

    # --- headings and header blocks ---------------------------------------

    def _on_heading(self, block: _Block, position: int) -> None:
        while len(self.sections) > 1 and self.section.level >= block.level:
            self.sections.pop()
        section = _Section(block.level, _plain(block.text), block.line)
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

    def _heading_draft(self, section: _Section, match: re.Match[str]) -> _Draft:
        label, number, title = match.groups()
        note = re.search(r"\s*\(([^()]*)\)\s*$", title)
        name = title[: note.start()].strip() if note else title
        draft = self._new_draft(name.rstrip(".:"), section.line)
        draft.id = slugify(f"{label} {number}")
        if note:
            draft.notes.append(note.group(1))
        return draft

    def _row_with_id(self, number: str) -> Initiative | None:
        for entry in self.order:
            if not isinstance(entry, _Draft) and entry.id == number:
                return entry
        return None

    def _on_key_value(self, block: _Block, position: int) -> None:
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

    # --- objectives ---------------------------------------------------------

    def _on_bold(self, block: _Block, position: int) -> None:
        match = _BOLD_LINE.match(block.text)
        assert match is not None
        inner, after = match.group(1), match.group(2)
        if self._is_caption(inner, block, position):
            self.caption = inner
            return
        title, function, owner = _title_parts(_plain(inner))
        self.ctx.summary.recognise("bold paragraphs", "objectives")
        draft = self._new_draft(title, block.line)
        self._describe(draft, function, owner, _plain(after), block.line)
        self.current = draft

    def _is_caption(self, inner: str, block: _Block, position: int) -> bool:
        following = (
            self.blocks[position + 1] if position + 1 < len(self.blocks) else None
        )
        if following is not None and following.kind == "list":
            return True
        ends_with_colon = block.text.rstrip().endswith(":")
        return ends_with_colon and bool(_KR_CAPTION.search(inner))

    def _on_italic(self, block: _Block, position: int) -> None:
        if self.current is not None and not self.current.key_results:
            self.current.notes.append(_plain(block.text))

    def _on_paragraph(self, block: _Block, position: int) -> None:
        self.caption = block.text

    def _new_draft(self, name: str, line: int) -> _Draft:
        draft = _Draft(name, line, defaults=self._defaults())
        self.drafts.append(draft)
        self.order.append(draft)
        return draft

    def _describe(
        self,
        draft: _Draft,
        function: str | None,
        owner: str | None,
        after: str,
        line: int,
    ) -> None:
        if function:
            self.ctx.summary.recognise("'Function:' before a title", "owner function")
            if _PLACEHOLDER.match(function):
                draft.set("owner", function, line)
            else:
                draft.set("owner_function", function, line)
        if owner:
            self.ctx.summary.recognise("'(owner)' after a title", "owner")
            draft.set("owner", owner, line)
        _, note = _split_note(after) if after else ("", "")
        if not note and after.startswith(("=>", "->", "→")):
            note = after[2:].strip()
        if note:
            self.ctx.summary.recognise("'=> note' after a title", "status and progress")
            draft.set("progress_note", note, line)
            draft.set("status", note, line)

    # --- lists --------------------------------------------------------------

    def _on_list(self, block: _Block, position: int) -> None:
        if any(_is_bold(item) for item in _walk(block.items)):
            for item in block.items:
                self._list_item(item, parent=None)
            return
        section = self.section
        if section.details_for is not None:
            self._details(section.details_for, block.items)
        elif self.current is not None:
            self._attach(self.current, block.items)
        elif _GOAL_HEADING.search(section.title) and section.level > 0:
            self.ctx.summary.recognise(f"list under '{section.title}'", "initiatives")
            for item in block.items:
                self._goal_item(item)
        else:
            self.ctx.summary.drop(
                block.line,
                f"list of {len(block.items)} items not read",
                "it is under no objective and no heading about goals or initiatives",
            )

    def _list_item(self, item: _Item, parent: _Draft | None) -> None:
        if _is_bold(item):
            match = _BOLD_LINE.match(item.text.strip())
            assert match is not None
            title, function, owner = _title_parts(_plain(match.group(1)))
            self.ctx.summary.recognise("bold list items", "objectives")
            draft = self._new_draft(title, item.line)
            self._describe(draft, function, owner, _plain(match.group(2)), item.line)
            if parent is not None:
                draft.set("program", parent.name, item.line)
            for child in item.children:
                self._list_item(child, draft)
        elif parent is not None:
            self.ctx.summary.recognise("items under an objective", "key results")
            parent.key_results.append(_key_result(item))
            for child in item.children:
                self._list_item(child, parent)
        else:
            self.ctx.summary.drop(
                item.line,
                f"key result '{_plain(item.text)[:60]}' not read",
                "it has no objective above it",
            )

    def _attach(self, draft: _Draft, items: list[_Item]) -> None:
        caption = self.caption
        if caption is None or _KR_CAPTION.search(caption):
            draft.key_results.extend(_key_result(item) for item in _walk(items))
        else:
            draft.notes.extend(_plain(item.text) for item in _walk(items))

    def _goal_item(self, item: _Item) -> None:
        text, note = _split_note(_plain(item.text))
        title, function, owner = _title_parts(text)
        draft = self._new_draft(title, item.line)
        self._describe(draft, function, owner, f"=> {note}" if note else "", item.line)
        if re.search(r"\d", title):
            draft.set("target", title, item.line)
        self._attach(draft, item.children)

    def _details(self, initiative: Initiative, items: list[_Item]) -> None:
        details = initiative.extra.setdefault("details", {})
        for item in items:
            key, _, value = _plain(item.text).partition(":")
            if not value:
                key, value = "note", key
            text = " ".join(
                [value.strip(), *(_plain(c.text) for c in _walk(item.children))]
            )
            details[key.strip().casefold()] = text.strip()
        initiative.extra.setdefault("details_line", items[0].line)

    # --- tables -------------------------------------------------------------

    def _on_table(self, block: _Block, position: int) -> None:
        header_line, headers = block.rows[0]
        rows = block.rows[1:]
        fields = [match_header(header) for header in headers]
        if "name" in fields:
            self._initiative_table(header_line, headers, rows)
        elif self._is_key_result_table(headers):
            self._key_result_table(block, headers, rows)
        else:
            self.ctx.summary.drop(
                header_line,
                f"table with columns {', '.join(headers)} not read",
                "it has no initiative name column and no key result column",
            )

    def _initiative_table(
        self, line: int, headers: list[str], rows: list[tuple[int, list[str]]]
    ) -> None:
        columns = map_headers(headers, line, self.ctx)
        reader = TableReader(
            self.ctx, columns, rows, ambiguous_order=DateOrder.DAY_FIRST
        )
        defaults = self._defaults()
        for row_line, cells in rows:
            initiative = reader.read_row(row_line, cells, defaults)
            if initiative is not None:
                self.order.append(initiative)

    def _defaults(self) -> dict[str, tuple[str, int]]:
        """Collect what the enclosing sections give: header fields and owner."""
        defaults: dict[str, tuple[str, int]] = {}
        for section in self.sections:
            defaults.update(section.header)
            if section.owner is not None:
                defaults["owner"] = section.owner
        return defaults

    def _is_key_result_table(self, headers: list[str]) -> bool:
        keys = {header.strip().casefold() for header in headers}
        return bool(keys & {"kr", "key result", "key results", "target", "measure"})

    def _key_result_table(
        self, block: _Block, headers: list[str], rows: list[tuple[int, list[str]]]
    ) -> None:
        draft = self.current
        if draft is None:
            section = self.section
            if section.level == 0:
                self.ctx.summary.drop(
                    block.line,
                    "key result table not read",
                    "it has no heading above it",
                )
                return
            draft = self._new_draft(section.title, section.line)
            section.objective = draft
            self.current = draft
        self.ctx.summary.recognise(
            f"table with columns {', '.join(headers)}", "key results of the heading"
        )
        keys = [_kr_key(header) for header in headers]
        for line, cells in rows:
            entry: dict[str, Any] = {"line": line}
            for key, cell in zip(keys, cells, strict=False):
                if cell.strip():
                    entry[key] = _plain(cell)
            draft.key_results.append(entry)


def _kr_key(header: str) -> str:
    key = header.strip().casefold()
    if key in ("kr", "key result", "#", "id"):
        return "id"
    field_name = match_header(header)
    return {"kpi": "measure"}.get(field_name or "", field_name or key)


def _is_bold(item: _Item) -> bool:
    text = item.text.strip()
    return text.startswith("**") and _BOLD_LINE.match(text) is not None


def _walk(items: list[_Item]) -> list[_Item]:
    result = []
    for item in items:
        result.append(item)
        result.extend(_walk(item.children))
    return result


def _key_result(item: _Item) -> dict[str, Any]:
    text, note = _split_note(_plain(item.text))
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


# --- period -------------------------------------------------------------------

_FY = r"FY\s?'?(\d{4}|\d{2})"
_PERIOD_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("fy-quarter", re.compile(rf"\b{_FY}\s*[-\s]?\s*Q([1-4])\b", re.I)),
    ("quarter-fy", re.compile(rf"\bQ([1-4])\s*[-\s]?\s*{_FY}\b", re.I)),
    ("quarter-year", re.compile(r"\bQ([1-4])\s*[-\s]?\s*'?(\d{4})\b", re.I)),
    ("year-quarter", re.compile(r"\b(\d{4})\s*[-\s]?\s*Q([1-4])\b", re.I)),
    ("half", re.compile(r"\bH([12])\s*[-\s]?\s*(?:FY\s?)?'?(\d{4}|\d{2})\b", re.I)),
    ("fy", re.compile(rf"\b{_FY}\b", re.I)),
    ("year", re.compile(r"\b(20\d{2})\b")),
)
_RUNS_FROM = re.compile(
    r"\b(?:quarter|period|year|half|cycle)\b.*?\bfrom\s+(.+?)\s+(?:to|through|until)\s+"
    r"(.+?)\.?$",
    re.I,
)


def find_period(blocks: list[_Block], ctx: ReadContext) -> Period | None:
    """Find the document's period in a heading or a 'runs from X to Y' sentence."""
    for block in blocks:
        if block.kind == "heading":
            period = _heading_period(_plain(block.text), block.line, ctx)
        elif block.kind == "paragraph":
            period = _sentence_period(block.text, block.line, ctx)
        else:
            period = None
        if period is not None:
            quoted = _plain(block.text)
            quoted = quoted if len(quoted) <= 60 else quoted[:57] + "..."
            ctx.summary.recognise(quoted, f"the period {period.label}")
            return period
    return None


def _fiscal_year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _heading_period(text: str, line: int, ctx: ReadContext) -> Period | None:
    calendar = ctx.calendar
    for kind, pattern in _PERIOD_PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        if kind == "year" and not _GOAL_HEADING.search(text):
            continue
        label = match.group(0).strip()
        if kind in ("fy-quarter", "year-quarter"):
            year, part = match.group(1), int(match.group(2))
            bounds = calendar.quarter_bounds(_fiscal_year(year), part)
        elif kind in ("quarter-fy", "quarter-year"):
            part, year = int(match.group(1)), match.group(2)
            bounds = calendar.quarter_bounds(_fiscal_year(year), part)
        elif kind == "half":
            part, year = int(match.group(1)), match.group(2)
            bounds = calendar.half_bounds(_fiscal_year(year), part)
        else:
            bounds = calendar.year_bounds(_fiscal_year(match.group(1)))
        return Period(label, bounds[0], bounds[1], line)
    return None


def _sentence_period(text: str, line: int, ctx: ReadContext) -> Period | None:
    match = _RUNS_FROM.search(_plain(text))
    if match is None:
        return None
    start, end = parse_date(match.group(1)), parse_date(match.group(2))
    if start is None or end is None or end < start:
        return None
    fiscal_year, quarter = ctx.calendar.quarter_of(start)
    if ctx.calendar.quarter_bounds(fiscal_year, quarter) == (start, end):
        label = ctx.calendar.quarter_label(fiscal_year, quarter)
    else:
        label = f"{start.isoformat()} to {end.isoformat()}"
    return Period(label, start, end, line)


# --- building -------------------------------------------------------------------


def read_markdown_text(
    text: str, ctx: ReadContext
) -> tuple[list[Initiative], Period | None]:
    """Read the initiatives of a Markdown document and the period it states."""
    blocks = _blocks(text.splitlines())
    period = find_period(blocks, ctx)
    reader = _MarkdownReader(ctx, blocks)
    reader.run()
    builder = TableReader(ctx, [], [], ambiguous_order=DateOrder.DAY_FIRST)
    initiatives = []
    for entry in reader.order:
        initiative = _build(entry, builder, ctx) if isinstance(entry, _Draft) else entry
        initiatives.append(_with_period_deadline(initiative, period, ctx))
    return initiatives, period


def _build(draft: _Draft, builder: TableReader, ctx: ReadContext) -> Initiative:
    values = dict(draft.values)
    values["name"] = draft.name
    lines = dict(draft.lines)
    lines["name"] = draft.line
    if draft.id:
        values["id"] = draft.id
    _target_from_key_results(draft, values, lines, ctx)
    if draft.notes:
        values["notes"] = "\n".join(draft.notes)
    extra: dict[str, object] = dict(draft.extra)
    if draft.key_results:
        extra["key_results"] = draft.key_results
    lines.update(apply_defaults(values, extra, draft.defaults))
    return builder.build(draft.line, values, extra, lines)


def _target_from_key_results(
    draft: _Draft, values: dict[str, str], lines: dict[str, int], ctx: ReadContext
) -> None:
    """Use the first key result that contains a number as the target."""
    if "target" in values or not draft.key_results:
        return
    numeric = [kr for kr in draft.key_results if re.search(r"\d", _kr_target(kr))]
    stated = [kr for kr in draft.key_results if kr.get("target")]
    candidates = numeric or stated
    if not candidates:
        return
    chosen = candidates[0]
    text = _kr_target(chosen)
    deadline = str(chosen.get("deadline", ""))
    if deadline and ctx.deadline(deadline)[0] is not None:
        values["deadline"] = deadline
        lines["deadline"] = chosen["line"]
    measure = str(chosen.get("measure", ""))
    if measure and ctx.kpi_id(measure) != measure.strip():
        values["kpi"] = measure
    values["target"] = text
    lines["target"] = chosen["line"]


def _kr_target(kr: dict[str, Any]) -> str:
    return str(kr.get("target") or kr.get("text") or "")


def _with_period_deadline(
    initiative: Initiative, period: Period | None, ctx: ReadContext
) -> Initiative:
    """Give an initiative with no deadline the period's end, as a guessed value."""
    if period is None or period.end is None or initiative.target.deadline is not None:
        return initiative
    line = initiative.source.line if initiative.source else None
    ctx.summary.guess(
        line,
        f"deadline read as {period.end.isoformat()}, the end of {period.label}",
        f"no deadline is given; the period is stated on line {period.line}",
    )
    target = replace(
        initiative.target, deadline=period.end, deadline_label=period.label
    )
    field_lines = dict(initiative.field_lines)
    if period.line is not None:
        field_lines["deadline"] = period.line
    extra = dict(initiative.extra)
    extra["guessed"] = [*extra.get("guessed", []), "target.deadline"]
    return replace(initiative, target=target, field_lines=field_lines, extra=extra)
