"""Daily reminders of overdue deadlines (`flask casework send-reminders`, design §5).

A case is overdue when its next deadline (kept on the case by
casework.services.deadlines.refresh_next_deadline) has passed. Its owner is
reminded, or HR when no one owns it, once per London day: the e-mail's
dedup_key names the case, the day and the person, so running the command
again that day queues nothing new.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..domain.policy import Role, Stage
from ..extensions import db
from ..models import Case, OutboxEmail, User, utcnow
from .deadlines import LONDON, london_date
from .notify import notify

KEY_CHUNK = 500


def reminder_key(case: Case, day) -> str:
    """The dedup_key prefix of a case's reminders on one day; notify() adds the person."""
    return f"reminder:{case.id}:{day.isoformat()}"


def overdue_cases(now: datetime) -> list[Case]:
    """Open cases whose next deadline has passed, found in SQL, most overdue first."""
    return list(
        db.session.scalars(
            select(Case)
            .where(
                Case.stage != Stage.CLOSED,
                Case.anonymised_at.is_(None),
                Case.next_deadline_at.is_not(None),
                Case.next_deadline_at < now,
            )
            .options(selectinload(Case.owner), selectinload(Case.subjects))
            .order_by(Case.next_deadline_at, Case.id)
        ).all()
    )


def _hr_people() -> list[User]:
    return list(
        db.session.scalars(select(User).where(User.role == Role.HR, User.active.is_(True)).order_by(User.id)).all()
    )


def _recipients(case: Case, hr_people: list[User]) -> list[User]:
    """The owner; when there is none (or they have left), HR. Never someone the case is about."""
    subject_ids = {s.id for s in case.subjects}
    owner = case.owner
    if owner is not None and owner.active and owner.id not in subject_ids:
        return [owner]
    return [person for person in hr_people if person.id not in subject_ids]


def _already_queued(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), KEY_CHUNK):
        chunk = keys[start : start + KEY_CHUNK]
        found |= set(db.session.scalars(select(OutboxEmail.dedup_key).where(OutboxEmail.dedup_key.in_(chunk))).all())
    return found


def send_reminders(now: datetime | None = None) -> int:
    """Queue today's reminders (e-mail and in-app) for every overdue case. Returns how many
    e-mails were queued. The caller commits; `send-mail` sends them."""
    now = now or utcnow()
    day = london_date(now)
    cases = overdue_cases(now)
    if not cases:
        return 0
    hr_people = _hr_people()
    wanted = {case.id: _recipients(case, hr_people) for case in cases}
    queued_keys = _already_queued(
        [f"{reminder_key(case, day)}:{person.id}" for case in cases for person in wanted[case.id]]
    )
    queued = 0
    for case in cases:
        key = reminder_key(case, day)
        people = [p for p in wanted[case.id] if f"{key}:{p.id}" not in queued_keys]
        if not people:
            continue
        due = case.next_deadline_at.astimezone(LONDON).strftime("%d %B %Y %H:%M").lstrip("0")
        try:
            with db.session.begin_nested():
                told = notify(
                    people,
                    case,
                    f"{case.reference}: a deadline has passed (it was due {due}). Check what needs doing.",
                    subject=f"Casework: {case.reference} is overdue",
                    dedup_key=key,
                )
                db.session.flush()
        except IntegrityError:
            continue  # another run queued today's reminder for this case first
        queued += len(told)
    return queued
