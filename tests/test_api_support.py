"""Fixtures of the REST API tests: a workspace on SQLite or PostgreSQL, users, tokens.

Every test runs the real app over a real database: a SQLite file in the test's
folder, or a fresh PostgreSQL database on 127.0.0.1 that is dropped afterwards.
The PostgreSQL runs are skipped when the server is unreachable.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

from boardloop.access import Role, Scope
from boardloop.api import ApiSettings, create_app
from boardloop.api._settings import open_api_workspace, with_company
from boardloop.service import import_files
from boardloop.store import DATABASE_URL_VARIABLE, init_workspace
from store_backends import (
    BACKENDS,
    fresh_postgres_database,
    migrated_template,
    postgres_admin_url,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fastapi.testclient import TestClient

__all__ = [
    "COMPANY",
    "FOREIGN",
    "ApiWorld",
    "api_world",
    "backend",
    "bare_app",
    "company_path",
    "edit_world",
    "read_world",
]

COMPANY = "Tallyfern Software"
FOREIGN = "Quillmark Labs"
IMPORTED_AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

REGISTER = """\
initiatives:
  - id: onboarding-revamp
    name: Onboarding revamp
    owner: {person: Maya Okafor, function: CS}
    target: +5pp lift in 90-day GRR for SMB cohort by Q2 2026
    status: in-progress
    next_checkpoint: 2026-04-14
  - id: health-score-v2
    name: Health score model v2
    owner: {person: Jon Reyes, function: RevOps}
    target: reduce logo churn from 6% to 4% by end of 2027
    status: planned
    next_checkpoint: 2026-02-02
  - id: ebr-cadence
    name: Quarterly executive business reviews
    owner: {person: Ana Lima, function: CS}
    target: NPS 45+ by H2 2026
    status: launched
    next_checkpoint: 2026-05-20
"""

FOREIGN_REGISTER = """\
initiatives:
  - id: secret-pricing-pilot
    name: Pricing pilot for renewals
    owner: {person: Quinn Adler, function: CS}
    target: +3pp lift in GRR by Q4 2026
    status: in-progress
    next_checkpoint: 2026-06-01
"""

KPI_VALUES = """\
kpi,segment,period_end,value,n
GRR,all,2026-01-31,90.1,120
GRR,all,2026-02-28,90.4,121
GRR,SMB,2026-01-31,85.0,60
GRR,SMB,2026-02-28,85.5,61
NPS,all,2026-02-28,41,300
"""

# Login, display name and role in COMPANY; "quinn" is an admin of FOREIGN only.
USERS = (
    ("ada", "Ada Brandt", Role.ADMIN),
    ("eli", "Eli Novak", Role.EDITOR),
    ("maya", "Maya Okafor", Role.OWNER),
    ("bo", "Bo Laurent", Role.BOARD),
)


@dataclass
class ApiWorld:
    """A served workspace with two companies, their users and their tokens."""

    client: TestClient
    root: Path
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, login: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[login]}", **extra}


def company_path(company: str = COMPANY) -> str:
    """Return the /api/v1 path of a company, its name URL-encoded."""
    return f"/api/v1/companies/{quote(company, safe='')}"


@contextmanager
def database_for(backend: str) -> Iterator[None]:
    """Point BOARDLOOP_DATABASE_URL at a fresh database, or unset it for SQLite."""
    with pytest.MonkeyPatch.context() as patch:
        if backend == "sqlite":
            patch.delenv(DATABASE_URL_VARIABLE, raising=False)
            yield
            return
        admin_url = postgres_admin_url()
        # A copy of a migrated template is faster to make than a migration.
        template = migrated_template(admin_url)
        with fresh_postgres_database(admin_url, template) as url:
            patch.setenv(
                DATABASE_URL_VARIABLE, url.render_as_string(hide_password=False)
            )
            yield


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test once on SQLite and once on a fresh PostgreSQL database."""
    with database_for(request.param):
        yield request.param


def build_workspace(root: Path) -> None:
    """Create the workspace, import both registers and add the users and tokens."""
    workspace = init_workspace(root, company=COMPANY)
    files = {
        "initiatives.yaml": REGISTER,
        "kpi_values.csv": KPI_VALUES,
    }
    for name, content in files.items():
        (root / name).write_text(content, encoding="utf-8")
    import_files(
        workspace,
        [root / name for name in files],
        actor="setup",
        at=IMPORTED_AT,
    )
    foreign_file = root / "foreign.yaml"
    foreign_file.write_text(FOREIGN_REGISTER, encoding="utf-8")
    foreign = with_company(workspace, FOREIGN)
    import_files(foreign, [foreign_file], actor="setup", at=IMPORTED_AT)
    workspace.close()


def add_users(root: Path, settings: ApiSettings) -> dict[str, str]:
    """Add one user per role in COMPANY and an admin of FOREIGN; return their tokens."""
    tokens: dict[str, str] = {}
    with open_api_workspace(settings) as workspace:
        store = workspace.store
        everyone = (*USERS, ("quinn", "Quinn Adler", None))
        for login, display_name, role in everyone:
            store.add_user(login, display_name)
            if role is not None:
                store.grant_role(login, COMPANY, role)
            tokens[login] = issue(store, login, (Scope.READ, Scope.WRITE))
        store.grant_role("quinn", FOREIGN, Role.ADMIN)
        tokens["eli-read"] = issue(store, "eli", (Scope.READ,))
        expired = store.issue_token(
            "ada",
            "expired",
            scopes=(Scope.READ,),
            expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
            at=dt.datetime(2019, 1, 1, tzinfo=dt.UTC),
        )
        tokens["expired"] = expired.token
    return tokens


def issue(store: Any, login: str, scopes: tuple[Scope, ...]) -> str:
    issued = store.issue_token(login, f"{login} tests", scopes=scopes)
    token: str = issued.token
    return token


@contextmanager
def serve_world(root: Path, *, with_users: bool = True) -> Iterator[ApiWorld]:
    """Build the workspace in `root` and serve it through the TestClient."""
    from fastapi.testclient import TestClient

    build_workspace(root)
    settings = ApiSettings(workspace=root, max_body_bytes=64 * 1024)
    tokens = add_users(root, settings) if with_users else {}
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield ApiWorld(client=client, root=root, tokens=tokens)


@pytest.fixture(scope="module", params=BACKENDS)
def bare_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """Serve a workspace with no users, shared by the tests of one module.

    Tests that use it must not change the register.
    """
    root = tmp_path_factory.mktemp("bare") / "workspace"
    with database_for(request.param), serve_world(root, with_users=False) as world:
        yield world.client


@pytest.fixture(scope="module", params=BACKENDS)
def read_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ApiWorld]:
    """Serve a workspace with users, shared by the tests of one module.

    Tests that use it must not change the register; those that do use
    `api_world`.
    """
    root = tmp_path_factory.mktemp("read") / "workspace"
    with database_for(request.param), serve_world(root) as world:
        yield world


@pytest.fixture(scope="module", params=BACKENDS)
def edit_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ApiWorld]:
    """Serve a workspace with users, shared by the tests of one module.

    Tests that use it change only initiatives they create themselves.
    """
    root = tmp_path_factory.mktemp("edit") / "workspace"
    with database_for(request.param), serve_world(root) as world:
        yield world


@pytest.fixture
def api_world(tmp_path: Path, backend: str) -> Iterator[ApiWorld]:
    """Serve a fresh workspace with users for one test, on each database."""
    with serve_world(tmp_path / "workspace") as world:
        yield world
