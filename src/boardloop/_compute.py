"""Compute the workspace's customer KPIs from its raw data and store them.

The service layer behind `boardloop kpis compute`: it reads the files named in
boardloop.toml, runs the metrics engine for every series, and turns each
figure into stored KPI values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ibis.backends import BaseBackend  # type: ignore[import-untyped,unused-ignore]

    from boardloop.domain.model import ControlInterval, KpiValue
    from boardloop.metrics import (
        CustomerTable,
        FxRates,
        Grain,
        LedgerTable,
        NpsPoint,
        NpsResponses,
        RetentionFigures,
        SeriesPoint,
    )
    from boardloop.store import Workspace

__all__ = [
    "ALL_SEGMENT",
    "COMPUTED_KPIS",
    "ComputeProgress",
    "check_segment_field",
    "compute_kpis",
    "kpi_values_of",
]

ALL_SEGMENT = "all"
"""Segment name of the whole customer base in computed KPI values."""

_HUNDRED = Decimal(100)

ComputeProgress = Callable[[str, int, int], None]
"""Called with the step just finished, the steps done and the steps in all."""


def _percent(value: Decimal | None) -> Decimal | None:
    return None if value is None else value * _HUNDRED


def _count(value: int) -> Decimal:
    return Decimal(value)


# Catalog KPI id and how to read it from `RetentionFigures`; rates in percent.
COMPUTED_KPIS: tuple[tuple[str, Callable[[RetentionFigures], Decimal | None]], ...] = (
    (
        "customers.gross_revenue_retention",
        lambda f: _percent(f.gross_revenue_retention),
    ),
    ("customers.net_revenue_retention", lambda f: _percent(f.net_revenue_retention)),
    ("customers.logo_retention_rate", lambda f: _percent(f.logo_retention)),
    ("customers.logo_churn_rate", lambda f: _percent(f.logo_churn)),
    (
        "customers.revenue_churn_rate",
        lambda f: (
            None
            if f.gross_revenue_retention is None
            else (1 - f.gross_revenue_retention) * _HUNDRED
        ),
    ),
    ("customers.expansion_rate", lambda f: _percent(f.expansion_rate)),
    ("customers.expansion_revenue", lambda f: f.expansion_revenue),
    ("customers.contraction_revenue", lambda f: f.contraction_revenue),
    ("customers.churned_revenue", lambda f: f.churned_revenue),
    ("customers.new_customers", lambda f: _count(f.new_customers)),
    ("customers.customers_churned", lambda f: _count(f.churned)),
    ("customers.total_customers", lambda f: _count(f.total_customers)),
    ("customers.top_customer_concentration", lambda f: _percent(f.top_customer_share)),
)
NPS_KPI = "customers.nps_score"


@dataclass(frozen=True)
class _Inputs:
    ledger: LedgerTable
    customers: CustomerTable | None
    rates: FxRates | None
    nps: NpsResponses | None


def compute_kpis(
    workspace: Workspace,
    *,
    grain: Grain = "month",
    progress: ComputeProgress | None = None,
    note: Callable[[str], None] | None = None,
) -> list[KpiValue]:
    """Compute the customer KPIs from the workspace's data and store them.

    `note` receives one line per fact about the input that a reader of the
    figures should know: rows read, one-time rows excluded, and customers
    without attributes, which count in the segment "unknown".

    Every fiscal period of `grain` and every rolling window of
    `[metrics] windows`, at each month end, gives values for the whole base
    (segment "all") and, with `data.customers` and `data.segment_field`, for
    each segment value. Values of fiscal periods have no window; rolling ones
    carry their window in days. Rates are stored in percent, amounts in the
    ledger's (or the reporting) currency, counts as numbers. Windows with an
    empty cohort give no values, because there is nothing to measure.

    Raises:
        ConfigError: when `data.ledger` is missing or `data.segment_field` is not
            a column of the customers file.
        LedgerError: when the ledger, the customers, rates or NPS file cannot be
            read, or a needed exchange rate is missing.
    """
    from boardloop.metrics import kpi_series, nps_series

    config = workspace.config
    metrics = config.metrics
    inputs = _read_inputs(workspace)
    if note is not None:
        for line in input_notes(inputs):
            note(line)
    customers = inputs.customers
    segment_field = None
    if customers is not None and config.segment_field is not None:
        check_segment_field(workspace, customers, config.segment_field)
        segment_field = config.segment_field
    windows: list[int | None] = [None, *metrics.windows]
    per_window = 1
    if inputs.nps is not None:
        per_window += 2 if segment_field else 1
    steps = len(windows) * per_window
    done = 0

    def step(label: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(label, done, steps)

    values: list[KpiValue] = []
    for window in windows:
        # One call gives the whole base (segment None, stored as "all") and,
        # with a segment field, every segment.
        points = kpi_series(
            inputs.ledger,
            calendar=config.fiscal,
            grain=grain,
            window_days=window,
            customers=customers,
            segment_field=segment_field,
            include_all=True,
            rates=inputs.rates,
            min_n=metrics.min_n,
            bootstrap=metrics.bootstrap,
            seed=metrics.seed,
        )
        values += kpi_values_of(points, segment=None)
        step(_label("retention", window, segment_field))
        if inputs.nps is None:
            continue
        for field in dict.fromkeys([None, segment_field]):
            nps_points = nps_series(
                inputs.nps,
                calendar=config.fiscal,
                grain=grain,
                window_days=window,
                customers=customers,
                segment_field=field,
                min_n=metrics.min_n,
            )
            values += nps_values_of(nps_points, segment=None)
            step(_label("NPS", window, field))

    intervals = []
    if customers is not None and segment_field is not None and metrics.bootstrap:
        intervals = _control_intervals(workspace, inputs, values, grain, windows)
        if note is not None and intervals:
            note(
                f"{len(intervals)} control estimates got a bootstrap interval over "
                "the customers of both segments"
            )

    source = workspace.resolve(config.ledger) if config.ledger else None
    workspace.store.replace_kpi_values(
        config.company,
        values,
        source_path=str(source),
        computed=True,
        control_intervals=intervals,
    )
    return values


def _control_intervals(
    workspace: Workspace,
    inputs: _Inputs,
    values: list[KpiValue],
    grain: Grain,
    windows: list[int | None],
) -> list[ControlInterval]:
    """Resample both segments of every initiative that names a control segment."""
    from boardloop._compute_control import control_intervals
    from boardloop.service import load_workspace_catalog

    config = workspace.config
    assert inputs.customers is not None and config.segment_field is not None
    return control_intervals(
        workspace.store.load_register(config.company),
        values,
        catalog=load_workspace_catalog(workspace),
        ledger=inputs.ledger,
        customers=inputs.customers,
        segment_field=config.segment_field,
        calendar=config.fiscal,
        grain=grain,
        windows=windows,
        rates=inputs.rates,
        resamples=config.metrics.bootstrap,
        seed=config.metrics.seed,
    )


def input_notes(inputs: _Inputs) -> list[str]:
    """Describe what was read, excluded and left without a segment."""
    from boardloop.metrics import UNKNOWN_SEGMENT, unmatched_customers

    ledger = inputs.ledger
    lines = [
        f"{ledger.source}: {ledger.rows_read:,} rows read, "
        f"{ledger.one_time_excluded:,} one-time rows excluded"
    ]
    customers = inputs.customers
    if customers is not None:
        missing = unmatched_customers(ledger, customers)
        if missing:
            shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
            lines.append(
                f"{len(missing):,} ledger customers have no row in "
                f"{customers.source} ({shown}); they count in segment "
                f"{UNKNOWN_SEGMENT!r}"
            )
    if inputs.nps is not None:
        lines.append(f"{inputs.nps.source}: {inputs.nps.rows_read:,} responses read")
    return lines


def _label(kind: str, window: int | None, segment_field: str | None) -> str:
    span = "fiscal periods" if window is None else f"{window}-day windows"
    scope = "whole base" if segment_field is None else f"by {segment_field}"
    return f"{kind}, {span}, {scope}"


def _read_inputs(workspace: Workspace) -> _Inputs:
    from boardloop.metrics import (
        LedgerError,
        load_customers,
        load_ledger,
        load_nps,
        load_rates,
    )
    from boardloop.store import ConfigError

    config = workspace.config
    columns = config.metrics.columns
    if config.ledger is None:
        raise ConfigError(
            workspace.config_path,
            "data.ledger",
            None,
            'write ledger = "ledger.csv" in [data], naming the revenue ledger file',
            problem="missing",
        )
    for key, name in (
        ("ledger", config.ledger),
        ("customers", config.customers),
        ("nps", config.nps),
        ("fx_rates", config.fx_rates),
    ):
        if name is not None and not workspace.resolve(name).is_file():
            raise ConfigError(
                workspace.config_path,
                f"data.{key}",
                str(name),
                f"no file {workspace.resolve(name)}; check the name, which is "
                "relative to the workspace folder",
            )
    backend = _connect(workspace)
    ledger = load_ledger(
        workspace.resolve(config.ledger),
        columns=columns.get("ledger"),
        backend=backend,
        memory_limit=config.metrics.memory_limit,
    )
    if ledger.rows_read == 0:
        raise LedgerError(
            ledger.source,
            None,
            "",
            "",
            "the file holds no charges; export the ledger again, with its rows",
            problem="empty ledger",
        )
    customers = None
    if config.customers is not None:
        customers = load_customers(
            workspace.resolve(config.customers), columns=columns.get("customers")
        )
    rates = None
    if config.fx_rates is not None and config.currency is not None:
        rates = load_rates(workspace.resolve(config.fx_rates), currency=config.currency)
    nps = None
    if config.nps is not None:
        nps = load_nps(
            workspace.resolve(config.nps), columns=columns.get("nps"), backend=backend
        )
    return _Inputs(ledger=ledger, customers=customers, rates=rates, nps=nps)


def _connect(workspace: Workspace) -> BaseBackend | None:
    """Connect to `[metrics] backend`, or return None for an in-memory DuckDB."""
    import ibis  # type: ignore[import-untyped,unused-ignore]

    from boardloop.store import ConfigError

    url = workspace.config.metrics.backend
    if url is None:
        return None
    # Each backend raises its own connection errors, so catch them all.
    try:
        backend: BaseBackend = ibis.connect(url)
    except Exception as error:
        raise ConfigError(
            workspace.config_path,
            "metrics.backend",
            url,
            f"check the URL and that the server is running ({error})",
        ) from error
    return backend


def check_segment_field(
    workspace: Workspace, customers: CustomerTable, segment_field: str
) -> None:
    """Reject a segment field the customers file lacks, or a segment named "all"."""
    from boardloop.metrics import CustomerError
    from boardloop.store import ConfigError

    if segment_field not in customers.segment_fields:
        known = ", ".join(customers.segment_fields) or "none"
        raise ConfigError(
            workspace.config_path,
            "data.segment_field",
            segment_field,
            f"name a column of {customers.source}; its segment columns: {known}",
        )
    table = customers.table
    reserved = table.filter(table[segment_field].strip() == ALL_SEGMENT).limit(1)
    rows = reserved.to_pyarrow().to_pylist()
    if not rows:
        return
    # Only now read the file row by row, to name the line.
    customer = customers.customers[str(rows[0]["customer_id"])]
    raise CustomerError(
        customers.source,
        customer.line,
        segment_field,
        ALL_SEGMENT,
        f"rename this segment, because {ALL_SEGMENT!r} names the whole "
        "customer base in computed KPI values",
        problem="reserved segment value",
    )


def kpi_values_of(points: list[SeriesPoint], *, segment: str | None) -> list[KpiValue]:
    """Turn series points into KPI values, one per KPI and point.

    `segment` overrides the points' own segment, as for the whole base.
    """
    from boardloop.domain.model import KpiValue

    values: list[KpiValue] = []
    for point in points:
        figures = point.figures
        if figures is None:
            continue
        for kpi_id, read in COMPUTED_KPIS:
            value = read(figures)
            if value is None:
                continue
            low, high = _interval(kpi_id, figures)
            values.append(
                KpiValue(
                    kpi_id=kpi_id,
                    segment=segment or point.segment or ALL_SEGMENT,
                    period_end=point.period_end,
                    value=value,
                    n=figures.n,
                    window_days=point.window_days,
                    low=low,
                    high=high,
                    definition=figures.definition,
                )
            )
    return values


# KPIs with a bootstrap interval: the rate it comes from, and whether the KPI
# is one minus that rate.
_INTERVALS = {
    "customers.gross_revenue_retention": ("gross_revenue_retention", False),
    "customers.net_revenue_retention": ("net_revenue_retention", False),
    "customers.logo_retention_rate": ("logo_retention", False),
    "customers.logo_churn_rate": ("logo_retention", True),
    "customers.revenue_churn_rate": ("gross_revenue_retention", True),
}


def _interval(
    kpi_id: str, figures: RetentionFigures
) -> tuple[Decimal | None, Decimal | None]:
    """Return the KPI's 95 % interval in percent, or (None, None) without one."""
    if kpi_id not in _INTERVALS:
        return None, None
    rate, complement = _INTERVALS[kpi_id]
    bounds = figures.intervals.get(rate)
    if bounds is None:
        return None, None
    low, high = bounds
    if complement:
        low, high = 1 - high, 1 - low
    return low * _HUNDRED, high * _HUNDRED


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(repr(value))


def nps_values_of(points: list[NpsPoint], *, segment: str | None) -> list[KpiValue]:
    """Turn NPS points with responses into KPI values in points."""
    from boardloop.domain.model import KpiValue

    return [
        KpiValue(
            kpi_id=NPS_KPI,
            segment=segment or point.segment or ALL_SEGMENT,
            period_end=point.period_end,
            value=Decimal(repr(point.figure.score)),
            n=point.figure.n,
            window_days=point.window_days,
            low=_decimal(point.figure.low),
            high=_decimal(point.figure.high),
            definition=point.figure.definition,
        )
        for point in points
        if point.figure.score is not None
    ]
