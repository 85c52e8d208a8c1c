"""People, departments, passwords and API tokens."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain.policy import Role, StaffType
from ..extensions import db
from ..models import ApiToken, Department, User, utcnow
from .errors import InvalidInput

# Checked against when no such account exists, so a wrong e-mail costs as long as a wrong password
_DUMMY_HASH = generate_password_hash("not a real password", method="scrypt")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def find_department(name: str) -> Department | None:
    return db.session.scalar(select(Department).where(Department.name == name.strip()))


def create_department(name: str, head_of_service_email: str | None = None) -> tuple[Department, bool]:
    """Create a department, or update its head of service if it exists. Returns (department, created)."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Enter the department's name", {"name": "Enter the department's name"})
    department = find_department(name)
    created = department is None
    if created:
        department = Department(name=name)
        db.session.add(department)
    if head_of_service_email:
        head = find_user(head_of_service_email)
        if head is None:
            raise InvalidInput(
                f"No user with e-mail {head_of_service_email}",
                {"head_of_service": "Enter the e-mail of an existing user"},
            )
        department.head_of_service = head
    db.session.flush()
    return department, created


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
) -> User:
    """Add a person. Without a password they cannot sign in but can be a case subject."""
    email = normalise_email(email)
    errors = {}
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        errors["email"] = "Enter an e-mail address in the correct format, like name@example.org"
    elif find_user(email) is not None:
        errors["email"] = f"A user with e-mail {email} already exists"
    if not (name or "").strip():
        errors["name"] = "Enter the person's name"
    if role not in set(Role):
        errors["role"] = f"Role must be one of: {', '.join(Role)}"
    if staff_type not in set(StaffType):
        errors["staff_type"] = f"Staff type must be one of: {', '.join(StaffType)}"
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
    if staff_type == StaffType.CONTRACTOR and not (contractor_org or "").strip():
        errors["contractor_org"] = "Enter the contractor's organisation"
    if password is not None and len(password) < 12:
        errors["password"] = "Password must be 12 characters or more"  # noqa: S105 (a message, not a password)
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
        failed_logins=0,
    )
    db.session.add(user)
    db.session.flush()
    return user


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


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token or "")))
    now = utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at and row.expires_at <= now):
        return None
    if not row.user.active:
        return None
    row.last_used_at = now
    return row.user
