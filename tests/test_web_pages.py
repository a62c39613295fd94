"""Read pages: sign-in, the portfolio, the register with filters, initiative, board."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest

from test_web_support import (
    COMPANY,
    FOREIGN,
    initiative_path,
    register_path,
    web_world,
)

if TYPE_CHECKING:
    from test_web_support import WebWorld

__all__ = ["web_world"]


def test_page_redirects_to_sign_in(web_world: WebWorld) -> None:
    browser = web_world.browser()
    response = browser.get(register_path() + "?owner=Maya")
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/sign-in?next=")
    assert quote(register_path(), safe="") in location


def test_htmx_request_gets_hx_redirect(web_world: WebWorld) -> None:
    response = web_world.browser().get(
        register_path() + "/lint-preview?target=x", headers={"HX-Request": "true"}
    )
    assert response.status_code == 401
    assert response.headers["hx-redirect"] == "/sign-in"


def test_post_without_session_returns_to_form(web_world: WebWorld) -> None:
    page = "https://testserver" + initiative_path("onboarding-revamp")
    response = web_world.browser().post(
        initiative_path("onboarding-revamp") + "/checkpoints",
        data={"note": "n"},
        headers={"Referer": page},
    )
    assert response.status_code == 303
    expected = quote(initiative_path("onboarding-revamp"), safe="")
    assert response.headers["location"] == f"/sign-in?next={expected}"


def test_post_from_other_site_returns_home(web_world: WebWorld) -> None:
    response = web_world.browser().post(
        register_path() + "/initiatives",
        data={"name": "n"},
        headers={"Referer": "https://other.example/companies/x"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=%2F"


def test_sign_in_form_sets_session(web_world: WebWorld) -> None:
    browser = web_world.browser()
    page = browser.get("/sign-in?next=/companies")
    assert page.status_code == 200
    assert 'name="password"' in page.text
    response = browser.post(
        "/sign-in",
        data={"login": "eli", "password": "eli-correct-horse", "next": "/"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert browser.get("/").status_code == 200


def test_sign_in_wrong_password(web_world: WebWorld) -> None:
    browser = web_world.browser()
    response = browser.post("/sign-in", data={"login": "eli", "password": "nope-nope"})
    assert response.status_code == 401
    assert "invalid login or password" in response.text
    assert "set-cookie" not in response.headers


def test_sign_in_empty_fields(web_world: WebWorld) -> None:
    response = web_world.browser().post("/sign-in", data={"login": "eli"})
    assert response.status_code == 422
    assert "enter both your login and your password" in response.text


def test_sign_in_ignores_foreign_next(web_world: WebWorld) -> None:
    browser = web_world.browser()
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil"):
        response = browser.post(
            "/sign-in",
            data={"login": "eli", "password": "eli-correct-horse", "next": target},
        )
        assert response.headers["location"] == "/", target


def test_cross_site_sign_in_rejected(web_world: WebWorld) -> None:
    response = web_world.browser().post(
        "/sign-in",
        data={"login": "eli", "password": "eli-correct-horse"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403
    assert "set-cookie" not in response.headers


def test_sign_out_ends_session(web_world: WebWorld) -> None:
    browser = web_world.signed_in("eli")
    page = browser.get("/")
    from test_web_support import csrf_of

    response = browser.post("/sign-out", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in"
    assert browser.get("/").status_code == 303


def test_sign_out_without_csrf(web_world: WebWorld) -> None:
    browser = web_world.signed_in("eli")
    response = browser.post("/sign-out", data={})
    assert response.status_code == 403
    assert browser.get("/").status_code == 200


def test_portfolio_lists_each_board(web_world: WebWorld) -> None:
    page = web_world.signed_in("bo").get("/")
    assert page.status_code == 200
    assert COMPANY in page.text
    assert FOREIGN in page.text
    assert f'href="{register_path(FOREIGN)}"' in page.text
    assert "errors" in page.text


def test_portfolio_hides_other_companies(web_world: WebWorld) -> None:
    page = web_world.signed_in("eli").get("/")
    assert COMPANY in page.text
    assert FOREIGN not in page.text


def test_register_lists_with_findings(web_world: WebWorld) -> None:
    page = web_world.signed_in("eli").get(register_path())
    assert page.status_code == 200
    for name in (
        "Onboarding revamp",
        "Health score model v2",
        "Quarterly executive business reviews",
    ):
        assert name in page.text
    assert "Findings" in page.text
    assert 'class="rule"' in page.text


def test_register_filters(web_world: WebWorld) -> None:
    browser = web_world.signed_in("eli")
    page = browser.get(register_path() + "?status=planned")
    assert "Health score model v2" in page.text
    assert "Onboarding revamp" not in page.text
    page = browser.get(register_path() + "?owner=maya%20okafor")
    assert "Onboarding revamp" in page.text
    assert "Health score model v2" not in page.text
    page = browser.get(register_path() + "?kpi=NPS")
    assert "Quarterly executive business reviews" in page.text
    assert "Onboarding revamp" not in page.text


def test_register_rejects_unknown_filter(web_world: WebWorld) -> None:
    page = web_world.signed_in("eli").get(register_path() + "?verdict=great")
    assert page.status_code == 422
    assert "unknown verdict &#39;great&#39;" in page.text


def test_foreign_company_is_404(web_world: WebWorld) -> None:
    browser = web_world.signed_in("eli")
    assert browser.get(register_path(FOREIGN)).status_code == 404
    key = "secret-pricing-pilot"
    response = browser.get(initiative_path(key, FOREIGN))
    assert response.status_code == 404
    assert "Pricing pilot" not in response.text


def test_initiative_page_shows_record(web_world: WebWorld) -> None:
    page = web_world.signed_in("eli").get(initiative_path("onboarding-revamp"))
    assert page.status_code == 200
    assert "Onboarding revamp" in page.text
    assert "GRR +5pp for SMB (90-day)" in page.text
    assert "History" in page.text
    assert "imported" in page.text or "created" in page.text


def test_missing_initiative_is_404(web_world: WebWorld) -> None:
    response = web_world.signed_in("eli").get(initiative_path("no-such-thing"))
    assert response.status_code == 404


def test_board_view_is_board_section(web_world: WebWorld) -> None:
    """Apart from its download links, the board view is the API's HTML byte for byte."""
    browser = web_world.signed_in("bo")
    page = browser.get(register_path() + "/board")
    assert page.status_code == 200
    api = browser.get(
        f"/api/v1/companies/{quote(COMPANY, safe='')}/board-section?format=html"
    )
    assert api.status_code == 200
    links = re.compile(rb'<nav aria-label="Downloads".*?</nav>\n', re.S)
    assert len(links.findall(page.content)) == 1
    assert links.sub(b"", page.content) == api.content


PAGES = (
    "/",
    register_path(),
    initiative_path("onboarding-revamp"),
    register_path() + "/initiatives/new",
    initiative_path("onboarding-revamp") + "/edit",
    initiative_path("onboarding-revamp") + "/close",
)


class FormControls(HTMLParser):
    """Collect visible form controls without a label, and links to other sites.

    A control is labelled by a <label for> naming its id or by sitting inside a
    <label>.
    """

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[str] = []
        self.labelled: set[str] = set()
        self.external: list[str] = []
        self.label_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "label":
            self.label_depth += 1
            self.labelled.add(values.get("for") or "")
        visible = values.get("type") != "hidden"
        if tag in ("input", "select", "textarea") and visible and not self.label_depth:
            name = values.get("id") or f"<{tag} name={values.get('name')}>"
            self.controls.append(name)
        for name in ("src", "href", "action"):
            link = values.get(name) or ""
            if "//" in link:
                self.external.append(link)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.label_depth -= 1


@pytest.mark.parametrize("path", PAGES)
def test_page_controls_have_labels(web_world: WebWorld, path: str) -> None:
    page = web_world.signed_in("ada").get(path)
    assert page.status_code == 200
    parser = FormControls()
    parser.feed(page.text)
    unlabelled = [item for item in parser.controls if item not in parser.labelled]
    assert unlabelled == []
    assert parser.external == []
    assert '<meta name="viewport" content="width=device-width' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


def test_static_files_served(web_world: WebWorld) -> None:
    browser = web_world.browser()
    script = browser.get("/static/htmx.min.js")
    assert script.status_code == 200
    assert 'version:"2.' in script.text
    style = browser.get("/static/web.css")
    assert style.status_code == 200
    assert ":focus-visible" in style.text


def test_register_shows_edit_made_elsewhere(web_world: WebWorld) -> None:
    from test_web_support import add_initiative

    browser = web_world.signed_in("eli")
    first = browser.get(register_path())
    assert "Made elsewhere" not in first.text
    add_initiative(web_world, "made-elsewhere", name="Made elsewhere")
    second = browser.get(register_path())
    assert "Made elsewhere" in second.text


def test_serve_help_names_pages() -> None:
    from click.testing import CliRunner

    from boardloop.cli.main import main

    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0, result.output
    assert "Serve the web pages at / and the REST API under /api/v1." in result.output
