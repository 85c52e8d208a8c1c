"""The JSON API's reports (DESIGN §7, §10): the sealed case report and the HR summary as JSON, CSV and PDF."""

import csv
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from casework.models import AccessLog
from casework.services.deadlines import london_today
from casework.services.exports import verify_report

from .test_api_fixtures import (  # noqa: F401  (fixtures)
    Api,
    access_actions,
    api_fixture,
    case_row,
    council_fixture,
    count,
)


def pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def owned_case(api: Api, p) -> str:
    """A breach in Housing, reported by Rita, owned by Mo, investigated by Ivy."""
    reference = api.report(p["reporter"], subjects=[p["subject"].email])["reference"]
    api.act(p["manager"], reference, "take_ownership")
    api.act(
        p["manager"],
        reference,
        "start_investigation",
        investigator=p["investigator"].email,
        no_suspension_reason="The post was removed the same day",
    )
    return reference


# --- the case report -------------------------------------------------------------


def test_the_owner_downloads_a_sealed_case_report(api: Api, council, db_session):
    p = council
    reference = owned_case(api, p)
    exports_before = count(db_session, AccessLog, AccessLog.action == "export")

    response = api.get(p["manager"], f"/cases/{reference}/report.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")
    assert response.headers["Content-Disposition"] == f'attachment; filename="{reference}-case-report.pdf"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    pages = pdf_text(response.data)
    assert pages and all("OFFICIAL-SENSITIVE" in page for page in pages)
    assert reference in pages[0]
    assert f"of {len(pages)}" in pages[-1]
    check = verify_report(response.data)
    assert check.valid, check.message
    assert check.reference == reference
    assert check.version == str(case_row(db_session, reference).version)

    assert count(db_session, AccessLog, AccessLog.action == "export") == exports_before + 1
    row = case_row(db_session, reference)
    logged = db_session.query(AccessLog).filter_by(case_id=row.id, action="export").one()
    assert (logged.user_id, logged.detail) == (p["manager"].id, "case report PDF")


def test_a_changed_byte_breaks_the_seal(api: Api, council):
    p = council
    reference = owned_case(api, p)
    data = api.get(p["hr"], f"/cases/{reference}/report.pdf").data
    assert verify_report(data).valid
    at = data.index(reference.encode())
    altered = data[:at] + b"X" + data[at + 1 :]
    assert not verify_report(altered).valid


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("hr", 200),
        ("manager", 200),  # the owner
        ("manager2", 403),  # a manager of the same department who does not own it
        ("investigator", 403),
        ("head", 404),  # a head of service sees only contractor cases
        ("reporter", 403),  # sees the reporter's view, as with the audit trail
        ("outsider", 404),
        ("admin", 404),
        ("subject", 404),
    ],
)
def test_only_hr_and_the_owner_get_the_case_report(api: Api, council, db_session, who, status):
    p = council
    reference = owned_case(api, p)
    if who == "reporter":  # the events endpoint answers the same
        assert api.get(p[who], f"/cases/{reference}/events").status_code == 403
    before = access_actions(db_session, reference).count("export")

    response = api.get(p[who], f"/cases/{reference}/report.pdf")

    assert response.status_code == status
    if status == 200:
        assert response.mimetype == "application/pdf"
        assert access_actions(db_session, reference).count("export") == before + 1
    else:
        assert response.mimetype == "application/json"
        assert response.get_json()["error"]["code"] == {403: "forbidden", 404: "not_found"}[status]
        assert access_actions(db_session, reference).count("export") == before


def test_an_unknown_case_report_is_404_and_a_token_is_needed(api: Api, council):
    p = council
    assert api.get(p["hr"], "/cases/SMC-2099-99999/report.pdf").status_code == 404
    reference = owned_case(api, p)
    response = api.get(None, f"/cases/{reference}/report.pdf")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorised"


# --- the HR summary ------------------------------------------------------------------


@pytest.fixture(name="seeded")
def seeded_fixture(api: Api, council):
    """Three cases this year: a breach with an outcome, a breach just reported, abuse referred to the police."""
    p = council
    decided = api.report(
        p["reporter"], subjects=[p["subject"].email], categories=["confidential_information", "disrepute"]
    )["reference"]
    api.act(p["manager"], decided, "take_ownership")
    api.act(
        p["manager"], decided, "start_investigation", investigator=p["investigator"].email, no_suspension_reason="-"
    )
    api.act(p["hr"], decided, "record_outcome", finding="substantiated", sanction="training", summary="4.2")
    api.report(p["reporter"], subjects=[p["subject"].email], categories=["political"], platform="x")
    abuse = api.report(p["victim"], kind="abuse", categories=["threats"], platform="instagram")["reference"]
    api.act(p["manager"], abuse, "take_ownership")
    api.act(p["manager"], abuse, "refer", agency="police", reason="Threats to kill")
    return p


EXPECTED = {
    "opened": 3,
    "closed": 0,
    "by_stage": {"outcome": 1, "reported": 1, "referred": 1},
    "by_kind": {"breach": 2, "abuse": 1},
    "by_category": {"confidential_information": 1, "disrepute": 1, "political": 1, "threats": 1},
    "by_platform": {"facebook": 1, "x": 1, "instagram": 1},
    "by_department": {"Housing": 3},
    "by_staff_type": {"employee": 2},
    "by_outcome": {"substantiated": 1},
    "by_sanction": {"training": 1},
    "referrals": {"police": {"pending": 1}},
    "consistency": {
        "confidential_information": {"training": 1},
        "disrepute": {"training": 1},
    },
}


def test_the_summary_json_has_the_figures_of_the_seeded_cases(api: Api, seeded):
    response = api.get(seeded["hr"], "/reports/summary.json")  # checked against the document by the client

    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    for name, value in EXPECTED.items():
        assert body[name] == value, name
    assert body["durations"] == {
        "outcomes_timed": 1,
        "median_working_days_to_outcome": 0.0,
        "p90_working_days_to_outcome": 0.0,
    }
    assert body["overdue"] == {"total": 0, "by_deadline": {}}
    assert body["long_suspensions"] == []
    assert sum(body["opened_per_month"].values()) == 3


def test_the_period_chooses_the_cases(api: Api, seeded):
    response = api.get(seeded["hr"], "/reports/summary.json?from=2020-01-01&to=2020-12-31")
    body = response.get_json()
    assert response.status_code == 200
    assert body["period"] == {"from": "2020-01-01", "to": "2020-12-31"}
    assert body["opened"] == 0 and body["by_stage"] == {} and body["by_sanction"] == {}
    assert body["durations"]["median_working_days_to_outcome"] is None


def test_the_csv_has_the_same_figures_and_opens_in_excel(api: Api, seeded):
    start, end = london_today() - timedelta(days=30), london_today()
    response = api.get(seeded["hr"], f"/reports/summary.csv?from={start}&to={end}")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    assert response.headers["Content-Disposition"] == f'attachment; filename="hr-summary-{start}-to-{end}.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["section", "item", "code", "value"]
    values = {(r[0], r[2]): r[3] for r in rows[1:]}
    for name in ("by_stage", "by_kind", "by_category", "by_platform", "by_outcome", "by_sanction"):
        for code, number in EXPECTED[name].items():
            assert values[(name, code)] == str(number), (name, code)
    assert values[("consistency", "disrepute/training")] == "1"


def test_the_summary_pdf(api: Api, seeded):
    response = api.get(seeded["hr"], "/reports/summary.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="hr-summary-')
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    pages = pdf_text(response.data)
    assert all("OFFICIAL-SENSITIVE" in page for page in pages)
    text = "\n".join(pages)
    assert "Cases opened" in text and "Confidential or personal information disclosed" in text


@pytest.mark.parametrize("who", ["manager", "head", "reporter", "admin", "investigator"])
@pytest.mark.parametrize("extension", ["json", "csv", "pdf"])
def test_only_hr_gets_the_summary(api: Api, council, who, extension):
    # the role is checked first: a bad period does not tell anyone else anything
    for query in ("", "?from=nonsense"):
        response = api.get(council[who], f"/reports/summary.{extension}{query}")
        assert response.status_code == 403, query
        assert response.get_json()["error"]["code"] == "forbidden"
    assert api.get(None, f"/reports/summary.{extension}").status_code == 401


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("from=2026-02-31&to=2026-03-01", {"from"}),
        ("from=2026-04-01&to=nonsense", {"to"}),
        ("from=20260401", {"from"}),  # date.fromisoformat would take it; the contract says YYYY-MM-DD
        ("from=2026W141", {"from"}),
        ("from=2026-03-02&to=2026-03-01", {"to"}),
        ("from=2010-01-01&to=2026-01-01", {"from"}),  # longer than ten years
        ("from=9999-12-30&to=9999-12-31", {"from", "to"}),  # the day after would overflow
        ("from=0001-01-01&to=0001-01-02", {"from", "to"}),
        ("from=%00&to=2026-01-01", {"from"}),
    ],
)
@pytest.mark.parametrize("extension", ["json", "csv", "pdf"])
def test_a_bad_period_is_400_and_nothing_else(api: Api, council, db_session, query, fields, extension):
    before = count(db_session, AccessLog)

    response = api.get(council["hr"], f"/reports/summary.{extension}?{query}")

    assert response.status_code == 400 and response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == "bad_request" and error["message"] == "The period is not valid"
    assert set(error["fields"]) == fields
    assert set(response.get_json()) == {"error"}
    assert "Content-Disposition" not in response.headers
    assert count(db_session, AccessLog) == before


def test_the_summary_page_keeps_the_shared_period_rules(client, login_as, council):
    login_as(council["hr"])
    assert client.get("/reports/summary?from=2026-01-01&to=2026-03-31").status_code == 200
    page = client.get("/reports/summary?from=9999-12-30&to=9999-12-31")
    assert page.status_code == 400 and b"Enter a date from 1900 to 2999" in page.data
    assert client.get("/reports/summary.csv?from=9999-12-30&to=9999-12-31").status_code == 400


def test_the_document_describes_the_reports(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    summary = doc["components"]["schemas"]["Summary"]
    breakdowns = ["by_stage", "by_kind", "by_category", "by_platform", "by_department", "by_outcome", "by_sanction"]
    assert {*breakdowns, "durations", "overdue"} <= set(summary["required"])
    assert summary["properties"]["by_sanction"]["propertyNames"] == {"$ref": "#/components/schemas/Sanction"}
    for extension, media in (("json", "application/json"), ("csv", "text/csv"), ("pdf", "application/pdf")):
        operation = doc["paths"][f"/reports/summary.{extension}"]["get"]
        assert media in operation["responses"]["200"]["content"]
        assert {"400", "401", "403"} <= set(operation["responses"])
        parameters = [doc["components"]["parameters"][p["$ref"].rsplit("/", 1)[-1]] for p in operation["parameters"]]
        assert [(p["name"], p["in"]) for p in parameters] == [("from", "query"), ("to", "query")]
    report = doc["paths"]["/cases/{reference}/report.pdf"]["get"]["responses"]
    assert "application/pdf" in report["200"]["content"] and {"403", "404"} <= set(report)
