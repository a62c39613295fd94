"""`boardloop kpis compute` and `kpis show` on a hand-computed ledger."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from boardloop.cli.main import main

# Four customers at 100 a month in January 2024. In February A stays flat,
# B grows to 150, C shrinks to 50 and D leaves. February's cohort is all four
# (400 of start MRR): GRR = (100 + 100 + 50) / 400 = 62.5 %, NRR = (100 + 150
# + 50) / 400 = 75 %, and three of four logos stay.
LEDGER = """\
customer_id,date,amount
A,2024-01-01,100
B,2024-01-01,100
C,2024-01-01,100
D,2024-01-01,100
A,2024-02-01,100
B,2024-02-01,150
C,2024-02-01,50
"""

# smb (A, B): start 200, GRR 100 %, NRR 125 %. ent (C, D): GRR = NRR = 25 %.
CUSTOMERS = """\
customer_id,acquired_on,segment
A,2023-06-01,smb
B,,smb
C,2023-09-15,ent
D,,ent
"""

DATA_SETTINGS = """
[data]
ledger = "ledger.csv"
customers = "customers.csv"
segment_field = "segment"
"""

FEBRUARY = "2024-02-29"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def output_of(result: Result) -> str:
    return (
        f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )


def make_workspace(tmp_path: Path, data: str = DATA_SETTINGS) -> Path:
    """Initialise a workspace and point its [data] table at the ledger files."""
    workspace = tmp_path / "acme"
    result = run("init", str(workspace), "--company", "Acme Ltd")
    assert result.exit_code == 0, output_of(result)
    config = workspace / "boardloop.toml"
    text = config.read_text(encoding="utf-8")
    head, _, tail = text.partition("[data]")
    _, _, rest = tail.partition("\n[report]")
    config.write_text(f"{head}{data.strip()}\n\n[report]{rest}", encoding="utf-8")
    (workspace / "ledger.csv").write_text(LEDGER, encoding="utf-8")
    (workspace / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    return workspace


def show_json(workspace: Path, *options: str) -> list[dict[str, object]]:
    result = run("kpis", "show", "-w", str(workspace), "--format", "json", *options)
    assert result.exit_code == 0, output_of(result)
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def value_of(
    rows: list[dict[str, object]],
    kpi: str,
    segment: str,
    period_end: str,
    window: int | None = None,
) -> Decimal:
    matches = [
        row
        for row in rows
        if row["kpi"] == kpi
        and row["segment"] == segment
        and row["period_end"] == period_end
        and row["window_days"] == window
    ]
    assert len(matches) == 1, rows
    return Decimal(str(matches[0]["value"]))


def test_compute_stores_hand_computed_values(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    result = run("kpis", "compute", "-w", str(workspace))
    assert result.exit_code == 0, output_of(result)
    # February for all, smb and ent: once as a fiscal month and once as a
    # 30-day window; the longer default windows need more history.
    assert "customers.gross_revenue_retention: 6 values stored" in result.stderr

    rows = show_json(workspace)
    grr = "customers.gross_revenue_retention"
    nrr = "customers.net_revenue_retention"
    assert value_of(rows, grr, "all", FEBRUARY) == Decimal("62.5")
    assert value_of(rows, nrr, "all", FEBRUARY) == Decimal("75")
    assert value_of(rows, "customers.logo_retention_rate", "all", FEBRUARY) == 75
    assert value_of(rows, "customers.logo_churn_rate", "all", FEBRUARY) == 25
    assert value_of(rows, grr, "smb", FEBRUARY) == Decimal("100")
    assert value_of(rows, nrr, "smb", FEBRUARY) == Decimal("125")
    assert value_of(rows, nrr, "ent", FEBRUARY) == Decimal("25")
    assert value_of(rows, grr, "all", FEBRUARY, window=30) == Decimal("62.5")
    # February: no new customer, D churned, A, B and C pay; the three hold all MRR.
    assert value_of(rows, "customers.new_customers", "all", FEBRUARY) == 0
    assert value_of(rows, "customers.customers_churned", "all", FEBRUARY) == 1
    assert value_of(rows, "customers.total_customers", "all", FEBRUARY) == 3
    assert (
        value_of(rows, "customers.top_customer_concentration", "all", FEBRUARY) == 100
    )
    assert value_of(rows, "customers.revenue_churn_rate", "all", FEBRUARY) == Decimal(
        "37.5"
    )


def test_compute_skips_empty_cohort_periods(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    assert run("kpis", "compute", "-w", str(workspace)).exit_code == 0
    rows = show_json(workspace)
    # January has no revenue in its baseline month, December 2023.
    assert {row["period_end"] for row in rows} == {FEBRUARY}
    assert all(row["n"] in (2, 4) for row in rows)


def test_show_filters_kpi_and_segment(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    assert run("kpis", "compute", "-w", str(workspace)).exit_code == 0
    rows = show_json(
        workspace, "--kpi", "customers.net_revenue_retention", "--segment", "smb"
    )
    assert sorted(str(row["window_days"]) for row in rows) == ["30", "None"]
    assert {row["n"] for row in rows} == {2}


def test_show_text_table(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    assert run("kpis", "compute", "-w", str(workspace)).exit_code == 0
    result = run("kpis", "show", "-w", str(workspace), "--segment", "all")
    assert result.exit_code == 0, output_of(result)
    lines = result.stdout.splitlines()
    assert re.split(r" {2,}", lines[0]) == [
        "kpi",
        "segment",
        "window",
        "period_end",
        "value",
        "95% interval",
        "n",
    ]
    # Four customers are below the default minimum of 30.
    assert "4 (low n)" in result.stdout
    assert re.search(r"customers.gross_revenue_retention +all", result.stdout)
    assert "62.50" in result.stdout


def test_missing_ledger_key_exits_2(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, data="[data]\ninitiatives = []\n")
    result = run("kpis", "compute", "-w", str(workspace))
    assert result.exit_code == 2, output_of(result)
    assert "data.ledger" in result.stderr
    assert 'ledger = "ledger.csv"' in result.stderr


def test_bad_ledger_exits_2(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    (workspace / "ledger.csv").write_text(
        "customer_id,date,amount\nA,2024-01-01,lots\n", encoding="utf-8"
    )
    result = run("kpis", "compute", "-w", str(workspace))
    assert result.exit_code == 2, output_of(result)
    assert "ledger.csv:2" in result.stderr
    assert "'lots'" in result.stderr


def test_unknown_segment_field_exits_2(tmp_path: Path) -> None:
    workspace = make_workspace(
        tmp_path, data=DATA_SETTINGS.replace('"segment"', '"region"')
    )
    result = run("kpis", "compute", "-w", str(workspace))
    assert result.exit_code == 2, output_of(result)
    assert "data.segment_field" in result.stderr
    assert "segment" in result.stderr


def test_reserved_segment_value_named(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    (workspace / "customers.csv").write_text(
        CUSTOMERS.replace("C,2023-09-15,ent", "C,2023-09-15,all"), encoding="utf-8"
    )
    result = run("kpis", "compute", "-w", str(workspace))
    assert result.exit_code == 2, output_of(result)
    assert "customers.csv:4" in result.stderr
    assert "reserved segment value" in result.stderr


def test_compute_with_nps_and_rates(tmp_path: Path) -> None:
    data = DATA_SETTINGS + 'nps = "nps.csv"\nfx_rates = "rates.csv"\ncurrency = "USD"\n'
    workspace = make_workspace(tmp_path, data=data)
    (workspace / "ledger.csv").write_text(
        LEDGER.replace("customer_id,date,amount", "customer_id,date,amount,currency")
        .replace(",100\n", ",100,USD\n")
        .replace(",150\n", ",150,USD\n")
        .replace("C,2024-01-01,100,USD", "C,2024-01-01,100,EUR")
        .replace("C,2024-02-01,50\n", "C,2024-02-01,50,EUR\n"),
        encoding="utf-8",
    )
    (workspace / "rates.csv").write_text(
        "currency,month,rate\nEUR,2024-01,2\nEUR,2024-02,3\n", encoding="utf-8"
    )
    (workspace / "nps.csv").write_text(
        "customer_id,responded_at,score\nA,2024-02-03,10\nB,2024-02-09,4\n"
        "C,2024-02-10,9\n",
        encoding="utf-8",
    )
    result = run("kpis", "compute", "-w", str(workspace))
    assert result.exit_code == 0, output_of(result)
    rows = show_json(workspace)
    # C pays 100 EUR, then 50 EUR; both at January's rate of 2: start 100 + 100
    # + 200 + 100 = 500, kept 100 + 150 + 100 = 350, capped 100 + 100 + 100.
    grr = value_of(rows, "customers.gross_revenue_retention", "all", FEBRUARY)
    nrr = value_of(rows, "customers.net_revenue_retention", "all", FEBRUARY)
    assert (grr, nrr) == (Decimal(60), Decimal(70))
    # February NPS: 2 promoters and 1 detractor of 3 responses.
    nps = value_of(rows, "customers.nps_score", "all", FEBRUARY)
    assert abs(nps - Decimal(100) / 3) < Decimal("1e-9")
    smb = value_of(rows, "customers.nps_score", "smb", FEBRUARY)
    assert smb == 0


def test_compute_reads_gzip_inputs(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    assert run("kpis", "compute", "-w", str(workspace)).exit_code == 0
    plain = show_json(workspace)
    nps = "customer_id,responded_at,score\nA,2024-02-03,10\nB,2024-02-09,4\n"
    for name, text in (("ledger", LEDGER), ("customers", CUSTOMERS), ("nps", nps)):
        (workspace / f"{name}.csv.gz").write_bytes(gzip.compress(text.encode()))
    data = DATA_SETTINGS.replace(".csv", ".csv.gz") + 'nps = "nps.csv.gz"\n'
    config = workspace / "boardloop.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace(DATA_SETTINGS.strip(), data.strip()), "utf-8")
    result = run("kpis", "compute", "-w", str(workspace))
    assert result.exit_code == 0, output_of(result)
    rows = show_json(workspace)
    assert [row for row in rows if row["kpi"] != "customers.nps_score"] == plain
    assert value_of(rows, "customers.nps_score", "smb", FEBRUARY) == 0


def test_compute_stores_intervals_and_definitions(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    assert run("kpis", "compute", "-w", str(workspace)).exit_code == 0
    rows = show_json(workspace, "--segment", "all")
    grr = next(
        row
        for row in rows
        if row["kpi"] == "customers.gross_revenue_retention"
        and row["window_days"] is None
    )
    # Resampling four customers with replacement gives a wide interval that
    # spans February's GRR of 62.5 %.
    assert grr["low"] is not None
    assert grr["high"] is not None
    assert Decimal(str(grr["low"])) <= Decimal("62.5") <= Decimal(str(grr["high"]))
    assert "cohort: customers with MRR > 0 in 2024-01, frozen" in str(grr["definition"])
    churn = next(
        row
        for row in rows
        if row["kpi"] == "customers.logo_churn_rate" and row["window_days"] is None
    )
    logo = next(
        row
        for row in rows
        if row["kpi"] == "customers.logo_retention_rate" and row["window_days"] is None
    )
    # Logo churn's interval mirrors logo retention's.
    assert Decimal(str(churn["low"])) == 100 - Decimal(str(logo["high"]))
    counts = [row for row in rows if row["kpi"] == "customers.total_customers"]
    assert all(row["low"] is None for row in counts)


def test_compute_on_postgres_backend(tmp_path: Path) -> None:
    import psycopg

    try:
        psycopg.connect("host=127.0.0.1 user=postgres dbname=test").close()
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL at 127.0.0.1 is unreachable: {error}")
    data = (
        DATA_SETTINGS + '\n[metrics]\nbackend = "postgres://postgres@127.0.0.1/test"\n'
    )
    workspace = make_workspace(tmp_path, data=data)
    result = run("kpis", "compute", "-w", str(workspace))
    assert result.exit_code == 0, output_of(result)
    rows = show_json(workspace)
    grr = "customers.gross_revenue_retention"
    assert value_of(rows, grr, "all", FEBRUARY) == Decimal("62.5")
    assert value_of(rows, "customers.net_revenue_retention", "ent", FEBRUARY) == 25


def test_unreachable_backend_exits_2(tmp_path: Path) -> None:
    data = DATA_SETTINGS + '\n[metrics]\nbackend = "postgres://nobody@127.0.0.1:9/x"\n'
    workspace = make_workspace(tmp_path, data=data)
    result = run("kpis", "compute", "-w", str(workspace))
    assert result.exit_code == 2, output_of(result)
    assert "metrics.backend" in result.stderr
    assert "check the URL" in result.stderr


def test_compute_reports_steps_off_terminal(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    result = run("kpis", "compute", "-w", str(workspace))
    assert result.exit_code == 0, output_of(result)
    # Standard error is not a terminal here: one line per finished series.
    assert "[1/5] retention, fiscal periods, by segment" in result.stderr
    assert "[5/5] retention, 365-day windows, by segment" in result.stderr


def test_compute_notes_rows_and_unmatched(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    (workspace / "customers.csv").write_text(
        CUSTOMERS.replace("D,,ent\n", ""), encoding="utf-8"
    )
    result = run("kpis", "compute", "-w", str(workspace))
    assert result.exit_code == 0, output_of(result)
    assert "7 rows read, 0 one-time rows excluded" in result.stderr
    assert "1 ledger customers have no row in" in result.stderr
    assert "(D); they count in segment 'unknown'" in result.stderr
    rows = show_json(workspace, "--segment", "unknown")
    assert {row["n"] for row in rows} == {1}


def test_cli_start_does_not_import_ibis() -> None:
    code = "import sys; import boardloop.cli.main; print('ibis' in sys.modules)"
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "False"


def test_recompute_removes_values_no_longer_computed(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    assert run("kpis", "compute", "-w", str(workspace)).exit_code == 0
    before = show_json(workspace)
    assert any(row["window_days"] == 30 for row in before)
    # Only the fiscal quarters now: February's monthly and 30-day values go.
    config = workspace / "boardloop.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + "\n[metrics]\nwindows = [90]\n",
        encoding="utf-8",
    )
    result = run("kpis", "compute", "-w", str(workspace), "--grain", "quarter")
    assert result.exit_code == 0, output_of(result)
    assert show_json(workspace) == []


def test_recompute_keeps_imported_values(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    (workspace / "typed.csv").write_text(
        "kpi,segment,period_end,value\ncustomers.nps_score,all,2024-02-29,41\n",
        encoding="utf-8",
    )
    assert (
        run("import", "-w", str(workspace), str(workspace / "typed.csv")).exit_code == 0
    )
    assert run("kpis", "compute", "-w", str(workspace)).exit_code == 0
    rows = show_json(workspace, "--kpi", "customers.nps_score")
    assert [row["value"] for row in rows] == ["41"]


def test_missing_ledger_file_names_key(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    (workspace / "ledger.csv").unlink()
    result = run("kpis", "compute", "-w", str(workspace))
    assert result.exit_code == 2, output_of(result)
    assert "data.ledger" in result.stderr
    assert "no file" in result.stderr


def test_empty_ledger_exits_2_and_keeps_values(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    assert run("kpis", "compute", "-w", str(workspace)).exit_code == 0
    before = show_json(workspace)
    (workspace / "ledger.csv").write_text("customer_id,date,amount\n", encoding="utf-8")
    result = run("kpis", "compute", "-w", str(workspace))
    assert result.exit_code == 2, output_of(result)
    assert "empty ledger" in result.stderr
    assert show_json(workspace) == before


def test_empty_nps_file_computes_no_nps(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, data=DATA_SETTINGS + 'nps = "nps.csv"\n')
    (workspace / "nps.csv").write_text(
        "customer_id,responded_at,score\n", encoding="utf-8"
    )
    result = run("kpis", "compute", "-w", str(workspace))
    assert result.exit_code == 0, output_of(result)
    assert show_json(workspace, "--kpi", "customers.nps_score") == []


def test_show_accepts_alias_and_segment_case(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    assert run("kpis", "compute", "-w", str(workspace)).exit_code == 0
    rows = show_json(workspace, "--kpi", "GRR", "--segment", "SMB")
    assert {row["kpi"] for row in rows} == {"customers.gross_revenue_retention"}
    assert {row["segment"] for row in rows} == {"smb"}


def test_show_unknown_kpi_exits_2(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    assert run("kpis", "compute", "-w", str(workspace)).exit_code == 0
    for output_format in ("text", "json"):
        result = run(
            "kpis",
            "show",
            "-w",
            str(workspace),
            "--kpi",
            "logo_churn",
            "--format",
            output_format,
        )
        assert result.exit_code == 2, output_of(result)
        assert result.stdout == ""
        assert "unknown KPI 'logo_churn'" in result.stderr
        assert "did you mean 'logo churn' (customers.logo_churn_rate)?" in (
            result.stderr
        )
        assert "customers.gross_revenue_retention (GRR)" in result.stderr
        assert "no KPI values stored" not in result.stderr


def test_show_unknown_segment_exits_2(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    assert run("kpis", "compute", "-w", str(workspace)).exit_code == 0
    result = run("kpis", "show", "-w", str(workspace), "--segment", "Midmarket")
    assert result.exit_code == 2, output_of(result)
    assert "unknown segment 'Midmarket'" in result.stderr
    assert "did you mean" not in result.stderr
    assert "segments with stored values: all, ent, smb" in result.stderr
    close = run("kpis", "show", "-w", str(workspace), "--segment", "enterprise")
    assert close.exit_code == 2, output_of(close)
    assert "did you mean 'ent'?" in close.stderr


def test_show_kpi_without_values_named(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    assert run("kpis", "compute", "-w", str(workspace)).exit_code == 0
    result = run("kpis", "show", "-w", str(workspace), "--kpi", "NPS")
    assert result.exit_code == 0, output_of(result)
    assert result.stdout == ""
    assert "no values stored for customers.nps_score" in result.stderr
    assert (
        "KPIs with stored values: customers.churned_revenue (Churned ARR)"
        in result.stderr
    )


def test_show_segment_missing_for_kpi(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    (workspace / "values.csv").write_text(
        "kpi,segment,period_end,value,n\nNPS,emea,2024-02-29,41,50\n",
        encoding="utf-8",
    )
    imported = run("import", "-w", str(workspace), str(workspace / "values.csv"))
    assert imported.exit_code == 0, output_of(imported)
    assert run("kpis", "compute", "-w", str(workspace)).exit_code == 0
    result = run(
        "kpis", "show", "-w", str(workspace), "--kpi", "GRR", "--segment", "EMEA"
    )
    assert result.exit_code == 0, output_of(result)
    assert "no values stored for customers.gross_revenue_retention in segment" in (
        result.stderr
    )
    assert (
        "segments with values of customers.gross_revenue_retention: all, ent, smb"
        in result.stderr
    )


def test_show_empty_store_hints_compute(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    result = run("kpis", "show", "-w", str(workspace), "--segment", "smb")
    assert result.exit_code == 0, output_of(result)
    assert "no KPI values stored; run boardloop kpis compute" in result.stderr
    unknown = run("kpis", "show", "-w", str(workspace), "--kpi", "logo_churn")
    assert unknown.exit_code == 2, output_of(unknown)
    assert "KPIs with stored values" not in unknown.stderr
