"""The REST API's results: findings, evaluations, KPIs, catalog, board section."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from test_api_support import COMPANY, company_path, read_world

if TYPE_CHECKING:
    from test_api_support import ApiWorld

__all__ = ["read_world"]


def get(read_world: ApiWorld, path: str, login: str = "bo") -> dict[str, object]:
    response = read_world.client.get(
        f"{company_path()}{path}", headers=read_world.headers(login)
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_findings_name_rule_and_initiative(read_world: ApiWorld) -> None:
    body = get(read_world, "/findings?as_of=2026-03-01")
    assert body["as_of"] == "2026-03-01"
    items = body["items"]
    assert isinstance(items, list)
    stale = [item for item in items if item["initiative"] == "health-score-v2"]
    assert any("checkpoint" in item["message"].lower() for item in stale)
    assert isinstance(body["score"], float)
    counts = body["counts"]
    assert isinstance(counts, dict)
    assert set(counts) == {"error", "warning", "info"}
    assert sum(counts.values()) == len(items)


def test_findings_filter_and_pages(read_world: ApiWorld) -> None:
    everything = get(read_world, "/findings?as_of=2026-03-01")["items"]
    assert isinstance(everything, list)
    assert len(everything) >= 2
    paged: list[object] = []
    cursor = None
    while True:
        query = "as_of=2026-03-01&limit=1" + (f"&cursor={cursor}" if cursor else "")
        body = get(read_world, f"/findings?{query}")
        page = body["items"]
        assert isinstance(page, list)
        paged.extend(page)
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert paged == everything
    errors = get(read_world, "/findings?as_of=2026-03-01&severity=error")["items"]
    assert isinstance(errors, list)
    assert all(item["severity"] == "error" for item in errors)


def test_evaluations_give_verdicts(read_world: ApiWorld) -> None:
    body = get(read_world, "/evaluations?as_of=2026-03-01")
    items = body["items"]
    assert isinstance(items, list)
    verdicts = {item["initiative"]: item["verdict"] for item in items}
    assert verdicts == {
        "ebr-cadence": "no-data",
        "health-score-v2": "too-early",
        "onboarding-revamp": "too-early",
    }
    only = get(read_world, "/evaluations?as_of=2026-03-01&verdict=no-data")["items"]
    assert isinstance(only, list)
    assert [item["initiative"] for item in only] == ["ebr-cadence"]


def test_kpi_values_keep_digits(read_world: ApiWorld) -> None:
    body = get(read_world, "/kpis?kpi=GRR&segment=smb")
    items = body["items"]
    assert isinstance(items, list)
    assert [(item["period_end"], item["value"]) for item in items] == [
        ("2026-01-31", "85.0"),
        ("2026-02-28", "85.5"),
    ]
    assert items[0]["kpi"] == "customers.gross_revenue_retention"
    assert items[0]["n"] == 60


def test_kpi_values_paginate(read_world: ApiWorld) -> None:
    everything = get(read_world, "/kpis")["items"]
    assert isinstance(everything, list)
    assert len(everything) == 5
    first = get(read_world, "/kpis?limit=3")
    cursor = first["next_cursor"]
    assert isinstance(cursor, str)
    second = get(read_world, f"/kpis?limit=3&cursor={cursor}")
    assert second["next_cursor"] is None
    assert first["items"] + second["items"] == everything  # type: ignore[operator]


def test_catalog_lists_and_finds_alias(read_world: ApiWorld) -> None:
    body = get(read_world, "/catalog?limit=500")
    items = body["items"]
    assert isinstance(items, list)
    ids = [item["id"] for item in items]
    assert ids == sorted(ids)
    assert "customers.gross_revenue_retention" in ids
    grr = get(read_world, "/catalog/grr")
    assert grr["id"] == "customers.gross_revenue_retention"


def test_unknown_catalog_kpi_is_404(read_world: ApiWorld) -> None:
    response = read_world.client.get(
        f"{company_path()}/catalog/not-a-kpi", headers=read_world.headers("bo")
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("output_format", "media_type", "needle"),
    [
        ("md", "text/markdown", "## Customer Success Initiatives"),
        ("html", "text/html", "<html"),
        ("json", "application/json", COMPANY),
    ],
)
def test_board_section_formats(
    read_world: ApiWorld, output_format: str, media_type: str, needle: str
) -> None:
    response = read_world.client.get(
        f"{company_path()}/board-section?format={output_format}&as_of=2026-03-01",
        headers=read_world.headers("bo"),
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media_type)
    assert needle in response.text
    assert "Onboarding revamp" in response.text


def test_board_section_json_matches_schema(read_world: ApiWorld) -> None:
    import jsonschema

    from boardloop.report import json_schema

    response = read_world.client.get(
        f"{company_path()}/board-section?format=json&as_of=2026-03-01",
        headers=read_world.headers("bo"),
    )
    jsonschema.validate(json.loads(response.text), json_schema())


def test_board_section_unknown_format_is_422(read_world: ApiWorld) -> None:
    response = read_world.client.get(
        f"{company_path()}/board-section?format=docx", headers=read_world.headers("bo")
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
