"""Generate a large, realistic register and KPI value file for benchmarks.

Usage: python bench/generate.py OUT_DIR [--initiatives 1000] [--years 5] [--seed 7]

Writes OUT_DIR/boardloop.toml, OUT_DIR/initiatives.yaml and OUT_DIR/kpi_values.csv.
Initiatives have mostly distinct names, owners, targets with a window,
baselines, checkpoints and history, spread over three fiscal years. So that lint
has work to do, one initiative in six has a team as owner, one in six a target
of 'TBD', and one in six, when open, no next checkpoint. The same seed always
writes the same files.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import random
from pathlib import Path

__all__ = ["BOARD_DATE", "generate", "initiative_yaml", "kpi_rows", "month_ends"]

# The date the generated workspace is judged at, so runs compare across days.
BOARD_DATE = dt.date(2026, 11, 16)
SINCE = dt.date(2026, 8, 17)

CODENAMES = (
    "Kestrel",
    "Heron",
    "Osprey",
    "Lark",
    "Wren",
    "Finch",
    "Plover",
    "Tern",
    "Merlin",
    "Avocet",
    "Bittern",
    "Curlew",
    "Dunlin",
    "Egret",
    "Gannet",
    "Hobby",
    "Ibis",
    "Jackdaw",
    "Kittiwake",
    "Linnet",
    "Magpie",
    "Nightjar",
    "Oriole",
    "Puffin",
    "Quail",
    "Redstart",
    "Siskin",
    "Twite",
    "Vireo",
    "Warbler",
    "Yellowhammer",
    "Stonechat",
    "Alder",
    "Birch",
    "Cedar",
    "Hazel",
    "Juniper",
    "Larch",
    "Maple",
    "Rowan",
    "Spruce",
    "Willow",
    "Yew",
    "Aspen",
    "Beech",
    "Cypress",
    "Elm",
    "Fir",
    "Hawthorn",
    "Linden",
    "Oak",
    "Pine",
    "Poplar",
    "Sequoia",
    "Sycamore",
    "Walnut",
    "Acacia",
    "Baobab",
    "Cork",
    "Olive",
)
# Program -> the names its initiatives go by.
PROGRAMS = {
    "onboarding": ("onboarding revamp", "first-90-days plan", "setup concierge"),
    "health-score model": ("health-score retrain", "risk alerts", "usage signals"),
    "success plans": ("success-plan rollout", "outcome reviews", "value realisation"),
    "expansion playbook": ("expansion playbook", "seat-growth offers", "upsell motion"),
    "advocacy": ("customer advisory board", "reference programme", "community"),
    "business-review cadence": ("quarterly business reviews", "executive sponsors"),
}
TIERS = ("SMB", "Mid-market", "Enterprise")
REGIONS = ("EMEA", "North America", "APAC", "LATAM")
SEGMENTS = tuple(f"{tier} {region}" for tier in TIERS for region in REGIONS)
# KPI alias -> (starting value, monthly noise, unit of change, direction word)
KPIS = {
    "GRR": (88.0, 0.4, "pp", "increase"),
    "NRR": (104.0, 0.6, "pp", "increase"),
    "logo churn": (2.2, 0.1, "pp", "reduce"),
    "NPS": (38.0, 1.5, "pts", "increase"),
}
STATUSES = ("planned", "in-progress", "launched", "measuring", "closed")
FIRST_NAMES = (
    "Maya",
    "Jonas",
    "Priya",
    "Luis",
    "Aisha",
    "Tom",
    "Ines",
    "Kenji",
    "Dana",
    "Sam",
    "Noor",
    "Erik",
    "Chloe",
    "Tariq",
    "Lena",
    "Marco",
)
LAST_NAMES = (
    "Okafor",
    "Lindqvist",
    "Raman",
    "Ortega",
    "Bello",
    "Becker",
    "Silva",
    "Reyes",
    "Ortiz",
    "Nakamura",
    "Haddad",
    "Novak",
    "Dubois",
    "Mensah",
)
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
    start_value, _noise, unit, verb = KPIS[kpi]
    segment = rng.choice(SEGMENTS)
    program = rng.choice(list(PROGRAMS))
    name = f"{rng.choice(CODENAMES)} {rng.choice(PROGRAMS[program])} for {segment}"
    status = rng.choice(STATUSES)
    person = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    amount = rng.choice((1, 2, 3, 5))
    window = rng.choice((90, 180, 365))
    deadline = f"Q{rng.randint(1, 4)} FY{rng.randint(27, 28)}"
    target = f"{verb} {kpi} by {amount}{unit} for {segment} ({window}-day)"
    target += f" by {deadline}"
    created = dt.date(2025, 6, 2) + dt.timedelta(days=rng.randint(0, 300))
    launched = created + dt.timedelta(days=rng.randint(14, 120))

    # Deliberate flaws: a team as owner, a target with no number, no checkpoint.
    flaw = index % 6
    if flaw == 1:
        person = "CS team"
    elif flaw == 2:
        target = "TBD"

    lines = [
        f"  - id: init-{index:05d}",
        f"    name: {name}",
        f"    program: {program}",
        f"    owner: {person} ({rng.choice(FUNCTIONS)})",
        f"    target: {target}",
        f"    status: {status}",
        f"    created_on: {created.isoformat()}",
    ]
    if status != "planned":
        lines += launch_lines(kpi, start_value, launched, rng)
    if status == "closed":
        lines += outcome_lines(amount, unit, launched, rng)
    elif flaw != 3:
        checkpoint = BOARD_DATE + dt.timedelta(days=rng.randint(-20, 70))
        lines.append(f"    next_checkpoint: {checkpoint.isoformat()}")
    if rng.random() < 0.5:
        lines.append(
            f"    notes: Attribution of {kpi} movement for {segment} is split with "
            "the other programs by customer count."
        )
    return "\n".join(lines)


def launch_lines(
    kpi: str, start_value: float, launched: dt.date, rng: random.Random
) -> list[str]:
    """Return the launch date, baseline, a past checkpoint and the launch event."""
    review = min(launched + dt.timedelta(days=rng.randint(20, 60)), BOARD_DATE)
    baseline = start_value + rng.uniform(-1.0, 1.0)
    return [
        f"    launched_on: {launched.isoformat()}",
        f"    baseline: {{value: {baseline:.1f}, as_of: {launched.isoformat()}, "
        "source: warehouse}",
        "    checkpoints:",
        f"      - {{on: {review.isoformat()}, note: first {kpi} read after launch}}",
        "    history:",
        f"      - at: {launched.isoformat()}T09:00:00",
        "        actor: benchmark",
        "        kind: status",
        "        changes: {status: [planned, in-progress]}",
        "        reason: kickoff",
    ]


def outcome_lines(
    amount: int, unit: str, launched: dt.date, rng: random.Random
) -> list[str]:
    """Return the outcome of a closed initiative."""
    result = rng.choice(("achieved", "missed", "partially-achieved"))
    closed = min(launched + dt.timedelta(days=rng.randint(120, 400)), BOARD_DATE)
    return [
        "    outcome:",
        f"      result: {result}",
        f"      actual_movement: {rng.uniform(-1, amount + 1):.1f}",
        f"      actual_unit: {unit}",
        f"      closed_on: {closed.isoformat()}",
        "      lesson: The cohort moved less than planned because renewals slipped.",
    ]


def kpi_rows(years: int, rng: random.Random) -> list[str]:
    """Return monthly KPI value rows for every KPI and segment up to the board date."""
    rows = []
    first = dt.date(BOARD_DATE.year - years, BOARD_DATE.month, 1)
    ends = month_ends(first, years * 12)
    for kpi, (start, noise, _unit, _verb) in KPIS.items():
        for segment in (*SEGMENTS, "all"):
            value = start
            for end in ends:
                value += rng.gauss(0, noise / 4)
                reported = value + rng.gauss(0, noise)
                n = rng.randint(40, 400)
                rows.append(f"{kpi},{segment},{end.isoformat()},{reported:.2f},{n}")
    return rows


def generate(
    out: Path, *, initiatives: int = 1000, years: int = 5, seed: int = 7
) -> int:
    """Write a workspace's settings, register and KPI values; return the value count."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "boardloop.toml").write_text(
        '[company]\nname = "Benchmark Co"\n\n'
        '[fiscal]\nstart_month = 2\nnaming = "end"\n\n'
        '[data]\ninitiatives = ["initiatives.yaml"]\n'
        'kpi_values = ["kpi_values.csv"]\n\n'
        f"[report]\nboard_date = {BOARD_DATE.isoformat()}\n"
        f"since = {SINCE.isoformat()}\n",
        encoding="utf-8",
    )
    items = [initiative_yaml(index, rng) for index in range(initiatives)]
    (out / "initiatives.yaml").write_text(
        "initiatives:\n" + "\n".join(items) + "\n", encoding="utf-8"
    )
    rows = kpi_rows(years, rng)
    (out / "kpi_values.csv").write_text(
        "kpi,segment,period_end,value,n\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--initiatives", type=int, default=1000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    count = generate(
        options.out_dir,
        initiatives=options.initiatives,
        years=options.years,
        seed=options.seed,
    )
    print(
        f"wrote {options.initiatives} initiatives and {count} KPI values "
        f"to {options.out_dir}"
    )


if __name__ == "__main__":
    main()
