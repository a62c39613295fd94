"""Per-company settings in the database: catalog pin, fiscal calendar, data sources.

A workspace reads its settings from boardloop.toml. These are for a database
shared by several companies, where each company keeps its own. The JSON shape:

    {"catalog_pin": "1.4.0",
     "fiscal": {"start_month": 4, "naming": "end"},
     "data_sources": {"ledger": "warehouse.revenue_ledger"}}

Every key is optional. Unknown keys are kept as they are, so a newer boardloop
can add settings without an older one dropping them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from boardloop.domain.fiscal import FiscalCalendar
from boardloop.store._account_errors import InvalidSettingsError

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["CompanySettings", "decode_settings", "encode_settings"]

KNOWN_KEYS = ("catalog_pin", "fiscal", "data_sources")


@dataclass(frozen=True, slots=True)
class CompanySettings:
    """Settings of one company.

    `catalog_pin` is the KPI catalog version the company's reports use, or None
    for the bundled catalog. `data_sources` maps a source name (such as
    "ledger" or "nps") to a path, table name or URL. `extra` contains keys this
    version of boardloop does not know.
    """

    catalog_pin: str | None = None
    fiscal: FiscalCalendar = field(default_factory=FiscalCalendar)
    data_sources: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({})
    )
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


def encode_settings(settings: CompanySettings) -> str:
    """Encode settings as the JSON text of the companies.settings column."""
    document: dict[str, Any] = dict(settings.extra)
    if settings.catalog_pin is not None:
        document["catalog_pin"] = settings.catalog_pin
    document["fiscal"] = {
        "start_month": settings.fiscal.start_month,
        "naming": settings.fiscal.naming,
    }
    if settings.data_sources:
        document["data_sources"] = dict(settings.data_sources)
    return json.dumps(document, sort_keys=True, ensure_ascii=False)


def decode_settings(company: str, text: str) -> CompanySettings:
    """Read and check settings from their JSON text; `{}` gives the defaults."""
    document = json.loads(text)
    if not isinstance(document, dict):
        raise InvalidSettingsError(company, "settings", document, "a JSON object")
    return settings_from_document(company, document)


def settings_from_document(
    company: str, document: Mapping[str, Any]
) -> CompanySettings:
    """Check a settings document and build its `CompanySettings`."""
    catalog_pin = document.get("catalog_pin")
    if catalog_pin is not None and (
        not isinstance(catalog_pin, str) or not catalog_pin.strip()
    ):
        raise InvalidSettingsError(
            company, "catalog_pin", catalog_pin, "a catalog version such as '1.4.0'"
        )

    fiscal = document.get("fiscal", {})
    if not isinstance(fiscal, dict) or set(fiscal) - {"start_month", "naming"}:
        raise InvalidSettingsError(
            company, "fiscal", fiscal, "an object with start_month and naming"
        )
    try:
        calendar = FiscalCalendar(
            start_month=fiscal.get("start_month", 1), naming=fiscal.get("naming", "end")
        )
    except ValueError as error:
        raise InvalidSettingsError(company, "fiscal", fiscal, str(error)) from error

    sources = document.get("data_sources", {})
    if not isinstance(sources, dict) or not all(
        isinstance(name, str) and isinstance(value, str) and name and value
        for name, value in sources.items()
    ):
        raise InvalidSettingsError(
            company,
            "data_sources",
            sources,
            "an object mapping source names to non-empty paths, table names or URLs",
        )

    extra = {key: value for key, value in document.items() if key not in KNOWN_KEYS}
    return CompanySettings(
        catalog_pin=None if catalog_pin is None else catalog_pin.strip(),
        fiscal=calendar,
        data_sources=MappingProxyType(dict(sources)),
        extra=MappingProxyType(extra),
    )
