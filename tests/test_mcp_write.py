"""The write tools, post_checkpoint and change_status, with real users and tokens.

The tokens are issued in the workspace's own SQLite database, and the server
verifies them there on every call, as `boardloop mcp` does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import pytest
from mcp import Client

from boardloop.access import Role, Scope
from boardloop.mcp import ToolContext, build_server
from boardloop.store import Workspace, open_workspace
from test_mcp_support import (
    BOARD_DATE,
    READ_TOOLS,
    WRITE_TOOLS,
    copy_demo,
    data_of,
    error_of,
)

if TYPE_CHECKING:
    from mcp.types import CallToolResult

COMPANY = "Tallyfern Software"


@pytest.fixture
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """A fresh demo workspace per test, with users in three roles."""
    directory = copy_demo(tmp_path_factory.mktemp("mcp-write"))
    with open_workspace(directory) as opened:
        store = opened.store
        store.add_user("editor", "Erin Editor")
        store.grant_role("editor", COMPANY, Role.EDITOR)
        store.add_user("maya", "Maya Okafor")
        store.grant_role("maya", COMPANY, Role.OWNER)
        store.add_user("board", "Board Member")
        store.grant_role("board", COMPANY, Role.BOARD)
        yield opened


def write_token(workspace: Workspace, login: str) -> str:
    scopes = [Scope.READ, Scope.WRITE]
    return workspace.store.issue_token(login, "assistant", scopes=scopes).token


def call(
    workspace: Workspace, token: str, tool: str, arguments: dict[str, Any]
) -> CallToolResult:
    """Call one tool on a fresh server that runs with a write token."""
    server = build_server(ToolContext(workspace, token=token), write=True)

    async def result() -> CallToolResult:
        async with Client(server) as client:
            return await client.call_tool(tool, arguments)

    return anyio.run(result)


def version_of(workspace: Workspace, key: str) -> int:
    return workspace.store.get_initiative(COMPANY, key).version


def checkpoint(key: str, version: int, **extra: Any) -> dict[str, Any]:
    return {
        "initiative_id": key,
        "note": "Reviewed with the CS leads.",
        "expected_version": version,
        **extra,
    }


# --- the tool list -----------------------------------------------------------


def test_write_server_lists_write_tools(workspace: Workspace) -> None:
    server = build_server(
        ToolContext(workspace, token=write_token(workspace, "editor")), write=True
    )

    async def names() -> set[str]:
        async with Client(server) as client:
            return {tool.name for tool in (await client.list_tools()).tools}

    assert anyio.run(names) == READ_TOOLS | WRITE_TOOLS


def test_write_tools_marked_not_read_only(workspace: Workspace) -> None:
    server = build_server(
        ToolContext(workspace, token=write_token(workspace, "editor")), write=True
    )

    async def tools() -> list[Any]:
        async with Client(server) as client:
            return list((await client.list_tools()).tools)

    for tool in anyio.run(tools):
        assert tool.annotations is not None, tool.name
        assert tool.annotations.read_only_hint is (tool.name in READ_TOOLS), tool.name


def test_write_server_needs_token(workspace: Workspace) -> None:
    with pytest.raises(ValueError, match="token"):
        build_server(ToolContext(workspace), write=True)


# --- post_checkpoint -----------------------------------------------------------


def test_checkpoint_posted_and_recorded(workspace: Workspace) -> None:
    token = write_token(workspace, "editor")
    before = version_of(workspace, "ebr-cadence")
    arguments = checkpoint("ebr-cadence", before, on="2026-11-16")
    data = data_of(call(workspace, token, "post_checkpoint", arguments))
    assert data["changed"] is True
    assert data["version"] == before + 1
    assert data["event"]["kind"] == "checkpoint"
    assert data["event"]["actor"] == "editor"

    stored = workspace.store.get_initiative(COMPANY, "ebr-cadence").initiative
    last = stored.checkpoints[-1]
    assert last.note == "Reviewed with the CS leads."
    assert last.author == "Erin Editor"
    assert last.on.isoformat() == "2026-11-16"


def test_checkpoint_moves_next_checkpoint(workspace: Workspace) -> None:
    token = write_token(workspace, "editor")
    version = version_of(workspace, "ebr-cadence")
    arguments = checkpoint(
        "ebr-cadence", version, on="2026-11-16", next_checkpoint="2027-01-20"
    )
    data = data_of(call(workspace, token, "post_checkpoint", arguments))
    assert data["next_checkpoint"] == "2027-01-20"
    change = data["event"]["changes"]["next_checkpoint"]
    assert change == {"before": "2026-12-17", "after": "2027-01-20"}


def test_checkpoint_clears_overdue_lint_finding(workspace: Workspace) -> None:
    token = write_token(workspace, "editor")
    key = "smb-churn-reduction"
    lint_arguments = {"initiative_id": key, "as_of": BOARD_DATE}

    def rule_ids() -> set[str]:
        lint = data_of(call(workspace, token, "lint_register", lint_arguments))
        return {finding["rule_id"] for finding in lint["findings"]}

    assert "DT303" in rule_ids()
    arguments = checkpoint(
        key,
        version_of(workspace, key),
        on=BOARD_DATE,
        next_checkpoint="2026-12-15",
    )
    data_of(call(workspace, token, "post_checkpoint", arguments))
    assert "DT303" not in rule_ids()


def test_checkpoint_next_before_day_rejected(workspace: Workspace) -> None:
    token = write_token(workspace, "editor")
    version = version_of(workspace, "ebr-cadence")
    arguments = checkpoint(
        "ebr-cadence", version, on="2026-11-16", next_checkpoint="2026-11-01"
    )
    error = error_of(call(workspace, token, "post_checkpoint", arguments))
    assert error["type"] == "InvalidEditError"
    assert error["status"] == 400
    assert version_of(workspace, "ebr-cadence") == version


def test_checkpoint_stale_version_rejected(workspace: Workspace) -> None:
    token = write_token(workspace, "editor")
    version = version_of(workspace, "ebr-cadence")
    stored = workspace.store.get_initiative(COMPANY, "ebr-cadence").initiative
    count = len(stored.checkpoints)
    data_of(
        call(workspace, token, "post_checkpoint", checkpoint("ebr-cadence", version))
    )

    stale = call(
        workspace, token, "post_checkpoint", checkpoint("ebr-cadence", version)
    )
    error = error_of(stale)
    assert error["type"] == "StaleVersionError"
    assert error["status"] == 409
    assert error["current_version"] == version + 1
    stored = workspace.store.get_initiative(COMPANY, "ebr-cadence").initiative
    assert len(stored.checkpoints) == count + 1


def test_checkpoint_empty_note_rejected(workspace: Workspace) -> None:
    token = write_token(workspace, "editor")
    arguments = checkpoint("ebr-cadence", version_of(workspace, "ebr-cadence"))
    arguments["note"] = ""
    result = call(workspace, token, "post_checkpoint", arguments)
    assert result.is_error
    assert "note" in result.content[0].text


def test_checkpoint_unknown_initiative(workspace: Workspace) -> None:
    token = write_token(workspace, "editor")
    result = call(workspace, token, "post_checkpoint", checkpoint("nope", 1))
    assert error_of(result)["type"] == "UnknownInitiativeError"
    assert error_of(result)["status"] == 404


def test_checkpoint_unknown_company(workspace: Workspace) -> None:
    token = write_token(workspace, "editor")
    arguments = checkpoint("ebr-cadence", 1, company="Nobody Ltd")
    error = error_of(call(workspace, token, "post_checkpoint", arguments))
    assert error["type"] == "UnknownCompanyError"


# --- change_status -------------------------------------------------------------


def status_change(key: str, version: int, status: str) -> dict[str, Any]:
    return {
        "initiative_id": key,
        "status": status,
        "reason": "First full cohort reached its window.",
        "expected_version": version,
    }


def test_status_changed_and_recorded(workspace: Workspace) -> None:
    token = write_token(workspace, "editor")
    version = version_of(workspace, "health-score-v2")
    arguments = status_change("health-score-v2", version, "measuring")
    data = data_of(call(workspace, token, "change_status", arguments))
    assert data["status"] == "measuring"
    assert data["version"] == version + 1
    assert data["event"]["kind"] == "status"
    assert data["event"]["changes"]["status"] == {
        "before": "launched",
        "after": "measuring",
    }
    assert data["event"]["reason"] == "First full cohort reached its window."


def test_status_same_as_now_changes_nothing(workspace: Workspace) -> None:
    token = write_token(workspace, "editor")
    version = version_of(workspace, "health-score-v2")
    arguments = status_change("health-score-v2", version, "launched")
    data = data_of(call(workspace, token, "change_status", arguments))
    assert data["changed"] is False
    assert data["version"] == version
    assert data["event"] is None


def test_status_move_lifecycle_forbids(workspace: Workspace) -> None:
    token = write_token(workspace, "editor")
    version = version_of(workspace, "onboarding-revamp")
    arguments = status_change("onboarding-revamp", version, "planned")
    error = error_of(call(workspace, token, "change_status", arguments))
    assert error["type"] == "StatusChangeError"
    assert error["status"] == 409
    assert "allowed next statuses" in error["message"]


def test_status_closed_not_offered(workspace: Workspace) -> None:
    token = write_token(workspace, "editor")
    version = version_of(workspace, "onboarding-revamp")
    arguments = status_change("onboarding-revamp", version, "closed")
    result = call(workspace, token, "change_status", arguments)
    assert result.is_error
    assert "status" in result.content[0].text
    assert version_of(workspace, "onboarding-revamp") == version


def test_status_of_closed_initiative_rejected(workspace: Workspace) -> None:
    token = write_token(workspace, "editor")
    version = version_of(workspace, "renewal-risk-desk")
    arguments = status_change("renewal-risk-desk", version, "measuring")
    error = error_of(call(workspace, token, "change_status", arguments))
    assert error["type"] == "ClosedInitiativeError"
    assert error["status"] == 409


# --- roles -----------------------------------------------------------------------


def test_owner_edits_own_initiative(workspace: Workspace) -> None:
    token = write_token(workspace, "maya")
    version = version_of(workspace, "onboarding-revamp")
    arguments = checkpoint("onboarding-revamp", version)
    data = data_of(call(workspace, token, "post_checkpoint", arguments))
    assert data["event"]["actor"] == "maya"


def test_owner_cannot_edit_others(workspace: Workspace) -> None:
    token = write_token(workspace, "maya")
    version = version_of(workspace, "health-score-v2")
    arguments = status_change("health-score-v2", version, "measuring")
    error = error_of(call(workspace, token, "change_status", arguments))
    assert error["type"] == "PermissionDeniedError"
    assert error["status"] == 403
    assert version_of(workspace, "health-score-v2") == version


def test_board_member_cannot_write(workspace: Workspace) -> None:
    token = write_token(workspace, "board")
    version = version_of(workspace, "ebr-cadence")
    error = error_of(
        call(workspace, token, "post_checkpoint", checkpoint("ebr-cadence", version))
    )
    assert error["type"] == "PermissionDeniedError"
    assert version_of(workspace, "ebr-cadence") == version


def test_revoked_token_fails_next_call(workspace: Workspace) -> None:
    issued = workspace.store.issue_token(
        "editor", "assistant", scopes=[Scope.READ, Scope.WRITE]
    )
    server = build_server(ToolContext(workspace, token=issued.token), write=True)
    version = version_of(workspace, "ebr-cadence")

    async def calls() -> tuple[CallToolResult, CallToolResult, CallToolResult]:
        async with Client(server) as client:
            before = await client.call_tool("list_initiatives", {})
            workspace.store.revoke_token(issued.info.lookup)
            read = await client.call_tool("list_initiatives", {})
            write = await client.call_tool(
                "post_checkpoint", checkpoint("ebr-cadence", version)
            )
            return before, read, write

    before, read, write = anyio.run(calls)
    assert not before.is_error
    assert error_of(read)["type"] == "InvalidTokenError"
    assert error_of(read)["status"] == 401
    assert error_of(write)["type"] == "InvalidTokenError"
    assert version_of(workspace, "ebr-cadence") == version


def test_removed_role_fails_next_call(workspace: Workspace) -> None:
    token = write_token(workspace, "editor")
    workspace.store.revoke_role("editor", COMPANY)
    arguments = checkpoint("ebr-cadence", version_of(workspace, "ebr-cadence"))
    error = error_of(call(workspace, token, "post_checkpoint", arguments))
    assert error["type"] == "UnknownCompanyError"


def test_write_tools_documented(workspace: Workspace) -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "mcp.md").read_text()
    server = build_server(
        ToolContext(workspace, token=write_token(workspace, "editor")), write=True
    )

    async def tools() -> list[Any]:
        async with Client(server) as client:
            return list((await client.list_tools()).tools)

    for tool in anyio.run(tools):
        assert f"`{tool.name}`" in docs, f"docs/mcp.md does not list {tool.name}"
        for argument in tool.input_schema["properties"]:
            assert f"`{argument}`" in docs, f"docs/mcp.md lacks {tool.name}({argument})"


def test_instructions_explain_versions(workspace: Workspace) -> None:
    def instructions(context: ToolContext, *, write: bool) -> str:
        server = build_server(context, write=write)

        async def read() -> str:
            async with Client(server) as client:
                return client.instructions or ""

        return anyio.run(read)

    token = write_token(workspace, "editor")
    written = instructions(ToolContext(workspace, token=token), write=True)
    read_only = instructions(ToolContext(workspace), write=False)
    assert "expected_version" in written
    assert "post_checkpoint" not in read_only
    assert "list_initiatives" in read_only
