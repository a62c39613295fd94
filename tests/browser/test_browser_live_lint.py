"""Live lint in Chromium: every add-form field, the close form's outcome, chart text.

The tests only type into forms and read previews, so the shared site stays as
it was for the screenshot tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from browser_checks import DESKTOP, PHONE, assert_no_overflow
from browser_site import COMPANY_PATH, sign_in

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect

if TYPE_CHECKING:
    from collections.abc import Callable

    from browser_site import Site
    from playwright.sync_api import BrowserContext, Page

INITIATIVE_PATH = f"{COMPANY_PATH}/initiatives/onboarding-revamp"

# Width of the chart's viewBox in user units, as the board section draws it.
CHART_WIDTH = 560

# The smallest text size, in CSS pixels, that the chart's labels may show at.
MIN_CHART_TEXT_PX = 11


def open_as_editor(
    open_context: Callable[..., BrowserContext],
    site: Site,
    path: str,
    size: tuple[int, int],
) -> Page:
    context = open_context(size, base_url=site.base_url, phone=size == PHONE)
    sign_in(context, site, "eli")
    page = context.new_page()
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, f"{path}: {response.status}"
    return page


def test_status_and_checkpoint_update_preview(
    open_context: Callable[..., BrowserContext], site: Site
) -> None:
    page = open_as_editor(
        open_context, site, f"{COMPANY_PATH}/initiatives/new", DESKTOP
    )
    preview = page.locator("#lint-preview")
    page.get_by_label("Name", exact=True).fill("Renewal desk for SMB")
    page.get_by_label("Owner (a person)", exact=True).fill("Eli Novak")
    page.get_by_label("Target", exact=True).fill("+2pp lift in GRR for SMB by Q4 FY27")
    expect(preview).to_contain_text("DT302")

    page.get_by_label("Next checkpoint", exact=True).fill("2026-12-15")
    expect(preview).not_to_contain_text("DT302")

    page.get_by_label("Status", exact=True).select_option("in-progress")
    expect(preview).to_contain_text("TG202")
    expect(preview).to_contain_text("in-progress")

    page.get_by_label("Value, in the KPI's unit", exact=True).fill("88.5")
    page.get_by_label("Measured on", exact=True).fill("2026-06-30")
    expect(preview).not_to_contain_text("TG202")


def test_close_form_previews_outcome(
    open_context: Callable[..., BrowserContext], site: Site
) -> None:
    page = open_as_editor(open_context, site, f"{INITIATIVE_PATH}/close", PHONE)
    preview = page.locator("#outcome-preview")
    expect(preview).to_contain_text("Pick a result")

    page.get_by_label("Result", exact=True).select_option("achieved")
    page.get_by_label(
        "Actual movement of the KPI, signed (required unless abandoned)", exact=True
    ).fill("3.2")
    expect(preview).to_contain_text("CL602")

    page.get_by_label("Result", exact=True).select_option("partially-achieved")
    expect(preview).not_to_contain_text("CL602")
    expect(preview).not_to_contain_text("Pick a result")
    assert_no_overflow(page)


def test_chart_text_readable_on_phone(
    open_context: Callable[..., BrowserContext], site: Site
) -> None:
    page = open_as_editor(open_context, site, INITIATIVE_PATH, PHONE)
    texts = page.evaluate(
        """(width) => {
          const svg = document.querySelector("svg.chart");
          const scale = svg.getBoundingClientRect().width / width;
          return [...svg.querySelectorAll("text")].map((text) => ({
            text: text.textContent,
            px: parseFloat(getComputedStyle(text).fontSize) * scale,
            left: text.getBoundingClientRect().left,
            right: text.getBoundingClientRect().right,
          }));
        }""",
        CHART_WIDTH,
    )

    assert texts, "the initiative page has no chart text"
    for label in texts:
        assert label["px"] >= MIN_CHART_TEXT_PX, label
        assert label["left"] >= 0, label
        assert label["right"] <= PHONE[0], label
    assert_no_overflow(page)
