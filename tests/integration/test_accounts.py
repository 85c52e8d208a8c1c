"""Keeping the register of council accounts and publishing rights, through the service layer."""

from datetime import date

import pytest
from sqlalchemy import select

from casework.domain.accounts import AccountInput
from casework.models import AdminEvent, PublishingRight, SocialAccount
from casework.services import accounts as register
from casework.services import workflow
from casework.services.errors import Conflict, InvalidInput, NotAllowed
from tests.account_samples import BRIEF

TODAY = date(2026, 3, 27)


def approved(account):
    """An account past its proposal (trial): rights to publish may be granted on it."""
    account.status = "trial"
    from casework.extensions import db

    db.session.flush()
    return account


@pytest.fixture
def housing(make_department):
    return make_department("Housing")


@pytest.fixture
def admin(make_user, housing):
    return make_user("admin", department=housing)


@pytest.fixture
def add(admin, housing):
    def add(handle="@HousingDemo", platform="x", **fields):
        return register.add_account(
            admin, AccountInput(platform=platform, handle=handle, department_id=housing.id, **(BRIEF | fields))
        )

    return add


def test_an_account_is_added_as_proposed(add, housing):
    account = add(url="https://x.com/HousingDemo")
    assert (account.status, account.department_id, account.url) == ("proposed", housing.id, "https://x.com/HousingDemo")
    assert account.went_live_on is None and account.trial_ends_on is None


def test_the_same_account_cannot_be_added_twice(add):
    add("@HousingDemo")
    with pytest.raises(InvalidInput) as error:
        add("@housingdemo")
    assert error.value.fields == {"handle": "This account is already on the register"}
    add("@HousingDemo", platform="instagram")


def test_an_unknown_department_is_refused(admin):
    with pytest.raises(InvalidInput) as error:
        register.add_account(admin, AccountInput(platform="x", handle="@x", department_id=999_999, **BRIEF))
    assert "department_id" in error.value.fields


@pytest.mark.parametrize("role", ["employee", "manager", "head_of_service"])
def test_only_admin_and_hr_change_the_register(make_user, add, role):
    account = approved(add())
    outsider = make_user(role)
    proposal = AccountInput(platform="x", handle="@other", department_id=account.department_id, **BRIEF)
    if role == "employee":
        with pytest.raises(NotAllowed):
            register.add_account(outsider, proposal)
    else:  # Social Networking Policy 7.2: managers propose accounts
        assert register.add_account(outsider, proposal).status == "proposed"
    with pytest.raises(NotAllowed):
        register.change_status(account, outsider, "trial")
    with pytest.raises(NotAllowed):
        register.grant_right(account, outsider, outsider.email, TODAY, today=TODAY)


def test_hr_keeps_the_register_too(make_user, add):
    hr = make_user("hr")
    account = add()
    register.change_status(account, hr, "trial", today=TODAY)
    assert account.approved_by_id == hr.id


def test_going_live_starts_a_three_month_trial(add, admin):
    account = add()
    register.change_status(account, admin, "trial", from_status="proposed", today=date(2025, 11, 30))
    assert account.status == "trial"
    assert account.went_live_on == date(2025, 11, 30)
    assert account.trial_ends_on == date(2026, 2, 28)
    assert account.approved_by_id == admin.id


def test_the_trial_length_is_configuration(app, add, admin):
    account = add()
    app.config["ACCOUNT_TRIAL_MONTHS"] = 6
    try:
        register.change_status(account, admin, "trial", today=date(2026, 1, 15))
    finally:
        app.config["ACCOUNT_TRIAL_MONTHS"] = 3
    assert account.trial_ends_on == date(2026, 7, 15)


def test_keeping_an_account_after_its_trial_keeps_its_dates(add, admin):
    account = add()
    register.change_status(account, admin, "trial", today=date(2025, 1, 6))
    register.change_status(account, admin, "active", today=date(2025, 4, 7))
    assert (account.status, account.went_live_on, account.trial_ends_on) == (
        "active",
        date(2025, 1, 6),
        date(2025, 4, 6),
    )


def test_a_transition_not_in_the_table_changes_nothing(add, admin):
    account = add()
    with pytest.raises(InvalidInput) as error:
        register.change_status(account, admin, "active")
    assert error.value.fields == {"status": "A proposed account cannot become active"}
    assert account.status == "proposed"


def test_a_status_seen_before_someone_else_changed_it_is_refused(add, admin):
    account = add()
    register.change_status(account, admin, "trial", today=TODAY)
    with pytest.raises(Conflict):
        register.change_status(account, admin, "removed", from_status="proposed")
    assert account.status == "trial"


def test_removing_an_account_revokes_every_right_on_it(add, admin, make_user):
    account = add()
    register.change_status(account, admin, "trial", today=TODAY)
    people = [make_user(), make_user()]
    for person in people:
        register.grant_right(account, admin, person.email, date(2026, 3, 1), today=TODAY)
    register.change_status(account, admin, "removed")
    statuses = set(
        register.db.session.scalars(select(PublishingRight.status).where(PublishingRight.account_id == account.id))
    )
    assert statuses == {"revoked"}


def test_a_trained_person_is_given_a_right(add, admin, make_user):
    account = approved(add())
    person = make_user()
    right = register.grant_right(account, admin, person.email.upper(), date(2026, 3, 1), today=TODAY)
    assert (right.user_id, right.trained_on, right.granted_by_id, right.status) == (
        person.id,
        date(2026, 3, 1),
        admin.id,
        "active",
    )


def test_no_right_without_a_training_date(add, admin, make_user):
    account = approved(add())
    person = make_user()
    with pytest.raises(InvalidInput) as error:
        register.grant_right(account, admin, person.email, None, today=TODAY)
    assert error.value.fields == {"trained_on": "Enter the date of their social media training"}
    with pytest.raises(InvalidInput) as error:
        register.grant_right(account, admin, person.email, date(2026, 3, 28), today=TODAY)
    assert error.value.fields == {"trained_on": "Date of training must be today or in the past"}
    assert register.rights_on(account) == []


@pytest.mark.parametrize("status", ["disabled", "removed"])
def test_no_right_on_a_disabled_or_removed_account(add, admin, make_user, status):
    account = add()
    register.change_status(account, admin, "trial", today=TODAY)
    register.change_status(account, admin, status)
    with pytest.raises(InvalidInput) as error:
        register.grant_right(account, admin, make_user().email, date(2026, 3, 1), today=TODAY)
    assert "account" in error.value.fields


def test_unknown_or_inactive_people_cannot_be_given_a_right(add, admin, make_user):
    account = approved(add())
    leaver = make_user()
    leaver.active = False
    for email in ("nobody@test.invalid", leaver.email, ""):
        with pytest.raises(InvalidInput) as error:
            register.grant_right(account, admin, email, date(2026, 3, 1), today=TODAY)
        assert error.value.fields == {"person": "Choose a person from the staff directory"}


def test_a_right_is_granted_once_and_may_be_granted_again_after_revocation(add, admin, make_user, make_department):
    account = approved(add())
    person = make_user()
    right = register.grant_right(account, admin, person.email, date(2025, 6, 1), today=TODAY)
    with pytest.raises(InvalidInput) as error:
        register.grant_right(account, admin, person.email, date(2026, 3, 1), today=TODAY)
    assert error.value.fields == {"person": "This person can already publish on this account"}
    register.revoke_right(right, admin)
    assert right.status == "revoked"
    with pytest.raises(InvalidInput):
        register.revoke_right(right, admin)
    again = register.grant_right(account, admin, person.email, date(2026, 3, 1), today=TODAY)
    assert (again.id, again.status, again.trained_on) == (right.id, "active", date(2026, 3, 1))


def test_rights_suspended_by_a_case_show_as_suspended_and_cannot_be_granted_over(
    add, admin, make_user, make_case, housing
):
    account = approved(add())
    manager = make_user("manager", department=housing)
    subject = make_user(department=housing, line_manager=manager, password=None)
    right = register.grant_right(account, admin, subject.email, date(2025, 6, 1), today=TODAY)
    case = make_case(make_user(department=housing), subjects=[subject])
    workflow.perform(case, manager, "take_ownership", version=case.version)
    workflow.perform(
        case, manager, "suspend_rights", {"subject": subject.email, "reason": "Investigating"}, version=case.version
    )
    register.db.session.refresh(right)
    assert right.status == "suspended"
    with pytest.raises(InvalidInput) as error:
        register.grant_right(account, admin, subject.email, date(2026, 3, 1), today=TODAY)
    assert "suspended" in error.value.fields["person"]

    # A right revoked from the register stays revoked when the case lifts the suspension
    register.revoke_right(right, admin)
    workflow.perform(
        case, manager, "lift_suspension", {"subject": subject.email, "reason": "Cleared"}, version=case.version
    )
    register.db.session.refresh(right)
    assert right.status == "revoked"


def test_the_register_counts_who_may_publish(add, admin, make_user, make_department):
    comms = make_department("Communications")
    first = approved(add("@HousingDemo"))
    second = register.add_account(
        admin, AccountInput(platform="facebook", handle="Comms", department_id=comms.id, **BRIEF)
    )
    people = [make_user() for _ in range(3)]
    for person in people:
        register.grant_right(first, admin, person.email, date(2026, 3, 1), today=TODAY)
    register.revoke_right(register.rights_on(first)[0], admin)
    entries = {entry.account.id: entry.publishers for entry in register.list_accounts()}
    assert entries[first.id] == 2
    assert entries[second.id] == 0


def admin_events(db_session) -> list[AdminEvent]:
    return list(db_session.scalars(select(AdminEvent).order_by(AdminEvent.id)).all())


def test_every_change_writes_one_admin_event_with_before_and_after(add, admin, make_user, db_session, housing):
    already = len(admin_events(db_session))
    account = add(url="https://x.com/HousingDemo")
    register.change_status(account, admin, "trial", today=TODAY)
    person = make_user(name="Priya Publisher")
    after_person = len(admin_events(db_session))
    right = register.grant_right(account, admin, person.email, date(2026, 3, 1), today=TODAY)
    register.revoke_right(right, admin)
    register.grant_right(account, admin, person.email, date(2026, 3, 20), today=TODAY)
    register.change_status(account, admin, "removed")
    events = admin_events(db_session)
    trainings = [e for e in events[after_person:] if e.action == "training_recorded"]
    assert [e.data["after"]["trained_on"] for e in trainings] == ["2026-03-01", "2026-03-20"]  # 8.1
    events = [e for e in events if e.action != "training_recorded"]
    assert len(events) == already + 1 + 1 + 1 + 4  # the person added is audited too
    added, trial = events[already : already + 2]
    granted, revoked, again, removed = events[after_person:]
    assert all(e.actor_id == admin.id for e in (added, trial, granted, revoked, again, removed))
    assert (added.action, added.target_type, added.target_id) == ("account_added", "social_account", account.id)
    assert added.data == {
        "target": "@HousingDemo on X (Twitter)",
        "before": {},
        "after": {
            "platform": "x",
            "handle": "@HousingDemo",
            "url": "https://x.com/HousingDemo",
            "department": "Housing",
            "status": "proposed",
            **BRIEF,
        },
    }
    assert trial.action == "account_status_changed"
    assert trial.data["before"] == {
        "status": "proposed",
        "went_live_on": None,
        "trial_ends_on": None,
        "approved_by": None,
        "decision": None,
    }
    assert trial.data["after"] == {
        "status": "trial",
        "went_live_on": "2026-03-27",
        "trial_ends_on": "2026-06-27",
        "approved_by": admin.email,
        "decision": "approved",
    }
    assert (granted.action, granted.target_type, granted.target_id) == ("right_granted", "publishing_right", right.id)
    assert granted.data["target"] == f"Priya Publisher ({person.email}) on @HousingDemo on X (Twitter)"
    assert granted.data["before"] == {}
    assert granted.data["after"] == {
        "person": person.email,
        "account": "@HousingDemo on X (Twitter)",
        "status": "active",
        "trained_on": "2026-03-01",
        "granted_by": admin.email,
    }
    assert (revoked.action, revoked.data["before"], revoked.data["after"]) == (
        "right_revoked",
        {"status": "active"},
        {"status": "revoked"},
    )
    assert (again.action, again.data["before"], again.data["after"]) == (
        "right_granted_again",
        {"status": "revoked", "trained_on": "2026-03-01"},
        {"status": "active", "trained_on": "2026-03-20"},
    )
    assert removed.data["before"] == {"status": "trial"} and removed.data["after"] == {"status": "removed"}
    assert removed.data["rights_revoked"] == 1


def test_a_refused_change_writes_no_admin_event(add, admin, make_user):
    account = add()
    before = len(admin_events(register.db.session))
    with pytest.raises(InvalidInput):
        register.change_status(account, admin, "active")
    with pytest.raises(InvalidInput):
        add("@housingdemo")
    with pytest.raises(NotAllowed):
        register.change_status(account, make_user("manager"), "trial")
    assert len(admin_events(register.db.session)) == before + 1  # only the manager made for the test


def test_a_rolled_back_change_leaves_no_admin_event(add, admin, db_session):
    db_session.commit()  # the admin and department exist
    before = len(admin_events(db_session))
    add()
    db_session.rollback()
    db_session.commit()
    assert len(admin_events(db_session)) == before
    assert db_session.scalar(select(SocialAccount).where(SocialAccount.handle == "@HousingDemo")) is None
