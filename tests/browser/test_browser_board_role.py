"""A board member reads every page and finds nothing to edit, and edits are rejected.

The board role may read everything and change nothing. Its pages must offer
no form that posts a change, no button but "Sign out", no link to an edit page
and no htmx attribute that sends a change. A change posted by hand is rejected
with 403, whatever the page offered.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

import pytest
from browser_checks import DESKTOP
from browser_site import COMPANY_PATH, sign_in

pytestmark = pytest.mark.browser

if TYPE_CHECKING:
    from collections.abc import Callable

    from browser_site import Site
    from playwright.sync_api import BrowserContext, Page

INITIATIVE_IDS = (
    "onboarding-revamp",
    "health-score-v2",
    "renewal-risk-desk",
    "customer-love",
)
# The last path segment of every route that changes the register.
EDIT_SEGMENT = re.compile(r"/(new|edit|close|status|checkpoints|target)/?(\?|#|$)")

CONTROLS_SCRIPT = """
() => ({
  posting_forms: [...document.querySelectorAll("form")]
    .filter(form => form.method.toLowerCase() !== "get")
    .map(form => form.getAttribute("action") || "(no action)"),
  // Buttons of a GET form (the register's filters) change nothing.
  buttons: [...document.querySelectorAll("button, input[type=submit], [type=button]")]
    .filter(button => !button.closest("form[method=get i]"))
    .map(button => (button.innerText || button.value || "").trim()),
  links: [...document.querySelectorAll("a[href]")].map(link => link.href),
  htmx: [...document.querySelectorAll("[hx-post], [hx-put], [hx-patch], [hx-delete]")]
    .map(element => element.outerHTML.slice(0, 120)),
})
"""


def board_pages() -> list[str]:
    """Return the path of every page a board member can open."""
    initiatives = [f"{COMPANY_PATH}/initiatives/{key}" for key in INITIATIVE_IDS]
    return ["/", COMPANY_PATH, f"{COMPANY_PATH}/board", *initiatives]


def check_read_only(page: Page) -> None:
    """Assert that the page offers the board member no way to change anything."""
    controls = page.evaluate(CONTROLS_SCRIPT)
    assert controls["posting_forms"] == ["/sign-out"], page.url
    assert controls["buttons"] == ["Sign out"], page.url
    edit_links = [link for link in controls["links"] if EDIT_SEGMENT.search(link)]
    assert edit_links == [], page.url
    assert controls["htmx"] == [], page.url


def test_board_pages_offer_no_edits(
    open_context: Callable[..., BrowserContext], site: Site
) -> None:
    context = open_context(DESKTOP, base_url=site.base_url)
    sign_in(context, site, "bo")
    page = context.new_page()
    for path in board_pages():
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, path
        if path.endswith("/board"):
            # The board section is the report's own page, without the header.
            controls = page.evaluate(CONTROLS_SCRIPT)
            assert controls["posting_forms"] == []
            assert controls["buttons"] == []
            continue
        assert page.get_by_text("Signed in as Bo Laurent (bo)").is_visible()
        check_read_only(page)


def test_board_register_links_only_read(
    open_context: Callable[..., BrowserContext], site: Site
) -> None:
    """Every link on the register leads to a page or file the board member may read.

    A download link is fetched with the context's cookies instead of opened,
    because the browser saves an attachment rather than showing it.
    """
    context = open_context(DESKTOP, base_url=site.base_url)
    sign_in(context, site, "bo")
    page = context.new_page()
    page.goto(COMPANY_PATH)
    links = page.evaluate(CONTROLS_SCRIPT)["links"]
    # The skip link points at #main on the same page, which loads nothing new.
    own = sorted(
        {link.split("#")[0] for link in links if link.startswith(site.base_url)}
    )
    assert own, "the register links nowhere"
    downloads = [link for link in own if "/downloads/" in link]
    assert downloads, "the register offers no downloads"
    for link in downloads:
        fetched = context.request.get(link)
        assert fetched.status == 200, link
        assert fetched.headers["content-disposition"].startswith("attachment;")
    for link in own:
        if link in downloads:
            continue
        response = page.goto(link)
        assert response is not None
        assert response.status == 200, link
        if "/board" not in link:
            check_read_only(page)


def csrf_token(page: Page) -> str:
    """Return the session's CSRF token from the sign-out form of a page."""
    token = page.locator("form[action='/sign-out'] input[name=csrf_token]")
    value = token.input_value()
    assert value
    return value


def version_of(context: BrowserContext, key: str) -> int:
    response = context.request.get(f"/api/v1{COMPANY_PATH}/initiatives/{key}")
    assert response.status == 200, response.text()
    version: int = response.json()["version"]
    return version


@pytest.mark.parametrize(
    ("route", "fields"),
    [
        ("/initiatives", {"name": "Board pet project", "target": "GRR 95%+"}),
        ("/initiatives/onboarding-revamp/edit", {"name": "Renamed", "reason": "x"}),
        (
            "/initiatives/onboarding-revamp/target",
            {"target": "+1pp GRR", "reason": "x"},
        ),
        (
            "/initiatives/onboarding-revamp/status",
            {"status": "launched", "reason": "x"},
        ),
        ("/initiatives/onboarding-revamp/checkpoints", {"note": "board note"}),
        (
            "/initiatives/onboarding-revamp/close",
            {"result": "abandoned", "reason": "x"},
        ),
    ],
    ids=["create", "edit", "target", "status", "checkpoint", "close"],
)
def test_board_post_rejected(
    open_context: Callable[..., BrowserContext],
    site: Site,
    route: str,
    fields: dict[str, str],
) -> None:
    context = open_context(DESKTOP, base_url=site.base_url)
    sign_in(context, site, "bo")
    page = context.new_page()
    page.goto(COMPANY_PATH)
    before = version_of(context, "onboarding-revamp")
    form: dict[str, str | float | bool] = {
        **fields,
        "csrf_token": csrf_token(page),
        "version": str(before),
    }
    response = context.request.post(f"{COMPANY_PATH}{route}", form=form)
    assert response.status == 403, response.text()
    # Rejected for the role, not for a missing CSRF token.
    assert "your role 'board'" in html.unescape(response.text())
    assert version_of(context, "onboarding-revamp") == before
    listed = context.request.get(f"/api/v1{COMPANY_PATH}/initiatives")
    names = [item["name"] for item in listed.json()["items"]]
    assert "Board pet project" not in names


def test_owner_other_status_rejected(
    open_context: Callable[..., BrowserContext], site: Site
) -> None:
    """An owner may change the status of her own initiatives only."""
    context = open_context(DESKTOP, base_url=site.base_url)
    sign_in(context, site, "maya")
    page = context.new_page()
    page.goto(f"{COMPANY_PATH}/initiatives/health-score-v2")
    assert page.locator("#status-form").count() == 0
    before = version_of(context, "health-score-v2")
    form: dict[str, str | float | bool] = {
        "status": "measuring",
        "reason": "not hers",
        "csrf_token": csrf_token(page),
        "version": str(before),
    }
    route = f"{COMPANY_PATH}/initiatives/health-score-v2/status"
    response = context.request.post(route, form=form)
    assert response.status == 403, response.text()
    assert "your role 'owner'" in html.unescape(response.text())
    assert version_of(context, "health-score-v2") == before
