"""`boardloop mcp` over stdio on a workspace whose database is PostgreSQL.

The demo's register and KPI values are copied into a fresh PostgreSQL database,
and the server finds it through BOARDLOOP_DATABASE_URL, as a team would run it.
The test is skipped when the PostgreSQL server on 127.0.0.1 is unreachable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from boardloop.access import Role, Scope
from boardloop.service import import_files
from boardloop.store import DATABASE_URL_VARIABLE, open_workspace
from store_backends import fresh_postgres_database, postgres_admin_url
from test_mcp_support import (
    BEHIND_ID,
    READ_TOOLS,
    WRITE_TOOLS,
    copy_demo,
    data_of,
    server_command,
    server_environment,
)


@pytest.fixture
def postgres_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Path, str, str]]:
    """Yield the demo folder, its PostgreSQL URL and an editor's write token."""
    directory = copy_demo(tmp_path)
    with open_workspace(directory) as sqlite_workspace:
        company = sqlite_workspace.config.company
        values = sqlite_workspace.store.load_kpi_values(company)

    with fresh_postgres_database(postgres_admin_url()) as url:
        database_url = url.render_as_string(hide_password=False)
        monkeypatch.setenv(DATABASE_URL_VARIABLE, database_url)
        with open_workspace(directory) as workspace:
            at = dt.datetime(2026, 11, 16, 8, 0)
            import_files(
                workspace, [directory / "initiatives.yaml"], actor="test", at=at
            )
            workspace.store.replace_kpi_values(
                company, values, source_path="demo", computed=True
            )
            workspace.store.add_user("editor", "Erin Editor")
            workspace.store.grant_role("editor", company, Role.EDITOR)
            token = workspace.store.issue_token(
                "editor", "assistant", scopes=[Scope.READ, Scope.WRITE]
            ).token
        yield directory, database_url, token


def test_postgres_workspace_served_over_stdio(
    postgres_workspace: tuple[Path, str, str],
) -> None:
    directory, database_url, token = postgres_workspace
    command = server_command(directory)
    parameters = StdioServerParameters(
        command=command[0],
        args=command[1:],
        env=server_environment(
            BOARDLOOP_DATABASE_URL=database_url, BOARDLOOP_TOKEN=token
        ),
    )

    async def session_results() -> dict[str, Any]:
        async with (
            stdio_client(parameters) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            tools = await session.list_tools()
            behind = await session.call_tool(
                "list_initiatives", {"verdict": "inconclusive", "owner": "Maya Okafor"}
            )
            initiative = await session.call_tool(
                "get_initiative", {"initiative_id": BEHIND_ID}
            )
            posted = await session.call_tool(
                "post_checkpoint",
                {
                    "initiative_id": BEHIND_ID,
                    "note": "Posted to PostgreSQL.",
                    "expected_version": data_of(initiative)["version"],
                },
            )
            return {
                "tools": {tool.name for tool in tools.tools},
                "behind": behind,
                "posted": posted,
            }

    results = anyio.run(session_results)
    assert results["tools"] == READ_TOOLS | WRITE_TOOLS
    assert [row["id"] for row in data_of(results["behind"])["initiatives"]] == [
        BEHIND_ID
    ]
    assert data_of(results["posted"])["changed"] is True

    with open_workspace(directory) as workspace:
        stored = workspace.store.get_initiative(workspace.config.company, BEHIND_ID)
        assert workspace.store.url.startswith("postgresql")
    assert stored.initiative.checkpoints[-1].note == "Posted to PostgreSQL."
    assert stored.initiative.checkpoints[-1].author == "Erin Editor"
