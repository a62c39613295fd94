"""Many writers on one initiative through the API: every accepted change is kept.

Each writer reads the initiative, sends a change with its ETag, and on 409 reads
again and retries. At the end, the history must hold exactly one event per
accepted change, each with its own note, and the version must count them all.
No timing is asserted: how many conflicts happen depends on the scheduler.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from test_api_support import (
    ApiWorld,
    add_users,
    api_world,
    backend,
    build_workspace,
    company_path,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = ["api_world", "backend"]

WRITERS = 8
CHANGES_PER_WRITER = 5
PATH = f"{company_path()}/initiatives/onboarding-revamp"
REPOSITORY = Path(__file__).resolve().parents[1]


def write_all(
    request: Callable[..., Any], headers: dict[str, str]
) -> tuple[list[str], int]:
    """Run the writers; return the notes the API accepted and the conflicts seen."""

    def writer(number: int) -> tuple[list[str], int]:
        accepted: list[str] = []
        conflicts = 0
        for change in range(CHANGES_PER_WRITER):
            note = f"writer {number} change {change}"
            while True:
                current = request("GET", PATH, headers=headers)
                assert current.status_code == 200, current.text
                response = request(
                    "PATCH",
                    PATH,
                    json={"progress_note": note, "reason": note},
                    headers={**headers, "If-Match": current.headers["ETag"]},
                )
                if response.status_code == 409:
                    assert response.json()["code"] == "version_conflict"
                    conflicts += 1
                    continue
                assert response.status_code == 200, response.text
                accepted.append(note)
                break
        return accepted, conflicts

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        results = list(pool.map(writer, range(WRITERS)))
    notes = [note for accepted, _ in results for note in accepted]
    return notes, sum(conflicts for _, conflicts in results)


def check_nothing_lost(
    request: Callable[..., Any], headers: dict[str, str], notes: list[str]
) -> None:
    assert len(notes) == WRITERS * CHANGES_PER_WRITER
    final = request("GET", PATH, headers=headers)
    assert final.json()["version"] == 1 + len(notes)
    history = request("GET", f"{PATH}/history?limit=500", headers=headers).json()
    updates = [event for event in history["items"] if event["kind"] == "updated"]
    assert sorted(event["reason"] for event in updates) == sorted(notes)
    recorded = [event["changes"]["progress_note"][1] for event in updates]
    assert sorted(recorded) == sorted(notes)
    # Each update saw the note of the one before it, so none was overwritten.
    befores = [event["changes"]["progress_note"][0] for event in updates]
    assert befores == [None, *recorded[:-1]]


def test_concurrent_writers_in_process(api_world: ApiWorld) -> None:
    headers = api_world.headers("eli")
    notes, _ = write_all(api_world.client.request, headers)
    check_nothing_lost(api_world.client.request, headers, notes)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def served(tmp_path: Path, backend: str) -> Iterator[tuple[str, dict[str, str]]]:
    """Run `boardloop serve` with two workers on 127.0.0.1; yield its URL and tokens."""
    from boardloop.api import ApiSettings

    root = tmp_path / "workspace"
    build_workspace(root)
    tokens = add_users(root, ApiSettings(workspace=root))
    port = free_port()
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPOSITORY / "src"),
        "BOARDLOOP_WORKSPACE": str(root),
    }
    log = (tmp_path / "serve.log").open("w")
    command = ["serve", "--port", str(port), "--workers", "2"]
    process = subprocess.Popen(
        [sys.executable, "-m", "boardloop", *command],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base, process)
        yield base, tokens
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()


def wait_until_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    """Poll /readyz until it returns 200; fail when the server process exits."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"boardloop serve exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail("boardloop serve did not become ready within 120 seconds")


def test_concurrent_writers_across_workers(
    served: tuple[str, dict[str, str]],
) -> None:
    base, tokens = served
    headers = {"Authorization": f"Bearer {tokens['eli']}"}
    with httpx.Client(base_url=base, timeout=60) as client:
        notes, _ = write_all(client.request, headers)
        check_nothing_lost(client.request, headers, notes)
