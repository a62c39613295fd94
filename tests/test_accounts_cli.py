"""`boardloop user` and `boardloop token`, through click's CliRunner."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from sqlalchemy.engine import make_url

from boardloop.access import Role, Scope
from boardloop.cli.main import main
from boardloop.store import (
    DATABASE_URL_VARIABLE,
    InvalidTokenError,
    Store,
    open_workspace,
)
from store_backends import fresh_postgres_database, postgres_admin_url

COMPANY = "Tallyfern Software"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "team.md"
TOKEN_LINE = re.compile(r"blt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}")


def run(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> Result:
    return CliRunner().invoke(
        main, list(args), input=stdin, env=env, catch_exceptions=False
    )


def output_of(result: Result) -> str:
    return (
        f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "tallyfern"
    result = run("init", str(folder), "--company", COMPANY)
    assert result.exit_code == 0, output_of(result)
    return folder


def ok(*args: str, stdin: str | None = None) -> Result:
    result = run(*args, stdin=stdin)
    assert result.exit_code == 0, output_of(result)
    return result


# --- users --------------------------------------------------------------------


def test_user_add_and_list(folder: Path) -> None:
    ok("user", "add", "maya", "--name", "Maya Okafor", "-w", str(folder))
    ok("user", "grant", "maya", "owner", "-w", str(folder))

    text = ok("user", "list", "-w", str(folder))
    listed = json.loads(
        ok("user", "list", "--format", "json", "-w", str(folder)).stdout
    )

    assert text.stdout == f"maya  Maya Okafor [tokens only]: owner in {COMPANY}\n"
    assert listed[0]["login"] == "maya"
    assert listed[0]["roles"] == {COMPANY: "owner"}
    assert listed[0]["has_password"] is False


def test_user_password_from_stdin(folder: Path) -> None:
    ok(
        "user",
        "add",
        "maya",
        "--name",
        "Maya Okafor",
        "--password-stdin",
        "-w",
        str(folder),
        stdin="correct horse battery\n",
    )

    with open_workspace(folder) as workspace:
        principal = workspace.store.check_password("maya", "correct horse battery")
    assert principal.login == "maya"


def test_user_password_prompted(folder: Path) -> None:
    ok("user", "add", "maya", "--name", "Maya Okafor", "-w", str(folder))

    ok(
        "user",
        "password",
        "maya",
        "-w",
        str(folder),
        stdin="a new passphrase\na new passphrase\n",
    )

    with open_workspace(folder) as workspace:
        assert (
            workspace.store.check_password("maya", "a new passphrase").login == "maya"
        )


def test_duplicate_user_is_usage_error(folder: Path) -> None:
    ok("user", "add", "maya", "--name", "Maya Okafor", "-w", str(folder))

    result = run("user", "add", "Maya", "--name", "Maya O.", "-w", str(folder))

    assert result.exit_code == 2, output_of(result)
    assert "user 'maya' already exists" in result.stderr


def test_grant_in_other_company(folder: Path) -> None:
    ok("user", "add", "kim", "--name", "Kim Board", "-w", str(folder))

    result = run(
        "user", "grant", "kim", "board", "--company", "Acme", "-w", str(folder)
    )

    assert result.exit_code == 2, output_of(result)
    assert "company 'Acme' not found" in result.stderr


def test_unknown_role_is_usage_error(folder: Path) -> None:
    ok("user", "add", "kim", "--name", "Kim Board", "-w", str(folder))

    result = run("user", "grant", "kim", "superuser", "-w", str(folder))

    assert result.exit_code == 2, output_of(result)


def test_revoke_role(folder: Path) -> None:
    ok("user", "add", "kim", "--name", "Kim Board", "-w", str(folder))
    ok("user", "grant", "kim", "board", "-w", str(folder))

    first = ok("user", "revoke", "kim", "-w", str(folder))
    again = ok("user", "revoke", "kim", "-w", str(folder))

    assert "no role in" in first.stderr
    assert "nothing changed" in again.stderr
    with open_workspace(folder) as workspace:
        assert dict(workspace.store.user("kim").roles) == {}


# --- tokens -------------------------------------------------------------------


def test_token_issue_prints_once(folder: Path) -> None:
    ok("user", "add", "jon", "--name", "Jon Reyes", "-w", str(folder))
    ok("user", "grant", "jon", "editor", "-w", str(folder))

    result = ok(
        "token",
        "issue",
        "jon",
        "--name",
        "warehouse sync",
        "--scope",
        "read",
        "--scope",
        "write",
        "-w",
        str(folder),
    )

    token = result.stdout.strip()
    assert TOKEN_LINE.fullmatch(token), output_of(result)
    assert token not in result.stderr
    assert "shown once" in result.stderr
    with open_workspace(folder) as workspace:
        principal = workspace.store.verify_token(token)
    assert principal.roles == {COMPANY: Role.EDITOR}
    assert principal.scopes == frozenset({Scope.READ, Scope.WRITE})


def test_token_list_hides_secret(folder: Path) -> None:
    ok("user", "add", "jon", "--name", "Jon Reyes", "-w", str(folder))
    token = ok(
        "token", "issue", "jon", "--name", "sync", "-w", str(folder)
    ).stdout.strip()

    text = ok("token", "list", "-w", str(folder)).stdout
    listed = json.loads(
        ok("token", "list", "jon", "--format", "json", "-w", str(folder)).stdout
    )

    secret = token.split("_", 2)[2]
    assert secret not in text
    assert secret not in json.dumps(listed)
    assert listed[0]["lookup"] == token.split("_")[1]
    assert listed[0]["scopes"] == ["read"]
    assert listed[0]["state"] == "active"
    assert "never used" in text


def test_token_revoke_stops_it(folder: Path) -> None:
    ok("user", "add", "jon", "--name", "Jon Reyes", "-w", str(folder))
    token = ok(
        "token", "issue", "jon", "--name", "sync", "-w", str(folder)
    ).stdout.strip()
    lookup = token.split("_")[1]

    ok("token", "revoke", lookup, "-w", str(folder))

    with open_workspace(folder) as workspace, pytest.raises(InvalidTokenError):
        workspace.store.verify_token(token)
    listed = json.loads(
        ok("token", "list", "--format", "json", "-w", str(folder)).stdout
    )
    assert listed[0]["state"] == "revoked"


def test_token_expiry_in_past_rejected(folder: Path) -> None:
    ok("user", "add", "jon", "--name", "Jon Reyes", "-w", str(folder))

    result = run(
        "token",
        "issue",
        "jon",
        "--name",
        "sync",
        "--expires",
        "2020-01-01",
        "-w",
        str(folder),
    )

    assert result.exit_code == 2, output_of(result)
    assert "in the past" in result.stderr


def test_disabled_user_token_fails(folder: Path) -> None:
    ok("user", "add", "jon", "--name", "Jon Reyes", "-w", str(folder))
    token = ok(
        "token", "issue", "jon", "--name", "sync", "-w", str(folder)
    ).stdout.strip()

    ok("user", "disable", "jon", "-w", str(folder))

    with open_workspace(folder) as workspace, pytest.raises(InvalidTokenError):
        workspace.store.verify_token(token)
    ok("user", "disable", "jon", "--enable", "-w", str(folder))
    with open_workspace(folder) as workspace:
        assert workspace.store.verify_token(token).login == "jon"


# --- the database URL from the environment ---------------------------------------


def test_database_url_variable_points_at_postgres(tmp_path: Path) -> None:
    with fresh_postgres_database(postgres_admin_url()) as url:
        env = {DATABASE_URL_VARIABLE: url.render_as_string(hide_password=False)}
        folder = tmp_path / "team"

        for args in (
            ("init", str(folder), "--company", COMPANY),
            ("user", "add", "maya", "--name", "Maya Okafor", "-w", str(folder)),
            ("user", "grant", "maya", "admin", "-w", str(folder)),
        ):
            result = run(*args, env=env)
            assert result.exit_code == 0, output_of(result)
        listed = run("user", "list", "--format", "json", "-w", str(folder), env=env)

        store = Store(make_url(env[DATABASE_URL_VARIABLE]))
        users = store.users()
        store.close()
        assert [user.login for user in users] == ["maya"]
        assert json.loads(listed.stdout)[0]["roles"] == {COMPANY: "admin"}
        assert not (folder / "boardloop.db").exists()


# --- documentation --------------------------------------------------------------


def command_paths() -> list[str]:
    paths: list[str] = []
    for name in ("history", "user", "token"):
        command = main.commands[name]
        if isinstance(command, click.Group):
            paths.extend(f"boardloop {name} {sub}" for sub in command.commands)
        else:
            paths.append(f"boardloop {name}")
    return paths


@pytest.mark.parametrize("command", command_paths())
def test_team_command_documented(command: str) -> None:
    assert f"`{command}" in DOCS.read_text(encoding="utf-8")


def test_database_url_variable_documented() -> None:
    assert DATABASE_URL_VARIABLE in DOCS.read_text(encoding="utf-8")
