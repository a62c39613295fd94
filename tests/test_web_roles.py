"""Roles on the pages: what each role sees and what the edit routes let it post.

The board role gets no edit control at all and every edit post is rejected
with 403; an owner sees only the status and checkpoint forms, and only on
initiatives that name them; another company's pages are 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from test_web_support import (
    COMPANY,
    FOREIGN,
    add_initiative,
    csrf_of,
    initiative_path,
    register_path,
    web_world,
)

if TYPE_CHECKING:
    from test_web_support import WebWorld

__all__ = ["web_world"]

EDIT_PAGES = ("/edit", "/close")
EDIT_POSTS = {
    "/edit": {"name": "Taken over", "reason": "r"},
    "/target": {"target": "NPS 60+ by H2 2027", "reason": "r"},
    "/checkpoints": {"note": "board note"},
    "/status": {"status": "launched", "reason": "r"},
    "/close": {"result": "abandoned", "reason": "r"},
}
CONTROLS = (
    'id="checkpoint-form"',
    'id="status-form"',
    '/edit"',
    '/close"',
    "/initiatives/new",
)


def post_forms(world: WebWorld, login: str, key: str) -> dict[str, int]:
    """Post every edit form on `key` as `login`, with a valid token and version."""
    browser = world.signed_in(login)
    page = browser.get(register_path())
    token = csrf_of(page)
    version = str(world.store.get_initiative(COMPANY, key).version)
    statuses = {}
    for suffix, data in EDIT_POSTS.items():
        response = browser.post(
            initiative_path(key) + suffix,
            data={"csrf_token": token, "version": version, **data},
        )
        statuses[suffix] = response.status_code
    response = browser.post(
        register_path() + "/initiatives",
        data={"csrf_token": token, "name": f"{login} made this"},
    )
    statuses["create"] = response.status_code
    return statuses


def test_board_sees_no_controls(web_world: WebWorld) -> None:
    browser = web_world.signed_in("bo")
    for path in (register_path(), initiative_path("onboarding-revamp")):
        page = browser.get(path)
        assert page.status_code == 200
        for control in CONTROLS:
            assert control not in page.text, (path, control)
        # The only form that posts is the sign-out button.
        assert page.text.count('method="post"') == 1


def test_board_cannot_open_edit_pages(web_world: WebWorld) -> None:
    browser = web_world.signed_in("bo")
    assert browser.get(register_path() + "/initiatives/new").status_code == 403
    for suffix in EDIT_PAGES:
        response = browser.get(initiative_path("onboarding-revamp") + suffix)
        assert response.status_code == 403, suffix


def test_board_posts_rejected(web_world: WebWorld) -> None:
    add_initiative(web_world, "board-target")
    before = web_world.store.get_initiative(COMPANY, "board-target")
    statuses = post_forms(web_world, "bo", "board-target")
    assert statuses == dict.fromkeys(statuses, 403)
    after = web_world.store.get_initiative(COMPANY, "board-target")
    assert after.version == before.version
    assert (
        web_world.signed_in("eli").get(initiative_path("bo-made-this")).status_code
        == 404
    )


def test_owner_sees_own_controls(web_world: WebWorld) -> None:
    page = web_world.signed_in("maya").get(initiative_path("onboarding-revamp"))
    assert 'id="checkpoint-form"' in page.text
    assert 'id="status-form"' in page.text
    assert '/edit"' not in page.text
    assert '/close"' not in page.text


def test_owner_sees_nothing_on_others(web_world: WebWorld) -> None:
    browser = web_world.signed_in("maya")
    page = browser.get(initiative_path("health-score-v2"))
    assert page.status_code == 200
    assert page.text.count('method="post"') == 1
    register = browser.get(register_path())
    assert "/initiatives/new" not in register.text


def test_owner_posts_on_own(web_world: WebWorld) -> None:
    add_initiative(web_world, "owner-own", owner="Maya Okafor")
    statuses = post_forms(web_world, "maya", "owner-own")
    assert statuses["/checkpoints"] == 303
    # The checkpoint moved the version on, so the status post is stale.
    assert statuses["/status"] == 409
    for name in ("/edit", "/target", "/close", "create"):
        assert statuses[name] == 403, name


def test_owner_posts_on_others_rejected(web_world: WebWorld) -> None:
    add_initiative(web_world, "owner-other", owner="Jon Reyes")
    before = web_world.store.get_initiative(COMPANY, "owner-other")
    statuses = post_forms(web_world, "maya", "owner-other")
    assert statuses == dict.fromkeys(statuses, 403)
    after = web_world.store.get_initiative(COMPANY, "owner-other")
    assert after.version == before.version


def test_editor_sees_every_control(web_world: WebWorld) -> None:
    browser = web_world.signed_in("eli")
    page = browser.get(initiative_path("health-score-v2"))
    for control in CONTROLS[:4]:
        assert control in page.text, control
    assert "/initiatives/new" in browser.get(register_path()).text


@pytest.mark.parametrize(
    "suffix", ["", "/board", "/initiatives/new", "/lint-preview?target=x"]
)
def test_foreign_company_pages_404(web_world: WebWorld, suffix: str) -> None:
    browser = web_world.signed_in("eli")
    response = browser.get(register_path(FOREIGN) + suffix)
    assert response.status_code == 404
    assert "Pricing pilot" not in response.text


def test_foreign_company_posts_404(web_world: WebWorld) -> None:
    browser = web_world.signed_in("eli")
    token = csrf_of(browser.get(register_path()))
    path = initiative_path("secret-pricing-pilot", FOREIGN)
    for suffix, data in EDIT_POSTS.items():
        response = browser.post(
            path + suffix, data={"csrf_token": token, "version": "1", **data}
        )
        assert response.status_code == 404, suffix
    version = web_world.store.get_initiative(FOREIGN, "secret-pricing-pilot").version
    assert version == 1


def test_bearer_token_does_not_sign_pages_in(web_world: WebWorld) -> None:
    from boardloop.access import Scope

    issued = web_world.store.issue_token("eli", "pages", scopes=(Scope.READ,))
    response = web_world.browser().get(
        register_path(), headers={"Authorization": f"Bearer {issued.token}"}
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in")
