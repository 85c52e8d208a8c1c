"""People, departments, passwords and API tokens."""

import functools
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain.intake import has_bidi_controls, has_control_characters
from ..domain.passwords import context_words, password_problem
from ..domain.policy import Role, StaffType
from ..extensions import db
from ..models import ApiToken, Department, User, utcnow
from .admin_events import changed_fields, person_label, record_admin_event
from .errors import InvalidInput

NAME_MAX = 200
DEPARTMENT_NAME_MAX = 120

# Checked against when no such account exists, so a wrong e-mail costs as long as a wrong password
_DUMMY_HASH = generate_password_hash("not a real password", method="scrypt")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def find_department(name: str) -> Department | None:
    """The department of that name, whatever its letter case."""
    return db.session.scalar(
        select(Department).where(func.lower(Department.name) == (name or "").strip().lower()).order_by(Department.id)
    )


def department_name_error(name: str) -> str | None:
    name = (name or "").strip()
    if not name:
        return "Enter the department's name"
    return text_error(name, "The department's name", DEPARTMENT_NAME_MAX)


def head_of_service_error(head: User | None, email: str) -> str | None:
    """Why `head` (found by `email`) cannot head a department, or None."""
    if head is None:
        return f"No user with e-mail {email}"
    if not head.active:
        return f"{head.email} has left: choose someone whose account is active"
    if head.role != Role.HEAD_OF_SERVICE:
        return f"{head.email} is not a head of service: give them that role first"
    return None


def create_department(
    name: str, head_of_service_email: str | None = None, *, actor: User | None = None
) -> tuple[Department, bool]:
    """Create a department, or update its head of service if it exists. Returns (department, created).

    Each change is recorded in the admin audit (`actor` None: the command line).
    """
    error = department_name_error(name)
    if error:
        raise InvalidInput(error, {"name": error})
    name = name.strip()
    head = None
    if head_of_service_email:
        head = find_user(head_of_service_email)
        error = head_of_service_error(head, head_of_service_email)
        if error:
            raise InvalidInput(error, {"head_of_service": error})
    department = find_department(name)
    created = department is None
    if created:
        department = Department(name=name, head_of_service=head)
        db.session.add(department)
        db.session.flush()
        record_admin_event(
            actor,
            "department_created",
            "department",
            department.id,
            target=department.name,
            after={"name": department.name, "head_of_service": head},
        )
    elif head is not None and department.head_of_service_id != head.id:
        set_head_of_service(department, head, actor=actor)
    db.session.flush()
    return department, created


def set_head_of_service(department: Department, head: User | None, *, actor: User | None) -> Department:
    """Make `head` (checked by the caller) the department's head of service, audited."""
    before, after = changed_fields({"head_of_service": department.head_of_service}, {"head_of_service": head})
    department.head_of_service = head
    db.session.flush()
    if after:
        record_admin_event(
            actor,
            "department_head_changed",
            "department",
            department.id,
            target=department.name,
            before=before,
            after=after,
        )
    return department


def text_error(value: str | None, what: str, limit: int = NAME_MAX) -> str | None:
    """Why a name-like text is refused: too long or with control characters; None if fine."""
    value = value or ""
    if len(value.strip()) > limit:
        return f"{what} must be {limit} characters or fewer"
    if has_control_characters(value) or any(c in value for c in "\r\n\t"):
        return f"{what} must not contain control characters"
    if has_bidi_controls(value):
        return f"{what} must not contain formatting characters such as right-to-left overrides"
    return None


def person_errors(
    *,
    name: str,
    role: str,
    staff_type: str,
    department: str | None,
    line_manager: str | None,
    contractor_org: str | None,
    person: User | None = None,
) -> tuple[dict[str, str], Department | None, User | None]:
    """What is wrong with a person's details, by field, with the department and line manager found.

    `person` is the existing person when editing (so they cannot manage themselves).
    """
    errors = {}
    if not (name or "").strip():
        errors["name"] = "Enter the person's name"
    elif error := text_error(name, "Name"):
        errors["name"] = error
    if role not in set(Role):
        errors["role"] = f"Choose a role from the list: {', '.join(Role)}"
    if staff_type not in set(StaffType):
        errors["staff_type"] = f"Choose a staff type from the list: {', '.join(StaffType)}"
    department_row = None
    if department:
        department_row = find_department(department)
        if department_row is None:
            errors["department"] = f"No department called {department}"
    manager_row = None
    if line_manager:
        manager_row = find_user(line_manager)
        if manager_row is None:
            errors["line_manager"] = f"No user with e-mail {line_manager}"
        elif person is not None and manager_row.id == person.id:
            errors["line_manager"] = "A person cannot be their own line manager"
        elif person is not None and _manages(person, manager_row):
            errors["line_manager"] = f"{manager_row.name} reports to {person.name}, so cannot be their line manager"
        elif not manager_row.active and (person is None or manager_row.id != person.line_manager_id):
            errors["line_manager"] = f"{manager_row.email} has left: choose someone whose account is active"
    if staff_type == StaffType.CONTRACTOR and not (contractor_org or "").strip():
        errors["contractor_org"] = "Enter the contractor's organisation"
    elif error := text_error(contractor_org, "The contractor's organisation"):
        errors["contractor_org"] = error
    return errors, department_row, manager_row


def _manages(person: User, candidate: User) -> bool:
    """Whether `person` is above `candidate` in the line (directly or through others)."""
    seen = set()
    current = candidate.line_manager
    while current is not None and current.id not in seen:
        if current.id == person.id:
            return True
        seen.add(current.id)
        current = current.line_manager
    return False


def create_user(
    email: str,
    *,
    name: str,
    role: str = Role.EMPLOYEE,
    department: str | None = None,
    line_manager: str | None = None,
    staff_type: str = StaffType.EMPLOYEE,
    contractor_org: str | None = None,
    password: str | None = None,
    actor: User | None = None,
) -> User:
    """Add a person. Without a password they cannot sign in but can be a case subject.

    The addition is recorded in the admin audit (`actor` None: the command line).
    """
    email = normalise_email(email)
    errors = {}
    if email_error := email_format_error(email):
        errors["email"] = email_error
    elif find_user(email) is not None:
        errors["email"] = f"A user with e-mail {email} already exists"
    field_errors, department_row, manager_row = person_errors(
        name=name,
        role=role,
        staff_type=staff_type,
        department=department,
        line_manager=line_manager,
        contractor_org=contractor_org,
    )
    errors |= field_errors
    if password is not None:
        problem = check_new_password(email, password)
        if problem:
            errors["password"] = problem
    if errors:
        raise InvalidInput("; ".join(errors.values()), errors)
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        staff_type=staff_type,
        department=department_row,
        line_manager=manager_row,
        contractor_org=(contractor_org or "").strip() or None,
        active=True,
        password_hash=generate_password_hash(password, method="scrypt") if password else None,
    )
    db.session.add(user)
    db.session.flush()
    record_admin_event(
        actor,
        "person_added",
        "user",
        user.id,
        target=person_label(user),
        after={
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "staff_type": user.staff_type,
            "department": department_row,
            "line_manager": manager_row,
            "contractor_org": user.contractor_org,
            "can_sign_in": user.can_sign_in,
        },
    )
    return user


def email_format_error(email: str) -> str | None:
    if (
        "@" not in email
        or len(email) > 254
        or any(c.isspace() for c in email)
        or has_control_characters(email)
        or email.startswith("@")
        or email.endswith("@")
    ):
        return "Enter an e-mail address in the correct format, like name@example.org"
    return None


def check_new_password(email: str, password: str | None) -> str | None:
    """What is wrong with a new password for this person: too short, too long, common, or their own
    e-mail name dressed up; None when it will do."""
    return password_problem(
        password,
        min_length=current_app.config.get("PASSWORD_MIN_LENGTH", 12),
        context=context_words(email, current_app.config.get("SERVICE_NAME")),
    )


def authenticate(email: str, password: str) -> User | None:
    """The user these credentials belong to, or None; the same work either way."""
    user = find_user(email)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    if not user.active:
        return None
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_api_token(user: User, *, days: int = 90, label: str | None = None) -> str:
    """A new bearer token; only its hash is stored, so it is shown once."""
    token = "cw_" + secrets.token_urlsafe(32)
    db.session.add(
        ApiToken(
            user_id=user.id,
            token_hash=_token_hash(token),
            label=label,
            expires_at=utcnow() + timedelta(days=days),
        )
    )
    db.session.flush()
    return token


# How stale a token's `last_used_at` may be: it is written at most this often
TOKEN_USE_RECORDED_EVERY = timedelta(minutes=1)


@functools.cache
def _token_statement():
    """A token by its hash, its person joined: one statement an API request, built once."""
    return select(ApiToken).options(joinedload(ApiToken.user)).where(ApiToken.token_hash == bindparam("token_hash"))


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(_token_statement(), {"token_hash": _token_hash(token or "")})
    now = utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at and row.expires_at <= now):
        return None
    if not row.user.active:
        return None
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_USE_RECORDED_EVERY:
        row.last_used_at = now  # to the minute: an API read does not write on every call
    return row.user
