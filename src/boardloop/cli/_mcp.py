"""`boardloop mcp`: serve the workspace to AI assistants over MCP.

Over stdio, standard output carries the protocol, so every message of this
command goes to standard error. The API token, when there is one, comes from
the environment and never from the command line, where other users of the
machine could read it in the process list.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from boardloop.cli._terminal import echo_text
from boardloop.cli.main import fail, main, open_workspace_or_fail, workspace_option

if TYPE_CHECKING:
    from boardloop.mcp._server import LogLevel
    from boardloop.store import Workspace

__all__ = ["mcp_command"]


@main.command("mcp")
@workspace_option
@click.option(
    "--transport",
    type=click.Choice(["stdio", "http"]),
    default="stdio",
    show_default=True,
    help="stdio for an assistant that starts the server itself; http for "
    "streamable HTTP.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address the HTTP server binds to.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    help="TCP port of the HTTP server.",
)
@click.option(
    "--path",
    "http_path",
    default="/mcp",
    show_default=True,
    help="URL path of the MCP endpoint.",
)
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False),
    default="info",
    show_default=True,
    help="Minimum severity of the log messages written to standard error.",
)
def mcp_command(
    workspace_dir: Path,
    transport: str,
    host: str,
    port: int,
    http_path: str,
    log_level: str,
) -> None:
    """Serve the register, lint, board summary and KPIs as MCP tools.

    The tools only read, unless the API token in the environment variable
    BOARDLOOP_TOKEN has the write scope: then post_checkpoint and change_status
    act as the token's user.
    """
    from boardloop.mcp import TOKEN_VARIABLE, ToolContext, build_server
    from boardloop.mcp._http import LOOPBACK_HOSTS, serve_http

    if not http_path.startswith("/"):
        fail(f"--path {http_path!r} must start with '/', e.g. /mcp")
    workspace = open_workspace_or_fail(workspace_dir)
    token = os.environ.get(TOKEN_VARIABLE, "").strip() or None
    write, mode = token_mode(workspace, token)
    level = cast("LogLevel", log_level.upper())
    server = build_server(
        ToolContext(workspace, token=token), write=write, log_level=level
    )
    if transport == "stdio":
        echo_text(
            f"boardloop MCP server ({mode}) for {workspace.config.company} on stdio",
            err=True,
        )
        server.run("stdio")
        return

    if host not in LOOPBACK_HOSTS and token is None:
        fail(
            f"--host {host} lets other machines reach the server, and without "
            f"{TOKEN_VARIABLE} anyone who reaches it reads the register; set "
            f"{TOKEN_VARIABLE}, or bind to 127.0.0.1"
        )
    if host not in LOOPBACK_HOSTS:
        click.echo(
            f"warning: binding to {host} lets other machines reach the server; "
            "it has no TLS, so put it behind a TLS proxy",
            err=True,
        )
    url_host = f"[{host}]" if ":" in host else host
    echo_text(
        f"boardloop MCP server ({mode}) for {workspace.config.company} on "
        f"http://{url_host}:{port}{http_path}",
        err=True,
    )
    serve_http(server, host=host, port=port, path=http_path, token=token)


def token_mode(workspace: Workspace, token: str | None) -> tuple[bool, str]:
    """Check the token and return whether it may write, and the mode in words."""
    from boardloop.access import Scope
    from boardloop.mcp import TOKEN_VARIABLE
    from boardloop.store import InvalidTokenError

    if token is None:
        return False, "read-only"
    try:
        principal = workspace.store.verify_token(token)
    except InvalidTokenError as error:
        fail(f"{TOKEN_VARIABLE}: {error}; or unset it to serve read-only")
    company = workspace.config.company
    if principal.role_in(company) is None:
        click.echo(
            f"warning: user {principal.login!r} has no role in {company!r}, so "
            "every tool reports the company as not found; grant a role with "
            "boardloop user grant",
            err=True,
        )
    write = principal.scopes is None or Scope.WRITE in principal.scopes
    access = "read and write" if write else "read-only"
    return write, f"{access} as {principal.login}"
