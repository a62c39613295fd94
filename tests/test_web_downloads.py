"""Downloads from the register, initiative and board pages, for every role that reads.

Each link must be on the page for an editor and a board member. Each file must
come as an attachment with its media type and file name, and read back with
its format's library (python-pptx, openpyxl, icalendar). A PDF must start with
%PDF-.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

import icalendar
import pptx
import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from test_web_support import (
    COMPANY,
    FOREIGN,
    initiative_path,
    register_path,
    web_world,
)

if TYPE_CHECKING:
    import httpx2

    from test_web_support import WebWorld

__all__ = ["web_world"]

DOWNLOADS = register_path() + "/downloads"
SLUG = "tallyfern-software"
ISO_DATE = r"\d{4}-\d{2}-\d{2}"
READERS = ("eli", "bo")

# Link text -> file of the download, its media type and its file name pattern.
FILES = {
    "Board pack (PDF)": (
        "board-section.pdf",
        "application/pdf",
        rf"board-section-{SLUG}-{ISO_DATE}\.pdf",
    ),
    "Board pack (PPTX)": (
        "board-section.pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        rf"board-section-{SLUG}-{ISO_DATE}\.pptx",
    ),
    "Board section (Markdown)": (
        "board-section.md",
        "text/markdown; charset=utf-8",
        rf"board-section-{SLUG}-{ISO_DATE}\.md",
    ),
    "Board section (JSON)": (
        "board-section.json",
        "application/json",
        rf"board-section-{SLUG}-{ISO_DATE}\.json",
    ),
    "Register (CSV)": (
        "register.csv",
        "text/csv; charset=utf-8",
        rf"register-{SLUG}\.csv",
    ),
    "Register (XLSX)": (
        "register.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        rf"register-{SLUG}\.xlsx",
    ),
    "Findings (CSV)": (
        "findings.csv",
        "text/csv; charset=utf-8",
        rf"findings-{SLUG}-{ISO_DATE}\.csv",
    ),
    "Findings (XLSX)": (
        "findings.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        rf"findings-{SLUG}-{ISO_DATE}\.xlsx",
    ),
    "Checkpoint calendar (ICS)": (
        "checkpoints.ics",
        "text/calendar; charset=utf-8",
        rf"checkpoints-{SLUG}\.ics",
    ),
}
INITIATIVE_NAMES = (
    "Onboarding revamp",
    "Health score model v2",
    "Quarterly executive business reviews",
)


def link_html(label: str, href: str) -> str:
    return f'<a href="{href}">{label}</a>'


def attachment_name(response: httpx2.Response) -> str:
    """Return the file name of an attachment's Content-Disposition header."""
    disposition = response.headers["content-disposition"]
    found = re.fullmatch(r'attachment; filename="([^"]+)"', disposition)
    assert found, disposition
    return found.group(1)


def check_body(filename: str, body: bytes) -> None:
    """Read the file back with the library of its format."""
    extension = filename.rsplit(".", 1)[1]
    if extension == "pdf":
        assert body.startswith(b"%PDF-")
    elif extension == "pptx":
        deck = pptx.Presentation(io.BytesIO(body))
        assert len(deck.slides) > 0
    elif extension == "xlsx":
        book = load_workbook(io.BytesIO(body))
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        assert len(rows) > 1
    elif extension == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert len(rows) > 1
    elif extension == "ics":
        calendar = icalendar.Calendar.from_ical(body)
        assert len(calendar.walk("VEVENT")) > 0
    elif extension == "json":
        assert json.loads(body)["company"] == COMPANY
    elif extension == "md":
        text = body.decode("utf-8")
        assert text.startswith("## Customer Success Initiatives\n")
        assert COMPANY in text
    else:
        raise AssertionError(f"no check for {filename}")


@pytest.mark.parametrize("login", READERS)
def test_register_links_every_download(web_world: WebWorld, login: str) -> None:
    page = web_world.signed_in(login).get(register_path())
    assert page.status_code == 200
    for label, (filename, _, _) in FILES.items():
        assert link_html(label, f"{DOWNLOADS}/{filename}") in page.text, label
    assert link_html("weekly digest", register_path() + "/digest") in page.text


@pytest.mark.parametrize("login", READERS)
def test_board_view_links_every_download(web_world: WebWorld, login: str) -> None:
    page = web_world.signed_in(login).get(register_path() + "/board")
    assert page.status_code == 200
    nav = page.text.split('<nav aria-label="Downloads"', 1)[1].split("</nav>")[0]
    for filename, _, _ in FILES.values():
        assert f'href="{DOWNLOADS}/{filename}"' in nav, filename
    assert f'href="{register_path()}/digest"' in nav


@pytest.mark.parametrize("login", READERS)
@pytest.mark.parametrize("label", list(FILES))
def test_download_is_attachment(web_world: WebWorld, login: str, label: str) -> None:
    filename, media_type, name_pattern = FILES[label]
    response = web_world.signed_in(login).get(f"{DOWNLOADS}/{filename}")
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"] == media_type
    assert re.fullmatch(name_pattern, attachment_name(response))
    assert response.headers["cache-control"] == "no-store"
    check_body(filename, response.content)


def test_pack_name_matches_api(web_world: WebWorld) -> None:
    browser = web_world.signed_in("bo")
    page = browser.get(f"{DOWNLOADS}/board-section.pdf")
    api = browser.get(
        f"/api/v1/companies/{quote(COMPANY, safe='')}/board-section?format=pdf"
    )
    assert api.status_code == 200
    assert attachment_name(page) == attachment_name(api)


def test_register_csv_lists_initiatives(web_world: WebWorld) -> None:
    response = web_world.signed_in("bo").get(f"{DOWNLOADS}/register.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = {row["name"] for row in rows}
    for name in INITIATIVE_NAMES:
        assert name in names


def test_calendar_events_link_to_server(web_world: WebWorld) -> None:
    response = web_world.signed_in("eli").get(f"{DOWNLOADS}/checkpoints.ics")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == len(INITIATIVE_NAMES)
    description = str(events[0]["DESCRIPTION"])
    assert "https://testserver/api/v1/companies/Tallyfern%20Software/" in description


def test_owner_filter_links_owner_calendar(web_world: WebWorld) -> None:
    browser = web_world.signed_in("bo")
    query = urlencode({"owner": "maya okafor"})
    page = browser.get(f"{register_path()}?{query}")
    href = f"{DOWNLOADS}/checkpoints.ics?{query}"
    label = "Checkpoint calendar of maya okafor (ICS)"
    assert link_html(label, href.replace("&", "&amp;")) in page.text

    response = browser.get(href)
    assert response.status_code == 200
    assert attachment_name(response) == f"checkpoints-{SLUG}-maya-okafor.ics"
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    summaries = [str(event["SUMMARY"]) for event in events]
    assert summaries == ["Checkpoint: Onboarding revamp"]


def test_unknown_owner_has_no_calendar(web_world: WebWorld) -> None:
    browser = web_world.signed_in("bo")
    page = browser.get(register_path() + "?owner=Nobody+Here")
    assert page.status_code == 200
    assert "Checkpoint calendar of" not in page.text
    response = browser.get(f"{DOWNLOADS}/checkpoints.ics?owner=Nobody+Here")
    assert response.status_code == 404
    assert "Nobody Here" in response.text


def test_blank_owner_calendar_is_422(web_world: WebWorld) -> None:
    response = web_world.signed_in("bo").get(f"{DOWNLOADS}/checkpoints.ics?owner=+")
    assert response.status_code == 422


def test_initiative_links_owner_calendar(web_world: WebWorld) -> None:
    page = web_world.signed_in("bo").get(initiative_path("onboarding-revamp"))
    assert page.status_code == 200
    href = f"{DOWNLOADS}/checkpoints.ics?owner=Maya+Okafor"
    label = "Checkpoint calendar of Maya Okafor (ICS)"
    assert link_html(label, href) in page.text


def test_foreign_company_is_404(web_world: WebWorld) -> None:
    browser = web_world.signed_in("eli")
    foreign = register_path(FOREIGN) + "/downloads"
    for filename, _, _ in FILES.values():
        response = browser.get(f"{foreign}/{filename}")
        assert response.status_code == 404, filename
        assert "content-disposition" not in response.headers
        assert "Pricing pilot" not in response.text


def test_board_reads_other_company(web_world: WebWorld) -> None:
    """bo is on the board of both companies, so both companies' files download."""
    response = web_world.signed_in("bo").get(
        register_path(FOREIGN) + "/downloads/register.csv"
    )
    assert response.status_code == 200
    assert "Pricing pilot for renewals" in response.content.decode("utf-8-sig")
    assert attachment_name(response) == "register-quillmark-labs.csv"


@pytest.mark.parametrize(
    "filename",
    ["board-section.html", "board-section.exe", "register.ods", "secrets.txt", "x"],
)
def test_unknown_download_is_404(web_world: WebWorld, filename: str) -> None:
    response = web_world.signed_in("eli").get(f"{DOWNLOADS}/{filename}")
    assert response.status_code == 404
    assert "content-disposition" not in response.headers


def test_download_needs_sign_in(web_world: WebWorld) -> None:
    response = web_world.browser().get(f"{DOWNLOADS}/register.csv")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in?next=")
