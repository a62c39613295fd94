"""Errors of the MCP tools, each carrying the HTTP status a web face would return."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

__all__ = [
    "InvalidDateRangeError",
    "McpToolError",
    "UnknownKpiError",
]


class McpToolError(Exception):
    """A tool request that is invalid or names something that does not exist."""

    http_status = 400


class UnknownKpiError(McpToolError, LookupError):
    """A KPI id or alias that the catalog does not define."""

    http_status = 404

    def __init__(self, name: str, suggestions: Sequence[str]) -> None:
        message = f"KPI {name!r} not found in the catalog"
        if suggestions:
            message += "; did you mean " + ", ".join(repr(s) for s in suggestions)
        message += "? Pass a catalog id such as 'customers.gross_revenue_retention'"
        message += " or an alias such as 'GRR'"
        super().__init__(message)
        self.name = name
        self.suggestions = tuple(suggestions)


class InvalidDateRangeError(McpToolError, ValueError):
    """A since date after the as-of date."""

    http_status = 400

    def __init__(self, since: dt.date, as_of: dt.date) -> None:
        super().__init__(
            f"the since date {since} is after the as-of date {as_of}; pass an "
            "earlier since, or a later as_of"
        )
        self.since = since
        self.as_of = as_of
