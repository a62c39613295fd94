"""Bootstrap intervals of difference-in-differences estimates between two segments.

A difference in differences compares a rate's change in a treated segment with
its change in a control segment over the same two windows. Its interval comes
from resampling customers: in each resample, customers of each segment are
drawn with replacement, and a drawn customer brings its figures in both
windows. The covariance between a segment's two windows, which adding the
four values' intervals in quadrature ignores, is then part of the interval.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from boardloop.metrics._engine import Span, customer_rows, prepare
from boardloop.metrics._series import (
    _groups,
    _last_day,
    _periods,
    _revenue_bounds,
    _rolling,
    window_months,
)

if TYPE_CHECKING:
    from boardloop.domain.fiscal import FiscalCalendar
    from boardloop.metrics._customers import CustomerTable
    from boardloop.metrics._fx import FxRates
    from boardloop.metrics._ledger import LedgerTable
    from boardloop.metrics._series import Grain

__all__ = ["JOINT_LIMIT", "ControlDraws", "ControlPair", "control_bootstrap"]

JOINT_LIMIT = 50_000
"""Segments with more customers than this in a window get no joint interval.

At 50,000 customers and 1,000 resamples, each window's resampling draws
50 million customers."""

_DRAWS_PER_BLOCK = 16_000_000
_LEVEL = 0.95
_FIGURES = ("start", "capped", "kept", "retained", "member")


@dataclass(frozen=True)
class ControlPair:
    """A treated and a control segment, compared between two windows' period ends."""

    segment: str
    control: str
    before_end: date
    after_end: date


@dataclass(frozen=True)
class ControlDraws:
    """The 95 % percentile interval of each rate's difference in differences.

    `intervals` maps `gross_revenue_retention`, `net_revenue_retention` and
    `logo_retention` to (low, high), as fractions (0.01 is one point).
    """

    pair: ControlPair
    intervals: dict[str, tuple[Decimal, Decimal]]
    n_treated: int
    n_control: int
    resamples: int


def control_bootstrap(
    ledger: LedgerTable,
    pairs: Sequence[ControlPair],
    *,
    calendar: FiscalCalendar,
    customers: CustomerTable,
    segment_field: str,
    grain: Grain = "month",
    window_days: int | None = None,
    rates: FxRates | None = None,
    resamples: int = 1000,
    seed: int = 0,
) -> list[ControlDraws]:
    """Return the joint bootstrap interval of every pair that can be measured.

    The windows are those of `kpi_series` with the same `calendar`, `grain` and
    `window_days`; a pair's period ends pick two of them. A pair is left out
    when either end is not a window's end, either segment has no customer in
    either window's cohort, or a segment has more than `JOINT_LIMIT`
    customers in a window.
    """
    import numpy as np

    prepared = prepare(ledger, rates)
    bounds = _revenue_bounds(prepared)
    if bounds is None or not pairs or resamples <= 0:
        return []
    if window_days is None:
        windows = _periods(calendar, grain, bounds[0], _last_day(bounds[1]))
    else:
        windows = _rolling(window_months(window_days), bounds[0], _last_day(bounds[1]))
    spans = {w.end: Span(w.baseline, w.last) for w in windows}
    ends = {p.before_end for p in pairs} | {p.after_end for p in pairs}
    needed = sorted(end for end in ends if end in spans)
    if not needed:
        return []
    index_of = {end: i for i, end in enumerate(needed)}
    groups = _groups(prepared, calendar, customers, segment_field, by_cohort=False)
    names = sorted({p.segment for p in pairs} | {p.control for p in pairs})
    table = groups.table.filter(groups.table.segment.isin(names))
    rows, _large = customer_rows(
        prepared, [spans[end] for end in needed], table, max_n=JOINT_LIMIT
    )
    figures = _figures_by_group(rows)

    results = []
    for pair in pairs:
        if pair.before_end not in index_of or pair.after_end not in index_of:
            continue
        sides = []
        for name in (pair.segment, pair.control):
            before = figures.get((index_of[pair.before_end], name))
            after = figures.get((index_of[pair.after_end], name))
            if before is None or after is None:
                break
            rng = np.random.default_rng([seed, _key_hash(pair, name)])
            sides.append(_changes(before, after, rng, resamples))
        if len(sides) < 2:
            continue
        treated, control = sides
        intervals = {
            rate: _interval(treated[0][rate] - control[0][rate]) for rate in treated[0]
        }
        results.append(
            ControlDraws(
                pair=pair,
                intervals={k: v for k, v in intervals.items() if v is not None},
                n_treated=treated[1],
                n_control=control[1],
                resamples=resamples,
            )
        )
    return results


def _figures_by_group(rows: Any) -> dict[tuple[int, str], dict[str, Any]]:
    """Split `customer_rows`' table into arrays per (window, segment)."""
    import numpy as np

    if rows.num_rows == 0:
        return {}
    span = rows.column("span").to_numpy(zero_copy_only=False)
    segment = np.array(rows.column("segment").to_pylist(), dtype=object)
    ids = np.array([str(v) for v in rows.column("customer_id").to_pylist()])
    columns = {
        name: rows.column(name).to_numpy(zero_copy_only=False)
        for name in ("start", "capped", "kept", "retained")
    }
    groups: dict[tuple[int, str], dict[str, Any]] = {}
    for key in {(int(s), str(g)) for s, g in zip(span, segment, strict=True)}:
        mask = (span == key[0]) & (segment == key[1])
        part = {name: values[mask] for name, values in columns.items()}
        part["id"] = ids[mask]
        groups[key] = part
    return groups


def _changes(
    before: dict[str, Any], after: dict[str, Any], rng: Any, resamples: int
) -> tuple[dict[str, Any], int]:
    """Resample a segment's customers and return each rate's change per resample.

    The customers are those in either window's cohort. A customer outside one
    window's cohort adds nothing to that window's sums. Returns the changes
    (NaN where a resample has no starting revenue) and the customers drawn from.
    """
    import numpy as np

    ids = np.union1d(before["id"], after["id"])
    n = len(ids)
    matrix = np.zeros((2 * len(_FIGURES), n))
    for offset, side in ((0, before), (len(_FIGURES), after)):
        where = np.searchsorted(ids, side["id"])
        for i, name in enumerate(_FIGURES):
            values = np.ones(len(where)) if name == "member" else side[name]
            matrix[offset + i, where] = values

    sums = []
    left = resamples
    while left > 0:
        size = max(1, min(left, _DRAWS_PER_BLOCK // n))
        left -= size
        picks = rng.integers(0, n, size=(size, n))
        sums.append(np.stack([row[picks].sum(axis=1) for row in matrix], axis=1))
    total = np.concatenate(sums)

    def rates(offset: int) -> dict[str, Any]:
        start, capped, kept, retained, member = (
            total[:, offset + i] for i in range(len(_FIGURES))
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            return {
                "gross_revenue_retention": np.where(start > 0, capped / start, np.nan),
                "net_revenue_retention": np.where(start > 0, kept / start, np.nan),
                "logo_retention": np.where(member > 0, retained / member, np.nan),
            }

    first, second = rates(0), rates(len(_FIGURES))
    return {rate: second[rate] - first[rate] for rate in first}, n


def _interval(values: Any) -> tuple[Decimal, Decimal] | None:
    import numpy as np

    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return None
    tail = (1 - _LEVEL) / 2 * 100
    low, high = np.percentile(finite, [tail, 100 - tail])
    return Decimal(repr(float(low))), Decimal(repr(float(high)))


def _key_hash(pair: ControlPair, segment: str) -> int:
    key = (pair.segment, pair.control, pair.before_end, pair.after_end, segment)
    return zlib.crc32(repr(key).encode("utf-8"))
