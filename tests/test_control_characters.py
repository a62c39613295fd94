"""Control characters in user text are shown, not obeyed, in the CLI and Markdown."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from boardloop.access import Principal, Role
from boardloop.cli._terminal import terminal_text
from boardloop.cli.main import main
from boardloop.edits import update_fields
from boardloop.report import escape_markdown
from boardloop.store import open_workspace

if TYPE_CHECKING:
    from pathlib import Path

COMPANY = "Tallyfern Software"
KEY = "onboarding-revamp"
EDITOR = Principal("jon", "Jon Reyes", {COMPANY: Role.EDITOR})

# Each control character with the visible mark that stands for it.
MARKS = [
    ("\x1b", "\u241b"),  # ESC
    ("\x07", "\u2407"),  # BEL
    ("\x08", "\u2408"),  # backspace
    ("\x7f", "\u2421"),  # DEL
    ("\x9b", "[U+009B]"),  # 8-bit CSI
    ("\u202e", "[U+202E]"),  # right-to-left override
    ("\u2066", "[U+2066]"),  # left-to-right isolate
]
HOSTILE = "Onboarding \x1b]0;pwned\x07\x1b[2J revamp\x08\x08\rFAKE \u202eevil\u2066"


@pytest.mark.parametrize(("character", "mark"), MARKS)
def test_terminal_text_shows_control(character: str, mark: str) -> None:
    shown = terminal_text(f"a{character}b")
    assert shown == f"a{mark}b"


def test_terminal_text_shows_carriage_return() -> None:
    assert terminal_text("done\rFAKE") == "done\u240dFAKE"


def test_terminal_text_keeps_newline_and_tab() -> None:
    assert terminal_text("one\n\ttwo") == "one\n\ttwo"


@pytest.mark.parametrize(("character", "mark"), MARKS)
def test_markdown_shows_control(character: str, mark: str) -> None:
    shown = escape_markdown(f"a{character}b")
    assert character not in shown
    # Markdown escapes the brackets of a [U+XXXX] mark, which render as typed.
    assert shown.replace("\\", "") == f"a{mark}b"


def test_markdown_turns_carriage_return_into_space() -> None:
    assert escape_markdown("done\rFAKE") == "done FAKE"


def no_raw_controls(text: str) -> bool:
    allowed = "\n\t"
    return not any(
        (ord(c) < 0x20 and c not in allowed)
        or 0x7F <= ord(c) <= 0x9F
        or c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        for c in text
    )


def test_cli_and_markdown_show_controls(tmp_path: Path) -> None:
    workspace = tmp_path / "tallyfern"
    runner = CliRunner()
    assert (
        runner.invoke(main, ["init", str(workspace), "--company", COMPANY]).exit_code
        == 0
    )
    register = workspace / "register.yaml"
    register.write_text(
        "initiatives:\n"
        f"  - id: {KEY}\n"
        "    name: Onboarding revamp\n"
        "    owner: Maya Okafor (Customer Success)\n"
        "    target: +5pp lift in 90-day GRR for SMB cohort by Q4 2026\n"
        "    status: in-progress\n"
        "    next_checkpoint: 2026-04-14\n",
        encoding="utf-8",
    )
    assert (
        runner.invoke(main, ["import", str(register), "-w", str(workspace)]).exit_code
        == 0
    )
    opened = open_workspace(workspace)
    update_fields(
        opened.store,
        EDITOR,
        COMPANY,
        KEY,
        expected_version=1,
        changes={"name": HOSTILE, "owner_person": "Maya\x1b[31m", "notes": HOSTILE},
        reason=f"Renamed {HOSTILE}",
        at=dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC),
    )
    # The store keeps the text as entered.
    stored = opened.store.get_initiative(COMPANY, KEY).initiative
    assert stored.name == HOSTILE
    opened.store.close()

    history = runner.invoke(main, ["history", KEY, "-w", str(workspace)])
    lint = runner.invoke(main, ["lint", "-w", str(workspace), "--as-of", "2026-03-10"])
    report = runner.invoke(
        main,
        ["report", "-w", str(workspace), "--as-of", "2026-03-10", "--format", "md"],
    )

    assert history.exit_code == 0, history.output
    assert "\u241b]0;pwned\u2407" in history.stdout
    assert no_raw_controls(history.stdout)
    assert lint.exit_code in (0, 1), lint.output
    assert no_raw_controls(lint.stdout)
    assert no_raw_controls(lint.stderr)
    assert report.exit_code == 0, report.output
    assert "\u241b" in report.stdout
    assert no_raw_controls(report.stdout)


def test_init_message_shows_bidi_company(tmp_path: Path) -> None:
    runner = CliRunner()

    result = runner.invoke(
        main, ["init", str(tmp_path / "evil"), "--company", "Evil\u202ename"]
    )

    assert result.exit_code == 0, result.output
    assert "Created workspace for Evil[U+202E]name" in result.stderr
    assert no_raw_controls(result.stderr)
