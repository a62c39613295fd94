"""Time the phases of boardloop's KPI computation on a generated ledger.

Usage: python bench/kpi_phases.py DATA_DIR [--bootstrap N]

DATA_DIR contains ledger.parquet and customers.parquet from bench/ledger.py. The
script prints, in seconds: reading and checking the ledger, reading the
customers, storing the customer-months, and the monthly series for every
segment and the whole base (with `--bootstrap`, the same series with that many
resamples too), then the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from boardloop.domain.fiscal import FiscalCalendar
from boardloop.metrics import kpi_series, load_customers, load_ledger


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--bootstrap", type=int, default=0)
    args = parser.parse_args()

    started = time.perf_counter()
    ledger = load_ledger(args.data / "ledger.parquet")
    loaded = time.perf_counter()
    customers = load_customers(args.data / "customers.parquet")
    attributes = time.perf_counter()
    calendar = FiscalCalendar()
    points = kpi_series(
        ledger,
        calendar=calendar,
        grain="month",
        customers=customers,
        segment_field="segment",
        include_all=True,
    )
    series = time.perf_counter()
    phases = [
        ("read and check the ledger", loaded - started),
        ("read the customers", attributes - loaded),
        ("monthly series, every segment and the whole base", series - attributes),
    ]
    if args.bootstrap:
        kpi_series(
            ledger,
            calendar=calendar,
            grain="month",
            customers=customers,
            segment_field="segment",
            include_all=True,
            bootstrap=args.bootstrap,
        )
        phases.append(
            (f"the same with {args.bootstrap} resamples", time.perf_counter() - series)
        )
    for name, seconds in phases:
        print(f"{name}: {seconds:.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"points: {len(points)}; peak resident memory: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
