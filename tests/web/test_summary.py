"""The HR summary: page, PDF and CSV with the same figures."""

import csv
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from casework.models import utcnow
from casework.reports.summary_report import safe_cell
from casework.services.summary import Period, build_summary
from casework.services.workflow import perform


@pytest.fixture
def cases(make_department, make_user, make_case):
    housing = make_department("Housing")
    hr = make_user("hr")
    investigator = make_user("manager", department=housing)
    subject = make_user(department=housing, password=None)
    contractor = make_user(department=housing, staff_type="contractor", password=None)
    reporter = make_user(department=housing)
    made = []
    for n, (category, platform) in enumerate(
        [("defamation", "x"), ("defamation", "facebook"), ("political", "x"), ("harassment", "tiktok")]
    ):
        case = make_case(
            reporter, subjects=[contractor if n == 3 else subject], categories=[category], platform=platform
        )
        made.append(case)
    for case in made[:2]:
        perform(case, hr, "take_ownership", {}, version=case.version)
        perform(
            case,
            hr,
            "start_investigation",
            {"investigator": investigator.email, "no_suspension_reason": "n/a"},
            version=case.version,
        )
        perform(
            case,
            hr,
            "record_outcome",
            {"finding": "substantiated", "sanction": "training", "summary": "Done"},
            version=case.version,
        )
    perform(made[2], hr, "take_ownership", {}, version=made[2].version)
    perform(made[2], hr, "refer", {"agency": "police", "reason": "Threats"}, version=made[2].version)
    return hr, made


def test_summary_counts(app, cases):
    summary = build_summary(Period.last_year())
    assert summary.opened == 4
    assert summary.by_category == {"defamation": 2, "political": 1, "harassment": 1}
    assert summary.by_platform == {"x": 2, "facebook": 1, "tiktok": 1}
    assert summary.by_stage == {"outcome": 2, "referred": 1, "reported": 1}
    assert summary.by_department == {"Housing": 4}
    assert summary.by_staff_type == {"employee": 3, "contractor": 1}
    assert summary.by_sanction == {"training": 2}
    assert summary.consistency == {"defamation": {"training": 2}}
    assert summary.referrals == {"police": {"pending": 1}}
    assert summary.outcomes_timed == 2 and summary.median_working_days_to_outcome == 0
    future = build_summary(Period(utcnow().date() + timedelta(days=400), utcnow().date() + timedelta(days=401)))
    assert future.opened == 0 and future.by_category == {}


def test_page_pdf_and_csv_agree(client, login_as, cases):
    hr, made = cases
    login_as(hr)
    page = client.get("/reports/summary")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html and "Cases by category" in html and "Consistency of outcomes" in html

    pdf = client.get("/reports/summary.pdf")
    assert pdf.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "OFFICIAL-SENSITIVE" in text and "Cases opened" in text and "Defamation" in text

    response = client.get("/reports/summary.csv")
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["section", "item", "code", "value"]
    values = {(r[0], r[2]): r[3] for r in rows[1:]}
    assert values[("by_category", "defamation")] == "2"
    assert values[("by_platform", "x")] == "2"
    assert values[("consistency", "defamation/training")] == "2"
    assert [r[3] for r in rows if r[1] == "opened"] == ["4"]


def test_bad_period_gets_a_clear_error(client, login_as, cases):
    hr, _ = cases
    login_as(hr)
    response = client.get("/reports/summary?from=2026-02-31&to=2026-03-01")
    assert response.status_code == 400
    assert b"Enter the start date as YYYY-MM-DD" in response.data
    response = client.get("/reports/summary?from=2026-03-02&to=2026-03-01")
    assert b"must be the same as or after the start date" in response.data
    assert client.get("/reports/summary.csv?from=nonsense").status_code == 400


def test_only_hr_sees_reports(client, login_as, make_user):
    login_as(make_user("manager"))
    assert client.get("/reports/summary").status_code == 404
    assert client.get("/reports/summary.pdf").status_code == 404


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "\rx", "\uff1d1+1", "\uff0bSUM(A1)", "\uff0d2", "\uff20cmd"],
)
def test_csv_cells_never_start_a_formula(value):
    assert safe_cell(value).startswith("'")
    assert safe_cell("Defamation") == "Defamation"


@pytest.mark.parametrize("sign", ["=", "\uff1d", "\uff0b", "\uff0d", "\uff20"])
def test_a_department_named_like_a_formula_is_escaped_in_the_csv(
    client, login_as, make_department, make_user, make_case, sign
):
    """Issue 14, 4: Excel and LibreOffice read a full-width ＝ ＋ － ＠ as the ASCII sign."""
    name = f'{sign}HYPERLINK("https://evil.example","Housing")'
    department = make_department(name)
    hr = make_user("hr")
    make_case(make_user(department=department), subjects=[make_user(department=department, password=None)])
    login_as(hr)
    response = client.get("/reports/summary.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row if "HYPERLINK" in cell]
    assert cells and all(cell == "'" + name for cell in cells), cells
