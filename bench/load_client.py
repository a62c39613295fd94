"""The load client of the API benchmark: asyncio and httpx, N concurrent connections.

Without a rate, each connection sends its next request as soon as the
response to the last one arrives (closed loop), which measures the maximum
throughput. With a rate, requests are scheduled at fixed intervals whatever
the server does (open loop). A request's latency then counts from its
scheduled time, so time spent waiting for a free connection is counted too.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = [
    "Endpoint",
    "EndpointResult",
    "RssSample",
    "percentile",
    "read_rss_mib",
    "run_load",
]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One request the client repeats: a label and a path with its query."""

    label: str
    path: str


@dataclass(slots=True)
class EndpointResult:
    """Latencies in seconds of the successful requests, and the failures."""

    latencies: list[float] = field(default_factory=list)
    non_2xx: int = 0
    exceptions: int = 0
    # Open loop only: requests still waiting for a connection when the
    # measured time ended, which were never sent.
    not_sent: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    exception_kinds: dict[str, int] = field(default_factory=dict)
    # Body bytes as sent on the wire, gzip-coded when the server compressed them.
    bytes_on_wire: int = 0
    # The ETag of the last 200 response, sent back in If-None-Match when the
    # client revalidates.
    etag: str | None = None

    @property
    def errors(self) -> int:
        return self.non_2xx + self.exceptions


@dataclass(frozen=True, slots=True)
class RssSample:
    """The resident memory of each worker process at one moment of the run."""

    seconds: float
    rss_mib: dict[int, float]


def percentile(values: Sequence[float], fraction: float) -> float:
    """Return the nearest-rank percentile of `values` (NaN when there are none)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def read_rss_mib(pid: int) -> float | None:
    """Return a process's resident set size in MiB from /proc, or None when gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


async def send(
    client: httpx.AsyncClient,
    endpoint: Endpoint,
    result: EndpointResult,
    started: float,
    record: bool,
    revalidate: bool = False,
) -> None:
    """Send one request and record its latency from `started`, or its failure.

    The body is read as it arrives on the wire and not decoded, as wrk and ab
    do, so a gzip-coded response costs the client no decompression. The
    latency ends when the last byte has arrived. With `revalidate`, the request
    carries the ETag of the endpoint's last 200 response in If-None-Match,
    and a 304 Not Modified counts as a success.
    """
    headers = {}
    if revalidate and result.etag is not None:
        headers["If-None-Match"] = result.etag
    try:
        async with client.stream("GET", endpoint.path, headers=headers) as response:
            size = 0
            async for chunk in response.aiter_raw():
                size += len(chunk)
    except httpx.HTTPError as error:
        if record:
            result.exceptions += 1
            name = type(error).__name__
            result.exception_kinds[name] = result.exception_kinds.get(name, 0) + 1
        return
    elapsed = time.perf_counter() - started
    if response.status_code == 200:
        # Kept during the warm-up too, so measured requests can revalidate.
        result.etag = response.headers.get("ETag")
    if not record:
        return
    result.statuses[response.status_code] = (
        result.statuses.get(response.status_code, 0) + 1
    )
    if 200 <= response.status_code < 300 or (
        revalidate and response.status_code == 304
    ):
        result.latencies.append(elapsed)
        result.bytes_on_wire += size
    else:
        result.non_2xx += 1


async def closed_loop(
    client: httpx.AsyncClient,
    endpoints: Sequence[Endpoint],
    results: dict[str, EndpointResult],
    *,
    connections: int,
    warmup: float,
    duration: float,
    revalidate: bool = False,
) -> None:
    """Keep `connections` requests in flight, cycling through the endpoints."""
    start = time.perf_counter()
    record_from = start + warmup
    stop_at = record_from + duration

    async def connection_loop(offset: int) -> None:
        # Each connection starts at another endpoint, so the mix stays even.
        for endpoint in itertools.islice(itertools.cycle(endpoints), offset, None):
            now = time.perf_counter()
            if now >= stop_at:
                return
            await send(
                client,
                endpoint,
                results[endpoint.label],
                now,
                now >= record_from,
                revalidate,
            )

    await asyncio.gather(*(connection_loop(index) for index in range(connections)))


async def open_loop(
    client: httpx.AsyncClient,
    endpoints: Sequence[Endpoint],
    results: dict[str, EndpointResult],
    *,
    connections: int,
    rate: float,
    warmup: float,
    duration: float,
    revalidate: bool = False,
) -> None:
    """Send `rate` requests per second in total, at most `connections` at a time.

    Requests still queued when the measured time ends are counted as not sent,
    so a server slower than the rate ends the run on time.
    """
    queue: asyncio.Queue[tuple[Endpoint, float, bool] | None] = asyncio.Queue()
    start = time.perf_counter()
    stop_at = start + warmup + duration
    total = int((warmup + duration) * rate)
    warmup_count = int(warmup * rate)

    async def connection_loop() -> None:
        while True:
            item = await queue.get()
            if item is None:
                return
            endpoint, scheduled, record = item
            result = results[endpoint.label]
            if time.perf_counter() >= stop_at:
                result.not_sent += record
                continue
            await send(client, endpoint, result, scheduled, record, revalidate)

    workers = [asyncio.create_task(connection_loop()) for _ in range(connections)]
    for index, endpoint in zip(range(total), itertools.cycle(endpoints), strict=False):
        scheduled = start + index / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((endpoint, scheduled, index >= warmup_count))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)


async def sample_rss(
    find_pids: Callable[[], Sequence[int]],
    every: float,
    samples: list[RssSample],
    done: asyncio.Event,
) -> None:
    """Append the workers' RSS to `samples` every `every` seconds until `done`.

    The workers are looked up at every sample, so a worker that the server
    replaced shows as a new pid.
    """
    start = time.perf_counter()
    while True:
        rss = {pid: read_rss_mib(pid) for pid in find_pids()}
        samples.append(
            RssSample(
                time.perf_counter() - start,
                {pid: value for pid, value in rss.items() if value is not None},
            )
        )
        try:
            await asyncio.wait_for(done.wait(), timeout=every)
        except TimeoutError:
            continue
        return


async def run_load_async(
    base_url: str,
    token: str,
    endpoints: Sequence[Endpoint],
    *,
    connections: int,
    rate: float,
    warmup: float,
    duration: float,
    find_pids: Callable[[], Sequence[int]],
    rss_every: float,
    revalidate: bool = False,
    accept_encoding: str | None = None,
    keepalive: bool = True,
) -> tuple[dict[str, EndpointResult], list[RssSample], float]:
    results = {endpoint.label: EndpointResult() for endpoint in endpoints}
    samples: list[RssSample] = []
    done = asyncio.Event()
    # Without keep-alive each request opens a new connection, which either
    # worker may accept. With it, one worker's event loop may accept all the
    # connections at the start and serve every request of the run.
    limits = httpx.Limits(
        max_connections=connections,
        max_keepalive_connections=connections if keepalive else 0,
    )
    headers = {"Authorization": f"Bearer {token}"}
    if accept_encoding is not None:
        headers["Accept-Encoding"] = accept_encoding
    async with httpx.AsyncClient(
        base_url=base_url,
        headers=headers,
        limits=limits,
        timeout=httpx.Timeout(30.0),
    ) as client:
        sampler = asyncio.create_task(sample_rss(find_pids, rss_every, samples, done))
        started = time.perf_counter()
        if rate > 0:
            await open_loop(
                client,
                endpoints,
                results,
                connections=connections,
                rate=rate,
                warmup=warmup,
                duration=duration,
                revalidate=revalidate,
            )
        else:
            await closed_loop(
                client,
                endpoints,
                results,
                connections=connections,
                warmup=warmup,
                duration=duration,
                revalidate=revalidate,
            )
        elapsed = time.perf_counter() - started - warmup
        done.set()
        await sampler
    return results, samples, elapsed


def run_load(
    base_url: str,
    token: str,
    endpoints: Sequence[Endpoint],
    *,
    connections: int,
    rate: float = 0.0,
    warmup: float = 5.0,
    duration: float = 60.0,
    find_pids: Callable[[], Sequence[int]] = tuple,
    rss_every: float = 5.0,
    revalidate: bool = False,
    accept_encoding: str | None = None,
    keepalive: bool = True,
) -> tuple[dict[str, EndpointResult], list[RssSample], float]:
    """Load the server; return results per endpoint, RSS samples and measured seconds.

    `rate` is requests per second over all endpoints, 0 for a closed loop.
    Requests during the first `warmup` seconds are sent but not recorded.
    `find_pids` returns the pids of the server's workers, whose RSS is sampled
    every `rss_every` seconds. With `revalidate`, each request sends the ETag
    of its endpoint's last 200 response in If-None-Match. `accept_encoding`
    replaces httpx's default Accept-Encoding header ("gzip, deflate", plus br
    and zstd when their packages are installed). Without `keepalive`, each
    request opens a new connection.
    """
    return asyncio.run(
        run_load_async(
            base_url,
            token,
            endpoints,
            connections=connections,
            rate=rate,
            warmup=warmup,
            duration=duration,
            find_pids=find_pids,
            rss_every=rss_every,
            revalidate=revalidate,
            accept_encoding=accept_encoding,
            keepalive=keepalive,
        )
    )
