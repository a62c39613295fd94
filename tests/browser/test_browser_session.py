"""Sign-in sessions from a real browser: the cookie, CSRF and the cross-site check.

Requests here are made by the page's own fetch, so Chromium adds the headers
it adds for a real site (Sec-Fetch-Site, Origin) and applies the cookie flags.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from browser_checks import DESKTOP
from browser_site import PASSWORD

if TYPE_CHECKING:
    from collections.abc import Callable

    from browser_site import Site
    from playwright.sync_api import BrowserContext, Page

FETCH = """
async ([path, method, body, headers]) => {
  const response = await fetch(path, {
    method,
    headers: {"Content-Type": "application/json", ...headers},
    body: body === null ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try { json = JSON.parse(text); } catch (error) {}
  return {status: response.status, json};
}
"""


def fetch(
    page: Page,
    path: str,
    method: str = "GET",
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run fetch() in the page and return the status and the JSON body, if any."""
    result: dict[str, Any] = page.evaluate(FETCH, [path, method, body, headers or {}])
    return result


def site_page(open_context: Callable[..., BrowserContext], site: Site) -> Page:
    """Return a page at the site's origin, so fetch() runs same-origin."""
    page = open_context(DESKTOP, base_url=site.base_url).new_page()
    page.goto("/healthz")
    return page


def test_wrong_password_sets_no_cookie(
    open_context: Callable[..., BrowserContext], site: Site
) -> None:
    page = site_page(open_context, site)
    answer = fetch(
        page, "/auth/login", "POST", {"login": "ada", "password": "wrong!!!"}
    )
    assert answer["status"] == 401
    assert answer["json"]["code"] == "invalid_credentials"
    assert page.context.cookies() == []


def test_sign_in_sets_http_only_cookie(
    open_context: Callable[..., BrowserContext], site: Site
) -> None:
    page = site_page(open_context, site)
    answer = fetch(page, "/auth/login", "POST", {"login": "ada", "password": PASSWORD})
    assert answer["status"] == 200
    assert answer["json"]["login"] == "ada"
    (cookie,) = page.context.cookies()
    assert cookie["name"] == "boardloop_session"
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    # The test server runs with insecure_cookies on plain HTTP at 127.0.0.1.
    assert cookie["secure"] is False
    assert "boardloop_session" not in page.evaluate("document.cookie")


def test_session_reads_companies(
    open_context: Callable[..., BrowserContext], site: Site
) -> None:
    page = site_page(open_context, site)
    fetch(page, "/auth/login", "POST", {"login": "bo", "password": PASSWORD})
    session = fetch(page, "/auth/session")
    assert session["status"] == 200
    assert session["json"]["companies"] == [
        {"name": "Harbourline Analytics", "role": "board"}
    ]
    companies = fetch(page, "/api/v1/companies")
    assert companies["status"] == 200
    assert companies["json"]["items"] == session["json"]["companies"]


def test_logout_needs_csrf_token(
    open_context: Callable[..., BrowserContext], site: Site
) -> None:
    page = site_page(open_context, site)
    signed_in = fetch(
        page, "/auth/login", "POST", {"login": "eli", "password": PASSWORD}
    )
    token = signed_in["json"]["csrf_token"]

    rejected = fetch(page, "/auth/logout", "POST")
    assert rejected["status"] == 403
    assert rejected["json"]["code"] == "csrf_failed"
    assert fetch(page, "/auth/session")["status"] == 200

    ended = fetch(page, "/auth/logout", "POST", headers={"X-CSRF-Token": token})
    assert ended["status"] == 204
    assert page.context.cookies() == []
    assert fetch(page, "/auth/session")["status"] == 401


def test_board_user_edit_rejected(
    open_context: Callable[..., BrowserContext], site: Site
) -> None:
    page = site_page(open_context, site)
    signed_in = fetch(
        page, "/auth/login", "POST", {"login": "bo", "password": PASSWORD}
    )
    token = signed_in["json"]["csrf_token"]
    path = "/api/v1/companies/Harbourline%20Analytics/initiatives/onboarding-revamp"
    current = fetch(page, path)
    assert current["status"] == 200
    version = current["json"]["version"]
    answer = fetch(
        page,
        f"{path}/checkpoints",
        "POST",
        {"note": "board members cannot write", "reason": "test"},
        {"X-CSRF-Token": token, "If-Match": f'"{version}"'},
    )
    assert answer["status"] == 403
    assert answer["json"]["code"] == "forbidden"
    assert fetch(page, path)["json"]["version"] == version


def test_cross_site_sign_in_rejected(
    open_context: Callable[..., BrowserContext], site: Site
) -> None:
    # http://localhost and http://127.0.0.1 are different sites to a browser, so
    # a form on the first posting to the second is a cross-site sign-in.
    page = open_context(DESKTOP).new_page()
    other_site = site.base_url.replace("127.0.0.1", "localhost")
    page.goto(f"{other_site}/healthz")
    page.set_content(
        f'<form method="post" action="{site.url("/auth/login")}">'
        '<input name="login" value="ada">'
        f'<input name="password" value="{PASSWORD}">'
        '<button type="submit">Sign in</button></form>'
    )
    with page.expect_navigation():
        page.click("button")
    assert "csrf_failed" in page.inner_text("body")
    assert page.context.cookies() == []
