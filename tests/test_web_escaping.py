"""Hostile text on the pages: every user string is escaped for HTML.

Names, owners, notes, reasons and a company name carry markup, quotes,
backticks, a Markdown table row and a spreadsheet formula. Each must show as
text on every page that prints it, and never as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from boardloop import edits
from boardloop.access import Principal, Role
from test_web_support import (
    ADMIN,
    COMPANY,
    add_initiative,
    csrf_of,
    initiative_path,
    register_path,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from test_web_support import WebWorld

SCRIPT = "<script>alert(1)</script>"
QUOTES = "Quote \" and ' and `tick` <img src=x onerror=alert(2)>"
TABLE = "| table | row |"
FORMULA = "=1+1"
# Right-to-left override and an escape sequence: shown as marks on the page,
# kept exactly in form fields.
CONTROLS = "Renewals \u202eesrever\x1b[31m"
# A company name with a slash cannot be a path segment, so this one has none.
HOSTILE_COMPANY = '<b>Evil<b> & "Co" `x` =1+1'
KEY = "hostile"


@pytest.fixture(scope="module")
def web_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebWorld]:
    """Serve a workspace with one hostile initiative and a hostile company."""
    from test_api_support import database_for
    from test_web_support import serve_web

    root = tmp_path_factory.mktemp("escaping") / "workspace"
    with database_for("sqlite"):
        for world in serve_web(root):
            seed(world)
            yield world


def seed(world: WebWorld) -> None:
    add_initiative(
        world,
        KEY,
        name=f"{SCRIPT} {TABLE}",
        owner=QUOTES,
        target=f"+2pp lift in GRR by Q4 2027 {SCRIPT}",
    )
    store = world.store
    version = store.get_initiative(COMPANY, KEY).version
    edits.post_checkpoint(
        store,
        ADMIN,
        COMPANY,
        KEY,
        expected_version=version,
        note=f"{FORMULA} {SCRIPT}",
        reason=QUOTES,
    )
    add_initiative(world, "controls", name=CONTROLS, owner="Dana Reyes")
    store.ensure_company(HOSTILE_COMPANY)
    store.grant_role("ada", HOSTILE_COMPANY, Role.ADMIN)
    admin = Principal("ada", "Ada Brandt", {HOSTILE_COMPANY: Role.ADMIN})
    draft = edits.InitiativeDraft(
        name=f"Evil {SCRIPT}", key="evil", owner_person=QUOTES
    )
    edits.create_initiative(store, admin, HOSTILE_COMPANY, draft, reason=FORMULA)


def assert_escaped(text: str) -> None:
    assert "<script>" not in text
    assert "<img" not in text
    assert "<b>Evil" not in text
    assert "onerror=alert(2)>" not in text


def test_register_escapes(web_world: WebWorld) -> None:
    page = web_world.signed_in("ada").get(register_path())
    assert page.status_code == 200
    assert_escaped(page.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; | table | row |" in page.text
    assert "Quote &#34; and &#39; and `tick` &lt;img" in page.text


def test_initiative_page_escapes(web_world: WebWorld) -> None:
    page = web_world.signed_in("ada").get(initiative_path(KEY))
    assert page.status_code == 200
    assert_escaped(page.text)
    assert "=1+1 &lt;script&gt;" in page.text
    assert "Why: Quote &#34; and" in page.text


def test_edit_form_escapes_values(web_world: WebWorld) -> None:
    page = web_world.signed_in("ada").get(initiative_path(KEY) + "/edit")
    assert page.status_code == 200
    assert_escaped(page.text)
    assert 'value="Quote &#34; and &#39; and `tick` &lt;img' in page.text


def test_controls_shown_as_marks(web_world: WebWorld) -> None:
    page = web_world.signed_in("ada").get(initiative_path("controls"))
    assert page.status_code == 200
    assert "\u202e" not in page.text
    assert "\x1b" not in page.text
    assert "Renewals [U+202E]esrever[U+001B][31m" in page.text


def test_controls_kept_in_form_values(web_world: WebWorld) -> None:
    page = web_world.signed_in("ada").get(initiative_path("controls") + "/edit")
    assert page.status_code == 200
    assert 'value="Renewals \u202eesrever\x1b[31m"' in page.text
    assert "<h1>Edit Renewals [U+202E]esrever" in page.text


def test_board_view_escapes(web_world: WebWorld) -> None:
    page = web_world.signed_in("ada").get(register_path() + "/board")
    assert page.status_code == 200
    assert_escaped(page.text)


def test_company_name_escaped(web_world: WebWorld) -> None:
    browser = web_world.signed_in("ada")
    portfolio = browser.get("/")
    assert_escaped(portfolio.text)
    assert "&lt;b&gt;Evil&lt;b&gt; &amp; &#34;Co&#34; `x` =1+1" in portfolio.text
    link = register_path(HOSTILE_COMPANY)
    assert f'href="{link}"' in portfolio.text
    page = browser.get(link)
    assert page.status_code == 200, page.text
    assert_escaped(page.text)
    initiative = browser.get(initiative_path("evil", HOSTILE_COMPANY))
    assert initiative.status_code == 200
    assert_escaped(initiative.text)


def test_preview_escapes(web_world: WebWorld) -> None:
    response = web_world.signed_in("ada").get(
        register_path() + "/lint-preview",
        params={"target": SCRIPT, "name": QUOTES},
    )
    assert response.status_code == 200
    assert_escaped(response.text)
    assert "&lt;script&gt;" in response.text


def test_form_error_escapes_input(web_world: WebWorld) -> None:
    browser = web_world.signed_in("ada")
    token = csrf_of(browser.get(register_path()))
    response = browser.post(
        register_path() + "/initiatives",
        data={"csrf_token": token, "name": SCRIPT, "next_checkpoint": QUOTES},
    )
    assert response.status_code == 422
    assert_escaped(response.text)


def test_sign_in_next_escaped(web_world: WebWorld) -> None:
    page = web_world.browser().get('/sign-in?next=/x"><script>alert(3)</script>')
    assert page.status_code == 200
    assert "<script>alert(3)" not in page.text
    assert 'value="/x&#34;&gt;&lt;script&gt;' in page.text
