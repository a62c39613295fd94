"""The data files and [metrics] table that `boardloop kpis compute` reads."""

from __future__ import annotations

from pathlib import PurePath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boardloop.store import ConfigError, WorkspaceConfig
from boardloop.store._config import parse_config, render_config
from boardloop.store._config_metrics import MetricsConfig

COMPANY = '[company]\nname = "Acme Analytics"\n'


def test_metrics_defaults() -> None:
    config = parse_config(COMPANY)
    assert config.metrics == MetricsConfig()
    assert config.metrics.windows == (30, 90, 180, 365)
    assert config.metrics.min_n == 30
    assert config.nps is None
    assert config.fx_rates is None
    assert config.currency is None


def test_metrics_and_data_files_read() -> None:
    config = parse_config(
        COMPANY
        + """
[data]
ledger = "billing/ledger.parquet"
nps = "nps.csv"
fx_rates = "rates.csv"
currency = "eur"

[metrics]
windows = [365, 90, 90]
min_n = 50
bootstrap = 0
seed = 7

[metrics.columns.ledger]
customer_id = "Account ID"
amount = "MRR"

[metrics.columns.nps]
score = "Likelihood"
"""
    )
    assert config.ledger == PurePath("billing/ledger.parquet")
    assert config.nps == PurePath("nps.csv")
    assert config.fx_rates == PurePath("rates.csv")
    assert config.currency == "EUR"
    metrics = config.metrics
    assert metrics.windows == (90, 365)
    assert (metrics.min_n, metrics.bootstrap, metrics.seed) == (50, 0, 7)
    assert dict(metrics.columns["ledger"]) == {
        "customer_id": "Account ID",
        "amount": "MRR",
    }
    assert dict(metrics.columns["nps"]) == {"score": "Likelihood"}


@pytest.mark.parametrize(
    ("text", "key", "remedy"),
    [
        ("[metrics]\nwindows = [7]\n", "metrics.windows", "15 or more"),
        ("[metrics]\nwindows = []\n", "metrics.windows", "list of window lengths"),
        ('[metrics]\nwindows = "90"\n', "metrics.windows", "list of window lengths"),
        ("[metrics]\nmin_n = -1\n", "metrics.min_n", "0 or more"),
        ("[metrics]\nbootstrap = 1.5\n", "metrics.bootstrap", "whole number"),
        ("[metrics]\nseed = true\n", "metrics.seed", "whole number"),
        ("[metrics]\nspeed = 1\n", "metrics.speed", "allowed keys"),
        ("[metrics.columns]\nbilling = {}\n", "metrics.columns.billing", "allowed"),
        (
            "[metrics.columns.ledger]\ncustomer_id = 3\n",
            "metrics.columns.ledger",
            "canonical names",
        ),
        ('[data]\nfx_rates = "rates.csv"\n', "data.currency", "currency ="),
        ('[data]\ncurrency = "euro"\n', "data.currency", "currency code"),
        ('[metrics]\nmemory_limit = "lots"\n', "metrics.memory_limit", '"3GB"'),
        ("[metrics]\nbootstrap = 100001\n", "metrics.bootstrap", "at most 100,000"),
        (
            '[metrics.columns.ledger]\ncustomer = "Account"\n',
            "metrics.columns.ledger.customer",
            "ledger columns are customer_id",
        ),
        ("[metrics]\nmemory_limit = 3\n", "metrics.memory_limit", "amount of memory"),
    ],
)
def test_bad_metrics_value_named(text: str, key: str, remedy: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(COMPANY + text)
    assert caught.value.key == key
    assert remedy in str(caught.value)


column_names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() == s and s != "")
metrics_configs = st.builds(
    MetricsConfig,
    windows=st.lists(st.integers(15, 2000), min_size=1, max_size=4, unique=True).map(
        lambda ws: tuple(sorted(ws))
    ),
    min_n=st.integers(0, 1000),
    bootstrap=st.integers(0, 5000),
    seed=st.integers(0, 2**31),
    memory_limit=st.sampled_from(["3GB", "512MB", "1.5 GiB"]),
    columns=st.fixed_dictionaries(
        {},
        optional={
            "ledger": st.dictionaries(
                st.sampled_from(["customer_id", "date", "amount"]),
                column_names,
                max_size=3,
            ),
            "nps": st.dictionaries(
                st.sampled_from(["customer_id", "score"]), column_names, max_size=2
            ),
        },
    ),
)


@given(metrics_configs, st.sampled_from([None, "USD", "EUR"]))
def test_metrics_config_reads_back(
    metrics: MetricsConfig, currency: str | None
) -> None:
    config = WorkspaceConfig(
        company="Acme",
        metrics=metrics,
        ledger=PurePath("ledger.csv"),
        nps=PurePath("nps.csv"),
        fx_rates=None if currency is None else PurePath("rates.csv"),
        currency=currency,
    )
    read = parse_config(render_config(config))
    assert read.metrics.windows == metrics.windows
    assert read.metrics.memory_limit == metrics.memory_limit
    assert (read.metrics.min_n, read.metrics.bootstrap, read.metrics.seed) == (
        metrics.min_n,
        metrics.bootstrap,
        metrics.seed,
    )
    assert {k: dict(v) for k, v in read.metrics.columns.items()} == {
        k: dict(v) for k, v in metrics.columns.items() if v
    }
    assert (read.nps, read.fx_rates, read.currency) == (
        config.nps,
        config.fx_rates,
        currency,
    )
