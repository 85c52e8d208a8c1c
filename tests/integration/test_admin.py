"""Administration through the service layer: people, departments, leavers, reassignment and the admin audit."""

import pytest
from sqlalchemy import func, select, update

from casework.models import AdminEvent, ApiToken, Case, CaseEvent, Department, Notification, User
from casework.services import admin as admin_service
from casework.services import users as user_service
from casework.services import workflow
from casework.services.audit import verify_all
from casework.services.errors import Conflict, InvalidInput, NotAllowed, NotFound


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def events_since(session, last_id: int) -> list[AdminEvent]:
    return list(session.scalars(select(AdminEvent).where(AdminEvent.id > last_id).order_by(AdminEvent.id)).all())


def last_event_id(session) -> int:
    return session.scalar(select(func.max(AdminEvent.id))) or 0


def row_of(session, person: User) -> dict:
    """The person's row as the database holds it."""
    table = User.__table__
    return dict(session.execute(select(table).where(table.c.id == person.id)).mappings().one())


@pytest.fixture
def housing(make_department):
    return make_department("Housing")


@pytest.fixture
def finance(make_department):
    return make_department("Finance")


@pytest.fixture
def admin(make_user, housing):
    return make_user("admin", department=housing, name="Ada Admin", password=None)


@pytest.fixture
def manager(make_user, housing):
    return make_user("manager", department=housing, name="Mo Manager", password=None)


@pytest.fixture
def hr(make_user):
    return make_user("hr", name="Hana HR", password=None)


def add(admin, **fields):
    values = {
        "email": "new.starter@council.invalid",
        "name": "New Starter",
        "role": "employee",
        "staff_type": "employee",
        "department": "Housing",
        "line_manager": None,
        "contractor_org": "",
    }
    return admin_service.add_person(admin, **(values | fields))


# --- adding people -----------------------------------------------------------------------


def test_an_admin_adds_a_person_who_cannot_sign_in_and_one_event_is_written(db_session, admin, manager, housing):
    mark = last_event_id(db_session)
    person = add(admin, email=" New.Starter@Council.INVALID ", line_manager=manager.email)
    assert (person.email, person.department_id, person.line_manager_id, person.password_hash) == (
        "new.starter@council.invalid",
        housing.id,
        manager.id,
        None,
    )
    assert not person.can_sign_in
    [event] = events_since(db_session, mark)
    assert (event.actor_id, event.action, event.target_type, event.target_id) == (
        admin.id,
        "person_added",
        "user",
        person.id,
    )
    assert event.data == {
        "target": "New Starter (new.starter@council.invalid)",
        "before": {},
        "after": {
            "email": "new.starter@council.invalid",
            "name": "New Starter",
            "role": "employee",
            "staff_type": "employee",
            "department": "Housing",
            "line_manager": manager.email,
            "contractor_org": None,
            "can_sign_in": False,
        },
    }


def test_a_contractor_needs_their_organisation(db_session, admin):
    with pytest.raises(InvalidInput) as error:
        add(admin, staff_type="contractor")
    assert error.value.fields == {"contractor_org": "Enter the contractor's organisation"}
    person = add(admin, staff_type="contractor", contractor_org="  Acme Grounds Ltd ")
    assert person.contractor_org == "Acme Grounds Ltd"


BAD_PEOPLE = {
    "duplicate e-mail in another case": ({"email": "EXISTING@council.invalid"}, "email", "already exists"),
    "e-mail without @": ({"email": "not-an-email"}, "email", "correct format"),
    "e-mail with a control character": ({"email": "a\x00b@council.invalid"}, "email", "correct format"),
    "unknown department": ({"department": "Atlantis"}, "department", "No department called Atlantis"),
    "role not in the list": ({"role": "overlord"}, "role", "Choose a role from the list"),
    "no role": ({"role": ""}, "role", "Choose a role from the list"),
    "staff type not in the list": ({"staff_type": "astronaut"}, "staff_type", "Choose a staff type"),
    "line manager = self": ({"line_manager": "new.starter@council.invalid"}, "line_manager", "No user with e-mail"),
    "unknown line manager": ({"line_manager": "nobody@council.invalid"}, "line_manager", "No user with e-mail"),
    "control character in the name": ({"name": "New\x07Starter"}, "name", "must not contain control characters"),
    "new line in the name": ({"name": "New\nStarter"}, "name", "must not contain control characters"),
    "no name": ({"name": "   "}, "name", "Enter the person's name"),
    "name too long": ({"name": "N" * 201}, "name", "200 characters or fewer"),
    "control character in the organisation": (
        {"staff_type": "contractor", "contractor_org": "Acme\x1bLtd"},
        "contractor_org",
        "control characters",
    ),
}


@pytest.mark.parametrize("case", list(BAD_PEOPLE), ids=list(BAD_PEOPLE))
def test_a_bad_new_person_is_refused_and_changes_nothing(db_session, admin, make_user, case):
    make_user(email="existing@council.invalid", password=None)
    fields, field, message = BAD_PEOPLE[case]
    people, events = count(db_session, User), count(db_session, AdminEvent)
    with pytest.raises(InvalidInput) as error:
        add(admin, **fields)
    assert message in error.value.fields[field]
    assert (count(db_session, User), count(db_session, AdminEvent)) == (people, events)


def test_a_disabled_person_cannot_be_a_new_line_manager(db_session, admin, manager):
    admin_service.disable_person(admin, manager)
    with pytest.raises(InvalidInput) as error:
        add(admin, line_manager=manager.email)
    assert "has left" in error.value.fields["line_manager"]


@pytest.mark.parametrize("role", ["employee", "manager", "hr", "head_of_service"])
def test_only_administrators_change_people_and_departments(db_session, make_user, manager, housing, role):
    outsider = make_user(role, password=None)
    people, events = count(db_session, User), count(db_session, AdminEvent)
    with pytest.raises(NotAllowed):
        add(outsider)
    with pytest.raises(NotAllowed):
        admin_service.update_person(outsider, manager, **_details(manager, role="hr"))
    with pytest.raises(NotAllowed):
        admin_service.disable_person(outsider, manager)
    with pytest.raises(NotAllowed):
        admin_service.add_department(outsider, "Parks")
    with pytest.raises(NotAllowed):
        admin_service.change_head_of_service(outsider, housing, None)
    assert (count(db_session, User), count(db_session, AdminEvent)) == (people, events)
    assert manager.active and manager.role == "manager"


# --- changing people ---------------------------------------------------------------------


def _details(person: User, **changes) -> dict:
    return {
        "name": person.name,
        "role": person.role,
        "staff_type": person.staff_type,
        "department": person.department.name if person.department else None,
        "line_manager": person.line_manager.email if person.line_manager else None,
        "contractor_org": person.contractor_org or "",
    } | changes


def test_a_change_writes_one_event_with_only_the_changed_fields(db_session, admin, manager, make_user, finance):
    person = make_user(name="Sam Worker", department=manager.department, line_manager=manager, password=None)
    seen = admin_service.fingerprint(person)
    mark = last_event_id(db_session)
    changed = admin_service.update_person(
        admin, person, seen=seen, **_details(person, role="manager", department="finance", line_manager=None)
    )
    assert changed
    assert (person.role, person.department_id, person.line_manager_id) == ("manager", finance.id, None)
    [event] = events_since(db_session, mark)
    assert (event.action, event.actor_id, event.target_type, event.target_id) == (
        "person_updated",
        admin.id,
        "user",
        person.id,
    )
    assert event.data["before"] == {"role": "employee", "department": "Housing", "line_manager": manager.email}
    assert event.data["after"] == {"role": "manager", "department": "Finance", "line_manager": None}


def test_saving_without_a_change_writes_nothing(db_session, admin, manager):
    mark = last_event_id(db_session)
    assert admin_service.update_person(admin, manager, **_details(manager)) is False
    assert events_since(db_session, mark) == []


def test_becoming_a_contractor_needs_an_organisation_and_leaving_it_clears_it(db_session, admin, make_user):
    person = make_user(password=None)
    with pytest.raises(InvalidInput):
        admin_service.update_person(admin, person, **_details(person, staff_type="contractor"))
    admin_service.update_person(admin, person, **_details(person, staff_type="contractor", contractor_org="Acme"))
    assert (person.staff_type, person.contractor_org) == ("contractor", "Acme")
    admin_service.update_person(admin, person, **_details(person, staff_type="agency", contractor_org="Acme"))
    assert (person.staff_type, person.contractor_org) == ("agency", None)


BAD_CHANGES = {
    "line manager = self": (lambda p, m: {"line_manager": p.email}, "line_manager", "cannot be their own line manager"),
    "line manager who reports to them": (lambda p, m: {"line_manager": m.email}, "line_manager", "reports to"),
    "unknown department": (lambda p, m: {"department": "Atlantis"}, "department", "No department called Atlantis"),
    "role not in the list": (lambda p, m: {"role": "superuser"}, "role", "Choose a role from the list"),
    "control character in the name": (lambda p, m: {"name": "Bad\x00Name"}, "name", "control characters"),
    "unknown line manager": (lambda p, m: {"line_manager": "ghost@council.invalid"}, "line_manager", "No user"),
}


@pytest.mark.parametrize("case", list(BAD_CHANGES), ids=list(BAD_CHANGES))
def test_a_bad_change_is_refused_and_changes_nothing(db_session, admin, make_user, housing, case):
    person = make_user("manager", department=housing, password=None)
    report = make_user(department=housing, line_manager=person, password=None)
    fields, field, message = BAD_CHANGES[case]
    row, events = row_of(db_session, person), count(db_session, AdminEvent)
    with pytest.raises(InvalidInput) as error:
        admin_service.update_person(admin, person, **_details(person, **fields(person, report)))
    assert message in error.value.fields[field]
    assert row_of(db_session, person) == row
    assert count(db_session, AdminEvent) == events


def test_an_administrator_cannot_change_their_own_role(db_session, admin):
    with pytest.raises(InvalidInput) as error:
        admin_service.update_person(admin, admin, **_details(admin, role="hr"))
    assert "your own role" in error.value.fields["role"]
    assert admin.role == "admin"
    assert admin_service.update_person(admin, admin, **_details(admin, name="Ada Admin-Smith"))


def test_a_head_of_service_keeps_the_role_while_heading_a_department(db_session, admin, make_user, housing):
    head = make_user("head_of_service", password=None)
    admin_service.change_head_of_service(admin, housing, head.email)
    with pytest.raises(InvalidInput) as error:
        admin_service.update_person(admin, head, **_details(head, role="employee"))
    assert "head of service of Housing" in error.value.fields["role"]
    admin_service.change_head_of_service(admin, housing, None)
    admin_service.update_person(admin, head, **_details(head, role="employee"))
    assert head.role == "employee"


def test_a_form_opened_before_someone_elses_change_is_refused(db_session, admin, manager):
    seen = admin_service.fingerprint(manager)
    admin_service.update_person(admin, manager, **_details(manager, name="Mo Manager-Jones"))
    with pytest.raises(Conflict):
        admin_service.update_person(admin, manager, seen=seen, **_details(manager, role="hr"))
    assert manager.role == "manager"


def test_a_change_committed_meanwhile_by_another_transaction_is_not_overwritten(db_session, admin, manager):
    """Compare and set: the update only happens if the row still holds what was read."""
    details = _details(manager, role="hr")
    db_session.execute(
        update(User)
        .where(User.id == manager.id)
        .values(name="Changed Elsewhere")
        .execution_options(synchronize_session=False)
    )
    events = count(db_session, AdminEvent)
    with pytest.raises(Conflict):
        admin_service.update_person(admin, manager, **details)
    assert row_of(db_session, manager)["role"] == "manager"
    assert count(db_session, AdminEvent) == events


# --- leavers -------------------------------------------------------------------------------


@pytest.fixture
def leavers_cases(make_user, make_case, manager, housing):
    """Two open cases the manager owns or investigates, one closed, and one about someone else."""
    reporter = make_user(department=housing, password=None)
    subject = make_user(department=housing, name="Sid Subject", password=None)
    owned = make_case(reporter, subjects=[subject], owner=manager, description="Top secret description")
    investigated = make_case(reporter, subjects=[subject], investigator=manager)
    closed = make_case(reporter, subjects=[subject], owner=manager)
    closed.stage = "closed"
    other = make_case(reporter, subjects=[subject])
    return owned, investigated, closed, other


def test_the_leaver_check_names_open_cases_by_reference_only(db_session, admin, manager, leavers_cases):
    owned, investigated, _, _ = leavers_cases
    check = admin_service.leaver_check(manager)
    assert check.open_case_references == sorted([owned.reference, investigated.reference])
    assert all(isinstance(reference, str) for reference in check.open_case_references)


def test_disabling_a_leaver(db_session, admin, manager, hr, make_user, leavers_cases):
    other_hr = make_user("hr", password=None)
    user_service.issue_api_token(manager)
    mark = last_event_id(db_session)
    notices = count(db_session, Notification)
    admin_service.disable_person(admin, manager)
    assert manager.active is False and not manager.can_sign_in
    assert db_session.scalar(select(ApiToken.revoked_at).where(ApiToken.user_id == manager.id)) is not None
    [event] = events_since(db_session, mark)
    assert (event.action, event.target_id, event.data["before"], event.data["after"]) == (
        "person_disabled",
        manager.id,
        {"active": True},
        {"active": False},
    )
    assert (event.data["open_cases"], event.data["api_tokens_revoked"]) == (2, 1)
    told = db_session.scalars(select(Notification).where(Notification.id > 0)).all()
    assert count(db_session, Notification) == notices + 2  # both HR officers
    message = next(n.message for n in told if n.user_id == other_hr.id)
    assert "Mo Manager has left: 2 open cases" in message
    assert all(case.reference not in message for case in leavers_cases)
    # Their history stays theirs
    assert leavers_cases[0].owner_id == manager.id

    with pytest.raises(Conflict):
        admin_service.disable_person(admin, manager)
    assert len(events_since(db_session, mark)) == 1


def test_an_administrator_cannot_disable_themselves(db_session, admin):
    with pytest.raises(InvalidInput):
        admin_service.disable_person(admin, admin)
    assert admin.active


def test_enabling_again(db_session, admin, manager):
    admin_service.disable_person(admin, manager)
    mark = last_event_id(db_session)
    admin_service.enable_person(admin, manager)
    assert manager.active
    [event] = events_since(db_session, mark)
    assert (event.action, event.data["before"], event.data["after"]) == (
        "person_enabled",
        {"active": False},
        {"active": True},
    )
    with pytest.raises(Conflict):
        admin_service.enable_person(admin, manager)


# --- reassigning a leaver's cases ------------------------------------------------------------


def test_hr_reassigns_a_leavers_case_in_its_audit_trail(db_session, admin, manager, hr, make_user, leavers_cases):
    owned, investigated, _, _ = leavers_cases
    successor = make_user("manager", name="Sue Successor", password=None)
    admin_service.disable_person(admin, manager)
    cases, hidden = admin_service.cases_to_reassign(hr, manager)
    assert [c.reference for c in cases] == sorted([owned.reference, investigated.reference]) and hidden == 0
    version = owned.version
    admin_service.reassign_case(hr, owned, owner=successor.email, version=version)
    assert owned.owner_id == successor.id and owned.version == version + 1
    event = db_session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == owned.id).order_by(CaseEvent.seq.desc())
    ).first()
    assert (event.action, event.actor_id, event.data) == (
        "reassigned",
        hr.id,
        {"before": {"owner": manager.email}, "after": {"owner": successor.email}},
    )
    assert verify_all().intact
    assert db_session.scalar(
        select(Notification).where(Notification.user_id == successor.id, Notification.case_id == owned.id)
    )
    admin_service.reassign_case(hr, investigated, investigator=successor.email, version=investigated.version)
    assert investigated.investigator_id == successor.id
    assert admin_service.cases_to_reassign(hr, manager) == ([], 0)


def test_a_stale_reassignment_is_refused(db_session, hr, manager, make_user, leavers_cases):
    owned = leavers_cases[0]
    successor = make_user("manager", password=None)
    stale = owned.version
    workflow.perform(owned, manager, "take_ownership", version=owned.version)
    with pytest.raises(Conflict):
        admin_service.reassign_case(hr, owned, owner=successor.email, version=stale)
    assert owned.owner_id == manager.id


@pytest.mark.parametrize(
    ("who", "field", "message"),
    [
        ("subject", "owner", "cannot be a person the case is about"),
        ("employee", "owner", "must be a manager or HR"),
        ("nobody", "owner", "from the list"),
        ("leaver", "owner", "from the list"),
        ("reporter", "investigator", "cannot be the person who reported the case"),
    ],
)
def test_a_reassignment_to_someone_unsuitable_is_refused(
    db_session, admin, hr, manager, make_user, make_case, housing, who, field, message
):
    reporter = make_user("manager", department=housing, password=None)
    subject = make_user("manager", department=housing, password=None)
    leaver = make_user("manager", password=None)
    case = make_case(reporter, subjects=[subject], owner=manager, investigator=manager)
    admin_service.disable_person(admin, leaver)
    email = {
        "subject": subject.email,
        "employee": make_user(password=None).email,
        "nobody": "nobody@council.invalid",
        "leaver": leaver.email,
        "reporter": reporter.email,
    }[who]
    events = count(db_session, CaseEvent)
    with pytest.raises(InvalidInput) as error:
        admin_service.reassign_case(hr, case, version=case.version, **{field: email})
    assert message in error.value.fields[field]
    assert (case.owner_id, case.investigator_id) == (manager.id, manager.id)
    assert count(db_session, CaseEvent) == events


def test_a_closed_case_and_an_empty_choice_are_refused(db_session, hr, manager, make_user, leavers_cases):
    owned, _, closed, _ = leavers_cases
    with pytest.raises(Conflict):
        admin_service.reassign_case(hr, closed, owner=make_user("manager", password=None).email, version=closed.version)
    with pytest.raises(InvalidInput):
        admin_service.reassign_case(hr, owned, version=owned.version)
    with pytest.raises(InvalidInput) as error:
        admin_service.reassign_case(hr, owned, investigator=hr.email, version=owned.version)
    assert error.value.fields == {"investigator": "This case has no investigator to replace"}


@pytest.mark.parametrize("role", ["admin", "manager", "employee", "head_of_service"])
def test_only_hr_reassigns(db_session, make_user, manager, leavers_cases, role):
    owned = leavers_cases[0]
    actor = make_user(role, password=None)
    with pytest.raises((NotFound, NotAllowed)):
        admin_service.cases_to_reassign(actor, manager)
    with pytest.raises(NotFound):
        admin_service.get_case_to_reassign(actor, manager, owned.reference)
    with pytest.raises(NotFound):
        admin_service.reassign_case(actor, owned, owner=actor.email, version=owned.version)


def test_hr_named_in_a_case_cannot_reassign_it(db_session, hr, manager, make_user, make_case, housing):
    case = make_case(make_user(department=housing, password=None), subjects=[hr], owner=manager)
    assert admin_service.cases_to_reassign(hr, manager) == ([], 1)
    with pytest.raises(NotFound):
        admin_service.get_case_to_reassign(hr, manager, case.reference)
    with pytest.raises(NotFound):
        admin_service.reassign_case(hr, case, owner=make_user("manager", password=None).email, version=case.version)


# --- departments ---------------------------------------------------------------------------


def test_departments_are_added_and_given_a_head_of_service(db_session, admin, make_user):
    head = make_user("head_of_service", name="Hal Head", password=None)
    mark = last_event_id(db_session)
    parks = admin_service.add_department(admin, "  Parks  ")
    assert admin_service.change_head_of_service(admin, parks, head.email)
    assert admin_service.change_head_of_service(admin, parks, head.email) is False
    assert admin_service.change_head_of_service(admin, parks, None)
    created, headed, cleared = events_since(db_session, mark)
    assert (created.action, created.target_type, created.target_id, created.data) == (
        "department_created",
        "department",
        parks.id,
        {"target": "Parks", "before": {}, "after": {"name": "Parks", "head_of_service": None}},
    )
    assert (headed.action, headed.data["before"], headed.data["after"]) == (
        "department_head_changed",
        {"head_of_service": None},
        {"head_of_service": head.email},
    )
    assert (cleared.data["before"], cleared.data["after"]) == (
        {"head_of_service": head.email},
        {"head_of_service": None},
    )


BAD_DEPARTMENTS = {
    "duplicate name in another case": ({"name": "HOUSING"}, "name", "already exists"),
    "control character in the name": ({"name": "Par\x00ks"}, "name", "control characters"),
    "no name": ({"name": " "}, "name", "Enter the department's name"),
    "name too long": ({"name": "P" * 121}, "name", "120 characters or fewer"),
    "unknown head of service": ({"head_of_service": "ghost@council.invalid"}, "head_of_service", "No user"),
    "head without the role": ({"head_of_service": "manager"}, "head_of_service", "is not a head of service"),
}


@pytest.mark.parametrize("case", list(BAD_DEPARTMENTS), ids=list(BAD_DEPARTMENTS))
def test_a_bad_department_is_refused_and_changes_nothing(db_session, admin, manager, housing, case):
    fields, field, message = BAD_DEPARTMENTS[case]
    if fields.get("head_of_service") == "manager":
        fields = fields | {"head_of_service": manager.email}
    values = {"name": "Parks", "head_of_service": None} | fields
    departments, events = count(db_session, Department), count(db_session, AdminEvent)
    with pytest.raises(InvalidInput) as error:
        admin_service.add_department(admin, values["name"], values["head_of_service"])
    assert message in error.value.fields[field]
    assert (count(db_session, Department), count(db_session, AdminEvent)) == (departments, events)


def test_a_head_of_service_who_has_left_cannot_head_a_department(db_session, admin, make_user, housing):
    head = make_user("head_of_service", password=None)
    admin_service.disable_person(admin, head)
    with pytest.raises(InvalidInput) as error:
        admin_service.change_head_of_service(admin, housing, head.email)
    assert "has left" in error.value.fields["head_of_service"]
    assert housing.head_of_service_id is None


# --- the command line ----------------------------------------------------------------------


@pytest.fixture
def cli(app, db_session):
    runner = app.test_cli_runner()

    def run(*args, input=None):
        return runner.invoke(args=["casework", *args], input=input)

    return run


def test_create_user_and_create_department_write_admin_events_by_the_command_line(db_session, cli, make_user):
    head = make_user("head_of_service", password=None)
    db_session.commit()
    mark = last_event_id(db_session)
    assert cli("create-department", "Parks").exit_code == 0
    assert cli("create-department", "Parks").exit_code == 0  # idempotent: nothing changed, nothing written
    assert cli("create-department", "parks", "--head-of-service", head.email).exit_code == 0
    result = cli("create-user", "Pat.Parker@Council.invalid", "--name", "Pat Parker", "--role", "manager",
                 "--department", "Parks", "--password-stdin", input="a-long-enough-password\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    created, headed, added = events_since(db_session, mark)
    assert all(event.actor_id is None for event in (created, headed, added))
    assert (created.action, created.data["after"]) == ("department_created", {"name": "Parks", "head_of_service": None})
    assert (headed.action, headed.data["after"]) == ("department_head_changed", {"head_of_service": head.email})
    assert added.action == "person_added" and added.target_type == "user"
    assert added.data["after"] | {} == {
        "email": "pat.parker@council.invalid",
        "name": "Pat Parker",
        "role": "manager",
        "staff_type": "employee",
        "department": "Parks",
        "line_manager": None,
        "contractor_org": None,
        "can_sign_in": True,
    }
    assert "password" not in str(added.data).replace("can_sign_in", "")


@pytest.mark.parametrize(
    "args",
    [
        ["create-user", "x@council.invalid", "--name", "X\x01Y", "--role", "employee"],
        ["create-user", "x@council.invalid", "--name", "X", "--role", "employee", "--department", "Atlantis"],
        ["create-department", "Bad\x00Name"],
        ["create-department", "Parks", "--head-of-service", "ghost@council.invalid"],
    ],
)
def test_a_refused_command_writes_no_event(db_session, cli, args):
    db_session.commit()
    before = (count(db_session, AdminEvent), count(db_session, User), count(db_session, Department))
    result = cli(*args)
    assert result.exit_code == 1, result.output
    assert (count(db_session, AdminEvent), count(db_session, User), count(db_session, Department)) == before


# --- the admin audit -----------------------------------------------------------------------


def test_the_audit_is_newest_first_and_filters_by_action_and_person(db_session, admin, manager, make_user, housing):
    from datetime import timedelta

    from casework.domain.accounts import AccountInput
    from casework.services import accounts as register
    from casework.services.deadlines import london_today
    from tests.account_samples import BRIEF

    person = make_user(name="Priya Publisher", password=None)
    admin_service.update_person(admin, manager, **_details(manager, name="Mo Manager-Jones"))
    account = register.add_account(
        admin, AccountInput(platform="x", handle="@HousingDemo", department_id=housing.id, **BRIEF)
    )
    register.change_status(account, admin, "trial")
    register.grant_right(account, admin, person.email, london_today() - timedelta(days=30))

    everything = admin_service.admin_audit()
    ids = [e.id for e in everything.items]
    assert ids == sorted(ids, reverse=True)

    updates = admin_service.admin_audit(action="person_updated")
    assert [e.target_id for e in updates.items] == [manager.id]

    about_priya = admin_service.admin_audit(person="priya")
    assert [e.action for e in about_priya.items] == ["right_granted", "person_added"]
    by_admin = admin_service.admin_audit(person=admin.email)
    assert {e.actor_id for e in by_admin.items} <= {admin.id, None}
    assert {"person_updated", "account_added", "account_status_changed", "right_granted"} <= {
        e.action for e in by_admin.items
    }
    assert admin_service.admin_audit(person="nobody at all").total == 0
    assert admin_service.admin_audit(person="%").total == 0  # wildcards are matched literally

    page_two = admin_service.admin_audit(page=2, per_page=2)
    assert [e.id for e in page_two.items] == ids[2:4]
    assert page_two.pages == -(-everything.total // 2)


def test_an_event_without_a_recorded_target_is_labelled_from_the_person(db_session, manager):
    event = AdminEvent(
        actor_id=manager.id, action="password_changed", target_type="user", target_id=manager.id, data={}
    )
    db_session.add(event)
    db_session.flush()
    assert admin_service.target_labels([event]) == {event.id: f"Mo Manager ({manager.email})"}


def test_no_admin_function_loads_case_content_for_an_administrator(db_session, admin, manager, leavers_cases):
    """The leaver check reads references, never a Case row."""
    loaded = []
    from sqlalchemy import event as sa_event

    def spy(session, instance):
        if isinstance(instance, Case):
            loaded.append(instance)

    db_session.expunge_all()
    sa_event.listen(db_session, "loaded_as_persistent", spy)
    try:
        manager_again = db_session.get(User, manager.id)
        admin_service.leaver_check(manager_again)
        admin_service.open_case_references(manager_again)
    finally:
        sa_event.remove(db_session, "loaded_as_persistent", spy)
    assert loaded == []


def test_a_name_with_a_right_to_left_override_is_refused(db_session):
    import pytest

    from casework.services.errors import InvalidInput
    from casework.services.users import create_user

    with pytest.raises(InvalidInput) as error:
        create_user("rtl@test.invalid", name="Sam \u202egnp.exe", role="employee")
    assert "right-to-left" in error.value.fields["name"]
    with pytest.raises(InvalidInput):
        create_user(
            "rtl2@test.invalid", name="Sam", role="employee", staff_type="contractor", contractor_org="Evil \u202e Ltd"
        )
