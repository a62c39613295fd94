"""The API load benchmark's setup, server and client, run briefly on a tiny company."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import create_engine, text

from store_backends import postgres_admin_url

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _load_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


load_api = _load_module("load_api")


def tiny_options(**changes: Any) -> Any:
    """Return the options of a 3-second run on 12 initiatives."""
    admin_url = postgres_admin_url()
    options = load_api.LoadOptions(
        initiatives=12,
        years=1,
        revisions=2,
        workers=2,
        connections=3,
        warmup=1.0,
        duration=3.0,
        rss_every=1.0,
        later_page=2,
        page_size=5,
        admin_url=admin_url.render_as_string(hide_password=False),
    )
    return replace(options, **changes)


def test_load_bench_runs_on_tiny_company(tmp_path: Path) -> None:
    document = load_api.run_bench(tiny_options(), tmp_path)

    assert document["setup"]["initiatives"] == 12
    assert document["setup"]["target_revisions"] == 2
    # 4 KPIs, 13 segments, 3 windows, 12 months.
    assert document["setup"]["kpi_values"] == 4 * 13 * 3 * 12
    assert document["server_exit_code"] == 0

    endpoints = document["endpoints"]
    assert set(endpoints) == {
        "board-section json",
        "board-section md",
        "initiatives page 1",
        "initiatives page 2",
        "healthz",
    }
    for label, summary in endpoints.items():
        assert summary["requests"] > 0, label
        assert summary["non_2xx"] == 0, (label, summary["statuses"])
        assert summary["exceptions"] == 0, (label, summary["exception_kinds"])
        assert summary["p50_ms"] <= summary["p99_ms"], label
        assert summary["statuses"] == {"200": summary["requests"]}, label
        assert summary["mean_wire_kib"] > 0 or label == "healthz", label
        assert document["body_bytes"][label] > 0, label
    # httpx accepts gzip by default, and the JSON section is large enough to
    # be sent compressed.
    json_section = endpoints["board-section json"]
    assert (
        json_section["mean_wire_kib"] * 1024
        < document["body_bytes"]["board-section json"]
    )

    workers = document["rss"]["workers"]
    assert len(workers) == 2
    for worker in workers.values():
        assert worker["samples"] >= 2
        assert worker["max_mib"] >= worker["first_mib"] > 0

    report = load_api.markdown(document)
    assert "| board-section json |" in report
    assert "Aim (" in report


def test_load_bench_revalidates_with_etags(tmp_path: Path) -> None:
    options = tiny_options(revalidate=True, accept_encoding="identity", keepalive=False)
    document = load_api.run_bench(options, tmp_path)

    endpoints = document["endpoints"]
    for label in ("board-section json", "board-section md", "initiatives page 1"):
        summary = endpoints[label]
        assert summary["non_2xx"] == 0, (label, summary["statuses"])
        assert summary["statuses"].get("304", 0) > 0, (label, summary["statuses"])
    # /healthz sends no ETag, so it is never revalidated.
    assert endpoints["healthz"]["statuses"] == {"200": endpoints["healthz"]["requests"]}
    assert document["options"]["accept_encoding"] == "identity"
    report = load_api.markdown(document)
    assert "revalidating with If-None-Match" in report
    assert "a new connection per request" in report


def test_load_bench_drops_its_database() -> None:
    admin_url = postgres_admin_url()
    load_setup = sys.modules["load_setup"]
    with load_setup.bench_database(
        admin_url.render_as_string(hide_password=False)
    ) as url:
        name = url.database
        assert name is not None
        assert name.startswith("boardloop_bench_")
    engine = create_engine(admin_url)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                text("SELECT count(*) FROM pg_database WHERE datname = :name"),
                {"name": name},
            ).scalar()
    finally:
        engine.dispose()
    assert found == 0
