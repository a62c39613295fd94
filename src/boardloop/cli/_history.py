"""`boardloop history`: who changed what in the register, when and why.

The event log is read-only here. No command edits or deletes an event.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from boardloop.cli._terminal import echo_text
from boardloop.cli.main import (
    fail,
    main,
    open_workspace_or_fail,
    parse_date,
    text_or_json_option,
    workspace_option,
)

if TYPE_CHECKING:
    from boardloop.domain.model import Event

__all__ = ["event_to_json", "format_event", "history"]


@main.command()
@click.argument("key", required=False)
@click.option(
    "--since", "since_text", metavar="DATE", help="Show events from DATE on (UTC)."
)
@workspace_option
@text_or_json_option
def history(
    key: str | None, since_text: str | None, workspace_dir: Path, output_format: str
) -> None:
    """Show who changed what, when and why: all initiatives, or the one with KEY."""
    from boardloop.store import UnknownInitiativeError

    since = parse_date(since_text, "--since")
    with open_workspace_or_fail(workspace_dir) as workspace:
        company = workspace.config.company
        if key is not None:
            try:
                workspace.store.get_initiative(company, key)
            except UnknownInitiativeError as error:
                fail(str(error))
        events = workspace.store.events(company, since, key=key)

    if output_format == "json":
        document = [event_to_json(event_key, event) for event_key, event in events]
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    if not events:
        click.echo(
            "no events recorded" + (f" since {since}" if since else ""), err=True
        )
        return
    # Actors, reasons and changed values are user text: show their control
    # characters instead of letting the terminal obey them.
    echo_text(
        "\n\n".join(format_event(event_key, event) for event_key, event in events)
    )


def event_to_json(key: str, event: Event) -> dict[str, Any]:
    """Describe one event for `--format json`; values keep their JSON types."""
    return {
        "initiative": key,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "kind": event.kind,
        "changes": {
            name: {"before": json_value(before), "after": json_value(after)}
            for name, (before, after) in event.changes.items()
        },
        "reason": event.reason,
    }


def format_event(key: str, event: Event) -> str:
    """Format one event as a heading line, one line per change, and the reason."""
    at = event.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"{at}  {key}  {event.kind} by {event.actor or 'unknown'}"]
    for name, (before, after) in event.changes.items():
        lines.append(f"  {name}: {text_value(before)} -> {text_value(after)}")
    lines.append(
        f"  why: {event.reason}" if event.reason else "  why: (no reason given)"
    )
    return "\n".join(lines)


def json_value(value: Any) -> Any:
    """Convert the types an event may carry (dates, decimals, tuples) to JSON."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | list):
        return [json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(name): json_value(item) for name, item in value.items()}
    return value


def text_value(value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, str):
        return value
    return json.dumps(json_value(value), ensure_ascii=False, sort_keys=True)
