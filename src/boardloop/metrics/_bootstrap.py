"""Bootstrap intervals for retention rates, resampling customers with a fixed seed."""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from boardloop.metrics._engine import customer_rows

if TYPE_CHECKING:
    import ibis.expr.types as ir  # type: ignore[import-untyped,unused-ignore]

    from boardloop.metrics._engine import Prepared, Span

__all__ = ["BOOTSTRAP_RATES", "LARGE_COHORT", "bootstrap_intervals", "resample_rates"]

LARGE_COHORT = 5_000
"""Cohorts above this size draw resampled sums from their normal limit.

Below it the customers themselves are resampled: at 5,000 customers and 1,000
resamples that is 5 million draws per window and group."""

BOOTSTRAP_RATES = ("gross_revenue_retention", "net_revenue_retention", "logo_retention")
"""The rates that get a bootstrap interval."""

# Resamples are drawn in blocks of at most this many customer draws in all,
# so memory stays near 130 MB whatever the cohort size.
_DRAWS_PER_BLOCK = 16_000_000
_LEVEL = 0.95

Key = tuple[int, str | None, str | None]


def bootstrap_intervals(
    prepared: Prepared,
    spans: Sequence[Span],
    groups: ir.Table,
    *,
    resamples: int,
    seed: int,
) -> dict[Key, dict[str, tuple[Decimal, Decimal]]]:
    """Return 95 % percentile intervals per (span, segment, cohort).

    Each group's customers are resampled with replacement `resamples` times.
    The generator of each group is seeded from `seed` and the group's own key,
    so a group's interval does not depend on which other groups are computed.
    """
    import numpy as np

    table, large = customer_rows(prepared, spans, groups, max_n=LARGE_COHORT)
    intervals: dict[Key, dict[str, tuple[Decimal, Decimal]]] = {}
    for row in large.to_pylist():
        key: Key = (int(row["span"]), row["segment"], row["cohort"])
        rng = np.random.default_rng([seed, _key_hash(key)])
        draws = _limit_rates(row, rng, resamples)
        intervals[key] = {
            name: _interval(values) for name, values in draws.items() if values.size
        }
    if table.num_rows == 0:
        return intervals
    columns = {
        name: table.column(name).to_numpy(zero_copy_only=False)
        for name in ("start", "capped", "kept", "retained")
    }
    # Rows arrive ordered by group; find where each group's rows begin and end.
    span = table.column("span").to_numpy(zero_copy_only=False)
    segment = table.column("segment").to_pylist()
    cohort = table.column("cohort").to_pylist()
    keys = list(zip(span.tolist(), segment, cohort, strict=True))
    bounds = [0] + [i for i in range(1, len(keys)) if keys[i] != keys[i - 1]]
    bounds.append(len(keys))
    for first, stop in itertools.pairwise(bounds):
        key = (int(keys[first][0]), keys[first][1], keys[first][2])
        rng = np.random.default_rng([seed, _key_hash(key)])
        part = {name: values[first:stop] for name, values in columns.items()}
        draws = resample_rates(
            part["start"], part["kept"], part["retained"], rng, resamples
        )
        intervals[key] = {
            name: _interval(values) for name, values in draws.items() if values.size
        }
    return intervals


def resample_rates(
    start: Any, kept: Any, retained: Any, rng: Any, resamples: int
) -> dict[str, Any]:
    """Return each rate's value in every resample of the customers.

    Resamples whose starting revenue sums to zero have no revenue rate and are
    left out of the revenue rates.
    """
    import numpy as np

    n = len(start)
    capped = np.minimum(kept, start)
    grr, nrr, logo = [], [], []
    left = resamples
    while left > 0:
        size = max(1, min(left, _DRAWS_PER_BLOCK // n))
        left -= size
        picks = rng.integers(0, n, size=(size, n))
        base = start[picks].sum(axis=1)
        valid = base > 0
        grr.append(capped[picks].sum(axis=1)[valid] / base[valid])
        nrr.append(kept[picks].sum(axis=1)[valid] / base[valid])
        logo.append(retained[picks].mean(axis=1))
    return {
        "gross_revenue_retention": np.concatenate(grr),
        "net_revenue_retention": np.concatenate(nrr),
        "logo_retention": np.concatenate(logo),
    }


def _limit_rates(moments: dict[str, Any], rng: Any, resamples: int) -> dict[str, Any]:
    """Draw each resample's sums from the normal limit of resampling.

    Resampling n customers with replacement gives sums whose mean is n times
    the customers' mean and whose covariance is n times their covariance. By
    the central limit theorem, their joint distribution is that normal one
    once n is in the thousands. Drawing the four sums from it costs nothing per
    customer, so a cohort of a million takes as long as one of ten thousand.
    `moments` is a row of `customer_rows`' second table.
    """
    import numpy as np

    names = ("start", "capped", "kept", "retained")
    n = int(moments["n"])
    mean = np.array([float(moments[f"sum_{a}"]) for a in names]) / n
    second = np.empty((4, 4))
    for i, a in enumerate(names):
        for j in range(i, 4):
            value = float(moments[f"sum_{a}_{names[j]}"]) / n
            second[i, j] = second[j, i] = value
    covariance = second - np.outer(mean, mean)
    sums = rng.multivariate_normal(mean * n, covariance * n, size=resamples)
    base = sums[:, 0]
    valid = base > 0
    return {
        "gross_revenue_retention": sums[valid, 1] / base[valid],
        "net_revenue_retention": sums[valid, 2] / base[valid],
        "logo_retention": sums[:, 3] / n,
    }


def _interval(values: Any) -> tuple[Decimal, Decimal]:
    import numpy as np

    tail = (1 - _LEVEL) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return Decimal(repr(float(low))), Decimal(repr(float(high)))


def _key_hash(key: Key) -> int:
    return zlib.crc32(repr(key).encode("utf-8"))
