"""The planning period a Markdown document states, in a heading or a sentence."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from boardloop.io._fields import parse_date
from boardloop.io._markdown_blocks import GOAL_HEADING, plain, quote
from boardloop.io._summary import Period

if TYPE_CHECKING:
    from boardloop.io._fields import ReadContext
    from boardloop.io._markdown_blocks import Block

__all__ = ["find_period", "states_period"]

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
    r"(.+?)(?:\.\s|\.?$)",
    re.I,
)


def find_period(blocks: list[Block], ctx: ReadContext) -> Period | None:
    """Find the document's period in a heading or a 'runs from X to Y' sentence."""
    for block in blocks:
        if block.kind == "heading":
            period = _heading_period(plain(block.text), block.line, ctx)
        elif block.kind == "paragraph":
            period = _sentence_period(block.text, block.line, ctx)
        else:
            period = None
        if period is not None:
            ctx.summary.recognise(
                quote(plain(block.text)), f"the period {period.label}"
            )
            return period
    return None


def states_period(text: str) -> bool:
    """Tell whether a paragraph is a 'the quarter runs from X to Y' sentence."""
    return _RUNS_FROM.search(plain(text)) is not None


def _fiscal_year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _heading_period(text: str, line: int, ctx: ReadContext) -> Period | None:
    calendar = ctx.calendar
    for kind, pattern in _PERIOD_PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        if kind == "year" and not GOAL_HEADING.search(text):
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
    match = _RUNS_FROM.search(plain(text))
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
