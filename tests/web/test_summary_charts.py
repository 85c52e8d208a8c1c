"""The summary page's charts: drawn once for the same figures, and the same SVG as drawing them afresh."""

from casework.reports import charts
from casework.services.summary import chart_svg


def drawn_afresh(prefix, title, items, shape):
    drawing = charts.horizontal_bars(title, list(items)) if shape == "h" else charts.vertical_bars(title, list(items))
    description = "; ".join(f"{label}: {count}" for label, count in items) or "No cases"
    return charts.to_svg(drawing, title=title, description=description, prefix=prefix)


def test_a_chart_of_the_same_figures_is_the_svg_drawing_it_gives_and_other_figures_draw_another():
    items = (("Harassment or bullying", 12), ("Political activity", 3))
    first = chart_svg("chart-category", "Cases by category", items, "h")
    assert first == drawn_afresh("chart-category", "Cases by category", items, "h")
    assert chart_svg("chart-category", "Cases by category", items, "h") is first  # drawn once
    other = (("Harassment or bullying", 13), ("Political activity", 3))
    changed = chart_svg("chart-category", "Cases by category", other, "h")
    assert changed != first and "Harassment or bullying: 13" in changed
    months = (("2026-10", 4), ("2026-11", 0))
    assert chart_svg("chart-month", "Cases opened per month", months, "v") == drawn_afresh(
        "chart-month", "Cases opened per month", months, "v"
    )
    assert "No cases" in chart_svg("chart-platform", "Cases by platform", (), "h")
