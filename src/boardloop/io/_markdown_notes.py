"""Progress notes on Markdown objectives: work finished, moved, or done by parts.

A note such as "=> 100% complete" closes an objective but says nothing about
whether its target was met, so the outcome stays empty. A note that moves the
work ("pushed to FY21", "carry over into Q1FY21") makes it planned again with
the new period's end as its deadline. An objective with no note whose key
results are all marked complete is read as measuring: its work is done, and
its effect on the KPI is not known yet. Every such reading is a guess and is
listed in the import summary.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from boardloop.domain.model import Status
from boardloop.io._fields import read_status

if TYPE_CHECKING:
    from boardloop.io._fields import ReadContext
    from boardloop.io._markdown_drafts import Draft

__all__ = ["read_progress"]

_MOVED = re.compile(
    r"\b(?:pushed|moved|deferred|postponed|slipped|carr(?:y|ied)[- ](?:over|forward))"
    r"\s+(?:back\s+)?(?:to|into|until|till)\s+(?:the\s+)?(?P<when>[^.;,()]+)",
    re.I,
)
_FINISHED = re.compile(r"^(?:100\s*%\s*)?(?:complete|completed|done|finished)\b", re.I)


def read_progress(
    draft: Draft, values: dict[str, str], lines: dict[str, int], ctx: ReadContext
) -> None:
    """Read the draft's progress note into its status and deadline fields."""
    note = values.get("status")
    if note is None:
        _roll_up(draft, values, lines, ctx)
        return
    line = lines.get("status", draft.line)
    if moved := _MOVED.search(note):
        _move(moved.group("when").strip(), line, values, lines, ctx)
    elif read_status(note).status is Status.CLOSED:
        ctx.summary.guess(
            line,
            "closed by its progress note; outcome left empty",
            "a note that the work finished does not say whether the target was met; "
            "record the outcome and the actual movement",
        )


def _move(
    when: str,
    line: int,
    values: dict[str, str],
    lines: dict[str, int],
    ctx: ReadContext,
) -> None:
    """Make moved work planned, due at the end of the period it moved to."""
    values["status"] = Status.PLANNED.value
    values["deadline"] = when
    lines["deadline"] = line
    why = f"the note says the work moved to '{when}'"
    deadline, label = ctx.deadline(when)
    if deadline is None:
        # The builder lists the unreadable deadline under Dropped.
        ctx.summary.guess(line, "status read as planned", why)
        return
    ctx.summary.guess(
        line,
        f"status read as planned and deadline as {deadline.isoformat()}, "
        f"the end of {label or when}",
        why,
    )


def _roll_up(
    draft: Draft, values: dict[str, str], lines: dict[str, int], ctx: ReadContext
) -> None:
    """Read an objective whose key results are all complete as measuring."""
    notes = [str(result.get("status", "")) for result in draft.key_results]
    if not notes or not all(_FINISHED.match(note) for note in notes):
        return
    values["status"] = Status.MEASURING.value
    lines["status"] = draft.line
    ctx.summary.guess(
        draft.line,
        "status read as measuring",
        f"all {len(notes)} key results are marked complete: the work is done, "
        "but its effect on the KPI is not known yet",
    )
