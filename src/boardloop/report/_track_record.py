"""The track record: how closed initiatives ended, by program and by owner."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from boardloop.domain.model import OutcomeResult
from boardloop.report._format import date_label
from boardloop.report._view import TrackRecord, TrackRecordRow

if TYPE_CHECKING:
    from boardloop.domain.model import Initiative
    from boardloop.report._view import ClosedInitiative

__all__ = ["NO_PROGRAM", "build_track_record"]

NO_PROGRAM = "no program named"
"""Group of closed initiatives whose register entry names no program."""


def build_track_record(
    initiatives: Sequence[Initiative],
    closed: Sequence[ClosedInitiative],
    *,
    since: dt.date,
    as_of: dt.date,
    window_label: str,
) -> TrackRecord:
    """Count the outcomes of initiatives closed from `since` to `as_of`.

    Initiatives closed without a closing date are left out of the window, and
    counted in `undated` so the reader knows they exist.
    """
    by_id = {initiative.id: initiative for initiative in initiatives}
    inside = []
    undated = 0
    for view in closed:
        if view.closed_on is None:
            undated += 1
        elif since <= view.closed_on <= as_of:
            inside.append(view)

    programs: dict[str, list[ClosedInitiative]] = defaultdict(list)
    owners: dict[str, list[ClosedInitiative]] = defaultdict(list)
    for view in inside:
        program = (by_id[view.id].program or "").strip() or NO_PROGRAM
        programs[program].append(view)
        owners[view.owner.display].append(view)

    total = _row("all", inside)
    return TrackRecord(
        since=since,
        since_label=date_label(since),
        window_label=window_label,
        total=total,
        by_program=tuple(_row(name, views) for name, views in sorted(programs.items())),
        by_owner=tuple(_row(name, views) for name, views in sorted(owners.items())),
        undated=undated,
        text=_sentence(total, window_label, undated),
    )


def _row(group: str, views: Iterable[ClosedInitiative]) -> TrackRecordRow:
    views = list(views)
    results = [view.outcome for view in views]
    attainments = [view.attainment for view in views if view.attainment is not None]
    median = Decimal(str(statistics.median(attainments))) if attainments else None
    return TrackRecordRow(
        group=group,
        closed=len(views),
        achieved=results.count(OutcomeResult.ACHIEVED),
        partially_achieved=results.count(OutcomeResult.PARTIALLY_ACHIEVED),
        missed=results.count(OutcomeResult.MISSED),
        abandoned=results.count(OutcomeResult.ABANDONED),
        no_outcome=results.count(None),
        median_attainment=median,
        median_attainment_label=("n/a" if median is None else f"{median * 100:.0f}%"),
    )


def _sentence(total: TrackRecordRow, window_label: str, undated: int) -> str:
    if total.closed == 0:
        text = f"No initiative closed in {window_label}."
    else:
        noun = "initiative" if total.closed == 1 else "initiatives"
        counts = [
            (total.achieved, "achieved"),
            (total.partially_achieved, "partially achieved"),
            (total.missed, "missed"),
            (total.abandoned, "abandoned"),
            (total.no_outcome, "with no outcome recorded"),
        ]
        listed = ", ".join(f"{count} {label}" for count, label in counts if count)
        text = f"{total.closed} {noun} closed in {window_label}: {listed}."
        if total.median_attainment is not None:
            text += f" Median attainment {total.median_attainment_label}."
    if undated == 1:
        text += " 1 closed initiative has no closing date and is left out."
    elif undated:
        text += f" {undated} closed initiatives have no closing date and are left out."
    return text
