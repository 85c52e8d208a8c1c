"""Reporting a breach or online abuse through the pages (issue 3, item 3)."""

import re

import pytest
from sqlalchemy import func, select

from casework.models import Case, CaseEvent


def count_cases(session) -> int:
    return session.scalar(select(func.count()).select_from(Case))


@pytest.fixture
def housing(make_department, make_user):
    department = make_department("Housing")
    manager = make_user("manager", department=department, password=None, name="Morgan Manager")
    subject = make_user(department=department, line_manager=manager, password=None, name="Sam Subject")
    return {"department": department, "manager": manager, "subject": subject}


def breach_form(subject, **changes):
    form = {
        "subject_1": subject.email,
        "subject_2": "",
        "subject_3": "",
        "categories": ["confidential_information", "disrepute"],
        "platform": "facebook",
        "content_url": "https://www.facebook.com/posts/123",
        "incident_date": ["3", "2", "2026"],
        "description": "Posted a photo of a resident's letter with the address showing.",
        "severity": "high",
        "flags": ["personal_data_involved"],
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def reference_from(response) -> str:
    match = re.fullmatch(r"/cases/(SMC-\d{4}-\d{5})", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def test_the_report_pages_open(client, make_user, login_as):
    login_as(make_user())
    assert client.get("/report").status_code == 200
    for kind in ("breach", "abuse"):
        page = client.get(f"/report/{kind}")
        assert page.status_code == 200
        assert 'name="complainant_name"' not in page.get_data(as_text=True)


def test_an_unknown_kind_of_report_is_not_found(client, make_user, login_as):
    login_as(make_user())
    assert client.get("/report/gossip").status_code == 404


def test_an_employee_reports_a_breach(client, db_session, make_user, login_as, housing):
    reporter = make_user()
    login_as(reporter)
    client.get("/report/breach")
    response = client.post("/report/breach", data=breach_form(housing["subject"]))
    assert response.status_code == 302, response.get_data(as_text=True)
    reference = reference_from(response)
    case = db_session.scalar(select(Case).where(Case.reference == reference))
    assert (case.kind, case.source, case.stage, case.reporter_id) == (
        "breach",
        "employee_report",
        "reported",
        reporter.id,
    )
    assert [s.email for s in case.subjects] == [housing["subject"].email]
    assert case.categories == ["confidential_information", "disrepute"]
    assert (case.platform, case.content_url, case.severity) == (
        "facebook",
        "https://www.facebook.com/posts/123",
        "high",
    )
    assert case.incident_date.isoformat() == "2026-02-03"
    assert case.personal_data_involved and not case.criminal_offence
    assert case.complainant_name is None
    assert db_session.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id)) == 1

    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert f"Report sent. Your reference is {reference}." in html
    assert "Received" in html
    assert reference in client.get("/my-reports").get_data(as_text=True)


def test_an_employee_reports_abuse_they_suffered(client, db_session, make_user, login_as):
    victim = make_user()
    login_as(victim)
    client.get("/report/abuse")
    response = client.post(
        "/report/abuse",
        data={
            "categories": ["threats", "doxxing"],
            "platform": "x",
            "incident_date": ["14", "3", "2026"],
            "description": "Someone posted my home street and said they would visit.",
            "flags": ["criminal_offence"],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    case = db_session.scalar(select(Case).where(Case.reference == reference_from(response)))
    assert (case.kind, case.subjects, case.categories) == ("abuse", [], ["doxxing", "threats"])
    assert case.criminal_offence
    assert case.reference in client.get("/my-reports").get_data(as_text=True)


def test_abuse_may_name_a_member_of_staff(client, db_session, make_user, login_as, housing):
    login_as(make_user())
    client.get("/report/abuse")
    response = client.post(
        "/report/abuse",
        data={
            "subject_1": housing["subject"].email,
            "categories": ["harassment"],
            "platform": "whatsapp",
            "incident_date": ["1", "3", "2026"],
            "description": "Messages from a colleague every evening.",
        },
    )
    case = db_session.scalar(select(Case).where(Case.reference == reference_from(response)))
    assert case.subjects == [housing["subject"]]


def test_a_manager_logs_a_complaint_from_the_public(client, db_session, make_user, login_as, housing):
    login_as(make_user("manager", department=housing["department"]))
    page = client.get("/report/breach").get_data(as_text=True)
    assert 'name="complainant_name"' in page and 'name="complainant_contact"' in page
    response = client.post(
        "/report/breach",
        data=breach_form(
            housing["subject"],
            source="public_complaint",
            complainant_name="Rita Resident",
            complainant_contact="rita@example.org, 07700 900123",
        ),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    case = db_session.scalar(select(Case).where(Case.reference == reference_from(response)))
    assert (case.source, case.complainant_name, case.complainant_contact) == (
        "public_complaint",
        "Rita Resident",
        "rita@example.org, 07700 900123",
    )
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Rita Resident" in html and "07700 900123" in html


def test_a_public_complaint_needs_the_complainants_name(client, db_session, make_user, login_as, housing):
    login_as(make_user("hr"))
    client.get("/report/breach")
    before = count_cases(db_session)
    response = client.post("/report/breach", data=breach_form(housing["subject"], source="public_complaint"))
    assert response.status_code == 200
    assert "Enter the complainant&#39;s name" in response.get_data(as_text=True)
    assert count_cases(db_session) == before


def test_an_employee_cannot_log_a_complaint_for_someone_else(client, db_session, make_user, login_as, housing):
    login_as(make_user())
    client.get("/report/breach")
    response = client.post(
        "/report/breach",
        data=breach_form(housing["subject"], source="public_complaint", complainant_name="Someone Else"),
    )
    case = db_session.scalar(select(Case).where(Case.reference == reference_from(response)))
    assert (case.source, case.complainant_name) == ("employee_report", None)


def test_the_form_does_not_list_the_staff(client, make_user, login_as, housing):
    """At council scale the subject is looked up as you type (/people/search), not picked from every name."""
    reporter = make_user(name="Rhys Reporter")
    login_as(reporter)
    html = client.get("/report/breach").get_data(as_text=True)
    assert housing["subject"].email not in html
    assert 'data-subject-picker=""' in html and "accessible-autocomplete.min.js" in html


def test_a_leaver_can_still_be_named(client, make_user, login_as, housing, db_session):
    """Social Networking Policy appendix A 13: the duty of confidentiality continues after employment ends."""
    leaver = make_user(password=None, department=housing["department"])
    leaver.active = False
    db_session.flush()
    login_as(make_user(name="Rhys Reporter"))
    client.get("/report/breach")
    response = client.post("/report/breach", data=breach_form(leaver))
    assert response.status_code == 302
    case = db_session.scalar(select(Case).where(Case.reference == reference_from(response)))
    assert [s.email for s in case.subjects] == [leaver.email]


# --- validation errors: shown, input kept, nothing saved ----------------------------------------


def error_summary(html: str) -> list[tuple[str, str]]:
    """(target, message) for each link in the GOV.UK error summary."""
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert summary, "no error summary"
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary.group(0))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"subject_1": ""}, "subject_1", "Choose who the report is about"),
        ({"subject_1": "nobody@test.invalid"}, "subject_1", "Choose people from the staff directory"),
        ({"categories": []}, "categories", "Select at least one category"),
        ({"categories": ["threats"]}, "categories", "Select categories from the list"),
        ({"platform": ""}, "platform", "Select the platform"),
        (
            {"content_url": "javascript:alert(1)"},
            "content_url",
            "Enter a web address starting with http:// or https://",
        ),
        ({"incident_date": ["", "", ""]}, "incident_date", "Enter the date of the incident"),
        ({"incident_date": ["31", "2", "2026"]}, "incident_date", "Date of the incident must be a real date"),
        ({"incident_date": ["1", "1", "2999"]}, "incident_date", "Date of the incident must be today or in the past"),
        ({"description": "   "}, "description", "Describe what happened"),
        ({"description": "a\x00b"}, "description", "Description must not contain control characters"),
        ({"description": "x" * 20_001}, "description", "Description must be 20,000 characters or fewer"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None,
)
def test_a_bad_report_shows_the_error_and_saves_nothing(
    client, db_session, make_user, login_as, housing, changes, field, message
):
    login_as(make_user())
    client.get("/report/breach")
    before = count_cases(db_session)
    response = client.post("/report/breach", data=breach_form(housing["subject"], **changes))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<title>Error: Report a breach" in html
    summary = error_summary(html)
    assert any(message.replace("'", "&#39;") in text for _, text in summary), summary
    for target, _ in summary:
        assert f'id="{target}"' in html, f"the error summary links to #{target}, which is not on the page"
    assert count_cases(db_session) == before


def test_a_bad_report_keeps_what_was_typed(client, db_session, make_user, login_as, housing):
    login_as(make_user())
    client.get("/report/breach")
    typed = breach_form(
        housing["subject"],
        platform="",  # the one mistake
        description="They shared <b>the address</b> & phone number",
        content_url="https://www.facebook.com/posts/98765",
        incident_date=["17", "1", "2026"],
        severity="medium",
        flags=["safeguarding_concern"],
    )
    before = count_cases(db_session)
    response = client.post("/report/breach", data=typed)
    html = response.get_data(as_text=True)
    assert count_cases(db_session) == before
    assert "They shared &lt;b&gt;the address&lt;/b&gt; &amp; phone number" in html
    assert 'value="https://www.facebook.com/posts/98765"' in html
    assert re.search(
        rf'name="subject_1" type="email"\s+spellcheck="false"\s+value="{re.escape(housing["subject"].email)}"', html
    )
    for day_month_year in ('value="17"', 'value="1"', 'value="2026"'):
        assert day_month_year in html
    assert re.search(r'value="confidential_information" checked', html)
    assert re.search(r'value="disrepute" checked', html)
    assert re.search(r'value="medium" checked', html)
    assert re.search(r'value="safeguarding_concern" checked', html)


def test_every_problem_is_shown_at_once(client, db_session, make_user, login_as):
    login_as(make_user())
    client.get("/report/breach")
    response = client.post(
        "/report/breach", data={"incident_date": ["30", "2", "2026"], "content_url": "ftp://x", "description": ""}
    )
    targets = {target for target, _ in error_summary(response.get_data(as_text=True))}
    assert len(targets) >= 6, targets


def test_a_report_without_the_csrf_token_is_refused_and_saves_nothing(client, db_session, make_user, login_as, housing):
    login_as(make_user())
    before = count_cases(db_session)
    response = client.post("/report/breach", data=breach_form(housing["subject"]), csrf=False)
    assert response.status_code == 400
    assert count_cases(db_session) == before


def test_a_tampered_choice_gets_a_plain_message(client, db_session, make_user, login_as, housing):
    login_as(make_user("manager", department=housing["department"]))
    client.get("/report/breach")
    response = client.post("/report/breach", data=breach_form(housing["subject"], platform="myspace", source="rumour"))
    html = response.get_data(as_text=True)
    assert "Select the platform" in html
    assert "Select where the report came from" in html
    assert "Not a valid choice" not in html


def test_report_without_any_date_boxes_gets_a_clear_error(client, login_as, make_user, make_department):
    from sqlalchemy import func, select

    from casework.models import Case

    housing = make_department("Housing")
    subject = make_user(department=housing, password=None)
    login_as(make_user(department=housing))
    before = client.application.extensions["sqlalchemy"].session.scalar(select(func.count()).select_from(Case))
    for data in ({"incident_date": ["1", "2"]}, {}):
        client.get("/report/breach")
        response = client.post(
            "/report/breach",
            data={
                "subject_1": subject.email,
                "categories": ["defamation"],
                "platform": "x",
                "description": "Something happened",
                **data,
            },
        )
        assert response.status_code == 200
        assert b"There is a problem" in response.data
    after = client.application.extensions["sqlalchemy"].session.scalar(select(func.count()).select_from(Case))
    assert before == after
