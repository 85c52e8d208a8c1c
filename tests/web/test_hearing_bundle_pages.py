"""The hearing bundle on the pages and by the API: who gets it (200), who may see the case but not have it
(403) and who may not see the case at all (404); the link on the case page; each download logged; a case
with no hearing, and a certificate that cannot be used, answered with a clear message."""

import io
import shutil

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from casework.models import AccessLog
from casework.services.bundle import verify_bundle
from tests.bundle_samples import at_appeal, at_hearing, investigated, with_evidence
from tests.bundle_samples import council as bundle_council
from tests.web.test_api_fixtures import Api

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")

LINK = "Download hearing bundle"
# Pages: the people of the hearing get it; those who see the whole case otherwise are refused (403); the
# reporter, the person it is about, an admin and anyone else do not see the case at all (404)
PAGE_STATUS = {
    "owner": 200,
    "hr": 200,
    "investigator": 200,
    "officer": 200,
    "line_manager": 403,
    "colleague": 403,
    "reporter": 404,
    "subject": 404,
    "admin": 404,
    "stranger": 404,
}
# The API answers a reporter 403, as for the audit trail and the case report: they may see their report
API_STATUS = {**PAGE_STATUS, "reporter": 403}


@pytest.fixture
def people(make_department, make_user):
    return bundle_council(make_department, make_user)


@pytest.fixture
def heard(people, make_case):
    case = at_hearing(people, make_case)
    with_evidence(case, people["owner"])
    return case


def exports(db_session, case) -> list[tuple[int, str]]:
    rows = db_session.scalars(select(AccessLog).where(AccessLog.case_id == case.id, AccessLog.action == "export"))
    return [(row.user_id, row.detail) for row in rows]


@pytest.mark.parametrize("who", sorted(PAGE_STATUS))
def test_who_gets_the_bundle_on_the_pages(people, heard, login_as, db_session, who):
    client = login_as(people[who])
    response = client.get(f"/cases/{heard.reference}/bundle.pdf")
    assert response.status_code == PAGE_STATUS[who]
    if response.status_code == 200:
        assert response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"] == f'attachment; filename="{heard.reference}-hearing-bundle.pdf"'
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
        assert verify_bundle(response.data).valid
        [(user_id, detail)] = exports(db_session, heard)
        assert user_id == people[who].id and detail.startswith("hearing bundle PDF sha256 ")
    else:
        assert exports(db_session, heard) == []


@pytest.mark.parametrize("who", sorted(API_STATUS))
def test_who_gets_the_bundle_by_the_api(client, people, heard, db_session, who):
    api = Api(client)
    response = api.get(people[who], f"/cases/{heard.reference}/bundle.pdf")
    assert response.status_code == API_STATUS[who]
    if response.status_code == 200:
        assert response.mimetype == "application/pdf"
        assert len(PdfReader(io.BytesIO(response.data)).pages) == 12
        assert verify_bundle(response.data).valid
        assert [user for user, _ in exports(db_session, heard)] == [people[who].id]
    else:
        assert response.get_json()["error"]["code"] == {403: "forbidden", 404: "not_found"}[response.status_code]
        assert exports(db_session, heard) == []


def test_the_appeal_officer_gets_the_appeal_bundle(client, people, make_case, login_as, db_session):
    case = at_appeal(people, make_case)
    response = login_as(people["appeal_officer"]).get(f"/cases/{case.reference}/bundle.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{case.reference}-appeal-bundle.pdf"'
    assert Api(client).get(people["appeal_officer"], f"/cases/{case.reference}/bundle.pdf").status_code == 200


def test_the_case_page_links_to_the_bundle_for_the_people_of_the_hearing(people, heard, login_as):
    for who in ("owner", "hr", "investigator", "officer"):
        page = login_as(people[who]).get(f"/cases/{heard.reference}").get_data(as_text=True)
        assert LINK in page and f"/cases/{heard.reference}/bundle.pdf" in page, who
    for who in ("line_manager", "colleague"):
        page = login_as(people[who]).get(f"/cases/{heard.reference}").get_data(as_text=True)
        assert LINK not in page, who
    page = login_as(people["reporter"]).get(f"/cases/{heard.reference}").get_data(as_text=True)
    assert LINK not in page


def test_without_a_hearing_there_is_no_link_and_the_address_says_why(client, people, make_case, login_as, db_session):
    case = investigated(people, make_case)
    client = login_as(people["hr"])
    assert LINK not in client.get(f"/cases/{case.reference}").get_data(as_text=True)
    response = client.get(f"/cases/{case.reference}/bundle.pdf")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.reference}")
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "There is no hearing or appeal on this case yet" in page
    answer = Api(client).get(people["hr"], f"/cases/{case.reference}/bundle.pdf")
    assert answer.status_code == 409
    assert "There is no hearing or appeal on this case yet" in answer.get_json()["error"]["message"]
    assert exports(db_session, case) == []


def test_a_certificate_that_cannot_be_used_is_said_so(app, client, people, heard, login_as, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "BUNDLE_SIGNING_PKCS12", str(tmp_path / "missing.p12"))
    client = login_as(people["hr"])
    response = client.get(f"/cases/{heard.reference}/bundle.pdf")
    assert response.status_code == 302
    page = client.get(f"/cases/{heard.reference}").get_data(as_text=True)
    assert "The hearing bundle cannot be signed" in page and "missing.p12" in page
    answer = Api(client).get(people["hr"], f"/cases/{heard.reference}/bundle.pdf")
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "signing_unavailable"


def test_an_unknown_case_is_404_and_the_api_needs_a_token(client, people, login_as):
    assert login_as(people["hr"]).get("/cases/SMC-2099-99999/bundle.pdf").status_code == 404
    assert Api(client).get(people["hr"], "/cases/SMC-2099-99999/bundle.pdf").status_code == 404
    assert client.get("/api/v1/cases/SMC-2099-99999/bundle.pdf").status_code == 401
