"""The company's KPI names for edits: the target parse and guardrail KPI ids."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable

    from boardloop.catalog import Catalog
    from boardloop.domain.model import Target
    from boardloop.store import Store

__all__ = ["company_kpi_aliases", "kpi_resolver", "parse_company_target"]

logger = logging.getLogger(__name__)


def parse_company_target(
    store: Store,
    company: str,
    text: str,
    at: dt.datetime,
    catalog: Catalog | None = None,
) -> Target:
    """Parse a target phrase with the company's fiscal calendar and the KPI aliases.

    Relative deadlines ("Q2", "next quarter") count from the day of the edit.
    The aliases are `catalog`'s, which a face passes as the company's pinned
    catalog; without it, those of `company_kpi_aliases`.
    """
    from boardloop.domain.targets import parse_target

    calendar = store.company_settings(company).fiscal
    return parse_target(
        text,
        calendar=calendar,
        as_of=at.date(),
        kpi_aliases=company_kpi_aliases(store, company, catalog),
    )


def company_kpi_aliases(
    store: Store, company: str, catalog: Catalog | None = None
) -> dict[str, str]:
    """Return the KPI aliases of the company's pinned catalog, by lower-case name.

    `catalog`, when a face passes the company's pinned catalog, is used as is.
    """
    from boardloop.catalog import CatalogPinError, load_catalog, load_pinned_catalog

    if catalog is not None:
        return catalog.aliases()
    settings = store.company_settings(company)
    # NOTE: the store does not know the workspace's catalog file, so a pin can
    # name only a bundled catalog here. Any other pin reads KPI names with the
    # bundled catalog's aliases.
    try:
        catalog = load_pinned_catalog(company, settings.catalog_pin, None)
    except CatalogPinError as error:
        logger.warning(
            "reading KPI names of %r with the bundled catalog: %s", company, error
        )
        catalog = load_catalog()
    return catalog.aliases()


def kpi_resolver(
    store: Store, company: str, catalog: Catalog | None = None
) -> Callable[[str], str]:
    """Return a function that turns a KPI name or alias into its catalog id.

    A name the catalog does not know is kept as written, as the readers keep it.
    """
    aliases = company_kpi_aliases(store, company, catalog)

    def kpi_id(name: str) -> str:
        return aliases.get(" ".join(name.split()).casefold(), name.strip())

    return kpi_id
