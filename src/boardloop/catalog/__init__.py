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

__all__ = [
    "BUNDLED_CATALOG",
    "Catalog",
    "CatalogError",
    "Kpi",
    "load_catalog",
    "load_merged_catalog",
    "merge_catalogs",
    "normalise_alias",
    "parse_catalog",
]
