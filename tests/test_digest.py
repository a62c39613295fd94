"""Weekly digest: due and overdue checkpoints, stale work, news, renderers, command."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from boardloop.cli.main import main
from boardloop.domain.model import (
    Checkpoint,
    Event,
    Finding,
    Initiative,
    Owner,
    Register,
    Severity,
    Source,
    Status,
)
from boardloop.report import DigestInputs, build_digest, render_digest

AS_OF = dt.date(2026, 3, 11)  # a Wednesday
SINCE = dt.date(2026, 3, 4)
HOSTILE = '=HYPERLINK("x")\n## Forged heading <script>alert(1)</script>'


def initiative(key: str, **fields: object) -> Initiative:
    fields.setdefault("owner", Owner("Dana Reyes"))
    fields.setdefault("status", Status.IN_PROGRESS)
    return Initiative(id=key, name=f"Initiative {key}", **fields)  # type: ignore[arg-type]


def register() -> Register:
    return Register(
        "Acme",
        (
            initiative("due", next_checkpoint=dt.date(2026, 3, 15), created_on=AS_OF),
            initiative("today", next_checkpoint=AS_OF, created_on=AS_OF),
            initiative(
                "late",
                next_checkpoint=dt.date(2026, 3, 9),
                checkpoints=(Checkpoint(dt.date(2026, 1, 5)),),
            ),
            initiative(
                "later-week",
                next_checkpoint=dt.date(2026, 3, 16),
                history=(
                    Event(dt.datetime(2026, 3, 1, 9), "Dana", "status"),
                    Event(dt.datetime(2026, 3, 10, 9), "setup", "updated"),
                ),
            ),
            initiative("never", next_checkpoint=dt.date(2026, 2, 1)),
            initiative(
                "closed",
                status=Status.CLOSED,
                next_checkpoint=dt.date(2026, 3, 1),
            ),
        ),
    )


def finding(rule: str, key: str, message: str = "message") -> Finding:
    return Finding(
        rule, Severity.WARNING, message, initiative_id=key, source=Source("plan.csv", 3)
    )


def inputs(**overrides: object) -> DigestInputs:
    values: dict[str, object] = {
        "findings_now": (
            finding("DT303", "late", "next checkpoint is 2 days overdue"),
            finding("OW101", "due"),
        ),
        "findings_before": (
            finding("OW101", "due"),
            finding("DT303", "never", "gone now"),
        ),
        "verdicts_now": {"due": "behind", "late": "on-track"},
        "verdicts_before": {"due": "on-track", "late": "on-track"},
    }
    values.update(overrides)
    return DigestInputs(**values)  # type: ignore[arg-type]


def test_due_and_overdue() -> None:
    digest = build_digest(register(), inputs(), as_of=AS_OF, since=SINCE, stale_days=30)
    assert digest.week_start == dt.date(2026, 3, 9)
    assert digest.week_end == dt.date(2026, 3, 15)
    assert [item.initiative_id for item in digest.due_this_week] == ["today", "due"]
    assert [(item.initiative_id, item.days_overdue) for item in digest.overdue] == [
        ("never", 38),
        ("late", 2),
    ]


def test_stale_uses_last_update() -> None:
    digest = build_digest(register(), inputs(), as_of=AS_OF, since=SINCE, stale_days=30)
    stale = {item.initiative_id: item for item in digest.stale}
    assert list(stale) == ["never", "late"]
    assert stale["never"].last_update is None
    assert stale["late"].last_update == dt.date(2026, 1, 5)
    assert stale["late"].days_quiet == 65
    # A status event by a person counts; the store's import stamp does not.
    assert "later-week" not in stale
    assert "closed" not in stale


def test_new_findings_and_verdict_changes() -> None:
    digest = build_digest(register(), inputs(), as_of=AS_OF, since=SINCE, stale_days=30)
    assert [(item.rule_id, item.initiative_id) for item in digest.new_findings] == [
        ("DT303", "late")
    ]
    assert [
        (item.initiative_id, item.before, item.after) for item in digest.verdict_changes
    ] == [("due", "on-track", "behind")]


def test_empty_sections_say_none() -> None:
    empty = build_digest(
        Register("Acme"),
        inputs(findings_now=(), verdicts_now={}),
        as_of=AS_OF,
        since=SINCE,
        stale_days=30,
    )
    for output_format in ("text", "markdown"):
        text = render_digest(empty, output_format)
        assert text.count("\nnone\n") == 5, text


def test_text_rendering() -> None:
    digest = build_digest(register(), inputs(), as_of=AS_OF, since=SINCE, stale_days=30)
    text = render_digest(digest, "text")
    assert text.startswith("Weekly digest: Acme, as of 2026-03-11\n")
    assert "Due this week (2026-03-09 to 2026-03-15)" in text
    assert "- 2026-03-09, 2 days overdue: Initiative late (Dana Reyes; id late)" in text
    assert "Stale initiatives (no update in 30 days)" in text
    assert "- plan.csv:3: DT303 (warning) next checkpoint is 2 days overdue" in text
    assert "- Initiative due (id due): on-track to behind" in text


@pytest.mark.parametrize("output_format", ["text", "markdown"])
def test_hostile_text_is_inert(output_format: str) -> None:
    hostile = Register(
        "Acme\n# Board",
        (
            Initiative(
                id="x",
                name=HOSTILE,
                owner=Owner("<b>Dana</b>"),
                status=Status.IN_PROGRESS,
                next_checkpoint=AS_OF,
            ),
        ),
    )
    digest = build_digest(
        hostile,
        inputs(findings_now=(finding("DT303", "x", HOSTILE),)),
        as_of=AS_OF,
        since=SINCE,
        stale_days=30,
    )
    text = render_digest(digest, output_format)
    lines = text.splitlines()
    # No register text starts a line of its own: headings stay the digest's.
    assert not any(line.startswith("## Forged") for line in lines)
    assert not any(line.startswith("# Board") for line in lines)
    if output_format == "markdown":
        assert "<script>" not in text
        assert "<b>" not in text
        assert "\\<script\\>" in text or "&lt;script" in text


@pytest.mark.parametrize("output_format", ["text", "markdown"])
def test_control_characters_shown(output_format: str) -> None:
    name = "Red\x1b[31m bell\x07 back\r\nline \u202eevil\x9b"
    hostile = Register(
        "Acme",
        (
            Initiative(
                id="x",
                name=name,
                owner=Owner("Dana Reyes"),
                status=Status.IN_PROGRESS,
                next_checkpoint=AS_OF,
            ),
        ),
    )
    digest = build_digest(hostile, inputs(), as_of=AS_OF, since=SINCE, stale_days=30)
    text = render_digest(digest, output_format)
    for raw in ("\x1b", "\x07", "\r", "\u202e", "\x9b"):
        assert raw not in text
    shown = text.replace("\\", "")
    assert "Red[U+001B][31m bell[U+0007] back line [U+202E]evil[U+009B]" in shown


def test_unknown_format_is_rejected() -> None:
    digest = build_digest(register(), inputs(), as_of=AS_OF, since=SINCE, stale_days=30)
    with pytest.raises(ValueError, match="unknown digest format 'html'"):
        render_digest(digest, "html")


# --- the command ------------------------------------------------------------

REGISTER_YAML = """\
initiatives:
  - id: onboarding-revamp
    name: Onboarding revamp
    owner: {person: Maya Okafor, function: CS}
    target: +5pp lift in 90-day GRR for SMB cohort by Q4 2026
    status: in-progress
    created_on: 2026-01-02
    next_checkpoint: 2026-03-09
  - id: health-score-v2
    name: Health score model v2
    owner: {person: Jon Reyes, function: RevOps}
    target: reduce logo churn from 6% to 4% by end of 2027
    status: planned
    created_on: 2026-03-10
    next_checkpoint: 2026-03-13
"""


def run(*args: str, cwd: Path) -> Result:
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(previous)


def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "acme"
    assert run("init", str(folder), "--company", "Acme", cwd=tmp_path).exit_code == 0
    (tmp_path / "plan.yaml").write_text(REGISTER_YAML, encoding="utf-8")
    result = run("import", "-w", str(folder), "plan.yaml", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    return folder


def test_digest_command_markdown(tmp_path: Path) -> None:
    folder = workspace(tmp_path)
    output = tmp_path / "digest.md"
    result = run(
        "digest", "-w", str(folder), "--as-of", "2026-03-11", "--format", "markdown",
        "-o", str(output), cwd=tmp_path,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    text = output.read_text(encoding="utf-8")
    assert text.startswith("# Weekly digest: Acme, as of 2026-03-11")
    assert "## Due this week (2026-03-09 to 2026-03-15)" in text
    assert "- 2026-03-13: Health score model v2 (Jon Reyes; id health-score-v2)" in text
    assert "- 2026-03-09, 2 days overdue: Onboarding revamp" in text
    assert "## New findings since 2026-03-04" in text
    assert "DT303" in text.split("## New findings")[1]


def test_digest_command_since_after_as_of(tmp_path: Path) -> None:
    folder = workspace(tmp_path)
    result = run(
        "digest", "-w", str(folder), "--as-of", "2026-03-11", "--since", "2026-03-12",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.exit_code == 2
    assert "the since date 2026-03-12 is after the as-of date" in result.stderr
