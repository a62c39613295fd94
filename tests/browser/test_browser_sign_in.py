"""Signing in and out through the pages, with the mouse and with the keyboard."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from browser_checks import DESKTOP
from browser_site import COMPANY_PATH, PASSWORD

expect = pytest.importorskip("playwright.sync_api").expect

if TYPE_CHECKING:
    from collections.abc import Callable

    from browser_site import Site
    from playwright.sync_api import BrowserContext, Page

INITIATIVE_PATH = f"{COMPANY_PATH}/initiatives/onboarding-revamp"


def path_of(page: Page) -> str:
    """Return the page's path and query, without the origin."""
    parts = urlsplit(page.url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def fill_sign_in(page: Page, login: str, password: str) -> None:
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def test_signed_out_visit_goes_to_sign_in(
    open_context: Callable[..., BrowserContext], site: Site
) -> None:
    page = open_context(DESKTOP, base_url=site.base_url).new_page()
    page.goto("/")
    assert path_of(page) == "/sign-in?next=%2F"
    assert page.get_by_role("heading", name="Sign in").is_visible()
    assert page.context.cookies() == []


def test_wrong_password_shows_error(
    open_context: Callable[..., BrowserContext], site: Site
) -> None:
    page = open_context(DESKTOP, base_url=site.base_url).new_page()
    page.goto("/sign-in")
    fill_sign_in(page, "ada", "not the password")
    assert page.get_by_role("alert").inner_text() == "invalid login or password"
    # The login stays filled in; the password does not come back.
    assert page.get_by_label("Login").input_value() == "ada"
    assert page.get_by_label("Password").input_value() == ""
    assert page.context.cookies() == []


def test_sign_in_and_out(
    open_context: Callable[..., BrowserContext], site: Site
) -> None:
    page = open_context(DESKTOP, base_url=site.base_url).new_page()
    page.goto("/")
    fill_sign_in(page, "ada", PASSWORD)
    assert path_of(page) == "/"
    assert page.get_by_role("heading", name="Your companies").is_visible()
    assert page.get_by_text("Signed in as Ada Brandt (ada)").is_visible()
    assert page.get_by_role("link", name="Harbourline Analytics").is_visible()

    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert path_of(page) == "/sign-in"
    assert page.context.cookies() == []
    page.goto("/")
    assert path_of(page) == "/sign-in?next=%2F"


def test_sign_in_returns_to_page(
    open_context: Callable[..., BrowserContext], site: Site
) -> None:
    page = open_context(DESKTOP, base_url=site.base_url).new_page()
    page.goto(INITIATIVE_PATH)
    assert path_of(page).startswith("/sign-in?next=")
    fill_sign_in(page, "maya", PASSWORD)
    assert path_of(page) == INITIATIVE_PATH
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Onboarding revamp for new SMB accounts"


def test_sign_in_by_keyboard(
    open_context: Callable[..., BrowserContext], site: Site
) -> None:
    page = open_context(DESKTOP, base_url=site.base_url).new_page()
    page.goto("/sign-in")
    # The login field takes the focus on load (autofocus, which Chromium applies
    # at its next rendering step); Tab moves to the password, Enter sends.
    expect(page.get_by_label("Login")).to_be_focused()
    page.keyboard.type("eli")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert path_of(page) == "/"
    assert page.get_by_text("Signed in as Eli Novak (eli)").is_visible()
