"""Checkpoint calendar: all-day events, stable UIDs, escaping, CLI and API faces."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
from click.testing import CliRunner, Result
from icalendar import Calendar

from boardloop.cli.main import main
from boardloop.domain.model import (
    Initiative,
    Outcome,
    OutcomeResult,
    Owner,
    Register,
    Status,
    Target,
)
from boardloop.report import CalendarOptions, checkpoint_calendar
from test_api_support import COMPANY, company_path, read_world

if TYPE_CHECKING:
    from test_api_support import ApiWorld

__all__ = ["read_world"]

STAMP = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
HOSTILE_NAME = 'Renewal desk, phase 2; "=HYPERLINK(1)"\n<script>alert(1)</script>'


def register() -> Register:
    return Register(
        "Acme; Inc",
        (
            Initiative(
                id="plan.csv/renewal-desk",
                name=HOSTILE_NAME,
                owner=Owner("Dana Reyes", "CS"),
                target=Target(text="+5pp GRR by Q2"),
                status=Status.IN_PROGRESS,
                next_checkpoint=dt.date(2026, 12, 31),
            ),
            Initiative(
                id="health",
                name="Health score v2",
                owner=Owner("Sam Ortiz"),
                next_checkpoint=dt.date(2026, 4, 1),
            ),
            Initiative(
                id="closed",
                name="Closed work",
                owner=Owner("Sam Ortiz"),
                status=Status.CLOSED,
                next_checkpoint=dt.date(2026, 4, 2),
                outcome=Outcome(result=OutcomeResult.MISSED),
            ),
            Initiative(id="no-date", name="No checkpoint", owner=Owner("Sam Ortiz")),
        ),
    )


def options(owner: str | None = None) -> CalendarOptions:
    return CalendarOptions(
        stamp=STAMP, describe_target=lambda target: target.text, owner=owner
    )


def events(data: bytes) -> list[object]:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def test_events_are_all_day() -> None:
    data = checkpoint_calendar(register(), options())
    text = data.decode("utf-8")
    assert "DTSTART;VALUE=DATE:20261231" in text
    assert "DTEND;VALUE=DATE:20270101" in text
    assert "DTSTART;VALUE=DATE:20260401" in text
    assert "TZID" not in text
    assert "DTSTAMP:20260301T120000Z" in text


def test_naive_stamp_is_rejected() -> None:
    naive = CalendarOptions(
        stamp=dt.datetime(2026, 3, 1, 12, 0), describe_target=lambda target: ""
    )
    with pytest.raises(ValueError, match="has no time zone"):
        checkpoint_calendar(register(), naive)


def test_open_checkpoints_only_by_date() -> None:
    found = events(checkpoint_calendar(register(), options()))
    summaries = [str(event["SUMMARY"]) for event in found]  # type: ignore[index]
    assert summaries == ["Checkpoint: Health score v2", f"Checkpoint: {HOSTILE_NAME}"]


def test_uid_is_stable() -> None:
    first = events(checkpoint_calendar(register(), options()))
    later = CalendarOptions(
        stamp=STAMP + dt.timedelta(days=3), describe_target=lambda target: ""
    )
    second = events(checkpoint_calendar(register(), later))
    uids = [str(event["UID"]) for event in first]  # type: ignore[index]
    assert uids == [str(event["UID"]) for event in second]  # type: ignore[index]
    assert uids[1] == "plan.csv%2Frenewal-desk-20261231-Acme%3B%20Inc@boardloop"


def test_hostile_text_is_escaped() -> None:
    data = checkpoint_calendar(register(), options())
    text = data.decode("utf-8")
    # Commas, semicolons and line breaks in text values are escaped, so a name
    # cannot add a property or end the event.
    assert "SUMMARY:Checkpoint: Renewal desk\\, phase 2\\;" in text
    assert "\n<script>" not in text.replace("\r\n ", "")
    assert text.count("BEGIN:VEVENT") == 2
    event = events(data)[1]
    assert str(event["SUMMARY"]) == f"Checkpoint: {HOSTILE_NAME}"  # type: ignore[index]
    description = str(event["DESCRIPTION"])  # type: ignore[index]
    assert description.splitlines() == [
        "Owner: Dana Reyes (CS)",
        "Target: +5pp GRR by Q2",
        "Status: in-progress",
        "Link: {boardloop_url}/api/v1/companies/Acme%3B%20Inc/initiatives/"
        "plan.csv%2Frenewal-desk",
    ]


def test_control_characters_shown() -> None:
    hostile = Register(
        "Acme\x1b[31m",
        (
            Initiative(
                id="x",
                name="Bell\x07 red\x1b[31m \u202eevil",
                owner=Owner("Dana\x00 Reyes", "CS\x7f"),
                next_checkpoint=dt.date(2026, 4, 1),
            ),
        ),
    )
    data = checkpoint_calendar(hostile, options())
    for raw in (b"\x07", b"\x1b", b"\x00", b"\x7f", "\u202e".encode()):
        assert raw not in data
    calendar = Calendar.from_ical(data)
    assert str(calendar["X-WR-CALNAME"]) == "Acme[U+001B][31m checkpoints"
    (event,) = calendar.walk("VEVENT")
    summary = "Checkpoint: Bell[U+0007] red[U+001B][31m [U+202E]evil"
    assert str(event["SUMMARY"]) == summary
    owner_line = str(event["DESCRIPTION"]).splitlines()[0]
    assert owner_line == "Owner: Dana[U+0000] Reyes (CS[U+007F])"


def test_owner_filter_ignores_case() -> None:
    found = events(checkpoint_calendar(register(), options("  sam   ORTIZ ")))
    assert [str(event["UID"]).split("-")[0] for event in found] == [  # type: ignore[index]
        "health"
    ]
    assert events(checkpoint_calendar(register(), options("Nobody"))) == []


# --- faces ------------------------------------------------------------------


def run(*args: str, cwd: Path) -> Result:
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(previous)


REGISTER_YAML = """\
initiatives:
  - id: onboarding-revamp
    name: Onboarding revamp
    owner: {person: Maya Okafor, function: CS}
    target: +5pp lift in 90-day GRR for SMB cohort by Q2 2026
    status: in-progress
    next_checkpoint: 2026-04-14
"""


def test_calendar_command_writes_file(tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    assert run("init", str(folder), "--company", "Acme", cwd=tmp_path).exit_code == 0
    (tmp_path / "plan.yaml").write_text(REGISTER_YAML, encoding="utf-8")
    assert run("import", "-w", str(folder), "plan.yaml", cwd=tmp_path).exit_code == 0
    output = tmp_path / "checkpoints.ics"
    result = run(
        "calendar", "-w", str(folder), "--owner", "maya okafor", "-o", str(output),
        cwd=tmp_path,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    text = output.read_bytes().decode("utf-8")
    assert "DTSTART;VALUE=DATE:20260414" in text
    assert "SUMMARY:Checkpoint: Onboarding revamp" in text
    (event,) = events(output.read_bytes())
    description = str(event["DESCRIPTION"])  # type: ignore[index]
    assert "Target: GRR +5pp for SMB (90-day) by Q2" in description

    missing = run("calendar", "-w", str(folder), "--owner", "Nobody", cwd=tmp_path)
    assert missing.exit_code == 2
    assert "owners in the register: 'Maya Okafor'" in missing.stderr


def test_api_calendar_for_company(read_world: ApiWorld) -> None:
    response = read_world.client.get(
        f"{company_path()}/calendar.ics", headers=read_world.headers("bo")
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    found = events(response.content)
    assert len(found) == 3
    assert f"X-WR-CALNAME:{COMPANY} checkpoints" in response.text


def test_api_calendar_for_owner(read_world: ApiWorld) -> None:
    response = read_world.client.get(
        f"{company_path()}/calendar.ics?owner={quote('jon reyes')}",
        headers=read_world.headers("maya"),
    )
    assert response.status_code == 200, response.text
    (event,) = events(response.content)
    assert str(event["SUMMARY"]) == "Checkpoint: Health score model v2"  # type: ignore[index]
    missing = read_world.client.get(
        f"{company_path()}/calendar.ics?owner=Nobody", headers=read_world.headers("bo")
    )
    assert missing.status_code == 404


def test_api_calendar_needs_access(read_world: ApiWorld) -> None:
    anonymous = read_world.client.get(f"{company_path()}/calendar.ics")
    assert anonymous.status_code == 401
    foreign = read_world.client.get(
        f"{company_path()}/calendar.ics", headers=read_world.headers("quinn")
    )
    assert foreign.status_code == 404
