"""DuckDB built-in functions that Ibis has no expression for.

Ibis reads a built-in function's signature from its annotations at run time,
so this module leaves them unpostponed (no `from __future__ import annotations`).
"""

import ibis  # type: ignore[import-untyped,unused-ignore]
import ibis.expr.datatypes as dt  # type: ignore[import-untyped,unused-ignore]

__all__ = ["largest"]


@ibis.udf.agg.builtin(name="max")  # type: ignore[misc,untyped-decorator,unused-ignore]
def largest(  # type: ignore[empty-body,unused-ignore]
    value: dt.Decimal(38, 10),  # type: ignore[valid-type,unused-ignore]
    count: dt.int64,  # type: ignore[valid-type,unused-ignore]
) -> dt.Array(dt.Decimal(38, 10)):  # type: ignore[valid-type,unused-ignore]
    """Return the `count` largest values as a list: DuckDB's max(value, count)."""
