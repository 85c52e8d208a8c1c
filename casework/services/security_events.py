"""AdminEvent rows for changes to a person's sign-in security (issue 6).

Locks, passwords, two-factor, recovery codes, API tokens and sign-outs are
changes to a person as much as a new role is, so they go in the same
append-only admin audit, with `target_type` "user".
"""

from ..extensions import db
from ..models import AdminEvent, User, utcnow

ACCOUNT_LOCKED = "account_locked"
PASSWORD_CHANGED = "password_changed"  # noqa: S105 (action names)
MFA_ENROLLED = "mfa_enrolled"
MFA_RESET = "mfa_reset"
RECOVERY_CODE_USED = "recovery_code_used"
RECOVERY_CODES_REPLACED = "recovery_codes_replaced"
API_TOKEN_CREATED = "api_token_created"  # noqa: S105
API_TOKEN_REVOKED = "api_token_revoked"  # noqa: S105
SIGNED_OUT_EVERYWHERE = "signed_out_everywhere"


def record(action: str, person: User, *, actor: User | None, **details) -> AdminEvent:
    """Append one event about `person`; `actor` None means the system (a lockout, the command line).

    The data has the admin audit's shape (a label for the person as they are now,
    what changed before and after) plus details; never a password, code or token."""
    event = AdminEvent(
        at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type="user",
        target_id=person.id,
        data={"target": f"{person.name} ({person.email})", "before": {}, "after": {}, **details},
    )
    db.session.add(event)
    return event
