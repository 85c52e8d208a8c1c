"""The letters pages and the subject access export page, through the test client."""

import hashlib
import html
import io
import json
import re
import zipfile

import holidays
import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from casework.domain.working_days import add_working_days
from casework.models import AccessLog, CaseEvent, Letter
from casework.services.audit import verify_all
from casework.services.deadlines import london_today
from casework.services.workflow import perform

# A working day more than HEARING_NOTICE_WORKING_DAYS (5) ahead: a hearing may be held then
NEXT_WEEK = add_working_days(london_today(), 7, holidays.country_holidays("GB", subdiv="ENG", years=range(2020, 2100)))


def act(case, actor, action, **params):
    return perform(case, actor, action, params, version=case.version)


@pytest.fixture
def council(make_department, make_user, make_case):
    housing = make_department("Housing")
    p = {
        "owner": make_user("manager", department=housing, name="Morgan Owen"),
        "other_manager": make_user("manager", department=housing, name="Nadia Other"),
        "investigator": make_user("manager", department=housing, name="Ian Vestigator"),
        "hr": make_user("hr", name="Harriet Rahman"),
        "reporter": make_user(department=housing, name="Rhys Reporter"),
        "stranger": make_user(name="Stella Stranger"),
        "subject": make_user(department=housing, name="Sam <script>alert(1)</script> Jones"),
    }
    case = make_case(p["reporter"], subjects=[p["subject"]])
    act(case, p["owner"], "take_ownership")
    act(case, p["owner"], "suspend_rights", subject=p["subject"].email, reason="Risk")
    act(case, p["owner"], "start_investigation", investigator=p["investigator"].email)
    p["case"] = case
    return p


def letter_url(case, kind, email):
    return f"/cases/{case.reference}/letters/{kind}?subject={email}"


def meeting_form(**changes):
    form = {
        "meeting_date": [str(NEXT_WEEK.day), str(NEXT_WEEK.month), str(NEXT_WEEK.year)],  # day, month, year boxes
        "meeting_time": "10:30am",
        "meeting_place": "Room <b>2</b>, Town Hall",
    }
    return {**form, **changes}


def test_owner_finds_letters_from_the_case_page(client, login_as, council):
    p, case = council, council["case"]
    login_as(p["owner"])
    client.get("/")  # a page with the new session's CSRF token
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert f'href="/cases/{case.reference}/letters"' in page

    response = client.get(f"/cases/{case.reference}/letters")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "To Sam &lt;script&gt;alert(1)&lt;/script&gt; Jones" in page
    assert "<script>alert(1)</script>" not in page
    for kind in ("investigation_meeting", "disciplinary_hearing", "suspension"):
        assert f"/letters/{kind}?subject=" in page
    assert "/letters/outcome?" not in page and "/letters/suspension_lifted?" not in page
    assert "No letters have been drafted on this case yet." in page


def test_invitation_is_drafted_edited_and_issued_from_the_pages(client, login_as, council, db_session):
    p, case = council, council["case"]
    login_as(p["owner"])
    client.get("/")  # a page with the new session's CSRF token
    url = letter_url(case, "disciplinary_hearing", p["subject"].email)
    page = client.get(url).get_data(as_text=True)
    assert "Invitation to a disciplinary hearing" in page and "trade union" in page  # the preview
    assert "[place]" in page

    drafted = client.post(url, data=meeting_form())
    assert drafted.status_code == 302
    draft_url = drafted.headers["Location"]
    letter = db_session.scalars(select(Letter).where(Letter.case_id == case.id)).one()
    assert draft_url.endswith(f"/cases/{case.reference}/letters/drafts/{letter.id}")
    editor = client.get(draft_url)
    assert editor.status_code == 200
    body = re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', editor.get_data(as_text=True), re.S).group(1)
    body = html.unescape(body).strip()
    assert "trade union" in body and "Room <b>2</b>, Town Hall" in body
    seen = re.search(r'name="seen"[^>]*value="([0-9a-f]{64})"', editor.get_data(as_text=True)).group(1)

    # A stale save keeps what was typed and says why
    db_session.execute(update(Letter).where(Letter.id == letter.id).values(body="Changed elsewhere"))
    db_session.commit()
    stale = client.post(draft_url, data={"body": body + "\n\nMy addition.", "seen": seen, "save": "Save the draft"})
    assert stale.status_code == 422
    assert "This letter changed since you opened it" in stale.get_data(as_text=True)
    assert "My addition." in stale.get_data(as_text=True)
    db_session.execute(update(Letter).where(Letter.id == letter.id).values(body=body))
    db_session.commit()

    issued = client.post(
        draft_url,
        data={"body": body + "\n\nPlease bring the notes you made.", "seen": seen, "issue": "Issue the letter"},
    )
    assert issued.status_code == 302
    db_session.refresh(letter)
    assert letter.status == "issued" and letter.body.endswith("Please bring the notes you made.")
    response = client.get(f"/cases/{case.reference}/letters/issued/{letter.id}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages)
    assert case.reference in text and "Sam <script>alert(1)</script> Jones" in text
    assert "Room <b>2</b>, Town Hall" in text and "accompanied" in text
    assert "Please bring the notes you made." in " ".join(text.split())

    event = db_session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action == "letter_issued")
    ).one()
    assert event.data["sha256"] == letter.sha256 == hashlib.sha256(letter.body.encode()).hexdigest()
    assert verify_all().intact

    listing = client.get(f"/cases/{case.reference}/letters").get_data(as_text=True)
    assert letter.sha256 in listing
    # An issued letter cannot be edited again: its draft page leads back to the list
    assert client.get(draft_url).status_code == 302


def test_missing_meeting_details_are_shown_as_errors(client, login_as, council, db_session):
    p, case = council, council["case"]
    login_as(p["hr"])
    client.get("/")  # a page with the new session's CSRF token
    url = letter_url(case, "investigation_meeting", p["subject"].email)
    response = client.post(
        url, data=meeting_form(meeting_time="", meeting_place="", meeting_date=["31", "2", str(NEXT_WEEK.year)])
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Error: Invitation to an investigation meeting" in page
    assert "Enter the time of the meeting" in page
    assert "The date of the meeting must be a real date" in page
    response = client.post(url, data=meeting_form(meeting_time="teatime"))
    assert response.status_code == 422 and "Enter the time like 10:30am or 14:00" in response.get_data(as_text=True)
    response = client.post(url, data={"meeting_time": "10:30", "meeting_place": "Town Hall"})  # no date boxes at all
    assert response.status_code == 422 and "Enter the date of the meeting" in response.get_data(as_text=True)
    assert not db_session.scalars(select(CaseEvent).where(CaseEvent.action == "letter_issued")).all()


def test_a_notice_needs_only_a_click(client, login_as, council):
    p, case = council, council["case"]
    login_as(p["hr"])
    client.get("/")  # a page with the new session's CSRF token
    response = client.post(letter_url(case, "suspension", p["subject"].email), data={})
    assert response.status_code == 302 and "/letters/drafts/" in response.headers["Location"]


def test_unknown_letters_and_people_are_not_found(client, login_as, council):
    p, case = council, council["case"]
    login_as(p["owner"])
    client.get("/")  # a page with the new session's CSRF token
    assert client.get(letter_url(case, "love_letter", p["subject"].email)).status_code == 404
    assert client.get(letter_url(case, "suspension", p["reporter"].email)).status_code == 404
    assert client.get(f"/cases/{case.reference}/letters/suspension").status_code == 404
    assert client.post(letter_url(case, "suspension", "nobody@test.invalid"), data={}).status_code == 404
    assert client.get("/cases/SMC-1999-00001/letters").status_code == 404


def test_a_letter_that_does_not_fit_the_stage_is_refused(client, login_as, council, db_session):
    p, case = council, council["case"]
    login_as(p["owner"])
    client.get("/")  # a page with the new session's CSRF token
    url = letter_url(case, "outcome", p["subject"].email)
    response = client.get(url)
    assert response.status_code == 409
    assert "outcome is recorded" in response.get_data(as_text=True)
    assert client.post(url, data={}).status_code == 409
    assert not db_session.scalars(select(CaseEvent).where(CaseEvent.action == "letter_issued")).all()


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_manager", 403), ("investigator", 403), ("reporter", 404), ("stranger", 404), ("subject", 404)],
)
def test_only_owner_and_hr_produce_letters(client, login_as, council, db_session, who, status):
    p, case = council, council["case"]
    login_as(p[who])
    client.get("/")  # a page with the new session's CSRF token
    assert client.get(f"/cases/{case.reference}/letters").status_code == status
    url = letter_url(case, "suspension", p["subject"].email)
    assert client.get(url).status_code == status
    assert client.post(url, data={}).status_code == status
    assert not db_session.scalars(select(CaseEvent).where(CaseEvent.action == "letter_issued")).all()
    if status == 403:
        page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
        assert f"/cases/{case.reference}/letters" not in page


# --- subject access -------------------------------------------------------------------


def test_hr_downloads_a_subject_access_export(client, login_as, council, db_session):
    p, case = council, council["case"]
    login_as(p["hr"])
    assert 'href="/subject-access"' in client.get("/").get_data(as_text=True)
    page = client.get("/subject-access").get_data(as_text=True)
    assert "Sam &lt;script&gt;alert(1)&lt;/script&gt; Jones" in page

    response = client.post("/subject-access", data={"person": str(p["subject"].id)})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="subject-access-')
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert sorted(archive.namelist()) == ["subject-access.json", "subject-access.pdf"]
    doc = json.loads(archive.read("subject-access.json"))
    assert [c["reference"] for c in doc["cases"]] == [case.reference]
    assert db_session.scalars(
        select(AccessLog).where(
            AccessLog.case_id == case.id, AccessLog.user_id == p["hr"].id, AccessLog.action == "export"
        )
    ).all()


def test_subject_access_needs_a_person(client, login_as, council):
    login_as(council["hr"])
    client.get("/")  # a page with the new session's CSRF token
    for value in ("", "999999", "not-a-number"):
        response = client.post("/subject-access", data={"person": value})
        assert response.status_code == 422
        assert "Choose a person from the staff directory" in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["owner", "reporter", "stranger"])
def test_subject_access_is_hidden_from_everyone_but_hr(client, login_as, council, who):
    login_as(council[who])
    assert "/subject-access" not in client.get("/").get_data(as_text=True)
    assert client.get("/subject-access").status_code == 404
    assert client.post("/subject-access", data={"person": str(council["subject"].id)}).status_code == 404
