"""The served site of the browser tests: a seeded workspace, its users and a server.

The workspace is written in the register's own syntax, imported with fixed
times and judged at a fixed board date, so every page shows the same text on
any day. The server is `boardloop serve` in a subprocess on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from boardloop.store import DATABASE_URL_VARIABLE

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import BrowserContext

__all__ = [
    "BOARD_DATE",
    "COMPANY",
    "COMPANY_PATH",
    "PASSWORD",
    "USERS",
    "Site",
    "build_workspace",
    "free_port",
    "serve",
    "server_environment",
    "sign_in",
]

REPOSITORY = Path(__file__).resolve().parents[2]
COMPANY = "Harbourline Analytics"
# The company's pages and API routes name it URL-encoded.
COMPANY_PATH = "/companies/Harbourline%20Analytics"
# The board meeting the pages are judged at, and the one before it.
BOARD_DATE = dt.date(2026, 11, 16)
SINCE = dt.date(2026, 8, 17)
IMPORTED_AT = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
# One password for every test user; at least 8 characters, as the store requires.
PASSWORD = "correct horse battery"
# Seconds `boardloop serve` may take until /readyz returns 200.
READY_TIMEOUT_SECONDS = 60

# Login, display name and role. The owner's display name is the owner of
# onboarding-revamp, so she may change its status and post checkpoints.
USERS = (
    ("ada", "Ada Brandt", "admin"),
    ("eli", "Eli Novak", "editor"),
    ("maya", "Maya Okafor", "owner"),
    ("bo", "Bo Laurent", "board"),
)

CONFIG = f"""\
[company]
name = "{COMPANY}"

[fiscal]
start_month = 2
naming = "end"

[data]
initiatives = ["initiatives.yaml"]
kpi_values = ["kpi_values.csv"]

[report]
board_date = {BOARD_DATE.isoformat()}
since = {SINCE.isoformat()}
"""

REGISTER = """\
initiatives:
  - id: onboarding-revamp
    name: Onboarding revamp for new SMB accounts
    program: onboarding
    owner: {person: Maya Okafor, function: Customer Success}
    target: +5pp lift in 90-day GRR for SMB cohort by Q4 FY27
    status: measuring
    baseline:
      value: 85.0
      as_of: 2026-02-28
      source: GRR report, February close
    created_on: 2026-01-12
    launched_on: 2026-03-02
    next_checkpoint: 2026-12-10
    checkpoints:
      - on: 2026-09-15
        note: Cohorts onboarded since March renew at a higher rate.
        author: Maya Okafor

  - id: health-score-v2
    name: Health-score model v2
    program: health-score model
    owner: {person: Jon Reyes, function: RevOps}
    target: reduce 90-day logo churn from 6% to 4% for Mid-market by end of FY27
    status: launched
    created_on: 2026-04-20
    launched_on: 2026-06-15
    next_checkpoint: 2026-12-08

  - id: renewal-risk-desk
    name: Renewal-risk desk for Mid-market
    program: health-score model
    owner: {person: Jon Reyes, function: RevOps}
    target: +3pp lift in 90-day GRR for Mid-market by Q2 FY27
    status: closed
    baseline:
      value: 93.6
      as_of: 2026-01-31
    created_on: 2025-12-01
    launched_on: 2026-02-02
    outcome:
      result: missed
      actual_movement: -0.3
      actual_unit: pp
      closed_on: 2026-09-02
      lesson: Risk flags reached the desk too late to change a renewal.

  - id: customer-love
    name: Customer love week
    owner: CS team
    target: better NPS
    status: in-progress
"""


def kpi_values() -> str:
    """Return monthly 90-day GRR and logo churn values, January to October 2026."""
    rows = ["kpi,segment,period_end,value,n,window_days"]
    month_ends = [
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
        "2026-05-31",
        "2026-06-30",
        "2026-07-31",
        "2026-08-31",
        "2026-09-30",
        "2026-10-31",
    ]
    for index, period_end in enumerate(month_ends):
        smb = 85.0 + 0.4 * index
        mid = 93.6 - 0.05 * index
        churn = 6.0 - 0.1 * index
        rows.append(f"GRR,SMB,{period_end},{smb:.1f},120,90")
        rows.append(f"GRR,Mid-market,{period_end},{mid:.2f},80,90")
        rows.append(f"logo churn,Mid-market,{period_end},{churn:.1f},80,90")
    return "\n".join(rows) + "\n"


def build_workspace(root: Path) -> None:
    """Write the workspace, import its register and KPI values, add the users.

    Files are imported by their names relative to the workspace, so findings
    and sources read the same in every test folder.
    """
    from boardloop.access import Role
    from boardloop.service import import_files
    from boardloop.store import open_workspace

    root.mkdir(parents=True)
    (root / "boardloop.toml").write_text(CONFIG, encoding="utf-8")
    (root / "initiatives.yaml").write_text(REGISTER, encoding="utf-8")
    (root / "kpi_values.csv").write_text(kpi_values(), encoding="utf-8")
    with (
        local_database(),
        contextlib.chdir(root),
        open_workspace(root) as workspace,
    ):
        import_files(
            workspace,
            [Path("initiatives.yaml"), Path("kpi_values.csv")],
            actor="setup",
            at=IMPORTED_AT,
        )
        # The same store calls as `boardloop user add --password-stdin` and
        # `boardloop user grant`.
        for login, display_name, role in USERS:
            workspace.store.add_user(login, display_name, password=PASSWORD)
            workspace.store.grant_role(login, COMPANY, Role(role))


@contextlib.contextmanager
def local_database() -> Iterator[None]:
    """Unset BOARDLOOP_DATABASE_URL for the block, so the workspace's SQLite is used.

    The server runs without the variable too, so both see the same database.
    """
    saved = os.environ.pop(DATABASE_URL_VARIABLE, None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ[DATABASE_URL_VARIABLE] = saved


def server_environment() -> dict[str, str]:
    """Return the environment of a boardloop subprocess that runs this checkout."""
    paths = [str(REPOSITORY / "src"), os.environ.get("PYTHONPATH", "")]
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(path for path in paths if path),
    }
    environment.pop(DATABASE_URL_VARIABLE, None)
    return environment


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Site:
    """A running server: its base URL, workspace folder and log file."""

    base_url: str
    root: Path
    log: Path

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


@contextlib.contextmanager
def serve(root: Path) -> Iterator[Site]:
    """Run `boardloop serve` on the workspace until the block ends.

    Cookies lose their Secure flag (`BOARDLOOP_INSECURE_COOKIES`), because the
    browser talks plain HTTP to 127.0.0.1 and would otherwise never send them.
    """
    port = free_port()
    log_path = root.parent / f"{root.name}-serve.log"
    environment = {**server_environment(), "BOARDLOOP_INSECURE_COOKIES": "true"}
    command = [
        sys.executable,
        "-m",
        "boardloop",
        "serve",
        "--workspace",
        str(root),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
        site = Site(base_url=f"http://127.0.0.1:{port}", root=root, log=log_path)
        try:
            wait_until_ready(site, process)
            yield site
        finally:
            process.terminate()
            process.wait(timeout=60)


def wait_until_ready(site: Site, process: subprocess.Popen[bytes]) -> None:
    """Poll /readyz until it returns 200; raise when the server exits or times out."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = site.log.read_text(encoding="utf-8")
            raise RuntimeError(
                f"boardloop serve exited with {process.returncode}; log:\n{log}"
            )
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(site.url("/readyz"), timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(
        "boardloop serve timed out: /readyz did not return 200 within "
        f"{READY_TIMEOUT_SECONDS} s; see {site.log}"
    )


# Sessions already opened, by server URL and login: their cookies and session body.
SESSIONS: dict[tuple[str, str], tuple[list[Any], dict[str, Any]]] = {}


def sign_in(context: BrowserContext, site: Site, login: str) -> dict[str, Any]:
    """Sign the context in through POST /auth/login; return the session body.

    The session cookie lands in the context's cookie jar, as after a form
    sign-in. The first sign-in of a login on a server opens a session, and
    later contexts share it, because each password check runs scrypt, which is
    slow by design. A test that signs out must therefore sign in through the
    form instead.
    """
    cached = SESSIONS.get((site.base_url, login))
    if cached is not None:
        cookies, session = cached
        context.add_cookies(cookies)
        return session
    response = context.request.post(
        "/auth/login", data={"login": login, "password": PASSWORD}
    )
    assert response.status == 200, response.text()
    body: dict[str, Any] = response.json()
    SESSIONS[(site.base_url, login)] = (context.cookies(), body)
    return body
