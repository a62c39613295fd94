"""Cached section and list bodies: ETags, 304 Not Modified, gzip, and invalidation."""

from __future__ import annotations

import datetime as dt
import gzip
from typing import TYPE_CHECKING, Any

import pytest

import boardloop.report
from boardloop.api import _routes_register
from boardloop.api._cache import clear_caches
from boardloop.api._conditional import (
    GZIP_MIN_BYTES,
    CachedBody,
    accepts_gzip,
    etag_matches,
)
from boardloop.api._settings import ApiSettings, open_api_workspace
from boardloop.service import import_files
from test_api_support import api_world, backend, company_path

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    import httpx2

    from test_api_support import ApiWorld

__all__ = ["api_world", "backend"]

SECTION = f"{company_path()}/board-section?as_of=2026-03-01&format=md"
LIST = f"{company_path()}/initiatives?limit=2"
INITIATIVE = f"{company_path()}/initiatives/onboarding-revamp"
NOW = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)

NEW_REGISTER = """\
initiatives:
  - id: advocacy-program
    name: Customer advocacy program
    owner: {person: Ana Lima, function: CS}
    target: NPS 50+ by H2 2026
    status: planned
    next_checkpoint: 2026-04-01
"""

NEW_KPI_VALUES = """\
kpi,segment,period_end,value,n
GRR,SMB,2026-01-31,70.0,60
GRR,SMB,2026-02-28,71.5,61
"""


@pytest.fixture(autouse=True)
def empty_caches() -> Iterator[None]:
    clear_caches()
    yield
    clear_caches()


def get(world: ApiWorld, path: str, **headers: str) -> httpx2.Response:
    return world.client.get(path, headers=world.headers("bo", **headers))


def patch_name(world: ApiWorld, name: str) -> None:
    current = world.client.get(INITIATIVE, headers=world.headers("eli"))
    response = world.client.patch(
        INITIATIVE,
        json={"name": name, "reason": "clearer name for the board"},
        headers=world.headers("eli", **{"If-Match": current.headers["ETag"]}),
    )
    assert response.status_code == 200, response.text


def import_text(world: ApiWorld, name: str, text: str) -> None:
    """Import a file through a second store, as another worker would."""
    with open_api_workspace(ApiSettings(workspace=world.root)) as workspace:
        path = world.root / name
        path.write_text(text, encoding="utf-8")
        import_files(workspace, [path], actor="another worker", at=NOW)


# --- the helpers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, False),
        ("", False),
        ('W/"abc"', True),
        ('"abc"', True),
        ('"other", W/"abc"', True),
        ("*", True),
        ('"other"', False),
        ('W/"ab"', False),
    ],
)
def test_etag_matches_weakly(header: str | None, expected: bool) -> None:
    assert etag_matches(header, 'W/"abc"') is expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, False),
        ("", False),
        ("identity", False),
        ("gzip", True),
        ("GZIP", True),
        ("deflate, gzip;q=0.5", True),
        ("x-gzip", True),
        ("gzip;q=0", False),
        ("gzip;q=0.0, *", False),
        ("*", True),
        ("*;q=0", False),
        ("br, *;q=0.1", True),
        ("gzip;q=high", False),
    ],
)
def test_accepts_gzip_reads_q_values(header: str | None, expected: bool) -> None:
    assert accepts_gzip(header) is expected


def test_cached_body_compresses_large_text() -> None:
    body = b'{"a": 1}' * GZIP_MIN_BYTES
    cached = CachedBody(body, "application/json", compressible=True)
    gzipped = cached.gzipped()
    assert gzipped is not None
    assert gzip.decompress(gzipped) == body
    assert cached.gzipped() is gzipped
    assert cached.etag.startswith('W/"')


def test_cached_body_keeps_small_and_binary() -> None:
    small = CachedBody(b"{}", "application/json", compressible=True)
    assert small.gzipped() is None
    binary = CachedBody(b"%PDF" * GZIP_MIN_BYTES, "application/pdf", compressible=False)
    assert binary.gzipped() is None


def test_etag_follows_content() -> None:
    first = CachedBody(b"one", "text/plain", compressible=True)
    same = CachedBody(b"one", "text/plain", compressible=True)
    other = CachedBody(b"two", "text/plain", compressible=True)
    assert first.etag == same.etag
    assert first.etag != other.etag


# --- the board section -------------------------------------------------------


def test_section_revalidates_with_304(api_world: ApiWorld) -> None:
    first = get(api_world, SECTION)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert first.headers["Vary"] == "Accept-Encoding"

    again = get(api_world, SECTION, **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == etag

    stale = get(api_world, SECTION, **{"If-None-Match": 'W/"0000"'})
    assert stale.status_code == 200
    assert stale.content == first.content


def test_section_304_needs_token(api_world: ApiWorld) -> None:
    etag = get(api_world, SECTION).headers["ETag"]
    response = api_world.client.get(SECTION, headers={"If-None-Match": etag})
    assert response.status_code == 401


def test_section_gzip_when_accepted(api_world: ApiWorld) -> None:
    plain = get(api_world, SECTION, **{"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert len(plain.content) >= GZIP_MIN_BYTES

    with api_world.client.stream(
        "GET", SECTION, headers=api_world.headers("bo", **{"Accept-Encoding": "gzip"})
    ) as response:
        raw = b"".join(response.iter_raw())
        headers = response.headers
    assert headers["Content-Encoding"] == "gzip"
    assert headers["ETag"] == plain.headers["ETag"]
    assert gzip.decompress(raw) == plain.content


def test_section_renders_once_per_format(
    api_world: ApiWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_calls(monkeypatch, boardloop.report, "render_bytes")
    first = get(api_world, SECTION)
    second = get(api_world, SECTION)
    assert second.content == first.content
    assert calls == ["md"]

    get(api_world, SECTION.replace("format=md", "format=json"))
    assert calls == ["md", "json"]


def write_register_edit(world: ApiWorld) -> None:
    patch_name(world, "Guided onboarding")


def write_register_import(world: ApiWorld) -> None:
    import_text(world, "advocacy.yaml", NEW_REGISTER)


def write_kpi_values(world: ApiWorld) -> None:
    import_text(world, "grr.csv", NEW_KPI_VALUES)


WRITES = {
    "api edit": write_register_edit,
    "register import": write_register_import,
    "kpi values import": write_kpi_values,
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_section_etag_changes_on_write(
    api_world: ApiWorld, write: Callable[[ApiWorld], None]
) -> None:
    # The JSON section carries the KPI series, which the Markdown leaves out.
    json_section = SECTION.replace("format=md", "format=json")
    before = get(api_world, json_section)
    write(api_world)
    after = get(api_world, json_section, **{"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.content != before.content


# --- the initiative list -----------------------------------------------------


def test_list_revalidates_with_304(api_world: ApiWorld) -> None:
    first = get(api_world, LIST)
    assert first.status_code == 200
    assert len(first.json()["items"]) == 2
    again = get(api_world, LIST, **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_list_pages_cached_per_query(
    api_world: ApiWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_calls(monkeypatch, _routes_register, "initiative_page")
    first = get(api_world, LIST)
    assert get(api_world, LIST).content == first.content
    assert len(calls) == 1

    cursor = first.json()["next_cursor"]
    second_page = get(api_world, f"{LIST}&cursor={cursor}")
    assert second_page.json()["items"] != first.json()["items"]
    closed = get(api_world, f"{LIST}&status=closed")
    assert closed.status_code == 200
    assert len(calls) == 3


def test_list_invalid_query_not_cached(api_world: ApiWorld) -> None:
    for _ in range(2):
        response = get(api_world, f"{LIST}&verdict=late")
        assert response.status_code == 422, response.text


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_list_etag_changes_on_write(
    api_world: ApiWorld,
    write: Callable[[ApiWorld], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = get(api_world, LIST)
    calls = count_calls(monkeypatch, _routes_register, "initiative_page")
    write(api_world)
    after = get(api_world, LIST, **{"If-None-Match": before.headers["ETag"]})
    # A KPI value import leaves the first page's content as it was, so only
    # the rebuild shows that the write was seen.
    assert after.status_code in (200, 304)
    assert len(calls) == 1


def test_list_shows_api_edit_at_once(api_world: ApiWorld) -> None:
    full = f"{company_path()}/initiatives"
    before = get(api_world, full)
    patch_name(api_world, "Guided onboarding")
    after = get(api_world, full, **{"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    names = {item["id"]: item["name"] for item in after.json()["items"]}
    assert names["onboarding-revamp"] == "Guided onboarding"


def count_calls(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[Any]:
    """Wrap `module.name` so each call appends its second or first argument."""
    calls: list[Any] = []
    original = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[1] if len(args) > 1 else args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls
