"""The MCP server: boardloop's register, lint, board summary and KPIs as tools.

`build_server` returns the SDK's `MCPServer` with the tools registered;
`boardloop mcp` runs it over stdio or streamable HTTP.
"""

from __future__ import annotations

from boardloop.mcp._errors import (
    InvalidDateRangeError,
    McpToolError,
    UnknownCompanyError,
    UnknownKpiError,
)
from boardloop.mcp._server import SERVER_NAME, ToolContext, build_server

__all__ = [
    "SERVER_NAME",
    "InvalidDateRangeError",
    "McpToolError",
    "ToolContext",
    "UnknownCompanyError",
    "UnknownKpiError",
    "build_server",
]
