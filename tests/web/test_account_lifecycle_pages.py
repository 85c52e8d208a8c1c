"""Council accounts from proposal to removal, through the pages (Social Networking Policy 7.2-7.5, 8.1, 8.6)."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from casework.domain.accounts import AccountInput
from casework.models import AdminEvent, SocialAccount
from casework.models_accounts import AccountCase, SocialMediaTraining
from casework.services import accounts as register
from casework.services.deadlines import london_today
from casework.services.workflow import perform
from tests.account_samples import BRIEF


def text_of(response) -> str:
    return response.get_data(as_text=True)


def count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def date_boxes(day) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


@pytest.fixture
def housing(make_department):
    return make_department("Housing")


@pytest.fixture
def officer(make_user, make_department):
    """The council's Social Media Officer: an employee of the Communications department."""
    return make_user("employee", department=make_department("Communications"), name="Sid Officer")


@pytest.fixture
def manager(make_user, housing):
    return make_user("manager", department=housing, name="Mo Manager")


@pytest.fixture
def proposed(manager, housing):
    return register.add_account(
        manager, AccountInput(platform="instagram", handle="@housing_news", department_id=housing.id, **BRIEF)
    )


def test_a_manager_proposes_an_account(client, login_as, manager, housing, db_session):
    login_as(manager)
    page = client.get("/accounts/new")
    assert "Project brief" in text_of(page)
    response = client.post(
        "/accounts/new",
        data={"platform": "tiktok", "handle": "@housing_youth", "url": "", "department_id": str(housing.id), **BRIEF},
    )
    assert response.status_code == 302
    account = db_session.scalar(select(SocialAccount).where(SocialAccount.handle == "@housing_youth"))
    assert (account.status, account.proposed_by_id, account.run_by) == ("proposed", manager.id, BRIEF["run_by"])
    assert "The Communications team will approve or refuse it." in text_of(client.get(response.headers["Location"]))


def test_a_proposal_with_no_purpose_is_refused_and_nothing_is_stored(client, login_as, manager, housing, db_session):
    login_as(manager)
    client.get("/accounts/new")
    before = (count(db_session, SocialAccount), count(db_session, AdminEvent))
    response = client.post(
        "/accounts/new",
        data={
            "platform": "tiktok",
            "handle": "@housing_youth",
            "department_id": str(housing.id),
            **BRIEF,
            "purpose": "",
        },
    )
    assert response.status_code == 200
    body = text_of(response)
    assert "<title>Error: Propose a council social media account" in body
    assert "Enter what the account is for and how it will benefit the service" in body
    assert (count(db_session, SocialAccount), count(db_session, AdminEvent)) == before


def test_the_social_media_officer_approves_and_the_trial_is_reviewed(client, login_as, officer, proposed):
    login_as(officer)
    register_page = text_of(client.get("/accounts"))
    assert "@housing_news" in register_page and "Propose an account" in register_page
    show = text_of(client.get(f"/accounts/{proposed.id}"))
    assert "Approve or refuse" in show and BRIEF["moderation"] in show
    response = client.post(
        f"/accounts/{proposed.id}/decision",
        data={"decision": "approved", "reason": "Clear brief", "from_status": "proposed"},
    )
    assert response.status_code == 302 and proposed.status == "trial"
    show = text_of(client.get(f"/accounts/{proposed.id}"))
    assert "Review the trial" in show and "Clear brief" in show
    page = client.get(f"/accounts/{proposed.id}/trial-review")
    assert page.status_code == 200
    response = client.post(
        f"/accounts/{proposed.id}/trial-review", data={"decision": "", "note": "", "from_status": "trial"}
    )
    body = text_of(response)
    assert "Select whether to keep the account or close it" in body and "Enter what the review found" in body
    response = client.post(
        f"/accounts/{proposed.id}/trial-review",
        data={"decision": "keep", "note": "Residents use it", "from_status": "trial"},
    )
    assert response.status_code == 302 and proposed.status == "active"
    assert "@housing_news is kept: it is now active." in text_of(client.get(response.headers["Location"]))


def test_a_refusal_is_shown_with_its_reasons(client, login_as, officer, proposed):
    login_as(officer)
    client.get(f"/accounts/{proposed.id}/decision")
    response = client.post(
        f"/accounts/{proposed.id}/decision",
        data={"decision": "refused", "reason": "The main account covers this", "from_status": "proposed"},
    )
    assert response.status_code == 302
    body = text_of(client.get(f"/accounts/{proposed.id}"))
    assert "Refused" in body and "The main account covers this" in body and "Approve or refuse" not in body
    assert client.get(f"/accounts/{proposed.id}/decision").status_code == 302


def test_use_and_closing_of_a_dormant_account(client, login_as, officer, proposed, db_session):
    register.decide(proposed, officer, "approved", "Fine", today=london_today() - timedelta(days=300))
    login_as(officer)
    body = text_of(client.get("/accounts"))
    assert "Flagged for removal" in body and "Not used since" in body
    future = london_today() + timedelta(days=1)
    response = client.post(f"/accounts/{proposed.id}/use", data={"used_on": date_boxes(future)})
    assert "Date last used must be today or in the past" in text_of(response)
    assert proposed.last_used_on is None
    response = client.post(f"/accounts/{proposed.id}/use", data={"used_on": ["31", "2", "2026"]})
    assert "Date last used must be a real date" in text_of(response)
    yesterday = london_today() - timedelta(days=1)
    response = client.post(f"/accounts/{proposed.id}/use", data={"used_on": date_boxes(yesterday)})
    assert response.status_code == 302 and proposed.last_used_on == yesterday
    assert "Flagged for removal" not in text_of(client.get("/accounts"))
    response = client.post(f"/accounts/{proposed.id}/close", data={"reason": "", "from_status": "trial"})
    assert "Enter why the account is being closed" in text_of(response) and proposed.status == "trial"
    response = client.post(
        f"/accounts/{proposed.id}/close", data={"reason": "Of no benefit to residents", "from_status": "trial"}
    )
    assert response.status_code == 302 and proposed.status == "removed"
    assert "Of no benefit to residents" in text_of(client.get(f"/accounts/{proposed.id}"))


def test_training_is_recorded_on_its_page(client, login_as, officer, manager, db_session):
    login_as(officer)
    assert client.get("/accounts/training").status_code == 200
    page = client.get("/accounts/training/new")
    assert manager.email in text_of(page)
    response = client.post("/accounts/training/new", data={"person": "", "trained_on": ["", "", ""], "note": ""})
    body = text_of(response)
    assert (
        "Choose a person from the staff directory" in body and "Enter the date of their social media training" in body
    )
    assert count(db_session, SocialMediaTraining) == 0
    trained = london_today() - timedelta(days=10)
    response = client.post(
        "/accounts/training/new", data={"person": manager.email, "trained_on": date_boxes(trained), "note": "Induction"}
    )
    assert response.status_code == 302
    body = text_of(client.get(response.headers["Location"]))
    assert "Mo Manager" in body and "is recorded. A refresher is due by" in body


def test_the_register_downloads_as_csv(client, login_as, officer, proposed, manager):
    login_as(officer)
    response = client.get("/accounts/register.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert [(r["handle"], r["status"], r["proposed_by"]) for r in rows] == [
        ("'@housing_news", "proposed", manager.email)  # a cell starting with @ is quoted, as in every export
    ]
    login_as(manager)
    assert client.get("/accounts/register.csv").status_code == 404


# --- a case about a council account (8.6) ---------------------------------------------------------------------


@pytest.fixture
def case_about_account(make_user, make_case, housing, officer, proposed):
    register.decide(proposed, officer, "approved", "Fine")
    hr = make_user("hr", name="Hana HR")
    subject = make_user(department=housing, password=None, name="Sam Subject")
    case = make_case(make_user(department=housing), subjects=[subject], categories=["inappropriate_content"])
    perform(case, hr, "take_ownership", {}, version=case.version)
    return case, hr


def test_the_case_links_to_its_account_and_its_outcome_closes_it(
    client, login_as, make_user, case_about_account, proposed, db_session
):
    case, hr = case_about_account
    login_as(hr)
    body = text_of(client.get(f"/cases/{case.reference}"))
    assert "Council accounts" in body and "Link a council account" in body
    path = f"/cases/{case.reference}/council-accounts"
    page = text_of(client.get(path))
    assert "An account can be closed because of the case once the case has an outcome." in page
    response = client.post(path, data={"step": "link", "account": ""})
    assert response.status_code == 422 and "Choose a council account from the register" in text_of(response)
    response = client.post(path, data={"step": "link", "account": str(proposed.id)})
    assert response.status_code == 302
    assert f"{case.reference} is linked to @housing_news." in text_of(client.get(response.headers["Location"]))
    assert "@housing_news" in text_of(client.get(f"/cases/{case.reference}"))
    response = client.post(path, data={"step": "close", "close_account": str(proposed.id), "reason": "x"})
    assert response.status_code == 422 and proposed.status == "trial"
    investigator = make_user("manager", password=None, name="Ivy Investigator")
    perform(
        case,
        hr,
        "start_investigation",
        {"investigator": investigator.email, "no_suspension_reason": "None"},
        version=case.version,
    )
    perform(
        case,
        hr,
        "record_outcome",
        {"finding": "substantiated", "sanction": "management_advice", "summary": "Misused the account"},
        version=case.version,
    )
    db_session.commit()  # as in life: a refused request's rollback cannot undo the outcome
    assert "Close the account because of this case" in text_of(client.get(path))
    response = client.post(path, data={"step": "close", "close_account": str(proposed.id), "reason": ""})
    assert "Enter why the account is being closed" in text_of(response) and proposed.status == "trial"
    response = client.post(
        path, data={"step": "close", "close_account": str(proposed.id), "reason": "Posted residents' details"}
    )
    assert response.status_code == 302 and proposed.status == "removed"
    assert f"@housing_news is closed because of {case.reference}." in text_of(client.get(response.headers["Location"]))


def test_an_admin_never_sees_the_case_page_for_accounts(client, login_as, make_user, case_about_account, db_session):
    case, _ = case_about_account
    login_as(make_user("admin"))
    assert client.get(f"/cases/{case.reference}/council-accounts").status_code == 404
    assert client.post(f"/cases/{case.reference}/council-accounts", data={"step": "link"}).status_code == 404
    assert count(db_session, AccountCase) == 0


def test_the_home_page_tells_the_communications_team_what_needs_doing(client, login_as, officer, manager, proposed):
    login_as(officer)
    body = text_of(client.get("/"))
    assert "1 proposed account waits for a decision" in body
    register.decide(proposed, officer, "approved", "Fine", today=london_today() - timedelta(days=300))
    body = text_of(client.get("/"))
    assert "1 trial ends soon or needs its review" in body and "1 account is flagged for removal" in body
    assert "waits for a decision" not in body
    login_as(manager)
    assert "flagged for removal" not in text_of(client.get("/"))
