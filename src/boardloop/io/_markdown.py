"""Markdown registers: tables, nested objective lists, goal lists, header blocks.

The reader works line by line. A table whose header names an initiative column
gives one initiative per row. A bold list item or bold paragraph is an
objective, its non-bold children and the list that follows it are its key
results. A list under a heading about goals, objectives or initiatives gives
one initiative per item. A `**Key:** value` block applies to the initiatives of
its section, and a heading or sentence naming a period gives the document's
period, from which period phrases such as "by EOQ2" are counted.

The steps live in sibling modules: `_markdown_blocks` splits lines into
blocks, `_markdown_period` finds the period, `_markdown_reader` (with
`_markdown_lists` and `_markdown_tables`) collects drafts, and
`_markdown_key_results` takes an objective's target and deadline from its key
results, and `_markdown_notes` reads progress notes. This module builds the
initiatives.
"""

from __future__ import annotations

import datetime as dt
import inspect
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Any

from boardloop.io._fields import DateOrder, ReadContext
from boardloop.io._markdown_blocks import split_blocks
from boardloop.io._markdown_drafts import Draft
from boardloop.io._markdown_key_results import (
    apply_key_result_deadline,
    target_from_key_results,
)
from boardloop.io._markdown_notes import read_progress
from boardloop.io._markdown_period import find_period
from boardloop.io._markdown_reader import MarkdownReader
from boardloop.io._table import TableReader, apply_defaults

if TYPE_CHECKING:
    from boardloop.domain.model import Initiative, Target
    from boardloop.io._summary import Period

__all__ = ["read_markdown_text"]


def read_markdown_text(
    text: str, ctx: ReadContext
) -> tuple[list[Initiative], Period | None]:
    """Read the initiatives of a Markdown document and the period it states."""
    blocks = split_blocks(text.splitlines())
    period = find_period(blocks, ctx)
    if period is not None and period.start is not None:
        ctx = _PeriodContext(
            ctx.path, ctx.calendar, ctx.as_of, ctx.kpi_aliases, ctx.summary,
            period_start=period.start,
        )  # fmt: skip
    reader = MarkdownReader(ctx, blocks)
    reader.run()
    builder = TableReader(ctx, [], [], ambiguous_order=DateOrder.DAY_FIRST)
    initiatives = []
    for entry in reader.order:
        initiative = _build(entry, builder, ctx) if isinstance(entry, Draft) else entry
        initiatives.append(_with_period_deadline(initiative, period, ctx))
    return initiatives, period


# --- period phrases ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _PeriodContext(ReadContext):
    """A read context whose period phrases count from the document's period."""

    period_start: dt.date | None = None

    def target(self, text: str) -> Target:
        """Parse a target phrase; 'by EOQ2' falls in the document's own year."""
        from boardloop.domain.targets import parse_target

        if self.period_start is None or not _takes_period_start():
            # NOTE: without the keyword, 'by EOQ2' counts from the as-of date.
            return ReadContext.target(self, text)
        options: dict[str, Any] = {"period_start": self.period_start}
        return parse_target(
            text,
            calendar=self.calendar,
            as_of=self.as_of,
            kpi_aliases=dict(self.kpi_aliases),
            **options,
        )


@cache
def _takes_period_start() -> bool:
    """Tell whether the target grammar accepts the `period_start` keyword."""
    from boardloop.domain.targets import parse_target

    return "period_start" in inspect.signature(parse_target).parameters


# --- building -------------------------------------------------------------------


def _build(draft: Draft, builder: TableReader, ctx: ReadContext) -> Initiative:
    values = dict(draft.values)
    values["name"] = draft.name
    lines = dict(draft.lines)
    lines["name"] = draft.line
    latest = target_from_key_results(draft, values, lines, ctx)
    own_deadline = values.get("deadline")
    status_text = values.get("status")
    read_progress(draft, values, lines, ctx)
    # A progress note that moves the work sets a deadline that wins.
    # NOTE: the builder still keeps a deadline named in the target text over it.
    moved = values.get("deadline") != own_deadline
    if draft.notes:
        values["notes"] = "\n".join(draft.notes)
    extra: dict[str, object] = dict(draft.extra)
    if draft.key_results:
        extra["key_results"] = draft.key_results
    lines.update(apply_defaults(values, extra, draft.defaults))
    initiative_id = ctx.derive_id(draft.id, "heading labels") if draft.id else None
    initiative = builder.build(
        draft.line, values, extra, lines, initiative_id=initiative_id
    )
    if initiative.status_text != status_text:
        # The status came from a note or the key results: keep what was written.
        initiative = replace(initiative, status_text=status_text)
    if latest is not None and not moved:
        initiative = apply_key_result_deadline(initiative, latest, ctx)
    return initiative


def _with_period_deadline(
    initiative: Initiative, period: Period | None, ctx: ReadContext
) -> Initiative:
    """Give an initiative with no deadline the period's end, as a guessed value.

    A deadline that was written but cannot be read is not replaced: it stays in
    `extra["invalid"]` for lint to report.
    """
    if period is None or period.end is None or initiative.target.deadline is not None:
        return initiative
    if "deadline" in initiative.extra.get("invalid", {}):
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
