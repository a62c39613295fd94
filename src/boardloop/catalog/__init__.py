"""The KPI catalog: bundled customers-domain definitions and their loader."""

from __future__ import annotations

from boardloop.catalog._catalog import (
    BUNDLED_CATALOG,
    load_catalog,
    load_merged_catalog,
    merge_catalogs,
    parse_catalog,
)
from boardloop.catalog._model import Catalog, CatalogError, Kpi, normalise_alias
from boardloop.catalog._pin import (
    CatalogPinError,
    PinnedCatalogs,
    available_catalogs,
    bundled_catalogs,
    load_pinned_catalog,
    select_pinned_catalog,
)

__all__ = [
    "BUNDLED_CATALOG",
    "Catalog",
    "CatalogError",
    "CatalogPinError",
    "Kpi",
    "PinnedCatalogs",
    "available_catalogs",
    "bundled_catalogs",
    "load_catalog",
    "load_merged_catalog",
    "load_pinned_catalog",
    "merge_catalogs",
    "normalise_alias",
    "parse_catalog",
    "select_pinned_catalog",
]
