"""The [brand] table, the logo checks and `boardloop report --format pdf|pptx`."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import zipfile
from pathlib import Path, PurePath

import pytest
from click.testing import CliRunner

from boardloop.cli.main import main
from boardloop.report import MAX_LOGO_BYTES, InvalidLogoError, logo_from_bytes
from boardloop.service import load_brand
from boardloop.store import (
    ConfigError,
    init_workspace,
    open_workspace,
    parse_config,
    render_config,
)

REPOSITORY = Path(__file__).resolve().parents[1]

BRANDED = """\
[company]
name = "Acme Ltd"

[brand]
logo = "art/logo.png"
primary = "#1F4E79"
accent = "#c55a11"
"""


def png(width: int = 30, height: int = 10, image_format: str = "PNG") -> bytes:
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (width, height), "#1f4e79").save(picture, format=image_format)
    return picture.getvalue()


def config_error(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, PurePath("acme/boardloop.toml"))
    return str(caught.value)


# The [brand] table


def test_brand_table_read() -> None:
    config = parse_config(BRANDED)
    assert config.brand.logo == PurePath("art/logo.png")
    assert config.brand.primary == "#1f4e79"
    assert config.brand.accent == "#c55a11"


def test_brand_table_absent_is_empty() -> None:
    config = parse_config('[company]\nname = "Acme Ltd"\n')
    assert config.brand.logo is None
    assert config.brand.primary is None
    assert config.brand.accent is None


def test_brand_table_round_trip() -> None:
    config = parse_config(BRANDED)
    text = render_config(config)
    assert "[brand]" in text
    assert parse_config(text) == config


def test_brand_commented_when_absent() -> None:
    text = render_config(parse_config('[company]\nname = "Acme Ltd"\n'))
    assert '# logo = "logo.png"' in text
    brand = parse_config(text).brand
    assert (brand.logo, brand.primary, brand.accent) == (None, None, None)


@pytest.mark.parametrize(
    ("line", "key", "written", "remedy"),
    [
        ('primary = "blue"', "brand.primary", '"blue"', "six hex digits"),
        ('accent = "#12345"', "brand.accent", '"#12345"', "six hex digits"),
        ("primary = 123456", "brand.primary", "123456", "six hex digits"),
        ('logo = "logo.gif"', "brand.logo", '"logo.gif"', ".png, .jpg, .jpeg, .svg"),
        ('logo = ""', "brand.logo", '""', "relative to the workspace folder"),
    ],
)
def test_brand_invalid_value_named(
    line: str, key: str, written: str, remedy: str
) -> None:
    message = config_error(f'[company]\nname = "Acme Ltd"\n\n[brand]\n{line}\n')
    assert message.startswith("acme/boardloop.toml: invalid value ")
    assert f"for key {key};" in message
    assert written in message
    assert remedy in message


def test_brand_unknown_key_named() -> None:
    message = config_error(
        '[company]\nname = "Acme Ltd"\n\n[brand]\ncolour = "#000000"\n'
    )
    assert "unknown key brand.colour" in message
    assert "logo, primary, accent" in message


def test_brand_not_a_table() -> None:
    message = config_error('brand = "blue"\n\n[company]\nname = "Acme Ltd"\n')
    assert "for key brand;" in message


# Logo files


def test_logo_png_size_read() -> None:
    logo = logo_from_bytes(png(30, 10), "logo.png")
    assert logo.media_type == "image/png"
    assert (logo.width, logo.height) == (30, 10)
    assert logo.data_uri.startswith("data:image/png;base64,")


def test_logo_jpeg_accepted() -> None:
    logo = logo_from_bytes(png(image_format="JPEG"), "logo.JPG")
    assert logo.media_type == "image/jpeg"


def test_logo_svg_accepted() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"/>'
    logo = logo_from_bytes(svg, "logo.svg")
    assert logo.media_type == "image/svg+xml"
    assert logo.width is None


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (
            png(image_format="JPEG"),
            "logo.png",
            "is a JPEG image, but its name ends like a PNG file",
        ),
        (b"not an image", "logo.png", "not a readable PNG image"),
        (png()[:40], "logo.png", "not a readable PNG image"),
        (b"<html/>", "logo.svg", "root element is <html>"),
        (b"<svg", "logo.svg", "not valid SVG XML"),
        (png(), "logo.bmp", "must end in .png"),
    ],
)
def test_logo_rejected_with_reason(data: bytes, name: str, expected: str) -> None:
    with pytest.raises(InvalidLogoError, match=expected):
        logo_from_bytes(data, name)


def test_logo_too_large_rejected() -> None:
    with pytest.raises(InvalidLogoError, match="more than the 5,000,000"):
        logo_from_bytes(b"\0" * (MAX_LOGO_BYTES + 1), "logo.png")


def test_svg_entities_not_expanded() -> None:
    svg = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
    )
    logo = logo_from_bytes(svg, "logo.svg")
    assert b"root:" not in logo.data


# Loading the brand of a workspace


def branded_workspace(tmp_path: Path, logo: bytes | None) -> Path:
    root = tmp_path / "acme"
    init_workspace(root, company="Acme Ltd").close()
    config = root / "boardloop.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        .replace('# logo = "logo.png"', 'logo = "art/logo.png"')
        .replace('# primary = "#1f4e79"', 'primary = "#1F4E79"'),
        encoding="utf-8",
    )
    if logo is not None:
        (root / "art").mkdir()
        (root / "art" / "logo.png").write_bytes(logo)
    return root


def test_load_brand_reads_logo(tmp_path: Path) -> None:
    workspace = open_workspace(branded_workspace(tmp_path, png(60, 20)))
    try:
        brand = load_brand(workspace)
    finally:
        workspace.close()
    assert brand.primary == "#1f4e79"
    assert brand.accent == "#3d4a5c"
    assert brand.logo is not None
    assert (brand.logo.width, brand.logo.height) == (60, 20)


def test_load_brand_missing_logo_named(tmp_path: Path) -> None:
    root = branded_workspace(tmp_path, None)
    workspace = open_workspace(root)
    try:
        with pytest.raises(ConfigError) as caught:
            load_brand(workspace)
    finally:
        workspace.close()
    message = str(caught.value)
    assert message.startswith(f"{root / 'boardloop.toml'}: invalid value ")
    assert '"art/logo.png" for key brand.logo' in message
    assert str(root / "art" / "logo.png") in message
    assert "No such file" in message


def test_load_brand_bad_logo_named(tmp_path: Path) -> None:
    root = branded_workspace(tmp_path, b"GIF89a not a png")
    workspace = open_workspace(root)
    try:
        with pytest.raises(ConfigError, match=r"brand\.logo.*not a readable PNG image"):
            load_brand(workspace)
    finally:
        workspace.close()


# The report command


def run(*args: str) -> tuple[int, bytes, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout_bytes, result.stderr


@pytest.mark.parametrize(
    ("output_format", "magic"), [("pdf", b"%PDF-"), ("pptx", b"PK")]
)
def test_report_writes_binary_file(
    tmp_path: Path, output_format: str, magic: bytes
) -> None:
    root = branded_workspace(tmp_path, png(60, 20))
    target = tmp_path / f"pack.{output_format}"
    code, _, stderr = run(
        "report", "-w", str(root), "--format", output_format, "-o", str(target)
    )
    assert code == 0, stderr
    data = target.read_bytes()
    assert data.startswith(magic)
    assert f"Wrote {target}" in stderr
    assert not list(tmp_path.glob(".pack.*.tmp"))
    if output_format == "pptx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert "ppt/presentation.xml" in archive.namelist()


def test_report_binary_to_pipe(tmp_path: Path) -> None:
    root = branded_workspace(tmp_path, png(60, 20))
    code, stdout, stderr = run("report", "-w", str(root), "--format", "pdf")
    assert code == 0, stderr
    assert stdout.startswith(b"%PDF-")


def test_report_bad_logo_is_usage_error(tmp_path: Path) -> None:
    root = branded_workspace(tmp_path, None)
    target = tmp_path / "pack.pdf"
    code, _, stderr = run(
        "report", "-w", str(root), "--format", "pdf", "-o", str(target)
    )
    assert code == 2
    assert "brand.logo" in stderr
    assert not target.exists()


def test_report_text_ignores_bad_logo(tmp_path: Path) -> None:
    root = branded_workspace(tmp_path, None)
    code, stdout, stderr = run("report", "-w", str(root), "--format", "md")
    assert code == 0, stderr
    assert b"## Customer Success Initiatives" in stdout


def test_report_binary_refused_on_terminal(tmp_path: Path) -> None:
    root = branded_workspace(tmp_path, png(60, 20))
    leader, follower = pty.openpty()
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY / "src")}
    try:
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "boardloop",
                "report",
                "-w",
                str(root),
                "--format",
                "pptx",
            ],
            stdout=follower,
            stderr=subprocess.PIPE,
            env=environment,
            timeout=120,
            check=False,
        )
    finally:
        os.close(follower)
    written = b""
    try:
        while chunk := os.read(leader, 4096):
            written += chunk
    except OSError:
        pass
    finally:
        os.close(leader)
    assert completed.returncode == 2
    assert b"-o board-pack.pptx" in completed.stderr
    assert b"PK" not in written
