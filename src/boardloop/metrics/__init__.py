"""Customers-domain KPIs computed from a company's revenue ledger through Ibis."""

from __future__ import annotations

from boardloop.metrics._bootstrap import BOOTSTRAP_RATES
from boardloop.metrics._customers import (
    CUSTOMER_COLUMNS,
    UNKNOWN_SEGMENT,
    Customer,
    CustomerError,
    CustomerTable,
    load_customers,
    unmatched_customers,
)
from boardloop.metrics._engine import TOP_CUSTOMERS
from boardloop.metrics._fx import FX_COLUMNS, FxError, FxRates, load_rates
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
from boardloop.metrics._nps_series import NpsPoint, nps_series
from boardloop.metrics._retail import (
    RETAIL_COLUMNS,
    CohortFigure,
    MonthlyActive,
    RetailError,
    RetailLedger,
    RetailSummary,
    cohort_retention,
    load_transactions,
    monthly_active,
)
from boardloop.metrics._retention import RetentionFigures, monthly_revenue, retention
from boardloop.metrics._series import (
    Grain,
    Progress,
    SeriesPoint,
    kpi_series,
    window_months,
)
from boardloop.metrics._snapshot import (
    ALL_SEGMENT,
    SNAPSHOT_COLUMNS,
    SNAPSHOT_DEFINITION,
    Snapshot,
    SnapshotChurn,
    SnapshotError,
    SnapshotSummary,
    churn_by_segment,
    load_snapshot,
    wilson_interval,
)

__all__ = [
    "ALL_SEGMENT",
    "BOOTSTRAP_RATES",
    "COLUMNS",
    "CUSTOMER_COLUMNS",
    "DEFAULT_MIN_N",
    "FX_COLUMNS",
    "NPS_COLUMNS",
    "RETAIL_COLUMNS",
    "SNAPSHOT_COLUMNS",
    "SNAPSHOT_DEFINITION",
    "TOP_CUSTOMERS",
    "UNKNOWN_SEGMENT",
    "CohortFigure",
    "Customer",
    "CustomerError",
    "CustomerTable",
    "FxError",
    "FxRates",
    "Grain",
    "LedgerError",
    "LedgerTable",
    "MonthlyActive",
    "NpsError",
    "NpsFigure",
    "NpsPoint",
    "NpsResponses",
    "Progress",
    "RetailError",
    "RetailLedger",
    "RetailSummary",
    "RetentionFigures",
    "SeriesPoint",
    "Snapshot",
    "SnapshotChurn",
    "SnapshotError",
    "SnapshotSummary",
    "churn_by_segment",
    "cohort_retention",
    "kpi_series",
    "load_customers",
    "load_ledger",
    "load_nps",
    "load_rates",
    "load_snapshot",
    "load_transactions",
    "monthly_active",
    "monthly_revenue",
    "nps",
    "nps_series",
    "retention",
    "unmatched_customers",
    "wilson_interval",
    "window_months",
]
