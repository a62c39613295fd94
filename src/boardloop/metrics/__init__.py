"""Customers-domain KPIs computed from a company's revenue ledger through Ibis."""

from __future__ import annotations

from boardloop.metrics._customers import (
    CUSTOMER_COLUMNS,
    UNKNOWN_SEGMENT,
    Customer,
    CustomerError,
    CustomerTable,
    load_customers,
    unmatched_customers,
)
from boardloop.metrics._ledger import COLUMNS, LedgerError, LedgerTable, load_ledger
from boardloop.metrics._nps import (
    DEFAULT_MIN_N,
    NPS_COLUMNS,
    NpsError,
    NpsFigure,
    NpsResponses,
    load_nps,
    nps,
)
from boardloop.metrics._retention import RetentionFigures, monthly_revenue, retention
from boardloop.metrics._series import Grain, SeriesPoint, retention_series

__all__ = [
    "COLUMNS",
    "CUSTOMER_COLUMNS",
    "DEFAULT_MIN_N",
    "NPS_COLUMNS",
    "UNKNOWN_SEGMENT",
    "Customer",
    "CustomerError",
    "CustomerTable",
    "Grain",
    "LedgerError",
    "LedgerTable",
    "NpsError",
    "NpsFigure",
    "NpsResponses",
    "RetentionFigures",
    "SeriesPoint",
    "load_customers",
    "load_ledger",
    "load_nps",
    "monthly_revenue",
    "nps",
    "retention",
    "retention_series",
    "unmatched_customers",
]
