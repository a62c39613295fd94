"""Customers-domain KPIs computed from a company's revenue ledger through Ibis."""

from __future__ import annotations

from boardloop.metrics._ledger import COLUMNS, LedgerError, LedgerTable, load_ledger
from boardloop.metrics._retention import RetentionFigures, monthly_revenue, retention

__all__ = [
    "COLUMNS",
    "LedgerError",
    "LedgerTable",
    "RetentionFigures",
    "load_ledger",
    "monthly_revenue",
    "retention",
]
