"""A whole breach case and a whole abuse case through the service layer."""

from datetime import date

import pytest
from sqlalchemy import func, select

from casework.extensions import db
from casework.models import CaseEvent, Notification, OutboxEmail, PublishingRight, SocialAccount
from casework.services.audit import verify_all
from casework.services.errors import Conflict, InvalidInput, NotAllowed
from casework.services.workflow import perform
from tests.process_steps import decide, waive_appeals


@pytest.fixture
def people(make_department, make_user):
    housing = make_department("Housing")
    manager = make_user("manager", department=housing)
    investigator = make_user("manager", department=housing)
    hr = make_user("hr")
    subject = make_user(department=housing, line_manager=manager, password=None)
    reporter = make_user(department=housing)
    return {
        "housing": housing,
        "manager": manager,
        "investigator": investigator,
        "hr": hr,
        "subject": subject,
        "reporter": reporter,
    }


def act(case, actor, action, **params):
    return perform(case, actor, action, params, version=case.version)


def test_breach_from_report_to_closure(people, make_case, db_session):
    p = people
    account = SocialAccount(platform="facebook", handle="Housing", department_id=p["housing"].id, status="active")
    db_session.add(account)
    db_session.flush()
    right = PublishingRight(user_id=p["subject"].id, account_id=account.id, trained_on=date(2025, 1, 1))
    db_session.add(right)
    db_session.flush()

    case = make_case(p["reporter"], subjects=[p["subject"]])
    assert case.stage == "reported"
    act(case, p["manager"], "take_ownership")
    assert (case.stage, case.owner_id) == ("assessment", p["manager"].id)

    act(case, p["manager"], "suspend_rights", subject=p["subject"].email, reason="Posted resident data")
    assert case.stage == "rights_suspended"
    db_session.refresh(right)
    assert right.status == "suspended"

    act(case, p["manager"], "start_investigation", investigator=p["investigator"].email)
    assert case.stage == "investigation" and case.investigator_id == p["investigator"].id
    act(
        case,
        p["investigator"],
        "add_note",
        kind="interview",
        interviewee_name="Sam Jones",
        interviewee_role="subject",
        text="Admitted posting",
    )

    with pytest.raises(Conflict):
        act(case, p["manager"], "close")

    decide(case, p["hr"], sanction="first_written_warning", rights_decision="restored", summary="Breach of 4.2")
    assert case.stage == "outcome"
    assert case.outcome.live_until is not None
    db_session.refresh(right)
    assert right.status == "active"

    act(case, p["hr"], "refer", agency="ico", reason="Personal data disclosed", agency_reference="ICO-1")
    assert case.stage == "referred" and case.stage_before_referral == "outcome"
    with pytest.raises(Conflict):
        act(case, p["hr"], "close")
    act(case, p["hr"], "update_referral", referral_id=case.referrals[0].id, status="concluded", result="No action")
    with pytest.raises(Conflict):
        act(case, p["hr"], "close")  # the appeal window is open
    waive_appeals(case, p["hr"])
    act(case, p["hr"], "close")
    assert case.stage == "closed" and case.retention_until is not None

    with pytest.raises(NotAllowed):
        act(case, p["manager"], "reopen", reason="New evidence")
    act(case, p["hr"], "reopen", reason="New evidence")
    assert case.stage == "assessment"

    actions = db_session.scalars(
        select(CaseEvent.action).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
    ).all()
    assert actions == [
        "reported",
        "take_ownership",
        "suspend_rights",
        "start_investigation",
        "add_note",
        "record_investigation_report",
        "record_hr_advice",
        "arrange_hearing",
        "record_outcome",
        "refer",
        "update_referral",
        "waive_appeal",
        "close",
        "reopen",
    ]
    assert verify_all().intact
    assert db_session.scalar(select(func.count()).select_from(OutboxEmail)) > 0
    told = db_session.scalars(select(Notification.message).where(Notification.user_id == p["investigator"].id)).all()
    assert any("asked to investigate" in message for message in told)


def test_abuse_case_support_and_police(people, make_case):
    p = people
    case = make_case(p["reporter"], kind="abuse", subjects=[])
    act(case, p["manager"], "take_ownership")
    act(case, p["manager"], "record_support", text="Reported to the platform; welfare call booked")
    assert case.stage == "support"
    act(case, p["manager"], "refer", agency="police", reason="Threats to kill", agency_reference="CR/123/26")
    act(
        case,
        p["manager"],
        "update_referral",
        referral_id=case.referrals[0].id,
        status="concluded",
        result="Suspect cautioned",
    )
    act(case, p["manager"], "resume")
    assert case.stage == "support"
    act(case, p["manager"], "close")
    assert case.stage == "closed"
    assert verify_all().intact


def test_stale_version_changes_nothing(people, make_case, db_session):
    case = make_case(people["reporter"], subjects=[people["subject"]])
    with pytest.raises(Conflict):
        perform(case, people["manager"], "take_ownership", {}, version=case.version + 1)
    assert case.stage == "reported" and case.owner_id is None


def test_investigator_conflicts_refused(people, make_case):
    case = make_case(people["reporter"], subjects=[people["subject"]])
    act(case, people["manager"], "take_ownership")
    for who in (people["subject"], people["reporter"]):
        with pytest.raises(InvalidInput) as error:
            act(case, people["manager"], "start_investigation", investigator=who.email, no_suspension_reason="x")
        assert "investigator" in error.value.fields
    with pytest.raises(InvalidInput) as error:
        act(case, people["manager"], "start_investigation", investigator=people["investigator"].email)
    assert "no_suspension_reason" in error.value.fields
    assert case.stage == "assessment"


def test_event_count_only_grows(people, make_case, db_session):
    case = make_case(people["reporter"], subjects=[people["subject"]])
    before = db.session.scalar(select(func.count()).select_from(CaseEvent))
    with pytest.raises(InvalidInput):
        act(case, people["manager"], "nonsense")
    assert db.session.scalar(select(func.count()).select_from(CaseEvent)) == before


def test_each_action_moves_the_version_by_one(people, make_case):
    case = make_case(people["reporter"], subjects=[people["subject"]])
    version = case.version
    act(case, people["manager"], "take_ownership")
    assert case.version == version + 1
    act(
        case,
        people["manager"],
        "start_investigation",
        investigator=people["investigator"].email,
        no_suspension_reason="Nothing to suspend",
    )
    assert case.version == version + 2 and case.next_deadline_label == "Complete the investigation"
