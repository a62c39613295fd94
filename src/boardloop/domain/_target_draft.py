"""The draft a target phrase is read into, and the gap markers the steps leave.

Each step finds its part in the text not yet used (`Draft.rest`), stores what it
read on the draft, and replaces the text it used with a gap marker so that no
later step reads it twice. The KPI leaves its own marker, `KPI_GAP`, because a
window ("90-day GRR", "GRR over 90 days") is read by its place next to the KPI.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

    from boardloop.domain.deadlines import Deadline
    from boardloop.domain.fiscal import FiscalCalendar
    from boardloop.domain.model import Direction, LevelBound
    from boardloop.domain.units import Quantity

__all__ = ["GAP", "GAPS", "KPI_GAP", "Draft", "Level", "Step", "normalise"]

GAP = "\x00"
KPI_GAP = "\x01"
GAPS = GAP + KPI_GAP


@dataclass(slots=True)
class Level:
    quantity: Quantity
    bound: LevelBound | None
    follows_direction: bool = False


@dataclass(slots=True)
class Draft:
    """The phrase being read: the text not yet used, and what was found so far."""

    rest: str
    calendar: FiscalCalendar
    as_of: dt.date | None
    aliases: tuple[tuple[str, str], ...]
    period_start: dt.date | None = None
    problems: list[str] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    windows: list[tuple[int, str]] = field(default_factory=list)
    kpis: list[tuple[str, str]] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
    amounts: list[Quantity] = field(default_factory=list)
    levels: list[Level] = field(default_factory=list)
    ranges: list[tuple[Quantity, Quantity, str]] = field(default_factory=list)
    directions: list[tuple[Direction, str]] = field(default_factory=list)
    counted: list[str] = field(default_factory=list)
    time_limits: list[str] = field(default_factory=list)
    tier_names: list[str] = field(default_factory=list)
    count_texts: dict[str, str | None] = field(default_factory=dict)

    def take(self, match: re.Match[str], marker: str = GAP) -> str:
        """Blank the matched text so that no later step reads it, and return it."""
        return self.take_span(match.start(), match.end(), marker)

    def take_span(self, start: int, end: int, marker: str = GAP) -> str:
        """Blank `rest[start:end]` so that no later step reads it, and return it."""
        text = self.rest[start:end]
        self.rest = f"{self.rest[:start]} {marker} {self.rest[end:]}"
        return text.strip()

    def as_written(self, text: str) -> str:
        """Return `text` with each count read as "3 count" put back as written."""
        for read, written in self.count_texts.items():
            if written is not None:
                pattern = rf"(?<![\d.,]){re.escape(read)}"
                text = re.sub(pattern, written.replace("\\", r"\\"), text)
        return text

    def replace(self, start: int, end: int, text: str) -> None:
        """Replace `rest[start:end]` with `text`, for a later step to read."""
        self.rest = f"{self.rest[:start]}{text}{self.rest[end:]}"


Step = Callable[[Draft], None]


def normalise(text: str) -> str:
    """Replace look-alike characters with plain ones and collapse whitespace."""
    replacements = {
        GAP: " ",
        KPI_GAP: " ",
        "\u00a0": " ",
        "\u2212": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2019": "'",
        "+/-": "±",
        "+-": "±",
    }
    for old, new in replacements.items():
        text = text.replace(old, new)
    return " ".join(text.split())
