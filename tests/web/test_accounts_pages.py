"""The register of council accounts and publishing rights, through the pages (admin and HR)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from casework.domain.accounts import AccountInput
from casework.models import PublishingRight, SocialAccount
from casework.services import accounts as register
from casework.services import workflow
from casework.services.deadlines import london_today
from tests.account_samples import BRIEF


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
def account(make_user, housing):
    """Proposed by Housing's manager: the administrator who decides it did not propose it (7.3)."""
    proposer = make_user("manager", department=housing, name="Pat Proposer")
    return register.add_account(
        proposer, AccountInput(platform="facebook", handle="DemoHousing", department_id=housing.id, **BRIEF)
    )


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_an_employee_gets_page_not_found(client, make_user, login_as, account):
    login_as(make_user("employee"))
    home = client.get("/")
    assert "/accounts" not in text_of(home)
    for path in (
        "/accounts",
        "/accounts/new",
        "/accounts/register.csv",
        "/accounts/training",
        f"/accounts/{account.id}",
        f"/accounts/{account.id}/decision",
        f"/accounts/{account.id}/status",
        f"/accounts/{account.id}/rights/new",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post("/accounts/new", data={"platform": "x", "handle": "@sneaky"}).status_code == 404
    assert client.post(f"/accounts/{account.id}/status", data={"status": "trial"}).status_code == 404


@pytest.mark.parametrize("role", ["manager", "head_of_service"])
def test_managers_propose_and_follow_accounts_but_change_nothing_else(client, make_user, login_as, account, role):
    """Social Networking Policy 7.2: managers propose; deciding, closing and rights are not theirs."""
    login_as(make_user(role))
    assert "/accounts" in text_of(client.get("/"))
    for path in ("/accounts", "/accounts/new", f"/accounts/{account.id}"):
        assert client.get(path).status_code == 200, path
    body = text_of(client.get(f"/accounts/{account.id}"))
    assert "Approve or refuse" not in body and "Who may publish on it" not in body
    for path in (
        "/accounts/register.csv",
        "/accounts/training",
        f"/accounts/{account.id}/decision",
        f"/accounts/{account.id}/trial-review",
        f"/accounts/{account.id}/close",
        f"/accounts/{account.id}/status",
        f"/accounts/{account.id}/rights/new",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/accounts/{account.id}/decision", data={"decision": "approved"}).status_code == 404
    assert account.status == "proposed"


def test_signed_out_people_are_sent_to_sign_in(client, account):
    response = client.get("/accounts")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role", ["admin", "hr"])
def test_admin_and_hr_see_the_register_in_the_menu(client, make_user, login_as, account, role):
    login_as(make_user(role))
    home = text_of(client.get("/"))
    assert 'href="/accounts"' in home
    page = client.get("/accounts")
    assert page.status_code == 200
    body = text_of(page)
    assert "DemoHousing" in body and "Housing" in body and "Proposed" in body


def test_add_an_account(client, login_as, admin, housing, db_session):
    login_as(admin)
    assert client.get("/accounts/new").status_code == 200
    response = client.post(
        "/accounts/new",
        data={
            "platform": "instagram",
            "handle": "@demo_parks",
            "url": "https://www.instagram.com/demo_parks",
            "department_id": str(housing.id),
            **BRIEF,
        },
    )
    assert response.status_code == 302
    account = db_session.scalar(select(SocialAccount).where(SocialAccount.handle == "@demo_parks"))
    assert account.status == "proposed" and account.department_id == housing.id
    page = client.get(response.headers["Location"])
    assert "@demo_parks added to the register as proposed." in text_of(page)


def test_adding_an_account_shows_every_error(client, login_as, admin, account):
    login_as(admin)
    client.get("/accounts/new")
    response = client.post(
        "/accounts/new", data={"platform": "", "handle": "", "url": "ftp://x", "department_id": "nonsense"}
    )
    assert response.status_code == 200
    body = text_of(response)
    for message in (
        "Select the platform",
        "Enter the account&#39;s name or handle",
        "Enter a web address starting with http:// or https://",
        "Select the department that runs the account",
    ):
        assert message in body
    response = client.post(
        "/accounts/new",
        data={"platform": "facebook", "handle": "demohousing", "department_id": str(account.department_id)},
    )
    assert "This account is already on the register" in text_of(response)


def test_approving_a_proposal_starts_the_trial(client, login_as, admin, account):
    """Social Networking Policy 7.3, 7.4: the Communications team approves, with reasons; the trial starts."""
    login_as(admin)
    assert client.get(f"/accounts/{account.id}/status").headers["Location"].endswith(f"/accounts/{account.id}/decision")
    page = client.get(f"/accounts/{account.id}/decision")
    assert page.status_code == 200 and "Tell residents about repairs" in text_of(page)
    response = client.post(
        f"/accounts/{account.id}/decision",
        data={"decision": "approved", "reason": "A clear brief", "from_status": "proposed"},
    )
    assert response.status_code == 302
    today = london_today()
    assert (account.status, account.went_live_on, account.approved_by_id) == ("trial", today, admin.id)
    assert (account.decision, account.decision_reason) == ("approved", "A clear brief")
    assert account.trial_ends_on > today + timedelta(days=88)
    body = text_of(client.get(f"/accounts/{account.id}"))
    assert "DemoHousing is approved: its trial runs to" in body
    assert admin.name in body and "A clear brief" in body


def test_a_decision_needs_a_choice_reasons_and_a_fresh_page(client, login_as, admin, account):
    login_as(admin)
    client.get(f"/accounts/{account.id}/decision")
    response = client.post(f"/accounts/{account.id}/decision", data={"from_status": "proposed"})
    assert response.status_code == 200
    body = text_of(response)
    assert "Select whether to approve or refuse the proposal" in body
    assert "Enter the reasons for the decision" in body
    response = client.post(
        f"/accounts/{account.id}/decision", data={"decision": "refused", "reason": "x", "from_status": "trial"}
    )
    assert response.status_code == 302
    assert "changed since you opened the page" in text_of(client.get(response.headers["Location"]))
    assert account.status == "proposed" and account.decision is None


def test_status_change_needs_a_choice_and_a_fresh_page(client, login_as, admin, account):
    register.change_status(account, admin, "trial")
    login_as(admin)
    client.get(f"/accounts/{account.id}/status")
    response = client.post(f"/accounts/{account.id}/status", data={"from_status": "trial"})
    assert response.status_code == 200
    assert "Select what should happen to the account" in text_of(response)
    response = client.post(f"/accounts/{account.id}/status", data={"status": "proposed", "from_status": "trial"})
    assert "A trial account cannot become proposed" in text_of(response)
    response = client.post(f"/accounts/{account.id}/status", data={"status": "removed", "from_status": "active"})
    assert response.status_code == 302
    assert "changed since you opened the page" in text_of(client.get(response.headers["Location"]))
    assert account.status == "trial"


def test_a_trial_past_its_end_shows_review_due(client, login_as, admin, account):
    register.change_status(account, admin, "trial", today=london_today() - timedelta(days=120))
    login_as(admin)
    assert "Review due" in text_of(client.get("/accounts"))
    assert "Review due" in text_of(client.get(f"/accounts/{account.id}"))
    register.change_status(account, admin, "active")
    assert "Review due" not in text_of(client.get("/accounts"))


def test_grant_and_revoke_a_right(client, login_as, admin, account, make_user, db_session):
    approved(account)
    person = make_user(name="Priya Publisher")
    login_as(admin)
    page = client.get(f"/accounts/{account.id}/rights/new")
    assert page.status_code == 200 and person.email in text_of(page)
    trained = london_today() - timedelta(days=30)
    response = client.post(
        f"/accounts/{account.id}/rights/new",
        data={"person": person.email, "trained_on": [str(trained.day), str(trained.month), str(trained.year)]},
    )
    assert response.status_code == 302
    right = db_session.scalar(select(PublishingRight).where(PublishingRight.user_id == person.id))
    assert (right.trained_on, right.granted_by_id, right.status) == (trained, admin.id, "active")
    body = text_of(client.get(f"/accounts/{account.id}"))
    assert "Priya Publisher can now publish on DemoHousing." in body
    assert f"{trained.day} {trained:%B %Y}" in body and admin.name in body

    assert client.get(f"/accounts/{account.id}/rights/{right.id}/revoke").status_code == 200
    response = client.post(f"/accounts/{account.id}/rights/{right.id}/revoke", data={})
    assert response.status_code == 302
    assert right.status == "revoked"
    assert "Priya Publisher can no longer publish on DemoHousing." in text_of(client.get(response.headers["Location"]))


def test_granting_needs_a_person_and_a_real_past_training_date(client, login_as, admin, account, make_user):
    approved(account)
    person = make_user()
    login_as(admin)
    url = f"/accounts/{account.id}/rights/new"
    client.get(url)
    body = text_of(client.post(url, data={"person": "", "trained_on": ["", "", ""]}))
    assert "Choose a person from the staff directory" in body
    assert "Enter the date of their social media training" in body
    body = text_of(client.post(url, data={"person": person.email, "trained_on": ["31", "2", "2026"]}))
    assert "Date of training must be a real date" in body
    tomorrow = london_today() + timedelta(days=1)
    body = text_of(
        client.post(
            url,
            data={"person": person.email, "trained_on": [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)]},
        )
    )
    assert "Date of training must be today or in the past" in body
    assert register.rights_on(account) == []


def test_no_right_on_a_removed_account(client, login_as, admin, account, make_user):
    approved(account)
    register.change_status(account, admin, "removed")
    login_as(admin)
    body = text_of(client.get(f"/accounts/{account.id}"))
    assert "Give someone the right to publish" not in body
    response = client.get(f"/accounts/{account.id}/rights/new")
    assert response.status_code == 302
    response = client.post(
        f"/accounts/{account.id}/rights/new", data={"person": make_user().email, "trained_on": ["2", "3", "2026"]}
    )
    assert response.status_code == 302
    assert register.rights_on(account) == []
    assert client.get(f"/accounts/{account.id}/status").status_code == 302


def test_a_suspended_right_does_not_show_its_case(client, login_as, admin, account, make_user, make_case, housing):
    approved(account)
    manager = make_user("manager", department=housing)
    subject = make_user(department=housing, line_manager=manager, name="Sam Subject", password=None)
    register.grant_right(account, admin, subject.email, london_today() - timedelta(days=30))
    case = make_case(make_user(department=housing), subjects=[subject], description="Leaked a tenant's address")
    workflow.perform(case, manager, "take_ownership", version=case.version)
    workflow.perform(
        case, manager, "suspend_rights", {"subject": subject.email, "reason": "Secret reason"}, version=case.version
    )
    login_as(admin)
    body = text_of(client.get(f"/accounts/{account.id}"))
    assert "Sam Subject" in body and "Suspended" in body
    for leak in (case.reference, "Secret reason", "tenant", manager.name):
        assert leak not in body


def test_unknown_accounts_and_rights_are_not_found(client, login_as, admin, account, make_user, housing):
    approved(account)
    other = approved(
        register.add_account(admin, AccountInput(platform="x", handle="@Other", department_id=housing.id, **BRIEF))
    )
    right = register.grant_right(other, admin, make_user().email, london_today() - timedelta(days=30))
    login_as(admin)
    assert client.get("/accounts/999999").status_code == 404
    assert client.get(f"/accounts/{account.id}/rights/{right.id}/revoke").status_code == 404
    assert client.get(f"/accounts/{account.id}/rights/999999/revoke").status_code == 404


def test_granting_a_right_without_the_date_boxes_gets_a_clear_error(client, db_session, make_user, login_as):
    """Missing day/month/year boxes (a hand-made post) get the form's message, never a server error."""
    from casework.models import SocialAccount
    from casework.services.users import create_department

    department, _ = create_department("Parks")
    account = SocialAccount(platform="x", handle="@parks", department_id=department.id, status="active")
    db_session.add(account)
    db_session.flush()
    person = make_user(department=department)
    login_as(make_user("admin"))
    page = client.get(f"/accounts/{account.id}/rights/new")
    assert page.status_code == 200
    response = client.post(f"/accounts/{account.id}/rights/new", data={"person": person.email})
    assert response.status_code in (200, 422)
    assert b"There is a problem" in response.data
