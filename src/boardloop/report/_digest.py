"""Weekly digest: what needs attention this week, built from results computed elsewhere.

The digest covers checkpoints due in the as-of date's week (Monday to Sunday)
and overdue ones, open initiatives with no update for `stale_days`, lint
findings that are new since the since date and verdicts that changed since
then. New findings and verdict changes compare two runs over the current
register: one judged at the since date and one at the as-of date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from boardloop.domain.model import Finding, Initiative, Register

__all__ = [
    "Digest",
    "DigestCheckpoint",
    "DigestFinding",
    "DigestInputs",
    "StaleInitiative",
    "VerdictChange",
    "build_digest",
]

# History events the store stamps on import; they are not news about the work.
_STORE_EVENT_KINDS = frozenset({"created", "updated"})


@dataclass(frozen=True, slots=True)
class DigestCheckpoint:
    """A next checkpoint due this week or overdue; `days_overdue` is 0 when due."""

    initiative_id: str
    name: str
    owner: str
    on: dt.date
    days_overdue: int


@dataclass(frozen=True, slots=True)
class StaleInitiative:
    """An open initiative with no update since `last_update` (None: never)."""

    initiative_id: str
    name: str
    owner: str
    last_update: dt.date | None
    days_quiet: int | None


@dataclass(frozen=True, slots=True)
class DigestFinding:
    """A lint finding found at the as-of date but not at the since date."""

    rule_id: str
    severity: str
    initiative_id: str | None
    location: str
    message: str


@dataclass(frozen=True, slots=True)
class VerdictChange:
    """An initiative whose verdict at the since date differs from the one now."""

    initiative_id: str
    name: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Digest:
    """The weekly digest of one company's register at an as-of date."""

    company: str
    as_of: dt.date
    since: dt.date
    week_start: dt.date
    week_end: dt.date
    stale_days: int
    due_this_week: tuple[DigestCheckpoint, ...]
    overdue: tuple[DigestCheckpoint, ...]
    stale: tuple[StaleInitiative, ...]
    new_findings: tuple[DigestFinding, ...]
    verdict_changes: tuple[VerdictChange, ...]


@dataclass(frozen=True, slots=True)
class DigestInputs:
    """Lint findings and verdicts by initiative id, at the since and as-of dates."""

    findings_now: tuple[Finding, ...]
    findings_before: tuple[Finding, ...]
    verdicts_now: Mapping[str, str]
    verdicts_before: Mapping[str, str]


def build_digest(
    register: Register,
    inputs: DigestInputs,
    *,
    as_of: dt.date,
    since: dt.date,
    stale_days: int,
) -> Digest:
    """Collect the digest's sections; each section is sorted for a stable reading."""
    week_start = as_of - dt.timedelta(days=as_of.weekday())
    week_end = week_start + dt.timedelta(days=6)
    open_items = [item for item in register.initiatives if item.is_open]

    due: list[DigestCheckpoint] = []
    overdue: list[DigestCheckpoint] = []
    for initiative in open_items:
        day = initiative.next_checkpoint
        if day is None or day > week_end:
            continue
        late = (as_of - day).days
        entry = DigestCheckpoint(
            initiative.id, initiative.name, _owner(initiative), day, max(late, 0)
        )
        (overdue if late > 0 else due).append(entry)
    due.sort(key=lambda entry: (entry.on, entry.initiative_id))
    overdue.sort(key=lambda entry: (-entry.days_overdue, entry.initiative_id))

    return Digest(
        company=register.company,
        as_of=as_of,
        since=since,
        week_start=week_start,
        week_end=week_end,
        stale_days=stale_days,
        due_this_week=tuple(due),
        overdue=tuple(overdue),
        stale=_stale(open_items, as_of, stale_days),
        new_findings=_new_findings(inputs.findings_now, inputs.findings_before),
        verdict_changes=_verdict_changes(register, inputs),
    )


def last_update(initiative: Initiative, as_of: dt.date) -> dt.date | None:
    """Return the latest day up to `as_of` on which anything was recorded.

    Checkpoint reviews, history entries made by people, the creation and the
    launch count. The store's import stamps do not, as in lint rule DT304.
    """
    days = [
        event.at.date()
        for event in initiative.history
        if event.kind not in _STORE_EVENT_KINDS
    ]
    days += [checkpoint.on for checkpoint in initiative.checkpoints]
    days += [day for day in (initiative.created_on, initiative.launched_on) if day]
    return max((day for day in days if day <= as_of), default=None)


def _stale(
    initiatives: Iterable[Initiative], as_of: dt.date, stale_days: int
) -> tuple[StaleInitiative, ...]:
    stale = []
    for initiative in initiatives:
        last = last_update(initiative, as_of)
        quiet = None if last is None else (as_of - last).days
        if quiet is None or quiet > stale_days:
            stale.append(
                StaleInitiative(
                    initiative.id, initiative.name, _owner(initiative), last, quiet
                )
            )
    # Never-updated initiatives first, then the longest quiet.
    stale.sort(key=lambda item: (item.days_quiet is not None, -(item.days_quiet or 0)))
    return tuple(stale)


def _finding_key(finding: Finding) -> tuple[str, str | None, str]:
    # Messages count days, which change from one date to the next, so a finding
    # is the same one when its rule, initiative and location are.
    return (finding.rule_id, finding.initiative_id, finding.location)


def _new_findings(
    now: Iterable[Finding], before: Iterable[Finding]
) -> tuple[DigestFinding, ...]:
    seen = {_finding_key(finding) for finding in before}
    return tuple(
        DigestFinding(
            finding.rule_id,
            finding.severity.value,
            finding.initiative_id,
            finding.location,
            finding.message,
        )
        for finding in now
        if _finding_key(finding) not in seen
    )


def _verdict_changes(
    register: Register, inputs: DigestInputs
) -> tuple[VerdictChange, ...]:
    changes = []
    for initiative in register.initiatives:
        before = inputs.verdicts_before.get(initiative.id)
        after = inputs.verdicts_now.get(initiative.id)
        if before is not None and after is not None and before != after:
            changes.append(VerdictChange(initiative.id, initiative.name, before, after))
    return tuple(changes)


def _owner(initiative: Initiative) -> str:
    owner = initiative.owner
    return owner.person or owner.function or "no owner"
