"""Load-test the REST API over loopback: requests/s, latency percentiles, worker RSS.

Usage: python bench/load_api.py [--duration 60] [--connections 16] [--rate 0]
       [--revalidate] [--accept-encoding identity]

Creates a PostgreSQL database named boardloop_bench_* on 127.0.0.1:5432.
BOARDLOOP_BENCH_POSTGRES_URL names the server's maintenance database. It
writes a company of --initiatives initiatives with --years years of monthly KPI
values per window, revises a few targets, adds a user with the board role and
issues a read token. It then starts `boardloop serve` with --workers workers on a free
port of 127.0.0.1, loads the board section (JSON and Markdown), the initiative
list (the first page and a later one, by cursor) and /healthz in one run, and
prints Markdown tables. The client reads response bodies as they arrive on
the wire, without decoding gzip. The database is dropped at the end unless --keep.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_client  # sibling scripts of bench/, not a package
import load_setup

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["LoadOptions", "endpoints_for", "main", "run_bench"]

# The aim of the benchmark for the board-section and list endpoints.
AIM_RATE = 200.0
AIM_P99_SECONDS = 0.050


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """Settings of one run: the company generated, the server and the load."""

    initiatives: int = 1000
    years: int = 5
    revisions: int = 20
    workers: int = 2
    connections: int = 16
    rate: float = 0.0
    warmup: float = 5.0
    duration: float = 60.0
    rss_every: float = 5.0
    later_page: int = 10
    page_size: int = 50
    log_level: str = "info"
    admin_url: str = load_setup.ADMIN_URL
    keep: bool = False
    revalidate: bool = False
    # None keeps httpx's default Accept-Encoding header.
    accept_encoding: str | None = None
    keepalive: bool = True


def endpoints_for(
    base_url: str, token: str, company: str, later_page: int, page_size: int
) -> list[load_client.Endpoint]:
    """Return the endpoints of one run; walk the list to find a later page's cursor.

    When the list has fewer pages than `later_page`, its last page is used.
    """
    prefix = f"/api/v1/companies/{quote(company, safe='')}"
    first = f"{prefix}/initiatives?limit={page_size}"
    later = first
    pages = 1
    with httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=120
    ) as client:
        page = client.get(first).raise_for_status().json()
        while pages < later_page and page["next_cursor"] is not None:
            later = f"{first}&cursor={quote(page['next_cursor'], safe='')}"
            pages += 1
            page = client.get(later).raise_for_status().json()
    if pages == 1:
        raise RuntimeError(
            f"the initiative list has one page of {page_size}; "
            "pass a smaller --page-size so that a later page exists"
        )
    return [
        load_client.Endpoint(
            "board-section json", f"{prefix}/board-section?format=json"
        ),
        load_client.Endpoint("board-section md", f"{prefix}/board-section?format=md"),
        load_client.Endpoint("initiatives page 1", first),
        load_client.Endpoint(f"initiatives page {pages}", later),
        load_client.Endpoint("healthz", "/healthz"),
    ]


def first_requests(
    base_url: str, token: str, endpoints: Sequence[load_client.Endpoint]
) -> tuple[dict[str, float], dict[str, int]]:
    """Time one request of each endpoint before the load, with empty caches.

    Return the seconds and the decoded body size in bytes, by endpoint label.
    """
    timings = {}
    sizes = {}
    with httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=120
    ) as client:
        for endpoint in endpoints:
            start = time.perf_counter()
            response = client.get(endpoint.path).raise_for_status()
            timings[endpoint.label] = time.perf_counter() - start
            sizes[endpoint.label] = len(response.content)
    return timings, sizes


def run_bench(options: LoadOptions, work: Path) -> dict[str, Any]:
    """Set up, serve, load and tear down; return every number as a JSON document."""
    # The load average before the benchmark shows what else the machine ran.
    system = machine()
    with load_setup.bench_database(options.admin_url, keep=options.keep) as url:
        setup_start = time.perf_counter()
        company = load_setup.prepare_company(
            work,
            url,
            initiatives=options.initiatives,
            years=options.years,
            revisions=options.revisions,
        )
        setup_seconds = time.perf_counter() - setup_start
        server = load_setup.start_server(
            company, workers=options.workers, log_level=options.log_level
        )
        try:
            endpoints = endpoints_for(
                server.base_url,
                company.token,
                load_setup.COMPANY,
                options.later_page,
                options.page_size,
            )
            first, body_sizes = first_requests(
                server.base_url, company.token, endpoints
            )
            measured_from = dt.datetime.now(dt.UTC) + dt.timedelta(
                seconds=options.warmup
            )
            results, samples, elapsed = load_client.run_load(
                server.base_url,
                company.token,
                endpoints,
                connections=options.connections,
                rate=options.rate,
                warmup=options.warmup,
                duration=options.duration,
                find_pids=lambda: load_setup.worker_pids(server.process.pid),
                rss_every=options.rss_every,
                revalidate=options.revalidate,
                accept_encoding=options.accept_encoding,
                keepalive=options.keepalive,
            )
        finally:
            exit_code = load_setup.stop_server(server)
        server_times = server_durations(server.log_path, measured_from)
    return {
        "options": asdict(options),
        "machine": system,
        "database": url.database,
        "setup": {
            "seconds": round(setup_seconds, 1),
            "initiatives": company.initiatives,
            "kpi_values": company.kpi_values,
            "target_revisions": company.revisions,
        },
        "server_exit_code": exit_code,
        "measured_seconds": elapsed,
        "first_request_seconds": first,
        "body_bytes": body_sizes,
        "endpoints": {
            label: endpoint_summary(result, elapsed)
            for label, result in results.items()
        },
        "server_ms": server_times,
        "rss": rss_summary(samples),
    }


def endpoint_summary(
    result: load_client.EndpointResult, elapsed: float
) -> dict[str, Any]:
    """Return the rate, latency percentiles in ms and failures of one endpoint."""
    latencies = result.latencies

    def milliseconds(fraction: float) -> float:
        return load_client.percentile(latencies, fraction) * 1000

    return {
        "requests": len(latencies) + result.errors,
        "requests_per_second": len(latencies) / elapsed if elapsed > 0 else 0.0,
        "p50_ms": milliseconds(0.50),
        "p90_ms": milliseconds(0.90),
        "p99_ms": milliseconds(0.99),
        "max_ms": max(latencies, default=float("nan")) * 1000,
        "non_2xx": result.non_2xx,
        "exceptions": result.exceptions,
        "not_sent": result.not_sent,
        "statuses": {str(status): count for status, count in result.statuses.items()},
        "exception_kinds": result.exception_kinds,
        "mean_wire_kib": (
            result.bytes_on_wire / len(latencies) / 1024 if latencies else 0.0
        ),
    }


def server_durations(log_path: Path, since: dt.datetime) -> dict[str, Any]:
    """Return percentiles of the server's own request durations, by path.

    They come from the request log lines (`duration_ms`, from the request's
    arrival to its last body chunk handed to uvicorn), so they leave out the
    client and the transfer. The log has no query string, so the formats of the
    board section and the pages of the list share one path.
    """
    durations: dict[str, list[float]] = {}
    for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines():
        if '"boardloop.api.requests"' not in line:
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if dt.datetime.fromisoformat(record["time"]) < since:
            continue
        durations.setdefault(record["path"], []).append(record["duration_ms"])
    return {
        path: {
            "requests": len(values),
            "p50_ms": load_client.percentile(values, 0.50),
            "p90_ms": load_client.percentile(values, 0.90),
            "p99_ms": load_client.percentile(values, 0.99),
        }
        for path, values in sorted(durations.items())
    }


def rss_summary(samples: Sequence[load_client.RssSample]) -> dict[str, Any]:
    """Return each worker's first, last and maximum RSS in MiB, and every sample."""
    workers = {}
    pids = sorted({pid for sample in samples for pid in sample.rss_mib})
    for pid in pids:
        values = [sample.rss_mib[pid] for sample in samples if pid in sample.rss_mib]
        if values:
            workers[str(pid)] = {
                "first_mib": values[0],
                "last_mib": values[-1],
                "max_mib": max(values),
                "samples": len(values),
            }
    return {
        "workers": workers,
        "samples": [
            {"seconds": round(sample.seconds, 1), "rss_mib": sample.rss_mib}
            for sample in samples
        ],
    }


def machine() -> dict[str, Any]:
    """Describe the machine: CPU model, cores, RAM, OS, Python."""
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory_kib = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_kib = int(line.split()[1])
    return {
        "date": dt.date.today().isoformat(),
        "cpu": model,
        "nproc": len(os.sched_getaffinity(0)),
        "ram_gib": round(memory_kib / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "load_average": Path("/proc/loadavg").read_text().split()[:3],
        "httpx": httpx.__version__,
    }


def markdown(document: dict[str, Any]) -> str:
    """Format the results as the tables of docs/benchmarks.md."""
    options = document["options"]
    mode = (
        f"open loop at {options['rate']:g} requests/s"
        if options["rate"] > 0
        else "closed loop"
    )
    if options["revalidate"]:
        mode += ", revalidating with If-None-Match"
    if not options["keepalive"]:
        mode += ", a new connection per request"
    encoding = options["accept_encoding"]
    mode += (
        ", httpx's default Accept-Encoding"
        if encoding is None
        else f", Accept-Encoding: {encoding}"
    )
    system = document["machine"]
    lines = [
        f"{system['date']}: {system['cpu']}, nproc {system['nproc']}, "
        f"{system['ram_gib']} GiB RAM, {system['os']}, Python {system['python']}",
        f"{options['workers']} workers, {options['connections']} connections, {mode}, "
        f"{document['measured_seconds']:.0f} s measured after "
        f"{options['warmup']:g} s of warm-up",
        "",
        "| endpoint | requests/s | p50 ms | p90 ms | p99 ms | max ms | errors "
        "| not sent | first request ms | body KiB | wire KiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    total = 0.0
    for label, summary in document["endpoints"].items():
        total += summary["requests_per_second"]
        errors = summary["non_2xx"] + summary["exceptions"]
        first = document["first_request_seconds"][label] * 1000
        lines.append(
            f"| {label} | {summary['requests_per_second']:.1f} "
            f"| {summary['p50_ms']:.1f} | {summary['p90_ms']:.1f} "
            f"| {summary['p99_ms']:.1f} | {summary['max_ms']:.1f} | {errors} "
            f"| {summary['not_sent']} | {first:.0f} "
            f"| {document['body_bytes'][label] / 1024:.0f} "
            f"| {summary['mean_wire_kib']:.0f} |"
        )
    lines.append(f"| all | {total:.1f} | | | | | | | | | |")
    lines += ["", aim_line(document["endpoints"])]
    lines += [
        "",
        "| path, server time | requests | p50 ms | p90 ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for path, summary in document["server_ms"].items():
        lines.append(
            f"| `{path}` | {summary['requests']} | {summary['p50_ms']:.1f} "
            f"| {summary['p90_ms']:.1f} | {summary['p99_ms']:.1f} |"
        )
    lines += [
        "",
        "| worker | first RSS MiB | last RSS MiB | max RSS MiB | samples |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for number, worker in enumerate(document["rss"]["workers"].values(), start=1):
        lines.append(
            f"| {number} | {worker['first_mib']:.1f} | {worker['last_mib']:.1f} "
            f"| {worker['max_mib']:.1f} | {worker['samples']} |"
        )
    return "\n".join(lines)


def aim_line(endpoints: dict[str, dict[str, Any]]) -> str:
    """Say whether the board-section and list endpoints met the aim together."""
    measured = {
        label: summary for label, summary in endpoints.items() if label != "healthz"
    }
    rate = sum(summary["requests_per_second"] for summary in measured.values())
    worst_p99 = max(summary["p99_ms"] for summary in measured.values())
    errors = sum(
        summary["non_2xx"] + summary["exceptions"] for summary in measured.values()
    )
    met = rate >= AIM_RATE and worst_p99 < AIM_P99_SECONDS * 1000 and errors == 0
    return (
        f"Aim ({AIM_RATE:g} requests/s, p99 under {AIM_P99_SECONDS * 1000:g} ms, "
        f"no errors on the board-section and list endpoints): "
        f"{'met' if met else 'missed'}, {rate:.1f} requests/s, "
        f"worst p99 {worst_p99:.1f} ms, {errors} errors."
    )


def parse_options(argv: Sequence[str] | None = None) -> tuple[LoadOptions, Path | None]:
    defaults = LoadOptions()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", type=int, default=defaults.initiatives)
    parser.add_argument(
        "--years", type=int, default=defaults.years, help="Years of monthly KPI values."
    )
    parser.add_argument(
        "--revisions",
        type=int,
        default=defaults.revisions,
        help="Open initiatives whose target is revised once.",
    )
    parser.add_argument("--workers", type=int, default=defaults.workers)
    parser.add_argument(
        "--connections",
        type=int,
        default=defaults.connections,
        help="Concurrent connections of the client.",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=defaults.rate,
        help="Requests per second over all endpoints; 0 sends as fast as "
        "the connections allow.",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=defaults.warmup,
        help="Seconds of load before measuring.",
    )
    parser.add_argument(
        "--duration", type=float, default=defaults.duration, help="Seconds measured."
    )
    parser.add_argument(
        "--rss-every",
        type=float,
        default=defaults.rss_every,
        help="Seconds between samples of the workers' RSS.",
    )
    parser.add_argument(
        "--later-page",
        type=int,
        default=defaults.later_page,
        help="Page of the initiative list loaded beside the first.",
    )
    parser.add_argument(
        "--page-size",
        type=int,
        default=defaults.page_size,
        help="Initiatives per page of the list (its limit parameter).",
    )
    parser.add_argument(
        "--log-level",
        default=defaults.log_level,
        choices=("debug", "info", "warning", "error"),
        help="Log level of the server; its log is written in the workspace.",
    )
    parser.add_argument(
        "--revalidate",
        action="store_true",
        help="Send each endpoint's last ETag in If-None-Match; 304 counts as success.",
    )
    parser.add_argument(
        "--accept-encoding",
        default=defaults.accept_encoding,
        help="Accept-Encoding header of the client, such as identity; "
        "default httpx's (gzip, deflate).",
    )
    parser.add_argument(
        "--no-keepalive",
        dest="keepalive",
        action="store_false",
        help="Open a new connection for each request, so both workers share the "
        "load; with keep-alive one worker may accept every connection.",
    )
    parser.add_argument("--admin-url", default=defaults.admin_url)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="Keep the database and the workspace folder, and print where they are.",
    )
    parser.add_argument("--json", type=Path, help="Also write every number here.")
    namespace = parser.parse_args(argv)
    options = LoadOptions(
        initiatives=namespace.initiatives,
        years=namespace.years,
        revisions=namespace.revisions,
        workers=namespace.workers,
        connections=namespace.connections,
        rate=namespace.rate,
        warmup=namespace.warmup,
        duration=namespace.duration,
        rss_every=namespace.rss_every,
        later_page=namespace.later_page,
        page_size=namespace.page_size,
        log_level=namespace.log_level,
        admin_url=namespace.admin_url,
        keep=namespace.keep,
        revalidate=namespace.revalidate,
        accept_encoding=namespace.accept_encoding,
        keepalive=namespace.keepalive,
    )
    return options, namespace.json


def main(argv: Sequence[str] | None = None) -> None:
    options, json_path = parse_options(argv)
    if options.keep:
        work = Path(tempfile.mkdtemp(prefix="boardloop-load-"))
        document = run_bench(options, work)
        print(f"kept {work} and database {document['database']}", file=sys.stderr)
    else:
        with tempfile.TemporaryDirectory(prefix="boardloop-load-") as folder:
            document = run_bench(options, Path(folder))
    if json_path is not None:
        json_path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(markdown(document))


if __name__ == "__main__":
    main()
