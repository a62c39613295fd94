"""The self-contained board section in Chromium: renders, fits a phone, loads nothing.

The section is written by `boardloop report --format html` and also served by
GET /api/v1/companies/{company}/board-section?format=html to a signed-in
browser. Both must show the same page.
"""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
from browser_checks import DESKTOP, PHONE, assert_no_overflow
from browser_site import COMPANY, REPOSITORY, sign_in

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from browser_site import Site
    from playwright.sync_api import BrowserContext, Page

    from conftest import PageWatch

SECTION_PATH = f"/api/v1/companies/{quote(COMPANY, safe='')}/board-section?format=html"
# Open initiatives of the seeded register whose KPI series have two or more
# values, so the section draws a chart for each.
CHARTED = ("Onboarding revamp for new SMB accounts", "Health-score model v2")


@pytest.fixture(scope="module")
def section_file(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The board section as `boardloop report --format html` writes it."""
    output = tmp_path_factory.mktemp("report") / "board-section.html"
    command = [sys.executable, "-m", "boardloop", "report", "--format", "html"]
    result = subprocess.run(
        [*command, "-o", str(output)],
        cwd=site.root,
        env={"PYTHONPATH": str(REPOSITORY / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return output


def check_section(page: Page) -> None:
    """Assert the section's heading, tables and one chart per charted initiative."""
    heading = page.locator("h1")
    assert heading.inner_text().startswith("Customer Success Initiatives")
    headings = page.locator("h2").all_inner_texts()
    assert "Active and planned initiatives" in headings
    assert "Closed initiatives" in headings
    charts = page.locator("svg")
    assert charts.count() >= len(CHARTED)
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box is not None, f"chart {index} is not rendered"
        assert box["width"] > 0
        assert box["height"] > 0
    # Every chart draws its series as a line or points.
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('svg')]"
        ".map(svg => svg.querySelectorAll('path, polyline, circle, line').length)"
    )
    assert all(count > 0 for count in drawn), drawn
    closed = page.get_by_text("Renewal-risk desk for Mid-market").first
    assert closed.is_visible()


@pytest.mark.parametrize(
    ("size", "phone"), [(DESKTOP, False), (PHONE, True)], ids=["desktop", "phone"]
)
def test_report_file_renders(
    open_context: Callable[..., BrowserContext],
    watch: PageWatch,
    section_file: Path,
    screenshot: Callable[[Page, str], None],
    size: tuple[int, int],
    phone: bool,
) -> None:
    page = open_context(size, phone=phone).new_page()
    page.goto(section_file.as_uri())
    check_section(page)
    assert page.evaluate("window.innerWidth") == size[0]
    assert_no_overflow(page)
    assert watch.external_requests == []
    screenshot(page, f"board-section-file-{size[0]}")


def test_report_file_loads_nothing(
    open_context: Callable[..., BrowserContext], watch: PageWatch, section_file: Path
) -> None:
    page = open_context(DESKTOP).new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(section_file.as_uri())
    page.wait_for_load_state("networkidle")
    assert requested == [section_file.as_uri()]
    assert watch.external_requests == []


def test_served_section_matches_file(
    open_context: Callable[..., BrowserContext],
    watch: PageWatch,
    site: Site,
    section_file: Path,
) -> None:
    context = open_context(PHONE, base_url=site.base_url, phone=True)
    sign_in(context, "bo")
    page = context.new_page()
    response = page.goto(SECTION_PATH)
    assert response is not None
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    check_section(page)
    assert_no_overflow(page)
    served = page.locator("main, body").first.inner_text()
    file_page = context.new_page()
    file_page.goto(section_file.as_uri())
    assert served == file_page.locator("main, body").first.inner_text()
    assert watch.external_requests == []


def test_served_section_needs_sign_in(
    open_context: Callable[..., BrowserContext], site: Site
) -> None:
    page = open_context(DESKTOP, base_url=site.base_url).new_page()
    response = page.goto(SECTION_PATH)
    assert response is not None
    assert response.status == 401
    assert response.json()["code"] == "unauthenticated"
