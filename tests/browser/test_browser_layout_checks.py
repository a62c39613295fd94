"""The layout and focus checks on small pages written here, so each is seen to fail."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from browser_checks import PHONE, assert_no_overflow, focus_order, wide_elements

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import BrowserContext, Page

HEAD = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def phone_page(open_context: Callable[..., BrowserContext], body: str) -> Page:
    page = open_context(PHONE, phone=True).new_page()
    page.set_content(
        f"<!DOCTYPE html><html><head>{HEAD}</head><body>{body}</body></html>"
    )
    return page


def test_fitting_page_passes(open_context: Callable[..., BrowserContext]) -> None:
    page = phone_page(open_context, "<p>Short text.</p>")
    assert_no_overflow(page)


def test_wide_element_fails(open_context: Callable[..., BrowserContext]) -> None:
    page = phone_page(open_context, '<div id="wide" style="width: 600px">wide</div>')
    with pytest.raises(AssertionError, match="scrolls sideways"):
        assert_no_overflow(page)
    assert wide_elements(page) == ["div#wide is 600 px wide, right edge at 608 px"]


def test_body_clipping_found(open_context: Callable[..., BrowserContext]) -> None:
    # Hiding the overflow on the body keeps the page from scrolling, but the
    # paragraph still runs past the screen's edge.
    body = '<p id="long" style="width: 500px">cut off</p>'
    page = phone_page(open_context, body)
    page.add_style_tag(content="body { overflow-x: hidden; }")
    assert wide_elements(page) == ["p#long is 500 px wide, right edge at 508 px"]


def test_shifted_element_found(open_context: Callable[..., BrowserContext]) -> None:
    body = '<p id="shifted" style="margin-left: 300px; width: 200px">x</p>'
    page = phone_page(open_context, body)
    assert wide_elements(page) == ["p#shifted is 200 px wide, right edge at 508 px"]


def test_scrolling_box_allowed(open_context: Callable[..., BrowserContext]) -> None:
    body = (
        '<div id="box" style="overflow-x: auto">'
        '<table style="width: 700px"><tr><td>wide table</td></tr></table></div>'
    )
    page = phone_page(open_context, body)
    assert_no_overflow(page)


def test_missing_viewport_tag_found(
    open_context: Callable[..., BrowserContext],
) -> None:
    page = open_context(PHONE, phone=True).new_page()
    page.set_content("<!DOCTYPE html><html><body><p>No viewport tag.</p></body></html>")
    # A phone lays out a page without the tag at 980 px and zooms it out.
    assert page.evaluate("window.innerWidth") != PHONE[0]


def test_hidden_focus_found(open_context: Callable[..., BrowserContext]) -> None:
    body = (
        '<label for="a">Plain</label><input id="a">'
        '<button style="outline: none">Hidden focus</button>'
    )
    page = phone_page(open_context, body)
    focused = focus_order(page)
    by_label = {entry["label"]: entry for entry in focused}
    assert by_label["Plain"]["visible_focus"] is True
    assert by_label["Hidden focus"]["visible_focus"] is False
