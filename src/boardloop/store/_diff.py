"""Field-by-field comparison of two versions of an initiative."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from boardloop.store._codec import encode_initiative

if TYPE_CHECKING:
    from boardloop.domain.model import Initiative

__all__ = ["diff_initiatives"]

# Fields that record where an initiative was read from, or that the events table
# keeps. A difference in them never makes an initiative count as changed.
NOT_COMPARED = frozenset({"codec", "id", "source", "field_lines", "history"})


def diff_initiatives(
    before: Initiative, after: Initiative
) -> dict[str, tuple[Any, Any]]:
    """List the changed top-level fields as {field: (before, after)}, JSON-ready.

    A target shows as its text under "target", and each changed structured part
    of it as "target.<part>" (such as "target.amount"), so a revision stays
    readable and checkable even when only the parsed value moved.
    """
    encoded_before = encode_initiative(before)
    encoded_after = encode_initiative(after)
    changes: dict[str, tuple[Any, Any]] = {}
    for name, value_before in encoded_before.items():
        value_after = encoded_after[name]
        if name in NOT_COMPARED or value_before == value_after:
            continue
        if name == "target":
            changes.update(diff_targets(value_before, value_after))
        else:
            changes[name] = (value_before, value_after)
    return changes


def diff_targets(
    before: dict[str, Any], after: dict[str, Any]
) -> dict[str, tuple[Any, Any]]:
    changes: dict[str, tuple[Any, Any]] = {}
    if before["text"] != after["text"]:
        changes["target"] = (before["text"], after["text"])
    for part, value_before in before.items():
        if part != "text" and value_before != after[part]:
            changes[f"target.{part}"] = (value_before, after[part])
    return changes
