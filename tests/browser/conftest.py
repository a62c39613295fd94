"""Fixtures of the browser tests: one served site, one Chromium, a fresh page per test.

The tests drive Debian's Chromium (`/usr/bin/chromium`) through Playwright and
skip, with the reason, when either is missing. Playwright's own browser
downloads are never used. Every page refuses requests to any host other than
the loopback server and records them, and a test fails when one was attempted
or when the page raised a script error.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from browser_checks import DESKTOP, check_screenshot
from browser_site import Site, build_workspace, serve

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from playwright.sync_api import Browser, BrowserContext, Page, Route

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
# Schemes that never leave the machine.
LOCAL_SCHEMES = ("file", "data", "blob", "about")


# Module scope, not session: while Playwright's sync API is open, it keeps an
# asyncio event loop running in the main thread. Tests later in the run that
# start their own loop (the MCP client, the load bench) would then fail.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, for one test module."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip(
            "chromium is not on PATH; install Debian's chromium package "
            "(.ci/run does) to run the browser tests"
        )
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed"
    )
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The seeded workspace served by `boardloop serve`; tests must not change it."""
    root = tmp_path_factory.mktemp("site") / "workspace"
    build_workspace(root)
    with serve(root) as running:
        yield running


@pytest.fixture(scope="module")
def editable_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A second served workspace, for one module's tests that change the register."""
    root = tmp_path_factory.mktemp("editable") / "workspace"
    build_workspace(root)
    with serve(root) as running:
        yield running


@dataclass
class PageWatch:
    """What the pages of one test did that a test must not let pass unseen."""

    external_requests: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)


@pytest.fixture
def watch() -> PageWatch:
    return PageWatch()


def guard(context: BrowserContext, watch: PageWatch) -> None:
    """Abort and record every request that would leave the machine."""

    def route(route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS:
            route.continue_()
            return
        watch.external_requests.append(url)
        route.abort()

    context.route("**/*", route)


@pytest.fixture
def open_context(
    browser: Browser, watch: PageWatch
) -> Iterator[Callable[..., BrowserContext]]:
    """Return a factory of browser contexts for one viewport, closed after the test.

    `phone=True` emulates a phone (touch, and the page's viewport meta tag).
    """
    opened: list[BrowserContext] = []

    def open_one(
        size: tuple[int, int] = DESKTOP,
        *,
        base_url: str | None = None,
        phone: bool = False,
    ) -> BrowserContext:
        options: dict[str, Any] = {
            "viewport": {"width": size[0], "height": size[1]},
            "device_scale_factor": 1,
            "is_mobile": phone,
            "has_touch": phone,
            "locale": "en-GB",
            "timezone_id": "UTC",
            "color_scheme": "light",
            "reduced_motion": "reduce",
        }
        if base_url is not None:
            options["base_url"] = base_url
        context = browser.new_context(**options)
        guard(context, watch)
        context.on("page", lambda page: listen(page, watch))
        opened.append(context)
        return context

    yield open_one
    for context in opened:
        context.close()
    assert watch.external_requests == [], (
        f"pages tried to load from other hosts: {watch.external_requests}"
    )
    assert watch.script_errors == [], f"script errors on pages: {watch.script_errors}"


def listen(page: Page, watch: PageWatch) -> None:
    page.on("pageerror", lambda error: watch.script_errors.append(str(error)))

    def console(message: Any) -> None:
        # Chromium logs a 4xx or 5xx response as a failed resource, and the
        # tests check statuses themselves.
        if message.type == "error" and not message.text.startswith(
            "Failed to load resource"
        ):
            watch.script_errors.append(f"{page.url}: console error: {message.text}")

    page.on("console", console)


@pytest.fixture
def page(open_context: Callable[..., BrowserContext], site: Site) -> Page:
    """A page at 1280x800 on the seeded site, not signed in."""
    return open_context(DESKTOP, base_url=site.base_url).new_page()


@pytest.fixture(scope="session")
def screenshot_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder for actual and marked screenshots of this run."""
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def screenshot(screenshot_output: Path) -> Callable[[Page, str], None]:
    """Return a function that compares a page's screenshot with its baseline."""

    def take(page: Page, name: str) -> None:
        check_screenshot(page, name, screenshot_output)

    return take
