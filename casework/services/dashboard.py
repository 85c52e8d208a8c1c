"""What the landing page shows each person: their work, what is overdue, their notices."""

from sqlalchemy import func, or_, select, union, update
from sqlalchemy.orm import joinedload

from ..domain.policy import Role, Stage
from ..extensions import db
from ..models import Case, Notification, Suspension, User, utcnow
from .visibility import full_view_filter


def _mine(user: User):
    """Cases that are this person's to act on: owned or investigated, or (HR) every case."""
    if user.role == Role.HR:
        return full_view_filter(user)
    return or_(Case.owner_id == user.id, Case.investigator_id == user.id)


def overdue_cases(user: User, limit: int = 20) -> list[Case]:
    """Open cases of this person whose next deadline has passed, most overdue first."""
    return list(
        db.session.scalars(
            select(Case)
            .where(full_view_filter(user), _mine(user), Case.stage != Stage.CLOSED, Case.next_deadline_at < utcnow())
            .order_by(Case.next_deadline_at)
            .limit(limit)
        ).all()
    )


def my_open_cases(user: User, limit: int = 20) -> list[Case]:
    """The open cases this person owns or investigates, the next deadline soonest first (those without
    one last).

    Read as the first few by deadline from the owner's and from the investigator's index, merged: a
    manager may hold thousands of cases, and "owner or investigator", sorted, would read them all."""

    def first_by_deadline(column, with_deadline: bool):
        deadline = Case.next_deadline_at.is_not(None) if with_deadline else Case.next_deadline_at.is_(None)
        order = (Case.next_deadline_at, Case.id.desc()) if with_deadline else (Case.id.desc(),)
        return (
            select(Case.id)
            .where(column == user.id, deadline, Case.stage != Stage.CLOSED, full_view_filter(user))
            .order_by(*order)
            .limit(limit)
        )

    def cases(with_deadline: bool) -> list[Case]:
        # Each part is its own subquery: a part of a UNION may not have its own ORDER BY and LIMIT
        owned = first_by_deadline(Case.owner_id, with_deadline).subquery()
        investigated = first_by_deadline(Case.investigator_id, with_deadline).subquery()
        ids = union(select(owned.c.id), select(investigated.c.id)).subquery()
        return list(
            db.session.scalars(
                select(Case)
                .where(Case.id.in_(select(ids.c.id)))
                .order_by(Case.next_deadline_at, Case.id.desc())
                .limit(limit)
            ).all()
        )

    found = cases(with_deadline=True)
    return found if len(found) == limit else found + cases(with_deadline=False)[: limit - len(found)]


def awaiting_owner(user: User, limit: int = 20) -> list[Case]:
    """New reports this manager or HR officer could take on."""
    if user.role not in (Role.MANAGER, Role.HR):
        return []
    return list(
        db.session.scalars(
            select(Case)
            .where(full_view_filter(user), Case.stage == Stage.REPORTED)
            .order_by(Case.created_at)
            .limit(limit)
        ).all()
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


def notifications(user: User, limit: int = 50) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .options(joinedload(Notification.case))
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        ).all()
    )


def mark_all_read(user: User) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


def suspensions_to_review(user: User, limit: int = 20) -> list[Suspension]:
    """Active suspensions on this person's cases, the next review soonest first."""
    return list(
        db.session.scalars(
            select(Suspension)
            .join(Case, Case.id == Suspension.case_id)
            .where(full_view_filter(user), _mine(user), Suspension.lifted_at.is_(None))
            .order_by(Suspension.next_review_on, Suspension.id)
            .limit(limit)
        ).all()
    )


def contractor_cases_to_acknowledge(user: User, limit: int = 50) -> list[Case]:
    """For a head of service: open contractor cases not yet acknowledged (Social Networking Policy 11.4)."""
    if user.role != Role.HEAD_OF_SERVICE:
        return []
    return list(
        db.session.scalars(
            select(Case)
            .where(full_view_filter(user), Case.stage != Stage.CLOSED, Case.hos_acknowledged_at.is_(None))
            .order_by(Case.created_at)
            .limit(limit)
        ).all()
    )
