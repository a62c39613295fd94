"""KPI value intervals and definitions: the model's checks, import and kpis show."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from boardloop.cli.main import format_kpi_table, kpi_value_to_json, main
from boardloop.domain.model import KpiValue

MARCH = dt.date(2026, 3, 31)
GRR = "customers.gross_revenue_retention"
NPS = "customers.nps_score"

VALUES_CSV = """\
kpi,segment,period_end,value,n,window_days,low,high,definition
GRR,SMB,2026-03-31,93.0%,420,90,91.25%,94.6%,"90-day window, revenue basis"
GRR,SMB,2026-03-31,91.5,420,,,,
NPS,all,2026-03-31,-4.2,180,,-12.3,5.1,Adjusted Wald
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def output_of(result: Result) -> str:
    return (
        f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )


def grr(
    low: Decimal | None = None,
    high: Decimal | None = None,
    definition: str | None = None,
) -> KpiValue:
    return KpiValue(
        GRR,
        "SMB",
        MARCH,
        Decimal("91.5"),
        420,
        low=low,
        high=high,
        definition=definition,
    )


# --- the model ----------------------------------------------------------------------


def test_kpi_value_fields_default_to_none() -> None:
    value = KpiValue(GRR, "SMB", MARCH, Decimal("91.5"), 420, None, 90)
    assert value.window_days == 90
    assert (value.low, value.high, value.definition) == (None, None, None)


@pytest.mark.parametrize(
    ("low", "high", "message"),
    [
        (Decimal("89.2"), None, "only one bound"),
        (None, Decimal("93.1"), "only one bound"),
        (Decimal("93.1"), Decimal("89.2"), "low bound 93.1 is above its high"),
        (Decimal("NaN"), Decimal("93.1"), "not a finite number"),
        (Decimal("89.2"), Decimal("Infinity"), "not a finite number"),
    ],
)
def test_kpi_value_rejects_bad_interval(
    low: Decimal | None, high: Decimal | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message) as error:
        grr(low=low, high=high)
    assert f"{GRR!r} for 'SMB' at 2026-03-31" in str(error.value)


def test_kpi_value_interval_may_exclude_value() -> None:
    value = grr(low=Decimal("92"), high=Decimal("94"))
    assert (value.low, value.high) == (Decimal("92"), Decimal("94"))
    same = grr(low=Decimal("91.5"), high=Decimal("91.5"))
    assert same.low == same.high


# --- rendering ----------------------------------------------------------------------


def test_json_has_interval_and_definition() -> None:
    value = grr(low=Decimal("89.20"), high=Decimal("93.10"), definition="TTM")
    row = kpi_value_to_json(value)
    assert row["low"] == "89.20"
    assert row["high"] == "93.10"
    assert row["definition"] == "TTM"


def test_json_interval_null_when_absent() -> None:
    row = kpi_value_to_json(grr())
    assert row["low"] is None
    assert row["high"] is None
    assert row["definition"] is None


def test_table_interval_column() -> None:
    table = format_kpi_table(
        [
            grr(low=Decimal("89.204"), high=Decimal("93.1")),
            grr(),
            KpiValue(
                NPS,
                "all",
                MARCH,
                Decimal("-4.2"),
                low=Decimal("-12.3"),
                high=Decimal(5),
            ),
        ]
    )
    header, with_interval, without, nps = table.splitlines()
    start = header.index("95% interval")
    assert with_interval[start:].split()[0] == "89.20-93.10"
    assert without[start:].split() == ["420"]
    assert nps[start:].split() == ["-12.30-5.00"]


# --- import and kpis show -----------------------------------------------------------


def imported_workspace(tmp_path: Path) -> Path:
    """Create a workspace and import VALUES_CSV into it."""
    workspace = tmp_path / "acme"
    result = run("init", str(workspace), "--company", "Acme Ltd")
    assert result.exit_code == 0, output_of(result)
    path = tmp_path / "values.csv"
    path.write_text(VALUES_CSV, encoding="utf-8")
    result = run("import", str(path), "-w", str(workspace))
    assert result.exit_code == 0, output_of(result)
    assert "3 KPI values stored" in result.stderr
    return workspace


def test_show_json_after_import(tmp_path: Path) -> None:
    workspace = imported_workspace(tmp_path)

    result = run("kpis", "show", "-w", str(workspace), "--format", "json")

    assert result.exit_code == 0, output_of(result)
    rows = {(row["kpi"], row["window_days"]): row for row in json.loads(result.stdout)}
    windowed = rows[(GRR, 90)]
    assert (windowed["value"], windowed["low"], windowed["high"]) == (
        "93.0",
        "91.25",
        "94.6",
    )
    assert windowed["definition"] == "90-day window, revenue basis"
    plain = rows[(GRR, None)]
    assert (plain["low"], plain["high"], plain["definition"]) == (None, None, None)
    nps = rows[(NPS, None)]
    assert (nps["low"], nps["high"], nps["definition"]) == (
        "-12.3",
        "5.1",
        "Adjusted Wald",
    )


def test_show_table_after_import(tmp_path: Path) -> None:
    workspace = imported_workspace(tmp_path)

    result = run("kpis", "show", "-w", str(workspace))

    assert result.exit_code == 0, output_of(result)
    lines = result.stdout.splitlines()
    assert re.split(r" {2,}", lines[0])[4:6] == ["value", "95% interval"]
    start = lines[0].index("95% interval")
    windowed = [line for line in lines if line.startswith(GRR) and " 90d " in line]
    plain = [line for line in lines if line.startswith(GRR) and " 90d " not in line]
    nps = [line for line in lines if line.startswith(NPS)]
    assert [line[start:].split() for line in windowed] == [["91.25-94.60", "420"]]
    assert [line[start:].split() for line in plain] == [["420"]]
    assert [line[start:].split() for line in nps] == [["-12.30-5.10", "180"]]
