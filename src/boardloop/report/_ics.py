"""Checkpoint calendar: each initiative's next checkpoint as an all-day ICS event.

Events are all-day (`DTSTART;VALUE=DATE`, `DTEND` the next day), so they sit on
the same calendar day in every time zone. The UID is built from the initiative
id, the date and the company, so a calendar app that subscribes to the feed
updates an event in place rather than adding a copy. The icalendar library
escapes commas, semicolons, backslashes and line breaks in text values.
RFC 5545 allows no other control character in a text value, so those, and
bidirectional controls, are shown as a visible `[U+XXXX]` mark.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from boardloop.report._visible import show_controls

if TYPE_CHECKING:
    from collections.abc import Callable

    from icalendar import Event

    from boardloop.domain.model import Initiative, Register, Target

__all__ = [
    "ICS_MEDIA_TYPE",
    "LINK_PLACEHOLDER",
    "CalendarOptions",
    "checkpoint_calendar",
    "owner_matches",
]

ICS_MEDIA_TYPE = "text/calendar; charset=utf-8"

# Start of each event's link when no server URL is given (`--link-base`).
LINK_PLACEHOLDER = "{boardloop_url}"


@dataclass(frozen=True, slots=True)
class CalendarOptions:
    """Settings of a checkpoint calendar: which events, and the text in them.

    `owner` keeps only the initiatives of that person (any case and spacing).
    `stamp` is the DTSTAMP of every event: the time the feed was made, with a
    time zone, written in UTC.
    `link_base` starts each initiative's link; the default is a placeholder.
    """

    stamp: dt.datetime
    describe_target: Callable[[Target], str]
    owner: str | None = None
    link_base: str = LINK_PLACEHOLDER


def owner_matches(initiative: Initiative, owner: str) -> bool:
    """Tell whether an initiative's owner is `owner`, ignoring case and spacing."""
    person = initiative.owner.person
    return person is not None and _fold(person) == _fold(owner)


def checkpoint_calendar(register: Register, options: CalendarOptions) -> bytes:
    """Build the ICS calendar of the open initiatives' next checkpoints.

    Closed initiatives and initiatives without a next checkpoint have no event.
    Events are ordered by date, then initiative id.
    """
    from icalendar import Calendar

    if options.stamp.tzinfo is None:
        raise ValueError(
            f"calendar stamp {options.stamp} has no time zone; pass an aware "
            "datetime such as datetime.now(UTC)"
        )
    calendar = Calendar()
    calendar.add("prodid", "-//boardloop//checkpoint calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    title = f"{register.company} checkpoints"
    if options.owner:
        title = f"{title}: {options.owner}"
    calendar.add("x-wr-calname", show_controls(title))

    chosen = [
        initiative
        for initiative in register.initiatives
        if initiative.is_open
        and initiative.next_checkpoint is not None
        and (options.owner is None or owner_matches(initiative, options.owner))
    ]
    chosen.sort(key=lambda item: (item.next_checkpoint or dt.date.min, item.id))
    for initiative in chosen:
        calendar.add_component(_event(initiative, register.company, options))
    data: bytes = calendar.to_ical()
    return data


def _event(initiative: Initiative, company: str, options: CalendarOptions) -> Event:
    from icalendar import Event

    day = initiative.next_checkpoint
    assert day is not None
    event = Event()
    event.add("uid", _uid(initiative.id, day, company))
    event.add("dtstamp", options.stamp.astimezone(dt.UTC))
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    # icalendar escapes line breaks, and RFC 5545 allows the tab that stays.
    event.add("summary", show_controls(f"Checkpoint: {initiative.name}"))
    event.add("description", show_controls(_description(initiative, company, options)))
    event.add("transp", "TRANSPARENT")
    return event


def _uid(initiative_id: str, day: dt.date, company: str) -> str:
    # Ids may contain '/', spaces or '@', so percent-encoding keeps the UID one token.
    return (
        f"{quote(initiative_id, safe='')}-{day:%Y%m%d}-{quote(company, safe='')}"
        "@boardloop"
    )


def _description(initiative: Initiative, company: str, options: CalendarOptions) -> str:
    owner = initiative.owner
    owner_text = owner.person or "no owner named"
    if owner.function:
        owner_text = f"{owner_text} ({owner.function})"
    target = options.describe_target(initiative.target)
    link = (
        f"{options.link_base}/api/v1/companies/{quote(company, safe='')}"
        f"/initiatives/{quote(initiative.id, safe='')}"
    )
    return "\n".join(
        (
            f"Owner: {owner_text}",
            f"Target: {target or 'none stated'}",
            f"Status: {initiative.status or 'unknown'}",
            f"Link: {link}",
        )
    )


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()
