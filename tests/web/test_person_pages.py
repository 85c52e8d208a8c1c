"""HR's page about a person, the subject search, leavers on HR's home page, and movers (issue 12, items 4 and 5)."""

from datetime import date, timedelta

import pytest

from casework.models import Outcome, PublishingRight, SocialAccount, Suspension, utcnow
from casework.services import admin as admin_service
from casework.services import staff_import


def text_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def council(make_department, make_user, make_case, db_session):
    housing = make_department("Housing")
    finance = make_department("Finance")
    hr = make_user("hr", name="Harriet HR")
    other_hr = make_user("hr", name="Omar HR")
    manager = make_user("manager", department=housing, name="Mo Manager")
    sam = make_user(department=housing, line_manager=manager, name="Sam Subject", password=None)
    reporter = make_user(department=housing, name="Rita Reporter")
    old = make_case(reporter, subjects=[sam], owner=manager)
    new = make_case(reporter, subjects=[sam], categories=["disrepute"])
    about_hr_too = make_case(reporter, subjects=[sam, hr])  # Harriet may not see this one
    sam_reported = make_case(sam, subjects=[reporter])
    return {
        "housing": housing,
        "finance": finance,
        "hr": hr,
        "other_hr": other_hr,
        "manager": manager,
        "sam": sam,
        "reporter": reporter,
        "cases": {"old": old, "new": new, "about_hr_too": about_hr_too, "sam_reported": sam_reported},
    }


def warn(case, decider, sanction, decided, live_until):
    from casework.extensions import db

    db.session.add(
        Outcome(
            case_id=case.id,
            finding="substantiated",
            sanction=sanction,
            summary="Found",
            decided_by_id=decider.id,
            decided_at=decided,
            live_until=live_until,
        )
    )
    db.session.flush()


def test_hr_sees_a_persons_cases_warnings_rights_and_suspensions(client, login_as, council, db_session):
    sam, hr, cases = council["sam"], council["hr"], council["cases"]
    now = utcnow()
    warn(cases["old"], council["manager"], "first_written_warning", now - timedelta(days=400), date(2025, 1, 1))
    warn(cases["new"], council["manager"], "final_written_warning", now - timedelta(days=10), date(2099, 1, 1))
    account = SocialAccount(platform="x", handle="@HousingNews", department_id=council["housing"].id, status="active")
    db_session.add(account)
    db_session.flush()
    db_session.add(PublishingRight(user_id=sam.id, account_id=account.id, trained_on=date(2024, 5, 1)))
    db_session.add(
        Suspension(case_id=cases["new"].id, subject_id=sam.id, reason="While investigated", authorised_by_id=hr.id)
    )
    db_session.flush()
    login_as(hr)
    response = client.get(f"/people/{sam.id}")
    assert response.status_code == 200
    html = text_of(response)
    about = html[html.index('id="cases-as-subject"') : html.index('id="reporter-heading"')]
    assert cases["old"].reference in about and cases["new"].reference in about
    assert cases["about_hr_too"].reference not in html  # Harriet is a subject of it
    assert "1 other case names you as a subject" in html
    reported = html[html.index('id="cases-as-reporter"') : html.index('id="owner-heading"')]
    assert cases["sam_reported"].reference in reported
    assert "Sam Subject is a repeat subject: 2 cases are about them." in html
    warnings = html[html.index('id="warnings"') :]
    assert "Final written warning" in warnings and "Live</strong> until 1 January 2099" in warnings
    assert "First written warning" in warnings and "Spent</strong> since 1 January 2025" in warnings
    assert "@HousingNews" in html and "active, trained on 1 May 2024" in html
    assert f"{cases['new'].reference}: every council account" in html and "still in force" in html
    # Another HR officer, not a subject of the third case, sees it
    login_as(council["other_hr"])
    html = text_of(client.get(f"/people/{sam.id}"))
    assert cases["about_hr_too"].reference in html and "repeat subject: 3 cases" in html


@pytest.mark.parametrize("role", ["employee", "manager", "head_of_service", "admin"])
def test_only_hr_sees_a_persons_record(client, login_as, make_user, council, role):
    login_as(make_user(role))
    assert client.get(f"/people/{council['sam'].id}").status_code == 404


def test_no_such_person(client, login_as, council):
    login_as(council["hr"])
    assert client.get("/people/999999").status_code == 404


def test_the_search_behind_the_subject_picker(client, login_as, council, make_user, db_session):
    gone = make_user(name="Sam Gone", password=None)
    gone.active = False
    db_session.flush()
    assert client.get("/people/search?q=sam").status_code == 302  # signed in only
    login_as(council["reporter"])
    found = client.get("/people/search?q=sAm").get_json()["people"]
    assert [p["name"] for p in found] == ["Sam Subject", "Sam Gone"]  # people still here first
    assert found[0] == {"email": council["sam"].email, "name": "Sam Subject", "department": "Housing", "left": False}
    assert found[1]["left"] is True
    assert client.get("/people/search?q=s").get_json() == {"people": []}
    assert client.get("/people/search?q=%25").get_json() == {"people": []}  # a wildcard is a character
    for n in range(12):
        make_user(name=f"Pat Many {n}", password=None)
    assert len(client.get("/people/search?q=pat many").get_json()["people"]) == 10  # at most ten


def test_hr_home_page_lists_leavers_cases_to_reassign_with_a_deadline(client, login_as, make_user, council, db_session):
    admin = make_user("admin")
    admin_service.disable_person(admin, council["manager"])  # owns an open case
    login_as(council["hr"])
    html = text_of(client.get("/"))
    assert "Leavers' cases to reassign" in html
    row = html[html.index('id="leavers"') :]
    assert "Mo Manager" in row and "Overdue" not in row.split("</table>")[0]
    council["manager"].left_at = utcnow() - timedelta(days=14)  # left two weeks ago: past the 5 working days
    db_session.commit()
    row = text_of(client.get("/"))
    assert "Overdue" in row[row.index('id="leavers"') :].split("</table>")[0]
    login_as(council["reporter"])
    assert "Leavers' cases to reassign" not in text_of(client.get("/"))


def test_a_move_changes_who_sees_a_case_from_the_next_request(client, login_as, council, make_user, db_session):
    """Managers see cases about people in their department; an import that moves the subject moves the case."""
    finance_manager = make_user("manager", department=council["finance"], name="Fay Finance")
    case = council["cases"]["new"]
    sam = council["sam"]
    sam.employee_number = "E100"
    db_session.commit()
    login_as(finance_manager)
    assert client.get(f"/cases/{case.reference}").status_code == 404
    data = (f"Employee number,E-mail,First name,Last name,Department\nE100,{sam.email},Sam,Subject,Finance\n").encode()
    staff_import.apply_import(staff_import.plan_import(data), actor=None)
    db_session.commit()
    assert client.get(f"/cases/{case.reference}").status_code == 200
    login_as(council["manager"])  # still Sam's line manager: sees it; another Housing manager does not
    assert client.get(f"/cases/{case.reference}").status_code == 200
    housing_manager = make_user("manager", department=council["housing"])
    login_as(housing_manager)
    assert client.get(f"/cases/{case.reference}").status_code == 404
