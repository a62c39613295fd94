"""`boardloop user`: add users, set passwords, grant and revoke roles, list users.

These commands act with the database access of the person who runs them, so
they are for the people who administer the workspace's database.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from boardloop.access import Role
from boardloop.cli.main import (
    fail,
    main,
    open_workspace_or_fail,
    text_or_json_option,
    workspace_option,
)

if TYPE_CHECKING:
    from boardloop.store import UserInfo

__all__ = ["account_error_types", "user", "user_to_json"]

company_option = click.option(
    "--company",
    metavar="NAME",
    help="Company the role is in. Default: the workspace's company.name.",
)


def account_error_types() -> tuple[type[Exception], ...]:
    """Return the store errors that a user of these commands can fix."""
    from boardloop.store import (
        DuplicateUserError,
        InvalidUserError,
        UnknownCompanyError,
        UnknownTokenError,
        UnknownUserError,
    )

    return (
        DuplicateUserError,
        InvalidUserError,
        UnknownCompanyError,
        UnknownTokenError,
        UnknownUserError,
    )


@main.group()
def user() -> None:
    """Add users and give them roles in a company (admin, editor, owner, board)."""


@user.command("add")
@click.argument("login")
@click.option("--name", "display_name", required=True, help="The person's full name.")
@click.option("--password", "ask_password", is_flag=True, help="Prompt for a password.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input.",
)
@workspace_option
def add_user(
    login: str,
    display_name: str,
    ask_password: bool,
    password_stdin: bool,
    workspace_dir: Path,
) -> None:
    """Add a user. Without a password option, the user signs in with tokens only."""
    password = read_password(ask_password, password_stdin)
    with open_workspace_or_fail(workspace_dir) as workspace:
        try:
            added = workspace.store.add_user(login, display_name, password=password)
        except account_error_types() as error:
            fail(str(error))
    click.echo(f"added user {added.login!r} ({added.display_name})", err=True)


@user.command("password")
@click.argument("login")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input.",
)
@workspace_option
def set_password(login: str, password_stdin: bool, workspace_dir: Path) -> None:
    """Set or replace a user's password (prompted unless --password-stdin)."""
    # One of the two sources is always chosen here, so the password is never None.
    password = read_password(not password_stdin, password_stdin) or ""
    with open_workspace_or_fail(workspace_dir) as workspace:
        try:
            workspace.store.set_password(login, password)
        except account_error_types() as error:
            fail(str(error))
    click.echo(f"password of {login!r} set", err=True)


@user.command("grant")
@click.argument("login")
@click.argument("role", type=click.Choice([role.value for role in Role]))
@company_option
@workspace_option
def grant(login: str, role: str, company: str | None, workspace_dir: Path) -> None:
    """Give a user a ROLE in a company, replacing the role they had there."""
    with open_workspace_or_fail(workspace_dir) as workspace:
        company = company or workspace.config.company
        try:
            workspace.store.grant_role(login, company, Role(role))
        except account_error_types() as error:
            fail(str(error))
    click.echo(f"{login!r} is now {role} in {company!r}", err=True)


@user.command("revoke")
@click.argument("login")
@company_option
@workspace_option
def revoke(login: str, company: str | None, workspace_dir: Path) -> None:
    """Remove a user's role in a company; the user and their history stay."""
    with open_workspace_or_fail(workspace_dir) as workspace:
        company = company or workspace.config.company
        try:
            removed = workspace.store.revoke_role(login, company)
        except account_error_types() as error:
            fail(str(error))
    if removed:
        click.echo(f"{login!r} has no role in {company!r} any more", err=True)
    else:
        click.echo(f"{login!r} had no role in {company!r}; nothing changed", err=True)


@user.command("disable")
@click.argument("login")
@click.option("--enable", is_flag=True, help="Enable a disabled user again.")
@workspace_option
def disable(login: str, enable: bool, workspace_dir: Path) -> None:
    """Disable a user: their password and every token they hold stop working."""
    with open_workspace_or_fail(workspace_dir) as workspace:
        try:
            workspace.store.set_user_disabled(login, not enable)
        except account_error_types() as error:
            fail(str(error))
    click.echo(f"{login!r} {'enabled' if enable else 'disabled'}", err=True)


@user.command("list")
@workspace_option
@text_or_json_option
def list_users(workspace_dir: Path, output_format: str) -> None:
    """List users with their roles, in every company of the database."""
    with open_workspace_or_fail(workspace_dir) as workspace:
        users = workspace.store.users()
    if output_format == "json":
        document = [user_to_json(item) for item in users]
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    if not users:
        click.echo("no users yet; add one with boardloop user add", err=True)
        return
    for item in users:
        click.echo(format_user(item))


def read_password(ask: bool, from_stdin: bool) -> str | None:
    """Return the password from a prompt or standard input, or None for neither."""
    if ask and from_stdin:
        fail("pass --password or --password-stdin, not both")
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if ask:
        text: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        return text
    return None


def user_to_json(item: UserInfo) -> dict[str, Any]:
    """Describe a user for `--format json`."""
    return {
        "login": item.login,
        "display_name": item.display_name,
        "created_at": item.created_at.isoformat(),
        "disabled_at": None
        if item.disabled_at is None
        else item.disabled_at.isoformat(),
        "has_password": item.has_password,
        "roles": {company: role.value for company, role in item.roles.items()},
    }


def format_user(item: UserInfo) -> str:
    roles = ", ".join(
        f"{role.value} in {company}" for company, role in item.roles.items()
    )
    flags = [] if item.has_password else ["tokens only"]
    if item.is_disabled:
        flags.append("disabled")
    suffix = f" [{', '.join(flags)}]" if flags else ""
    return f"{item.login}  {item.display_name}{suffix}: {roles or 'no roles'}"
