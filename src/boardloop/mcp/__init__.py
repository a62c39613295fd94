"""The MCP server: boardloop's register, lint, board summary and KPIs as tools.

`build_server` returns the SDK's `MCPServer` with the tools registered;
`boardloop mcp` runs it over stdio or streamable HTTP.
"""

from __future__ import annotations

from boardloop.mcp._errors import (
    InvalidDateRangeError,
    McpToolError,
    UnknownKpiError,
)
from boardloop.mcp._server import SERVER_NAME, ToolContext, build_server

# The environment variable `boardloop mcp` reads its API token from.
TOKEN_VARIABLE = "BOARDLOOP_TOKEN"

__all__ = [
    "SERVER_NAME",
    "TOKEN_VARIABLE",
    "InvalidDateRangeError",
    "McpToolError",
    "ToolContext",
    "UnknownKpiError",
    "build_server",
]
