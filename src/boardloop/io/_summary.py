"""Import results: the summary of what a reader recognised, guessed and dropped."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

    from boardloop.domain.model import Initiative

__all__ = ["ImportResult", "ImportSummary", "Notice", "Period", "ReadError"]


class ReadError(Exception):
    """A file that cannot be read at all, with the place and the remedy."""

    def __init__(
        self, path: Path | str, line: int | None, message: str, hint: str = ""
    ) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        self.hint = hint
        location = self.path if line is None else f"{self.path}:{line}"
        text = f"{location}: {message}"
        if hint:
            text = f"{text}\n  hint: {hint}"
        super().__init__(text)


@dataclass(frozen=True, slots=True)
class Notice:
    """One guessed or dropped value: where it sits, what happened and why."""

    location: str
    what: str
    why: str = ""

    def __str__(self) -> str:
        return f"{self.location}: {self.what}" + (f" ({self.why})" if self.why else "")


@dataclass(frozen=True, slots=True)
class Period:
    """The planning period a document states, such as a fiscal quarter."""

    label: str
    start: dt.date | None = None
    end: dt.date | None = None
    line: int | None = None


@dataclass(slots=True)
class ImportSummary:
    """Summary of what one import recognised, guessed and dropped, for the user.

    `derived_ids` maps each id that the reader derived, because the file does
    not state it, to what it was derived from ("names", "heading labels",
    "row numbers in column #").
    """

    path: str
    format: str
    recognised: list[tuple[str, str]] = field(default_factory=list)
    guessed: list[Notice] = field(default_factory=list)
    dropped: list[Notice] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    derived_ids: dict[str, str] = field(default_factory=dict)

    def recognise(self, name: str, meaning: str) -> None:
        """Record that a column or key was read as a register field."""
        if (name, meaning) not in self.recognised:
            self.recognised.append((name, meaning))

    def recognise_derived_ids(self, ids: list[str]) -> None:
        """List, under Recognised, which of `ids` were derived and from what."""
        groups: dict[str, list[str]] = {}
        for initiative_id in ids:
            derived_from = self.derived_ids.get(initiative_id)
            if derived_from is not None:
                groups.setdefault(derived_from, []).append(initiative_id)
        for derived_from, group in groups.items():
            self.recognise(derived_from, f"derived ids {_id_list(group)}")

    def guess(self, line: int | None, what: str, why: str = "") -> None:
        """Record a value read by a rule the file did not state."""
        self.guessed.append(Notice(self._location(line), what, why))

    def drop(self, line: int | None, what: str, why: str = "") -> None:
        """Record a value or row that was not read into the register."""
        self.dropped.append(Notice(self._location(line), what, why))

    def count(self, key: str, amount: int = 1) -> None:
        """Add to one of the import's counters."""
        self.counts[key] = self.counts.get(key, 0) + amount

    def format_text(self) -> str:
        """Format the summary as the text shown to the user after an import."""
        name = Path(self.path).name
        read = self.counts.get("initiatives", 0)
        noun = "initiative" if read == 1 else "initiatives"
        lines = [f"Read {read} {noun} from {name} ({self.format})."]
        if self.recognised:
            pairs = "; ".join(
                f"'{key}' as {meaning}" for key, meaning in self.recognised
            )
            lines.append(f"Recognised: {pairs}.")
        for title, notices in (("Guessed", self.guessed), ("Dropped", self.dropped)):
            if notices:
                lines.append(f"{title}:")
                lines.extend(f"  {text}" for text in _grouped(notices))
        if not self.guessed and not self.dropped:
            lines.append("Nothing was guessed or dropped.")
        return "\n".join(lines)

    def _location(self, line: int | None) -> str:
        return self.path if line is None else f"{self.path}:{line}"


def _id_list(ids: list[str], shown: int = 3, limit: int = 6) -> str:
    """Join ids; a list longer than `limit` shows the first few and the last."""
    if len(ids) <= limit:
        return ", ".join(ids)
    return f"{', '.join(ids[:shown])}, ... {ids[-1]} ({len(ids)} ids)"


def _grouped(notices: list[Notice]) -> list[str]:
    """Join notices that say the same thing on different lines into one entry."""
    order: list[tuple[str, str]] = []
    lines_of: dict[tuple[str, str], list[str]] = {}
    for notice in notices:
        key = (notice.what, notice.why)
        if key not in lines_of:
            order.append(key)
            lines_of[key] = []
        line = notice.location.rpartition(":")[2]
        place = line if line.isdigit() else notice.location
        if place not in lines_of[key]:
            lines_of[key].append(place)
    texts = []
    for what, why in order:
        places = lines_of[what, why]
        label = "line" if len(places) == 1 else "lines"
        if not all(place.isdigit() for place in places):
            label, places = "in", [", ".join(dict.fromkeys(places))]
        text = f"{label} {', '.join(places)}: {what}"
        texts.append(f"{text} ({why})" if why else text)
    return texts


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The initiatives read from one file, with the import summary."""

    path: str
    format: str
    initiatives: tuple[Initiative, ...]
    summary: ImportSummary
    period: Period | None = None
