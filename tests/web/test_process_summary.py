"""The HR summary counts appeals and builds its consistency table from final outcomes: the outcome that stands
for each person, an appeal's varied outcome in place of the original (Acceptable Use of Social Media Policy 9)."""

import csv
import io
from datetime import date

from pypdf import PdfReader

from casework.services.summary import Period, build_summary
from tests.integration.test_process_letters import act, at, decided, heard, people  # noqa: F401

from .test_api_fixtures import api_fixture  # noqa: F401  (fixtures)

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


def two_appeals(p, make_case, db_session):
    """Two cases decided alike (a final written warning for Sam); one appeal varied to a first written warning,
    the other upheld."""
    cases = []
    for result in ("varied", "upheld"):
        case = heard(p, make_case, db_session)
        decided(p, case)
        with at(10):
            act(
                case,
                p["manager"],
                "lodge_appeal",
                subject=p["subject"].email,
                grounds="g",
                appeal_officer=p["hos"].email,
            )
            extra = {"sanction": "first_written_warning"} if result == "varied" else {}
            act(case, p["hos"], "decide_appeal", subject=p["subject"].email, result=result, reason="r", **extra)
        cases.append(case)
    return cases


EXPECTED_APPEALS = {"lodged": 2, "upheld": 1, "varied": 1, "overturned": 0}
EXPECTED_CONSISTENCY = {
    "confidential_information": {
        "first_written_warning": 1,  # the varied outcome, not the final written warning it replaced
        "final_written_warning": 1,  # upheld
        "no_action": 2,
        "referred_to_contractor": 2,
    }
}


def test_summary_counts_appeals_and_final_outcomes(people, make_case, db_session):  # noqa: F811
    two_appeals(people, make_case, db_session)
    with at(20):
        summary = build_summary(MARCH)
    assert summary.appeals == EXPECTED_APPEALS
    assert summary.consistency == EXPECTED_CONSISTENCY
    assert summary.by_category == {"confidential_information": 2}  # cases, however many people in them
    assert summary.by_sanction == {
        "first_written_warning": 1,
        "final_written_warning": 1,
        "no_action": 2,
        "referred_to_contractor": 2,
    }
    # An appeal counts in the period it was lodged or decided in
    with at(20):
        assert build_summary(Period(MARCH.start, MARCH.start)).appeals == dict.fromkeys(EXPECTED_APPEALS, 0)


def test_the_page_csv_pdf_and_api_give_the_appeals(people, make_case, db_session, client, login_as, api):  # noqa: F811
    two_appeals(people, make_case, db_session)
    hr = people["hr"]
    query = "?from=2026-03-01&to=2026-03-31"
    response = api.get(hr, f"/reports/summary.json{query}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["appeals"] == EXPECTED_APPEALS
    assert body["consistency"] == EXPECTED_CONSISTENCY

    login_as(hr)
    html = client.get(f"/reports/summary{query}").get_data(as_text=True)
    assert "Appeals" in html and 'id="appeals-varied">1<' in html and 'id="appeals-lodged">2<' in html
    rows = list(csv.reader(io.StringIO(client.get(f"/reports/summary.csv{query}").data.decode("utf-8-sig"))))
    values = {(r[0], r[2]): r[3] for r in rows[1:]}
    assert values[("appeals", "lodged")] == "2" and values[("appeals", "upheld")] == "1"
    assert values[("consistency", "confidential_information/first_written_warning")] == "1"
    pdf = client.get(f"/reports/summary.pdf{query}").data
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Appeals" in text and "Varied: a different sanction 1" in text and "Lodged 2" in text
