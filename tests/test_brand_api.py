"""The API's board-section route in PDF and PPTX, with the workspace's brand."""

from __future__ import annotations

import io
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from boardloop.api import ApiSettings, create_app
from test_api_support import (
    COMPANY,
    ApiWorld,
    add_users,
    build_workspace,
    company_path,
    database_for,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

PPTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def png() -> bytes:
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (90, 30), "#1f4e79").save(picture, format="PNG")
    return picture.getvalue()


@contextmanager
def branded_world(root: Path, logo: bytes | None) -> Iterator[ApiWorld]:
    """Serve the API test workspace with a [brand] table naming art/logo.png."""
    from fastapi.testclient import TestClient

    build_workspace(root)
    config = root / "boardloop.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('# logo = "logo.png"', 'logo = "art/logo.png"')
    text = text.replace('# accent = "#c55a11"', 'accent = "#c55a11"')
    config.write_text(text, encoding="utf-8")
    if logo is not None:
        (root / "art").mkdir()
        (root / "art" / "logo.png").write_bytes(logo)
    settings = ApiSettings(workspace=root, max_body_bytes=64 * 1024)
    tokens = add_users(root, settings)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield ApiWorld(client=client, root=root, tokens=tokens)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiWorld]:
    root = tmp_path_factory.mktemp("brand") / "workspace"
    with database_for("sqlite"), branded_world(root, png()) as served:
        yield served


def get_pack(world: ApiWorld, output_format: str) -> tuple[int, dict[str, str], bytes]:
    response = world.client.get(
        f"{company_path()}/board-section?format={output_format}&as_of=2026-03-01",
        headers=world.headers("bo"),
    )
    return response.status_code, dict(response.headers), response.content


def test_pdf_served_as_attachment(world: ApiWorld) -> None:
    status, headers, body = get_pack(world, "pdf")
    assert status == 200, body[:300]
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"] == (
        'attachment; filename="board-section-tallyfern-software-2026-03-01.pdf"'
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    assert COMPANY in text


def test_pptx_served_as_attachment(world: ApiWorld) -> None:
    status, headers, body = get_pack(world, "pptx")
    assert status == 200, body[:300]
    assert headers["content-type"] == PPTX_TYPE
    assert headers["content-disposition"].endswith('-2026-03-01.pptx"')
    deck = Presentation(io.BytesIO(body))
    pictures = [
        shape
        for shape in deck.slides[0].shapes
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE
    ]
    assert len(pictures) == 1


def test_text_formats_stay_inline(world: ApiWorld) -> None:
    status, headers, _ = get_pack(world, "md")
    assert status == 200
    assert "content-disposition" not in headers


def test_openapi_lists_pack_formats(world: ApiWorld) -> None:
    document = world.client.get("/api/v1/openapi.json").json()
    route = document["paths"]["/api/v1/companies/{company}/board-section"]["get"]
    content = route["responses"]["200"]["content"]
    assert content["application/pdf"]["schema"]["format"] == "binary"
    assert content[PPTX_TYPE]["schema"]["format"] == "binary"
    parameter = next(p for p in route["parameters"] if p["name"] == "format")
    assert set(parameter["schema"]["enum"]) == {"md", "html", "json", "pdf", "pptx"}


def test_missing_logo_is_400(tmp_path: Path) -> None:
    with database_for("sqlite"), branded_world(tmp_path / "workspace", None) as broken:
        status, _, body = get_pack(broken, "pdf")
        assert status == 400
        assert b"brand.logo" in body
        status, _, _ = get_pack(broken, "json")
        assert status == 200
