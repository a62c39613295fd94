"""Measurement: baseline, direction-aware progress and a verdict per initiative."""

from __future__ import annotations

from boardloop.evaluate._evaluate import (
    DEFAULT_LAG_DAYS,
    DEFAULT_SEGMENT,
    evaluate,
    evaluate_all,
)
from boardloop.evaluate._verdict import Evaluation, Verdict, summarise
from boardloop.evaluate._windows import WindowChoice, choose_window

__all__ = [
    "DEFAULT_LAG_DAYS",
    "DEFAULT_SEGMENT",
    "Evaluation",
    "Verdict",
    "WindowChoice",
    "choose_window",
    "evaluate",
    "evaluate_all",
    "summarise",
]
