"""Generate a large, realistic register and KPI value file for benchmarks.

Usage: python bench/generate.py OUT_DIR [--initiatives 1000] [--years 5] [--seed 7]

Writes OUT_DIR/boardloop.toml, OUT_DIR/initiatives.yaml and OUT_DIR/kpi_values.csv.
About one initiative in six carries a deliberate flaw so lint has work to do.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import random
from pathlib import Path

PROGRAMS = (
    "onboarding",
    "health-score model",
    "success plans",
    "expansion playbook",
    "advocacy",
    "business-review cadence",
)
SEGMENTS = ("SMB", "Mid-market", "Enterprise")
KPIS = {
    "GRR": (88.0, 0.4, "pp"),
    "NRR": (104.0, 0.6, "pp"),
    "logo churn": (2.2, 0.1, "pp"),
    "NPS": (38.0, 1.5, "pts"),
}
STATUSES = ("planned", "in-progress", "launched", "measuring", "closed")
FIRST_NAMES = ("Maya", "Jonas", "Priya", "Luis", "Aisha", "Tom", "Ines", "Kenji")
LAST_NAMES = ("Okafor", "Lindqvist", "Raman", "Ortega", "Bello", "Becker", "Silva")
FUNCTIONS = ("Customer Success", "CS Operations", "Sales", "Marketing", "Support")


def month_ends(first: dt.date, count: int) -> list[dt.date]:
    """Return `count` consecutive month-end dates starting with `first`'s month."""
    ends = []
    year, month = first.year, first.month
    for _ in range(count):
        ends.append(dt.date(year, month, calendar.monthrange(year, month)[1]))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return ends


def initiative_yaml(index: int, rng: random.Random) -> str:
    """Return one initiative as a YAML list item."""
    kpi = rng.choice(list(KPIS))
    segment = rng.choice(SEGMENTS)
    status = rng.choice(STATUSES)
    person = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    function = rng.choice(FUNCTIONS)
    unit = KPIS[kpi][2]
    amount = rng.choice((1, 2, 3, 5))
    verb = "reduce" if kpi == "logo churn" else "increase"
    quarter = rng.randint(1, 4)
    target = f"{verb} {kpi} by {amount}{unit} for {segment} by Q{quarter} FY27"
    flaw = index % 6
    if flaw == 1:
        person = "CS team"
    elif flaw == 2:
        target = "TBD"
    lines = [
        f"  - id: init-{index:05d}",
        f"    name: {rng.choice(PROGRAMS).capitalize()} initiative {index}",
        f"    program: {rng.choice(PROGRAMS)}",
        f"    owner: {person} ({function})",
        f"    target: {target}",
        f"    status: {status}",
        "    created_on: 2026-01-05",
    ]
    if status != "planned":
        lines.append("    launched_on: 2026-03-02")
    if status == "closed":
        result = rng.choice(("achieved", "missed", "partially-achieved"))
        lines += [
            "    outcome:",
            f"      result: {result}",
            f"      actual_movement: {rng.uniform(-1, amount + 1):.1f}",
            f"      actual_unit: {unit}",
            "      closed_on: 2026-09-30",
            "      lesson: The cohort moved less than planned because renewals slipped.",
        ]
    elif flaw != 3:
        lines.append(f"    next_checkpoint: 2026-{rng.randint(10, 12)}-{rng.randint(1, 28):02d}")
    return "\n".join(lines)


def kpi_rows(years: int, rng: random.Random) -> list[str]:
    """Return monthly KPI value rows for every KPI and segment."""
    rows = []
    ends = month_ends(dt.date(2026 - years, 11, 1), years * 12)
    for kpi, (start, noise, _unit) in KPIS.items():
        for segment in (*SEGMENTS, "all"):
            value = start
            for end in ends:
                value += rng.gauss(0, noise / 4)
                shown = value + rng.gauss(0, noise)
                rows.append(f"{kpi},{segment},{end.isoformat()},{shown:.2f},{rng.randint(40, 400)}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--initiatives", type=int, default=1000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()

    rng = random.Random(options.seed)
    out: Path = options.out_dir
    out.mkdir(parents=True, exist_ok=True)
    (out / "boardloop.toml").write_text(
        '[company]\nname = "Benchmark Co"\n\n[fiscal]\nstart_month = 2\nnaming = "end"\n\n'
        '[data]\ninitiatives = ["initiatives.yaml"]\nkpi_values = ["kpi_values.csv"]\n',
        encoding="utf-8",
    )
    items = [initiative_yaml(index, rng) for index in range(options.initiatives)]
    (out / "initiatives.yaml").write_text(
        "initiatives:\n" + "\n".join(items) + "\n", encoding="utf-8"
    )
    rows = kpi_rows(options.years, rng)
    (out / "kpi_values.csv").write_text(
        "kpi,segment,period_end,value,n\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    print(f"wrote {options.initiatives} initiatives and {len(rows)} KPI values to {out}")


if __name__ == "__main__":
    main()
