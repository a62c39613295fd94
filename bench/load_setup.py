"""Setup of the API load benchmark: a fresh PostgreSQL database, a company, a server.

`bench/load_api.py` drives these steps; `tests/test_bench_load.py` runs them on
a tiny company. Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # a sibling script of bench/, not a package

if TYPE_CHECKING:
    from collections.abc import Iterator

    from boardloop.store import Store

__all__ = [
    "ADMIN_URL",
    "COMPANY",
    "BenchCompany",
    "Server",
    "bench_database",
    "free_port",
    "prepare_company",
    "start_server",
    "stop_server",
    "worker_pids",
]

# The server's maintenance database; the benchmark creates and drops its own
# database beside it.
ADMIN_URL = os.environ.get(
    "BOARDLOOP_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
COMPANY = "Benchmark Co"
# Measurement windows stored for every KPI and segment, as `kpis compute`
# stores its rolling windows beside the fiscal months.
WINDOWS = (90, 180, 365)
AMOUNT = re.compile(r" by (\d+)(pp|pts)")


@dataclass(frozen=True, slots=True)
class BenchCompany:
    """The generated company: its workspace, database and a board member's token."""

    workspace: Path
    database_url: str
    token: str
    initiatives: int
    kpi_values: int
    revisions: int


@dataclass(frozen=True, slots=True)
class Server:
    """A running `boardloop serve` and where it listens."""

    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path


@contextmanager
def bench_database(admin_url: str = ADMIN_URL, *, keep: bool = False) -> Iterator[URL]:
    """Create an empty database named boardloop_bench_*, and drop it afterwards."""
    admin = make_url(admin_url)
    name = f"boardloop_bench_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name)
    finally:
        if not keep:
            with engine.connect() as connection:
                connection.execute(
                    text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                )
        engine.dispose()


def kpi_value_rows(years: int, rng: random.Random) -> list[str]:
    """Return monthly values of every KPI and segment, per window, with intervals."""
    rows = []
    first = dt.date(generate.BOARD_DATE.year - years, generate.BOARD_DATE.month, 1)
    ends = generate.month_ends(first, years * 12)
    for kpi, (start, noise, _unit, _verb) in generate.KPIS.items():
        for segment in (*generate.SEGMENTS, "all"):
            for window in WINDOWS:
                value = start
                for end in ends:
                    value += rng.gauss(0, noise / 4)
                    reported = value + rng.gauss(0, noise)
                    half_width = noise * rng.uniform(0.8, 1.6)
                    n = rng.randint(40, 400)
                    rows.append(
                        f"{kpi},{segment},{end.isoformat()},{reported:.2f},{n},"
                        f"{window},{reported - half_width:.2f},"
                        f"{reported + half_width:.2f}"
                    )
    return rows


def boardloop_command() -> list[str]:
    """Return the argv prefix that runs boardloop with this interpreter."""
    return [sys.executable, "-m", "boardloop"]


def prepare_company(
    workspace: Path,
    database_url: URL,
    *,
    initiatives: int,
    years: int,
    revisions: int,
    seed: int = 7,
) -> BenchCompany:
    """Write and import the register and KPI values, revise targets, issue a token."""
    generate.generate(workspace, initiatives=initiatives, years=years, seed=seed)
    rows = kpi_value_rows(years, random.Random(seed))
    (workspace / "kpi_values.csv").write_text(
        "kpi,segment,period_end,value,n,window_days,low,high\n"
        + "\n".join(rows)
        + "\n",
        encoding="utf-8",
    )
    url_text = database_url.render_as_string(hide_password=False)
    environment = {**os.environ, "BOARDLOOP_DATABASE_URL": url_text}
    subprocess.run(
        [
            *boardloop_command(),
            "import",
            "-w",
            str(workspace),
            "--actor",
            "benchmark",
            str(workspace / "initiatives.yaml"),
            str(workspace / "kpi_values.csv"),
        ],
        env=environment,
        check=True,
        capture_output=True,
    )

    from boardloop.access import Role, Scope
    from boardloop.store import Store

    store = Store(url_text)
    try:
        store.add_user("planner", "Plan Editor")
        store.grant_role("planner", COMPANY, Role.EDITOR)
        store.add_user("board", "Board Member")
        store.grant_role("board", COMPANY, Role.BOARD)
        revised = revise_targets(store, revisions)
        token = store.issue_token("board", "load benchmark", scopes=(Scope.READ,))
        # Fresh planner statistics, as autovacuum would gather them on a server
        # that has run for a while.
        with store.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
    finally:
        store.close()
    return BenchCompany(
        workspace=workspace,
        database_url=url_text,
        token=token.token,
        initiatives=initiatives,
        kpi_values=len(rows),
        revisions=revised,
    )


def revise_targets(store: Store, count: int) -> int:
    """Raise the amount of the first `count` open targets by one; return how many."""
    from boardloop.domain.model import Status
    from boardloop.edits import revise_target

    principal = store.principal("planner")
    revised = 0
    for initiative in store.load_register(COMPANY).initiatives:
        if revised == count:
            break
        match = AMOUNT.search(initiative.target.text or "")
        if initiative.status is Status.CLOSED or match is None:
            continue
        phrase = AMOUNT.sub(
            f" by {int(match.group(1)) + 1}{match.group(2)}",
            initiative.target.text or "",
            count=1,
        )
        version = store.get_initiative(COMPANY, initiative.id).version
        revise_target(
            store,
            principal,
            COMPANY,
            initiative.id,
            expected_version=version,
            target=phrase,
            reason="the pilot cohort moved faster than planned",
        )
        revised += 1
    return revised


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(
    company: BenchCompany,
    *,
    workers: int,
    log_level: str = "info",
    timeout: float = 60.0,
) -> Server:
    """Start `boardloop serve` on a free port and wait until /readyz returns 200."""
    port = free_port()
    log_path = company.workspace / "serve.log"
    environment = {**os.environ, "BOARDLOOP_DATABASE_URL": company.database_url}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                *boardloop_command(),
                "serve",
                "-w",
                str(company.workspace),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--log-level",
                log_level,
            ],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"boardloop serve exited with {process.returncode}; "
                f"see {log_path}:\n{log_path.read_text(errors='replace')[-2000:]}"
            )
        try:
            ready = httpx.get(f"{server.base_url}/readyz", timeout=2.0)
        except httpx.TransportError:
            ready = None
        started = len(worker_pids(process.pid)) >= workers
        if ready is not None and ready.status_code == 200 and started:
            return server
        time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(
        f"boardloop serve was not ready within {timeout} s; see {log_path}"
    )


def stop_server(server: Server, timeout: float = 40.0) -> int:
    """Stop the server with SIGTERM, as an operator would, and return its exit code."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    return server.process.returncode


def worker_pids(parent: int) -> list[int]:
    """Return the pids of the uvicorn worker processes started by `parent`.

    With more than one worker, uvicorn's supervisor starts each worker through
    multiprocessing's spawn, whose command line runs `spawn_main`. Other
    children, such as multiprocessing's resource tracker, are left out.
    """
    children = Path(f"/proc/{parent}/task/{parent}/children")
    try:
        pids = [int(pid) for pid in children.read_text().split()]
    except OSError:
        return []
    workers = []
    for pid in pids:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in command and b"resource_tracker" not in command:
            workers.append(pid)
    return sorted(workers)
