"""What the landing page shows each person: their work, what is overdue, their notices.

The home page's tables are plain rows of the columns they show, not the cases' records: making a record of
each of 60 cases (with every column it does not read set to refuse loading) cost more than reading them."""

import functools

from sqlalchemy import bindparam, func, or_, select, union, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import aliased

from ..domain.policy import Role, Stage
from ..extensions import db
from ..models import Case, Notification, Suspension, User, utcnow
from .visibility import full_view_filter, now, per_viewer

# What the home page's tables show of a case: a row of only these columns is read
TABLE_COLUMNS = (Case.id, Case.reference, Case.kind, Case.stage, Case.next_deadline_at, Case.next_deadline_label)


def _mine(user: User):
    """Cases that are this person's to act on: owned or investigated, or (HR) every case."""
    if user.role == Role.HR:
        return full_view_filter(user)
    return or_(Case.owner_id == user.id, Case.investigator_id == user.id)


def overdue_cases(user: User, limit: int = 20) -> list[Row]:
    """Open cases of this person whose next deadline has passed, most overdue first (rows of TABLE_COLUMNS)."""
    return list(db.session.execute(_overdue_cases(user, limit)).all())


@per_viewer
def _overdue_cases(user, limit: int):
    return (
        select(*TABLE_COLUMNS)
        .where(full_view_filter(user), _mine(user), Case.stage != Stage.CLOSED, Case.next_deadline_at < now())
        .order_by(Case.next_deadline_at)
        .limit(limit)
    )


def my_open_cases(user: User, limit: int = 20) -> list[Row]:
    """The open cases this person owns or investigates, the next deadline soonest first (those without
    one last), as rows of TABLE_COLUMNS.

    Read as the first few by deadline from the owner's and from the investigator's index, merged: a
    manager may hold thousands of cases, and "owner or investigator", sorted, would read them all."""

    def cases(with_deadline: bool) -> list[Row]:
        return list(db.session.execute(_my_open_cases(user, with_deadline, limit)).all())

    found = cases(with_deadline=True)
    return found if len(found) == limit else found + cases(with_deadline=False)[: limit - len(found)]


@per_viewer
def _my_open_cases(user, with_deadline: bool, limit: int):
    def first_by_deadline(column):
        deadline = Case.next_deadline_at.is_not(None) if with_deadline else Case.next_deadline_at.is_(None)
        order = (Case.next_deadline_at, Case.id.desc()) if with_deadline else (Case.id.desc(),)
        return (
            select(Case.id)
            .where(column == user.id, deadline, Case.stage != Stage.CLOSED, full_view_filter(user))
            .order_by(*order)
            .limit(limit)
        )

    # Each part is its own subquery: a part of a UNION may not have its own ORDER BY and LIMIT
    owned = first_by_deadline(Case.owner_id).subquery()
    investigated = first_by_deadline(Case.investigator_id).subquery()
    ids = union(select(owned.c.id), select(investigated.c.id)).subquery()
    return (
        select(*TABLE_COLUMNS)
        .where(Case.id.in_(select(ids.c.id)))
        .order_by(Case.next_deadline_at, Case.id.desc())
        .limit(limit)
    )


def awaiting_owner(user: User, limit: int = 20) -> list[Row]:
    """New reports this manager or HR officer could take on, oldest first (rows of TABLE_COLUMNS).

    Read in that order from the index of cases by stage and date, testing each until enough are found,
    rather than every new report, sorted."""
    if user.role not in (Role.MANAGER, Role.HR):
        return []
    return list(db.session.execute(_awaiting_owner(user, limit)).all())


@per_viewer
def _awaiting_owner(user, limit: int):
    return (
        select(*TABLE_COLUMNS)
        .where(full_view_filter(user), Case.stage == Stage.REPORTED)
        .order_by(Case.created_at)
        .limit(limit)
    )


def unread_count(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def notifications(user: User, limit: int = 50) -> list:
    """The person's newest notices, newest first: rows of what the page shows (created_at, read_at, message,
    and case_reference, None for a notice about no case), not records."""
    return list(db.session.execute(_notifications(limit), {"user_id": user.id}).all())


@functools.cache
def _notifications(limit: int):
    return (
        select(
            Notification.created_at,
            Notification.read_at,
            Notification.message,
            Case.reference.label("case_reference"),
        )
        .outerjoin(Case, Case.id == Notification.case_id)
        .where(Notification.user_id == bindparam("user_id"))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    )


def mark_all_read(user: User) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


def suspensions_to_review(user: User, limit: int = 20) -> list[Row]:
    """Active suspensions on this person's cases, the next review soonest first: rows of the case's
    reference, the suspended person's name, when it started and when it must next be reviewed."""
    return list(db.session.execute(_suspensions_to_review(user, limit)).all())


@per_viewer
def _suspensions_to_review(user, limit: int):
    subject = aliased(User)  # never the people the visibility filter's subqueries look at
    return (
        select(Case.reference, subject.name.label("subject_name"), Suspension.started_at, Suspension.next_review_on)
        .select_from(Suspension)
        .join(Case, Case.id == Suspension.case_id)
        .join(subject, subject.id == Suspension.subject_id)
        .where(full_view_filter(user), _mine(user), Suspension.lifted_at.is_(None))
        .order_by(Suspension.next_review_on, Suspension.id)
        .limit(limit)
    )


def contractor_cases_to_acknowledge(user: User, limit: int = 50) -> list[Row]:
    """For a head of service: open contractor cases not yet acknowledged (Social Networking Policy 11.4), as
    rows of TABLE_COLUMNS."""
    if user.role != Role.HEAD_OF_SERVICE:
        return []
    return list(db.session.execute(_contractor_cases_to_acknowledge(user, limit)).all())


@per_viewer
def _contractor_cases_to_acknowledge(user, limit: int):
    return (
        select(*TABLE_COLUMNS)
        .where(full_view_filter(user), Case.stage != Stage.CLOSED, Case.hos_acknowledged_at.is_(None))
        .order_by(Case.created_at)
        .limit(limit)
    )
