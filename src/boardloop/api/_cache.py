"""Per-process caches of the board section and of the register, checked on every read.

Building the board section lints and evaluates every initiative, and the
initiative list loads the whole register with its history, which takes seconds
for a register of 1,000 initiatives. Each worker process keeps what it built
under the company's *fingerprint*, read from the database on every request
before anything is served:

- the highest id and the number of the company's events and imports,
  because every edit and import adds an event or an import row (an import of
  KPI values, computed ones included, adds an import row);
- the highest id of its KPI values and control intervals, which a restore
  inserts anew;
- its stored settings, which hold the fiscal calendar of other companies.

The fingerprint leaves out aggregates over the initiatives and the KPI values,
which took 4 to 7 ms per request on PostgreSQL for 1,000 initiatives and
9,360 values, against about 1 ms for each highest id.

A cached entry is used only when the fingerprint read for the request equals
the one read before the entry was built, so a write committed before the
request started is always seen. The fingerprint is read before the data. So a
write that lands during a build can leave an entry newer than its fingerprint,
which the next request rebuilds, but never an entry older than it.

NOTE: SQLite may reuse the row ids of deleted rows. A restore there can replace
a company with a backup that has as many events and imports, with the same
highest ids, so the fingerprint does not change. Restart the server after a
restore. PostgreSQL does not reuse ids.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from boardloop.api._conditional import CachedBody

# The fingerprint reads the store's tables directly, because the store has no
# public query for it; the tables are the store's own schema.
from boardloop.store._schema import (
    CompanyRow,
    ControlIntervalRow,
    EventRow,
    ImportRow,
    InitiativeRow,
    KpiValueRow,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Hashable

    from boardloop.catalog import Catalog
    from boardloop.domain.model import Register
    from boardloop.report import BoardSection, BrandView
    from boardloop.store import Store, StoredInitiative, Workspace

__all__ = [
    "MAX_PAGES",
    "MAX_REGISTERS",
    "MAX_SECTIONS",
    "PageCache",
    "RegisterSnapshot",
    "board_section_body",
    "board_section_cached",
    "clear_caches",
    "company_fingerprint",
    "register_snapshot",
]

logger = logging.getLogger(__name__)

# Entries kept per worker process, least recently used dropped first. For the
# load benchmark's 1,000 initiatives, the JSON rendering alone is 13 MB and the
# Markdown 1.5 MB, so a section entry is an estimated 20 to 40 MB.
MAX_SECTIONS = 4
MAX_REGISTERS = 8
# Pages of the initiative list kept per register, each about 55 KB at 50
# initiatives a page, so an estimated 14 MB per register when full.
MAX_PAGES = 256


def company_fingerprint(store: Store, company: str) -> tuple[Any, ...]:
    """Return what changes whenever the company's register, values or settings do."""
    company_id = (
        select(CompanyRow.id).where(CompanyRow.name == company).scalar_subquery()
    )

    def of(table: Any, aggregate: Any) -> Any:
        # One scalar subquery per aggregate keeps the fingerprint one round trip.
        return select(aggregate).where(table.company_id == company_id).scalar_subquery()

    statement = select(
        select(CompanyRow.settings).where(CompanyRow.name == company).scalar_subquery(),
        of(EventRow, func.max(EventRow.id)),
        of(EventRow, func.count(EventRow.id)),
        of(ImportRow, func.max(ImportRow.id)),
        of(ImportRow, func.count(ImportRow.id)),
        of(KpiValueRow, func.max(KpiValueRow.id)),
        of(ControlIntervalRow, func.max(ControlIntervalRow.id)),
    )
    engine = store.engine
    if engine.dialect.name != "sqlite":
        # One statement reads one snapshot, so it needs no transaction. Without
        # one, psycopg 3 sends no BEGIN and ROLLBACK: one round trip in place of
        # three. SQLite keeps its transactions, which the store starts with
        # BEGIN IMMEDIATE.
        engine = engine.execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        row = connection.execute(statement).one()
    return tuple(row)


@dataclass(frozen=True, slots=True)
class _Built:
    """A value and the fingerprint read before it was built."""

    fingerprint: tuple[Any, ...]
    value: Any
    renderings: dict[str, CachedBody] = field(default_factory=dict)


@dataclass(slots=True)
class _Entry:
    """The latest value built for one key, and the lock its builder holds."""

    built: _Built | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fresh(self, fingerprint: tuple[Any, ...]) -> _Built | None:
        """Return the built value when it was built at `fingerprint`."""
        built = self.built
        if built is not None and built.fingerprint == fingerprint:
            return built
        return None


class _Cache:
    """A thread-safe LRU map of keys to entries."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self.lock = threading.Lock()

    def entry(self, key: Hashable) -> _Entry:
        with self.lock:
            found = self.entries.get(key)
            if found is None:
                found = self.entries[key] = _Entry()
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
            return found

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_sections = _Cache(MAX_SECTIONS)
_registers = _Cache(MAX_REGISTERS)


def clear_caches() -> None:
    """Drop every cached section and register of this process."""
    _sections.clear()
    _registers.clear()


def board_section_body(
    workspace: Workspace,
    *,
    company: str,
    as_of: dt.date,
    since: dt.date | None,
    output_format: str,
    brand: BrandView | None = None,
    catalog: Catalog,
) -> bytes:
    """Return the board section rendered in `output_format`, cached while fresh."""
    cached = board_section_cached(
        workspace,
        company=company,
        as_of=as_of,
        since=since,
        output_format=output_format,
        brand=brand,
        catalog=catalog,
    )
    return cached.body


def board_section_cached(
    workspace: Workspace,
    *,
    company: str,
    as_of: dt.date,
    since: dt.date | None,
    output_format: str,
    brand: BrandView | None = None,
    catalog: Catalog,
) -> CachedBody:
    """Return the board section in `output_format` with its ETag, cached while fresh.

    The section is built with `catalog`, the company's pinned catalog. The key
    contains everything else the section depends on: the as-of and since
    dates, the fiscal calendar, the catalog file's size and modification
    time, the catalog's version, and the brand (logo bytes and colours) of the
    PDF and PPTX packs.
    Concurrent requests for the same key wait for one build. A fresh hit
    costs the fingerprint query only.
    """
    from boardloop.report import BINARY_RENDERERS, MEDIA_TYPES, render_bytes
    from boardloop.service import build_section

    key = (
        workspace.store.url,
        company,
        as_of,
        since,
        workspace.config.fiscal,
        catalog_stamp(workspace),
        catalog.version_label,
        brand,
    )
    entry = _sections.entry(key)
    built = entry.fresh(company_fingerprint(workspace.store, company))
    cached = None if built is None else built.renderings.get(output_format)
    if cached is not None:
        return cached

    with entry.lock:
        # Read again under the lock: another request may have built it meanwhile.
        fingerprint = company_fingerprint(workspace.store, company)
        built = entry.fresh(fingerprint)
        if built is None:
            logger.info("building the board section of %r at %s", company, as_of)
            section: BoardSection = build_section(
                workspace, as_of=as_of, since=since, catalog=catalog
            )
            built = entry.built = _Built(fingerprint, section)
        cached = built.renderings.get(output_format)
        if cached is None:
            cached = CachedBody(
                render_bytes(built.value, output_format, brand),
                MEDIA_TYPES[output_format],
                compressible=output_format not in BINARY_RENDERERS,
            )
            built.renderings[output_format] = cached
        return cached


def catalog_stamp(workspace: Workspace) -> tuple[str, int, int] | None:
    """Return the catalog file's path, size and modification time, if it has one."""
    path = workspace.catalog_path
    if path is None:
        return None
    try:
        stat = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), stat.st_size, stat.st_mtime_ns)


class PageCache:
    """A thread-safe LRU map of list requests to their rendered pages."""

    def __init__(self, size: int = MAX_PAGES) -> None:
        self.size = size
        self.pages: OrderedDict[Hashable, CachedBody] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> CachedBody | None:
        with self.lock:
            found = self.pages.get(key)
            if found is not None:
                self.pages.move_to_end(key)
            return found

    def put(self, key: Hashable, page: CachedBody) -> None:
        with self.lock:
            self.pages[key] = page
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


@dataclass(frozen=True, slots=True)
class RegisterSnapshot:
    """The company's register, each initiative as stored by id, and list pages.

    `pages` contains rendered pages of the initiative list built from this
    snapshot. A write makes a new snapshot, so its pages start empty.
    """

    register: Register
    stored: dict[str, StoredInitiative]
    pages: PageCache = field(default_factory=PageCache, compare=False)


def register_snapshot(store: Store, company: str) -> RegisterSnapshot:
    """Return the company's register and stored initiatives, from the cache when fresh.

    The versions are read before the register, so a write between the two
    reads pairs newer content with an older version: an edit based on it gets
    a version conflict rather than overwriting the write.
    """
    entry = _registers.entry((store.url, company))
    built = entry.fresh(company_fingerprint(store, company))
    if built is None:
        with entry.lock:
            fingerprint = company_fingerprint(store, company)
            built = entry.fresh(fingerprint)
            if built is None:
                built = entry.built = _Built(fingerprint, load_snapshot(store, company))
    snapshot: RegisterSnapshot = built.value
    return snapshot


def load_snapshot(store: Store, company: str) -> RegisterSnapshot:
    """Read the company's initiatives with their versions, then its register."""
    from boardloop.store import StoredInitiative

    statement = (
        select(
            InitiativeRow.key,
            InitiativeRow.version,
            InitiativeRow.created_at,
            InitiativeRow.updated_at,
        )
        .join(CompanyRow, CompanyRow.id == InitiativeRow.company_id)
        .where(CompanyRow.name == company)
    )
    with Session(store.engine) as session:
        versions = {row.key: row for row in session.execute(statement)}
    register = store.load_register(company)

    # An initiative created between the two reads is left out. The next request
    # reads a new fingerprint and loads it.
    initiatives = tuple(item for item in register.initiatives if item.id in versions)
    stored = {
        item.id: StoredInitiative(
            initiative=item,
            version=versions[item.id].version,
            created_at=versions[item.id].created_at,
            updated_at=versions[item.id].updated_at,
        )
        for item in initiatives
    }
    return RegisterSnapshot(replace(register, initiatives=initiatives), stored)
