"""Render the board section as a PDF board pack with WeasyPrint."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from boardloop.report._html import _code_spans_html, _finalize
from boardloop.report._svg import chart_svg

if TYPE_CHECKING:
    from boardloop.report._brand import BrandView
    from boardloop.report._view import BoardSection, ChartView

__all__ = ["layout_pdf", "print_html", "render_pdf"]

# WeasyPrint 70 styles an inline <svg> only from a <style> element inside it,
# not from the page's stylesheet, so each chart carries its own.
_CHART_STYLE = """<style>
text {{ font: 9px "DejaVu Sans", sans-serif; fill: #555555; }}
.series {{ fill: none; stroke: {accent}; stroke-width: 1.5; }}
.point {{ fill: {accent}; }}
.band {{ fill: #e6eaf0; }}
.target {{ stroke: #1b6e3a; stroke-width: 1; stroke-dasharray: 4 3; }}
.launch, .deadline {{ stroke: #1a1a1a; stroke-width: 1; }}
.lag-end {{ stroke: #555555; stroke-width: 1; stroke-dasharray: 1 2; }}
.lag {{ fill: #f0f0ec; }}
.control {{ fill: none; stroke: #777777; stroke-width: 1.2; stroke-dasharray: 5 3; }}
</style>"""


@cache
def _environment() -> jinja2.Environment:
    # The same escaping and clean-up as the HTML section.
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("boardloop.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    environment.filters["code_spans"] = _code_spans_html
    environment.filters["chart_svg"] = _styled_chart
    return environment


def _styled_chart(chart: ChartView, brand: BrandView) -> Markup:
    """Return the chart's SVG with a <style> element, in the brand's accent colour."""
    opening, bracket, rest = str(chart_svg(chart)).partition(">")
    style = _CHART_STYLE.format(accent=brand.accent)
    return Markup(opening + bracket + style + rest)


def print_html(section: BoardSection, brand: BrandView) -> str:
    """Return the HTML page that WeasyPrint lays out as the PDF pack."""
    template = _environment().get_template("print.html.j2")
    return template.render(section=section, brand=brand)


def layout_pdf(section: BoardSection, brand: BrandView) -> Any:
    """Lay out the pack's pages and return WeasyPrint's `Document`.

    The fetcher accepts only `data:` URIs, so neither the page nor an SVG
    logo can read a local file or reach the network.
    """
    import weasyprint  # type: ignore[import-untyped]
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    fetcher = URLFetcher(allowed_protocols={"data"})
    page = weasyprint.HTML(
        string=print_html(section, brand), base_url=None, url_fetcher=fetcher
    )
    return page.render()


def render_pdf(section: BoardSection, brand: BrandView) -> bytes:
    """Render the section as an A4 landscape PDF with page numbers and a footer."""
    pdf: bytes = layout_pdf(section, brand).write_pdf()
    return pdf
