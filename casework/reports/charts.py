"""Bar charts drawn with reportlab.graphics: the same drawing goes into the PDF
and, rendered as SVG, onto the summary page."""

import re
from xml.sax.saxutils import escape, unescape

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from .common import FONT, FONT_BOLD

BAR = colors.HexColor("#1d70b8")
INK = colors.HexColor("#0b0c0c")


def _clean(label: str, limit: int = 48) -> str:
    label = "".join(c for c in str(label) if ord(c) >= 32)
    return label if len(label) <= limit else label[: limit - 1] + "…"


def horizontal_bars(title: str, items: list[tuple[str, int]], width: int = 480) -> Drawing:
    """One bar per item, labelled, largest first."""
    items = items or [("No cases", 0)]
    bar_space = 16
    height = 40 + bar_space * len(items)
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 14, _clean(title, 80), fontName=FONT_BOLD, fontSize=10, fillColor=INK))
    chart = HorizontalBarChart()
    chart.x, chart.y = 200, 20
    chart.width, chart.height = width - 230, bar_space * len(items)
    chart.data = [[count for _, count in reversed(items)]]
    chart.categoryAxis.categoryNames = [_clean(label, 40) for label, _ in reversed(items)]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7.5
    top = max(count for _, count in items)
    chart.valueAxis.valueMax = max(top, 1) * 1.1
    chart.valueAxis.valueStep = max(1, round(max(top, 1) / 5))
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def vertical_bars(title: str, items: list[tuple[str, int]], width: int = 480, height: int = 200) -> Drawing:
    items = items or [("none", 0)]
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 14, _clean(title, 80), fontName=FONT_BOLD, fontSize=10, fillColor=INK))
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 30
    chart.width, chart.height = width - 40, height - 60
    chart.data = [[count for _, count in items]]
    chart.categoryAxis.categoryNames = [_clean(label, 8) for label, _ in items]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 45 if len(items) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(items) > 8 else "n"
    chart.valueAxis.valueMin = 0
    top = max(count for _, count in items)
    chart.valueAxis.valueMax = max(top, 1) * 1.15
    chart.valueAxis.valueStep = max(1, round(max(top, 1) / 5))
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    return drawing


# The properties reportlab writes in `style` attributes, which SVG also takes as attributes
PRESENTATION_ATTRIBUTES = frozenset(
    {
        "clip-path",
        "fill",
        "fill-opacity",
        "fill-rule",
        "font-family",
        "font-size",
        "font-weight",
        "stroke",
        "stroke-dasharray",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
    }
)
PAGE_FONTS = {"Vera": ("arial, sans-serif", None), "Vera-Bold": ("arial, sans-serif", "bold")}


def _style_to_attributes(match: re.Match) -> str:
    """` style="fill: red; stroke: none"` -> ` fill="red" stroke="none"`: the page's
    Content-Security-Policy blocks inline style attributes, but not SVG's own attributes."""
    attributes = {}
    for declaration in unescape(match.group(1), {"&quot;": '"'}).split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        if name not in PRESENTATION_ATTRIBUTES or not value:
            continue
        if name == "font-family" and value in PAGE_FONTS:
            value, weight = PAGE_FONTS[value]
            if weight:
                attributes["font-weight"] = weight
        attributes[name] = value
    return "".join(f' {name}="{escape(value, {chr(34): "&quot;"})}"' for name, value in attributes.items())


def to_svg(drawing: Drawing, *, title: str, description: str, prefix: str) -> str:
    """Inline SVG for a page: no XML prolog, ids unique to this chart (`prefix`), a
    title and description for screen readers, and no `style` attributes (see
    `_style_to_attributes`)."""
    svg = renderSVG.drawToString(drawing)
    svg = re.sub(r'\s+style="([^"]*)"', _style_to_attributes, svg)
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg)
    svg = re.sub(r"\s*<title>\.\.\.</title>\s*<desc>\.\.\.</desc>", "", svg)
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    svg = re.sub(r"<svg ", '<svg role="img" focusable="false" ', svg, count=1)
    heading = f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
    return re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + heading, svg, count=1)
