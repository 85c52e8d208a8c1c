"""Publishing rights and suspensions across cases (issue 9 items 3 and 4), through the services
and the real database: a right is suspended while any active suspension covers it; a rights
decision at outcome touches only the people it is about; a repeated suspension, a right on an
account not approved, and a new right for someone suspended everywhere are refused and change nothing."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from casework.models import PublishingRight, SocialAccount, Suspension
from casework.services import accounts as register
from casework.services.deadlines import london_today
from casework.services.errors import InvalidInput
from casework.services.workflow import perform


@pytest.fixture
def council(make_department, make_user, db_session):
    housing = make_department("Housing")
    manager = make_user("manager", department=housing)
    people = {
        "housing": housing,
        "hr": make_user("hr"),
        "investigator": make_user("manager", department=housing),
        "reporter": make_user(department=housing),
        "sam": make_user(department=housing, line_manager=manager, name="Sam Jones", password=None),
        "alex": make_user(department=housing, line_manager=manager, name="Alex Green", password=None),
    }
    accounts = []
    for handle in ("HousingNews", "HousingHelp"):
        account = SocialAccount(platform="facebook", handle=handle, department_id=housing.id, status="active")
        db_session.add(account)
        accounts.append(account)
    db_session.flush()
    for who in ("sam", "alex"):
        for account in accounts:
            db_session.add(PublishingRight(user_id=people[who].id, account_id=account.id, trained_on=date(2025, 1, 6)))
    db_session.flush()
    return people, accounts


def act(case, actor, action, **params):
    return perform(case, actor, action, params, version=case.version)


def statuses(db_session, person) -> dict[str, str]:
    rows = db_session.execute(
        select(SocialAccount.handle, PublishingRight.status)
        .join(SocialAccount, SocialAccount.id == PublishingRight.account_id)
        .where(PublishingRight.user_id == person.id)
    ).all()
    return dict(rows)


def owned_case(make_case, people, subjects):
    case = make_case(people["reporter"], subjects=subjects)
    act(case, people["hr"], "take_ownership")
    return case


def test_lifting_in_one_case_leaves_the_right_suspended_while_another_case_suspends_it(council, make_case, db_session):
    people, _ = council
    hr, sam = people["hr"], people["sam"]
    first = owned_case(make_case, people, [sam])
    second = owned_case(make_case, people, [sam])
    act(first, hr, "suspend_rights", subject=sam.email, reason="Posted a resident's address")
    act(second, hr, "suspend_rights", subject=sam.email, reason="Abusive replies")
    assert set(statuses(db_session, sam).values()) == {"suspended"}

    act(first, hr, "lift_suspension", subject=sam.email, reason="Cleared in this case")
    assert set(statuses(db_session, sam).values()) == {"suspended"}, "another case still suspends Sam"
    lifted = first.events[-1].data
    assert lifted["rights_restored"] == [] and len(lifted["rights_still_suspended_by_other_cases"]) == 2

    act(second, hr, "lift_suspension", subject=sam.email, reason="Cleared here too")
    assert set(statuses(db_session, sam).values()) == {"active"}, "the last suspension lifted: active again"


def test_a_suspension_on_one_account_keeps_only_that_right_suspended(council, make_case, db_session):
    people, (news, help_) = council
    hr, sam = people["hr"], people["sam"]
    first = owned_case(make_case, people, [sam])
    second = owned_case(make_case, people, [sam])
    act(first, hr, "suspend_rights", subject=sam.email, reason="Everywhere")
    act(second, hr, "suspend_rights", subject=sam.email, accounts=[news.id], reason="On the news page")
    act(first, hr, "lift_suspension", subject=sam.email, reason="Lifted")
    assert statuses(db_session, sam) == {"HousingNews": "suspended", "HousingHelp": "active"}


def test_suspending_again_on_the_same_accounts_is_refused_and_makes_no_second_suspension(
    council, make_case, db_session
):
    """Back and resend, or the button pressed on two pages loaded one after the other."""
    people, (news, _) = council
    hr, sam = people["hr"], people["sam"]
    case = owned_case(make_case, people, [sam])
    act(case, hr, "suspend_rights", subject=sam.email, reason="While we look")
    version = case.version
    for accounts in ("all", [news.id]):
        with pytest.raises(InvalidInput) as refused:
            act(case, hr, "suspend_rights", subject=sam.email, accounts=accounts, reason="While we look")
        assert refused.value.fields == {
            "accounts": "Sam Jones's publishing rights are already suspended on every council account on this case"
        }
    assert case.version == version
    count = db_session.scalar(select(func.count()).select_from(Suspension).where(Suspension.case_id == case.id))
    assert count == 1


def test_suspending_on_one_account_twice_names_the_account(council, make_case):
    people, (news, help_) = council
    hr, sam = people["hr"], people["sam"]
    case = owned_case(make_case, people, [sam])
    act(case, hr, "suspend_rights", subject=sam.email, accounts=[news.id], reason="News page")
    with pytest.raises(InvalidInput) as refused:
        act(case, hr, "suspend_rights", subject=sam.email, accounts=[news.id, help_.id], reason="Again")
    assert refused.value.fields["accounts"].endswith("already suspended on this case on: HousingNews")
    act(case, hr, "suspend_rights", subject=sam.email, accounts=[help_.id], reason="The help page too")
    assert len(case.suspensions) == 2


@pytest.mark.parametrize("decision", ["revoked", "restored"])
def test_a_rights_decision_at_outcome_never_touches_a_co_subject_who_was_not_suspended(
    council, make_case, db_session, decision
):
    people, _ = council
    hr, sam, alex = people["hr"], people["sam"], people["alex"]
    case = owned_case(make_case, people, [sam, alex])
    act(case, hr, "suspend_rights", subject=sam.email, reason="Sam posted it")
    act(case, hr, "start_investigation", investigator=people["investigator"].email)
    outcomes = [
        {"subject": sam.email, "finding": "substantiated", "sanction": "training", "rights_decision": decision},
        {"subject": alex.email, "finding": "not_substantiated", "sanction": "no_action"},
    ]
    act(case, hr, "record_outcome", outcomes=outcomes, summary="x")
    assert set(statuses(db_session, sam).values()) == {"revoked" if decision == "revoked" else "active"}
    assert set(statuses(db_session, alex).values()) == {"active"}, "Alex was never suspended"
    decided = {o["subject"]: o["rights_decision"] for o in case.events[-1].data["outcomes"]}
    assert decided == {sam.email: decision, alex.email: None}


def test_restoring_at_outcome_leaves_a_right_another_case_suspends_suspended(council, make_case, db_session):
    people, (news, _) = council
    hr, sam = people["hr"], people["sam"]
    other = owned_case(make_case, people, [sam])
    act(other, hr, "suspend_rights", subject=sam.email, accounts=[news.id], reason="Other matter")
    case = owned_case(make_case, people, [sam])
    act(case, hr, "suspend_rights", subject=sam.email, reason="This matter")
    act(case, hr, "start_investigation", investigator=people["investigator"].email)
    act(
        case,
        hr,
        "record_outcome",
        finding="substantiated",
        sanction="training",
        rights_decision="restored",
        summary="x",
    )
    assert statuses(db_session, sam) == {"HousingNews": "suspended", "HousingHelp": "active"}


def test_no_new_right_for_someone_suspended_on_every_account(council, make_case, db_session):
    people, _ = council
    hr, sam = people["hr"], people["sam"]
    case = owned_case(make_case, people, [sam])
    act(case, hr, "suspend_rights", subject=sam.email, reason="While we look")
    new = SocialAccount(platform="x", handle="HousingX", department_id=people["housing"].id, status="active")
    db_session.add(new)
    db_session.flush()
    with pytest.raises(InvalidInput) as refused:
        register.grant_right(new, hr, sam.email, london_today() - timedelta(days=30))
    assert refused.value.fields == {
        "person": "This person's publishing rights are suspended on every council account "
        f"({case.reference}): no new right can be granted until that suspension is lifted"
    }
    assert statuses(db_session, sam).get("HousingX") is None


def test_no_right_on_an_account_that_is_only_proposed(council, db_session):
    people, _ = council
    proposed = SocialAccount(platform="x", handle="Proposed", department_id=people["housing"].id, status="proposed")
    db_session.add(proposed)
    db_session.flush()
    with pytest.raises(InvalidInput) as refused:
        register.grant_right(proposed, people["hr"], people["alex"].email, london_today() - timedelta(days=30))
    assert set(refused.value.fields) == {"account"}
    assert "proposed, not yet approved" in refused.value.fields["account"]
    assert statuses(db_session, people["alex"]).get("Proposed") is None
