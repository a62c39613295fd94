"""The company's KPI names for edits: the target parse and guardrail KPI ids."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable

    from boardloop.domain.model import Target
    from boardloop.store import Store

__all__ = ["company_kpi_aliases", "kpi_resolver", "parse_company_target"]

logger = logging.getLogger(__name__)


def parse_company_target(
    store: Store, company: str, text: str, at: dt.datetime
) -> Target:
    """Parse a target phrase with the company's fiscal calendar and the KPI aliases.

    Relative deadlines ("Q2", "next quarter") count from the day of the edit.
    """
    from boardloop.domain.targets import parse_target

    calendar = store.company_settings(company).fiscal
    return parse_target(
        text,
        calendar=calendar,
        as_of=at.date(),
        kpi_aliases=company_kpi_aliases(store, company),
    )


def company_kpi_aliases(store: Store, company: str) -> dict[str, str]:
    """Return the KPI aliases of the company's pinned catalog, by lower-case name."""
    from boardloop.catalog import CatalogPinError, load_catalog, load_pinned_catalog

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


def kpi_resolver(store: Store, company: str) -> Callable[[str], str]:
    """Return a function that turns a KPI name or alias into its catalog id.

    A name the catalog does not know is kept as written, as the readers keep it.
    """
    aliases = company_kpi_aliases(store, company)

    def kpi_id(name: str) -> str:
        return aliases.get(" ".join(name.split()).casefold(), name.strip())

    return kpi_id
