"""The [brand] table of boardloop.toml: the logo and colours of board documents."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from boardloop.store._toml import toml_string

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "BRAND_KEYS",
    "LOGO_SUFFIXES",
    "BrandConfig",
    "read_brand",
    "render_brand",
]

BRAND_KEYS = ("logo", "primary", "accent")
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class BrandConfig:
    """The [brand] table as written; None where a key is absent.

    `logo` is a PNG, JPEG or SVG file relative to the workspace folder, and
    `primary` and `accent` are colours as lower-case "#rrggbb".
    """

    logo: PurePath | None = None
    primary: str | None = None
    accent: str | None = None


def read_brand(path: PurePath, document: Mapping[str, Any]) -> BrandConfig:
    """Check the [brand] table; the logo file itself is read when a pack is built."""
    from boardloop.store._config import ConfigError, read_table

    table = read_table(path, document, "brand", BRAND_KEYS)
    logo = table.get("logo")
    if logo is not None:
        suffixes = ", ".join(LOGO_SUFFIXES)
        if not isinstance(logo, str) or not logo.strip():
            raise ConfigError(
                path,
                "brand.logo",
                logo,
                "write the logo's file name relative to the workspace folder, "
                'such as logo = "logo.png"',
            )
        if PurePath(logo).suffix.lower() not in LOGO_SUFFIXES:
            raise ConfigError(
                path,
                "brand.logo",
                logo,
                f"name a PNG, JPEG or SVG file: the name must end in one of {suffixes}",
            )
    return BrandConfig(
        logo=None if logo is None else PurePath(logo),
        primary=read_colour(path, table, "primary"),
        accent=read_colour(path, table, "accent"),
    )


def read_colour(path: PurePath, table: Mapping[str, Any], key: str) -> str | None:
    """Return a "#rrggbb" colour in lower case, or None when absent."""
    from boardloop.store._config import ConfigError

    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not _COLOUR.fullmatch(value.strip()):
        raise ConfigError(
            path,
            f"brand.{key}",
            value,
            f'write a colour as # and six hex digits, such as {key} = "#1f4e79"',
        )
    return value.strip().lower()


def render_brand(brand: BrandConfig) -> list[str]:
    """Render the [brand] table, with commented examples for absent keys."""
    lines = [
        "[brand]",
        "# Logo (PNG, JPEG or SVG) on the PDF and PPTX board pack, relative to",
        "# this folder. Colours as #rrggbb: primary for headings and titles,",
        "# accent for rules and chart lines.",
    ]
    for key, value, example in (
        ("logo", brand.logo, "logo.png"),
        ("primary", brand.primary, "#1f4e79"),
        ("accent", brand.accent, "#c55a11"),
    ):
        if value is None:
            lines.append(f"# {key} = {toml_string(example)}")
        else:
            lines.append(f"{key} = {toml_string(str(value))}")
    return [*lines, ""]
