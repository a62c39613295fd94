"""`boardloop mcp` over its two transports, driven by the SDK's ClientSession.

Each test starts the real command in a child process on the demo workspace.
Over stdio the client spawns it, and over HTTP it listens on 127.0.0.1 at a
free port.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import httpx2
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

from boardloop.access import Role, Scope
from boardloop.store import open_workspace
from test_mcp_support import (
    READ_TOOLS,
    WRITE_TOOLS,
    call_every_tool,
    check_every_tool,
    copy_demo,
    data_of,
    error_of,
    free_port,
    server_command,
    server_environment,
)

# Maximum wait for a child server to accept connections before the test fails,
# in seconds. It only bounds a hang; nothing is asserted about the time taken.
STARTUP_LIMIT = 120


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_demo(tmp_path_factory.mktemp("mcp-transports"))


@pytest.fixture(scope="module")
def tokens(workspace: Path) -> dict[str, str]:
    """A read token and a write token of an editor of the demo company."""
    with open_workspace(workspace) as opened:
        store = opened.store
        store.add_user("editor", "Erin Editor")
        store.grant_role("editor", opened.config.company, Role.EDITOR)
        read = store.issue_token("editor", "read", scopes=[Scope.READ])
        write = store.issue_token("editor", "write", scopes=[Scope.READ, Scope.WRITE])
    return {"read": read.token, "write": write.token}


class HttpServer:
    """A `boardloop mcp --transport http` child process on 127.0.0.1."""

    def __init__(
        self, workspace: Path, log: Path, *options: str, token: str | None = None
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/mcp"
        self.log = log
        command = server_command(
            workspace, "--transport", "http", "--port", str(self.port), *options
        )
        with log.open("w") as stream:
            self.process = subprocess.Popen(
                command,
                env=server_environment(
                    **({} if token is None else {"BOARDLOOP_TOKEN": token})
                ),
                stdout=stream,
                stderr=subprocess.STDOUT,
            )

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_LIMIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"server exited early:\n{self.log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        pytest.fail(f"server did not listen within {STARTUP_LIMIT}s:\n{self.output}")

    @property
    def output(self) -> str:
        return self.log.read_text()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def http_server(
    workspace: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HttpServer]:
    log = tmp_path_factory.mktemp("mcp-http") / "server.log"
    server = HttpServer(workspace, log)
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def http_write_server(
    workspace: Path,
    tokens: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[HttpServer]:
    log = tmp_path_factory.mktemp("mcp-http-write") / "server.log"
    server = HttpServer(workspace, log, token=tokens["write"])
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()


def stdio_parameters(workspace: Path, **environment: str) -> StdioServerParameters:
    command = server_command(workspace)
    return StdioServerParameters(
        command=command[0], args=command[1:], env=server_environment(**environment)
    )


def test_stdio_calls_every_tool(workspace: Path) -> None:
    parameters = stdio_parameters(workspace)

    async def session_results() -> dict[str, Any]:
        async with (
            stdio_client(parameters) as (read, write),
            ClientSession(read, write) as session,
        ):
            initialised = await session.initialize()
            assert initialised.server_info.name == "boardloop"
            return await call_every_tool(session)

    check_every_tool(anyio.run(session_results))


def test_http_calls_every_tool(http_server: HttpServer) -> None:
    async def session_results() -> dict[str, Any]:
        async with (
            streamable_http_client(http_server.url) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return await call_every_tool(session)

    check_every_tool(anyio.run(session_results))


def test_http_rejects_foreign_host_header(http_server: HttpServer) -> None:
    # A page on another site that resolves its name to 127.0.0.1 (DNS
    # rebinding) sends its own name as Host; the server must not answer it.
    response = httpx.post(
        http_server.url,
        headers={
            "Host": "attacker.example:80",
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
        },
        json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
    )
    assert response.status_code == 421, response.text


def test_http_rejects_foreign_origin(http_server: HttpServer) -> None:
    response = httpx.post(
        http_server.url,
        headers={
            "Origin": "http://attacker.example",
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
        },
        json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
    )
    assert response.status_code == 403, response.text


def test_http_server_announces_read_only(http_server: HttpServer) -> None:
    assert "(read-only)" in http_server.output
    assert f"http://127.0.0.1:{http_server.port}/mcp" in http_server.output


def stdio_tool_names(parameters: StdioServerParameters) -> set[str]:
    async def names() -> set[str]:
        async with (
            stdio_client(parameters) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return {tool.name for tool in (await session.list_tools()).tools}

    return anyio.run(names)


def test_stdio_read_token_has_no_write_tools(
    workspace: Path, tokens: dict[str, str]
) -> None:
    parameters = stdio_parameters(workspace, BOARDLOOP_TOKEN=tokens["read"])
    assert stdio_tool_names(parameters) == READ_TOOLS


def test_stdio_write_token_posts_checkpoint(
    workspace: Path, tokens: dict[str, str]
) -> None:
    parameters = stdio_parameters(workspace, BOARDLOOP_TOKEN=tokens["write"])

    async def session_results() -> tuple[set[str], Any]:
        async with (
            stdio_client(parameters) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            names = {tool.name for tool in (await session.list_tools()).tools}
            initiative = await session.call_tool(
                "get_initiative", {"initiative_id": "ebr-cadence"}
            )
            posted = await session.call_tool(
                "post_checkpoint",
                {
                    "initiative_id": "ebr-cadence",
                    "note": "Posted over stdio.",
                    "expected_version": data_of(initiative)["version"],
                },
            )
            return names, posted

    names, posted = anyio.run(session_results)
    assert names == READ_TOOLS | WRITE_TOOLS
    assert data_of(posted)["event"]["actor"] == "editor"
    with open_workspace(workspace) as opened:
        stored = opened.store.get_initiative(opened.config.company, "ebr-cadence")
    assert stored.initiative.checkpoints[-1].note == "Posted over stdio."


def test_invalid_token_stops_command(workspace: Path) -> None:
    completed = subprocess.run(
        server_command(workspace),
        env=server_environment(BOARDLOOP_TOKEN="blt_nothing_here"),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert completed.returncode == 2, completed.stderr
    assert "BOARDLOOP_TOKEN" in completed.stderr
    assert "invalid API token" in completed.stderr
    assert completed.stdout == ""


def test_http_other_host_needs_token(workspace: Path) -> None:
    # The command stops before it binds, so nothing listens on 0.0.0.0.
    command = server_command(workspace, "--transport", "http", "--host", "0.0.0.0")
    completed = subprocess.run(
        command,
        env=server_environment(),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert completed.returncode == 2, completed.stderr
    assert "BOARDLOOP_TOKEN" in completed.stderr
    assert "127.0.0.1" in completed.stderr


def test_http_token_server_rejects_no_bearer(http_write_server: HttpServer) -> None:
    response = httpx.post(
        http_write_server.url,
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
        },
        json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
    )
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_http_token_server_rejects_wrong_bearer(
    http_write_server: HttpServer, tokens: dict[str, str]
) -> None:
    response = httpx.post(
        http_write_server.url,
        headers={
            "Authorization": f"Bearer {tokens['read']}",
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
        },
        json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
    )
    assert response.status_code == 401


def test_http_token_server_with_bearer(
    http_write_server: HttpServer, tokens: dict[str, str]
) -> None:
    headers = {"Authorization": f"Bearer {tokens['write']}"}

    async def session_results() -> dict[str, Any]:
        async with (
            httpx2.AsyncClient(headers=headers, timeout=60) as client,
            streamable_http_client(http_write_server.url, http_client=client) as (
                read,
                write,
            ),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            names = {tool.name for tool in (await session.list_tools()).tools}
            behind = await session.call_tool(
                "list_initiatives", {"verdict": "inconclusive", "owner": "Maya Okafor"}
            )
            initiative = await session.call_tool(
                "get_initiative", {"initiative_id": "health-score-v2"}
            )
            change = {
                "initiative_id": "health-score-v2",
                "status": "measuring",
                "reason": "First cohort reached its window.",
                "expected_version": data_of(initiative)["version"],
            }
            changed = await session.call_tool("change_status", change)
            stale = await session.call_tool("change_status", change)
            return {
                "names": names,
                "behind": behind,
                "changed": changed,
                "stale": stale,
            }

    results = anyio.run(session_results)
    assert results["names"] == READ_TOOLS | WRITE_TOOLS
    assert data_of(results["behind"])["count"] == 1
    assert data_of(results["changed"])["status"] == "measuring"
    assert data_of(results["changed"])["event"]["actor"] == "editor"
    assert error_of(results["stale"])["type"] == "StaleVersionError"
    assert "read and write as editor" in http_write_server.output
