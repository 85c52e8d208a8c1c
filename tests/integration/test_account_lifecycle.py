"""Council accounts from proposal to removal, through the services (Social Networking Policy 7.2-7.5, 8.1, 8.6)."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import func, select

from casework.domain.accounts import AccountInput
from casework.models import AdminEvent, CaseEvent, Notification, OutboxEmail, SocialAccount
from casework.models_accounts import AccountCase, SocialMediaTraining
from casework.services import account_cases, account_reminders, account_training
from casework.services import accounts as register
from casework.services.account_register import register_csv
from casework.services.errors import Conflict, InvalidInput, NotAllowed, NotFound
from casework.services.workflow import perform
from tests.account_samples import BRIEF

TODAY = date(2026, 3, 27)
NOON = datetime(2026, 3, 27, 12, tzinfo=UTC)


@pytest.fixture
def council(make_department, make_user):
    housing = make_department("Housing")
    comms = make_department("Communications")
    make_user = partial(make_user, password=None)  # nobody here signs in
    return {
        "housing": housing,
        "manager": make_user("manager", department=housing, name="Mo Manager"),
        "officer": make_user("employee", department=comms, name="Sid Social-Media-Officer"),
        "admin": make_user("admin", name="Ada Admin"),
        "hr": make_user("hr", name="Hana HR"),
        "employee": make_user("employee", department=housing, name="Eve Employee"),
        "head": make_user("head_of_service", department=housing, name="Hal Head"),
    }


def proposal(council, **overrides):
    values = dict(platform="instagram", handle="@housing_news", department_id=council["housing"].id, **BRIEF)
    values.update(overrides)
    return AccountInput(**values)


@pytest.fixture
def proposed(council):
    return register.add_account(council["manager"], proposal(council))


def admin_events(db_session, *actions):
    query = select(AdminEvent).order_by(AdminEvent.id)
    if actions:
        query = query.where(AdminEvent.action.in_(actions))
    return list(db_session.scalars(query).all())


def count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


# --- proposing (7.2) -------------------------------------------------------------------------------------


def test_a_manager_proposes_an_account_with_its_brief(council, proposed, db_session):
    assert (proposed.status, proposed.proposed_by_id, proposed.purpose) == (
        "proposed",
        council["manager"].id,
        BRIEF["purpose"],
    )
    event = admin_events(db_session, "account_added")[-1]
    assert event.actor_id == council["manager"].id and event.data["after"]["purpose"] == BRIEF["purpose"]
    told = {n.user_id for n in db_session.scalars(select(Notification)).all()}
    assert {council["officer"].id, council["admin"].id, council["hr"].id} <= told  # the Communications team
    assert council["manager"].id not in told


@pytest.mark.parametrize("missing", ["purpose", "audience", "run_by", "moderation", "resourcing"])
def test_a_proposal_without_its_brief_stores_nothing(council, db_session, missing):
    before = (count(db_session, SocialAccount), count(db_session, AdminEvent), count(db_session, Notification))
    with pytest.raises(InvalidInput) as refused:
        register.add_account(council["manager"], proposal(council, **{missing: "  "}))
    assert list(refused.value.fields) == [missing]
    assert refused.value.fields["purpose" if missing == "purpose" else missing].startswith("Enter ")
    after = (count(db_session, SocialAccount), count(db_session, AdminEvent), count(db_session, Notification))
    assert after == before


def test_an_employee_cannot_propose(council):
    with pytest.raises(NotAllowed):
        register.add_account(council["employee"], proposal(council))


# --- the decision (7.3) --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "may"),
    [("officer", True), ("admin", True), ("hr", True), ("manager", False), ("head", False), ("employee", False)],
)
def test_who_approves(council, proposed, who, may):
    actor = council[who]
    if may:
        register.decide(proposed, actor, "approved", "A clear brief", today=TODAY)
        assert (proposed.status, proposed.decided_by_id, proposed.decision) == ("trial", actor.id, "approved")
    else:
        with pytest.raises(NotAllowed):
            register.decide(proposed, actor, "approved", "A clear brief", today=TODAY)
        assert proposed.status == "proposed"


def test_whoever_proposed_an_account_may_withdraw_it_but_not_approve_it(council, db_session):
    officer = council["officer"]
    own = register.add_account(officer, proposal(council, handle="@officer_idea"))
    with pytest.raises(InvalidInput) as refused:
        register.decide(own, officer, "approved", "I like it", today=TODAY)
    assert "someone else in the communications team approves it" in refused.value.fields["decision"]
    assert (own.status, own.decided_by_id) == ("proposed", None)
    assert admin_events(db_session, "account_approved") == []
    register.decide(own, officer, "refused", "Withdrawn: the parks account covers it", today=TODAY)
    assert own.status == "refused"


def test_approval_starts_a_three_month_trial_and_tells_the_proposer(council, proposed, db_session):
    register.decide(proposed, council["officer"], "approved", "Fits the service plan", today=date(2025, 11, 30))
    assert (proposed.went_live_on, proposed.trial_ends_on) == (date(2025, 11, 30), date(2026, 2, 28))
    assert proposed.decision_reason == "Fits the service plan"
    event = admin_events(db_session, "account_approved")[-1]
    assert event.data["after"]["status"] == "trial" and event.data["after"]["reason"] == "Fits the service plan"
    message = db_session.scalars(
        select(Notification).where(Notification.user_id == council["manager"].id).order_by(Notification.id.desc())
    ).first()
    assert "has been approved" in message.message


def test_a_refusal_keeps_its_reasons_and_allows_no_rights(council, proposed, make_user, db_session):
    register.decide(proposed, council["officer"], "refused", "The parks account already covers this")
    assert (proposed.status, proposed.decision, proposed.decision_reason) == (
        "refused",
        "refused",
        "The parks account already covers this",
    )
    assert admin_events(db_session, "account_refused")
    with pytest.raises(InvalidInput) as refused:
        register.grant_right(proposed, council["admin"], make_user().email, TODAY - timedelta(days=3), today=TODAY)
    assert refused.value.fields["account"] == "This proposal was refused: no one publishes on it"


def test_a_decision_without_reasons_changes_nothing(council, proposed, db_session):
    before = count(db_session, AdminEvent)
    with pytest.raises(InvalidInput) as refused:
        register.decide(proposed, council["officer"], "approved", "")
    assert refused.value.fields == {"reason": "Enter the reasons for the decision"}
    assert proposed.status == "proposed" and count(db_session, AdminEvent) == before


def test_a_decided_proposal_is_not_decided_again(council, proposed):
    register.decide(proposed, council["officer"], "refused", "No")
    with pytest.raises(Conflict):
        register.decide(proposed, council["officer"], "approved", "Changed my mind")


def test_the_communications_team_can_be_the_department_alone(app, council, proposed):
    app.config["ACCOUNT_APPROVER_ROLES"] = ()
    try:
        with pytest.raises(NotAllowed):
            register.decide(proposed, council["admin"], "approved", "x")
        register.decide(proposed, council["officer"], "approved", "x")
    finally:
        app.config["ACCOUNT_APPROVER_ROLES"] = ("admin", "hr")


# --- the trial (7.4) -----------------------------------------------------------------------------------------


@pytest.fixture
def on_trial(council, proposed):
    register.decide(proposed, council["officer"], "approved", "Good brief", today=date(2025, 12, 15))
    return proposed


def test_the_trial_review_keeps_the_account(council, on_trial, db_session):
    register.review_trial(on_trial, council["officer"], "keep", "Used daily; residents reply")
    assert (on_trial.status, on_trial.trial_review_note, on_trial.trial_reviewed_by_id) == (
        "active",
        "Used daily; residents reply",
        council["officer"].id,
    )
    assert admin_events(db_session, "account_trial_reviewed")[-1].data["decision"] == "keep"


def test_the_trial_review_may_close_the_account(council, on_trial, make_user):
    register.grant_right(on_trial, council["admin"], make_user().email, date(2026, 1, 5), today=TODAY)
    register.review_trial(on_trial, council["officer"], "close", "Nobody follows it")
    assert on_trial.status == "removed" and on_trial.closed_by_id == council["officer"].id
    assert [r.status for r in register.rights_on(on_trial)] == ["revoked"]


def test_only_the_communications_team_reviews_a_trial(council, on_trial):
    with pytest.raises(NotAllowed):
        register.review_trial(on_trial, council["manager"], "keep", "Fine")


def test_trial_reminders_before_the_end_and_when_overdue(council, on_trial, db_session):
    # the trial ends on 15 March 2026; reminded from 1 March (ACCOUNT_TRIAL_REMINDER_DAYS = 14)
    assert account_reminders.send_account_reminders(datetime(2026, 2, 28, 9, tzinfo=UTC)) == 0
    first = account_reminders.send_account_reminders(datetime(2026, 3, 1, 9, tzinfo=UTC))
    assert first >= 4  # the Communications team (officer, admin, HR) and the proposer
    assert account_reminders.send_account_reminders(datetime(2026, 3, 2, 9, tzinfo=UTC)) == 0  # once per trial
    overdue = account_reminders.send_account_reminders(datetime(2026, 3, 16, 9, tzinfo=UTC))
    assert overdue == first
    assert account_reminders.send_account_reminders(datetime(2026, 3, 16, 17, tzinfo=UTC)) == 0  # once a day
    assert account_reminders.send_account_reminders(datetime(2026, 3, 17, 9, tzinfo=UTC)) == first
    subjects = set(db_session.scalars(select(OutboxEmail.subject)).all())
    assert "Casework: a council account's trial ends soon" in subjects
    assert "Casework: a council account's trial review is overdue" in subjects
    bodies = db_session.scalars(select(OutboxEmail.body).where(OutboxEmail.dedup_key.like("account-trial%"))).all()
    assert all("register of council accounts" in body for body in bodies)
    register.review_trial(on_trial, council["officer"], "keep", "Fine")
    assert account_reminders.send_account_reminders(datetime(2026, 3, 18, 9, tzinfo=UTC)) == 0


# --- use, dormancy and closing (7.5) -----------------------------------------------------------------------


def test_an_unused_account_is_flagged_and_closed(council, on_trial, db_session):
    register.review_trial(on_trial, council["officer"], "keep", "Fine")
    register.record_use(on_trial, council["officer"], date(2026, 1, 10), today=TODAY)
    assert admin_events(db_session, "account_use_recorded")[-1].data["after"] == {"last_used_on": "2026-01-10"}
    assert register.removal_reason(on_trial, TODAY) is None
    assert register.removal_reason(on_trial, date(2026, 7, 10)).startswith("Not used since 10 January 2026")
    flagged = {e.account.id: e.removal_reason for e in register.list_accounts(date(2026, 7, 10))}
    assert flagged[on_trial.id]
    register.close_account(on_trial, council["admin"], "Not used for six months")
    assert (on_trial.status, on_trial.closure_reason) == ("removed", "Not used for six months")
    assert admin_events(db_session, "account_closed")[-1].data["after"]["reason"] == "Not used for six months"


def test_the_dormant_period_is_configuration(app, council, on_trial):
    app.config["ACCOUNT_DORMANT_MONTHS"] = 2
    try:
        assert register.removal_reason(on_trial, date(2026, 2, 15)) is not None
    finally:
        app.config["ACCOUNT_DORMANT_MONTHS"] = 6
    assert register.removal_reason(on_trial, date(2026, 2, 15)) is None


def test_an_account_running_without_approval_is_flagged(council, db_session):
    found = SocialAccount(platform="x", handle="@RogueHousing", department_id=council["housing"].id, status="active")
    db_session.add(found)
    db_session.flush()
    assert register.removal_reason(found, TODAY) == "Running without approval (Social Networking Policy 7.5)"


def test_closing_needs_a_reason_and_permission(council, on_trial, db_session):
    with pytest.raises(NotAllowed):
        register.close_account(on_trial, council["manager"], "x")
    with pytest.raises(InvalidInput) as refused:
        register.close_account(on_trial, council["admin"], " ")
    assert refused.value.fields == {"reason": "Enter why the account is being closed"}
    assert on_trial.status == "trial"


def test_use_in_the_future_is_refused(council, on_trial):
    with pytest.raises(InvalidInput) as refused:
        register.record_use(on_trial, council["officer"], TODAY + timedelta(days=1), today=TODAY)
    assert refused.value.fields == {"used_on": "Date last used must be today or in the past"}
    assert on_trial.last_used_on is None


# --- training (8.1) ------------------------------------------------------------------------------------------


def test_training_is_recorded_with_its_refresher_date(council, db_session):
    record = account_training.record_training(
        council["officer"], council["employee"].email, date(2026, 2, 1), "Induction", today=TODAY
    )
    assert (record.refresher_due_on, record.recorded_by_id, record.note) == (
        date(2027, 2, 1),
        council["officer"].id,
        "Induction",
    )
    assert admin_events(db_session, "training_recorded")[-1].data["after"]["refresher_due_on"] == "2027-02-01"
    with pytest.raises(InvalidInput) as again:
        account_training.record_training(council["officer"], council["employee"].email, date(2026, 2, 1), today=TODAY)
    assert again.value.fields == {"trained_on": "Their training on that day is already recorded"}


@pytest.mark.parametrize(
    ("email", "trained_on", "field"),
    [("", date(2026, 2, 1), "person"), ("nobody@test.invalid", date(2026, 2, 1), "person"), (None, None, "trained_on")],
)
def test_bad_training_records_store_nothing(council, db_session, email, trained_on, field):
    before = count(db_session, SocialMediaTraining)
    with pytest.raises(InvalidInput) as refused:
        account_training.record_training(
            council["officer"], council["employee"].email if email is None else email, trained_on, today=TODAY
        )
    assert field in refused.value.fields
    assert count(db_session, SocialMediaTraining) == before


def test_a_manager_cannot_record_training(council):
    with pytest.raises(NotAllowed):
        account_training.record_training(council["manager"], council["employee"].email, TODAY, today=TODAY)


def test_the_training_validity_is_configuration(app, council, on_trial):
    app.config["TRAINING_VALID_MONTHS"] = 1
    try:
        with pytest.raises(InvalidInput) as refused:
            register.grant_right(on_trial, council["admin"], council["employee"].email, date(2026, 2, 1), today=TODAY)
        assert "lapsed on 1 March 2026" in refused.value.fields["trained_on"]
    finally:
        app.config["TRAINING_VALID_MONTHS"] = 12


def test_a_reminder_before_training_lapses_and_when_it_has(council, on_trial, db_session):
    register.grant_right(on_trial, council["admin"], council["employee"].email, date(2026, 1, 10), today=TODAY)
    # the training lapses on 10 January 2027; reminded from 11 December 2026 (TRAINING_REMINDER_DAYS = 30)
    quiet = datetime(2026, 12, 9, 9, tzinfo=UTC)
    assert account_reminders.training_reminders(quiet.date()) == 0
    soon = account_reminders.training_reminders(date(2026, 12, 11))
    assert soon >= 2  # the person and the Communications team
    assert account_reminders.training_reminders(date(2026, 12, 12)) == 0  # once
    person_mail = db_session.scalars(
        select(OutboxEmail).where(OutboxEmail.to_address == council["employee"].email)
    ).all()
    assert [m.subject for m in person_mail] == ["Casework: social media training lapses soon"]
    assert account_reminders.training_reminders(date(2027, 1, 10)) == soon  # lapsed
    # a refresher recorded: no more reminders about the old training
    account_training.record_training(
        council["officer"], council["employee"].email, date(2027, 1, 12), today=date(2027, 1, 12)
    )
    assert account_reminders.training_reminders(date(2027, 1, 20)) == 0


def test_the_training_list_shows_lapsed_and_due_soon(council, on_trial):
    register.grant_right(on_trial, council["admin"], council["employee"].email, date(2026, 1, 10), today=TODAY)
    account_training.record_training(council["officer"], council["manager"].email, date(2025, 1, 10), today=TODAY)
    statuses = {s.person.id: s for s in account_training.publishers_training(date(2026, 12, 20))}
    employee, manager = statuses[council["employee"].id], statuses[council["manager"].id]
    assert (employee.publishes_on, employee.lapsed, employee.reminder_due) == (1, False, True)
    assert (manager.publishes_on, manager.lapsed) == (0, True)
    to_do = [item.text for item in register.to_attend(council["hr"], date(2026, 12, 20))]
    assert "1 person who publishes needs refresher training" in to_do
    assert register.to_attend(council["manager"], date(2026, 12, 20)) == []


# --- the register as CSV --------------------------------------------------------------------------------------


def test_the_register_exports_to_csv_with_formulas_defused(council, db_session):
    sneaky = register.add_account(
        council["manager"],
        proposal(council, handle='=HYPERLINK("http://evil")', purpose="+SUM(A1:A9)", audience="@everyone"),
    )
    register.decide(sneaky, council["officer"], "refused", "-1 for this")
    body = register_csv(TODAY)
    assert body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    row = next(r for r in rows if r["id"] == str(sneaky.id))
    assert row["handle"] == '\'=HYPERLINK("http://evil")'
    assert (row["purpose"], row["audience"], row["decision_reason"]) == ("'+SUM(A1:A9)", "'@everyone", "'-1 for this")
    assert (row["status"], row["decision"], row["proposed_by"]) == ("refused", "refused", council["manager"].email)


# --- a case about a council account (8.6) ---------------------------------------------------------------------


@pytest.fixture
def decided_case(council, make_user, make_case, on_trial):
    make_user = partial(make_user, password=None)
    subject = make_user(department=council["housing"], line_manager=council["manager"], password=None)
    case = make_case(council["employee"], subjects=[subject], categories=["unauthorised_account"])
    hr = council["hr"]
    perform(case, hr, "take_ownership", {}, version=case.version)
    perform(
        case,
        hr,
        "start_investigation",
        {"investigator": make_user("manager", department=council["housing"]).email, "no_suspension_reason": "None"},
        version=case.version,
    )
    return case


def record_outcome(case, hr):
    perform(
        case,
        hr,
        "record_outcome",
        {"finding": "substantiated", "sanction": "management_advice", "summary": "Misused the council account"},
        version=case.version,
    )


def test_a_case_links_to_its_account_and_its_outcome_closes_it(council, decided_case, on_trial, db_session):
    hr = council["hr"]
    account_cases.link(decided_case, hr, on_trial.id)
    assert [a.id for a in account_cases.accounts_of(decided_case)] == [on_trial.id]
    with pytest.raises(InvalidInput) as early:
        account_cases.close_because_of(decided_case, hr, on_trial.id, "Misused")
    assert early.value.fields == {"account": "An account is closed because of a case only once the case has an outcome"}
    record_outcome(decided_case, hr)
    account_cases.close_because_of(decided_case, hr, on_trial.id, "Misused by its only publisher")
    assert (on_trial.status, on_trial.closed_because_case_id) == ("removed", decided_case.id)
    actions = [e.action for e in db_session.scalars(select(CaseEvent).where(CaseEvent.case_id == decided_case.id))]
    assert "council_account_linked" in actions and actions[-1] == "council_account_closed"
    closed = admin_events(db_session, "account_closed")[-1]
    assert closed.data["as_the_outcome_of_a_case"] is True
    assert decided_case.reference not in str(closed.data)  # the register's readers see no case content


def test_linking_twice_or_to_an_unknown_account_is_refused(council, decided_case, on_trial, db_session):
    account_cases.link(decided_case, council["hr"], on_trial.id)
    for account_id in (on_trial.id, 999_999, "x", None, 2**40, 2**70):
        before = count(db_session, AccountCase)
        with pytest.raises(InvalidInput):
            account_cases.link(decided_case, council["hr"], account_id)
        assert count(db_session, AccountCase) == before


def test_who_may_link_and_close_for_a_case(council, decided_case, on_trial, make_user):
    with pytest.raises(NotFound):  # an admin sees no case content
        account_cases.link(decided_case, council["admin"], on_trial.id)
    with pytest.raises(NotFound):
        account_cases.link(decided_case, make_user("manager"), on_trial.id)
    account_cases.link(decided_case, decided_case.investigator, on_trial.id)
    record_outcome(decided_case, council["hr"])
    with pytest.raises(NotAllowed):  # the investigator does not decide the outcome
        account_cases.close_because_of(decided_case, decided_case.investigator, on_trial.id, "x")
    assert on_trial.status == "trial"


# --- a person's training is theirs to see ------------------------------------------------------------------------


def test_a_subject_access_export_includes_social_media_training(council):
    import json
    import zipfile

    from pypdf import PdfReader

    from casework.services.subject_access import export_subject_access

    account_training.record_training(
        council["officer"], council["employee"].email, date(2026, 2, 1), "Induction", today=TODAY
    )
    result = export_subject_access(council["hr"], council["employee"])
    archive = zipfile.ZipFile(io.BytesIO(result.zip_bytes))
    document = json.loads(archive.read("subject-access.json"))
    assert [(t["trained_on"], t["refresher_due_on"], t["note"]) for t in document["social_media_training"]] == [
        ("2026-02-01", "2027-02-01", "Induction")
    ]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(archive.read("subject-access.pdf"))).pages)
    assert "Social media training by the Communications team" in text and "1 February 2027" in text
