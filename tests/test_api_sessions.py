"""Sign-in sessions: the cookie's flags, CSRF, sign-out, expiry and permissions.

Each test acts as one or more browsers: a TestClient with its own cookie jar,
over the HTTPS base URL, so the Secure cookie is sent back as a browser would.
The served workspace is shared by the tests of one module on each database;
tests that write create their own initiatives.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from dataclasses import dataclass, replace
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any

import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from sqlalchemy import select

from boardloop.access import Principal, Role
from boardloop.api import ApiSettings, create_app, load_settings
from boardloop.api._sessions import CsrfFailedError, check_csrf
from boardloop.api._settings import SERVER_KEYS as API_SERVER_KEYS
from boardloop.api._settings import open_api_workspace
from boardloop.store import ActiveSession
from boardloop.store._config import SERVER_KEYS as WORKSPACE_SERVER_KEYS
from boardloop.store._schema import SessionRow
from store_backends import BACKENDS
from test_api_support import (
    COMPANY,
    FOREIGN,
    add_users,
    build_workspace,
    company_path,
    database_for,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from http.cookies import Morsel
    from pathlib import Path

    import httpx
    from fastapi import FastAPI

    from boardloop.store import Store

COOKIE = "boardloop_session"
PASSWORDS = {
    "ada": "ada-correct-horse",
    "eli": "eli-correct-horse",
    "bo": "bo-correct-horse",
    "quinn": "quinn-correct-horse",
    "dora": "dora-correct-horse",
}
HTTPS = "https://testserver"
DOCS = "docs/api.md"


@dataclass
class SessionWorld:
    """A served workspace whose users have passwords; maya has none, dora is off."""

    app: FastAPI
    settings: ApiSettings
    tokens: dict[str, str]

    @property
    def store(self) -> Store:
        store: Store = self.app.state.boardloop.workspace.store
        return store

    def browser(self, base_url: str = HTTPS) -> TestClient:
        """Return a new client with an empty cookie jar, as a fresh browser."""
        return TestClient(self.app, base_url=base_url, raise_server_exceptions=False)

    def signed_in(self, login: str) -> tuple[TestClient, str]:
        """Return a browser signed in as `login` and the session's CSRF token."""
        browser = self.browser()
        response = sign_in(browser, login, PASSWORDS[login])
        assert response.status_code == 200, response.text
        csrf: str = response.json()["csrf_token"]
        return browser, csrf


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SessionWorld]:
    root = tmp_path_factory.mktemp("sessions") / "workspace"
    with database_for(request.param):
        build_workspace(root)
        settings = ApiSettings(workspace=root)
        tokens = add_users(root, settings)
        with open_api_workspace(settings) as workspace:
            store = workspace.store
            for login in ("ada", "eli", "bo", "quinn"):
                store.set_password(login, PASSWORDS[login])
            store.add_user("dora", "Dora Petit", password=PASSWORDS["dora"])
            store.grant_role("dora", COMPANY, Role.EDITOR)
            store.set_user_disabled("dora", True)
        app = create_app(settings)
        # Entering the client runs the app's lifespan, which closes the store
        # when the module's tests are done.
        with TestClient(app):
            yield SessionWorld(app=app, settings=settings, tokens=tokens)


def sign_in(browser: TestClient, login: str, password: str) -> httpx.Response:
    return browser.post("/auth/login", json={"login": login, "password": password})


def set_cookies(response: httpx.Response) -> dict[str, Morsel[str]]:
    """Parse every Set-Cookie header of a response by cookie name."""
    cookies: dict[str, Morsel[str]] = {}
    for header in response.headers.get_list("set-cookie"):
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(header)
        cookies.update(parsed)
    return cookies


def assert_cleared(response: httpx.Response) -> None:
    cookie = set_cookies(response)[COOKIE]
    assert cookie.value == ""
    assert cookie["max-age"] == "0"
    assert cookie["path"] == "/"


def new_initiative(key: str) -> dict[str, Any]:
    return {
        "key": key,
        "name": f"Renewal desk {key}",
        "owner_person": "Maya Okafor",
        "owner_function": "CS",
        "target": "+5pp lift in 90-day GRR for SMB cohort by Q2 2026",
        "status": "planned",
        "next_checkpoint": "2026-04-14",
    }


def create(browser: TestClient, **headers: str | bytes) -> httpx.Response:
    key = f"desk-{uuid.uuid4().hex[:12]}"
    return browser.post(
        f"{company_path()}/initiatives", json=new_initiative(key), headers=headers
    )


def session_rows(store: Store) -> list[Any]:
    with store.engine.connect() as connection:
        return list(connection.execute(select(SessionRow)).all())


# --- signing in ---------------------------------------------------------------------


def test_login_sets_cookie_flags(world: SessionWorld) -> None:
    response = sign_in(world.browser(), "ada", PASSWORDS["ada"])
    assert response.status_code == 200, response.text
    cookie = set_cookies(response)[COOKIE]
    assert len(cookie.value) == 43
    assert cookie["httponly"] is True
    assert cookie["secure"] is True
    assert cookie["samesite"] == "lax"
    assert cookie["path"] == "/"
    assert cookie["max-age"] == str(12 * 60 * 60)
    assert cookie["domain"] == ""
    assert response.headers["cache-control"] == "no-store"


def test_login_body_names_user(world: SessionWorld) -> None:
    response = sign_in(world.browser(), "ADA", PASSWORDS["ada"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["login"] == "ada"
    assert body["display_name"] == "Ada Brandt"
    assert body["companies"] == [{"name": COMPANY, "role": "admin"}]
    assert len(body["csrf_token"]) == 43
    created = dt.datetime.fromisoformat(body["expires_at"]) - dt.timedelta(hours=12)
    idle_end = dt.datetime.fromisoformat(body["idle_expires_at"])
    assert idle_end - created == dt.timedelta(hours=2)


def test_login_with_form(world: SessionWorld) -> None:
    browser = world.browser()
    response = browser.post(
        "/auth/login",
        data={"login": "eli", "password": PASSWORDS["eli"], "submit": "Sign in"},
    )
    assert response.status_code == 200, response.text
    assert COOKIE in set_cookies(response)
    assert browser.get("/api/v1/companies").status_code == 200


def test_only_session_id_hash_stored(world: SessionWorld) -> None:
    response = sign_in(world.browser(), "bo", PASSWORDS["bo"])
    session_id = set_cookies(response)[COOKIE].value
    digest = hashlib.sha256(session_id.encode()).hexdigest()
    rows = [row for row in session_rows(world.store) if row.id_sha256 == digest]
    assert len(rows) == 1
    stored = [str(value) for value in rows[0]]
    assert session_id not in stored
    assert rows[0].csrf_token == response.json()["csrf_token"]


@pytest.mark.parametrize(
    ("login", "password", "reason"),
    [
        ("ada", "wrong-password", "wrong password"),
        ("nobody", PASSWORDS["ada"], "unknown login"),
        ("maya", "maya-has-no-password", "wrong password, or none set"),
        ("dora", PASSWORDS["dora"], "user is disabled"),
    ],
)
def test_failed_logins_look_alike(
    world: SessionWorld,
    caplog: pytest.LogCaptureFixture,
    login: str,
    password: str,
    reason: str,
) -> None:
    with caplog.at_level(logging.INFO):
        response = sign_in(world.browser(), login, password)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert response.json()["message"] == "invalid login or password"
    assert response.json()["details"] == {}
    assert "set-cookie" not in response.headers
    assert reason in caplog.text
    assert password not in caplog.text


@pytest.mark.parametrize(
    ("content_type", "body", "status", "code"),
    [
        ("text/plain", b"login=ada", 415, "unsupported_media_type"),
        ("application/json", b"{not json", 400, "invalid_json"),
        ("application/json", b'{"login": "ada"}', 422, "validation_failed"),
        ("application/json", b'["ada", "pw"]', 422, "validation_failed"),
        (
            "application/json",
            b'{"login": "ada", "password": "x", "remember": true}',
            422,
            "validation_failed",
        ),
    ],
)
def test_bad_login_body_rejected(
    world: SessionWorld, content_type: str, body: bytes, status: int, code: str
) -> None:
    response = world.browser().post(
        "/auth/login", content=body, headers={"Content-Type": content_type}
    )
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert "set-cookie" not in response.headers


def test_cross_site_login_rejected(world: SessionWorld) -> None:
    response = world.browser().post(
        "/auth/login",
        data={"login": "ada", "password": PASSWORDS["ada"]},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert "set-cookie" not in response.headers


def test_same_origin_login_accepted(world: SessionWorld) -> None:
    response = world.browser().post(
        "/auth/login",
        json={"login": "ada", "password": PASSWORDS["ada"]},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 200, response.text


def test_new_id_at_every_login(world: SessionWorld) -> None:
    browser, _ = world.signed_in("eli")
    first = browser.cookies[COOKIE]
    response = sign_in(browser, "eli", PASSWORDS["eli"])
    second = set_cookies(response)[COOKIE].value
    assert second != first

    # The id sent along with the new sign-in is ended.
    old = world.browser().get("/auth/session", headers={"Cookie": f"{COOKIE}={first}"})
    assert old.status_code == 401
    assert browser.get("/auth/session").json()["login"] == "eli"


def test_session_route_returns_csrf(world: SessionWorld) -> None:
    browser, csrf = world.signed_in("bo")
    response = browser.get("/auth/session")
    assert response.status_code == 200
    assert response.json()["csrf_token"] == csrf
    assert response.json()["login"] == "bo"
    assert response.headers["cache-control"] == "no-store"


def test_session_route_needs_cookie(world: SessionWorld) -> None:
    response = world.browser().get("/auth/session")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert "set-cookie" not in response.headers


# --- reading and writing with the cookie -------------------------------------------


def test_cookie_reads_work(world: SessionWorld) -> None:
    browser, _ = world.signed_in("bo")
    companies = browser.get("/api/v1/companies")
    assert companies.status_code == 200
    assert companies.json()["items"] == [{"name": COMPANY, "role": "board"}]
    register = browser.get(f"{company_path()}/initiatives")
    assert register.status_code == 200
    keys = [item["id"] for item in register.json()["items"]]
    assert "onboarding-revamp" in keys


def test_unsafe_request_without_csrf(world: SessionWorld) -> None:
    browser, _ = world.signed_in("eli")
    response = create(browser)
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "csrf_failed"
    assert "X-CSRF-Token" in body["message"]
    assert body["details"] == {"method": "POST", "header": "X-CSRF-Token"}
    assert body["request_id"] == response.headers["X-Request-ID"]


def test_unsafe_request_wrong_csrf(world: SessionWorld) -> None:
    browser, csrf = world.signed_in("eli")
    _, other_csrf = world.signed_in("eli")
    for wrong in (other_csrf, csrf[:-1], "", "é".encode() * 22):
        response = create(browser, **{"X-CSRF-Token": wrong})
        assert response.status_code == 403, wrong
        assert response.json()["code"] == "csrf_failed"


def test_unsafe_request_right_csrf(world: SessionWorld) -> None:
    browser, csrf = world.signed_in("eli")
    response = create(browser, **{"X-CSRF-Token": csrf})
    assert response.status_code == 201, response.text
    path = response.headers["Location"]
    history = browser.get(f"{path}/history")
    assert history.json()["items"][0]["actor"] == "eli"


def test_patch_needs_csrf(world: SessionWorld) -> None:
    browser, _ = world.signed_in("eli")
    path = f"{company_path()}/initiatives/onboarding-revamp"
    response = browser.patch(
        path, json={"reason": "x", "notes": "y"}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_csrf_check_of_unsafe_methods(method: str) -> None:
    # No route takes PUT or DELETE yet, so the check is called on a bare request.
    session = ActiveSession(
        principal=Principal("eli", "Eli Novak"),
        csrf_token="t" * 43,
        created_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
        expires_at=dt.datetime(2026, 3, 3, tzinfo=dt.UTC),
        last_seen_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
    )
    bare = {"type": "http", "method": method, "path": "/api/v1/x", "headers": []}
    with pytest.raises(CsrfFailedError):
        check_csrf(Request(bare), session)
    signed = {**bare, "headers": [(b"x-csrf-token", b"t" * 43)]}
    check_csrf(Request(signed), session)


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_safe_methods_need_no_csrf(method: str) -> None:
    session = ActiveSession(
        principal=Principal("eli", "Eli Novak"),
        csrf_token="t" * 43,
        created_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
        expires_at=dt.datetime(2026, 3, 3, tzinfo=dt.UTC),
        last_seen_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
    )
    bare = {"type": "http", "method": method, "path": "/api/v1/x", "headers": []}
    check_csrf(Request(bare), session)


def test_bearer_token_needs_no_csrf(world: SessionWorld) -> None:
    browser, _ = world.signed_in("bo")
    response = create(browser, Authorization=f"Bearer {world.tokens['eli']}")
    assert response.status_code == 201, response.text


def test_bad_bearer_ignores_cookie(world: SessionWorld) -> None:
    browser, _ = world.signed_in("eli")
    response = browser.get("/api/v1/companies", headers={"Authorization": "Bearer x"})
    assert response.status_code == 401
    assert "set-cookie" not in response.headers


def test_board_session_cannot_write(world: SessionWorld) -> None:
    browser, csrf = world.signed_in("bo")
    response = create(browser, **{"X-CSRF-Token": csrf})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert "role 'board'" in response.json()["message"]


def test_session_without_role_sees_no_company(world: SessionWorld) -> None:
    browser, _ = world.signed_in("quinn")
    companies = browser.get("/api/v1/companies").json()["items"]
    assert companies == [{"name": FOREIGN, "role": "admin"}]

    hidden = browser.get(f"{company_path()}/initiatives")
    missing = browser.get(f"{company_path('No Such Company')}/initiatives")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["code"] == missing.json()["code"] == "not_found"
    assert hidden.json()["message"].replace(COMPANY, "?") == missing.json()[
        "message"
    ].replace("No Such Company", "?")


def test_session_follows_role_changes(world: SessionWorld) -> None:
    world.store.add_user("cole", "Cole Wren", password="cole-correct-horse")
    world.store.grant_role("cole", COMPANY, Role.BOARD)
    browser = world.browser()
    assert sign_in(browser, "cole", "cole-correct-horse").status_code == 200
    assert browser.get(f"{company_path()}/initiatives").status_code == 200
    world.store.revoke_role("cole", COMPANY)
    assert browser.get(f"{company_path()}/initiatives").status_code == 404


# --- signing out and ending sessions ------------------------------------------------


def test_logout_needs_csrf(world: SessionWorld) -> None:
    browser, _ = world.signed_in("ada")
    response = browser.post("/auth/logout")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert browser.get("/auth/session").status_code == 200


def test_logout_invalidates_cookie(world: SessionWorld) -> None:
    browser, csrf = world.signed_in("ada")
    session_id = browser.cookies[COOKIE]
    response = browser.post("/auth/logout", headers={"X-CSRF-Token": csrf})
    assert response.status_code == 204
    assert_cleared(response)

    # A copy of the cookie kept elsewhere no longer works, and is cleared.
    replayed = world.browser().get(
        "/api/v1/companies", headers={"Cookie": f"{COOKIE}={session_id}"}
    )
    assert replayed.status_code == 401
    assert replayed.json()["code"] == "unauthenticated"
    assert_cleared(replayed)


@pytest.mark.parametrize(
    ("opened_ago", "lifetime_hours", "reason"),
    [(dt.timedelta(hours=13), 12, "expired at"), (dt.timedelta(hours=3), 12, "idle")],
)
def test_ended_session_rejected(
    world: SessionWorld,
    caplog: pytest.LogCaptureFixture,
    opened_ago: dt.timedelta,
    lifetime_hours: int,
    reason: str,
) -> None:
    opened = world.store.open_session(
        "eli",
        lifetime=dt.timedelta(hours=lifetime_hours),
        idle_timeout=dt.timedelta(hours=2),
        at=dt.datetime.now(dt.UTC) - opened_ago,
    )
    digest = hashlib.sha256(opened.session_id.encode()).hexdigest()
    with caplog.at_level(logging.INFO):
        response = world.browser().get(
            "/api/v1/companies", headers={"Cookie": f"{COOKIE}={opened.session_id}"}
        )
    assert response.status_code == 401
    assert_cleared(response)
    assert reason in caplog.text
    assert opened.session_id not in caplog.text
    assert digest not in [row.id_sha256 for row in session_rows(world.store)]


@pytest.mark.parametrize("session_id", ["A" * 43, "not-a-session-id", "A" * 44])
def test_unknown_cookie_rejected(world: SessionWorld, session_id: str) -> None:
    response = world.browser().get(
        "/api/v1/companies", headers={"Cookie": f"{COOKIE}={session_id}"}
    )
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert_cleared(response)


def test_disabled_user_session_ends(world: SessionWorld) -> None:
    world.store.add_user("finn", "Finn Ayodele", password="finn-correct-horse")
    world.store.grant_role("finn", COMPANY, Role.EDITOR)
    browser = world.browser()
    assert sign_in(browser, "finn", "finn-correct-horse").status_code == 200
    world.store.set_user_disabled("finn", True)
    response = browser.get("/api/v1/companies")
    assert response.status_code == 401
    assert_cleared(response)


def test_recent_use_keeps_session(world: SessionWorld) -> None:
    now = dt.datetime.now(dt.UTC)
    opened = world.store.open_session(
        "eli",
        lifetime=dt.timedelta(hours=12),
        idle_timeout=dt.timedelta(hours=2),
        at=now - dt.timedelta(hours=3),
    )
    # Used 90 minutes ago, so 30 minutes of the two idle hours remain.
    world.store.verify_session(
        opened.session_id,
        idle_timeout=dt.timedelta(hours=2),
        at=now - dt.timedelta(minutes=90),
    )
    response = world.browser().get(
        "/auth/session", headers={"Cookie": f"{COOKIE}={opened.session_id}"}
    )
    assert response.status_code == 200, response.text


# --- settings -------------------------------------------------------------------------


def test_insecure_cookies_drop_secure(world: SessionWorld) -> None:
    settings = replace(
        world.settings, insecure_cookies=True, session_lifetime_minutes=60
    )
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1") as browser:
        response = sign_in(browser, "ada", PASSWORDS["ada"])
        assert response.status_code == 200, response.text
        cookie = set_cookies(response)[COOKIE]
        assert cookie["secure"] == ""
        assert cookie["httponly"] is True
        assert cookie["max-age"] == "3600"
        assert browser.get("/api/v1/companies").status_code == 200


def workspace_with(tmp_path: Path, server: str) -> Path:
    root = tmp_path / "workspace"
    root.mkdir()
    (root / "boardloop.toml").write_text(
        f'[company]\nname = "{COMPANY}"\n\n[server]\n{server}', encoding="utf-8"
    )
    return root


def test_session_settings_read(tmp_path: Path) -> None:
    root = workspace_with(
        tmp_path, "session_lifetime_minutes = 480\nsession_idle_minutes = 30\n"
    )
    environ = {"BOARDLOOP_INSECURE_COOKIES": "True"}
    settings = load_settings(root, environ=environ)
    assert settings.session_lifetime_minutes == 480
    assert settings.session_idle_minutes == 30
    assert settings.insecure_cookies is True


@pytest.mark.parametrize(
    ("server", "environ", "key"),
    [
        ("session_idle_minutes = 800\n", {}, "session_idle_minutes"),
        ("session_lifetime_minutes = 2\n", {}, "session_lifetime_minutes"),
        ('insecure_cookies = "yes"\n', {}, "insecure_cookies"),
        ('host = "0.0.0.0"\ninsecure_cookies = true\n', {}, "insecure_cookies"),
        ("", {"BOARDLOOP_INSECURE_COOKIES": "maybe"}, "insecure_cookies"),
        ("", {"BOARDLOOP_SESSION_IDLE_MINUTES": "soon"}, "session_idle_minutes"),
    ],
)
def test_bad_session_settings_rejected(
    tmp_path: Path, server: str, environ: dict[str, str], key: str
) -> None:
    from boardloop.api import ServerSettingsError

    with pytest.raises(ServerSettingsError) as raised:
        load_settings(workspace_with(tmp_path, server), environ=environ)
    assert raised.value.key == key


def test_server_keys_agree() -> None:
    assert API_SERVER_KEYS == WORKSPACE_SERVER_KEYS


@pytest.mark.parametrize(
    "text",
    [
        *API_SERVER_KEYS,
        "BOARDLOOP_SESSION_LIFETIME_MINUTES",
        "BOARDLOOP_SESSION_IDLE_MINUTES",
        "BOARDLOOP_INSECURE_COOKIES",
        "POST /auth/login",
        "POST /auth/logout",
        "GET /auth/session",
        "X-CSRF-Token",
        "csrf_failed",
        COOKIE,
    ],
)
def test_sessions_documented(text: str) -> None:
    from pathlib import Path

    docs = Path(__file__).parent.parent / DOCS
    assert text in docs.read_text(encoding="utf-8")


def test_openapi_lists_auth_routes(world: SessionWorld) -> None:
    from openapi_spec_validator import validate

    document = world.browser().get("/api/v1/openapi.json").json()
    validate(document)
    paths = document["paths"]
    assert set(paths["/auth/login"]) == {"post"}
    assert set(paths["/auth/logout"]) == {"post"}
    assert set(paths["/auth/session"]) == {"get"}
    body = paths["/auth/login"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "application/x-www-form-urlencoded"}
