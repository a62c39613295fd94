"""The commented starter register that `boardloop init` writes."""

from __future__ import annotations

import datetime as dt

__all__ = ["STARTER_FILE_NAME", "starter_register"]

STARTER_FILE_NAME = "initiatives.yaml"


def starter_register(company: str, today: dt.date) -> str:
    """Return a YAML register with one example initiative dated from `today`.

    The dates follow `today` so that the example imports and lints without an
    error on the day it is written: the baseline is the last month end, the
    next checkpoint six weeks ahead and the deadline a year ahead.
    """
    baseline_on = today.replace(day=1) - dt.timedelta(days=1)
    checkpoint_on = today + dt.timedelta(weeks=6)
    deadline = dt.date(today.year + 1, 12, 31)
    # The company name goes into a comment, so it needs no YAML quoting, and
    # company names hold no line breaks (control characters are rejected).
    return f"""\
# Initiative register of {company}: one entry per customer-success initiative.
# Replace the example below with your own initiatives, then run
#   boardloop import initiatives.yaml
# docs/formats.md describes every field, and the CSV, Markdown and XLSX formats.

initiatives:
  - id: onboarding-revamp
    name: Onboarding revamp for new SMB accounts
    # One named person, and their function in brackets.
    owner: Jane Doe (VP Customer Success)
    # KPI, movement, segment and deadline, as `boardloop target` reads them.
    target: +5pp lift in 90-day GRR for SMB by {deadline.isoformat()}
    # planned, in-progress, launched, measuring or closed.
    status: planned
    baseline:
      value: 87.5
      as_of: {baseline_on.isoformat()}
      source: GRR report, month-end close
    created_on: {today.isoformat()}
    next_checkpoint: {checkpoint_on.isoformat()}
"""
