"""Reporting a case: references, the audit chain, notifications; and the CLI of design §10."""

import hashlib
import re

import pytest
from sqlalchemy import delete, func, select, text, update

from casework.domain.audit import GENESIS_HASH
from casework.domain.intake import ReportInput
from casework.models import (
    ApiToken,
    Case,
    CaseCategory,
    CaseEvent,
    Department,
    Notification,
    OutboxEmail,
    User,
    case_subjects,
    utcnow,
)
from casework.models_process import Allegation
from casework.services import cases as case_service
from casework.services import users as user_service
from casework.services.audit import verify_all
from casework.services.errors import InvalidInput


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def number(reference: str) -> int:
    return int(reference.rsplit("-", 1)[1])


# --- references -------------------------------------------------------------------


def test_references_are_sequential_per_year(make_user, make_case):
    reporter = make_user(password=None)
    subject = make_user(password=None)
    references = [make_case(reporter, subjects=[subject]).reference for _ in range(3)]
    year = utcnow().year
    assert all(re.fullmatch(rf"SMC-{year}-\d{{5}}", r) for r in references), references
    first = number(references[0])
    assert [number(r) for r in references] == [first, first + 1, first + 2]


def test_each_year_has_its_own_sequence(db_session):
    assert case_service.next_reference(2031) == "SMC-2031-00001"
    assert case_service.next_reference(2031) == "SMC-2031-00002"
    assert case_service.next_reference(2032) == "SMC-2032-00001"
    assert case_service.next_reference(2031) == "SMC-2031-00003"


def test_a_reference_is_never_reused_even_when_its_case_is_gone(db_session, make_user, make_case):
    reporter = make_user(password=None)
    subject = make_user(password=None)
    make_case(reporter, subjects=[subject])
    last = make_case(reporter, subjects=[subject])
    gone = last.reference
    for table, column in (
        (Notification, Notification.case_id),
        (OutboxEmail, OutboxEmail.case_id),
        (CaseEvent, CaseEvent.case_id),
        (CaseCategory, CaseCategory.case_id),
        (Allegation, Allegation.case_id),
        (case_subjects, case_subjects.c.case_id),
    ):
        db_session.execute(delete(table).where(column == last.id))
    db_session.execute(delete(Case).where(Case.id == last.id))
    db_session.expunge_all()
    reporter, subject = db_session.get(User, reporter.id), db_session.get(User, subject.id)
    after = make_case(reporter, subjects=[subject])
    assert number(after.reference) == number(gone) + 1


# --- the report's event, in the same transaction -----------------------------------------


def test_reporting_writes_the_first_event_of_the_chain(db_session, make_user, make_case):
    reporter = make_user(password=None)
    subject = make_user(password=None)
    case = make_case(reporter, subjects=[subject], categories=["defamation", "harassment"], platform="x")
    [event] = db_session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
    assert (event.seq, event.action, event.from_stage, event.to_stage) == (1, "reported", None, "reported")
    assert event.actor_id == reporter.id
    assert event.prev_hash == GENESIS_HASH
    assert event.data["subjects"] == [subject.email]
    assert event.data["categories"] == ["defamation", "harassment"]
    assert event.data["platform"] == "x"


def test_the_case_its_event_and_its_notices_stand_or_fall_together(db_session, make_user, make_department):
    housing = make_department("Housing")
    manager = make_user("manager", department=housing, password=None)
    subject = make_user(department=housing, line_manager=manager, password=None)
    reporter = make_user(password=None)
    make_user("hr", password=None)
    before = {model: count(db_session, model) for model in (Case, CaseEvent, Notification, OutboxEmail)}
    savepoint = db_session.begin_nested()
    case_service.report_case(reporter, ReportInput(
        kind="breach", subjects=[subject.email], categories=["disrepute"], platform="facebook",
        incident_date=utcnow().date(), description="Mocked residents.",
    ))  # fmt: skip
    assert {model: count(db_session, model) for model in before} != before
    savepoint.rollback()
    assert {model: count(db_session, model) for model in before} == before


def test_an_invalid_report_writes_nothing(db_session, make_user):
    reporter = make_user(password=None)
    before = {model: count(db_session, model) for model in (Case, CaseEvent, Notification, OutboxEmail)}
    with pytest.raises(InvalidInput) as raised:
        case_service.report_case(reporter, ReportInput(kind="breach", description="No one named"))
    assert set(raised.value.fields) >= {"subjects", "categories", "platform", "incident_date"}
    assert {model: count(db_session, model) for model in before} == before


def test_added_information_extends_the_chain(db_session, make_user, make_case):
    reporter = make_user(password=None)
    case = make_case(reporter, subjects=[make_user(password=None)])
    note = case_service.add_information(case, reporter, "They posted again today.", version=case.version)
    events = db_session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)).all()
    assert [e.action for e in events] == ["reported", "information_added"]
    assert events[1].prev_hash == events[0].hash
    assert events[1].data == {"note_id": note.id}
    assert events[1].actor_id == reporter.id


# --- who is told -------------------------------------------------------------------------


@pytest.fixture
def council(make_department, make_user, db_session):
    """Housing (with a head of service), Parks, their managers, HR and staff."""
    head = make_user("head_of_service", password=None)
    housing = make_department("Housing", head_of_service=head)
    parks = make_department("Parks")
    people = {"head": head, "housing": housing, "parks": parks}
    people["line_manager"] = make_user("manager", department=housing, password=None)
    people["housing_manager"] = make_user("manager", department=housing, password=None)
    people["away_manager"] = make_user("manager", department=housing, password=None)
    people["away_manager"].active = False
    people["parks_manager"] = make_user("manager", department=parks, password=None)
    people["hr"] = make_user("hr", password=None)
    people["hr_2"] = make_user("hr", password=None)
    people["admin"] = make_user("admin", department=housing, password=None)
    people["subject"] = make_user(department=housing, line_manager=people["line_manager"], password=None)
    people["contractor"] = make_user(
        department=housing, line_manager=people["line_manager"], staff_type="contractor", password=None
    )
    people["contractor_2"] = make_user(department=housing, staff_type="contractor", password=None)
    people["reporter"] = make_user(department=parks, line_manager=people["parks_manager"], password=None)
    db_session.flush()
    return people


def told(session, case) -> dict[str, set[str]]:
    notices = session.scalars(select(Notification).where(Notification.case_id == case.id)).all()
    emails = session.scalars(select(OutboxEmail).where(OutboxEmail.case_id == case.id)).all()
    return {
        "notified": {session.get(User, n.user_id).email for n in notices},
        "emailed": {e.to_address for e in emails},
    }


def emails(*people) -> set[str]:
    return {p.email for p in people}


def test_a_breach_tells_the_line_manager_department_managers_and_hr(db_session, council, make_case):
    case = make_case(council["reporter"], subjects=[council["subject"]])
    expected = emails(council["line_manager"], council["housing_manager"], council["hr"], council["hr_2"])
    assert told(db_session, case) == {"notified": expected, "emailed": expected}


def test_the_email_names_the_case_but_not_its_details(db_session, council, make_case):
    case = make_case(council["reporter"], subjects=[council["subject"]], description="Secret details of the post")
    for email in db_session.scalars(select(OutboxEmail).where(OutboxEmail.case_id == case.id)):
        assert case.reference in email.subject
        assert "Secret details" not in email.body
        assert council["subject"].name not in email.body


def test_a_contractor_subject_tells_the_head_of_service_at_once(db_session, council, make_case):
    case = make_case(council["reporter"], subjects=[council["contractor"]])
    head = council["head"]
    expected = emails(council["line_manager"], council["housing_manager"], council["hr"], council["hr_2"], head)
    assert told(db_session, case) == {"notified": expected, "emailed": expected}
    [notice] = db_session.scalars(
        select(Notification).where(Notification.case_id == case.id, Notification.user_id == head.id)
    ).all()
    assert "11.4" in notice.message
    [email] = db_session.scalars(
        select(OutboxEmail).where(OutboxEmail.case_id == case.id, OutboxEmail.to_address == head.email)
    ).all()
    assert email.dedup_key == f"hos-informed:{case.id}:{head.id}"


def test_two_contractor_subjects_tell_the_head_of_service_once(db_session, council, make_case):
    case = make_case(council["reporter"], subjects=[council["contractor"], council["contractor_2"]])
    head_emails = db_session.scalars(
        select(OutboxEmail).where(OutboxEmail.case_id == case.id, OutboxEmail.to_address == council["head"].email)
    ).all()
    assert len(head_emails) == 1


def test_an_employee_subject_does_not_tell_the_head_of_service(db_session, council, make_case):
    case = make_case(council["reporter"], subjects=[council["subject"]])
    assert council["head"].email not in told(db_session, case)["notified"]


def test_online_abuse_tells_the_victims_line_manager_and_department_managers(db_session, council, make_case):
    case = make_case(council["reporter"], kind="abuse", subjects=[])
    expected = emails(council["parks_manager"], council["hr"], council["hr_2"])
    assert told(db_session, case) == {"notified": expected, "emailed": expected}


def test_no_one_is_told_of_their_own_report_or_of_a_case_about_them(db_session, council, make_case):
    case = make_case(council["hr"], subjects=[council["line_manager"], council["subject"]])
    notified = told(db_session, case)["notified"]
    assert notified == emails(council["housing_manager"], council["hr_2"])


# --- verifying the audit trail -------------------------------------------------------------


@pytest.fixture
def history(db_session, make_user, make_case):
    """Three cases with a few events each; returns the cases."""
    reporter = make_user(password=None)
    subject = make_user(password=None)
    cases = [make_case(reporter, subjects=[subject]) for _ in range(3)]
    for case in cases[1:]:
        case_service.add_information(case, reporter, "More detail.", version=case.version)
        case_service.add_information(case, reporter, "Even more detail.", version=case.version)
    db_session.flush()
    return cases


def test_the_trail_is_intact_after_a_sequence_of_changes(history):
    result = verify_all()
    assert result.intact
    assert (result.cases_checked, result.events_checked) == (3, 7)


def event_of(session, case, seq: int = 2) -> CaseEvent:
    return session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.seq == seq))


TAMPERING = {
    "data": lambda e: update(CaseEvent.__table__).where(CaseEvent.id == e.id).values(data={"note_id": 999}),
    "action": lambda e: text("UPDATE case_events SET action = 'closed' WHERE id = :id").bindparams(id=e.id),
    "at": lambda e: update(CaseEvent.__table__).where(CaseEvent.id == e.id).values(at=utcnow()),
    "actor": lambda e: text("UPDATE case_events SET actor_id = NULL WHERE id = :id").bindparams(id=e.id),
    "to_stage": lambda e: text("UPDATE case_events SET to_stage = 'closed' WHERE id = :id").bindparams(id=e.id),
    "hash": lambda e: text("UPDATE case_events SET hash = prev_hash WHERE id = :id").bindparams(id=e.id),
}


@pytest.mark.parametrize(("index", "seq"), [(0, 1), (1, 2), (2, 3)], ids=["first case", "second case", "last case"])
@pytest.mark.parametrize("column", TAMPERING)
def test_a_row_altered_by_hand_is_named(db_session, history, column, index, seq):
    """verify_all reads the database, not the copies the session already holds."""
    target = history[index]
    held = list(target.events)  # the session holds this chain, as after showing the case's chronology
    event = event_of(db_session, target, seq)
    reference, event_id = target.reference, event.id
    db_session.execute(TAMPERING[column](event))
    result = verify_all()
    assert held
    assert not result.intact
    assert (result.broken_reference, result.broken_seq, result.broken_event_id) == (reference, seq, event_id)


def test_a_deleted_event_is_named(db_session, history):
    target = history[2]
    reference = target.reference
    db_session.execute(delete(CaseEvent).where(CaseEvent.case_id == target.id, CaseEvent.seq == 2))
    result = verify_all()
    assert (result.broken_reference, result.broken_seq) == (reference, 3)


def test_a_case_without_events_is_named(db_session, history):
    target = history[0]
    reference = target.reference
    db_session.execute(delete(CaseEvent).where(CaseEvent.case_id == target.id))
    result = verify_all()
    assert (result.broken_reference, result.reason) == (reference, "the case has no events")


def test_verifying_keeps_the_callers_objects_usable(db_session, history, make_user):
    """Checking the trail must not detach what the caller is working with."""
    user = make_user(password=None)
    assert verify_all().intact
    assert user in db_session
    assert history[0].subjects[0].department is None


# --- CLI --------------------------------------------------------------------------------


@pytest.fixture
def cli(app, db_session):
    runner = app.test_cli_runner()

    def run(*args, input=None):
        return runner.invoke(args=["casework", *args], input=input)

    return run


def test_verify_audit_exits_0_then_names_the_broken_event(db_session, history, cli):
    result = cli("verify-audit")
    assert result.exit_code == 0, result.output
    assert "intact" in result.output
    event = event_of(db_session, history[2])
    reference, event_id = history[2].reference, event.id
    db_session.execute(TAMPERING["data"](event))
    result = cli("verify-audit")
    assert result.exit_code == 1
    assert f"case {reference}, event 2 (id {event_id})" in result.output


def test_create_department_is_idempotent(db_session, cli, make_user):
    head = make_user("head_of_service", password=None)
    first = cli("create-department", "Housing")
    second = cli("create-department", "Housing", "--head-of-service", head.email)
    assert (first.exit_code, second.exit_code) == (0, 0), first.output + second.output
    assert "Created department Housing" in first.output
    assert "Updated department Housing" in second.output
    [housing] = db_session.scalars(select(Department).where(Department.name == "Housing")).all()
    assert housing.head_of_service_id == head.id


def test_create_department_with_an_unknown_head_fails(db_session, cli):
    result = cli("create-department", "Parks", "--head-of-service", "nobody@council.invalid")
    assert result.exit_code == 1
    assert "nobody@council.invalid" in result.output
    assert user_service.find_department("Parks") is None


def test_create_user_without_a_password_cannot_sign_in(db_session, cli, make_department):
    make_department("Housing")
    db_session.commit()
    result = cli("create-user", "Vol.Unteer@Council.invalid", "--name", "Val Unteer", "--role", "employee",
                 "--department", "Housing", "--staff-type", "volunteer")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "cannot sign in" in result.output
    user = user_service.find_user("vol.unteer@council.invalid")
    assert (user.role, user.staff_type, user.department.name, user.password_hash) == (
        "employee",
        "volunteer",
        "Housing",
        None,
    )
    assert user_service.authenticate(user.email, "") is None


def test_create_user_reads_the_password_from_stdin(db_session, cli, make_user):
    manager = make_user("manager", password=None)
    db_session.commit()
    result = cli("create-user", "new.starter@council.invalid", "--name", "New Starter", "--role", "manager",
                 "--line-manager", manager.email, "--password-stdin", input="a-long-enough-password\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    user = user_service.authenticate("new.starter@council.invalid", "a-long-enough-password")
    assert user is not None and user.line_manager_id == manager.id
    assert "a-long-enough-password" not in user.password_hash


@pytest.mark.parametrize(
    ("args", "input", "code", "message"),
    [
        (["--role", "overlord"], None, 2, "overlord"),
        (["--role", "employee", "--department", "Atlantis"], None, 1, "No department called Atlantis"),
        (["--role", "employee", "--line-manager", "nobody@council.invalid"], None, 1, "nobody@council.invalid"),
        (["--role", "employee", "--staff-type", "contractor"], None, 1, "contractor's organisation"),
        (["--role", "employee", "--password-stdin"], "short\n", 1, "12 characters"),
        (["--role", "employee", "--staff-type", "astronaut"], None, 2, "astronaut"),
    ],
)
def test_create_user_refuses_bad_input(db_session, cli, args, input, code, message):
    result = cli("create-user", "someone@council.invalid", "--name", "Some One", *args, input=input)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert user_service.find_user("someone@council.invalid") is None


def test_create_user_refuses_a_duplicate_email(db_session, cli, make_user):
    existing = make_user(password=None)
    db_session.commit()
    result = cli("create-user", existing.email.upper(), "--name", "Again", "--role", "employee")
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_api_token_prints_the_token_last_and_stores_only_its_hash(db_session, cli, make_user):
    user = make_user(password=None)
    result = cli("api-token", user.email)
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert re.fullmatch(r"cw_[A-Za-z0-9_-]{40,}", token)
    [row] = db_session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = db_session.execute(select(ApiToken.__table__).where(ApiToken.id == row.id)).one()
    assert all(token not in str(value) for value in stored)
    assert user_service.user_for_token(token) == user


def test_api_token_for_an_unknown_or_inactive_user_fails(db_session, cli, make_user):
    assert cli("api-token", "nobody@council.invalid").exit_code == 1
    user = make_user(password=None)
    user.active = False
    db_session.commit()
    assert cli("api-token", user.email).exit_code == 1
    assert count(db_session, ApiToken) == 0


def test_seed_demo_builds_a_council_whose_trail_verifies(db_session, cli):
    """The demo takes cases through the real workflow: every chain must still verify."""
    result = cli("seed-demo", "--cases", "12", "--password", "demo-password-for-tests")
    assert result.exit_code == 0, result.output
    for email in ("employee@demo.invalid", "manager@demo.invalid", "hr@demo.invalid", "hos@demo.invalid"):
        assert email in result.output
    assert count(db_session, Case) == 12
    assert user_service.authenticate("hr@demo.invalid", "demo-password-for-tests").role == "hr"
    assert {user.role for user in db_session.scalars(select(User))} == {
        "employee",
        "manager",
        "hr",
        "head_of_service",
        "admin",
    }
    verified = cli("verify-audit")
    assert verified.exit_code == 0, verified.output
    assert count(db_session, CaseEvent) > 12  # more than one event per case: the workflow ran


def test_seed_demo_leaves_a_database_with_people_alone(db_session, cli, make_user):
    make_user(password=None)
    db_session.commit()
    refused = cli("seed-demo", "--cases", "1")
    assert refused.exit_code == 1
    assert "already has users" in refused.output
    skipped = cli("seed-demo", "--if-empty")
    assert skipped.exit_code == 0
    assert count(db_session, Case) == 0


def test_removing_the_latest_event_is_detected(app, make_user, make_department, make_case, db_session):
    from sqlalchemy import delete, select

    from casework.models import CaseEvent
    from casework.services.audit import verify_all
    from casework.services.cases import add_information

    housing = make_department("Housing")
    reporter = make_user(department=housing)
    case = make_case(reporter, subjects=[make_user(department=housing, password=None)])
    add_information(case, reporter, "More detail")
    assert verify_all().intact
    last = db_session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq.desc()))
    db_session.execute(delete(CaseEvent).where(CaseEvent.id == last.id))
    db_session.expire_all()
    result = verify_all()
    assert not result.intact and result.broken_reference == case.reference
    assert "latest event is missing" in result.reason
