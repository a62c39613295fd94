"""Markdown tables: one initiative per row, or the key results of a heading."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from boardloop.io._fields import DateOrder, match_header
from boardloop.io._markdown_blocks import plain
from boardloop.io._markdown_drafts import ReaderState
from boardloop.io._table import TableReader, map_headers

if TYPE_CHECKING:
    from boardloop.io._markdown_blocks import Block

__all__ = ["TableHandlers"]


class TableHandlers(ReaderState):
    """Read table blocks by their header names."""

    def _on_table(self, block: Block, position: int) -> None:
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

    def _is_key_result_table(self, headers: list[str]) -> bool:
        keys = {header.strip().casefold() for header in headers}
        return bool(keys & {"kr", "key result", "key results", "target", "measure"})

    def _key_result_table(
        self, block: Block, headers: list[str], rows: list[tuple[int, list[str]]]
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
                    entry[key] = plain(cell)
            draft.key_results.append(entry)


def _kr_key(header: str) -> str:
    key = header.strip().casefold()
    if key in ("kr", "key result", "#", "id"):
        return "id"
    field_name = match_header(header)
    return {"kpi": "measure"}.get(field_name or "", field_name or key)
