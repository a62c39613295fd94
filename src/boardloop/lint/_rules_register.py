"""Register rules: the initiatives make sense together."""

from __future__ import annotations

import heapq
import itertools
from collections import Counter
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, NamedTuple

from boardloop.domain.model import Direction, Finding, Initiative, Register, Severity
from boardloop.lint._rules_base import (
    LintContext,
    Rule,
    finding,
    lookup,
    normalise,
    overlaps,
    partly_checked,
    quoted,
    register_finding,
    same_segment,
    span_of,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable, Iterator, Sequence

__all__ = ["REGISTER_RULES"]

_STOP_WORDS = frozenset(
    {"the", "a", "an", "of", "for", "and", "to", "in", "on", "with", "by", "our", "new"}
)


def _name_key(name: str) -> str:
    """Fold a name for duplicate detection: normalised, stop words removed."""
    return " ".join(word for word in normalise(name).split() if word not in _STOP_WORDS)


class _NameKey(NamedTuple):
    """A name folded by `_name_key`, with the count of each of its characters."""

    text: str
    counts: Counter[str]


def _fold_name(name: str) -> _NameKey:
    key = _name_key(name)
    return _NameKey(key, Counter(key))


def _where(initiative: Initiative) -> str:
    """Return where an initiative sits, for messages that name another record."""
    return str(initiative.source) if initiative.source is not None else initiative.id


def check_duplicate(register: Register, context: LintContext) -> Iterator[Finding]:
    """RG701: two rows describe the same effort.

    Each initiative is compared with the earlier ones in register order, and the
    first that duplicates it is named. Only the earlier initiatives that can
    match are compared: names that `_close_names` finds, and targets with the
    same goal key. The others can reach neither test, so skipping them changes
    no finding.
    """
    threshold = context.settings.duplicate_similarity
    initiatives = register.initiatives
    keys = [_fold_name(initiative.name) for initiative in initiatives]
    close_names = _close_names([key.text for key in keys], threshold)
    same_goals = _same_goal_groups(initiatives)
    for index, initiative in enumerate(initiatives):
        earlier = heapq.merge(close_names(index), same_goals(index))
        for other_index, _group in itertools.groupby(earlier):
            other = initiatives[other_index]
            if other.id == initiative.id:
                continue  # ST401 reports a reused id
            reason = _duplicate_reason(
                initiative, other, keys[index], keys[other_index], threshold
            )
            if reason is not None:
                yield finding(
                    "RG701",
                    Severity.WARNING,
                    initiative,
                    f"{reason} as {quoted(other.name)} at {_where(other)}",
                    "name",
                )
                break


def _close_names(texts: list[str], threshold: float) -> Callable[[int], Iterable[int]]:
    """Return a function giving, for a name's index, the earlier names it may match.

    With rapidfuzz installed, the candidates are the names whose Indel
    similarity, 2 * LCS / (len a + len b), reaches the threshold. The
    `SequenceMatcher` ratio counts characters in matching blocks, which form a
    common subsequence, so it never exceeds the Indel similarity: no pair that
    reaches the threshold is left out. Without rapidfuzz every earlier name is a
    candidate, and `_similarity` checks each pair.
    """
    try:
        from rapidfuzz import fuzz, process
    except ImportError:
        return range

    # A little below the threshold, so that rounding never drops a pair that
    # reaches it exactly.
    cutoff = max(0.0, threshold * 100 - 1e-6)

    def candidates(index: int) -> list[int]:
        if not texts[index]:
            return []
        matches = process.extract(
            texts[index],
            texts[:index],
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=cutoff,
            limit=None,
        )
        return sorted(match[2] for match in matches)

    return candidates


def _same_goal_groups(
    initiatives: Sequence[Initiative],
) -> Callable[[int], list[int]]:
    """Return a function giving, for an index, the earlier initiatives with its goal.

    The goal is the KPI, normalised segment, deadline, window and direction
    that `_duplicate_reason` compares.
    """
    groups: dict[tuple[object, ...], list[int]] = {}
    places: list[tuple[list[int], int]] = []
    for index, initiative in enumerate(initiatives):
        target = initiative.target
        if target.kpi_id is None:
            places.append(([], 0))
            continue
        goal = (
            target.kpi_id,
            normalise(target.segment or ""),
            target.deadline,
            target.window_days,
            target.direction,
        )
        group = groups.setdefault(goal, [])
        places.append((group, len(group)))
        group.append(index)

    def earlier(index: int) -> list[int]:
        group, count = places[index]
        return group[:count]

    return earlier


def _duplicate_reason(
    initiative: Initiative,
    other: Initiative,
    key: _NameKey,
    other_key: _NameKey,
    threshold: float,
) -> str | None:
    """Say how two initiatives duplicate each other, or None."""
    if key.text and other_key.text:
        ratio = _similarity(key, other_key, threshold)
        if ratio is not None:
            return f"name {quoted(initiative.name)} is {ratio:.0%} the same"
    first, second = initiative.target, other.target
    same_goal = (
        first.kpi_id is not None
        and first.kpi_id == second.kpi_id
        and normalise(first.segment or "") == normalise(second.segment or "")
        and first.deadline == second.deadline
        and first.window_days == second.window_days
        and first.direction == second.direction
    )
    return (
        "target has the same KPI, segment, window and deadline" if same_goal else None
    )


def _similarity(first: _NameKey, second: _NameKey, threshold: float) -> float | None:
    """Return the `SequenceMatcher` ratio of two name keys if it reaches threshold.

    The length ratio and the shared character count (what `quick_ratio` computes)
    give upper bounds of `ratio`, so checking them first, as
    `difflib.get_close_matches` does, skips most pairs without changing which pass.
    """
    total = len(first.text) + len(second.text)
    if 2.0 * min(len(first.text), len(second.text)) / total < threshold:
        return None
    shared = sum(
        min(count, second.counts.get(char, 0)) for char, count in first.counts.items()
    )
    if 2.0 * shared / total < threshold:
        return None
    ratio = SequenceMatcher(None, first.text, second.text).ratio()
    return ratio if ratio >= threshold else None


def _active_pairs(
    register: Register, context: LintContext
) -> Iterator[tuple[Initiative, Initiative]]:
    """Yield pairs of active initiatives on the same KPI with overlapping reach.

    Pairs come in register order of the later initiative, then of the earlier one.
    """
    by_kpi: dict[str, list[tuple[Initiative, tuple[dt.date, dt.date]]]] = {}
    for later in register.initiatives:
        if not later.is_active or not later.target.kpi_id:
            continue
        span = span_of(later, context.as_of)
        group = by_kpi.setdefault(later.target.kpi_id, [])
        for earlier, earlier_span in group:
            if later.id == earlier.id:
                continue
            if not same_segment(later.target.segment, earlier.target.segment):
                continue
            if overlaps(span, earlier_span):
                yield earlier, later
        group.append((later, span))


def _has_attribution(initiative: Initiative) -> bool:
    """Tell whether an initiative records how shared KPI movement is attributed."""
    return bool(initiative.extra.get("attribution")) or "attribution" in normalise(
        initiative.notes
    )


def check_double_counted(register: Register, context: LintContext) -> Iterator[Finding]:
    """RG702: active initiatives claim the same KPI movement without attribution."""
    for earlier, later in _active_pairs(register, context):
        if earlier.target.direction != later.target.direction:
            continue
        if later.target.direction not in {Direction.INCREASE, Direction.DECREASE}:
            continue
        if _has_attribution(earlier) or _has_attribution(later):
            continue
        yield finding(
            "RG702",
            Severity.WARNING,
            later,
            f"also moves {quoted(later.target.kpi_id)} {later.target.direction} for an "
            f"overlapping segment and window, like {quoted(earlier.name)} at "
            f"{_where(earlier)}, with no attribution note",
            "target",
        )


def check_opposing(register: Register, context: LintContext) -> Iterator[Finding]:
    """RG703: active initiatives push the same KPI in opposite directions."""
    opposite = {
        Direction.INCREASE: Direction.DECREASE,
        Direction.DECREASE: Direction.INCREASE,
    }
    for earlier, later in _active_pairs(register, context):
        direction = later.target.direction
        if direction is None or opposite.get(direction) is not earlier.target.direction:
            continue
        yield finding(
            "RG703",
            Severity.ERROR,
            later,
            f"aims to {direction} {quoted(later.target.kpi_id)} while "
            f"{quoted(earlier.name)} at {_where(earlier)} aims to "
            f"{earlier.target.direction} it for an overlapping segment and window",
            "target",
        )


def check_too_many_active(
    register: Register, context: LintContext
) -> Iterator[Finding]:
    """RG704: more active initiatives than the register or a function can carry."""
    settings = context.settings
    active = [item for item in register.initiatives if item.is_active]
    if len(active) > settings.register_cap:
        yield register_finding(
            "RG704",
            Severity.WARNING,
            f"{len(active)} active initiatives, {len(active) - settings.register_cap} "
            f"above the register cap of {settings.register_cap}",
        )
    names: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for item in active:
        function = (item.owner.function or "").strip()
        if function:
            names.setdefault(normalise(function), function)
            counts[normalise(function)] += 1
    for key, count in sorted(counts.items()):
        if count > settings.function_cap:
            yield register_finding(
                "RG704",
                Severity.WARNING,
                f"{count} active initiatives in {quoted(names[key])}, "
                f"{count - settings.function_cap} above the function cap of "
                f"{settings.function_cap}",
            )


def check_portfolio(register: Register, context: LintContext) -> Iterator[Finding]:
    """RG705: effort is concentrated, misses a board priority, or is all lagging."""
    settings = context.settings
    active = [item for item in register.initiatives if item.is_active]
    kpis = Counter(item.target.kpi_id for item in active if item.target.kpi_id)
    for kpi_id in settings.board_priorities:
        if kpis[kpi_id] == 0:
            yield register_finding(
                "RG705",
                Severity.INFO,
                f"board priority {quoted(kpi_id)} has no active initiative",
            )
    if len(active) < settings.portfolio_min_active:
        return
    yield from _concentration(active, kpis, context)
    if context.catalog is None:
        yield partly_checked("RG705", "no KPI catalog, so KPI lags were not compared")
        return
    lags = [
        getattr(lookup(context, item.target.kpi_id), "lag_days", None)
        for item in active
    ]
    if all(lag is not None and lag >= settings.lagging_lag_days for lag in lags):
        yield register_finding(
            "RG705",
            Severity.INFO,
            f"all {len(active)} active initiatives target lagging KPIs (lag of "
            f"{settings.lagging_lag_days} days or more); none gives an early signal",
        )


def _concentration(
    active: list[Initiative], kpis: Counter[str], context: LintContext
) -> Iterator[Finding]:
    """Yield a note when one KPI or one function has too large a share."""
    settings = context.settings
    total = len(active)
    for kpi_id, count in kpis.most_common(1):
        if count / total > settings.kpi_share_max:
            yield register_finding(
                "RG705",
                Severity.INFO,
                f"{count} of {total} active initiatives ({count / total:.0%}) target "
                f"{quoted(kpi_id)}, above the share of {settings.kpi_share_max:.0%}",
            )
    functions = Counter(
        normalise(item.owner.function) for item in active if item.owner.function
    )
    for function, count in functions.most_common(1):
        if count / total > settings.function_share_max:
            yield register_finding(
                "RG705",
                Severity.INFO,
                f"{count} of {total} active initiatives ({count / total:.0%}) sit in "
                f"{quoted(function)}, above the share of "
                f"{settings.function_share_max:.0%}",
            )


REGISTER_RULES: tuple[Rule, ...] = (
    Rule(
        id="RG701",
        name="duplicate-initiative",
        severity=Severity.WARNING,
        group="register",
        check=check_duplicate,
        doc=(
            "Two rows have near-identical names (compared after Unicode NFKC "
            "normalisation, casefolding, and removal of punctuation and stop words, "
            "at or above the similarity threshold), or the same KPI, segment, "
            "direction, window and deadline under different ids. One effort would be "
            "reported twice."
        ),
        hint="Merge the rows, or rename them so each says what sets it apart.",
    ),
    Rule(
        id="RG702",
        name="double-counted-kpi",
        severity=Severity.WARNING,
        group="register",
        check=check_double_counted,
        doc=(
            "Two or more active initiatives move the same KPI in the same direction "
            "for overlapping segments and windows, and neither has an attribution "
            "note. The board may add up claims that overlap."
        ),
        hint=(
            "Add an `attribution` note saying how the shared movement is split, or "
            "narrow the segments."
        ),
    ),
    Rule(
        id="RG703",
        name="opposing-targets",
        severity=Severity.ERROR,
        group="register",
        check=check_opposing,
        doc=(
            "Active initiatives push the same KPI in opposite directions for "
            "overlapping segments and windows. They cancel each other out."
        ),
        hint="Fix the direction of one, or separate their segments or windows.",
    ),
    Rule(
        id="RG704",
        name="too-many-active",
        severity=Severity.WARNING,
        group="register",
        check=check_too_many_active,
        scope="register",
        doc=(
            "More initiatives are active than the register cap, or more in one "
            "function than the function cap. If everything is a priority, nothing "
            "is."
        ),
        hint=(
            "Pause or close the lowest-value initiatives. The caps are "
            "`register_cap` and `function_cap`."
        ),
    ),
    Rule(
        id="RG705",
        name="portfolio-imbalance",
        severity=Severity.INFO,
        group="register",
        check=check_portfolio,
        scope="register",
        doc=(
            "With enough active initiatives: more than the KPI share of them target "
            "one KPI, more than the function share sit in one function, or every one "
            "targets a lagging KPI. Also, a KPI listed as a board priority has no "
            "active initiative. This shows where effort goes against where the "
            "board's problems are."
        ),
        hint=(
            "Rebalance at the next planning cycle. Settings: `board_priorities`, "
            "`kpi_share_max`, `function_share_max`, `portfolio_min_active`."
        ),
    ),
)
