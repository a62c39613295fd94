"""A company's catalog pin: pick the catalog version it names among those available.

The available catalogs are the workspace's catalog file laid over the bundled
one, when the workspace has such a file, and every catalog bundled with
boardloop. A pin names a catalog by its `version`; a company without a pin
uses the workspace's catalog, as before pins existed.
"""

from __future__ import annotations

import logging
from importlib import resources
from typing import TYPE_CHECKING

from boardloop.catalog._catalog import load_catalog, merge_catalogs, parse_catalog
from boardloop.catalog._model import CatalogError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from boardloop.catalog._model import Catalog

__all__ = [
    "CatalogPinError",
    "available_catalogs",
    "bundled_catalogs",
    "load_pinned_catalog",
    "select_pinned_catalog",
]

logger = logging.getLogger(__name__)


class CatalogPinError(CatalogError):
    """A company pinned to a catalog version that no available catalog has."""

    def __init__(self, company: str, pin: str, available: Sequence[str]) -> None:
        versions = ", ".join(available) or "none"
        super().__init__(
            f"company {company!r}",
            f"catalog_pin {pin!r} is not an available catalog version "
            f"(available: {versions})",
            hint="Set catalog_pin to one of the available versions, remove it to "
            "use the workspace's catalog, or add the pinned catalog file as the "
            "workspace's catalog.",
        )
        self.company = company
        self.pin = pin
        self.available = tuple(available)


def bundled_catalogs() -> list[Catalog]:
    """Load every catalog file shipped in the `boardloop.catalog` package."""
    folder = resources.files("boardloop.catalog")
    catalogs = []
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".json"):
            text = entry.read_text(encoding="utf-8")
            catalogs.append(parse_catalog(text, name=f"bundled {entry.name}"))
    return catalogs


def available_catalogs(path: Path | None) -> list[Catalog]:
    """List the catalogs a pin may name: the workspace's first, then the bundled."""
    bundled = bundled_catalogs()
    if path is None:
        return bundled
    return [merge_catalogs(load_catalog(), load_catalog(path)), *bundled]


def select_pinned_catalog(
    company: str, pin: str, catalogs: Sequence[Catalog]
) -> Catalog:
    """Return the first catalog whose version is `pin`, else raise `CatalogPinError`."""
    for catalog in catalogs:
        if catalog.version == pin:
            return catalog
    versions = sorted({catalog.version for catalog in catalogs if catalog.version})
    raise CatalogPinError(company, pin, versions)


def load_pinned_catalog(company: str, pin: str | None, path: Path | None) -> Catalog:
    """Load the catalog a company uses: its pinned version, or the workspace's."""
    if pin is None:
        if path is None:
            return load_catalog()
        return merge_catalogs(load_catalog(), load_catalog(path))
    catalog = select_pinned_catalog(company, pin, available_catalogs(path))
    logger.info("company %r uses catalog %s, its pin", company, catalog.version_label)
    return catalog
