"""Fixtures of the web page tests: a served workspace, users with passwords, browsers.

Each browser is a TestClient with its own cookie jar over the HTTPS base URL,
so the Secure session cookie comes back as a real browser sends it. The pages
run in the same app as the API, over a real SQLite file.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from boardloop.access import Principal, Role
from boardloop.api import ApiSettings, create_app
from boardloop.api._settings import open_api_workspace
from store_backends import BACKENDS
from test_api_support import COMPANY, FOREIGN, add_users, build_workspace, database_for

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import httpx2
    from fastapi import FastAPI

    from boardloop.store import Store

__all__ = [
    "COMPANY",
    "FOREIGN",
    "HTTPS",
    "PASSWORDS",
    "WebWorld",
    "add_initiative",
    "csrf_of",
    "field_value",
    "initiative_path",
    "register_path",
    "serve_web",
]

HTTPS = "https://testserver"
PASSWORDS = {
    "ada": "ada-correct-horse",
    "eli": "eli-correct-horse",
    "maya": "maya-correct-horse",
    "bo": "bo-correct-horse",
    "quinn": "quinn-correct-horse",
}

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class WebWorld:
    """A served workspace: ada admin, eli editor, maya owner, bo board of two."""

    app: FastAPI

    @property
    def store(self) -> Store:
        store: Store = self.app.state.boardloop.workspace.store
        return store

    def browser(self) -> TestClient:
        """Return a new client with an empty cookie jar, as a fresh browser."""
        return TestClient(
            self.app,
            base_url=HTTPS,
            raise_server_exceptions=False,
            follow_redirects=False,
        )

    def signed_in(self, login: str) -> TestClient:
        """Return a browser signed in as `login` through the sign-in form."""
        browser = self.browser()
        response = browser.post(
            "/sign-in", data={"login": login, "password": PASSWORDS[login]}
        )
        assert response.status_code == 303, response.text
        return browser


def register_path(company: str = COMPANY) -> str:
    return f"/companies/{quote(company, safe='')}"


def initiative_path(key: str, company: str = COMPANY) -> str:
    return f"{register_path(company)}/initiatives/{quote(key, safe='')}"


def csrf_of(page: httpx2.Response) -> str:
    """Return the CSRF token of the first form of a page."""
    found = CSRF_FIELD.search(page.text)
    assert found, f"no csrf_token field in the page:\n{page.text[:2000]}"
    return html.unescape(found.group(1))


def field_value(page: httpx2.Response, form_id: str, name: str) -> str:
    """Return the value of a hidden or text input inside the form with `form_id`."""
    start = page.text.index(f'id="{form_id}"')
    end = page.text.index("</form>", start)
    found = re.search(rf'name="{name}" value="([^"]*)"', page.text[start:end])
    assert found, f"no field {name} in form {form_id}"
    return html.unescape(found.group(1))


def serve_web(root: Path) -> Iterator[WebWorld]:
    """Build the workspace with users and passwords and serve it."""
    build_workspace(root)
    settings = ApiSettings(workspace=root)
    add_users(root, settings)
    with open_api_workspace(settings) as workspace:
        store = workspace.store
        for login, password in PASSWORDS.items():
            store.set_password(login, password)
        store.grant_role("bo", FOREIGN, Role.BOARD)
    app = create_app(settings)
    # Entering the client runs the app's lifespan, which closes the store.
    with TestClient(app):
        yield WebWorld(app=app)


@pytest.fixture(scope="module", params=BACKENDS)
def web_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WebWorld]:
    """Serve one workspace for the tests of one module, on SQLite and PostgreSQL.

    The PostgreSQL run is skipped when the server is unreachable.
    """
    root = tmp_path_factory.mktemp("web") / "workspace"
    with database_for(request.param):
        yield from serve_web(root)


ADMIN = Principal("ada", "Ada Brandt", {COMPANY: Role.ADMIN})


def add_initiative(
    world: WebWorld,
    key: str,
    *,
    name: str | None = None,
    owner: str = "Maya Okafor",
    target: str = "+2pp lift in GRR by Q4 2027",
    status: str = "in-progress",
) -> None:
    """Add an initiative through the edit operation, as an admin would."""
    from boardloop import edits

    draft = edits.InitiativeDraft(
        name=name or key.replace("-", " ").capitalize(),
        key=key,
        owner_person=owner,
        owner_function="CS",
        target=target,
        status=status,
        next_checkpoint=dt.date(2027, 1, 15),
    )
    edits.create_initiative(world.store, ADMIN, COMPANY, draft, reason="test setup")
