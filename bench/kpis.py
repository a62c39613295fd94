"""Benchmark monthly retention KPIs: boardloop against DuckDB SQL and pandas.

Usage: python bench/kpis.py [--customers 100000] [--months 36] [--seed 7]
       [--only duckdb-sql,pandas,boardloop] [--data DIR] [--window 1] [--repeat 1]

Run it with the project's interpreter (`.venv/bin/python bench/kpis.py`). Unless
--data names a folder that contains ledger.parquet and customers.parquet, the
ledger is generated first by bench/ledger.py into bench/out/, which git ignores.

Three implementations compute the same table from the same files:
- boardloop: `boardloop.metrics.kpi_series`, through `compute_boardloop` below;
  it is skipped, with the reason, while that function is not importable;
- duckdb-sql: one hand-written DuckDB query (bench/kpi_floor.py), the floor;
- pandas: vectorised pandas with a loop over the months (bench/kpi_pandas.py).

Each run is a fresh child process of this script. "wall s" is the child's time
from reading the files to returning the result table, the median of --repeat
runs. "process s" adds interpreter start-up, imports and writing the result.
"cpu s" is the child's user plus system time over all its threads, which shows
the work done when other processes compete for the cores.
"peak RSS MB" is the child's maximum resident set size (`ru_maxrss` from
`os.wait4`, in 10^6 bytes), the largest of the runs, imports included. The
script exits with 1 when the implementations disagree: integers must be equal,
money and rates equal within 1e-6 relative, and None only where the other is.

Definitions. One-time rows are left out. A charge dated in month s covers
month s at `amount` for plan_interval "month", and months s..s+11 at
amount / 12 for "year". MRR(c, m) sums customer c's charges covering month m,
and c is active in m when MRR(c, m) > 0. There is one point per month M, from
k months after the ledger's first month with MRR to its last month with MRR.
Each month has a point per segment and one for all customers (segment "all").
Ledger customers without a segment are in "unknown". The baseline month is
B = M - k, the last month L = M, and k (--window) is 1 unless set.
- cohort: the customers active in B; n is its size and start_mrr its MRR in B.
- retained: cohort customers active in every month B+1..L; churned = n - retained.
- kept: MRR(c, L) for a retained customer, else 0. end_mrr sums kept, capped
  sums min(kept, start), expansion sums max(kept - start, 0) and contraction
  sums max(start - kept, 0) over retained customers, and churned_revenue sums
  the start MRR of the others.
- reactivations: cohort customers active in L but not retained (0 when k = 1).
- new_customers: customers whose first active month is in B+1..L.
- total_customers: customers active in L; top10_share is the MRR of the ten
  largest of them over their total MRR (None without MRR).
- grr = capped / start_mrr, nrr = end_mrr / start_mrr, logo_retention =
  retained / n, each None when n or start_mrr is 0.

Points run to the last month a charge starts in, not to the last month with
MRR: a yearly charge covers 12 months, so MRR runs up to 11 months past the
ledger's end, where every monthly-plan customer would look churned.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

__all__ = [
    "IMPLEMENTATIONS",
    "RESULT_COLUMNS",
    "compare_results",
    "compute_boardloop",
    "main",
]

BENCH = Path(__file__).resolve().parent
DEFAULT_OUT = BENCH / "out"

IMPLEMENTATIONS = ("duckdb-sql", "pandas", "boardloop")
"""Implementation names, in the order they run. The first that runs is the
reference the others are compared with."""

ALL_SEGMENT = "all"
"""Segment label of the rows that cover every customer."""

KEY_COLUMNS = ("month", "segment")
INTEGER_COLUMNS = (
    "n",
    "retained",
    "churned",
    "reactivations",
    "new_customers",
    "total_customers",
)
FLOAT_COLUMNS = (
    "start_mrr",
    "end_mrr",
    "capped",
    "expansion",
    "contraction",
    "churned_revenue",
    "top10_share",
    "grr",
    "nrr",
    "logo_retention",
)
RESULT_COLUMNS = (
    "month",
    "segment",
    "n",
    "retained",
    "churned",
    "start_mrr",
    "end_mrr",
    "capped",
    "expansion",
    "contraction",
    "churned_revenue",
    "reactivations",
    "new_customers",
    "total_customers",
    "top10_share",
    "grr",
    "nrr",
    "logo_retention",
)
"""Columns of every implementation's result rows, in output order."""

RELATIVE_TOLERANCE = 1e-6
# Mismatches printed before the rest are only counted.
_SHOWN_MISMATCHES = 20

Row = dict[str, Any]


# The boardloop adapter.

# RetentionFigures attributes whose names differ from the result columns.
_ENGINE_NAMES = {
    "expansion": "expansion_revenue",
    "contraction": "contraction_revenue",
    "grr": "gross_revenue_retention",
    "nrr": "net_revenue_retention",
    "top10_share": "top_customer_share",
}


def compute_boardloop(data_dir: Path, window: int = 1) -> list[Row]:
    """Compute the KPI table with `boardloop.metrics.kpi_series`.

    `include_all` adds the whole base to the series by segment; its points
    have no segment and become the "all" rows. Leading months whose baseline comes
    before the ledger have no figures in any group and are left out, because
    the definitions start one month after the ledger's first month with MRR.

    Raises:
        ValueError: when `window` is not 1, because `kpi_series` compares each
            month with the one before.
        ImportError: while `kpi_series` does not exist.
    """
    if window != 1:
        raise ValueError(
            f"boardloop compares each month with the one before; got window "
            f"{window}, so run it with --window 1"
        )
    from boardloop.domain.fiscal import FiscalCalendar
    from boardloop.metrics import kpi_series, load_customers, load_ledger

    ledger = load_ledger(data_dir / "ledger.parquet")
    customers = load_customers(data_dir / "customers.parquet")
    calendar = FiscalCalendar()
    points = kpi_series(
        ledger,
        calendar=calendar,
        grain="month",
        customers=customers,
        segment_field="segment",
        include_all=True,
    )
    measured = {point.period for point in points if point.figures is not None}
    first = min(measured, default="")
    return [_boardloop_row(point) for point in points if point.period >= first]


def _boardloop_row(point: Any) -> Row:
    row: Row = {"month": point.period, "segment": point.segment or ALL_SEGMENT}
    figures = point.figures
    if figures is None:
        # The engine returns no figures for a group without customers in the
        # baseline month. This reads that as a group with no customers at all,
        # so a month where it still has new or active customers is a mismatch.
        row.update(dict.fromkeys(RESULT_COLUMNS[len(KEY_COLUMNS) :], 0))
        row.update(dict.fromkeys(("top10_share", "grr", "nrr", "logo_retention")))
        return row
    for name in RESULT_COLUMNS[len(KEY_COLUMNS) :]:
        attribute = name if hasattr(figures, name) else _ENGINE_NAMES.get(name, name)
        if name == "capped" and not hasattr(figures, name):
            row[name] = _capped(figures)
            continue
        value = getattr(figures, attribute)
        row[name] = float(value) if isinstance(value, Decimal) else value
    return row


def _capped(figures: Any) -> float:
    # NOTE: RetentionFigures has no capped MRR, so it is rebuilt from GRR and
    # start MRR, and checks nothing beyond GRR.
    grr = figures.gross_revenue_retention
    return 0.0 if grr is None else float(grr * figures.start_mrr)


def boardloop_unavailable() -> str | None:
    """Return why `boardloop.metrics.kpi_series` cannot be imported, or None."""
    try:
        from boardloop.metrics import kpi_series  # noqa: F401
    except ImportError as error:
        return f"boardloop.metrics.kpi_series is not importable ({error})"
    return None


def _load_implementation(name: str) -> Callable[[Path, int], list[Row]]:
    """Import one implementation, so a child loads only its own libraries."""
    if name == "boardloop":
        return compute_boardloop
    sys.path.insert(0, str(BENCH))
    if name == "duckdb-sql":
        import kpi_floor

        return kpi_floor.compute
    if name == "pandas":
        import kpi_pandas

        return kpi_pandas.compute
    raise ValueError(f"unknown implementation {name!r}; use one of {IMPLEMENTATIONS}")


# Comparing results.


def compare_results(
    reference_name: str,
    reference: Sequence[Row],
    other_name: str,
    other: Sequence[Row],
) -> list[str]:
    """Return one message per difference between two result tables.

    Rows are matched by month and segment. Integer columns must be equal, and
    money and rate columns equal within `RELATIVE_TOLERANCE` of the larger
    magnitude, or both None.
    """
    expected = {_key(row): row for row in reference}
    actual = {_key(row): row for row in other}
    messages = []
    for key in sorted(expected.keys() - actual.keys()):
        messages.append(f"{other_name}: row {key} is missing")
    for key in sorted(actual.keys() - expected.keys()):
        messages.append(f"{other_name}: row {key} is not in {reference_name}")
    for key in sorted(expected.keys() & actual.keys()):
        for column in (*INTEGER_COLUMNS, *FLOAT_COLUMNS):
            want, got = expected[key].get(column), actual[key].get(column)
            if not _agrees(column, want, got):
                messages.append(
                    f"{other_name}: {key} {column} is {got!r}, "
                    f"{reference_name} has {want!r}"
                )
    return messages


def _key(row: Row) -> tuple[str, str]:
    return str(row["month"]), str(row["segment"])


def _agrees(column: str, want: Any, got: Any) -> bool:
    if want is None or got is None:
        return want is None and got is None
    if column in INTEGER_COLUMNS:
        return bool(want == got)
    return math.isclose(float(want), float(got), rel_tol=RELATIVE_TOLERANCE)


def check_columns(name: str, rows: Sequence[Row]) -> list[str]:
    """Return a message for each row whose columns are not `RESULT_COLUMNS`."""
    expected = set(RESULT_COLUMNS)
    messages = []
    for row in rows:
        if set(row) != expected:
            missing = sorted(expected - set(row))
            extra = sorted(set(row) - expected)
            messages.append(
                f"{name}: row {_key(row)} has missing columns {missing} "
                f"and unexpected columns {extra}"
            )
    return messages


# Running and measuring child processes.


@dataclass(frozen=True)
class Run:
    """One child process: compute and process seconds, peak RSS and its rows."""

    seconds: float
    process_seconds: float
    cpu_seconds: float
    max_rss_mb: float
    rows: list[Row]


def run_child(name: str, data_dir: Path, window: int) -> Run:
    """Run one implementation in a fresh child of this script and measure it.

    Raises:
        RuntimeError: when the child exits with an error; the message ends
            with the child's stderr.
    """
    with tempfile.TemporaryDirectory() as scratch:
        result_path = Path(scratch) / "result.json"
        argv = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            name,
            "--data",
            str(data_dir),
            "--window",
            str(window),
            "--result",
            str(result_path),
        ]
        with tempfile.TemporaryFile() as errors:
            began = time.perf_counter()
            process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=errors)
            _pid, status, usage = os.wait4(process.pid, 0)
            process_seconds = time.perf_counter() - began
            code = os.waitstatus_to_exitcode(status)
            if code != 0:
                errors.seek(0)
                tail = errors.read().decode(errors="replace")[-3000:]
                raise RuntimeError(f"{name} failed with exit code {code}:\n{tail}")
        result = json.loads(result_path.read_text(encoding="utf-8"))
    # ru_maxrss is in kibibytes on Linux.
    return Run(
        seconds=result["seconds"],
        process_seconds=process_seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        max_rss_mb=usage.ru_maxrss * 1024 / 1e6,
        rows=result["rows"],
    )


def child_main(name: str, data_dir: Path, window: int, result_path: Path) -> None:
    """Compute one implementation's table and write it with its time as JSON."""
    compute = _load_implementation(name)
    began = time.perf_counter()
    rows = compute(data_dir, window)
    seconds = time.perf_counter() - began
    payload = {"seconds": seconds, "rows": rows}
    result_path.write_text(json.dumps(payload), encoding="utf-8")


# The command line.


@dataclass(frozen=True)
class Measured:
    """The runs of one implementation, summarised for the table."""

    name: str
    seconds: float
    process_seconds: float
    cpu_seconds: float
    max_rss_mb: float


def generate(out_dir: Path, customers: int, months: int, seed: int) -> None:
    """Write the seeded ledger with bench/ledger.py in a child process."""
    argv = [
        sys.executable,
        str(BENCH / "ledger.py"),
        str(out_dir),
        "--customers",
        str(customers),
        "--months",
        str(months),
        "--seed",
        str(seed),
    ]
    _status(f"generating {customers} customers x {months} months into {out_dir}")
    completed = subprocess.run(argv, capture_output=True, text=True)
    if completed.returncode != 0:
        raise RuntimeError(
            f"bench/ledger.py failed with exit code {completed.returncode}:\n"
            f"{completed.stderr[-3000:]}"
        )
    _status(completed.stdout.strip())


def parquet_rows(path: Path) -> int:
    """Return the row count from a Parquet file's footer."""
    import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

    rows: int = pq.ParquetFile(path).metadata.num_rows
    return rows


def _status(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _parse_only(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in IMPLEMENTATIONS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown implementation {', '.join(unknown) or text!r}; "
            f"use a comma-separated list of {', '.join(IMPLEMENTATIONS)}"
        )
    return tuple(name for name in IMPLEMENTATIONS if name in names)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"invalid value {value}; use 1 or more")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--customers",
        type=_positive,
        default=100_000,
        help="customers in the generated ledger (default 100000)",
    )
    parser.add_argument(
        "--months",
        type=_positive,
        default=36,
        help="months in the generated ledger (default 36)",
    )
    parser.add_argument(
        "--seed", type=int, default=7, help="generator seed (default 7)"
    )
    parser.add_argument(
        "--only",
        type=_parse_only,
        default=IMPLEMENTATIONS,
        help="comma-separated implementations to run (default: all three)",
    )
    parser.add_argument(
        "--data",
        type=Path,
        help="folder with ledger.parquet and customers.parquet; skips generation",
    )
    parser.add_argument(
        "--window",
        type=_positive,
        default=1,
        help="months k between the baseline month and the measured month (default 1)",
    )
    parser.add_argument(
        "--repeat",
        type=_positive,
        default=1,
        help="fresh child processes per implementation (default 1)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print its Markdown table and return the exit code."""
    options = _parser().parse_args(argv)
    if options.child:
        child_main(options.child, options.data, options.window, options.result)
        return 0

    data_dir: Path = options.data or DEFAULT_OUT
    if options.data is not None:
        for file_name in ("ledger.parquet", "customers.parquet"):
            if not (data_dir / file_name).is_file():
                _status(
                    f"missing {file_name} in {data_dir}; write it with "
                    f"bench/ledger.py {data_dir}, or leave out --data"
                )
                return 2
    names = _runnable(options.only, options.window)
    if not names:
        _status("nothing to run: every implementation requested was skipped")
        return 1

    try:
        if options.data is None:
            generate(data_dir, options.customers, options.months, options.seed)
        measured, rows, problems = _run_all(
            names, data_dir, options.window, options.repeat
        )
    except RuntimeError as error:
        _status(f"FAILED: {error}")
        return 1

    print(_table(measured, data_dir))
    if problems:
        _report_problems(problems)
        return 1
    if len(names) > 1:
        _status(
            f"results agree: {len(rows)} rows (month x segment) in {', '.join(names)}"
        )
    return 0


def _run_all(
    names: Sequence[str], data_dir: Path, window: int, repeat: int
) -> tuple[list[Measured], list[Row], list[str]]:
    """Run each implementation `repeat` times and compare every run's rows.

    Returns the measurements, the reference rows (from the first run) and one
    message per difference found.
    """
    measured: list[Measured] = []
    reference: tuple[str, list[Row]] | None = None
    problems: list[str] = []
    for name in names:
        runs = []
        for attempt in range(1, repeat + 1):
            _status(f"running {name} ({attempt} of {repeat})")
            run = run_child(name, data_dir, window)
            runs.append(run)
            problems += check_columns(name, run.rows)
            if reference is None:
                reference = (name, run.rows)
            else:
                problems += compare_results(*reference, name, run.rows)
        measured.append(_summarise(name, runs))
    rows = [] if reference is None else reference[1]
    return measured, rows, problems


def _runnable(names: Sequence[str], window: int) -> list[str]:
    runnable = []
    for name in names:
        if name == "boardloop":
            reason = boardloop_unavailable()
            if reason is None and window != 1:
                reason = "boardloop measures one-month windows only; use --window 1"
            if reason is not None:
                _status(f"skipping boardloop: {reason}")
                continue
        runnable.append(name)
    return runnable


def _summarise(name: str, runs: list[Run]) -> Measured:
    return Measured(
        name=name,
        seconds=statistics.median(run.seconds for run in runs),
        process_seconds=statistics.median(run.process_seconds for run in runs),
        cpu_seconds=statistics.median(run.cpu_seconds for run in runs),
        max_rss_mb=max(run.max_rss_mb for run in runs),
    )


def _table(measured: list[Measured], data_dir: Path) -> str:
    customers = parquet_rows(data_dir / "customers.parquet")
    ledger_rows = parquet_rows(data_dir / "ledger.parquet")
    floor = next((m.seconds for m in measured if m.name == "duckdb-sql"), None)
    lines = [
        "| implementation | customers | ledger rows | wall s | process s | cpu s "
        "| peak RSS MB | ratio to duckdb-sql |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for m in measured:
        ratio = "n/a" if floor is None else f"{m.seconds / floor:.2f}"
        lines.append(
            f"| {m.name} | {customers:,} | {ledger_rows:,} | {m.seconds:.2f} "
            f"| {m.process_seconds:.2f} | {m.cpu_seconds:.2f} "
            f"| {m.max_rss_mb:,.0f} | {ratio} |"
        )
    return "\n".join(lines)


def _report_problems(problems: list[str]) -> None:
    _status(f"FAILED: the implementations disagree ({len(problems)} differences)")
    for message in problems[:_SHOWN_MISMATCHES]:
        _status(f"  {message}")
    if len(problems) > _SHOWN_MISMATCHES:
        _status(f"  ... and {len(problems) - _SHOWN_MISMATCHES} more")


if __name__ == "__main__":
    sys.exit(main())
