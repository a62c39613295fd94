"""KPI definitions and the catalog that indexes them by id, label and alias."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    from boardloop.domain.model import Unit

__all__ = ["Catalog", "CatalogError", "Kpi", "normalise_alias"]


class CatalogError(ValueError):
    """A catalog file that cannot be read: missing, invalid JSON or a bad field."""

    def __init__(
        self,
        path: str,
        problem: str,
        *,
        line: int | None = None,
        column: int | None = None,
        hint: str = "",
    ) -> None:
        location = path
        if line is not None:
            location = f"{path}:{line}" if column is None else f"{path}:{line}:{column}"
        message = f"{location}: {problem}"
        if hint:
            message = f"{message}\n{hint}"
        super().__init__(message)
        self.path = path
        self.problem = problem
        self.line = line
        self.column = column
        self.hint = hint


@dataclass(frozen=True, slots=True)
class Kpi:
    """One KPI definition, with boardloop's extension fields read out.

    `higher_is_better` is None when neither the extension nor the ontology's
    benchmark states a polarity. `refresh_days` and `lag_days` are in days.
    `raw` is the KPI object exactly as read, unknown fields included.
    """

    id: str
    slug: str
    domain: str
    label: str
    description: str = ""
    field_type: str | None = None
    unit: str | None = None
    short_label: str | None = None
    aliases: tuple[str, ...] = ()
    higher_is_better: bool | None = None
    native_unit: Unit | None = None
    kind: str | None = None
    refresh_frequency: str | None = None
    refresh_days: int | None = None
    lag_days: int | None = None
    guardrail_ids: tuple[str, ...] = ()
    related_ids: tuple[str, ...] = ()
    owning_functions: tuple[str, ...] = ()
    stage_relevance: dict[str, str] = field(default_factory=dict)
    formula: str | None = None
    source_system: str | None = None
    data_owner: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def display_label(self) -> str:
        """Short label when there is one, else the full label."""
        return self.short_label or self.label

    def names(self) -> tuple[str, ...]:
        """Return every name that resolves to this KPI: id, slug, labels and aliases."""
        candidates = (self.id, self.slug, self.label, self.short_label, *self.aliases)
        return tuple(name for name in candidates if name)


def normalise_alias(name: str) -> str:
    """Fold case and collapse whitespace, so aliases compare as users type them."""
    return re.sub(r"\s+", " ", name).strip().casefold()


@dataclass(frozen=True, slots=True)
class Catalog:
    """A set of KPI definitions with its version, release date and file.

    A name that two KPIs share, for example one slug in two domains, resolves to
    neither of them. `ambiguous` lists each such name with the ids that share it.
    """

    version: str | None
    released_at: dt.date | None
    kpis: tuple[Kpi, ...]
    path: Path | None = None
    based_on: tuple[str, ...] = ()
    _by_name: dict[str, Kpi] = field(init=False, repr=False, compare=False)
    _ambiguous: dict[str, tuple[str, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        by_name, ambiguous = _index_names(self.kpis)
        object.__setattr__(self, "_by_name", by_name)
        object.__setattr__(self, "_ambiguous", ambiguous)

    def get(self, id_or_alias: str) -> Kpi | None:
        """Find a KPI by id, slug, label, short label or alias, ignoring case."""
        return self._by_name.get(normalise_alias(id_or_alias))

    def __contains__(self, id_or_alias: object) -> bool:
        return isinstance(id_or_alias, str) and self.get(id_or_alias) is not None

    def __len__(self) -> int:
        return len(self.kpis)

    def ids(self) -> tuple[str, ...]:
        return tuple(kpi.id for kpi in self.kpis)

    def aliases(self) -> dict[str, str]:
        """Map every lower-case name (id, slug, label, short label, alias) to an id."""
        return {name: kpi.id for name, kpi in self._by_name.items()}

    def labels(self) -> dict[str, str]:
        """Map each KPI id to its short label, or its label when it has none."""
        return {kpi.id: kpi.display_label for kpi in self.kpis}

    @property
    def ambiguous(self) -> dict[str, tuple[str, ...]]:
        return dict(self._ambiguous)

    @property
    def version_label(self) -> str:
        """Name the catalog for a report footer: its version and what it overlays."""
        name = self.version or "unversioned"
        if self.based_on:
            name += " over " + ", ".join(self.based_on)
        return name


def _index_names(
    kpis: tuple[Kpi, ...],
) -> tuple[dict[str, Kpi], dict[str, tuple[str, ...]]]:
    """Index KPIs by every name. An id always wins, and a shared name goes aside."""
    by_id = {kpi.id.casefold(): kpi for kpi in kpis}
    owners: dict[str, list[str]] = {}
    for kpi in kpis:
        for name in kpi.names():
            key = normalise_alias(name)
            ids = owners.setdefault(key, [])
            if kpi.id not in ids:
                ids.append(kpi.id)

    by_name: dict[str, Kpi] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}
    kpi_of = {kpi.id: kpi for kpi in kpis}
    for key, ids in owners.items():
        if key in by_id:
            by_name[key] = by_id[key]
        elif len(ids) == 1:
            by_name[key] = kpi_of[ids[0]]
        else:
            ambiguous[key] = tuple(ids)
    return by_name, ambiguous
