"""The files a page offers for download: their links, file names and media types.

Every download is a path under /companies/{company}/downloads/, named like the
file it returns, and is made by the same service functions as the CLI and the
REST API.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

__all__ = [
    "BOARD_SECTION_FORMATS",
    "CALENDAR_FILE",
    "EXPORT_FORMATS",
    "DownloadLink",
    "attachment_name",
    "company_downloads",
    "owner_calendar_link",
]

# Extension of a board section download -> the format name of `render_bytes`.
BOARD_SECTION_FORMATS = {"pdf": "pdf", "pptx": "pptx", "md": "md", "json": "json"}
EXPORT_FORMATS = ("csv", "xlsx")
CALENDAR_FILE = "checkpoints.ics"
# Maximum length of a company or owner slug in a file name, in characters.
MAX_SLUG = 60


@dataclass(frozen=True, slots=True)
class DownloadLink:
    """A link to one download: its text, which names the file type, and its URL."""

    label: str
    href: str


def downloads_path(company: str) -> str:
    return f"/companies/{quote(company, safe='')}/downloads"


def company_downloads(company: str) -> tuple[DownloadLink, ...]:
    """Return the links to every download of a company, board pack first."""
    base = downloads_path(company)
    return (
        DownloadLink("Board pack (PDF)", f"{base}/board-section.pdf"),
        DownloadLink("Board pack (PPTX)", f"{base}/board-section.pptx"),
        DownloadLink("Board section (Markdown)", f"{base}/board-section.md"),
        DownloadLink("Board section (JSON)", f"{base}/board-section.json"),
        DownloadLink("Register (CSV)", f"{base}/register.csv"),
        DownloadLink("Register (XLSX)", f"{base}/register.xlsx"),
        DownloadLink("Findings (CSV)", f"{base}/findings.csv"),
        DownloadLink("Findings (XLSX)", f"{base}/findings.xlsx"),
        DownloadLink("Checkpoint calendar (ICS)", f"{base}/{CALENDAR_FILE}"),
    )


def owner_calendar_link(company: str, owner: str) -> DownloadLink:
    """Return the link to the checkpoint calendar of one owner's initiatives."""
    query = urlencode({"owner": owner})
    return DownloadLink(
        f"Checkpoint calendar of {owner} (ICS)",
        f"{downloads_path(company)}/{CALENDAR_FILE}?{query}",
    )


def slug(text: str, fallback: str) -> str:
    """Return `text` in lower-case ASCII letters and digits, other runs as a hyphen."""
    found = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or fallback
    return found[:MAX_SLUG]


def attachment_name(
    stem: str,
    company: str,
    extension: str,
    *,
    day: dt.date | None = None,
    owner: str | None = None,
) -> str:
    """Return a file name that needs no quoting, such as `findings-acme-2026-03-31.csv`.

    The board section's name is the one the REST API gives its PDF and PPTX.
    """
    parts = [stem, slug(company, "company")]
    if owner is not None:
        parts.append(slug(owner, "owner"))
    if day is not None:
        parts.append(day.isoformat())
    return f"{'-'.join(parts)}.{extension}"
