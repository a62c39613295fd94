"""The read-only pages in Chromium: screenshots, layout at two sizes, keyboard focus.

Every page is opened by the editor `eli` on the shared site, which no test
changes, so each screenshot shows the same register at the same board date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_checks import DESKTOP, PHONE, assert_no_overflow, focus_order
from browser_site import COMPANY_PATH, sign_in

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect

if TYPE_CHECKING:
    from collections.abc import Callable

    from browser_site import Site
    from playwright.sync_api import BrowserContext, Page

INITIATIVE_PATH = f"{COMPANY_PATH}/initiatives/onboarding-revamp"

# Screenshot name -> path and the heading the page must show.
PAGES = {
    "sign-in": ("/sign-in", "Sign in"),
    "portfolio": ("/", "Your companies"),
    "register": (COMPANY_PATH, "Harbourline Analytics"),
    "initiative": (INITIATIVE_PATH, "Onboarding revamp for new SMB accounts"),
    "board-view": (f"{COMPANY_PATH}/board", "Customer Success Initiatives"),
    "digest": (f"{COMPANY_PATH}/digest", "Weekly digest: Harbourline Analytics"),
    "new-form": (f"{COMPANY_PATH}/initiatives/new", "Add an initiative"),
    "edit-form": (f"{INITIATIVE_PATH}/edit", "Edit Onboarding revamp"),
    "close-form": (f"{INITIATIVE_PATH}/close", "Close Onboarding revamp"),
}

# Page -> labels of the controls that Tab must reach.
KEYBOARD = {
    "sign-in": ["Login", "Password", "Sign in"],
    "portfolio": ["Harbourline Analytics", "Sign out"],
    "register": [
        "weekly digest",
        "Owner",
        "KPI",
        "Verdict",
        "Filter",
        "Board pack (PDF)",
        "Checkpoint calendar (ICS)",
    ],
    "initiative": ["Note", "Post the note", "New status", "Change the status"],
    "new-form": ["Name", "Owner (a person)", "Target", "Add the initiative"],
    "edit-form": ["Name", "Save the fields", "Target", "Revise the target"],
    "close-form": ["Result", "Lesson", "Close the initiative"],
}


def open_page(
    open_context: Callable[..., BrowserContext],
    site: Site,
    name: str,
    size: tuple[int, int],
) -> Page:
    """Open a page as the editor (signed out for sign-in) and check its heading."""
    path, heading = PAGES[name]
    context = open_context(size, base_url=site.base_url, phone=size == PHONE)
    if name != "sign-in":
        sign_in(context, site, "eli")
    page = context.new_page()
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, f"{path}: {response.status}"
    assert page.locator("h1").first.inner_text().startswith(heading)
    return page


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_layout(
    open_context: Callable[..., BrowserContext],
    site: Site,
    screenshot: Callable[[Page, str], None],
    name: str,
    size: tuple[int, int],
) -> None:
    page = open_page(open_context, site, name, size)
    assert page.evaluate("window.innerWidth") == size[0]
    assert_no_overflow(page)
    screenshot(page, f"{name}-{size[0]}")


@pytest.mark.parametrize("name", list(KEYBOARD))
def test_tab_reaches_controls(
    open_context: Callable[..., BrowserContext], site: Site, name: str
) -> None:
    page = open_page(open_context, site, name, DESKTOP)
    focused = focus_order(page)
    labels = [entry["label"] for entry in focused]
    for control in KEYBOARD[name]:
        assert control in labels, f"Tab never reaches {control!r}; it reaches {labels}"
    for entry in focused:
        if not entry["focus_in_shadow"]:
            assert entry["visible_focus"], f"no visible focus on {entry}"


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_live_lint_layout(
    open_context: Callable[..., BrowserContext],
    site: Site,
    screenshot: Callable[[Page, str], None],
    size: tuple[int, int],
) -> None:
    """The add form with a vague target typed in, and the live lint beside it."""
    page = open_page(open_context, site, "new-form", size)
    page.get_by_label("Name", exact=True).fill("Customer love week")
    page.get_by_label("Target", exact=True).press_sequentially("improve retention")
    preview = page.locator("#lint-preview")
    expect(preview).to_contain_text("not readable")
    expect(preview).to_contain_text("TG201")
    assert_no_overflow(page)
    screenshot(page, f"new-form-live-lint-{size[0]}")


def test_register_filters_by_status(
    open_context: Callable[..., BrowserContext], site: Site
) -> None:
    page = open_page(open_context, site, "register", DESKTOP)
    page.get_by_label("closed", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    address = urlsplit(page.url)
    assert address.path == COMPANY_PATH
    assert parse_qs(address.query) == {"status": ["closed"]}
    assert page.get_by_text("1 of 4 initiatives shown.").is_visible()
    names = page.locator("ul.register h2").all_inner_texts()
    assert names == ["Renewal-risk desk for Mid-market"]
    # The filter stays set on the page it leads to, so the URL can be bookmarked.
    assert page.get_by_label("closed", exact=True).is_checked()
