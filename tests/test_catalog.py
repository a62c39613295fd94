"""The KPI catalog: the bundled customers file, the loader and the overlay."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from boardloop.catalog import (
    Catalog,
    CatalogError,
    load_catalog,
    load_merged_catalog,
    merge_catalogs,
    parse_catalog,
)
from boardloop.domain.model import Unit

REPOSITORY_DOCS = Path(__file__).resolve().parents[1] / "docs"
REAL_SNAPSHOT = ("imboard_ontology", "finance-other_cs-v1.3.0.json")
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")

# A two-KPI catalog in the ontology's shape, with one field no version defines.
SMALL_CATALOG = textwrap.dedent(
    """\
    {
      "version": "2.1.0",
      "releasedAt": "2026-02-01",
      "futureEnvelopeField": {"kept": true},
      "kpis": [
        {
          "rogueId": "customers.gross_revenue_retention",
          "slug": "gross_revenue_retention",
          "domain": "customers",
          "defaultLabel": "Gross Revenue Retention (snapshot)",
          "description": "Snapshot wording.",
          "fieldType": "percentage",
          "unit": "%",
          "benchmark": {"p25": null, "median": null, "p75": null,
                        "higherIsBetter": true},
          "futureKpiField": [1, 2, 3]
        },
        {
          "rogueId": "customers.brand_new_metric",
          "defaultLabel": "Brand New Metric",
          "fieldType": "number",
          "unit": null
        }
      ]
    }
    """
)


@pytest.fixture(scope="module")
def bundled() -> Catalog:
    return load_catalog()


def write(tmp_path: Path, text: str, name: str = "catalog.json") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# The bundled file


def test_bundled_catalog_loads(bundled: Catalog) -> None:
    assert bundled.version is not None
    assert SEMVER.match(bundled.version)
    assert bundled.released_at is not None
    assert len(bundled) >= 25
    assert bundled.path is not None
    assert bundled.path.name == "customers.json"


def test_bundled_kpis_are_complete(bundled: Catalog) -> None:
    for kpi in bundled.kpis:
        assert kpi.label, kpi.id
        assert kpi.description, kpi.id
        assert kpi.field_type, kpi.id
        assert kpi.domain == "customers", kpi.id
        assert kpi.id == f"{kpi.domain}.{kpi.slug}", kpi.id
        assert kpi.short_label, kpi.id
        assert kpi.formula, kpi.id
        assert kpi.raw.get("whyItMatters"), kpi.id
        assert kpi.raw.get("interpretationGuidance"), kpi.id
        assert kpi.raw["definitionSource"]["tier"] == "editorial", kpi.id
        assert kpi.raw["definitionSource"]["sourceName"] == "boardloop", kpi.id


def test_bundled_numeric_kpis_have_measurement_fields(bundled: Catalog) -> None:
    numeric = [kpi for kpi in bundled.kpis if kpi.field_type != "text"]
    assert len(numeric) >= 20
    for kpi in numeric:
        assert kpi.higher_is_better is not None, kpi.id
        assert (
            kpi.native_unit is not None or kpi.raw["boardloop"]["nativeUnit"] == "days"
        )
        assert kpi.kind in {"outcome", "activity", "cumulative"}, kpi.id
        assert kpi.refresh_days is not None, kpi.id
        assert kpi.lag_days is not None, kpi.id
        assert kpi.source_system, kpi.id
        assert kpi.data_owner, kpi.id
        assert kpi.aliases, kpi.id


def test_bundled_catalog_has_no_benchmark_numbers(bundled: Catalog) -> None:
    for kpi in bundled.kpis:
        assert kpi.raw.get("benchmark") is None, kpi.id


def test_bundled_references_resolve(bundled: Catalog) -> None:
    ids = set(bundled.ids())
    for kpi in bundled.kpis:
        for related in (*kpi.related_ids, *kpi.guardrail_ids):
            assert related in ids, f"{kpi.id} refers to unknown {related}"


def test_bundled_names_are_unambiguous(bundled: Catalog) -> None:
    assert bundled.ambiguous == {}


def test_key_initiatives_entry(bundled: Catalog) -> None:
    kpi = bundled.get("customers.key_initiatives")
    assert kpi is not None
    assert kpi.field_type == "text"
    assert kpi.owning_functions == ("Sales",)
    assert kpi.raw["suggestedForStages"] == ["seriesA", "seriesB", "seriesC", "public"]
    assert kpi.related_ids == (
        "customers.retention_insights",
        "customers.expansion_opportunities",
        "customers.churn_risks",
        "customers.net_revenue_retention",
        "customers.nps_score",
    )


@pytest.mark.parametrize(
    ("name", "kpi_id"),
    [
        ("GRR", "customers.gross_revenue_retention"),
        ("gross retention", "customers.gross_revenue_retention"),
        ("NRR", "customers.net_revenue_retention"),
        ("ndr", "customers.net_revenue_retention"),
        ("Net Dollar Retention", "customers.net_revenue_retention"),
        ("NPS", "customers.nps_score"),
        ("logo churn", "customers.logo_churn_rate"),
        ("Customer  Churn", "customers.logo_churn_rate"),
        ("logo_churn_rate", "customers.logo_churn_rate"),
        ("CUSTOMERS.CSAT", "customers.csat"),
        ("Time to Value", "customers.time_to_value_days"),
        ("ARPA", "customers.average_revenue_per_account"),
    ],
)
def test_alias_resolves(bundled: Catalog, name: str, kpi_id: str) -> None:
    kpi = bundled.get(name)
    assert kpi is not None, name
    assert kpi.id == kpi_id


def test_unknown_name_resolves_to_none(bundled: Catalog) -> None:
    assert bundled.get("customer happiness index") is None
    assert "customer happiness index" not in bundled


def test_aliases_map_lower_case_names(bundled: Catalog) -> None:
    aliases = bundled.aliases()
    assert aliases["grr"] == "customers.gross_revenue_retention"
    assert aliases["gross revenue retention"] == "customers.gross_revenue_retention"
    assert aliases["customers.nps_score"] == "customers.nps_score"
    assert aliases["nps_score"] == "customers.nps_score"
    assert all(name == name.lower() for name in aliases)


def test_labels_prefer_short_label(bundled: Catalog) -> None:
    labels = bundled.labels()
    assert labels["customers.gross_revenue_retention"] == "GRR"
    assert labels["customers.logo_churn_rate"] == "Logo churn"
    assert set(labels) == set(bundled.ids())


@pytest.mark.parametrize(
    ("kpi_id", "higher", "unit", "lag"),
    [
        ("customers.gross_revenue_retention", True, Unit.PP, 90),
        ("customers.net_revenue_retention", True, Unit.PP, 180),
        ("customers.nps_score", True, Unit.PTS, 60),
        ("customers.logo_churn_rate", False, Unit.PP, 90),
        ("customers.churned_revenue", False, Unit.CURRENCY, 90),
        ("customers.total_customers", True, Unit.COUNT, 0),
    ],
)
def test_extension_fields_read(
    bundled: Catalog, kpi_id: str, higher: bool, unit: Unit, lag: int
) -> None:
    kpi = bundled.get(kpi_id)
    assert kpi is not None
    assert kpi.higher_is_better is higher
    assert kpi.native_unit is unit
    assert kpi.lag_days == lag


def test_days_unit_loads(bundled: Catalog) -> None:
    kpi = bundled.get("TTV")
    assert kpi is not None
    assert kpi.native_unit is Unit.DAYS
    assert kpi.higher_is_better is False


# Documentation


def test_every_kpi_is_documented(bundled: Catalog) -> None:
    docs = (REPOSITORY_DOCS / "catalog.md").read_text(encoding="utf-8")
    for kpi in bundled.kpis:
        assert kpi.description.strip(), f"{kpi.id} has no description"
        assert f"`{kpi.id}`" in docs, f"docs/catalog.md does not list {kpi.id}"


# Shapes the loader accepts


def test_full_envelope_keeps_unknown_fields(tmp_path: Path) -> None:
    catalog = load_catalog(write(tmp_path, SMALL_CATALOG))
    assert catalog.version == "2.1.0"
    assert str(catalog.released_at) == "2026-02-01"
    grr = catalog.get("customers.gross_revenue_retention")
    assert grr is not None
    assert grr.raw["futureKpiField"] == [1, 2, 3]
    assert grr.raw["benchmark"]["p25"] is None


def test_polarity_falls_back_to_benchmark(tmp_path: Path) -> None:
    catalog = load_catalog(write(tmp_path, SMALL_CATALOG))
    grr = catalog.get("customers.gross_revenue_retention")
    assert grr is not None
    assert grr.higher_is_better is True
    new = catalog.get("Brand New Metric")
    assert new is not None
    assert new.higher_is_better is None


def test_native_unit_falls_back_to_field_type(tmp_path: Path) -> None:
    catalog = load_catalog(write(tmp_path, SMALL_CATALOG))
    grr = catalog.get("customers.gross_revenue_retention")
    new = catalog.get("customers.brand_new_metric")
    assert grr is not None
    assert new is not None
    assert grr.native_unit is Unit.PP
    assert new.native_unit is None
    assert new.slug == "brand_new_metric"
    assert new.domain == "customers"


def test_single_kpi_envelope(tmp_path: Path) -> None:
    text = """{"version": "1.3.0", "releasedAt": "2026-05-20",
      "kpi": {"rogueId": "finance.cs_cost", "defaultLabel": "CS cost",
              "fieldType": "currency", "relatedKpiIds": null}}"""
    catalog = load_catalog(write(tmp_path, text))
    assert catalog.version == "1.3.0"
    assert catalog.ids() == ("finance.cs_cost",)
    kpi = catalog.kpis[0]
    assert kpi.native_unit is Unit.CURRENCY
    assert kpi.related_ids == ()


def test_bare_kpi_object(tmp_path: Path) -> None:
    text = '{"rogueId": "customers.nps_score", "defaultLabel": "NPS"}'
    catalog = load_catalog(write(tmp_path, text))
    assert catalog.version is None
    assert catalog.released_at is None
    assert catalog.ids() == ("customers.nps_score",)


@pytest.mark.real_data
def test_real_ontology_snapshot_loads(real_data: Path) -> None:
    path = real_data.joinpath(*REAL_SNAPSHOT)
    if not path.is_file():
        pytest.skip(f"real ontology response {path} is absent")
    catalog = load_catalog(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert catalog.version == document["version"]
    assert len(catalog) == 1
    kpi = catalog.kpis[0]
    assert kpi.id == document["kpi"]["rogueId"]
    assert kpi.label == document["kpi"]["defaultLabel"]
    assert kpi.raw == document["kpi"]
    assert kpi.native_unit is Unit.CURRENCY
    assert kpi.unit is None
    assert kpi.aliases == ()
    assert kpi.higher_is_better is None
    assert catalog.get(kpi.slug) is kpi


# Errors


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "version": "1.0.0",\n  "kpis": [,]\n}\n')
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert caught.value.line == 3
    assert caught.value.column == 12
    assert str(caught.value).startswith(f"{path}:3:12: invalid JSON")


def test_missing_rogue_id_names_index(tmp_path: Path) -> None:
    text = '{"version": "1.0.0", "kpis": [{"rogueId": "a.b", "defaultLabel": "B"},'
    text += ' {"defaultLabel": "No id"}]}'
    path = write(tmp_path, text)
    with pytest.raises(CatalogError, match=r"KPI #1 has no rogueId") as caught:
        load_catalog(path)
    assert str(path) in str(caught.value)


def test_missing_file_names_path(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.json"
    with pytest.raises(CatalogError, match="catalog file not found") as caught:
        load_catalog(path)
    assert str(path) in str(caught.value)
    assert "[catalog] path" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[]", "got a JSON array"),
        ('{"version": "1"}', "none of these keys is present"),
        ('{"kpis": {}}', '"kpis" must be a list'),
        ('{"kpis": [{"rogueId": "a.b"}]}', 'has no "defaultLabel"'),
        ('{"kpis": [{"rogueId": "a.b", "defaultLabel": 3}]}', "must be a string"),
        (
            '{"kpis": [{"rogueId": "a.b", "defaultLabel": "B"},'
            ' {"rogueId": "a.b", "defaultLabel": "B2"}]}',
            "defined twice",
        ),
        ('{"kpis": [], "kpis": []}', "appears twice"),
        ('{"releasedAt": "June", "kpis": []}', "releasedAt must be a date"),
        (
            '{"kpis": [{"rogueId": "a.b", "defaultLabel": "B",'
            ' "boardloop": {"nativeUnit": "percent"}}]}',
            "nativeUnit 'percent' is not one of",
        ),
        (
            '{"kpis": [{"rogueId": "a.b", "defaultLabel": "B",'
            ' "boardloop": {"kind": "vanity"}}]}',
            "kind 'vanity' is not one of",
        ),
        (
            '{"kpis": [{"rogueId": "a.b", "defaultLabel": "B",'
            ' "boardloop": {"higherIsBetter": "yes"}}]}',
            "higherIsBetter must be",
        ),
        (
            '{"kpis": [{"rogueId": "a.b", "defaultLabel": "B",'
            ' "boardloop": {"typicalLagDays": -5}}]}',
            "typicalLagDays must be a whole number",
        ),
        (
            '{"kpis": [{"rogueId": "a.b", "defaultLabel": "B",'
            ' "boardloop": {"typicalLagDays": 100000}}]}',
            "typicalLagDays must be at most 3650 days, got 100000",
        ),
        (
            '{"kpis": [{"rogueId": "a.b", "defaultLabel": "B",'
            ' "boardloop": {"refreshFrequency": "fortnightly"}}]}',
            "refreshFrequency 'fortnightly'",
        ),
        (
            '{"kpis": [{"rogueId": "a.b", "defaultLabel": "B",'
            ' "boardloop": {"aliases": "b"}}]}',
            "aliases must be a list of strings",
        ),
    ],
)
def test_bad_catalog_rejected(text: str, message: str) -> None:
    with pytest.raises(CatalogError, match=re.escape(message)) as caught:
        parse_catalog(text, name="company.json")
    assert str(caught.value).startswith("company.json")


def test_refresh_days_from_frequency() -> None:
    text = """{"kpis": [{"rogueId": "a.b", "defaultLabel": "B",
      "boardloop": {"refreshFrequency": "quarterly"}}]}"""
    catalog = parse_catalog(text, name="company.json")
    assert catalog.kpis[0].refresh_days == 91


def test_shared_name_is_ambiguous() -> None:
    text = """{"kpis": [
      {"rogueId": "customers.churn", "defaultLabel": "Churn"},
      {"rogueId": "finance.churn", "defaultLabel": "Churn"}]}"""
    catalog = parse_catalog(text, name="company.json")
    assert catalog.get("churn") is None
    assert catalog.ambiguous == {"churn": ("customers.churn", "finance.churn")}
    found = catalog.get("finance.churn")
    assert found is not None
    assert found.id == "finance.churn"


# Overlay


def test_merge_keeps_bundled_aliases(bundled: Catalog, tmp_path: Path) -> None:
    snapshot = load_catalog(write(tmp_path, SMALL_CATALOG))
    merged = merge_catalogs(bundled, snapshot)

    grr = merged.get("GRR")
    assert grr is not None
    assert grr.label == "Gross Revenue Retention (snapshot)"
    assert grr.description == "Snapshot wording."
    assert grr.lag_days == 90
    assert grr.raw["futureKpiField"] == [1, 2, 3]
    assert merged.get("Brand New Metric") is not None
    assert merged.get("NPS") is not None
    assert len(merged) == len(bundled) + 1
    assert merged.version == "2.1.0"
    assert merged.based_on == (bundled.version_label,)


def test_merge_overlay_extension_wins(bundled: Catalog) -> None:
    text = """{"version": "1.0.1", "kpis": [{
      "rogueId": "customers.nps_score", "defaultLabel": "NPS (relationship)",
      "boardloop": {"aliases": ["rNPS"], "typicalLagDays": 120}}]}"""
    merged = merge_catalogs(bundled, parse_catalog(text, name="company.json"))
    nps = merged.get("rnps")
    assert nps is not None
    assert nps.lag_days == 120
    assert "net promoter" in nps.aliases
    assert nps.short_label == "NPS"
    assert merged.get("net promoter") is nps


def test_load_merged_catalog(tmp_path: Path) -> None:
    merged = load_merged_catalog(write(tmp_path, SMALL_CATALOG))
    grr = merged.get("GRR")
    assert grr is not None
    assert grr.label == "Gross Revenue Retention (snapshot)"
    assert load_merged_catalog(None).version == load_catalog().version
