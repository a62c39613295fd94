"""The weekly digest page: the sections and items of `boardloop digest`, as HTML."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from boardloop import edits
from boardloop.api import company_workspace, resolve_as_of
from boardloop.export_service import build_weekly_digest
from boardloop.report import render_digest
from test_web_support import (
    ADMIN,
    COMPANY,
    FOREIGN,
    add_initiative,
    register_path,
    web_world,
)

if TYPE_CHECKING:
    from test_web_support import WebWorld

__all__ = ["web_world"]

DIGEST = register_path() + "/digest"


class DigestText(HTMLParser):
    """Collect the digest's lines as the text format writes them.

    Inside <article id="digest">, each heading is a line, each list item a
    line starting with "- ", and each empty section's paragraph a line.
    """

    LINE_TAGS = frozenset({"h1", "h2", "li", "p"})

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.in_digest = False
        self.current: list[str] | None = None
        self.prefix = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article" and ("id", "digest") in attrs:
            self.in_digest = True
        elif self.in_digest and tag in self.LINE_TAGS:
            self.current = []
            self.prefix = "- " if tag == "li" else ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.in_digest = False
        elif self.current is not None and tag in self.LINE_TAGS:
            self.lines.append(self.prefix + " ".join("".join(self.current).split()))
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.current is not None:
            self.current.append(data)


def page_lines(text: str) -> list[str]:
    parser = DigestText()
    parser.feed(text)
    return parser.lines


def expected_lines(world: WebWorld) -> list[str]:
    """Return the text digest's lines, without underlines and blank lines."""
    state = world.app.state.boardloop
    workspace = company_workspace(state, COMPANY)
    built = build_weekly_digest(
        workspace,
        catalog=state.catalog_for(COMPANY),
        as_of=resolve_as_of(None, workspace),
    )
    lines = render_digest(built, "text").splitlines()
    return [line for line in lines if line and set(line) not in ({"="}, {"-"})]


def test_digest_matches_command(web_world: WebWorld) -> None:
    page = web_world.signed_in("bo").get(DIGEST)
    assert page.status_code == 200
    expected = expected_lines(web_world)
    # The fixture's checkpoints lie in the past, so the overdue section has items.
    assert any("overdue: " in line for line in expected)
    assert page_lines(page.text) == expected


def test_digest_links_initiatives(web_world: WebWorld) -> None:
    page = web_world.signed_in("eli").get(DIGEST)
    assert f'href="{register_path()}/initiatives/onboarding-revamp"' in page.text


def test_digest_is_read_only(web_world: WebWorld) -> None:
    page = web_world.signed_in("ada").get(DIGEST)
    # The sign-out button is the only form that posts.
    assert page.text.count('method="post"') == 1
    assert "<textarea" not in page.text


def test_foreign_digest_is_404(web_world: WebWorld) -> None:
    response = web_world.signed_in("eli").get(register_path(FOREIGN) + "/digest")
    assert response.status_code == 404
    assert "Pricing pilot" not in response.text


def test_digest_needs_sign_in(web_world: WebWorld) -> None:
    response = web_world.browser().get(DIGEST)
    assert response.status_code == 303


def test_digest_escapes_names(web_world: WebWorld) -> None:
    add_initiative(
        web_world,
        "hostile-digest",
        name="<script>alert(1)</script> **bold**",
        owner="<b>Owner</b>",
    )
    # A checkpoint long past puts the initiative in the overdue section.
    stored = web_world.store.get_initiative(COMPANY, "hostile-digest")
    edits.update_fields(
        web_world.store,
        ADMIN,
        COMPANY,
        "hostile-digest",
        expected_version=stored.version,
        changes={"next_checkpoint": dt.date(2026, 1, 5)},
        reason="test setup",
    )
    page = web_world.signed_in("bo").get(DIGEST)
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **bold**" in page.text
    assert "&lt;b&gt;Owner&lt;/b&gt;" in page.text
    assert page_lines(page.text) == expected_lines(web_world)
