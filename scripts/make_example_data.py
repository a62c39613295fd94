"""Generate the raw data of the example company Tallyfern Software.

Usage: python scripts/make_example_data.py [--out DIR] [--check]

Writes ledger.csv, customers.csv and nps.csv into
src/boardloop/examples/tallyfern/ (or DIR). The same seed always writes the
same bytes. `--check` then prints, per segment and month end, the KPIs that
boardloop's metrics engine computes from the written files.

What the simulation models, month by month up to 2026-10, the last full month
before the board meeting of 2026-11-16:

- Three segments that pay per seat in USD. SMB accounts pay monthly.
  Mid-market accounts pay monthly or, three in ten, on yearly plans.
  Enterprise accounts mostly hold yearly platform contracts and also pay
  monthly for metered usage, which grows and varies from bill to bill.
- Monthly accounts add and remove seats now and then. Yearly plans are billed
  12 times their monthly amount at each renewal, where the seats change;
  Enterprise renewals expand on average. An account on a yearly plan in
  2024-02 gets an opening charge for the rest of its contract ("7 months"),
  so the ledger starts in 2024-02.
- New SMB accounts either activate or stall during onboarding. Stalled ones
  soon cut most of their seats and churn more often later. From 2026-01-05 an
  in-app setup checklist halves early churn for the four in ten accounts that
  finish it. From 2026-03-02 the onboarding revamp raises the share of new SMB
  accounts that activate from 30 % to 90 %, so SMB GRR rises from mid-2026.
- Nothing changes for Mid-market when the renewal-risk desk opens in 2026-02.
- Accounts churn; a few come back months later under the same customer id.
  Forty SMB accounts move to yearly plans in 2026-07 and 2026-08.
- Mid-market and Enterprise accounts pay a one-time onboarding fee at signup.
- NPS: about 30, 15 and 9 responses a month from SMB, Mid-market and
  Enterprise accounts billed that month. Enterprise NPS drifts up from 34 to 39.

The simulation starts WARM_UP months before 2024-02 so that account ages and
sizes are settled when the ledger begins. Churn, seat cuts and seat additions
use systematic sampling: each account has its own monthly chance, and the
number of events in a segment stays within one of the expected number. So the
segment KPIs follow the model rather than the luck of the draw. SEED was
picked among seeds 1 to 1,400 as one whose remaining noise does not blur the
story: flat SMB GRR before the revamp and a rise after it, a small SMB churn
cut after the checklist, flat Mid-market GRR, Enterprise 6-month NRR near 109.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

__all__ = ["SEED", "Account", "Charge", "Response", "generate", "main"]

SEED = 915
EXAMPLE_DIR = (
    Path(__file__).resolve().parents[1] / "src" / "boardloop" / "examples" / "tallyfern"
)

FIRST_MONTH = date(2024, 2, 1)
MONTHS = 33  # 2024-02 to 2026-10, the last full month before the board date
WARM_UP = 36
CHECKLIST_FROM = date(2026, 1, 5)
REVAMP_FROM = date(2026, 3, 2)
ANNUAL_SWITCH_MONTHS = (date(2026, 7, 1), date(2026, 8, 1))
ANNUAL_SWITCH_ACCOUNTS = 40

REGIONS = (("North America", 0.55), ("EMEA", 0.3), ("APAC", 0.15))


@dataclass(frozen=True)
class SegmentModel:
    """Parameters of one segment's accounts; rates are chances per month.

    `expansion` and `contraction` are the monthly chances that an account on a
    monthly plan adds or removes `seat_step` of its seats. The chance to expand
    falls to zero as the account nears `seat_cap` seats. Yearly plans change
    seats only at renewal, by a log-normal factor. `comeback` is the share of
    leavers that return 2 to 12 months later.
    """

    name: str
    initial_accounts: int
    arrivals: float
    seats: tuple[int, int]
    seat_price: int
    yearly_share: float
    churn: float
    renewal_churn: float
    expansion: float
    contraction: float
    seat_step: float
    seat_cap: int
    renewal_uplift: float
    renewal_sd: float
    onboarding_fee: int
    comeback: float


SMB = SegmentModel(
    name="SMB",
    initial_accounts=700,
    arrivals=17.0,
    seats=(4, 20),
    seat_price=15,
    yearly_share=0.0,
    churn=0.022,
    renewal_churn=0.0,
    expansion=0.2,
    contraction=0.05,
    seat_step=0.3,
    seat_cap=60,
    renewal_uplift=0.0,
    renewal_sd=0.0,
    onboarding_fee=0,
    comeback=0.1,
)
MID_MARKET = SegmentModel(
    name="Mid-market",
    initial_accounts=250,
    arrivals=2.6,
    seats=(15, 120),
    seat_price=32,
    yearly_share=0.3,
    churn=0.008,
    renewal_churn=0.09,
    expansion=0.18,
    contraction=0.07,
    seat_step=0.3,
    seat_cap=300,
    renewal_uplift=0.06,
    renewal_sd=0.15,
    onboarding_fee=1500,
    comeback=0.05,
)
ENTERPRISE = SegmentModel(
    name="Enterprise",
    initial_accounts=44,
    arrivals=0.28,
    seats=(200, 1500),
    seat_price=38,
    yearly_share=0.85,
    churn=0.006,
    renewal_churn=0.07,
    expansion=0.04,
    contraction=0.02,
    seat_step=0.12,
    seat_cap=5000,
    renewal_uplift=0.25,
    renewal_sd=0.2,
    onboarding_fee=12000,
    comeback=0.0,
)
SEGMENTS = (SMB, MID_MARKET, ENTERPRISE)

# Enterprise metered usage: its monthly amount as a share of the platform
# fee at signup, its monthly growth and the log-normal spread of each bill.
USAGE_SHARE = 0.35
USAGE_GROWTH = 0.02
USAGE_SD = 0.2

# SMB onboarding. A new account activates with ACTIVATION, or with
# ACTIVATION_REVAMP from the revamp on. In each of its first three months a
# stalled account that has not cut yet cuts its seats to a fifth (STALLED_CUT)
# with chance STALLED_DOWNGRADE. From its fourth to its eleventh month it
# churns with STALLED_CHURN more a month. Accounts that finish the setup
# checklist churn half as often in their first six months.
ACTIVATION = 0.3
ACTIVATION_REVAMP = 0.9
STALLED_DOWNGRADE = 0.5
STALLED_CHURN = 0.08
STALLED_CHURN_AGES = range(4, 12)
STALLED_CUT = 5
CHECKLIST_FINISH = 0.4

# NPS: responses per month, and promoter and detractor shares in 2024-02 and
# in 2026-10 (linear in between).
NPS_RESPONSES = {"SMB": 30, "Mid-market": 15, "Enterprise": 9}
NPS_SHARES = {
    "SMB": ((0.53, 0.13), (0.53, 0.13)),
    "Mid-market": ((0.55, 0.13), (0.55, 0.13)),
    "Enterprise": ((0.47, 0.13), (0.51, 0.12)),
}


@dataclass(frozen=True)
class Charge:
    """One ledger row of an account; `subscription` is the id's suffix."""

    day: date
    amount: int
    plan_interval: str
    subscription: str
    one_time: bool = False


@dataclass
class Account:
    """One customer and its state in the month being simulated."""

    model: SegmentModel
    serial: int
    region: str
    acquired_on: date
    yearly: bool
    seats: int
    activated: bool = True
    downgraded: bool = False
    finished_checklist: bool = False
    active: bool = True
    left_at: int | None = None
    returns_at: int | None = None
    renewal_month: int = 0
    contract_charged: bool = False
    subscriptions: int = 1
    usage: float = 0.0
    customer_id: str = ""
    charges: list[Charge] = field(default_factory=list)
    billed_months: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Response:
    """One NPS survey response."""

    account: Account
    day: date
    score: int


def month_start(index: int) -> date:
    """Return the first day of month `index`, counted from FIRST_MONTH."""
    year, month = divmod(FIRST_MONTH.month - 1 + index, 12)
    return date(FIRST_MONTH.year + year, month + 1, 1)


def month_index(day: date) -> int:
    """Return the number of months from FIRST_MONTH to the month of `day`."""
    return (day.year - FIRST_MONTH.year) * 12 + day.month - FIRST_MONTH.month


class SegmentSimulation:
    """One segment's accounts, advanced one month at a time with its own draws."""

    def __init__(self, model: SegmentModel, seed: int) -> None:
        self.model = model
        self.rng = random.Random(f"{seed}:{model.name}")
        self.accounts: list[Account] = []
        self.positions = {kind: self.rng.random() for kind in EVENTS}
        self.arrival_carry = self.rng.random()

    def run(self) -> list[Account]:
        """Simulate from WARM_UP months before 2024-02; return accounts with charges.

        The months before 2024-02 bring sizes, ages and onboarding outcomes to
        a steady mix and write no charges.
        """
        for _ in range(self.model.initial_accounts):
            age = 1 + int(self.rng.expovariate(1 / 24))
            self.open_account(self.random_day(month_start(-WARM_UP - age)))
        for index in range(-WARM_UP, MONTHS):
            self.step(index)
        return [account for account in self.accounts if account.charges]

    def step(self, index: int) -> None:
        month = month_start(index)
        if index > -WARM_UP:
            self.draw_comebacks(index)
            for account in self.pick("churn", index):
                account.active = False
                account.left_at = index
                if self.rng.random() < self.model.comeback:
                    account.returns_at = index + self.rng.randint(2, 12)
            for account in self.pick("contraction", index):
                self.resize(account, -1)
            for account in self.pick("expansion", index):
                self.resize(account, 1)
        for _ in range(self.arrivals()):
            self.open_account(self.random_day(month))
        if month in ANNUAL_SWITCH_MONTHS and self.model is SMB:
            self.switch_to_yearly(index)
        for account in self.accounts:
            if account.active:
                self.bill(account, index)

    # --- accounts -----------------------------------------------------------------

    def open_account(self, acquired: date) -> None:
        model = self.model
        low, high = model.seats
        seats = round(math.exp(self.rng.uniform(math.log(low), math.log(high))))
        account = Account(
            model=model,
            serial=len(self.accounts),
            region=self.pick_region(),
            acquired_on=acquired,
            yearly=self.rng.random() < model.yearly_share,
            seats=seats,
            renewal_month=month_index(acquired) % 12,
        )
        if model is SMB:
            activation = ACTIVATION_REVAMP if acquired >= REVAMP_FROM else ACTIVATION
            account.activated = self.rng.random() < activation
            finishes = self.rng.random() < CHECKLIST_FINISH
            account.finished_checklist = acquired >= CHECKLIST_FROM and finishes
        if model is ENTERPRISE:
            account.usage = USAGE_SHARE * seats * model.seat_price
        if acquired >= FIRST_MONTH and model.onboarding_fee:
            fee = Charge(acquired, model.onboarding_fee, "", "onboarding", True)
            account.charges.append(fee)
        self.accounts.append(account)

    def pick(self, event: str, index: int) -> list[Account]:
        """Pick the accounts that `event` happens to in month `index`.

        Systematic sampling over the accounts ordered by chance, then size: each
        account is picked with its own chance, and the picks spread evenly over
        the kinds and sizes of account.
        """
        candidates = [a for a in self.accounts if a.active]
        self.rng.shuffle(candidates)
        chances = {id(a): event_probability(event, a, index) for a in candidates}
        candidates.sort(key=lambda a: (chances[id(a)], a.seats))
        position = self.positions[event]
        picked = []
        for account in candidates:
            before = position
            position += chances[id(account)]
            if math.floor(position) > math.floor(before):
                picked.append(account)
        self.positions[event] = position % 1
        return picked

    def resize(self, account: Account, direction: int) -> None:
        """Add or remove seats; a stalled SMB account's first cut leaves a fifth."""
        if direction < 0 and not account.activated and not account.downgraded:
            account.downgraded = True
            account.seats = max(1, account.seats // STALLED_CUT)
            return
        step = account.seats * self.model.seat_step
        account.seats = max(1, account.seats + direction * max(1, round(step)))

    def draw_comebacks(self, index: int) -> None:
        for account in self.accounts:
            if account.active or account.returns_at != index:
                continue
            account.active = True
            account.left_at = None
            account.yearly = False
            account.contract_charged = False
            account.subscriptions += 1
            account.seats = max(1, account.seats * 2 // 3)

    def switch_to_yearly(self, index: int) -> None:
        """Move settled SMB accounts from monthly to yearly plans."""
        settled = [
            account
            for account in self.accounts
            if account.active
            and not account.yearly
            and account.activated
            and index - month_index(account.acquired_on) >= 6
        ]
        for account in self.rng.sample(settled, ANNUAL_SWITCH_ACCOUNTS // 2):
            account.yearly = True
            account.contract_charged = False
            account.subscriptions += 1
            account.renewal_month = index % 12

    # --- billing ------------------------------------------------------------------

    def bill(self, account: Account, index: int) -> None:
        """Charge `account` for month `index`; before 2024-02 only its state moves."""
        model = account.model
        if index >= 0:
            account.billed_months.add(index)
        month = month_start(index)
        monthly_amount = account.seats * model.seat_price
        if not account.yearly:
            self.charge(account, month, monthly_amount, "month")
        elif index % 12 == account.renewal_month:
            if account.contract_charged:
                factor = self.rng.gauss(model.renewal_uplift, model.renewal_sd)
                account.seats = max(1, round(account.seats * math.exp(factor)))
            amount = 12 * account.seats * model.seat_price
            self.charge(account, month, amount, "year")
            account.contract_charged = True
        elif index == 0 and account.contract_charged:
            # The opening charge covers the months left until the renewal.
            left = account.renewal_month
            interval = f"{left} months" if left > 1 else "month"
            self.charge(account, month, left * monthly_amount, interval)
        if model is ENTERPRISE:
            account.usage *= 1 + USAGE_GROWTH
            amount = round(account.usage * math.exp(self.rng.gauss(0, USAGE_SD)))
            self.charge(account, month, amount, "month", "usage")

    def charge(
        self,
        account: Account,
        month: date,
        amount: int,
        interval: str,
        subscription: str = "",
    ) -> None:
        if month < FIRST_MONTH:
            return
        day = month.replace(day=min(account.acquired_on.day, 28))
        suffix = subscription or str(account.subscriptions)
        account.charges.append(Charge(day, amount, interval, suffix))

    # --- draws --------------------------------------------------------------------

    def random_day(self, month: date) -> date:
        return month.replace(day=self.rng.randint(1, 28))

    def pick_region(self) -> str:
        names = [name for name, _ in REGIONS]
        weights = [weight for _, weight in REGIONS]
        return self.rng.choices(names, weights)[0]

    def arrivals(self) -> int:
        """Return the number of new accounts this month.

        The expected number varies by about 10 % from month to month, and the
        fraction left over carries to the next month.
        """
        self.arrival_carry += self.model.arrivals * self.rng.gauss(1, 0.1)
        count = max(0, math.floor(self.arrival_carry))
        self.arrival_carry -= count
        return count


EVENTS = ("churn", "contraction", "expansion")


def event_probability(event: str, account: Account, index: int) -> float:
    """Return the chance of `event` for `account` in month `index`."""
    model = account.model
    age = index - month_index(account.acquired_on)
    if age <= 0:
        return 0.0
    if event == "churn":
        return churn_probability(account, index, age)
    if account.yearly:
        return 0.0
    if event == "contraction":
        if model is SMB and not account.activated and not account.downgraded:
            return STALLED_DOWNGRADE if age <= 3 else model.contraction
        return model.contraction
    room = max(0.0, 1 - account.seats / model.seat_cap)
    return room * (model.expansion if account.activated else model.expansion / 3)


def churn_probability(account: Account, index: int, age: int) -> float:
    model = account.model
    if account.yearly:
        return model.renewal_churn if index % 12 == account.renewal_month else 0.0
    probability = model.churn
    if model is SMB and not account.activated and age in STALLED_CHURN_AGES:
        probability += STALLED_CHURN
    elif model is not SMB and age < 6:
        probability *= 1.5
    if account.finished_checklist and age < 6:
        probability *= 0.5
    return probability


def survey(
    accounts: list[Account], model: SegmentModel, seed: int
) -> Iterator[Response]:
    """Yield a segment's NPS responses, with class counts near the model's shares.

    Each month's promoter and detractor counts are the expected counts rounded
    down, with the remainder carried to the next month.
    """
    rng = random.Random(f"{seed}:{model.name}:nps")
    carry = {"promoter": 0.0, "detractor": 0.0}
    for index in range(MONTHS):
        month = month_start(index)
        active = [a for a in accounts if index in a.billed_months]
        response_count = NPS_RESPONSES[model.name] + rng.randint(-2, 2)
        respondents = rng.sample(active, min(response_count, len(active)))
        shares = nps_shares(model.name, index)
        classes = []
        for kind, share in zip(("promoter", "detractor"), shares, strict=True):
            expected = len(respondents) * share + carry[kind]
            count = math.floor(expected)
            carry[kind] = expected - count
            classes.extend([kind] * count)
        classes.extend(["passive"] * (len(respondents) - len(classes)))
        rng.shuffle(classes)
        for account, kind in zip(respondents, classes, strict=True):
            day = month.replace(day=rng.randint(1, 28))
            yield Response(account, day, nps_score(rng, kind))


def nps_shares(segment: str, index: int) -> tuple[float, float]:
    """Interpolate the promoter and detractor shares from 2024-02 to 2026-10."""
    (promoters, detractors), (promoters_end, detractors_end) = NPS_SHARES[segment]
    weight = index / (MONTHS - 1)
    return (
        promoters + (promoters_end - promoters) * weight,
        detractors + (detractors_end - detractors) * weight,
    )


def nps_score(rng: random.Random, kind: str) -> int:
    if kind == "promoter":
        return rng.choices((9, 10), (55, 45))[0]
    if kind == "passive":
        return rng.choices((7, 8), (45, 55))[0]
    return rng.choices(range(7), (1, 1, 1, 2, 3, 5, 7))[0]


def generate(seed: int = SEED) -> tuple[list[Account], list[Response]]:
    """Simulate every segment and number the customers by signup date."""
    accounts: list[Account] = []
    responses: list[Response] = []
    for model in SEGMENTS:
        segment_accounts = SegmentSimulation(model, seed).run()
        accounts.extend(segment_accounts)
        responses.extend(survey(segment_accounts, model, seed))
    order = {model.name: position for position, model in enumerate(SEGMENTS)}
    accounts.sort(key=lambda a: (a.acquired_on, order[a.model.name], a.serial))
    for number, account in enumerate(accounts, start=1):
        account.customer_id = f"C{number:04d}"
    return accounts, responses


# --- files ------------------------------------------------------------------------

LEDGER_HEADER = (
    "customer_id",
    "date",
    "amount",
    "currency",
    "plan_interval",
    "one_time",
    "subscription_id",
)


def ledger_rows(accounts: Sequence[Account]) -> list[list[str]]:
    rows = []
    for account in accounts:
        for charge in account.charges:
            rows.append(
                [
                    account.customer_id,
                    charge.day.isoformat(),
                    str(charge.amount),
                    "USD",
                    charge.plan_interval,
                    "true" if charge.one_time else "false",
                    f"{account.customer_id}-{charge.subscription}",
                ]
            )
    rows.sort(key=lambda row: (row[1], row[0], row[6]))
    return rows


def customer_rows(accounts: Sequence[Account]) -> list[list[str]]:
    return [
        [a.customer_id, a.model.name, a.acquired_on.isoformat(), a.region]
        for a in accounts
    ]


def nps_rows(responses: Sequence[Response]) -> list[list[str]]:
    rows = [[r.account.customer_id, r.day.isoformat(), str(r.score)] for r in responses]
    rows.sort(key=lambda row: (row[1], row[0]))
    return rows


def write_csv(path: Path, header: Sequence[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_files(directory: Path, seed: int = SEED) -> list[Path]:
    """Write ledger.csv, customers.csv and nps.csv into `directory`."""
    accounts, responses = generate(seed)
    paths = [directory / name for name in ("ledger.csv", "customers.csv", "nps.csv")]
    ledger, customers, nps = paths
    write_csv(ledger, LEDGER_HEADER, ledger_rows(accounts))
    header = ("customer_id", "segment", "acquired_on", "region")
    write_csv(customers, header, customer_rows(accounts))
    write_csv(nps, ("customer_id", "responded_at", "score"), nps_rows(responses))
    return paths


# --- check ------------------------------------------------------------------------


def check(directory: Path) -> None:
    """Print the segment KPIs that boardloop's metrics engine computes from the files.

    Each month end M shows 90-day GRR and logo churn (the 3 months up to M,
    against month M-3), 6-month NRR (against month M-6) and 180-day NPS (the
    responses of the 6 months up to M), from 2025-02 on.
    """
    from boardloop.domain.fiscal import FiscalCalendar
    from boardloop.metrics import (
        SeriesPoint,
        kpi_series,
        load_customers,
        load_ledger,
        load_nps,
        nps_series,
    )

    ledger = load_ledger(directory / "ledger.csv")
    customers = load_customers(directory / "customers.csv")
    responses = load_nps(directory / "nps.csv")
    calendar = FiscalCalendar(start_month=2, naming="end")
    first = month_start(12 - 6)
    last = month_start(MONTHS) - timedelta(days=1)

    def retention_by(days: int) -> dict[tuple[str | None, str], SeriesPoint]:
        points = kpi_series(
            ledger,
            calendar=calendar,
            window_days=days,
            customers=customers,
            segment_field="segment",
            start=first,
            end=last,
        )
        return {(point.segment, point.period): point for point in points}

    quarters, halves = retention_by(90), retention_by(180)
    nps_points = nps_series(
        responses,
        calendar=calendar,
        window_days=180,
        customers=customers,
        segment_field="segment",
        start=first,
        end=last,
    )
    scores = {(point.segment, point.period): point for point in nps_points}

    print("segment     month    GRR 90d  churn 90d  NRR 6m  NPS 180d (n)")
    for model in SEGMENTS:
        for index in range(12, MONTHS):
            key = (model.name, f"{month_start(index):%Y-%m}")
            quarter, half = quarters[key].figures, halves[key].figures
            figure = scores[key].figure
            print(
                f"{model.name:<11} {key[1]}  "
                f"{percent(quarter and quarter.gross_revenue_retention):>7}  "
                f"{percent(quarter and quarter.logo_churn):>9}  "
                f"{percent(half and half.net_revenue_retention):>6}  "
                f"{figure.score or 0:8.1f} ({figure.n})"
            )


def percent(rate: object) -> str:
    return "-" if rate is None else f"{100 * float(str(rate)):.1f}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=EXAMPLE_DIR,
        help="Folder to write the three CSV files into.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="Print the KPIs computed from the written files.",
    )
    args = parser.parse_args(argv)
    for path in write_files(args.out):
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    if args.check:
        check(args.out)


if __name__ == "__main__":
    main()
