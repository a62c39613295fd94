"""The MCP server: tools over one workspace, built on the SDK's MCPServer.

Each tool parses its arguments (the SDK validates them against the signature),
calls a query in `_queries`, and returns the query's dict as structured content.
A failure the caller can act on (an unknown initiative, company or KPI, a bad
date range) comes back as an error result that carries the same facts as
structured content, so an assistant can read and correct it.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from boardloop.domain.model import Status
from boardloop.evaluate import Verdict
from boardloop.mcp import _queries as queries

if TYPE_CHECKING:
    from boardloop.access import Principal
    from boardloop.catalog import Catalog, PinnedCatalogs
    from boardloop.store import Workspace

__all__ = ["SERVER_NAME", "ToolContext", "build_server", "tool_error_types"]

logger = logging.getLogger(__name__)

SERVER_NAME = "boardloop"

INSTRUCTIONS = """\
boardloop keeps a company's register of customer-success initiatives: each \
initiative has an owner, a target on a KPI, a status and a next checkpoint, and \
is evaluated against its KPI's measured values with a verdict (on-track, behind, \
achieved, missed, too-early, no-data, inconclusive). Start with list_initiatives; \
filter it by verdict, status or owner. get_initiative returns one initiative with \
its evaluation and history. Dates are ISO 8601 (YYYY-MM-DD). Leave company empty \
for the workspace's own company."""

WRITE_INSTRUCTIONS = """ \
post_checkpoint and change_status act as the token's user: read the initiative \
with get_initiative first and pass its version as expected_version. An edit \
rejected as stale means someone else saved first; read the initiative again."""

# A tool result: structured content validated against a JSON object schema, or
# an error result whose structured content is {"error": {...}}.
ToolResult = Annotated[CallToolResult, dict[str, Any]]

# Argument types, shared by the tools so that each reads the same way in every
# tool's input schema.
CompanyArg = Annotated[
    str | None,
    Field(
        description="Company name in the workspace's database; empty for the "
        "workspace's own company."
    ),
]
AsOfArg = Annotated[
    dt.date | None,
    Field(
        description="Date the register is judged at (YYYY-MM-DD); default: the "
        "workspace's board date, else today."
    ),
]
InitiativeArg = Annotated[
    str, Field(description="Initiative id, as list_initiatives returns it.")
]
KpiArg = Annotated[
    str,
    Field(
        description="KPI catalog id (customers.gross_revenue_retention), label or "
        "alias (GRR, NRR, NPS, logo churn)."
    ),
]
SinceArg = Annotated[
    dt.date | None,
    Field(description="Earliest date to include (YYYY-MM-DD)."),
]
StatusArg = Annotated[
    Status | None, Field(description="Keep initiatives in this status.")
]
VerdictArg = Annotated[
    Verdict | None,
    Field(description="Keep initiatives whose evaluation has this verdict."),
]
OwnerArg = Annotated[
    str | None,
    Field(
        description="Keep initiatives whose owner's name contains this text, or "
        "whose owner's function is this text; case is ignored."
    ),
]
SegmentArg = Annotated[
    str | None, Field(description="Segment or cohort, such as SMB; default: all.")
]
WindowArg = Annotated[
    int | None,
    Field(gt=0, description="Measurement window in days, such as 90; default: all."),
]
StrictArg = Annotated[
    bool, Field(description="Treat warnings as errors, as in board week.")
]
LintInitiativeArg = Annotated[
    str | None,
    Field(description="Keep only this initiative's findings; default: all."),
]

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

READ_ONLY = ToolAnnotations(
    read_only_hint=True, idempotent_hint=True, open_world_hint=False
)


@dataclass(frozen=True, slots=True)
class ToolContext:
    """The open workspace, the API token the server runs with, and the catalogs.

    Without a token the tools read the workspace as its local user. With one,
    every call verifies the token again, so a token revoked or a role removed
    while the server runs takes effect on the next call. The catalogs are read
    once, when the context is made. Each call reads its company's pin.
    """

    workspace: Workspace
    token: str | None = None
    catalogs: PinnedCatalogs = field(init=False, repr=False)

    def __post_init__(self) -> None:
        from boardloop.catalog import PinnedCatalogs

        # The dataclass is frozen, so the field is set past its __setattr__.
        catalogs = PinnedCatalogs(self.workspace.catalog_path)
        object.__setattr__(self, "catalogs", catalogs)

    def principal(self) -> Principal | None:
        """Return the token's principal, or None without a token.

        Raises the store's `InvalidTokenError` for a token that no longer grants
        access.
        """
        if self.token is None:
            return None
        return self.workspace.store.verify_token(self.token)

    def company(self, company: str | None) -> Workspace:
        """Return the workspace seen as the named company, checking it may be read."""
        return queries.company_workspace(self.workspace, company, self.principal())

    def catalog(self, workspace: Workspace) -> Catalog:
        """Return the catalog of the workspace company's pin, else the workspace's.

        A pin that no available catalog has raises `CatalogPinError`.
        """
        from boardloop.service import company_catalog_pin

        company = workspace.config.company
        pin = company_catalog_pin(workspace.store, company)
        return self.catalogs.select(company, pin)


def tool_error_types() -> tuple[type[Exception], ...]:
    """Return the exception classes a tool reports as an error result."""
    from boardloop.catalog import CatalogError
    from boardloop.domain.model import InvalidTransition
    from boardloop.edits import EditError
    from boardloop.lint import LintSettingsError
    from boardloop.mcp._errors import McpToolError
    from boardloop.store import ConfigError, StoreError, WorkspaceError

    return (
        McpToolError,
        StoreError,
        EditError,
        CatalogError,
        ConfigError,
        WorkspaceError,
        LintSettingsError,
        InvalidTransition,
    )


def error_result(error: Exception) -> CallToolResult:
    """Return an error result naming the failure, its HTTP status and its message.

    A stale edit also carries the stored version, so the caller can read the
    initiative again and retry.
    """
    from boardloop.store import StaleVersionError

    status = getattr(error, "http_status", 400)
    detail: dict[str, Any] = {
        "type": type(error).__name__,
        "status": status,
        "message": str(error),
    }
    if isinstance(error, StaleVersionError):
        detail["current_version"] = error.current
    data = {"error": detail}
    return CallToolResult(
        content=[TextContent(type="text", text=str(error))],
        structured_content=data,
        is_error=True,
    )


def structured_result(data: dict[str, Any]) -> CallToolResult:
    """Return a result with `data` as structured content and as JSON text."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    return CallToolResult(
        content=[TextContent(type="text", text=text)], structured_content=data
    )


def as_tool(query: Callable[..., dict[str, Any]]) -> Callable[..., CallToolResult]:
    """Wrap a function that returns a dict into a tool that returns a result.

    The wrapper keeps the function's parameters, so the SDK derives the same
    input schema, and declares `ToolResult` as its return type.
    """
    errors = tool_error_types()
    signature = inspect.signature(query, eval_str=True)

    @functools.wraps(query)
    def tool(**arguments: Any) -> CallToolResult:
        try:
            data = query(**arguments)
        except errors as error:
            logger.info("tool %s failed: %s", query.__name__, error)
            return error_result(error)
        return structured_result(data)

    # The SDK reads the signature with inspect.signature, which takes this
    # attribute over the wrapped function's annotations.
    tool.__signature__ = signature.replace(  # type: ignore[attr-defined]
        return_annotation=ToolResult
    )
    return tool


def build_server(
    context: ToolContext,
    *,
    write: bool = False,
    log_level: LogLevel = "INFO",
) -> MCPServer:
    """Build the MCP server with the read tools over the context's workspace.

    With `write`, which needs a token in the context, it adds the write tools.
    The SDK sets up logging to standard error at `log_level`.
    """
    from boardloop import __version__
    from boardloop.mcp._edit_tools import WRITE, edit_tools

    if write and context.token is None:
        raise ValueError("write tools need a token to act as; pass one in context")

    server: MCPServer = MCPServer(
        SERVER_NAME,
        title="boardloop",
        instructions=INSTRUCTIONS + (WRITE_INSTRUCTIONS if write else ""),
        version=__version__,
        log_level=log_level,
    )
    for query, title in _read_tools(context):
        server.add_tool(as_tool(query), title=title, annotations=READ_ONLY)
    if write:
        for query, title in edit_tools(context):
            server.add_tool(as_tool(query), title=title, annotations=WRITE)
    return server


def _read_tools(
    context: ToolContext,
) -> list[tuple[Callable[..., dict[str, Any]], str]]:
    def list_initiatives(
        status: StatusArg = None,
        owner: OwnerArg = None,
        verdict: VerdictArg = None,
        as_of: AsOfArg = None,
        company: CompanyArg = None,
    ) -> dict[str, Any]:
        """List initiatives with owner, status, target, next checkpoint and verdict.

        Filters combine: verdict "behind" lists the initiatives behind their target
        together with who owns them.
        """
        workspace = context.company(company)
        return queries.list_initiatives(
            workspace,
            catalog=context.catalog(workspace),
            as_of=queries.resolve_as_of(workspace, as_of),
            status=status,
            owner=owner,
            verdict=verdict,
        )

    def get_initiative(
        initiative_id: InitiativeArg,
        as_of: AsOfArg = None,
        company: CompanyArg = None,
    ) -> dict[str, Any]:
        """Read one initiative: fields, target in canonical words, evaluation, history.

        The version is the one an edit must be based on.
        """
        workspace = context.company(company)
        return queries.read_initiative(
            workspace,
            initiative_id,
            catalog=context.catalog(workspace),
            as_of=queries.resolve_as_of(workspace, as_of),
        )

    def lint_register(
        initiative_id: LintInitiativeArg = None,
        strict: StrictArg = False,
        as_of: AsOfArg = None,
        company: CompanyArg = None,
    ) -> dict[str, Any]:
        """Lint the register: findings with rule id, severity, message and location."""
        workspace = context.company(company)
        return queries.run_lint(
            workspace,
            catalog=context.catalog(workspace),
            as_of=queries.resolve_as_of(workspace, as_of),
            strict=strict,
            initiative_id=initiative_id,
        )

    def get_board_summary(
        as_of: AsOfArg = None,
        since: SinceArg = None,
        company: CompanyArg = None,
    ) -> dict[str, Any]:
        """Read the board section's summary as JSON, and the section as Markdown.

        `since` starts the "what changed" part; default: the workspace's since date.
        """
        workspace = context.company(company)
        return queries.board_summary(
            workspace,
            catalog=context.catalog(workspace),
            as_of=queries.resolve_as_of(workspace, as_of),
            since=since,
        )

    def get_kpi_definition(kpi: KpiArg, company: CompanyArg = None) -> dict[str, Any]:
        """Look up a KPI definition in the company's catalog by id, label or alias."""
        workspace = context.company(company)
        return queries.lookup_kpi(context.catalog(workspace), kpi)

    def get_kpi_series(
        kpi: KpiArg,
        segment: SegmentArg = None,
        window_days: WindowArg = None,
        since: SinceArg = None,
        company: CompanyArg = None,
    ) -> dict[str, Any]:
        """Read a KPI's stored values, each with its count n and 95 % interval.

        Values come in one series per segment and measurement window, oldest first.
        """
        workspace = context.company(company)
        return queries.read_kpi_series(
            workspace,
            kpi,
            catalog=context.catalog(workspace),
            segment=segment,
            window_days=window_days,
            since=since,
        )

    return [
        (list_initiatives, "List initiatives"),
        (get_initiative, "Read an initiative"),
        (lint_register, "Lint the register"),
        (get_board_summary, "Read the board summary"),
        (get_kpi_definition, "Look up a KPI definition"),
        (get_kpi_series, "Read a KPI series"),
    ]
