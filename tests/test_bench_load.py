"""The API load benchmark's setup, server and client, run briefly on a tiny company."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

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


def test_load_bench_runs_on_tiny_company(tmp_path: Path) -> None:
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
    document = load_api.run_bench(options, tmp_path)

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

    workers = document["rss"]["workers"]
    assert len(workers) == 2
    for worker in workers.values():
        assert worker["samples"] >= 2
        assert worker["max_mib"] >= worker["first_mib"] > 0

    report = load_api.markdown(document)
    assert "| board-section json |" in report
    assert "Aim (" in report


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
