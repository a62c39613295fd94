"""A company's catalog pin: pick the catalog version it names among those available.

The available catalogs are the workspace's catalog file laid over the bundled
one, when the workspace has such a file, and every catalog bundled with
boardloop. A pin names a catalog by its `version`; a company without a pin
uses the workspace's catalog, as before pins existed.
"""

from __future__ import annotations

import logging
import threading
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
    "PinnedCatalogs",
    "available_catalogs",
    "bundled_catalogs",
    "load_pinned_catalog",
    "select_pinned_catalog",
]

logger = logging.getLogger(__name__)


class CatalogPinError(CatalogError):
    """A company pinned to a catalog version that no available catalog has."""

    # The status the MCP tools report: the company's stored settings conflict
    # with the catalogs the server has, as in the REST API's 409.
    http_status = 409

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


class PinnedCatalogs:
    """The catalogs a server reads once at start, and the catalog each pin selects.

    A server serves many companies, each with its own pin, so it loads the
    available catalogs once and keeps the catalog of each pin it has seen.
    A changed catalog file needs a restart, but a changed pin does not.
    """

    def __init__(self, path: Path | None) -> None:
        self.available = available_catalogs(path)
        # Without a catalog file the workspace's catalog is the bundled one.
        self.default = self.available[0] if path is not None else load_catalog()
        self._by_pin: dict[str, Catalog] = {}
        self._lock = threading.Lock()

    def select(self, company: str, pin: str | None) -> Catalog:
        """Return the catalog of `pin`, or the workspace's when `pin` is None.

        A pin that no available catalog has raises `CatalogPinError`.
        """
        if pin is None:
            return self.default
        with self._lock:
            found = self._by_pin.get(pin)
            if found is None:
                found = select_pinned_catalog(company, pin, self.available)
                self._by_pin[pin] = found
        return found
