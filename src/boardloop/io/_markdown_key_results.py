"""The target and deadline an objective takes from its key results.

The target (text, KPI) comes from the first key result that contains a number,
or else the first that states a target. The deadline is the latest deadline
among the key results that have one, because the objective is due when its
last key result is due. A key result's deadline is its timeline cell, or else
a period phrase in its own text ("... by EOQ3").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from boardloop.domain.model import Initiative
    from boardloop.io._fields import ReadContext
    from boardloop.io._markdown_drafts import Draft

__all__ = ["KeyResultDeadline", "apply_key_result_deadline", "target_from_key_results"]

# A timeline cell such as "By Q4; reporting by Q2" or "By EOQ2 (more in H2)"
# leads with its deadline; the rest is commentary.
_LEADING_CLAUSE = re.compile(r"^([^;(]+?)\s*[;(]")


@dataclass(frozen=True, slots=True)
class KeyResultDeadline:
    """The deadline an objective takes from one of its key results."""

    date: dt.date
    label: str | None
    text: str
    line: int
    from_timeline: bool
    guess_reason: str | None


def target_from_key_results(
    draft: Draft, values: dict[str, str], lines: dict[str, int], ctx: ReadContext
) -> KeyResultDeadline | None:
    """Set the target and deadline fields from the draft's key results.

    Return the deadline taken, so that the caller can keep it over a different
    deadline in the target text, or None when no key result has one.
    """
    if "target" in values or not draft.key_results:
        return None
    numeric = [kr for kr in draft.key_results if re.search(r"\d", _kr_target(kr))]
    stated = [kr for kr in draft.key_results if kr.get("target")]
    candidates = numeric or stated
    chosen = candidates[0] if candidates else None
    if chosen is not None:
        text = _kr_target(chosen)
        measure = str(chosen.get("measure", ""))
        if measure and ctx.kpi_id(measure) != measure.strip():
            values["kpi"] = measure
        values["target"] = text
        lines["target"] = chosen["line"]
    latest = _latest_deadline(draft.key_results, chosen, ctx)
    if latest is None or not latest.from_timeline:
        return latest
    if chosen is not None and ctx.target(_kr_target(chosen)).deadline is not None:
        # The builder keeps a deadline in the target text over the deadline
        # field, so the caller sets the latest one after building.
        return latest
    values["deadline"] = latest.text
    lines["deadline"] = latest.line
    return latest


def apply_key_result_deadline(
    initiative: Initiative, latest: KeyResultDeadline, ctx: ReadContext
) -> Initiative:
    """Give the initiative the latest key result deadline and note the choice."""
    if latest.guess_reason is not None:
        line = initiative.source.line if initiative.source else None
        ctx.summary.guess(
            line,
            f"deadline {latest.date.isoformat()} taken from the latest key result, "
            f"line {latest.line}",
            latest.guess_reason,
        )
    if initiative.target.deadline == latest.date:
        return initiative
    target = replace(
        initiative.target, deadline=latest.date, deadline_label=latest.label
    )
    field_lines = dict(initiative.field_lines)
    field_lines["deadline"] = latest.line
    return replace(initiative, target=target, field_lines=field_lines)


def _latest_deadline(
    key_results: list[dict[str, Any]],
    chosen: dict[str, Any] | None,
    ctx: ReadContext,
) -> KeyResultDeadline | None:
    """Find the latest key result deadline; the first one wins a tie."""
    found: list[tuple[dt.date, str | None, str, dict[str, Any]]] = []
    for kr in key_results:
        read = _kr_deadline(kr, ctx)
        if read is not None:
            found.append((*read, kr))
    if not found:
        return None
    date, label, text, kr = max(found, key=lambda entry: entry[0])
    reason = None
    if len({entry[0] for entry in found}) > 1:
        reason = (
            "its key results have different deadlines; the objective is due "
            "when its last key result is due"
        )
    elif chosen is not None and kr is not chosen:
        reason = "the key result that gives the target states no readable deadline"
    from_timeline = bool(str(kr.get("deadline", "")).strip())
    return KeyResultDeadline(date, label, text, int(kr["line"]), from_timeline, reason)


def _kr_deadline(
    kr: dict[str, Any], ctx: ReadContext
) -> tuple[dt.date, str | None, str] | None:
    """Read a key result's deadline: its timeline cell, else its own text."""
    timeline = str(kr.get("deadline", "")).strip()
    if timeline:
        return _read_timeline(timeline, ctx)
    text = _kr_target(kr)
    if not text:
        return None
    target = ctx.target(text)
    if target.deadline is None:
        return None
    return target.deadline, target.deadline_label, text


def _read_timeline(
    timeline: str, ctx: ReadContext
) -> tuple[dt.date, str | None, str] | None:
    """Read a timeline cell whole, or else its leading clause."""
    candidates = [timeline]
    if clause := _LEADING_CLAUSE.match(timeline):
        candidates.append(clause.group(1))
    for text in candidates:
        deadline, label = ctx.deadline(text)
        if deadline is not None:
            return deadline, label, text
    return None


def _kr_target(kr: dict[str, Any]) -> str:
    return str(kr.get("target") or kr.get("text") or "")
