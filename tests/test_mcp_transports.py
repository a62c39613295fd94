"""`boardloop mcp` over its two transports, driven by the SDK's ClientSession.

Each test starts the real command in a child process on the demo workspace:
over stdio the client spawns it; over HTTP it listens on 127.0.0.1 at a free
port.
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
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

from test_mcp_support import (
    call_every_tool,
    check_every_tool,
    copy_demo,
    free_port,
    server_command,
    server_environment,
)

# Longest wait for a child server to accept connections before the test fails,
# in seconds. It only bounds a hang; nothing is asserted about the time taken.
STARTUP_LIMIT = 120


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_demo(tmp_path_factory.mktemp("mcp-transports"))


class HttpServer:
    """A `boardloop mcp --transport http` child process on 127.0.0.1."""

    def __init__(self, workspace: Path, log: Path, *options: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/mcp"
        self.log = log
        command = server_command(
            workspace, "--transport", "http", "--port", str(self.port), *options
        )
        with log.open("w") as stream:
            self.process = subprocess.Popen(
                command,
                env=server_environment(),
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


def test_stdio_calls_every_tool(workspace: Path) -> None:
    parameters = StdioServerParameters(
        command=server_command(workspace)[0],
        args=server_command(workspace)[1:],
        env=server_environment(),
    )

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
