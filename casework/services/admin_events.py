"""The admin audit: one AdminEvent for every change to people, departments and the account register.

Written in the caller's transaction, so a change and its record commit or
roll back together. An event's data holds a label for its target as it was
at the time and the values of the fields that changed, before and after:

    {"target": "Sam Jones (sam@council.example)",
     "before": {"role": "employee"}, "after": {"role": "manager"}}

People and departments are named in the values by e-mail and name, never by
database id, so the record reads the same after the rows change. No password
or secret ever goes into an event. `actor` None means the command line.
"""

from datetime import date, datetime

from ..extensions import db
from ..models import AdminEvent, Department, User


def jsonable(value):
    """A value as JSON holds it: dates as ISO 8601, people by e-mail, departments by name."""
    if isinstance(value, User):
        return value.email
    if isinstance(value, Department):
        return value.name
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    return value


def changed_fields(before: dict, after: dict) -> tuple[dict, dict]:
    """The fields whose value differs, as (before, after) with JSON values."""
    names = [name for name in after if jsonable(before.get(name)) != jsonable(after[name])]
    return {n: jsonable(before.get(n)) for n in names}, {n: jsonable(after[n]) for n in names}


def person_label(user: User) -> str:
    return f"{user.name} ({user.email})"


def record_admin_event(
    actor: User | None,
    action: str,
    target_type: str,
    target_id: int | None,
    *,
    target: str,
    before: dict | None = None,
    after: dict | None = None,
    **details,
) -> AdminEvent:
    """Append one event to the admin audit in the current transaction."""
    data = {
        "target": target,
        "before": {k: jsonable(v) for k, v in (before or {}).items()},
        "after": {k: jsonable(v) for k, v in (after or {}).items()},
        **{k: jsonable(v) for k, v in details.items()},
    }
    event = AdminEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        data=data,
    )
    db.session.add(event)
    db.session.flush()
    return event
