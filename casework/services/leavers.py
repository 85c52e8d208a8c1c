"""Leavers (issue 12, item 5; design §6: "when a user leaves, their open cases are listed for reassignment").

When someone leaves, from the staff directory import or the admin pages,
they can no longer sign in or use the API: their account is made inactive,
their sessions end, their API tokens and unused password links are revoked
and their rights to publish on council accounts are revoked. Their open
cases, as owner or investigator, are listed for HR to reassign within
LEAVER_REASSIGN_WORKING_DAYS working days, and HR is told. Their history
stays attributed to them, and they can still be named as the subject of a
case: the duty of confidentiality continues after employment ends (Social
Networking Policy appendix A 13).
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import and_, func, or_, select, union_all, update

from ..domain.policy import Role, Stage
from ..domain.working_days import add_working_days
from ..extensions import db
from ..models import ApiToken, Case, PublishingRight, User, utcnow
from . import password_links, user_sessions
from .admin_events import person_label, record_admin_event
from .deadlines import bank_holidays, london_date, london_today
from .notify import notify


def open_cases_clause(person_ids):
    """Open cases in which any of `person_ids` holds a part that someone must take over."""
    return and_(
        Case.stage != Stage.CLOSED,
        or_(Case.owner_id.in_(person_ids), Case.investigator_id.in_(person_ids)),
    )


def end_sessions(person: User) -> int:
    """End every signed-in session of `person` (the session records on the server); how many there were."""
    return user_sessions.end_all(person, user_sessions.ACCOUNT_DISABLED)


@dataclass
class LeaverResult:
    api_tokens_revoked: int
    rights_revoked: int
    open_cases: int


def mark_leaver(
    actor: User | None, person: User, *, leaving_date: date | None = None, action: str = "person_disabled", **details
) -> LeaverResult:
    """Make `person` a leaver (the caller has checked they are active and may be). Audited as `action`."""
    now = utcnow()
    person.active = False
    person.left_at = now
    if leaving_date is not None:
        person.leaving_date = leaving_date
    sessions_ended = end_sessions(person)
    tokens = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == person.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    password_links.cancel_all(person)
    rights = db.session.scalars(
        select(PublishingRight).where(PublishingRight.user_id == person.id, PublishingRight.status != "revoked")
    ).all()
    for right in rights:
        previous = right.status
        right.status = "revoked"
        record_admin_event(
            actor,
            "right_revoked",
            "publishing_right",
            right.id,
            target=f"{person.name} on {right.account.platform} {right.account.handle}",
            before={"status": previous},
            after={"status": "revoked"},
            reason="leaver",
        )
    db.session.flush()
    open_cases = db.session.scalar(select(func.count()).select_from(Case).where(open_cases_clause([person.id]))) or 0
    if open_cases:
        hr = db.session.scalars(select(User).where(User.role == Role.HR, User.active.is_(True))).all()
        notify(
            hr,
            None,
            f"{person.name} has left: {open_cases} open case{'' if open_cases == 1 else 's'} they own or "
            f"investigate need a new owner or investigator by {reassign_by(now):%d %B %Y}.",
            subject="Casework: a leaver's cases need reassigning",
            exclude=actor,
        )
    record_admin_event(
        actor,
        action,
        "user",
        person.id,
        target=person_label(person),
        before={"active": True},
        after={"active": False, **({"leaving_date": leaving_date} if leaving_date else {})},
        open_cases=open_cases,
        api_tokens_revoked=tokens,
        rights_revoked=len(rights),
        sessions_ended=sessions_ended,
        **details,
    )
    return LeaverResult(api_tokens_revoked=tokens, rights_revoked=len(rights), open_cases=open_cases)


def reassign_by(left_at: datetime) -> date:
    """The day by which HR should have given a leaver's open cases to someone else."""
    days = current_app.config["LEAVER_REASSIGN_WORKING_DAYS"]
    return add_working_days(london_date(left_at), days, bank_holidays())


@dataclass
class LeaverToReassign:
    person: User
    open_cases: int
    reassign_by: date
    overdue: bool


def leavers_with_open_cases(*, limit: int = 50) -> list[LeaverToReassign]:
    """Leavers who still own or investigate open cases, oldest first: for HR's home page."""
    # From the few people who left to their cases through the owner and investigator indexes (a join
    # on "owner or investigator" would read every case)
    leavers = list(db.session.scalars(select(User.id).where(User.active.is_(False))))
    if not leavers:
        return []
    roles = union_all(
        select(Case.owner_id.label("person_id"), Case.id.label("case_id")).where(
            Case.owner_id.in_(leavers), Case.stage != Stage.CLOSED
        ),
        select(Case.investigator_id, Case.id).where(Case.investigator_id.in_(leavers), Case.stage != Stage.CLOSED),
    ).subquery()
    counts = (
        select(User, func.count(func.distinct(roles.c.case_id)))
        .join(roles, roles.c.person_id == User.id)
        .group_by(User.id)
        .order_by(func.coalesce(User.left_at, User.created_at), User.id)
        .limit(limit)
    )
    today = london_today()
    found = []
    for person, count in db.session.execute(counts).all():
        due = reassign_by(person.left_at or person.created_at)
        found.append(LeaverToReassign(person=person, open_cases=count, reassign_by=due, overdue=due < today))
    return found
