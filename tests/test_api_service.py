"""The REST API's operations face: health, readiness, OpenAPI, errors, limits, logs."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from openapi_spec_validator import validate

from test_api_support import COMPANY, bare_app, company_path

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

__all__ = ["bare_app"]

ERROR_KEYS = {"code", "message", "details", "request_id"}
REPOSITORY = Path(__file__).resolve().parents[1]


def test_healthz_answers_ok(bare_app: TestClient) -> None:
    response = bare_app.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.headers["X-Request-ID"]


def test_healthz_body_matches_docs(bare_app: TestClient) -> None:
    docs = (REPOSITORY / "docs" / "api.md").read_text(encoding="utf-8")
    row = next(
        line for line in docs.splitlines() if line.startswith("| `GET /healthz`")
    )
    documented = json.loads(row.split("200 `", 1)[1].split("`", 1)[0])
    assert bare_app.get("/healthz").json() == documented


def test_readyz_checks_migrated_database(bare_app: TestClient) -> None:
    response = bare_app.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


def test_openapi_document_validates(bare_app: TestClient) -> None:
    response = bare_app.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    paths = document["paths"]
    for path in (
        "/api/v1/companies",
        "/api/v1/companies/{company}/initiatives",
        "/api/v1/companies/{company}/initiatives/{key}",
        "/api/v1/companies/{company}/findings",
        "/api/v1/companies/{company}/evaluations",
        "/api/v1/companies/{company}/kpis",
        "/api/v1/companies/{company}/catalog",
        "/api/v1/companies/{company}/board-section",
        "/api/v1/companies/{company}/history",
    ):
        assert path in paths, path


def test_history_has_no_write_methods(bare_app: TestClient) -> None:
    paths = bare_app.get("/api/v1/openapi.json").json()["paths"]
    for path, operations in paths.items():
        if "history" in path:
            assert set(operations) == {"get"}, path


def test_missing_token_is_401(bare_app: TestClient) -> None:
    response = bare_app.get(f"{company_path()}/initiatives")
    assert response.status_code == 401
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == "unauthenticated"
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-token", "Bearer blt_abc_def", "Basic YWRhOnNlY3JldA==", "Bearer"],
)
def test_invalid_tokens_share_one_message(
    bare_app: TestClient, authorization: str
) -> None:
    missing = bare_app.get("/api/v1/companies").json()
    response = bare_app.get(
        "/api/v1/companies", headers={"Authorization": authorization}
    )
    assert response.status_code == 401
    assert response.json()["message"] == missing["message"]


def test_unknown_route_uses_error_shape(bare_app: TestClient) -> None:
    response = bare_app.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert set(response.json()) == ERROR_KEYS
    assert response.json()["code"] == "not_found"


def test_request_id_echoed_when_plain(bare_app: TestClient) -> None:
    response = bare_app.get("/healthz", headers={"X-Request-ID": "trace-42.a"})
    assert response.headers["X-Request-ID"] == "trace-42.a"
    odd = bare_app.get("/healthz", headers={"X-Request-ID": "has spaces\tand tabs"})
    assert odd.headers["X-Request-ID"] != "has spaces\tand tabs"


def test_error_body_carries_request_id(bare_app: TestClient) -> None:
    response = bare_app.get("/api/v1/companies")
    assert response.json()["request_id"] == response.headers["X-Request-ID"]


def test_body_over_limit_is_413(bare_app: TestClient) -> None:
    response = bare_app.post(
        f"{company_path()}/initiatives",
        content=b"x" * (64 * 1024 + 1),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "payload_too_large"
    assert body["details"] == {"max_body_bytes": 64 * 1024}


def test_streamed_body_over_limit_is_413(bare_app: TestClient) -> None:
    def chunks() -> object:
        for _ in range(20):
            yield b"y" * 4096

    response = bare_app.post(
        f"{company_path()}/initiatives",
        content=chunks(),  # type: ignore[arg-type]
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413


def test_request_log_is_json(
    bare_app: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    from boardloop.api._logging import JsonFormatter

    with caplog.at_level(logging.INFO, logger="boardloop.api.requests"):
        response = bare_app.get("/healthz")
    records = [item for item in caplog.records if item.name == "boardloop.api.requests"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["method"] == "GET"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert "principal" in line


def test_company_name_encoded_in_path() -> None:
    assert company_path(COMPANY) == "/api/v1/companies/Tallyfern%20Software"
