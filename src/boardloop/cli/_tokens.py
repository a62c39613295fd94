"""`boardloop token`: issue, revoke and list API tokens.

`token issue` prints the token once, on standard output. The database keeps only
the SHA-256 of its secret, so a lost token is revoked and issued again.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from boardloop.access import Scope
from boardloop.cli._users import account_error_types
from boardloop.cli.main import (
    fail,
    main,
    open_workspace_or_fail,
    parse_date,
    text_or_json_option,
    workspace_option,
)

if TYPE_CHECKING:
    from boardloop.store import TokenInfo

__all__ = ["token", "token_to_json"]


@main.group()
def token() -> None:
    """Issue API tokens for the REST API and MCP server, revoke and list them."""


@token.command("issue")
@click.argument("login")
@click.option(
    "--name", required=True, help="Where the token is used, e.g. 'warehouse sync'."
)
@click.option(
    "--scope",
    "scopes",
    type=click.Choice([scope.value for scope in Scope]),
    multiple=True,
    help="What the token may do within its user's roles; repeat for both. "
    "Default: read.",
)
@click.option(
    "--expires",
    "expires_text",
    metavar="DATE",
    help="Last day (UTC) the token works, YYYY-MM-DD. Default: until revoked.",
)
@workspace_option
def issue(
    login: str,
    name: str,
    scopes: tuple[str, ...],
    expires_text: str | None,
    workspace_dir: Path,
) -> None:
    """Issue a token for LOGIN and print it once to standard output."""
    expires_on = parse_date(expires_text, "--expires")
    now = dt.datetime.now(dt.UTC)
    expires_at = None
    if expires_on is not None:
        expires_at = dt.datetime.combine(
            expires_on + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC
        )
        if expires_at <= now:
            fail(f"--expires {expires_on} is in the past; pass today or a later day")
    chosen = [Scope(scope) for scope in scopes] or [Scope.READ]
    with open_workspace_or_fail(workspace_dir) as workspace:
        try:
            issued = workspace.store.issue_token(
                login, name, scopes=chosen, expires_at=expires_at, at=now
            )
        except account_error_types() as error:
            fail(str(error))
    click.echo(
        f"issued token {issued.info.lookup} ({name}) for {issued.info.login}; it is "
        "shown once, so store it now",
        err=True,
    )
    click.echo(issued.token)


@token.command("revoke")
@click.argument("lookup")
@workspace_option
def revoke_token(lookup: str, workspace_dir: Path) -> None:
    """Revoke a token by its lookup id (the part after blt_) or its full text."""
    with open_workspace_or_fail(workspace_dir) as workspace:
        try:
            info = workspace.store.revoke_token(lookup)
        except account_error_types() as error:
            fail(str(error))
    click.echo(
        f"token {info.lookup} ({info.name}) of {info.login} is revoked", err=True
    )


@token.command("list")
@click.argument("login", required=False)
@workspace_option
@text_or_json_option
def list_tokens(login: str | None, workspace_dir: Path, output_format: str) -> None:
    """List the tokens of LOGIN, or of every user, without their secrets."""
    now = dt.datetime.now(dt.UTC)
    with open_workspace_or_fail(workspace_dir) as workspace:
        try:
            tokens = workspace.store.tokens(login)
        except account_error_types() as error:
            fail(str(error))
    if output_format == "json":
        document = [token_to_json(item, now) for item in tokens]
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    if not tokens:
        click.echo("no tokens issued; issue one with boardloop token issue", err=True)
        return
    for item in tokens:
        click.echo(format_token(item, now))


def token_to_json(item: TokenInfo, now: dt.datetime) -> dict[str, Any]:
    """Describe a token for `--format json`; it never carries the secret."""
    return {
        "lookup": item.lookup,
        "login": item.login,
        "name": item.name,
        "scopes": sorted(scope.value for scope in item.scopes),
        "state": item.state(now),
        "created_at": item.created_at.isoformat(),
        "expires_at": timestamp(item.expires_at),
        "revoked_at": timestamp(item.revoked_at),
        "last_used_at": timestamp(item.last_used_at),
    }


def format_token(item: TokenInfo, now: dt.datetime) -> str:
    scopes = "+".join(sorted(scope.value for scope in item.scopes))
    used = (
        "never used"
        if item.last_used_at is None
        else f"last used {item.last_used_at:%Y-%m-%d %H:%M} UTC"
    )
    return (
        f"{item.lookup}  {item.login}  {item.name}  {scopes}  {item.state(now)}  {used}"
    )


def timestamp(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()
