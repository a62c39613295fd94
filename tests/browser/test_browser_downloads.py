"""Downloads in Chromium: a board member saves the board pack from the pages.

The links are plain links to attachments, so the browser saves the file under
the server's file name instead of opening a page. The mouse and the keyboard
both start the download.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from browser_checks import DESKTOP
from browser_site import BOARD_DATE, COMPANY_PATH, sign_in

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from browser_site import Site
    from playwright.sync_api import BrowserContext, Download, Page

PACK_NAME = f"board-section-harbourline-analytics-{BOARD_DATE.isoformat()}.pdf"


def board_page(
    open_context: Callable[..., BrowserContext], site: Site, path: str
) -> Page:
    """Open `path` as the board member bo."""
    context = open_context(DESKTOP, base_url=site.base_url)
    sign_in(context, site, "bo")
    page = context.new_page()
    response = page.goto(path)
    assert response is not None
    assert response.status == 200
    return page


def check_pack(download: Download, folder: Path) -> None:
    """Save the download and check that it is the board pack as a PDF."""
    assert download.failure() is None
    assert download.suggested_filename == PACK_NAME
    saved = folder / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")


def test_click_downloads_pdf_pack(
    open_context: Callable[..., BrowserContext], site: Site, tmp_path: Path
) -> None:
    page = board_page(open_context, site, COMPANY_PATH)
    with page.expect_download() as started:
        page.get_by_role("link", name="Board pack (PDF)").click()
    check_pack(started.value, tmp_path)
    # An attachment does not navigate, so the page stays where it was.
    assert page.url.endswith(COMPANY_PATH)


def test_keyboard_downloads_from_board_view(
    open_context: Callable[..., BrowserContext], site: Site, tmp_path: Path
) -> None:
    page = board_page(open_context, site, f"{COMPANY_PATH}/board")
    link = page.get_by_role("link", name="Board pack (PDF)")
    link.focus()
    with page.expect_download() as started:
        page.keyboard.press("Enter")
    check_pack(started.value, tmp_path)
