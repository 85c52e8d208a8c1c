"""The administration pages, and the separation of administrators from case content (issue 6, Security 6)."""

import re

import pytest
from sqlalchemy import func, select

from casework.domain import letters as letter_rules
from casework.domain import workflow as workflow_rules
from casework.models import AccessLog, AdminEvent, CaseEvent, Department, Notification, User
from casework.services import admin as admin_service
from casework.services import evidence as evidence_service
from casework.services import workflow
from casework.services.users import issue_api_token


def text_of(response) -> str:
    return response.get_data(as_text=True)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def error_summary(html: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</div>\s*</div>', html, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


@pytest.fixture
def council(make_department, make_user, make_case, db_session):
    housing = make_department("Housing")
    make_department("Finance")
    people = {
        "housing": housing,
        "admin": make_user("admin", department=housing, name="Ada Admin"),
        "hr": make_user("hr", name="Harriet HR"),
        "manager": make_user("manager", department=housing, name="Mo Manager"),
        "employee": make_user(department=housing, name="Emma Employee"),
        "head": make_user("head_of_service", name="Hal Head"),
    }
    people["subject"] = make_user(department=housing, line_manager=people["manager"], name="Sid Subject", password=None)
    people["case"] = make_case(
        people["employee"],
        subjects=[people["subject"]],
        categories=["political"],
        owner=people["manager"],
        description="Posted the council leader's home address in a campaign group.",
    )
    return people


ADMIN_ONLY = ["/admin/people/new", "/admin/departments", "/admin/departments/new"]


# --- who may see the pages -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["employee", "manager", "head_of_service"])
def test_everyone_else_gets_page_not_found(client, login_as, council, make_user, role):
    login_as(make_user(role))
    home = text_of(client.get("/"))
    assert 'href="/admin' not in home
    person, case = council["manager"], council["case"]
    department = council["housing"]
    for path in [
        "/admin",
        "/admin/people",
        f"/admin/people/{person.id}",
        f"/admin/people/{person.id}/edit",
        f"/admin/people/{person.id}/disable",
        f"/admin/people/{person.id}/cases",
        f"/admin/people/{person.id}/cases/{case.reference}",
        f"/admin/departments/{department.id}/head",
        "/admin/audit",
        *ADMIN_ONLY,
    ]:
        assert client.get(path).status_code == 404, path
    for path in [
        "/admin/people/new",
        f"/admin/people/{person.id}/edit",
        f"/admin/people/{person.id}/disable",
        f"/admin/people/{person.id}/enable",
        f"/admin/people/{person.id}/cases/{case.reference}",
        "/admin/departments/new",
    ]:
        assert client.post(path, data={"name": "x", "role": "admin"}).status_code == 404, path
    assert person.active and person.role == "manager"


def test_signed_out_people_are_sent_to_sign_in(client, council):
    response = client.get("/admin/people")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_hr_sees_people_and_the_audit_but_changes_no_one(client, login_as, council):
    login_as(council["hr"])
    home = text_of(client.get("/"))
    assert re.search(r'href="/admin/people">\s*People\s*<', home) and not re.search(r">\s*Admin\s*<", home)
    person = council["manager"]
    for path in ["/admin", "/admin/people", f"/admin/people/{person.id}", "/admin/audit"]:
        assert client.get(path).status_code == 200, path
    for path in [*ADMIN_ONLY, f"/admin/people/{person.id}/edit", f"/admin/people/{person.id}/disable"]:
        assert client.get(path).status_code == 404, path
    assert client.post(f"/admin/people/{person.id}/disable", data={}).status_code == 404
    assert person.active
    assert "Change their details" not in text_of(client.get(f"/admin/people/{person.id}"))


def test_an_administrator_sees_admin_in_the_menu_and_every_page(client, login_as, council):
    login_as(council["admin"])
    home = text_of(client.get("/"))
    assert re.search(r'href="/admin">\s*Admin\s*<', home)
    person = council["manager"]
    for path in [
        "/admin",
        "/admin/people",
        f"/admin/people/{person.id}",
        f"/admin/people/{person.id}/edit",
        f"/admin/people/{person.id}/disable",
        f"/admin/departments/{council['housing'].id}/head",
        "/admin/audit",
        *ADMIN_ONLY,
    ]:
        assert client.get(path).status_code == 200, path


def test_the_people_list_shows_what_an_administrator_needs(client, login_as, council, db_session):
    council["manager"].mfa_enabled_at = council["manager"].created_at
    login_as(council["admin"])
    body = text_of(client.get("/admin/people"))
    for header in ("Name", "Role", "Staff type", "Department", "Line manager", "Account", "Can sign in", "Two-factor"):
        assert f">{header}" in body
    row = re.search(r"Sid Subject.*?</tr>", body, re.S).group(0)
    assert "Employee" in row and "Housing" in row and "Mo Manager" in row and "Active" in row
    assert re.findall(r'govuk-table__cell">(Yes|No)</td>', row) == ["No", "No"]  # no password, no two-factor
    manager_row = re.search(r"Mo Manager</a>.*?</tr>", body, re.S).group(0)
    assert re.findall(r'govuk-table__cell">(Yes|No)</td>', manager_row) == ["Yes", "Yes"]
    found = text_of(client.get("/admin/people?q=SID"))
    assert "Sid Subject" in found and "Mo Manager</a>" not in found
    assert "1 person" in found


def test_the_people_list_is_paginated(client, login_as, council, make_user):
    for n in range(51):
        make_user(name=f"Zed Person {n:02d}", password=None)
    login_as(council["admin"])
    first = text_of(client.get("/admin/people"))
    assert "govuk-pagination" in first
    second = text_of(client.get("/admin/people?page=2"))
    assert "Zed Person 50" in second and "Zed Person 50" not in first
    assert client.get("/admin/people?page=nonsense").status_code == 200


# --- adding and changing people ------------------------------------------------------------------


def new_person_form(**fields):
    return {
        "email": "new.starter@council.invalid",
        "name": "New Starter",
        "role": "employee",
        "staff_type": "volunteer",
        "contractor_org": "",
        "department": "Housing",
        "line_manager": "",
    } | fields


def test_add_a_person(client, login_as, council, db_session):
    login_as(council["admin"])
    assert client.get("/admin/people/new").status_code == 200
    events = count(db_session, AdminEvent)
    response = client.post("/admin/people/new", data=new_person_form(line_manager=council["manager"].email))
    assert response.status_code == 302
    person = db_session.scalar(select(User).where(User.email == "new.starter@council.invalid"))
    assert (person.staff_type, person.department.name, person.line_manager_id, person.password_hash) == (
        "volunteer",
        "Housing",
        council["manager"].id,
        None,
    )
    added = db_session.scalars(select(AdminEvent.action).order_by(AdminEvent.id.desc()).limit(2)).all()
    assert count(db_session, AdminEvent) == events + 2 and set(added) == {"person_added", "invitation_sent"}
    page = text_of(client.get(response.headers["Location"]))
    assert "New Starter added. We have e-mailed them a link to set their password" in page
    assert "Person added" in page  # the latest changes to this person


BAD_FORMS = {
    "duplicate e-mail in another case": ({"email": "MO.MANAGER@council.invalid"}, "already exists"),
    "unknown department": ({"department": "Atlantis"}, "No department called Atlantis"),
    "role not in the list": ({"role": "overlord"}, "Choose a role from the list"),
    "no role chosen": ({"role": ""}, "Choose a role from the list"),
    "control character in the name": ({"name": "New\x0bStarter"}, "Name must not contain control characters"),
    "contractor without an organisation": ({"staff_type": "contractor"}, "Enter the contractor&#39;s organisation"),
    "e-mail in the wrong format": ({"email": "new starter"}, "Enter an e-mail address in the correct format"),
    "unknown line manager": ({"line_manager": "ghost@council.invalid"}, "No user with e-mail ghost@council.invalid"),
}


@pytest.mark.parametrize("case", list(BAD_FORMS), ids=list(BAD_FORMS))
def test_a_bad_new_person_gets_a_clear_error_and_changes_nothing(client, login_as, council, db_session, case):
    council["manager"].email = "mo.manager@council.invalid"
    db_session.flush()
    fields, message = BAD_FORMS[case]
    login_as(council["admin"])
    client.get("/admin/people/new")
    before = (count(db_session, User), count(db_session, AdminEvent))
    response = client.post("/admin/people/new", data=new_person_form(**fields))
    assert response.status_code == 422
    body = text_of(response)
    assert message in error_summary(body)
    assert "<title>Error: Add a person" in body
    assert (count(db_session, User), count(db_session, AdminEvent)) == before


def edit_form(person, **fields):
    return {
        "name": person.name,
        "role": person.role,
        "staff_type": person.staff_type,
        "contractor_org": person.contractor_org or "",
        "department": person.department.name if person.department else "",
        "line_manager": person.line_manager.email if person.line_manager else "",
        "seen": admin_service.fingerprint(person),
    } | fields


def test_change_a_persons_details(client, login_as, council, db_session):
    person = council["subject"]
    login_as(council["admin"])
    page = text_of(client.get(f"/admin/people/{person.id}/edit"))
    assert 'value="Sid Subject"' in page and f'value="{council["manager"].email}" selected' in page
    events = count(db_session, AdminEvent)
    response = client.post(
        f"/admin/people/{person.id}/edit", data=edit_form(person, role="manager", department="Finance")
    )
    assert response.status_code == 302
    assert (person.role, person.department.name) == ("manager", "Finance")
    [event] = db_session.scalars(select(AdminEvent).order_by(AdminEvent.id.desc()).limit(1)).all()
    assert count(db_session, AdminEvent) == events + 1
    assert (event.data["before"], event.data["after"]) == (
        {"role": "employee", "department": "Housing"},
        {"role": "manager", "department": "Finance"},
    )
    page = text_of(client.get(response.headers["Location"]))
    assert "Sid Subject&#39;s details saved." in page
    assert "Role: Employee → Manager" in page and "Department: Housing → Finance" in page


BAD_EDITS = {
    "line manager = self": (lambda p: {"line_manager": p.email}, "A person cannot be their own line manager"),
    "unknown department": (lambda p: {"department": "Atlantis"}, "No department called Atlantis"),
    "role not in the list": (lambda p: {"role": "root"}, "Choose a role from the list"),
    "control character in the name": (lambda p: {"name": "Sid\x00Subject"}, "must not contain control characters"),
}


@pytest.mark.parametrize("case", list(BAD_EDITS), ids=list(BAD_EDITS))
def test_a_bad_change_gets_a_clear_error_and_changes_nothing(client, login_as, council, db_session, case):
    person = council["subject"]
    fields, message = BAD_EDITS[case]
    login_as(council["admin"])
    client.get(f"/admin/people/{person.id}/edit")
    before = (person.name, person.role, person.department_id, person.line_manager_id, count(db_session, AdminEvent))
    response = client.post(f"/admin/people/{person.id}/edit", data=edit_form(person, **fields(person)))
    assert response.status_code == 422
    assert message in error_summary(text_of(response))
    db_session.refresh(person)
    after = (person.name, person.role, person.department_id, person.line_manager_id, count(db_session, AdminEvent))
    assert after == before


def test_a_stale_edit_form_is_refused(client, login_as, council, db_session):
    person = council["subject"]
    login_as(council["admin"])
    client.get(f"/admin/people/{person.id}/edit")
    stale = edit_form(person, role="manager")
    admin_service.update_person(
        council["admin"],
        person,
        **{k: v for k, v in edit_form(person).items() if k != "seen"} | {"name": "Sid Renamed"},
    )
    response = client.post(f"/admin/people/{person.id}/edit", data=stale)
    assert response.status_code == 302
    assert "changed since you opened the page" in text_of(client.get(response.headers["Location"]))
    assert person.role == "employee"


def test_saving_an_unchanged_form_writes_nothing(client, login_as, council, db_session):
    person = council["subject"]
    login_as(council["admin"])
    client.get(f"/admin/people/{person.id}/edit")
    events = count(db_session, AdminEvent)
    response = client.post(f"/admin/people/{person.id}/edit", data=edit_form(person))
    assert "Nothing was changed." in text_of(client.get(response.headers["Location"]))
    assert count(db_session, AdminEvent) == events


# --- leavers ---------------------------------------------------------------------------------------


def test_disabling_a_leaver_shows_their_cases_by_reference_only(client, login_as, council, db_session):
    case, manager = council["case"], council["manager"]
    evidence_service.add_link(case, manager, "https://www.facebook.com/groups/campaign/1", None, "Screenshot text")
    login_as(council["admin"])
    page = text_of(client.get(f"/admin/people/{manager.id}/disable"))
    assert case.reference in page and "They own or investigate 1 open case" in page
    assert "1 person has Mo Manager as their line manager" in page
    for leak in ("home address", "campaign", "Sid Subject", "Party-political", "Facebook", "Screenshot text"):
        assert leak not in page, leak
    assert f'href="/cases/{case.reference}"' not in page
    events, notices = count(db_session, AdminEvent), count(db_session, Notification)
    response = client.post(f"/admin/people/{manager.id}/disable", data={})
    assert response.status_code == 302
    assert manager.active is False
    assert count(db_session, AdminEvent) == events + 1
    assert count(db_session, Notification) == notices + 1  # HR is told
    person_page = text_of(client.get(response.headers["Location"]))
    assert "Mo Manager&#39;s account is disabled." in person_page and "Disabled" in person_page
    assert "Account disabled (leaver)" in person_page
    for leak in ("home address", "Sid Subject", case.reference):
        assert leak not in person_page, leak
    assert client.get(f"/admin/people/{manager.id}/disable").status_code == 302  # already disabled

    response = client.post(f"/admin/people/{manager.id}/enable", data={})
    assert response.status_code == 302 and manager.active
    assert "account is enabled again" in text_of(client.get(response.headers["Location"]))


def test_an_administrator_cannot_disable_themselves(client, login_as, council):
    admin = council["admin"]
    login_as(admin)
    page = text_of(client.get(f"/admin/people/{admin.id}/disable"))
    assert "You cannot disable your own account" in page
    response = client.post(f"/admin/people/{admin.id}/disable", data={})
    assert response.status_code == 302 and admin.active


def test_hr_reassigns_a_leavers_cases(client, login_as, council, make_user, db_session):
    case, manager = council["case"], council["manager"]
    successor = make_user("manager", name="Sue Successor")
    admin_service.disable_person(council["admin"], manager)
    login_as(council["hr"])
    person_page = text_of(client.get(f"/admin/people/{manager.id}"))
    assert "1 open case" in person_page and f"/admin/people/{manager.id}/cases" in person_page
    listing = text_of(client.get(f"/admin/people/{manager.id}/cases"))
    assert case.reference in listing and "owner" in listing
    url = f"/admin/people/{manager.id}/cases/{case.reference}"
    form = text_of(client.get(url))
    assert "New owner" in form and "New investigator" not in form
    assert successor.email in form and council["subject"].email not in form and manager.email not in form

    response = client.post(url, data={"version": str(case.version), "owner": ""})
    assert response.status_code == 422 and "Choose a new owner or investigator" in error_summary(text_of(response))
    response = client.post(url, data={"version": str(case.version), "owner": council["subject"].email})
    assert "The owner must be a manager or HR" in error_summary(text_of(response))

    events = count(db_session, CaseEvent)
    response = client.post(url, data={"version": str(case.version), "owner": successor.email})
    assert response.status_code == 302
    assert case.owner_id == successor.id
    assert count(db_session, CaseEvent) == events + 1
    assert f"{case.reference} reassigned." in text_of(client.get(response.headers["Location"]))
    chronology = text_of(client.get(f"/cases/{case.reference}"))
    assert "Reassigned" in chronology
    assert client.get(url).status_code == 404  # no longer theirs


def test_a_stale_reassignment_form_is_refused(client, login_as, council, make_user, db_session):
    case, manager = council["case"], council["manager"]
    successor = make_user("manager")
    login_as(council["hr"])
    url = f"/admin/people/{manager.id}/cases/{case.reference}"
    client.get(url)
    stale = case.version
    workflow.perform(case, manager, "take_ownership", version=case.version)
    response = client.post(url, data={"version": str(stale), "owner": successor.email})
    assert response.status_code == 302
    assert "changed since you opened it" in text_of(client.get(response.headers["Location"]))
    assert case.owner_id == manager.id


def test_administrators_cannot_reach_the_reassignment_pages(client, login_as, council):
    manager, case = council["manager"], council["case"]
    login_as(council["admin"])
    assert client.get(f"/admin/people/{manager.id}/cases").status_code == 404
    url = f"/admin/people/{manager.id}/cases/{case.reference}"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"version": str(case.version), "owner": council["hr"].email}).status_code == 404
    assert case.owner_id == manager.id


# --- departments -----------------------------------------------------------------------------------


def test_add_a_department_and_set_its_head(client, login_as, council, db_session):
    login_as(council["admin"])
    client.get("/admin/departments/new")
    response = client.post("/admin/departments/new", data={"name": "Parks", "head_of_service": ""})
    assert response.status_code == 302
    parks = db_session.scalar(select(Department).where(Department.name == "Parks"))
    page = text_of(client.get("/admin/departments"))
    assert "Parks added." in page
    form = text_of(client.get(f"/admin/departments/{parks.id}/head"))
    assert council["head"].email in form and council["manager"].email not in form
    response = client.post(f"/admin/departments/{parks.id}/head", data={"head_of_service": council["head"].email})
    assert response.status_code == 302 and parks.head_of_service_id == council["head"].id
    assert "Hal Head" in text_of(client.get("/admin/departments"))
    assert client.get("/admin/departments/999999/head").status_code == 404


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "housing"}, "A department called housing already exists"),
        ({"name": "Parks\x00"}, "must not contain control characters"),
        ({"name": ""}, "Enter the department&#39;s name"),
        ({"name": "Parks", "head_of_service": "ghost@council.invalid"}, "No user with e-mail ghost@council.invalid"),
        ({"name": "Parks", "head_of_service": "MANAGER"}, "is not a head of service"),
    ],
)
def test_a_bad_department_gets_a_clear_error_and_changes_nothing(
    client, login_as, council, db_session, fields, message
):
    if fields.get("head_of_service") == "MANAGER":
        fields = fields | {"head_of_service": council["manager"].email}
    login_as(council["admin"])
    client.get("/admin/departments/new")
    before = (count(db_session, Department), count(db_session, AdminEvent))
    response = client.post("/admin/departments/new", data={"head_of_service": ""} | fields)
    assert response.status_code == 422
    assert message in error_summary(text_of(response))
    assert (count(db_session, Department), count(db_session, AdminEvent)) == before


# --- the admin audit page ---------------------------------------------------------------------------


def test_the_audit_page_shows_who_when_what_target_and_changes(client, login_as, council, db_session):
    admin, person = council["admin"], council["subject"]
    admin_service.update_person(
        admin, person, **{k: v for k, v in edit_form(person).items() if k != "seen"} | {"role": "manager"}
    )
    login_as(council["hr"])
    body = text_of(client.get("/admin/audit"))
    row = re.search(r'<tr class="govuk-table__row">\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>Ada Admin.*?</tr>', body, re.S)
    assert row, body
    row = row.group(0)
    assert "Person&#39;s details changed" in row and "Sid Subject" in row and "Role: Employee → Manager" in row
    assert "Command line or system" in body  # the departments and people made by the fixtures
    assert "Posted the council leader" not in body

    only_updates = text_of(client.get("/admin/audit?action=person_updated"))
    assert "1 change" in only_updates
    by_person = text_of(client.get("/admin/audit", query_string={"person": person.email}))
    assert "Sid Subject" in by_person and "Hal Head" not in by_person
    assert client.get("/admin/audit?action=nonsense&page=-3").status_code == 200


def test_the_audit_page_is_paginated_newest_first(client, login_as, council, make_user):
    for n in range(55):
        make_user(name=f"Person {n:02d}", password=None)
    login_as(council["admin"])
    first = text_of(client.get("/admin/audit"))
    assert "govuk-pagination" in first
    assert first.index("Person 54") < first.index("Person 50")
    assert "Person 00" not in first
    assert "Person 00" in text_of(client.get("/admin/audit?page=2"))


# --- admin separation: no case content, anywhere ------------------------------------------------------


def case_urls(case, evidence_id, subject):
    """Every page and action of a case, as (method, path)."""
    base = f"/cases/{case.reference}"
    urls = [("GET", base), ("POST", f"{base}/information")]
    for action in workflow_rules.ACTIONS:
        urls += [("GET", f"{base}/actions/{action}"), ("POST", f"{base}/actions/{action}")]
    urls += [
        ("GET", f"{base}/evidence"),
        ("POST", f"{base}/evidence"),
        ("GET", f"{base}/evidence/{evidence_id}"),
        ("GET", f"{base}/report.pdf"),
        ("GET", f"{base}/letters"),
    ]
    for kind in letter_rules.LETTERS:
        urls += [("GET", f"{base}/letters/{kind}?subject={subject.email}")]
        urls += [("POST", f"{base}/letters/{kind}?subject={subject.email}")]
    return urls


def api_urls(case, evidence_id):
    base = f"/api/v1/cases/{case.reference}"
    return [
        ("GET", base),
        ("POST", f"{base}/actions"),
        ("GET", f"{base}/events"),
        ("POST", f"{base}/evidence"),
        ("GET", f"{base}/evidence/{evidence_id}"),
        ("GET", f"{base}/report.pdf"),
    ]


RELATIONSHIPS = [
    "in the subject's department",
    "line manager of the subject",
    "owner and investigator",
    "abuse victim's line manager",
]


@pytest.mark.parametrize("relationship", RELATIONSHIPS)
def test_an_administrator_gets_not_found_on_every_case_url(
    client, login_as, council, make_user, make_case, db_session, relationship
):
    """However an administrator stands to a case, they cannot open any of it (design §1, §4)."""
    admin, manager, housing = council["admin"], council["manager"], council["housing"]
    if relationship == "line manager of the subject":
        subject = make_user(department=housing, line_manager=admin, name="Lee Managed-By-Admin", password=None)
        case = make_case(council["employee"], subjects=[subject], owner=manager)
    elif relationship == "owner and investigator":
        case = make_case(council["employee"], subjects=[council["subject"]], owner=admin, investigator=admin)
        manager = admin
    elif relationship == "abuse victim's line manager":
        victim = make_user(department=housing, line_manager=admin, name="Val Victim")
        case = make_case(victim, kind="abuse", owner=council["manager"])
        subject = victim
    else:
        case = council["case"]
    if relationship != "owner and investigator":
        evidence = evidence_service.add_link(case, council["manager"], "https://x.com/post/1", None, "Evidence")
    else:
        evidence = evidence_service.add_link(case, council["hr"], "https://x.com/post/1", None, "Evidence")
    subject = case.subjects[0] if case.subjects else case.reporter
    events, access = count(db_session, CaseEvent), count(db_session, AccessLog)
    version = case.version

    login_as(admin)
    for method, path in case_urls(case, evidence.id, subject):
        response = client.get(path) if method == "GET" else client.post(path, data={"version": str(version)})
        assert response.status_code == 404, f"{method} {path}: {response.status_code}"
        assert case.description not in text_of(response)

    listing = text_of(client.get("/cases"))
    assert case.reference not in listing
    assert client.get("/subject-access").status_code == 404
    assert client.get("/reports/summary").status_code == 404

    token = issue_api_token(admin)
    db_session.commit()  # an API error rolls the request back, as it should: the token must outlive that
    headers = {"Authorization": f"Bearer {token}"}
    for method, path in api_urls(case, evidence.id):
        if method == "GET":
            response = client.get(path, headers=headers)
        else:
            response = client.post(path, headers=headers, json={"action": "take_ownership", "version": version})
        assert response.status_code == 404, f"{method} {path}: {response.status_code}"
    listed = client.get("/api/v1/cases", headers=headers).get_json()
    assert case.reference not in {item["reference"] for item in listed["items"]}

    assert (count(db_session, CaseEvent), count(db_session, AccessLog)) == (events, access)
    assert case.version == version


def test_no_admin_page_shows_case_content(client, login_as, council, db_session):
    case, manager, subject = council["case"], council["manager"], council["subject"]
    workflow.perform(case, manager, "take_ownership", version=case.version)
    workflow.perform(
        case, manager, "start_investigation",
        {
            "investigator": manager.email,
            "no_suspension_reason": "No council account involved",
            "override_reason": "The only manager in a team of three",
        },
        version=case.version,
    )  # fmt: skip
    admin_service.disable_person(council["admin"], manager)
    login_as(council["admin"])
    pages = [
        "/admin",
        "/admin/people",
        f"/admin/people/{manager.id}",
        f"/admin/people/{subject.id}",
        f"/admin/people/{manager.id}/edit",
        f"/admin/people/{subject.id}/disable",
        "/admin/departments",
        "/admin/audit",
        "/accounts",
        "/",
        "/notifications",
    ]
    for path in pages:
        body = text_of(client.get(path))
        for leak in ("home address", "campaign group", "Party-political", "No council account involved"):
            assert leak not in body, f"{leak!r} on {path}"
        if path != "/admin/people":
            assert case.reference not in body, path


def test_an_administrator_who_line_manages_a_subject_is_not_told_of_the_case(
    client, login_as, council, make_user, make_case, db_session
):
    admin = council["admin"]
    subject = make_user(department=council["housing"], line_manager=admin, password=None)
    case = make_case(council["employee"], subjects=[subject])
    told = db_session.scalars(select(Notification.user_id).where(Notification.case_id == case.id)).all()
    assert admin.id not in told and council["manager"].id in told
    login_as(admin)
    assert case.reference not in text_of(client.get("/notifications"))
    assert case.reference not in text_of(client.get("/"))
