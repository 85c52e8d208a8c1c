"""`visible_cases(user)`: the rules of casework.domain.permissions as a SQL filter.

Tested against the pure rules cell by cell, so the list and the case page
never disagree.

Most people see few cases: for them each way a person may stand to a case
is a set of case ids found from an index (the cases they reported, own or
investigate; the cases whose subjects they line-manage, …), so the database
reads only those cases instead of testing every case in turn. A department's
manager sees a good share of all cases: testing the newest cases in turn finds
a page of theirs soonest, so for them the same rules are tests of each case.
HR sees every case but their own as a subject.
"""

from functools import lru_cache

from sqlalchemy import and_, bindparam, exists, false, or_, select, union_all
from sqlalchemy.orm import aliased

from ..domain.permissions import View
from ..domain.policy import Kind, Role, StaffType
from ..models import Appeal, Case, Department, User, UTCDateTime, case_subjects, utcnow


def _subject_of(user_id):
    """The ids of the cases `user_id` is a subject of."""
    return select(case_subjects.c.case_id).where(case_subjects.c.user_id == user_id)


def _concerning(condition_on_person):
    """The ids of the cases a subject of which, or the victim-reporter of which (online abuse),
    meets the condition."""
    person = aliased(User)
    victim_case = aliased(Case)
    return [
        select(case_subjects.c.case_id)
        .join(person, person.id == case_subjects.c.user_id)
        .where(condition_on_person(person)),
        select(victim_case.id)
        .join(person, person.id == victim_case.reporter_id)
        .where(victim_case.kind == Kind.ABUSE, condition_on_person(person)),
    ]


def _own(column, user_id):
    own_case = aliased(Case)
    return select(own_case.id).where(getattr(own_case, column) == user_id)


def _full_view_ids(user) -> list:
    """Queries of the ids of the cases `user` sees in full for a relationship other than HR's (a subject's
    own cases are taken out afterwards)."""
    found = [
        _own("owner_id", user.id),
        _own("investigator_id", user.id),
        _own("hearing_officer_id", user.id),
        select(Appeal.case_id).where(Appeal.appeal_officer_id == user.id),
        *_concerning(lambda p: and_(p.line_manager_id == user.id, p.id != user.id)),
    ]
    if user.role == Role.MANAGER and user.department_id is not None:
        found += _concerning(lambda p: and_(p.department_id == user.department_id, p.id != user.id))
    if user.role == Role.HEAD_OF_SERVICE:
        subject = aliased(User)
        found.append(
            select(case_subjects.c.case_id)
            .join(subject, subject.id == case_subjects.c.user_id)
            .join(Department, Department.id == subject.department_id)
            .where(subject.staff_type == StaffType.CONTRACTOR, Department.head_of_service_id == user.id)
        )
    return found


def sees_a_department(user) -> bool:
    return user.role == Role.MANAGER and user.department_id is not None


def _is_subject(user_id):
    return exists().where(case_subjects.c.case_id == Case.id, case_subjects.c.user_id == user_id)


def _concerned_person_matches(condition_on_person):
    """A subject, or the victim-reporter of an abuse case, matches the condition (tested on each case).

    Each test is a scalar subquery, not EXISTS: PostgreSQL may run an EXISTS as one "hashed subplan" that
    first finds every case of every person who meets the condition (a department's 20,000 cases, 28 ms on
    each request) to test the few cases a page needs; a scalar subquery is always a lookup per case."""
    person = aliased(User)
    subject_match = (
        select(1)
        .select_from(case_subjects.join(person, person.id == case_subjects.c.user_id))
        .where(case_subjects.c.case_id == Case.id, condition_on_person(person))
        .limit(1)
        .scalar_subquery()
        .is_not(None)
    )
    victim = aliased(User)
    victim_match = and_(
        Case.kind == Kind.ABUSE,
        select(1)
        .where(victim.id == Case.reporter_id, condition_on_person(victim))
        .limit(1)
        .scalar_subquery()
        .is_not(None),
    )
    return or_(subject_match, victim_match)


def _department_manager_full_view(user):
    """A manager's full view, as a test of each case."""
    return and_(
        or_(
            Case.owner_id == user.id,
            and_(
                Case.route.is_(None),
                or_(
                    Case.investigator_id == user.id,
                    Case.hearing_officer_id == user.id,
                    exists().where(Appeal.case_id == Case.id, Appeal.appeal_officer_id == user.id),
                    _concerned_person_matches(lambda p: and_(p.line_manager_id == user.id, p.id != user.id)),
                    _concerned_person_matches(lambda p: and_(p.department_id == user.department_id, p.id != user.id)),
                ),
            ),
        ),
        ~_is_subject(user.id),
    )


def _unrouted_or_owned(user):
    """A report routed to another procedure is seen in full by HR and its owner only."""
    return or_(Case.route.is_(None), Case.owner_id == user.id)


# The filters are built from who the person is (role, id, department) and nothing else: everything that
# changes from one request to the next (line management, owners, subjects) is in the SQL. Building one
# (aliases adapted, subqueries composed) costs more than running it, so each is built once per person and
# worker and kept, never the cases it finds: a change of role or department is a new key.
_BUILT = 512


class _Viewer:
    """The three facts the filters are built from, as a hashable key."""

    __slots__ = ("role", "id", "department_id")

    def __init__(self, role, user_id, department_id):
        self.role, self.id, self.department_id = role, user_id, department_id


def _key(user) -> tuple:
    return (user.role, user.id, user.department_id)


def per_viewer(build):
    """A statement built from who a person is, kept per role, person and department like the filters
    (`build(viewer, *args)`; anything else it depends on is a bound value, a time included: see `now`)."""

    @lru_cache(maxsize=_BUILT)
    def built(role, user_id, department_id, *args):
        return build(_Viewer(role, user_id, department_id), *args)

    def statement(user, *args):
        return built(*_key(user), *args)

    statement.cache_clear = built.cache_clear
    return statement


def now():
    """The current time as a bound value evaluated each time a kept statement runs."""
    return bindparam("now", callable_=utcnow, type_=UTCDateTime())


def full_view_filter(user):
    """A WHERE clause for the cases `user` sees in full."""
    return _full_view_filter(*_key(user))


@lru_cache(maxsize=_BUILT)
def _full_view_filter(role, user_id, department_id):
    user = _Viewer(role, user_id, department_id)
    if user.role == Role.ADMIN:
        return false()
    if user.role == Role.HR:
        return Case.id.not_in(_subject_of(user.id))
    if sees_a_department(user):
        return _department_manager_full_view(user)
    return and_(
        Case.id.in_(union_all(*_full_view_ids(user))), _unrouted_or_owned(user), Case.id.not_in(_subject_of(user.id))
    )


def visible_cases(user):
    """A WHERE clause for the cases `user` may see at all (full or as reporter)."""
    return _visible_cases(*_key(user))


@lru_cache(maxsize=_BUILT)
def _visible_cases(role, user_id, department_id):
    user = _Viewer(role, user_id, department_id)
    if user.role == Role.HR:
        return Case.id.not_in(_subject_of(user.id))
    if sees_a_department(user):
        return and_(or_(_department_manager_full_view(user), Case.reporter_id == user.id), ~_is_subject(user.id))
    reported = _own("reporter_id", user.id)
    if user.role == Role.ADMIN:
        return and_(Case.id.in_(reported), Case.id.not_in(_subject_of(user.id)))
    # One set of ids (reported, or seen in full and not routed elsewhere), never "in this set or in that":
    # PostgreSQL cannot start from either set of an OR, and would test every case in turn
    seen = aliased(Case)
    full = select(seen.id).where(
        seen.id.in_(union_all(*_full_view_ids(user))), or_(seen.route.is_(None), seen.owner_id == user.id)
    )
    return and_(Case.id.in_(union_all(reported, full)), ~_is_subject(user.id))


def sql_view_level(session, user, case_id) -> View:
    """The view level computed in SQL; used by tests to check it agrees with the domain."""
    full = session.scalar(select(Case.id).where(Case.id == case_id, full_view_filter(user)))
    if full:
        return View.FULL
    seen = session.scalar(select(Case.id).where(Case.id == case_id, visible_cases(user)))
    return View.REPORTER if seen else View.NONE
