"""The case page reads its notes and events as plain rows: they give what the case's records give."""

import pytest

from casework.services import cases as case_service
from casework.services import exports
from casework.services.events import record_event
from casework.services.workflow import perform


@pytest.fixture
def worked_case(make_department, make_user, make_case, db_session):
    """A breach case taken on, investigated (an investigator named by e-mail, who is not otherwise on the
    case), noted, with an event of the system's (no one's) and a reporter's note."""
    housing = make_department("Housing")
    hr = make_user("hr", name="Harriet HR")
    investigator = make_user("manager", department=housing, name="Ivy Investigator")
    reporter = make_user(department=housing, name="Rhys Reporter")
    case = make_case(reporter, subjects=[make_user(department=housing, name="Sam Subject")])

    def act(actor, action, **params):
        perform(case, actor, action, params, version=case.version)

    act(hr, "take_ownership")
    act(hr, "start_investigation", investigator=investigator.email, no_suspension_reason="A personal page")
    act(investigator, "add_note", kind="interview", text="Spoke to the subject.", interviewee_name="Sam Subject",
        interviewee_role="subject")  # fmt: skip
    act(hr, "add_note", kind="note", text="Checked the post <b>is</b> gone.")
    case_service.add_information(case, reporter, "Another screenshot.", version=case.version)
    record_event(case, None, "reminder_sent", data={"to": investigator.email})
    db_session.commit()
    return {"case": case, "hr": hr, "reporter": reporter}


def test_the_chronology_of_plain_rows_is_the_chronology_of_the_records(worked_case, db_session):
    case = worked_case["case"]
    db_session.expire_all()
    rows = case_service.page_events(case)
    from_records = exports.chronology(case)
    assert [row.seq for row in rows] == sorted(event.seq for event in case.events)
    assert exports.chronology(case, rows) == from_records
    assert len(from_records) >= 6
    assert {line.actor for line in from_records} >= {"System", "Harriet HR", "Ivy Investigator", "Rhys Reporter"}
    assert any("Ivy Investigator" in line.details for line in from_records)  # named from an e-mail address


def test_the_notes_as_plain_rows_are_the_notes_records(worked_case, db_session):
    case = worked_case["case"]
    db_session.expire_all()
    rows = case_service.page_notes(case)
    assert len(rows) == 3
    assert [
        (row.id, row.kind, row.text, row.created_at, row.author_id, row.visible_to_reporter, row.author_name)
        for row in rows
    ] == [
        (note.id, note.kind, note.text, note.created_at, note.author_id, note.visible_to_reporter, note.author.name)
        for note in case.notes
    ]


def test_the_case_page_reads_its_latest_event_number_with_what_the_case_holds(worked_case, db_session):
    case = worked_case["case"]
    view = case_service.get_case_page(worked_case["hr"], case.reference)
    assert view.last_event == max(event.seq for event in case.events)
    assert [row.seq for row in view.events] == [event.seq for event in case.events]
    assert [row.id for row in view.notes] == [note.id for note in case.notes]
    # A reporter's view shows no chronology: its events are not read
    reporter_view = case_service.get_case_page(worked_case["reporter"], case.reference)
    assert reporter_view.events == [] and reporter_view.last_event == view.last_event
    assert [row.id for row in reporter_view.notes] == [note.id for note in case.notes]


def test_the_pages_choices_worked_out_once_are_those_worked_out_each_time(worked_case, app, db_session):
    """The case page works out a person's capacities once and hands them to its panels."""
    from casework.domain import workflow
    from casework.services import account_cases, capture, research
    from casework.services.process import settings

    case = worked_case["case"]
    people = [worked_case["hr"], worked_case["reporter"], case.investigator, case.subjects[0]]
    with app.test_request_context():
        rules = settings()
        for person in people:
            held = workflow.capacities(person, case)
            assert workflow.available_actions(person, case, rules, held=held) == workflow.available_actions(
                person, case, rules
            )
            assert workflow.blocked_actions(person, case, rules, held=held) == workflow.blocked_actions(
                person, case, rules
            )
            assert workflow.may_export_report(person, case, held=held) == workflow.may_export_report(person, case)
            assert research.may_log(person, case, held=held) == research.may_log(person, case)
            assert research.may_apply(person, case, held=held) == research.may_apply(person, case)
            assert capture.may_capture(person, case, held=held) == capture.may_capture(person, case)
            assert account_cases.may_link_and_close_for(person, case) == (
                account_cases.may_link(person, case),
                account_cases.may_close_for(person, case),
            )


def test_a_view_of_the_case_page_is_logged_with_who_when_and_what(worked_case, client, login_as, db_session):
    from datetime import timedelta

    from sqlalchemy import select

    from casework.models import AccessLog, utcnow

    case, hr = worked_case["case"], worked_case["hr"]
    login_as(hr)
    before = utcnow()
    assert client.get(f"/cases/{case.reference}").status_code == 200
    case_service.record_access(case, hr, "download", "evidence 7")
    rows = db_session.scalars(select(AccessLog).where(AccessLog.case_id == case.id).order_by(AccessLog.id)).all()
    view, download = rows[-2], rows[-1]
    assert (view.user_id, view.action, view.detail) == (hr.id, "view", None)
    assert (download.user_id, download.action, download.detail) == (hr.id, "download", "evidence 7")
    assert before - timedelta(seconds=1) <= view.at <= download.at <= utcnow()


def test_the_allegations_as_plain_rows_are_those_that_stand(worked_case, make_user, db_session):
    from casework.models import utcnow
    from casework.models_process import Allegation

    case = worked_case["case"]
    other = make_user(name="Olly Other")
    case.subjects.append(other)
    case.allegation_rows.append(Allegation(subject_id=other.id, category="political", text="A <b>post</b>"))
    case.allegation_rows.append(
        Allegation(subject_id=other.id, category="bullying", text="Withdrawn", removed_at=utcnow(), removed_reason="x")
    )
    db_session.commit()
    db_session.expire_all()
    rows = case_service.page_allegations(case)
    assert len(rows) == 2 and len(case.allegation_rows) == 3
    assert [(r.id, r.subject_id, r.category, r.text, r.finding, r.subject_name) for r in rows] == [
        (a.id, a.subject_id, a.category, a.text, a.finding, a.subject.name) for a in case.allegations
    ]
    view = case_service.get_case_page(worked_case["hr"], case.reference)
    assert [row.id for row in view.allegations] == [a.id for a in case.allegations]
    assert case_service.get_case_page(worked_case["reporter"], case.reference).allegations == []


def test_the_case_pages_subjects_are_the_cases_subjects_with_their_departments(
    worked_case, make_user, make_department, db_session
):
    from sqlalchemy import inspect

    case = worked_case["case"]
    parks = make_department("Parks")
    case.subjects.extend([make_user(department=parks, name="Abe Alpha"), make_user(name="Zed Zulu")])
    db_session.commit()
    db_session.expire_all()
    expected = [(person.id, person.department_id) for person in case.subjects]  # as the relationship loads them
    assert len(expected) == 3 and [person.name for person in case.subjects][0] == "Abe Alpha"
    db_session.expire_all()
    view = case_service.get_case_page(worked_case["hr"], case.reference)
    assert "subjects" not in inspect(view.case).unloaded
    assert [(person.id, person.department_id) for person in view.case.subjects] == expected
    for person in view.case.subjects:
        assert "department" not in inspect(person).unloaded
