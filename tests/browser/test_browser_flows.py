"""An initiative's life through the pages: add, fix the target, run, close, report.

The editor `eli` works on a server of this module's own, so the register the
other tests see never changes. The steps run in one test, in order, because
each starts from the state the one before left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from browser_checks import DESKTOP
from browser_site import COMPANY_PATH, PASSWORD, sign_in

if TYPE_CHECKING:
    from collections.abc import Callable

    from browser_site import Site
    from playwright.sync_api import BrowserContext, Page

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect

NAME = "Renewal call programme"
KEY = "renewal-call-programme"
INITIATIVE_PATH = f"{COMPANY_PATH}/initiatives/{KEY}"
VAGUE_TARGET = "improve retention"
PRECISE_TARGET = "+3pp lift in 90-day GRR for SMB by Q4 FY27"
CANONICAL_TARGET = "GRR +3pp for SMB (90-day) by Q4 FY27 (2027-01-31)"


def submit(page: Page, button: str) -> None:
    """Click a form's submit button and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def section(page: Page, heading: str) -> str:
    """Return the text of the page section that the heading opens."""
    return page.locator(
        "section", has=page.get_by_role("heading", name=heading)
    ).inner_text()


def add_vague_initiative(page: Page) -> None:
    page.goto(COMPANY_PATH)
    with page.expect_navigation():
        page.get_by_role("link", name="Add an initiative").click()
    page.get_by_label("Name", exact=True).fill(NAME)
    page.get_by_label("Owner (a person)", exact=True).fill("Eli Novak")
    page.get_by_label("Owner's function", exact=True).fill("Customer Success")
    page.get_by_label("Target", exact=True).fill(VAGUE_TARGET)
    # The live lint under the target field reads the draft as it is typed.
    preview = page.locator("#lint-preview")
    expect(preview).to_contain_text("not readable")
    page.get_by_label("Status", exact=True).select_option("in-progress")
    page.get_by_label("Next checkpoint", exact=True).fill("2026-12-15")
    submit(page, "Add the initiative")
    assert page.url.endswith(INITIATIVE_PATH)


def fix_target(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name="Edit").click()
    target = page.get_by_label("Target", exact=True)
    target.fill("")
    target.press_sequentially(PRECISE_TARGET)
    expect(page.locator("#lint-preview")).to_contain_text(
        f"In plain words: {CANONICAL_TARGET}"
    )
    page.get_by_label("Why the target changes", exact=True).fill(
        "Name the KPI, amount and date"
    )
    submit(page, "Revise the target")
    assert page.url.endswith(INITIATIVE_PATH)


def test_initiative_life(
    open_context: Callable[..., BrowserContext], editable_site: Site
) -> None:
    context = open_context(DESKTOP, base_url=editable_site.base_url)
    sign_in(context, editable_site, "eli")
    page = context.new_page()

    # Add it with a vague target: the page shows the target's findings.
    add_vague_initiative(page)
    assert page.get_by_role("heading", level=1).inner_text() == NAME
    findings = section(page, "Findings")
    assert "TG201" in findings
    assert VAGUE_TARGET in findings

    # Fix the target: the live lint shows the canonical phrase, then the page.
    fix_target(page)
    assert CANONICAL_TARGET in section(page, "Target")
    assert "TG201" not in section(page, "Findings")

    # Change the status.
    page.get_by_label("New status", exact=True).select_option("launched")
    page.get_by_label("Why", exact=True).fill("Calls start this week")
    submit(page, "Change the status")
    assert "launched" in page.locator("dl.pairs").first.inner_text()

    # Post a checkpoint note.
    page.get_by_label("Note", exact=True).fill("First forty renewal calls held.")
    page.get_by_label("Date of the review (default today)", exact=True).fill(
        "2026-11-12"
    )
    submit(page, "Post the note")
    assert "2026-11-12" in section(page, "Checkpoints")
    assert "First forty renewal calls held." in section(page, "Checkpoints")

    # Close it with an outcome.
    with page.expect_navigation():
        page.get_by_role("link", name="Close with an outcome").click()
    page.get_by_label("Result", exact=True).select_option("achieved")
    page.get_by_label(
        "Actual movement of the KPI, signed (required unless abandoned)", exact=True
    ).fill("+3.2")
    page.get_by_label("Lesson", exact=True).fill(
        "Calls before day 60 kept the accounts."
    )
    page.get_by_label("Closed on (default today)", exact=True).fill("2026-11-13")
    page.get_by_label("Why", exact=True).fill("Q4 GRR measured")
    submit(page, "Close the initiative")
    assert page.url.endswith(INITIATIVE_PATH)
    evaluation = section(page, "Evaluation")
    assert "Achieved" in evaluation
    assert "Calls before day 60 kept the accounts." in evaluation

    # The board view lists it among the closed initiatives.
    page.goto(f"{COMPANY_PATH}/board")
    closed = section(page, "Closed initiatives")
    assert NAME in closed


def test_sign_out_ends_session(
    open_context: Callable[..., BrowserContext], editable_site: Site
) -> None:
    page = open_context(DESKTOP, base_url=editable_site.base_url).new_page()
    page.goto("/sign-in")
    page.get_by_label("Login", exact=True).fill("eli")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    submit(page, "Sign in")
    cookie = page.context.cookies()[0]["value"]
    submit(page, "Sign out")
    # The old cookie no longer opens a page, even when a browser sends it again.
    page.context.add_cookies(
        [{"name": "boardloop_session", "value": cookie, "url": editable_site.base_url}]
    )
    page.goto(INITIATIVE_PATH)
    assert "/sign-in" in page.url


def test_stale_form_rejected(
    open_context: Callable[..., BrowserContext], editable_site: Site
) -> None:
    """Two tabs on one initiative: the second save, based on the old version, fails."""
    context = open_context(DESKTOP, base_url=editable_site.base_url)
    sign_in(context, editable_site, "eli")
    path = f"{COMPANY_PATH}/initiatives/health-score-v2"
    first = context.new_page()
    first.goto(path)
    second = context.new_page()
    second.goto(path)

    first.get_by_label("Note", exact=True).fill("Saved from the first tab.")
    submit(first, "Post the note")
    assert "Saved from the first tab." in section(first, "Checkpoints")

    second.get_by_label("New status", exact=True).select_option("measuring")
    second.get_by_label("Why", exact=True).fill("Saved from the second tab")
    submit(second, "Change the status")
    alert = second.locator("#status-form").get_by_role("alert")
    assert alert.inner_text().startswith("Nothing was saved")
    assert "based on version 1, it is now at version 2" in alert.inner_text()
    assert "launched" in second.locator("dl.pairs").first.inner_text()
    # The first tab's note is kept, and the status did not change.
    second.goto(path)
    assert "Saved from the first tab." in section(second, "Checkpoints")
    assert "launched" in second.locator("dl.pairs").first.inner_text()
