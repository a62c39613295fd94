"""KPI catalog: definitions in the I'mBoard Board Ontology JSON shape, and the loader.

A catalog file is the whole-catalog envelope `{"version", "releasedAt", "kpis"}`,
the single-KPI envelope `{"version", "releasedAt", "kpi"}` or a bare KPI object.
Fields the ontology defines are read where boardloop needs them and kept as read
in `Kpi.raw`, unknown fields included. boardloop's own fields (aliases, polarity,
native unit, kind, refresh, lag, guardrails, source system, data owner) sit in
a `"boardloop"` object per KPI, so a pinned ontology snapshot without it still
loads.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from importlib import resources
from pathlib import Path
from typing import Any

from boardloop.catalog._model import Catalog, CatalogError, Kpi
from boardloop.domain.model import MAX_LAG_DAYS, Unit

__all__ = [
    "BUNDLED_CATALOG",
    "load_catalog",
    "load_merged_catalog",
    "merge_catalogs",
    "parse_catalog",
]

logger = logging.getLogger(__name__)

BUNDLED_CATALOG = "customers.json"
EXTENSION_KEY = "boardloop"
KINDS = frozenset({"outcome", "activity", "cumulative"})

# Days between two values of a KPI, for each refresh frequency name.
REFRESH_DAYS = {
    "daily": 1,
    "weekly": 7,
    "monthly": 30,
    "quarterly": 91,
    "semiannual": 182,
    "annual": 365,
    "yearly": 365,
}

# A native unit follows from the ontology's field type when the extension gives
# none. A plain number does not determine its unit, so it maps to None.
FIELD_TYPE_UNITS = {"percentage": Unit.PP, "currency": Unit.CURRENCY}


def load_catalog(path: Path | None = None) -> Catalog:
    """Load a catalog file, or the bundled customers catalog when `path` is None."""
    if path is None:
        resource = resources.files("boardloop.catalog").joinpath(BUNDLED_CATALOG)
        text = resource.read_text(encoding="utf-8")
        where = Path(str(resource)) if isinstance(resource, Path) else None
        return parse_catalog(text, name=f"bundled {BUNDLED_CATALOG}", path=where)

    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CatalogError(
            str(path),
            "catalog file not found",
            hint="Check the [catalog] path setting in boardloop.toml.",
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogError(
            str(path), f"failed to read catalog file: {error}"
        ) from error
    return parse_catalog(text, name=str(path), path=Path(path))


def load_merged_catalog(path: Path | None) -> Catalog:
    """Load a company catalog file laid over the bundled one, or only the bundled."""
    bundled = load_catalog()
    if path is None:
        return bundled
    return merge_catalogs(bundled, load_catalog(path))


def parse_catalog(text: str, *, name: str, path: Path | None = None) -> Catalog:
    """Parse catalog JSON text, naming the file `name` in error messages."""
    try:
        document = json.loads(text, object_pairs_hook=_reject_duplicate_keys)
    except json.JSONDecodeError as error:
        raise CatalogError(
            name, f"invalid JSON: {error.msg}", line=error.lineno, column=error.colno
        ) from None
    except _DuplicateKeyError as error:
        raise CatalogError(
            name, f"invalid JSON: key {error.key!r} appears twice in one object"
        ) from None

    if not isinstance(document, dict):
        raise CatalogError(
            name, _SHAPE_PROBLEM + f", got a JSON {_json_type(document)}"
        )

    if "kpis" in document:
        items = document["kpis"]
        if not isinstance(items, list):
            raise CatalogError(name, f'"kpis" must be a list, got {_json_type(items)}')
    elif "kpi" in document:
        items = [document["kpi"]]
    elif "rogueId" in document:
        items = [document]
    else:
        raise CatalogError(name, _SHAPE_PROBLEM + "; none of these keys is present")

    envelope = document if "rogueId" not in document else {}
    kpis = tuple(_parse_kpi(item, index, name) for index, item in enumerate(items))
    _reject_duplicate_ids(kpis, name)
    catalog = Catalog(
        version=_optional_str(envelope, "version", name, "catalog"),
        released_at=_parse_date(envelope.get("releasedAt"), name),
        kpis=kpis,
        path=path,
    )
    logger.debug(
        "loaded catalog %s from %s: %d KPIs", catalog.version_label, name, len(kpis)
    )
    return catalog


def merge_catalogs(base: Catalog, overlay: Catalog) -> Catalog:
    """Overlay one catalog on another: overlay KPIs win, base extension fields stay.

    A company's pinned ontology snapshot has no `"boardloop"` object, so each KPI
    it shares with `base` keeps base's aliases, polarity, unit, kind, refresh and
    lag. Where the overlay has its own extension, its keys win and aliases from
    both are kept. KPIs only in `base` stay; KPIs only in `overlay` are added.
    """
    base_by_id = {kpi.id: kpi for kpi in base.kpis}
    overlay_ids = {kpi.id for kpi in overlay.kpis}
    name = str(overlay.path) if overlay.path else "overlay catalog"

    merged: list[Kpi] = [kpi for kpi in base.kpis if kpi.id not in overlay_ids]
    for index, kpi in enumerate(overlay.kpis):
        under = base_by_id.get(kpi.id)
        if under is None:
            merged.append(kpi)
            continue
        raw = dict(kpi.raw)
        raw[EXTENSION_KEY] = _merge_extensions(under.raw, kpi.raw)
        merged.append(_parse_kpi(raw, index, name))

    return Catalog(
        version=overlay.version,
        released_at=overlay.released_at,
        kpis=tuple(merged),
        path=overlay.path,
        based_on=(*overlay.based_on, base.version_label, *base.based_on),
    )


def _merge_extensions(
    base_raw: dict[str, Any], overlay_raw: dict[str, Any]
) -> dict[str, Any]:
    base_ext = base_raw.get(EXTENSION_KEY) or {}
    overlay_ext = overlay_raw.get(EXTENSION_KEY) or {}
    merged = {**base_ext, **overlay_ext}
    aliases = [*base_ext.get("aliases", []), *overlay_ext.get("aliases", [])]
    merged["aliases"] = list(dict.fromkeys(aliases))
    return merged


_SHAPE_PROBLEM = (
    'expected a catalog object with "kpis", a single-KPI object with "kpi", '
    'or a KPI object with "rogueId"'
)


class _DuplicateKeyError(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def _reject_duplicate_ids(kpis: tuple[Kpi, ...], name: str) -> None:
    seen: set[str] = set()
    for kpi in kpis:
        if kpi.id in seen:
            raise CatalogError(name, f"KPI {kpi.id!r} is defined twice; keep one entry")
        seen.add(kpi.id)


def _parse_kpi(item: Any, index: int, name: str) -> Kpi:
    """Read one KPI object, which errors name by `index` until its id is read."""
    if not isinstance(item, dict):
        raise CatalogError(
            name, f"KPI #{index} must be an object, got {_json_type(item)}"
        )
    rogue_id = item.get("rogueId")
    if not isinstance(rogue_id, str) or not rogue_id.strip():
        raise CatalogError(
            name,
            f"KPI #{index} has no rogueId",
            hint='Give every KPI a "rogueId" such as "customers.nps_score".',
        )
    kpi_id = rogue_id.strip()
    where = f"KPI {kpi_id!r}"
    domain_part, _, slug_part = kpi_id.rpartition(".")

    label = _optional_str(item, "defaultLabel", name, where)
    if not label:
        raise CatalogError(name, f'{where} has no "defaultLabel"')

    ext = item.get(EXTENSION_KEY) or {}
    if not isinstance(ext, dict):
        raise CatalogError(name, f'{where}: "{EXTENSION_KEY}" must be an object')
    ext_where = f"{where} {EXTENSION_KEY}"

    refresh_frequency = _optional_str(ext, "refreshFrequency", name, ext_where)
    return Kpi(
        id=kpi_id,
        slug=_optional_str(item, "slug", name, where) or slug_part,
        domain=_optional_str(item, "domain", name, where) or domain_part,
        label=label,
        description=_optional_str(item, "description", name, where) or "",
        field_type=_optional_str(item, "fieldType", name, where),
        unit=_optional_str(item, "unit", name, where),
        short_label=_optional_str(ext, "shortLabel", name, ext_where),
        aliases=_str_tuple(ext, "aliases", name, ext_where),
        higher_is_better=_polarity(item, ext, name, where),
        native_unit=_native_unit(item, ext, name, where),
        kind=_kind(ext, name, ext_where),
        refresh_frequency=refresh_frequency,
        refresh_days=_refresh_days(ext, refresh_frequency, name, ext_where),
        lag_days=_optional_days(
            ext, "typicalLagDays", name, ext_where, maximum=MAX_LAG_DAYS
        ),
        guardrail_ids=_str_tuple(ext, "guardrailKpiIds", name, ext_where),
        related_ids=_str_tuple(item, "relatedKpiIds", name, where),
        owning_functions=_str_tuple(item, "defaultOwningFunctions", name, where),
        stage_relevance=_str_map(item, "stageRelevance", name, where),
        formula=_optional_str(item, "formula", name, where),
        source_system=_optional_str(ext, "sourceSystem", name, ext_where),
        data_owner=_optional_str(ext, "dataOwner", name, ext_where),
        raw=item,
    )


def _polarity(
    item: dict[str, Any], ext: dict[str, Any], name: str, where: str
) -> bool | None:
    """Read polarity from the extension, else from the ontology's benchmark."""
    value = ext.get("higherIsBetter")
    if value is None:
        benchmark = item.get("benchmark")
        value = benchmark.get("higherIsBetter") if isinstance(benchmark, dict) else None
    if value is None or isinstance(value, bool):
        return value
    raise CatalogError(
        name, f"{where}: higherIsBetter must be true, false or null, got {value!r}"
    )


def _native_unit(
    item: dict[str, Any], ext: dict[str, Any], name: str, where: str
) -> Unit | None:
    """Read the native unit from the extension, else derive it from fieldType."""
    text = ext.get("nativeUnit")
    if text is None:
        field_type = item.get("fieldType")
        return FIELD_TYPE_UNITS.get(field_type) if isinstance(field_type, str) else None
    if isinstance(text, str):
        try:
            return Unit(text)
        except ValueError:
            pass
    allowed = ", ".join(unit.value for unit in Unit)
    raise CatalogError(name, f"{where}: nativeUnit {text!r} is not one of {allowed}")


def _kind(ext: dict[str, Any], name: str, where: str) -> str | None:
    kind = _optional_str(ext, "kind", name, where)
    if kind is not None and kind not in KINDS:
        allowed = ", ".join(sorted(KINDS))
        raise CatalogError(name, f"{where}: kind {kind!r} is not one of {allowed}")
    return kind


def _refresh_days(
    ext: dict[str, Any], frequency: str | None, name: str, where: str
) -> int | None:
    """Read refreshDays, else derive it from the refresh frequency name."""
    days = _optional_days(ext, "refreshDays", name, where)
    if days is not None or frequency is None:
        return days
    if frequency not in REFRESH_DAYS:
        allowed = ", ".join(REFRESH_DAYS)
        raise CatalogError(
            name,
            f"{where}: refreshFrequency {frequency!r} is not one of {allowed}",
            hint="Or give refreshDays as a whole number of days.",
        )
    return REFRESH_DAYS[frequency]


def _optional_days(
    source: dict[str, Any],
    key: str,
    name: str,
    where: str,
    *,
    maximum: int | None = None,
) -> int | None:
    value = source.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CatalogError(
            name,
            f"{where}: {key} must be a whole number of days (0 or more), got {value!r}",
        )
    if maximum is not None and value > maximum:
        raise CatalogError(
            name,
            f"{where}: {key} must be at most {maximum} days, got {value}",
        )
    return value


def _optional_str(
    source: dict[str, Any], key: str, name: str, where: str
) -> str | None:
    value = source.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise CatalogError(
            name, f"{where}: {key} must be a string, got {_json_type(value)}"
        )
    return value.strip() or None


def _str_tuple(
    source: dict[str, Any], key: str, name: str, where: str
) -> tuple[str, ...]:
    value = source.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
        isinstance(entry, str) for entry in value
    ):
        raise CatalogError(name, f"{where}: {key} must be a list of strings")
    return tuple(entry.strip() for entry in value if entry.strip())


def _str_map(source: dict[str, Any], key: str, name: str, where: str) -> dict[str, str]:
    value = source.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(entry, str) for entry in value.values()
    ):
        raise CatalogError(name, f"{where}: {key} must map names to strings")
    return dict(value)


def _parse_date(value: Any, name: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
        try:
            return dt.datetime.fromisoformat(value).date()
        except ValueError:
            pass
    raise CatalogError(
        name, f"releasedAt must be a date such as 2026-05-20, got {value!r}"
    )


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "number"
    return names.get(type(value), type(value).__name__)
