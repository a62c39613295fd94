"""Select stored KPI values by KPI name and segment, for `boardloop kpis show`.

A name that matches no KPI or no segment is a usage error, raised with the
closest known name first and the names that would match.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from boardloop.catalog import Catalog
    from boardloop.domain.model import KpiValue

__all__ = [
    "KpiSelection",
    "UnknownKpiError",
    "UnknownSegmentError",
    "select_kpi_values",
]

# rapidfuzz WRatio score (0-100) from which a known name is offered as a
# correction. At 85, "logo_churn" finds "logo churn" and "Midmarket" finds
# "mid-market", while "Midmarket" does not find "ent".
_CLOSE_SCORE = 85


class UnknownKpiError(ValueError):
    """A KPI name that is neither in the catalog nor among the stored KPI ids."""

    http_status = 400

    def __init__(self, name: str, close: str | None, known: Sequence[str]) -> None:
        self.name = name
        self.close = close
        self.known = tuple(known)
        text = f"unknown KPI {name!r}"
        if close is not None:
            text += f"; did you mean {close}?"
        if known:
            text += f"\n  KPIs with stored values: {', '.join(known)}"
        super().__init__(text)


class UnknownSegmentError(ValueError):
    """A segment that no stored KPI value belongs to."""

    http_status = 400

    def __init__(self, segment: str, close: str | None, known: Sequence[str]) -> None:
        self.segment = segment
        self.close = close
        self.known = tuple(known)
        text = f"unknown segment {segment!r}"
        if close is not None:
            text += f"; did you mean {close!r}?"
        text += f"\n  segments with stored values: {', '.join(known)}"
        super().__init__(text)


@dataclass(frozen=True)
class KpiSelection:
    """The stored values that match the filters.

    `empty_reason` names the filter that left nothing, when values are stored but
    none match; it is None otherwise.
    """

    values: list[KpiValue]
    empty_reason: str | None = None


def select_kpi_values(
    values: Sequence[KpiValue],
    catalog: Catalog | None,
    *,
    kpi: str | None = None,
    segment: str | None = None,
) -> KpiSelection:
    """Filter stored values by KPI (id, alias or label) and segment (any case).

    Without a `catalog`, `kpi` must be a stored KPI id.

    Raises:
        UnknownKpiError: when `kpi` names no catalog KPI and no stored KPI id.
        UnknownSegmentError: when values are stored but none in `segment`.
    """
    kpi_ids = _unique(value.kpi_id for value in values)
    kpi_id = None if kpi is None else _resolve_kpi(kpi, catalog, kpi_ids)
    segment_key = None if segment is None else _fold(segment)
    if segment is not None and values:
        segments = _unique(value.segment for value in values)
        if segment_key not in {_fold(name) for name in segments}:
            close = _closest(segment, {name: name for name in segments})
            raise UnknownSegmentError(segment, close, sorted(segments))

    selected = [
        value
        for value in values
        if (kpi_id is None or value.kpi_id == kpi_id)
        and (segment_key is None or _fold(value.segment) == segment_key)
    ]
    if selected or not values:
        return KpiSelection(selected)

    # Both names are known, so the KPI has no values, or none in the segment.
    if kpi_id not in kpi_ids:
        reason = (
            f"no values stored for {kpi_id}\n  KPIs with stored values: "
            f"{', '.join(_labelled(kpi_ids, catalog))}"
        )
    else:
        segments = _unique(v.segment for v in values if v.kpi_id == kpi_id)
        reason = (
            f"no values stored for {kpi_id} in segment {segment!r}\n"
            f"  segments with values of {kpi_id}: {', '.join(sorted(segments))}"
        )
    return KpiSelection(selected, reason)


def _resolve_kpi(name: str, catalog: Catalog | None, stored_ids: Sequence[str]) -> str:
    """Return the KPI id that `name` means; raise `UnknownKpiError` if none."""
    entry = None if catalog is None else catalog.get(name)
    if entry is not None:
        return entry.id
    by_folded_id = {_fold(kpi_id): kpi_id for kpi_id in stored_ids}
    if _fold(name) in by_folded_id:
        return by_folded_id[_fold(name)]

    # Offer the closest catalog name or stored id, with the id it stands for.
    choices = {} if catalog is None else catalog.aliases()
    choices.update({kpi_id: kpi_id for kpi_id in stored_ids})
    close_name = _closest(name, choices)
    close = None
    if close_name is not None:
        close_id = choices[close_name]
        close = repr(close_name)
        if close_name.casefold() != close_id.casefold():
            close += f" ({close_id})"
    raise UnknownKpiError(name, close, _labelled(stored_ids, catalog))


def _closest(name: str, choices: Mapping[str, str]) -> str | None:
    """Return the choice closest to `name`, or None when none is close enough."""
    from rapidfuzz import fuzz, process, utils

    match = process.extractOne(
        name,
        list(choices),
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        score_cutoff=_CLOSE_SCORE,
    )
    return None if match is None else str(match[0])


def _labelled(kpi_ids: Iterable[str], catalog: Catalog | None) -> list[str]:
    """Name each KPI id with its catalog short label, as in "id (GRR)"."""
    labels = {} if catalog is None else catalog.labels()
    return [
        f"{kpi_id} ({labels[kpi_id]})" if kpi_id in labels else kpi_id
        for kpi_id in sorted(kpi_ids)
    ]


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _fold(name: str) -> str:
    return name.strip().casefold()
