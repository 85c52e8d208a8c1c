"""The landing page: overdue items, new reports waiting, notifications."""

from datetime import timedelta

from casework.models import utcnow


def test_dashboard_lists_overdue_and_waiting(client, login_as, make_user, make_department, make_case, db_session):
    housing = make_department("Housing")
    manager = make_user("manager", department=housing)
    subject = make_user(department=housing, password=None)
    reporter = make_user(department=housing)
    waiting = make_case(reporter, subjects=[subject])
    overdue = make_case(reporter, subjects=[subject], owner=manager)
    overdue.stage = "investigation"
    overdue.next_deadline_at = utcnow() - timedelta(days=2)
    overdue.next_deadline_label = "Complete the investigation"
    db_session.flush()

    login_as(manager)
    page = client.get("/").get_data(as_text=True)
    overdue_section = page.split("Overdue", 1)[1].split("New reports waiting", 1)[0]
    assert overdue.reference in overdue_section
    assert "Complete the investigation" in overdue_section
    assert waiting.reference in page.split("New reports waiting", 1)[1]


def test_notifications_page_and_mark_read(client, login_as, make_user, make_department, make_case, db_session):
    housing = make_department("Housing")
    manager = make_user("manager", department=housing)
    subject = make_user(department=housing, line_manager=manager, password=None)
    case = make_case(make_user(department=housing), subjects=[subject])
    login_as(manager)
    from casework.models import Notification

    db_session.add(Notification(user_id=manager.id, message="The retention review is due."))
    db_session.commit()
    page = client.get("/notifications").get_data(as_text=True)
    assert case.reference in page and "New" in page
    # A notice about a case links to it; one about no case has no link
    assert f'<a class="govuk-link" href="/cases/{case.reference}">Open <span class="app-reference">' in page
    assert page.count(">Open <span") == 1 and "The retention review is due." in page
    assert "Notifications (2 new)" in client.get("/").get_data(as_text=True)
    client.post("/notifications", data={})
    assert "new)" not in client.get("/").get_data(as_text=True)


def test_head_of_service_sees_contractor_cases_to_acknowledge(client, login_as, make_user, make_department, make_case):
    from casework.services.workflow import perform

    hos = make_user("head_of_service")
    environment = make_department("Environment", head_of_service=hos)
    contractor = make_user(department=environment, staff_type="contractor", password=None)
    case = make_case(make_user(department=environment), subjects=[contractor])
    login_as(hos)
    page = client.get("/").get_data(as_text=True)
    assert "Contractor cases awaiting your acknowledgement" in page and case.reference in page
    perform(case, hos, "acknowledge_contractor_case", {}, version=case.version)
    assert case.reference not in client.get("/").get_data(as_text=True).split("awaiting your acknowledgement")[-1]


def test_suspensions_under_review_for_the_owner(client, login_as, make_user, make_department, make_case):
    from casework.services.workflow import perform

    housing = make_department("Housing")
    manager = make_user("manager", department=housing)
    subject = make_user(department=housing, password=None, name="Suspended Person")
    case = make_case(make_user(department=housing), subjects=[subject])
    perform(case, manager, "take_ownership", {}, version=case.version)
    perform(case, manager, "suspend_rights", {"subject": subject.email, "reason": "Pending"}, version=case.version)
    login_as(manager)
    page = client.get("/").get_data(as_text=True)
    assert "Suspensions under review" in page and "Suspended Person" in page
