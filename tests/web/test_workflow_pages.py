"""Taking cases through the workflow on the web pages, as the right people."""

import io
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from casework.domain.working_days import add_working_days
from casework.models import Case, CaseEvent, Evidence, PublishingRight, SocialAccount, utcnow
from casework.services.audit import verify_all
from casework.services.deadlines import bank_holidays, london_today
from tests.process_steps import act as lodge
from tests.process_steps import decide, report_and_hearing

LONDON = ZoneInfo("Europe/London")

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def people(make_department, make_user, db_session):
    housing = make_department("Housing")
    manager = make_user("manager", department=housing)
    investigator = make_user("manager", department=housing)
    hr = make_user("hr")
    subject = make_user(department=housing, line_manager=manager, password=None)
    reporter = make_user(department=housing)
    account = SocialAccount(platform="facebook", handle="HousingPage", department_id=housing.id, status="active")
    db_session.add(account)
    db_session.flush()
    db_session.add(PublishingRight(user_id=subject.id, account_id=account.id, trained_on=date(2025, 1, 1)))
    db_session.flush()
    return dict(manager=manager, investigator=investigator, hr=hr, subject=subject, reporter=reporter, account=account)


def do(client, case, action, **data):
    page = client.get(f"/cases/{case.reference}/actions/{action}")
    assert page.status_code == 200, page.data
    return client.post(f"/cases/{case.reference}/actions/{action}", data={"version": str(case.version), **data})


def switch(client, login_as, user):
    client.post("/sign-out", data={})
    login_as(user)


def test_breach_lifecycle_on_pages(client, login_as, people, make_case, db_session):
    p = people
    case = make_case(p["reporter"], subjects=[p["subject"]])
    login_as(p["manager"])
    page = client.get(f"/cases/{case.reference}")
    assert b"Take ownership" in page.data

    assert do(client, case, "take_ownership").status_code == 302
    assert case.stage == "assessment"
    response = do(client, case, "suspend_rights", subject=p["subject"].email, reason="Posted resident data")
    assert response.status_code == 302, response.data
    assert case.stage == "rights_suspended"
    right = db_session.scalar(select(PublishingRight).where(PublishingRight.user_id == p["subject"].id))
    assert right.status == "suspended"

    assert do(client, case, "start_investigation", investigator=p["investigator"].email).status_code == 302
    assert case.stage == "investigation"

    upload = client.post(
        f"/cases/{case.reference}/evidence",
        data={"file": (io.BytesIO(PNG), "screenshot.png"), "description": "The post"},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302, upload.data
    evidence = db_session.scalar(select(Evidence).where(Evidence.case_id == case.id))
    download = client.get(f"/cases/{case.reference}/evidence/{evidence.id}")
    assert download.status_code == 200 and download.data == PNG
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"

    switch(client, login_as, p["investigator"])
    assert (
        do(
            client,
            case,
            "add_note",
            kind="interview",
            interviewee_name="Sam Jones",
            interviewee_role="subject",
            text="Admitted it",
        ).status_code
        == 302
    )

    # The investigator's report: a finding on each allegation, a summary and a recommendation
    response = do(
        client,
        case,
        "record_investigation_report",
        finding_0="substantiated",
        summary="The post came from the subject's account.",
        recommendation="disciplinary_hearing",
    )
    assert response.status_code == 302, response.data
    assert case.investigation_report.recommendation == "disciplinary_hearing"

    switch(client, login_as, p["hr"])
    assert do(client, case, "record_hr_advice", text="A first written warning is consistent.").status_code == 302
    # A formal sanction cannot be given without a hearing
    response = do(
        client, case, "record_outcome", finding_0="substantiated", sanction_0="first_written_warning", summary="s"
    )
    assert response.status_code == 422 and b"only after a disciplinary hearing" in response.data
    day = add_working_days(london_today(), 6, bank_holidays())
    # A Saturday is refused with the reason, next to the date
    saturday = day + timedelta(days=(5 - day.weekday()) % 7 or 7)
    response = do(
        client,
        case,
        "arrange_hearing",
        hearing_officer=p["hr"].email,
        hearing_date=[str(saturday.day), str(saturday.month), str(saturday.year)],
        hearing_time="10:30",
        subjects=[p["subject"].email],
    )
    assert response.status_code == 422 and b"cannot be on a Saturday" in response.data
    response = do(
        client,
        case,
        "arrange_hearing",
        hearing_officer=p["hr"].email,
        hearing_date=[str(day.day), str(day.month), str(day.year)],
        hearing_time="10:30",
        subjects=[p["subject"].email],
    )
    assert response.status_code == 302, response.data
    assert case.stage == "hearing" and case.hearing_officer_id == p["hr"].id
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "Hearing officer" in page and "Investigation report" in page and "HR advice" in page

    case.hearing.hearing_at = utcnow() - timedelta(hours=2)  # the day of the hearing has come
    db_session.commit()
    outcome_page = client.get(f"/cases/{case.reference}/actions/record_outcome")
    assert b"Warnings on record" in outcome_page.data and b"Sanctions in similar cases" in outcome_page.data
    response = do(
        client,
        case,
        "record_outcome",
        finding_0="substantiated",
        sanction_0="first_written_warning",
        rights_decision_0="restored",
        summary="Breach of confidentiality",
        attended="The subject and their representative",
        companion="A trade union representative",
    )
    assert response.status_code == 302, response.data
    assert case.stage == "outcome"
    db_session.refresh(right)
    assert right.status == "active"
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "the appeal window is open" in page
    refused = client.get(f"/cases/{case.reference}/actions/close")
    assert refused.status_code == 409 and b"appeal window is open" in refused.data
    response = do(client, case, "waive_appeal", subject=p["subject"].email, reason="Said so in a letter")
    assert response.status_code == 302, response.data
    assert do(client, case, "close").status_code == 302
    assert case.stage == "closed"
    assert verify_all().intact


def test_missing_reason_shows_error_and_changes_nothing(client, login_as, people, make_case, db_session):
    case = make_case(people["reporter"], subjects=[people["subject"]])
    login_as(people["manager"])
    do(client, case, "take_ownership")
    events = db_session.scalar(select(func.count()).select_from(CaseEvent))
    response = do(client, case, "close_no_further_action", reason="")
    assert response.status_code == 422
    assert b"Enter the reason" in response.data
    assert db_session.scalar(select(func.count()).select_from(CaseEvent)) == events
    assert case.stage == "assessment"


def test_stale_form_is_refused(client, login_as, people, make_case, db_session):
    case = make_case(people["reporter"], subjects=[people["subject"]])
    login_as(people["manager"])
    old_version = case.version
    do(client, case, "take_ownership")
    response = client.post(
        f"/cases/{case.reference}/actions/close_no_further_action",
        data={"version": str(old_version), "reason": "Informal advice given"},
        follow_redirects=True,
    )
    assert b"changed since you opened it" in response.data
    assert db_session.get(Case, case.id).stage == "assessment"


def test_disguised_upload_refused(client, login_as, people, make_case, db_session):
    case = make_case(people["reporter"], subjects=[people["subject"]])
    login_as(people["hr"])
    do(client, case, "take_ownership")
    response = client.post(
        f"/cases/{case.reference}/evidence",
        data={"file": (io.BytesIO(b"<html><script>alert(1)</script></html>"), "photo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert b"must be a PNG" in response.data
    assert db_session.scalar(select(func.count()).select_from(Evidence)) == 0


def test_reporter_cannot_reach_actions(client, login_as, people, make_case):
    case = make_case(people["reporter"], subjects=[people["subject"]])
    login_as(people["reporter"])
    assert client.get(f"/cases/{case.reference}/actions/take_ownership").status_code == 404
    assert client.get(f"/cases/{case.reference}/evidence").status_code == 404


def test_abuse_case_support_visible_to_victim(client, login_as, people, make_case):
    case = make_case(people["reporter"], kind="abuse", subjects=[])
    login_as(people["manager"])
    do(client, case, "take_ownership")
    assert do(client, case, "record_support", text="Asked the platform to remove the posts").status_code == 302
    assert case.stage == "support"
    switch(client, login_as, people["reporter"])
    page = client.get(f"/cases/{case.reference}")
    assert b"Asked the platform to remove the posts" in page.data


def _at_hearing(client, login_as, people, make_case, db_session, *, held_days_ago=None):
    """A case at the hearing stage, its hearing 6 working days ahead (or `held_days_ago` days ago), with HR
    signed in."""
    p = people
    case = make_case(p["reporter"], subjects=[p["subject"]])
    login_as(p["manager"])
    assert do(client, case, "take_ownership").status_code == 302
    started = do(client, case, "start_investigation", investigator=p["investigator"].email, no_suspension_reason="n")
    assert started.status_code == 302, started.data
    report_and_hearing(case, p["hr"], hr=p["hr"])
    if held_days_ago is None:
        day = add_working_days(london_today(), 6, bank_holidays())
        case.hearing.hearing_at = datetime.combine(day, time(10), tzinfo=LONDON).astimezone(UTC)
    else:
        case.hearing.hearing_at = utcnow() - timedelta(days=held_days_ago)
    db_session.commit()
    switch(client, login_as, p["hr"])
    return case


def _boxes(day):
    return [str(day.day), str(day.month), str(day.year)]


@pytest.mark.parametrize("typed", ["ten", "25:99", "10:7", "13pm"])
def test_unreadable_time_is_marked_on_the_time_box(client, login_as, people, make_case, db_session, typed):
    case = _at_hearing(client, login_as, people, make_case, db_session)
    day = add_working_days(london_today(), 7, bank_holidays())
    version = case.version
    response = do(client, case, "postpone_hearing", hearing_date=_boxes(day), hearing_time=typed, reason="Ill")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="hearing_time-error"' in page and "Enter the time as hours and minutes, like 10:30" in page
    assert 'id="hearing_date-error"' not in page and "2026-12-10T10:00" not in page
    assert case.version == version and not case.hearing.postponed


def test_missing_time_is_asked_for_on_the_time_box(client, login_as, people, make_case, db_session):
    case = _at_hearing(client, login_as, people, make_case, db_session)
    day = add_working_days(london_today(), 7, bank_holidays())
    response = do(client, case, "postpone_hearing", hearing_date=_boxes(day), hearing_time=" ", reason="Ill")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="hearing_time-error"' in page and "Enter the time, like 10:30" in page
    assert 'id="hearing_date-error"' not in page
    # A time outside the working day is also said on the time box; a readable one moves the hearing
    response = do(client, case, "postpone_hearing", hearing_date=_boxes(day), hearing_time="9pm", reason="Ill")
    page = response.get_data(as_text=True)
    assert 'id="hearing_time-error"' in page and "Choose a time in the working day" in page
    assert 'id="hearing_date-error"' not in page
    response = do(client, case, "postpone_hearing", hearing_date=_boxes(day), hearing_time="2.30pm", reason="Ill")
    assert response.status_code == 302, response.data
    assert case.hearing.postponed


@pytest.mark.parametrize("typed", ["ten", "25:99"])
def test_arranging_a_hearing_marks_an_unreadable_time_on_the_time_box(
    client, login_as, people, make_case, db_session, typed
):
    p = people
    case = make_case(p["reporter"], subjects=[p["subject"]])
    login_as(p["manager"])
    do(client, case, "take_ownership")
    do(client, case, "start_investigation", investigator=p["investigator"].email, no_suspension_reason="n")
    switch(client, login_as, p["investigator"])
    do(
        client,
        case,
        "record_investigation_report",
        finding_0="substantiated",
        summary="s",
        recommendation="disciplinary_hearing",
    )
    switch(client, login_as, p["hr"])
    day = add_working_days(london_today(), 6, bank_holidays())
    fields = dict(hearing_officer=p["hr"].email, hearing_date=_boxes(day), subjects=[p["subject"].email])
    response = do(client, case, "arrange_hearing", hearing_time=typed, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="hearing_time-error"' in page and "Enter the time as hours and minutes, like 10:30" in page
    assert 'id="hearing_date-error"' not in page
    assert case.stage == "investigation"
    response = do(client, case, "arrange_hearing", hearing_time="", **fields)
    page = response.get_data(as_text=True)
    assert 'id="hearing_time-error"' in page and 'id="hearing_date-error"' not in page
    assert case.stage == "investigation"


def _appealed(client, login_as, people, make_case, make_user):
    """A case whose first written warning is appealed, its appeal officer (a head of service) signed in."""
    p = people
    appeal_officer = make_user("head_of_service")
    case = make_case(p["reporter"], subjects=[p["subject"]])
    login_as(p["manager"])
    do(client, case, "take_ownership")
    do(client, case, "start_investigation", investigator=p["investigator"].email, no_suspension_reason="n")
    decide(case, p["hr"], sanction="first_written_warning", hr=p["hr"])
    lodge(
        case,
        p["hr"],
        "lodge_appeal",
        subject=p["subject"].email,
        grounds="Too severe",
        appeal_officer=appeal_officer.email,
    )
    assert case.stage == "appeal"
    switch(client, login_as, appeal_officer)
    return case


def test_the_appeal_officer_opens_the_case_page_they_see_through_the_appeal(
    client, login_as, people, make_case, make_user, db_session
):
    """The case page reads a case's appeals only when it has some, and before deciding who may see it: the
    appeal officer, related to the case by the appeal alone, sees the page and the appeal on it."""
    case = _appealed(client, login_as, people, make_case, make_user)
    db_session.expire_all()  # the page loads the case afresh, as in a request of its own
    response = client.get(f"/cases/{case.reference}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Appeals</h2>" in page and "Too severe" in page


def test_a_sanction_left_ticked_is_ignored_unless_the_appeal_is_varied(
    client, login_as, people, make_case, make_user, db_session
):
    case = _appealed(client, login_as, people, make_case, make_user)
    email = people["subject"].email
    # "Varied", a sanction ticked, then "Upheld" picked: a reason missing is the only thing said, and the
    # sanction is not shown ticked again
    response = do(client, case, "decide_appeal", subject=email, result="upheld", sanction="training", reason="")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Enter the reason" in page
    assert "only when the outcome is varied" not in page
    assert 'value="training" checked' not in page and 'checked value="training"' not in page
    response = do(client, case, "decide_appeal", subject=email, result="upheld", sanction="training", reason="Fair")
    assert response.status_code == 302, response.data
    appeal = case.appeals[0]
    assert appeal.result == "upheld" and case.outcome_for(people["subject"].id).sanction == "first_written_warning"


def test_appeal_forms_sent_empty_ask_whose_appeal_it_is(client, login_as, people, make_case, make_user, db_session):
    case = _appealed(client, login_as, people, make_case, make_user)
    response = do(client, case, "decide_appeal")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Choose whose appeal this is" in page
    assert "whose rights this concerns" not in page


def test_a_hearing_past_the_latest_new_date_cannot_be_postponed(client, login_as, people, make_case, db_session):
    case = _at_hearing(client, login_as, people, make_case, db_session, held_days_ago=20)
    url = f"/cases/{case.reference}/actions/postpone_hearing"
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert f'href="{url}"' not in page
    assert "Postpone the hearing</strong> is not possible now: The hearing was set for" in page
    assert "no date is left to postpone it to" in page and "the hearing officer records the outcome" in page
    form = client.get(url)
    assert form.status_code == 409 and "no date is left to postpone it to" in form.get_data(as_text=True)
    day = add_working_days(london_today(), 2, bank_holidays())
    version = case.version
    response = client.post(
        url, data={"version": str(version), "hearing_date": _boxes(day), "hearing_time": "10:00", "reason": "Ill"}
    )
    assert response.status_code == 409
    assert case.version == version and not case.hearing.postponed


def test_a_hearing_held_today_may_still_be_postponed(client, login_as, people, make_case, db_session):
    case = _at_hearing(client, login_as, people, make_case, db_session, held_days_ago=0)
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert f'href="/cases/{case.reference}/actions/postpone_hearing"' in page
    assert "Postpone the hearing</strong> is not possible" not in page
