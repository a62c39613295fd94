"""Helpers for the MCP tests: the demo workspace, the server command and tool calls.

The demo workspace is built once per test run (computing its KPIs takes a few
seconds) and each test module works on its own copy.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from boardloop.cli._demo import run_demo

if TYPE_CHECKING:
    from mcp import ClientSession
    from mcp.types import CallToolResult

REPOSITORY = Path(__file__).resolve().parents[1]

READ_TOOLS = {
    "list_initiatives",
    "get_initiative",
    "lint_register",
    "get_board_summary",
    "get_kpi_definition",
    "get_kpi_series",
}
WRITE_TOOLS = {"post_checkpoint", "change_status"}

# The demo's board date, so results read the same on any day.
BOARD_DATE = "2026-11-16"
BEHIND_ID = "onboarding-revamp"


@functools.cache
def demo_template() -> Path:
    """Build the demo workspace once, in a folder removed when the run ends."""
    parent = Path(tempfile.mkdtemp(prefix="boardloop-mcp-test-"))
    atexit.register(shutil.rmtree, parent, ignore_errors=True)
    directory = parent / "demo"
    run_demo(directory, force=False, actor="test")
    return directory


def copy_demo(parent: Path) -> Path:
    """Copy the demo workspace, database included, into `parent`."""
    target = parent / "demo"
    shutil.copytree(demo_template(), target)
    return target


def server_environment(**extra: str) -> dict[str, str]:
    """Return the environment for a server process that runs this checkout."""
    paths = [str(REPOSITORY / "src"), os.environ.get("PYTHONPATH", "")]
    return {"PYTHONPATH": os.pathsep.join(path for path in paths if path), **extra}


def server_command(workspace: Path, *options: str) -> list[str]:
    """Return the command line of `boardloop mcp` on `workspace`."""
    return [sys.executable, "-m", "boardloop", "mcp", "-w", str(workspace), *options]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# Every read tool, with the error cases, as (tool, arguments) by label.
EVERY_TOOL_CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    "behind": ("list_initiatives", {"verdict": "inconclusive", "owner": "Maya Okafor"}),
    "initiative": ("get_initiative", {"initiative_id": BEHIND_ID}),
    "unknown initiative": ("get_initiative", {"initiative_id": "no-such-thing"}),
    "unknown company": ("list_initiatives", {"company": "Nobody Ltd"}),
    "lint": ("lint_register", {}),
    "summary": ("get_board_summary", {}),
    "since after as-of": (
        "get_board_summary",
        {"as_of": BOARD_DATE, "since": "2027-01-01"},
    ),
    "kpi": ("get_kpi_definition", {"kpi": "GRR"}),
    "unknown kpi": ("get_kpi_definition", {"kpi": "GRRR"}),
    "series": (
        "get_kpi_series",
        {"kpi": "GRR", "segment": "SMB", "window_days": 90},
    ),
    "bad verdict": ("list_initiatives", {"verdict": "late"}),
}


async def call_every_tool(session: ClientSession) -> dict[str, Any]:
    """Call every read tool over an initialised session; return the results by label.

    The label "tools" maps to the names of the listed tools.
    """
    listed = await session.list_tools()
    results: dict[str, Any] = {"tools": {tool.name for tool in listed.tools}}
    for label, (tool, arguments) in EVERY_TOOL_CALLS.items():
        results[label] = await session.call_tool(tool, arguments)
    return results


def error_of(result: CallToolResult) -> dict[str, Any]:
    """Return the error object of an error result; fail the test otherwise."""
    assert result.is_error, result.content
    assert result.structured_content is not None, result.content
    error: dict[str, Any] = result.structured_content["error"]
    return error


def data_of(result: CallToolResult) -> dict[str, Any]:
    """Return the structured content of a successful result."""
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content


def check_every_tool(results: dict[str, Any]) -> None:
    """Check the results of `call_every_tool` on the demo workspace."""
    assert results["tools"] == READ_TOOLS

    behind = data_of(results["behind"])
    assert [row["id"] for row in behind["initiatives"]] == [BEHIND_ID]
    assert behind["initiatives"][0]["owner"]["person"] == "Maya Okafor"

    initiative = data_of(results["initiative"])
    assert initiative["initiative"]["target"]["canonical"] == (
        "GRR +5pp for SMB (90-day) by Q4 FY27 (2027-01-31)"
    )
    assert initiative["evaluation"]["verdict"] == "inconclusive"
    assert initiative["initiative"]["history"]

    assert error_of(results["unknown initiative"])["status"] == 404
    assert "no-such-thing" in error_of(results["unknown initiative"])["message"]
    assert error_of(results["unknown company"])["type"] == "UnknownCompanyError"

    lint = data_of(results["lint"])
    assert lint["findings"]
    assert set(lint["findings"][0]) >= {"rule_id", "severity", "message", "location"}

    summary = data_of(results["summary"])
    assert summary["summary"]["verdicts"]["inconclusive"] == 3
    assert summary["markdown"].startswith("## Customer Success Initiatives")
    assert error_of(results["since after as-of"])["type"] == "InvalidDateRangeError"

    kpi = data_of(results["kpi"])
    assert kpi["kpi"]["id"] == "customers.gross_revenue_retention"
    assert error_of(results["unknown kpi"])["status"] == 404

    series = data_of(results["series"])
    assert len(series["series"]) == 1
    assert series["series"][0]["values"][0]["n"] > 0

    assert results["bad verdict"].is_error
