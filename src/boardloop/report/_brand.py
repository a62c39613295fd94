"""The brand of the board pack: logo and colours, checked before renderers see them."""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "DEFAULT_ACCENT",
    "DEFAULT_PRIMARY",
    "MAX_LOGO_BYTES",
    "BrandView",
    "InvalidLogoError",
    "Logo",
    "logo_from_bytes",
]

DEFAULT_PRIMARY: Final = "#1a1a1a"
DEFAULT_ACCENT: Final = "#3d4a5c"
# A logo is embedded in every document; 5 MB keeps a pack mailable.
MAX_LOGO_BYTES: Final = 5_000_000

_COLOUR = re.compile(r"#[0-9a-f]{6}")
_SUFFIX_TYPES: Final = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}
MediaType = Literal["image/png", "image/jpeg", "image/svg+xml"]


class InvalidLogoError(ValueError):
    """A logo file whose content is not the image its name promises."""


@dataclass(frozen=True)
class Logo:
    """A logo's bytes and media type; `width` and `height` are pixels, None for SVG."""

    data: bytes
    media_type: MediaType
    width: int | None = None
    height: int | None = None

    @property
    def data_uri(self) -> str:
        """The logo as a `data:` URI, so documents need no file access."""
        encoded = base64.b64encode(self.data).decode("ascii")
        return f"data:{self.media_type};base64,{encoded}"


@dataclass(frozen=True)
class BrandView:
    """Colours as lower-case "#rrggbb" and an optional logo, ready for renderers."""

    primary: str = DEFAULT_PRIMARY
    accent: str = DEFAULT_ACCENT
    logo: Logo | None = None

    def __post_init__(self) -> None:
        # Renderers write the colours into CSS and XML unescaped.
        for name in ("primary", "accent"):
            value = getattr(self, name)
            if not _COLOUR.fullmatch(value):
                raise ValueError(f"brand {name} {value!r} is not a #rrggbb colour")


def logo_from_bytes(data: bytes, name: str) -> Logo:
    """Check that `data` is the PNG, JPEG or SVG image that the file `name` promises.

    Raises InvalidLogoError with what was expected.
    """
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    media_type = _SUFFIX_TYPES.get(suffix)
    if media_type is None:
        raise InvalidLogoError("the file name must end in .png, .jpg, .jpeg or .svg")
    if len(data) > MAX_LOGO_BYTES:
        raise InvalidLogoError(
            f"the file has {len(data):,} bytes, more than the {MAX_LOGO_BYTES:,} "
            "a logo may have; save a smaller image"
        )
    if media_type == "image/svg+xml":
        _check_svg(data)
        return Logo(data, "image/svg+xml")
    return _raster_logo(data, media_type)


def _raster_logo(data: bytes, media_type: str) -> Logo:
    """Open a PNG or JPEG with Pillow and check that its format matches its name."""
    from PIL import Image, UnidentifiedImageError

    expected = "PNG" if media_type == "image/png" else "JPEG"
    try:
        with Image.open(io.BytesIO(data)) as image:
            found = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise InvalidLogoError(
            f"the file is not a readable {expected} image"
        ) from error
    if found != expected:
        raise InvalidLogoError(
            f"the file is a {found} image, but its name ends like a {expected} file; "
            "rename it or convert it"
        )
    if media_type == "image/png":
        return Logo(data, "image/png", width, height)
    return Logo(data, "image/jpeg", width, height)


def _check_svg(data: bytes) -> None:
    """Check that the data is an XML document with an <svg> root element."""
    from lxml import etree  # type: ignore[import-untyped]

    # No entities, no network, no DTD: a logo is drawn, never fetched.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise InvalidLogoError(f"the file is not valid SVG XML ({error})") from error
    if etree.QName(root).localname != "svg":
        raise InvalidLogoError(
            f"the file's root element is <{etree.QName(root).localname}>, not <svg>"
        )
