"""The HR summary's period is typed in GOV.UK date inputs (day, month, year). A date in
error is shown as a GOV.UK error, and the page then offers no figures and no downloads:
nothing for a period other than the one asked for. The ?from=&to= API is unchanged."""

import re
from datetime import timedelta
from html import unescape

from casework.services.deadlines import london_today

from .test_summary import cases  # noqa: F401  (fixture)

DOWNLOAD = re.compile(r'href="(/reports/summary\.(?:pdf|csv)\?[^"]+)"')


def boxes(day, month, year, name):
    return [(name, str(day)), (name, str(month)), (name, str(year))]


def downloads(html: str) -> list[str]:
    return [unescape(link) for link in DOWNLOAD.findall(html)]


def test_the_period_is_typed_in_day_month_and_year_boxes(client, login_as, cases):  # noqa: F811
    hr, _ = cases
    login_as(hr)
    html = client.get("/reports/summary").get_data(as_text=True)
    assert "govuk-date-input" in html
    for name in ("start", "end"):
        assert len(re.findall(rf'name="{name}"', html)) == 3
    today = london_today()
    start = today - timedelta(days=364)
    # The boxes hold the period shown, and the downloads are for it
    assert f'value="{today.year}"' in html and f'value="{start.day}"' in html
    assert downloads(html) == [
        f"/reports/summary.pdf?from={start.isoformat()}&to={today.isoformat()}",
        f"/reports/summary.csv?from={start.isoformat()}&to={today.isoformat()}",
    ]

    response = client.get("/reports/summary", query_string=boxes(1, 4, 2025, "start") + boxes(31, 3, 2026, "end"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Cases reported from 1 April 2025 to 31 March 2026" in html
    assert downloads(html) == [
        "/reports/summary.pdf?from=2025-04-01&to=2026-03-31",
        "/reports/summary.csv?from=2025-04-01&to=2026-03-31",
    ]
    assert client.get(downloads(html)[1]).status_code == 200


def test_a_bad_date_shows_an_error_and_no_figures_or_downloads(client, login_as, cases):  # noqa: F811
    hr, _ = cases
    login_as(hr)
    for query, message in (
        (boxes(31, 2, 2026, "start") + boxes(31, 3, 2026, "end"), "The start date must be a real date"),
        (boxes("01/12/2025", "", "", "start") + boxes(31, 3, 2026, "end"), "The start date must be a real date"),
        (boxes(1, 4, 2026, "start") + boxes(31, 3, 2026, "end"), "The end date must be the same as or after"),
        (boxes(1, 4, 2026, "start") + boxes("", "", "", "end"), "Enter the end date"),
        (boxes(1, 1, 9999, "start") + boxes(2, 1, 9999, "end"), "Enter a date from 1900 to 2999"),
    ):
        response = client.get("/reports/summary", query_string=query)
        html = response.get_data(as_text=True)
        assert response.status_code == 400, query
        assert "govuk-error-summary" in html and message in html, query
        assert re.search(r"<title>\s*Error: HR summary", html)
        # Nothing for the default (or any other) period
        assert downloads(html) == [], query
        assert "Download as" not in html and "Cases opened" not in html and "<svg" not in html, query
    # What was typed stays in the boxes, to be corrected
    html = client.get("/reports/summary", query_string=boxes(31, 2, 2026, "start")).get_data(as_text=True)
    assert 'value="31"' in html and 'value="2"' in html and 'value="2026"' in html


def test_iso_links_still_work_and_their_errors_offer_no_downloads(client, login_as, cases):  # noqa: F811
    hr, _ = cases
    login_as(hr)
    html = client.get("/reports/summary?from=2025-04-01&to=2026-03-31").get_data(as_text=True)
    assert "Cases reported from 1 April 2025 to 31 March 2026" in html
    assert 'value="2025"' in html and 'value="4"' in html
    response = client.get("/reports/summary?from=01/12/2025&to=2026-03-31")
    assert response.status_code == 400 and downloads(response.get_data(as_text=True)) == []
    # The API keeps its own form of the period
    assert client.get("/reports/summary.csv?from=2025-04-01&to=2026-03-31").status_code == 200
    assert client.get("/reports/summary.pdf?from=01/12/2025").status_code == 400
