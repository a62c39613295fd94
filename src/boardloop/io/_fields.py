"""Field interpretation shared by the readers: status, owner, dates, numbers, ids."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from boardloop.domain.model import Initiative, Owner, Status, Target
from boardloop.io._dates import DateOrder, decide_date_order, parse_date
from boardloop.io._summary import ReadError

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping

    from boardloop.domain.fiscal import FiscalCalendar
    from boardloop.io._summary import ImportSummary

__all__ = [
    "FIELD_SYNONYMS",
    "DateOrder",
    "ReadContext",
    "StatusReading",
    "decide_date_order",
    "dedupe_ids",
    "file_key",
    "is_row_number_header",
    "match_header",
    "parse_date",
    "parse_decimal",
    "parse_owner",
    "read_status",
    "slugify",
    "unique_ids",
]


# --- status ---------------------------------------------------------------

# Words that name a status directly: read without a notice.
_EXACT_STATUS: dict[str, Status] = {
    "planned": Status.PLANNED,
    "in progress": Status.IN_PROGRESS,
    "launched": Status.LAUNCHED,
    "measuring": Status.MEASURING,
    "closed": Status.CLOSED,
}

# Words and emoji teams use for a status: read, with a guessed notice.
_STATUS_WORDS: dict[str, Status] = {
    "not started": Status.PLANNED,
    "to do": Status.PLANNED,
    "todo": Status.PLANNED,
    "backlog": Status.PLANNED,
    "proposed": Status.PLANNED,
    "idea": Status.PLANNED,
    "pushed": Status.PLANNED,
    "deferred": Status.PLANNED,
    "postponed": Status.PLANNED,
    "on hold": Status.PLANNED,
    "⏳": Status.PLANNED,
    "active": Status.IN_PROGRESS,
    "wip": Status.IN_PROGRESS,
    "ongoing": Status.IN_PROGRESS,
    "started": Status.IN_PROGRESS,
    "doing": Status.IN_PROGRESS,
    "underway": Status.IN_PROGRESS,
    "tracking": Status.IN_PROGRESS,
    "on track": Status.IN_PROGRESS,
    "at risk": Status.IN_PROGRESS,
    "off track": Status.IN_PROGRESS,
    "behind": Status.IN_PROGRESS,
    "blocked": Status.IN_PROGRESS,
    "not complete": Status.IN_PROGRESS,
    "🚧": Status.IN_PROGRESS,
    "🚫": Status.IN_PROGRESS,
    "🟢": Status.IN_PROGRESS,
    "🟡": Status.IN_PROGRESS,
    "🟠": Status.IN_PROGRESS,
    "🔴": Status.IN_PROGRESS,
    "live": Status.LAUNCHED,
    "shipped": Status.LAUNCHED,
    "released": Status.LAUNCHED,
    "rolled out": Status.LAUNCHED,
    "monitoring": Status.MEASURING,
    "done": Status.CLOSED,
    "complete": Status.CLOSED,
    "completed": Status.CLOSED,
    "finished": Status.CLOSED,
    "achieved": Status.CLOSED,
    "missed": Status.CLOSED,
    "cancelled": Status.CLOSED,
    "canceled": Status.CLOSED,
    "abandoned": Status.CLOSED,
    "dropped": Status.CLOSED,
    "✅": Status.CLOSED,
    "✔": Status.CLOSED,
    "✔️": Status.CLOSED,
    "☑️": Status.CLOSED,
}

# Marks that say something went wrong without saying whether the work is open.
_UNREADABLE_STATUS = {"❌", "✖", "✖️", "❓", "?", "failed", "n/a", "tbd"}

_PERCENT_COMPLETE = re.compile(r"(\d{1,3})\s*%\s*(?:complete|completed|done)\b", re.I)


@dataclass(frozen=True, slots=True)
class StatusReading:
    """A status read from text: the status (None when unreadable) and how."""

    status: Status | None
    exact: bool
    why: str = ""


def read_status(text: str) -> StatusReading:
    """Read a status word, emoji or progress note such as '75% complete'."""
    key = _status_key(text)
    if key in _EXACT_STATUS:
        return StatusReading(_EXACT_STATUS[key], exact=True)
    if key in _STATUS_WORDS:
        return StatusReading(_STATUS_WORDS[key], exact=False, why=_status_why(key))
    if key in _UNREADABLE_STATUS:
        return StatusReading(None, exact=False, why="it does not say if work is open")
    return _status_from_note(key)


def _status_key(text: str) -> str:
    key = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # keep a link's text only
    key = key.strip().strip("*_`.").strip().casefold()
    return re.sub(r"[\s_-]+", " ", key)


def _status_why(key: str) -> str:
    if key in {"🚫", "blocked"}:
        return "blocked work is still open"
    if key in {"pushed", "deferred", "postponed", "on hold"}:
        return "deferred work has not started"
    if key in {"🟢", "🟡", "🟠", "🔴", "at risk", "off track", "on track", "behind"}:
        return "a health colour or rating marks open work"
    return ""


def _status_from_note(key: str) -> StatusReading:
    """Read a status from a progress note: '75% complete', 'pushed to FY21'."""
    percent = _PERCENT_COMPLETE.search(key)
    if percent is not None:
        value = int(percent.group(1))
        why = f"the note says {value}% complete"
        if value >= 100 and not key.startswith("tracking"):
            return StatusReading(Status.CLOSED, exact=False, why=why)
        if value == 0:
            return StatusReading(Status.PLANNED, exact=False, why=why)
        return StatusReading(Status.IN_PROGRESS, exact=False, why=why)
    for words in sorted(_STATUS_WORDS, key=len, reverse=True):
        if len(words) > 2 and re.search(rf"\b{re.escape(words)}\b", key):
            why = f"the note says '{words}'"
            return StatusReading(_STATUS_WORDS[words], exact=False, why=why)
    for words, status in _EXACT_STATUS.items():
        if re.search(rf"\b{re.escape(words)}\b", key):
            return StatusReading(status, exact=False, why=f"the note says '{words}'")
    return StatusReading(None, exact=False, why="not a known status word")


# --- owner ----------------------------------------------------------------

# Function names a team uses in place of a person; matched case-insensitively.
FUNCTION_WORDS = frozenset(
    {
        "cs", "customer success", "cx", "customer experience", "support",
        "customer support", "cs ops", "success ops", "tam", "csm", "csms",
        "sales", "account management", "am", "product", "engineering",
        "marketing", "finance", "revops", "rev ops", "ops", "operations",
        "biz ops", "professional services", "ps", "onboarding", "cro", "ceo",
        "coo", "cfo", "leadership", "exec", "executive team",
    }
)  # fmt: skip

_PLACEHOLDER = re.compile(r"^<[^<>]+>$")


def parse_owner(text: str) -> tuple[Owner, str]:
    """Read an owner string; return the owner and a note when a rule decided.

    "Dana Reyes (VP Customer Success)" is a person and their function,
    "CX (<CX leader>)" a function and a person, "<Support lead>" a person whose
    name was replaced by a role, and a bare function word such as "CS Ops" a
    function with no person.
    """
    text = " ".join(text.split())
    if not text:
        return Owner(), ""
    outer, inner = _split_parenthesis(text)
    if inner is not None:
        if _PLACEHOLDER.match(inner) or outer.casefold() in FUNCTION_WORDS:
            return Owner(person=inner, function=outer or None), ""
        return Owner(person=outer or None, function=inner), ""
    if text.casefold() in FUNCTION_WORDS:
        return Owner(function=text), f"'{text}' is a function, not a person"
    return Owner(person=text), ""


def _split_parenthesis(text: str) -> tuple[str, str | None]:
    match = re.fullmatch(r"(.*?)\s*\(([^()]+)\)", text)
    if match is None:
        return text, None
    return match.group(1).strip(), match.group(2).strip()


# --- numbers --------------------------------------------------------------


def parse_decimal(
    text: str, *, decimal_comma: bool = False
) -> tuple[Decimal | None, str]:
    """Read a number written with a decimal point or comma, a % sign or spaces.

    Returns the number and a note when the separator had to be guessed
    ("1,234" with no other separator reads as one thousand two hundred and
    thirty-four unless `decimal_comma` is set). Returns None when the text is
    not a number.
    """
    raw = text.strip().replace("\u00a0", "").replace(" ", "").replace("\u202f", "")
    raw = raw.removesuffix("%").removeprefix("+")
    note = ""
    if "," in raw and "." in raw:
        decimal_mark = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        raw = raw.replace(thousands, "").replace(decimal_mark, ".")
    elif (
        raw.count(",") == 1
        and not decimal_comma
        and re.fullmatch(r"-?[1-9]\d{0,2},\d{3}", raw)
    ):
        raw = raw.replace(",", "")
        note = f"'{text.strip()}' read as thousands, not a decimal comma"
    elif raw.count(",") == 1:
        raw = raw.replace(",", ".")
    elif raw.count(",") > 1 and re.fullmatch(r"-?\d{1,3}(,\d{3})+", raw):
        raw = raw.replace(",", "")
    if not re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", raw):
        return None, ""
    try:
        return Decimal(raw), note
    except InvalidOperation:
        return None, ""


# --- ids ------------------------------------------------------------------


def slugify(text: str, max_length: int = 60) -> str:
    """Derive an id from a name: lower-case ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text)
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii").casefold()
    slug = re.sub(r"[^a-z0-9.]+", "-", ascii_text).strip("-.")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug or "initiative"


def file_key(path: str) -> str:
    """Return the prefix of a file's derived ids: its name as written, with extension.

    The name is not slugified, because two names of one folder can share a slug
    ('Plan.csv' and 'plan.csv', 'q3 plan.md' and 'q3-plan.md'); only the folder
    is left out, so moving a file keeps its ids.
    """
    return Path(path).name


def unique_ids(ids: list[str]) -> list[tuple[str, bool]]:
    """Make ids unique with -2, -3 suffixes; flag the ids that were changed."""
    seen: set[str] = set()
    result = []
    for base in ids:
        candidate, suffix = base, 1
        while candidate in seen:
            suffix += 1
            candidate = f"{base}-{suffix}"
        seen.add(candidate)
        result.append((candidate, candidate != base))
    return result


# --- headers --------------------------------------------------------------

# Register fields and the column names teams give them, in lower case.
FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "#", "no", "no.", "number", "ref", "key"),
    "name": ("name", "initiative", "project", "program name", "title", "objective"),
    "owner": (
        "owner", "responsible", "dri", "accountable", "lead", "owner name",
        "person", "assignee",
    ),
    "owner_function": ("function", "team", "department", "owner function"),
    "target": ("target", "goal", "key result", "kr", "okr"),
    "status": ("status", "state", "stage"),
    "status_text": ("status text", "status as written"),
    "next_checkpoint": (
        "next checkpoint", "next review", "checkpoint", "next check-in", "review date",
    ),
    "deadline": ("deadline", "due", "due date", "by", "timeline", "target date"),
    "kpi": ("kpi", "metric", "measure"),
    "segment": ("segment", "cohort"),
    "baseline": ("baseline", "baseline value"),
    "baseline_as_of": ("baseline date", "baseline as of"),
    "baseline_source": ("baseline source",),
    "guardrails": ("guardrails", "guardrail", "guardrail kpis"),
    "attribution": ("attribution", "attribution note"),
    "program": ("program", "programme", "theme"),
    "launched_on": ("launched", "launched on", "launch date", "start", "start date"),
    "created_on": ("created", "created on"),
    "progress_note": ("progress", "progress note", "update", "latest update"),
    "notes": ("notes", "note", "comments", "comment", "details", "description"),
    "control_segment": ("control segment", "control", "control group"),
    "lesson": ("lesson", "lessons", "lesson learned"),
    "outcome": ("outcome", "result"),
    "actual_movement": ("actual", "actual movement"),
    "actual_unit": ("actual unit", "actual movement unit"),
    "closed_on": ("closed", "closed on", "close date"),
    "checkpoints": ("checkpoints", "checkpoint notes"),
}  # fmt: skip

# Id column headers that number the rows rather than name the initiatives: ids
# read from them are derived, like slugs, and qualified by the file.
_ROW_NUMBER_HEADERS = frozenset({"#", "no", "no.", "number"})

_HEADER_INDEX = {
    synonym: field_name
    for field_name, synonyms in FIELD_SYNONYMS.items()
    for synonym in synonyms
}


def match_header(header: str) -> str | None:
    """Return the register field a column header names, or None."""
    key = _header_key(header)
    return _HEADER_INDEX.get(key) or _HEADER_INDEX.get(key.replace("-", " "))


def is_row_number_header(header: str) -> bool:
    """Tell whether an id column numbers the rows ('#', 'No.') instead of naming ids."""
    return _header_key(header) in _ROW_NUMBER_HEADERS


def _header_key(header: str) -> str:
    key = header.strip().strip("*_`").strip().casefold()
    return re.sub(r"[\s_]+", " ", key)


# --- reading context --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReadContext:
    """Inputs every reader needs: the file, calendar, as-of date, aliases, summary."""

    path: str
    calendar: FiscalCalendar
    as_of: dt.date | None
    kpi_aliases: Mapping[str, str]
    summary: ImportSummary

    def target(self, text: str) -> Target:
        """Parse a target phrase with the register's calendar and KPI aliases."""
        from boardloop.domain.targets import parse_target

        return parse_target(
            text,
            calendar=self.calendar,
            as_of=self.as_of,
            kpi_aliases=dict(self.kpi_aliases),
        )

    def derive_id(self, base: str, derived_from: str) -> str:
        """Qualify an id that the file does not state ('3', a slug) by the file.

        `derived_from` names what the id came from, for the import summary.
        """
        initiative_id = f"{file_key(self.path)}/{base}"
        self.summary.derived_ids.setdefault(initiative_id, derived_from)
        return initiative_id

    def kpi_id(self, text: str) -> str:
        """Resolve a KPI name or alias to its catalog id; keep unknown names."""
        key = " ".join(text.split()).casefold()
        return self.kpi_aliases.get(key, text.strip())

    def deadline(
        self, text: str, order: DateOrder | None = None
    ) -> tuple[dt.date | None, str | None]:
        """Read a deadline written as a date or as a period ('Q2', 'by EOQ2')."""
        date = parse_date(text, order)
        if date is not None:
            return date, None
        phrase = text.strip()
        if not phrase.casefold().startswith("by "):
            phrase = f"by {phrase}"
        parsed = self.target(phrase)
        return parsed.deadline, parsed.deadline_label


def dedupe_ids(
    initiatives: list[Initiative], summary: ImportSummary
) -> list[Initiative]:
    """Give initiatives that share a derived id -2, -3 suffixes, with a notice.

    An id the file states itself must be unique: renaming it would make the
    next import match records by position, so a repeat raises ReadError.
    """
    result = []
    pairs = unique_ids([initiative.id for initiative in initiatives])
    first_line: dict[str, int | None] = {}
    for initiative, (new_id, changed) in zip(initiatives, pairs, strict=True):
        line = initiative.source.line if initiative.source else None
        first_line.setdefault(initiative.id, line)
        if changed and initiative.id not in summary.derived_ids:
            raise ReadError(
                summary.path,
                line,
                f"id '{initiative.id}' is used twice (first on line "
                f"{first_line[initiative.id]})",
                "give every initiative its own id; ids link a record to its history",
            )
        if changed:
            summary.guess(
                line,
                f"id '{initiative.id}' is already taken; read as '{new_id}'",
                "two initiatives cannot share an id",
            )
            derived_from = summary.derived_ids.get(initiative.id)
            if derived_from is not None:
                summary.derived_ids[new_id] = derived_from
            initiative = replace(initiative, id=new_id)
        result.append(initiative)
    return result
