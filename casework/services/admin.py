"""Administration: people, departments, leavers and the admin audit (design §1, §4, §6).

An administrator manages people and departments but sees no case content:
the only thing these functions tell an administrator about cases is how many
open cases a leaver owns or investigates, and their references. HR reassigns
those cases (`reassign_case`), which writes to the case's own audit trail.

Every change to a person or a department writes one AdminEvent (see
casework.services.admin_events) in the same transaction. The caller commits.
"""

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..domain.permissions import View, view_level
from ..domain.policy import Role, StaffType, Stage
from ..extensions import db
from ..models import AdminEvent, ApiToken, Case, Department, PublishingRight, User, utcnow
from . import leavers
from . import users as user_service
from .admin_events import changed_fields, jsonable, person_label, record_admin_event
from .errors import STALE_MESSAGE, Conflict, InvalidInput, NotAllowed, NotFound
from .events import record_event
from .notify import notify
from .visibility import full_view_filter

PERSON_CHANGED = "This person's details changed since you opened the page. Check them and try again."
CASE_HANDLERS = (Role.MANAGER, Role.HR)  # who may own or investigate a case


# --- who may do what ---------------------------------------------------------------


def may_manage_people(user: User) -> bool:
    """Add, change and disable people, and keep the departments: administrators only."""
    return user.role == Role.ADMIN


def may_view_people(user: User) -> bool:
    """HR sees the list too, to find a leaver's cases."""
    return user.role in (Role.ADMIN, Role.HR)


def may_view_admin_audit(user: User) -> bool:
    return user.role in (Role.ADMIN, Role.HR)


def may_reassign_cases(user: User) -> bool:
    """HR gives a leaver's open cases to someone else (an administrator sees no case content)."""
    return user.role == Role.HR


def _require_admin(actor: User) -> None:
    if not may_manage_people(actor):
        raise NotAllowed("Only administrators can change people and departments")


# --- people ------------------------------------------------------------------------


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def list_people(*, search: str = "", page: int = 1, per_page: int = 50) -> Page:
    """Everyone, by name, with their department and line manager; `search` matches name or e-mail."""
    query = select(User)
    search = (search or "").strip()
    if search:
        pattern = _like(search)
        query = query.where(
            or_(func.lower(User.name).like(pattern, escape="\\"), User.email.like(pattern, escape="\\"))
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = max(1, page)
    items = db.session.scalars(
        query.options(selectinload(User.department), selectinload(User.line_manager))
        .order_by(User.name, User.email)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page(list(items), total, page, per_page)


def get_person(person_id: int) -> User:
    person = db.session.get(User, person_id)
    if person is None:
        raise NotFound("No such person")
    return person


def active_people(*, exclude: User | None = None) -> list[User]:
    """Who may be chosen as a line manager."""
    query = select(User).where(User.active.is_(True)).order_by(User.name, User.email)
    if exclude is not None:
        query = query.where(User.id != exclude.id)
    return list(db.session.scalars(query).all())


def departments() -> list[Department]:
    return list(
        db.session.scalars(
            select(Department).options(selectinload(Department.head_of_service)).order_by(Department.name)
        ).all()
    )


def heads_of_service() -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.role == Role.HEAD_OF_SERVICE, User.active.is_(True)).order_by(User.name, User.email)
        ).all()
    )


def _editable(person: User) -> dict:
    return {
        "name": person.name,
        "role": person.role,
        "staff_type": person.staff_type,
        "department": person.department,
        "line_manager": person.line_manager,
        "contractor_org": person.contractor_org,
    }


def fingerprint(person: User) -> str:
    """A digest of what the edit page shows, so a form opened before someone else's change is refused."""
    values = {k: jsonable(v) for k, v in {**_editable(person), "active": person.active}.items()}
    text = json.dumps(values, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def add_person(
    actor: User,
    *,
    email: str,
    name: str,
    role: str,
    staff_type: str,
    department: str | None,
    line_manager: str | None,
    contractor_org: str | None,
) -> User:
    """Add a person with no password: they cannot sign in until they are given one.

    The same rules as `flask casework create-user`; the addition is audited.
    """
    _require_admin(actor)
    return user_service.create_user(
        email,
        name=(name or "").strip(),
        role=role,
        staff_type=staff_type,
        department=department or None,
        line_manager=line_manager or None,
        contractor_org=(contractor_org or "").strip() or None,
        password=None,
        actor=actor,
    )


def departments_headed_by(person: User) -> list[Department]:
    return list(
        db.session.scalars(
            select(Department).where(Department.head_of_service_id == person.id).order_by(Department.name)
        ).all()
    )


def update_person(
    actor: User,
    person: User,
    *,
    name: str,
    role: str,
    staff_type: str,
    department: str | None,
    line_manager: str | None,
    contractor_org: str | None,
    seen: str | None = None,
) -> bool:
    """Change a person's name, role, staff type, department, line manager or organisation.

    `seen` is the fingerprint of the details the form was opened with. Returns
    whether anything changed; a change writes one AdminEvent with the changed
    fields before and after.
    """
    _require_admin(actor)
    if seen is not None and seen != fingerprint(person):
        raise Conflict(PERSON_CHANGED)
    errors, department_row, manager_row = user_service.person_errors(
        name=name,
        role=role,
        staff_type=staff_type,
        department=department or None,
        line_manager=line_manager or None,
        contractor_org=contractor_org,
        person=person,
    )
    if "role" not in errors and role != person.role:
        if person.id == actor.id:
            errors["role"] = "You cannot change your own role: ask another administrator"
        elif person.role == Role.HEAD_OF_SERVICE and (headed := departments_headed_by(person)):
            names = " and ".join(d.name for d in headed)
            errors["role"] = f"{person.name} is head of service of {names}: choose a new head of service first"
    if errors:
        raise InvalidInput("The person's details have errors", errors)
    new = {
        "name": name.strip(),
        "role": role,
        "staff_type": staff_type,
        "department": department_row,
        "line_manager": manager_row,
        "contractor_org": ((contractor_org or "").strip() or None) if staff_type == StaffType.CONTRACTOR else None,
    }
    old = _editable(person)
    before, after = changed_fields(old, new)
    if not after:
        return False
    columns = {
        "name": (User.name, new["name"], old["name"]),
        "role": (User.role, role, old["role"]),
        "staff_type": (User.staff_type, staff_type, old["staff_type"]),
        "department": (User.department_id, _id(department_row), person.department_id),
        "line_manager": (User.line_manager_id, _id(manager_row), person.line_manager_id),
        "contractor_org": (User.contractor_org, new["contractor_org"], old["contractor_org"]),
    }
    # Compare and set: a change committed by someone else since this person was read changes nothing
    unchanged = [column.is_(None) if was is None else column == was for column, _, was in columns.values()]
    result = db.session.execute(
        update(User)
        .where(User.id == person.id, *unchanged)
        .values({column.key: value for column, value, _ in columns.values()})
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(PERSON_CHANGED)
    db.session.refresh(person)
    record_admin_event(
        actor, "person_updated", "user", person.id, target=person_label(person), before=before, after=after
    )
    return True


def _id(row) -> int | None:
    return row.id if row is not None else None


# --- leavers -----------------------------------------------------------------------


def _open_cases_of(person: User):
    return and_(Case.stage != Stage.CLOSED, or_(Case.owner_id == person.id, Case.investigator_id == person.id))


def open_case_references(person: User) -> list[str]:
    """References of the open cases `person` owns or investigates: nothing else about them."""
    return list(db.session.scalars(select(Case.reference).where(_open_cases_of(person)).order_by(Case.reference)))


@dataclass
class LeaverCheck:
    """What an administrator is shown before disabling someone: no case content."""

    open_case_references: list[str]
    departments_headed: list[str]
    line_reports: int
    active_tokens: int


def leaver_check(person: User) -> LeaverCheck:
    now = utcnow()
    tokens = db.session.scalar(
        select(func.count())
        .select_from(ApiToken)
        .where(
            ApiToken.user_id == person.id,
            ApiToken.revoked_at.is_(None),
            or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
        )
    )
    reports = db.session.scalar(
        select(func.count()).select_from(User).where(User.line_manager_id == person.id, User.active.is_(True))
    )
    return LeaverCheck(
        open_case_references=open_case_references(person),
        departments_headed=[d.name for d in departments_headed_by(person)],
        line_reports=reports or 0,
        active_tokens=tokens or 0,
    )


def disable_person(actor: User, person: User) -> User:
    """A leaver: they can no longer sign in or use the API; their history stays theirs.

    Their sessions end, their API tokens and rights to publish are revoked. If
    they own or investigate open cases, HR is told (names, a count and the
    date to reassign them by) so the cases can be reassigned
    (casework.services.leavers).
    """
    _require_admin(actor)
    if person.id == actor.id:
        raise InvalidInput("You cannot disable your own account", {"person": "You cannot disable your own account"})
    changed = db.session.execute(
        update(User)
        .where(User.id == person.id, User.active.is_(True))
        .values(active=False)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise Conflict(f"{person.name}'s account is already disabled.")
    db.session.refresh(person)
    leavers.mark_leaver(actor, person)
    return person


def enable_person(actor: User, person: User) -> User:
    """Let someone who was disabled back in (their API tokens stay revoked)."""
    _require_admin(actor)
    changed = db.session.execute(
        update(User)
        .where(User.id == person.id, User.active.is_(False))
        .values(active=True, left_at=None)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise Conflict(f"{person.name}'s account is already active.")
    db.session.refresh(person)
    record_admin_event(
        actor,
        "person_enabled",
        "user",
        person.id,
        target=person_label(person),
        before={"active": False},
        after={"active": True},
    )
    return person


# --- reassigning a leaver's cases (HR) ----------------------------------------------


def cases_to_reassign(viewer: User, person: User) -> tuple[list[Case], int]:
    """The open cases `person` owns or investigates that `viewer` (HR) may see, and how many others there are."""
    if not may_reassign_cases(viewer):
        raise NotAllowed("Only HR can reassign cases")
    visible = list(
        db.session.scalars(
            select(Case).where(_open_cases_of(person), full_view_filter(viewer)).order_by(Case.reference)
        ).all()
    )
    total = len(open_case_references(person))
    return visible, total - len(visible)


def get_case_to_reassign(viewer: User, person: User, reference: str) -> Case:
    """One of `person`'s open cases that `viewer` may see in full; NotFound otherwise."""
    if not may_reassign_cases(viewer):
        raise NotFound("Case not found")
    case = db.session.scalar(select(Case).where(Case.reference == reference, _open_cases_of(person)))
    if case is None or view_level(viewer, case) != View.FULL:
        raise NotFound("Case not found")
    return case


def reassignment_candidates(case: Case) -> list[User]:
    """Active managers and HR who are not a person the case is about."""
    subject_ids = {s.id for s in case.subjects}
    return [
        user
        for user in db.session.scalars(
            select(User).where(User.role.in_(CASE_HANDLERS), User.active.is_(True)).order_by(User.name, User.email)
        ).all()
        if user.id not in subject_ids
    ]


def _candidate_error(case: Case, user: User | None, what: str) -> str | None:
    if user is None or not user.active:
        return f"Choose the new {what} from the list"
    if user.role not in CASE_HANDLERS:
        return f"The {what} must be a manager or HR"
    if any(s.id == user.id for s in case.subjects):
        return f"The {what} cannot be a person the case is about"
    if what == "investigator" and user.id == case.reporter_id:
        return "The investigator cannot be the person who reported the case"
    return None


def reassign_case(
    actor: User, case: Case, *, owner: str | None = None, investigator: str | None = None, version: int | None
) -> Case:
    """Give a case a new owner and/or investigator (design §6: when a user leaves).

    Writes a `reassigned` event to the case's trail with the owner and
    investigator before and after; stale `version` is refused.
    """
    if not may_reassign_cases(actor) or view_level(actor, case) != View.FULL:
        raise NotFound("Case not found")
    if version is None:
        raise InvalidInput("Send the case version you are acting on", {"version": "Enter the case version"})
    if version != case.version:
        raise Conflict(STALE_MESSAGE)
    if case.stage == Stage.CLOSED:
        raise Conflict("A closed case keeps its owner and investigator.")
    errors: dict[str, str] = {}
    chosen: dict[str, User] = {}
    for what, email, current_id in (
        ("owner", owner, case.owner_id),
        ("investigator", investigator, case.investigator_id),
    ):
        if not (email or "").strip():
            continue
        if current_id is None:
            errors[what] = f"This case has no {what} to replace"
            continue
        user = user_service.find_user(email)
        error = _candidate_error(case, user, what)
        if error:
            errors[what] = error
        elif user.id != current_id:
            chosen[what] = user
    if errors:
        raise InvalidInput("The reassignment has errors", errors)
    if not chosen:
        message = "Choose a new owner or investigator"
        raise InvalidInput(message, {"owner" if case.owner_id else "investigator": message})
    before = {"owner": case.owner, "investigator": case.investigator}
    if "owner" in chosen:
        case.owner_id = chosen["owner"].id
    if "investigator" in chosen:
        case.investigator_id = chosen["investigator"].id
    case.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(STALE_MESSAGE) from None
    db.session.refresh(case)
    old, new = changed_fields(before, {"owner": case.owner, "investigator": case.investigator})
    record_event(case, actor, "reassigned", data={"before": old, "after": new})
    for what, user in chosen.items():
        notify([user], case, f"{case.reference}: you are now the {what} of this case.", exclude=actor)
    db.session.flush()
    return case


# --- departments -------------------------------------------------------------------


def get_department(department_id: int) -> Department:
    department = db.session.get(Department, department_id)
    if department is None:
        raise NotFound("No such department")
    return department


def add_department(actor: User, name: str, head_of_service: str | None = None) -> Department:
    """A new department; unlike the idempotent command, an existing name is refused."""
    _require_admin(actor)
    errors = {}
    if error := user_service.department_name_error(name):
        errors["name"] = error
    elif user_service.find_department(name) is not None:
        errors["name"] = f"A department called {name.strip()} already exists"
    if head_of_service:
        if error := user_service.head_of_service_error(user_service.find_user(head_of_service), head_of_service):
            errors["head_of_service"] = error
    if errors:
        raise InvalidInput("The department has errors", errors)
    department, _ = user_service.create_department(name, head_of_service or None, actor=actor)
    return department


def change_head_of_service(actor: User, department: Department, head_of_service: str | None) -> bool:
    """Set (or clear, with None) a department's head of service. Returns whether it changed."""
    _require_admin(actor)
    head = None
    if head_of_service:
        head = user_service.find_user(head_of_service)
        if error := user_service.head_of_service_error(head, head_of_service):
            raise InvalidInput(error, {"head_of_service": error})
    if _id(head) == department.head_of_service_id:
        return False
    user_service.set_head_of_service(department, head, actor=actor)
    return True


# --- the admin audit ---------------------------------------------------------------


def audit_actions() -> list[str]:
    """Every action in the admin audit so far, for the filter."""
    return list(db.session.scalars(select(AdminEvent.action).distinct().order_by(AdminEvent.action)).all())


def people_matching(text: str, *, limit: int = 200) -> list[int]:
    """Ids of people whose e-mail is `text`, or whose name or e-mail contains it."""
    text = (text or "").strip()
    if not text:
        return []
    pattern = _like(text)
    return list(
        db.session.scalars(
            select(User.id)
            .where(
                or_(
                    User.email == text.lower(),
                    func.lower(User.name).like(pattern, escape="\\"),
                    User.email.like(pattern, escape="\\"),
                )
            )
            .limit(limit)
        ).all()
    )


def admin_audit(*, action: str | None = None, person: str | None = None, page: int = 1, per_page: int = 50) -> Page:
    """The admin audit, newest first, filtered by action and by a person who made or was the target of a change.

    A person matches as the actor, as the person changed, or as the holder of
    a right to publish that was changed.
    """
    query = select(AdminEvent)
    if action:
        query = query.where(AdminEvent.action == action)
    if person is not None and person.strip():
        ids = people_matching(person)
        rights = select(PublishingRight.id).where(PublishingRight.user_id.in_(ids))
        query = query.where(
            or_(
                AdminEvent.actor_id.in_(ids),
                and_(AdminEvent.target_type == "user", AdminEvent.target_id.in_(ids)),
                and_(AdminEvent.target_type == "publishing_right", AdminEvent.target_id.in_(rights)),
            )
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = max(1, page)
    items = db.session.scalars(
        query.options(selectinload(AdminEvent.actor))
        .order_by(AdminEvent.at.desc(), AdminEvent.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page(list(items), total, page, per_page)


def events_about(person: User, *, limit: int = 10) -> list[AdminEvent]:
    """The latest changes to `person` (for their page)."""
    return list(
        db.session.scalars(
            select(AdminEvent)
            .where(AdminEvent.target_type == "user", AdminEvent.target_id == person.id)
            .options(selectinload(AdminEvent.actor))
            .order_by(AdminEvent.at.desc(), AdminEvent.id.desc())
            .limit(limit)
        ).all()
    )


def target_labels(events: list[AdminEvent]) -> dict[int, str]:
    """A label for each event's target: the one recorded with it, else the person or department now."""
    labels = {}
    missing_users = {e.target_id for e in events if not (e.data or {}).get("target") and e.target_type == "user"}
    users = (
        {u.id: person_label(u) for u in db.session.scalars(select(User).where(User.id.in_(missing_users)))}
        if missing_users
        else {}
    )
    for event in events:
        recorded = (event.data or {}).get("target")
        if recorded:
            labels[event.id] = str(recorded)
        elif event.target_type == "user" and event.target_id in users:
            labels[event.id] = users[event.target_id]
        else:
            labels[event.id] = f"{event.target_type.replace('_', ' ')} {event.target_id or ''}".strip()
    return labels
