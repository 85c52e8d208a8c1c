"""`visible_cases(user)`: the rules of casework.domain.permissions as a SQL filter.

Tested against the pure rules cell by cell, so the list and the case page
never disagree.
"""

from sqlalchemy import and_, exists, false, or_, select, true
from sqlalchemy.orm import aliased

from ..domain.permissions import View
from ..domain.policy import Kind, Role, StaffType
from ..models import Case, Department, User, case_subjects


def _is_subject(user_id):
    return exists().where(case_subjects.c.case_id == Case.id, case_subjects.c.user_id == user_id)


def _concerned_person_matches(condition_on_person):
    """A subject, or the victim-reporter of an abuse case, matches the condition."""
    person = aliased(User)
    subject_match = exists(
        select(1)
        .select_from(case_subjects.join(person, person.id == case_subjects.c.user_id))
        .where(case_subjects.c.case_id == Case.id, condition_on_person(person))
    )
    victim = aliased(User)
    victim_match = and_(
        Case.kind == Kind.ABUSE,
        exists(select(1).where(victim.id == Case.reporter_id, condition_on_person(victim))),
    )
    return or_(subject_match, victim_match)


def full_view_filter(user):
    if user.role == Role.ADMIN:
        return false()
    conditions = [
        Case.owner_id == user.id,
        Case.investigator_id == user.id,
        _concerned_person_matches(lambda p: and_(p.line_manager_id == user.id, p.id != user.id)),
    ]
    if user.role == Role.HR:
        conditions.append(true())
    if user.role == Role.MANAGER and user.department_id is not None:
        conditions.append(
            _concerned_person_matches(lambda p: and_(p.department_id == user.department_id, p.id != user.id))
        )
    if user.role == Role.HEAD_OF_SERVICE:
        subject = aliased(User)
        conditions.append(
            exists(
                select(1)
                .select_from(
                    case_subjects.join(subject, subject.id == case_subjects.c.user_id).join(
                        Department, Department.id == subject.department_id
                    )
                )
                .where(
                    case_subjects.c.case_id == Case.id,
                    subject.staff_type == StaffType.CONTRACTOR,
                    Department.head_of_service_id == user.id,
                )
            )
        )
    return and_(or_(*conditions), ~_is_subject(user.id))


def visible_cases(user):
    """A WHERE clause for the cases `user` may see at all (full or as reporter)."""
    return and_(
        or_(full_view_filter(user), Case.reporter_id == user.id),
        ~_is_subject(user.id),
    )


def sql_view_level(session, user, case_id) -> View:
    """The view level computed in SQL; used by tests to check it agrees with the domain."""
    full = session.scalar(select(Case.id).where(Case.id == case_id, full_view_filter(user)))
    if full:
        return View.FULL
    seen = session.scalar(select(Case.id).where(Case.id == case_id, visible_cases(user)))
    return View.REPORTER if seen else View.NONE
