"""Filtering and sorting the case list by only what the caller may see of each case.

A filter or a sort order must not tell a person more about a case than the
case page does (design §4). A case the caller sees in full is filtered by its
stage, categories and department and may be sorted by when it last changed. A
case they see only as its reporter is shown a plain-language status
("Received", "Being looked into", "Concluded"), so for them:

- a stage filter matches by the status that stage shows as: asking for
  "Rights suspended" or "Referred" gives the same reports (every report "being
  looked into"), so no filter tells those stages apart;
- filters on what a reporter is not shown (categories as handled, department)
  leave such cases out;
- "recently changed" sorts them by when they were reported;
- a search matches only their reference and the description they wrote
  (casework.services.case_search), never the names of the people in the case;
- the owner and overdue filters leave them out (they are not shown who owns
  the case, nor its deadlines); "next deadline" places them with the cases that
  have none, and "stage" by the first stage of the status they see.

Every list of cases (the Cases page and `GET /api/v1/cases`) builds its query
with `visible_case_filter` and `visible_case_order`; a new filter or sort order
is added there, with the condition for each kind of view.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, bindparam, case, false, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement, False_

from ..domain.policy import REPORTER_STATUSES, STAGE_LABELS, Role, Stage, reporter_status, stages_with_status
from ..models import Case, CaseCategory, User, UTCDateTime, utcnow
from .case_search import PreparedSearch, search_conditions
from .visibility import full_view_filter, sees_a_department, visible_cases


@dataclass
class CaseFilters:
    """What a person asked to see; None means "any"."""

    stage: str | None = None
    status: str | None = None  # one of REPORTER_STATUSES
    kind: str | None = None
    category: str | None = None
    department_id: int | None = None
    search: str | None = None  # a reference, a name or words of the description (casework.services.case_search)
    owner: str | None = None  # one of OWNER_CHOICES
    overdue: bool | None = None  # True: past their next deadline; False: not


# Sort orders of the case list, by name, with what a person sees in the choice
SORT_LABELS = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "updated": "Recently changed",
    "deadline": "Soonest deadline",
    "stage": "Stage",
}
DEFAULT_SORT = "newest"
# Sort orders whose key is a time (the others' is a number)
TIME_SORTS = ("newest", "oldest", "updated", "deadline")
# The owner filter: the person's own cases, or those nobody has taken on yet
OWNER_CHOICES = {"mine": "Mine", "unassigned": "Nobody yet"}
# Where "next deadline first" places a case with no deadline, or whose deadlines the person is not shown
NO_DEADLINE = datetime(9999, 12, 31, tzinfo=UTC)
# The stages in the order a case passes through them; a reporter's status ranks as its first stage
STAGE_ORDER = {stage: rank for rank, stage in enumerate(STAGE_LABELS)}
STATUS_ORDER = {
    stage: min(STAGE_ORDER[other] for other in stages_with_status(reporter_status(stage))) for stage in STAGE_LABELS
}


def seen_in_full(user: User) -> ColumnElement:
    """1 for a case `user` sees in full, 0 for any other (never NULL, so it can be negated safely)."""
    return case((full_view_filter(user), 1), else_=0)


def _conditions(user: User, filters: CaseFilters, search: PreparedSearch | None) -> tuple[list, list]:
    """(conditions on cases seen in full, conditions on cases seen only as their reporter)."""
    full, reporter = [], []
    if filters.search is not None and filters.search.strip():
        in_full, as_reporter = search_conditions(filters.search, search)
        full.append(in_full)
        reporter.append(as_reporter)
    if filters.stage:
        if filters.stage not in STAGE_LABELS:
            raise ValueError(f"unknown stage {filters.stage!r}")
        full.append(Case.stage == filters.stage)
        # A reporter is not shown the stage, only a status that several stages share: a report seen only
        # as its reporter would be listed under each of those stages, at a stage it may not be at
        reporter.append(false())
    if filters.status:
        if filters.status not in REPORTER_STATUSES:
            raise ValueError(f"unknown status {filters.status!r}")
        same_status = Case.stage.in_(stages_with_status(filters.status))
        full.append(same_status)
        reporter.append(same_status)
    if filters.kind:
        same_kind = Case.kind == filters.kind
        full.append(same_kind)
        reporter.append(same_kind)
    if filters.category:
        full.append(Case.id.in_(select(CaseCategory.case_id).where(CaseCategory.category == filters.category)))
        reporter.append(false())  # a reporter is not shown the categories the case is handled under
    if filters.department_id:
        full.append(Case.department_id == filters.department_id)
        reporter.append(false())  # nor the department it is handled in
    if filters.owner:
        if filters.owner not in OWNER_CHOICES:
            raise ValueError(f"unknown owner {filters.owner!r}")
        full.append(Case.owner_id == user.id if filters.owner == "mine" else Case.owner_id.is_(None))
        reporter.append(false())  # nor who owns it
    if filters.overdue is not None:
        now = bindparam("now", callable_=utcnow, type_=UTCDateTime())  # the time the statement runs
        if filters.overdue:
            full.append(and_(Case.stage != Stage.CLOSED, Case.next_deadline_at < now))
        else:
            full.append(or_(Case.stage == Stage.CLOSED, Case.next_deadline_at.is_(None), Case.next_deadline_at >= now))
        reporter.append(false())  # nor its deadlines
    return full, reporter


def visible_case_filter(user: User, filters: CaseFilters, search: PreparedSearch | None = None) -> ColumnElement:
    """A WHERE clause: the cases `user` may see that match `filters`, judged only by what `user` sees of each.
    `search` is the filters' search made ready (casework.services.case_search.prepare; None: made ready now):
    its `values` are bound values of the clause."""
    full, reporter = _conditions(user, filters, search)
    if not full and not reporter:
        return visible_cases(user)
    if user.role == Role.HR:  # HR sees in full every case they may see at all
        return and_(visible_cases(user), *full)
    in_full = seen_in_full(user)
    # A case seen only as its reporter is one the person reported: said first, so that PostgreSQL tests the
    # reporter's conditions (a search of descriptions) on their own reports only
    as_reporter = and_(Case.reporter_id == user.id, in_full == 0, *reporter)
    if sees_a_department(user):
        # A department's manager is tested case by case, newest first: what every case listed must meet
        # whichever way it is seen (its kind, its stage, …) is tested first, so the few cases the filters
        # leave are the only ones tested against the rules (SQLite tests the terms of an AND in order).
        # A case they see in full they may see: the rules are tested once for it (SQLite would test them
        # again for the visibility filter), as a condition whose share of cases PostgreSQL can estimate (it
        # guesses that "CASE … END = 1" holds for one case in 200, and so reads and sorts every case of a
        # stage rather than walk the list's order). Their own report, seen as its reporter, is tested
        # against the whole filter.
        return and_(
            *_met_either_way(full, reporter),
            or_(and_(full_view_filter(user), *full), and_(as_reporter, visible_cases(user))),
        )
    return and_(visible_cases(user), or_(and_(in_full == 1, *full), as_reporter))


def _met_either_way(full: list, reporter: list) -> list:
    """The filters' conditions a listed case meets however it is seen: each filter adds one condition to
    each list; one a reporter's view cannot meet leaves only the full view's, and one the same for both (the
    same condition) is met either way (a search's two differ: it adds none)."""
    return [f for f, r in zip(full, reporter, strict=True) if isinstance(r, False_) or r is f]


def visible_case_sort_key(user: User, sort: str = DEFAULT_SORT) -> tuple[ColumnElement, bool]:
    """(what `sort` orders by, whether newest first); ties are broken by id in the same direction. A case
    seen only as its reporter is placed by what its reporter sees."""
    if sort == "newest":
        return Case.created_at, True
    if sort == "oldest":
        return Case.created_at, False
    if sort == "updated":
        return case((seen_in_full(user) == 1, Case.updated_at), else_=Case.created_at), True
    if sort == "deadline":
        no_deadline = literal(NO_DEADLINE, UTCDateTime())
        return case(
            (and_(seen_in_full(user) == 1, Case.next_deadline_at.is_not(None)), Case.next_deadline_at),
            else_=no_deadline,
        ), False
    if sort == "stage":
        return case(
            (seen_in_full(user) == 1, case(STAGE_ORDER, value=Case.stage, else_=len(STAGE_ORDER))),
            else_=case(STATUS_ORDER, value=Case.stage, else_=len(STAGE_ORDER)),
        ), False
    raise ValueError(f"unknown sort order {sort!r}")


def visible_case_order(user: User, sort: str = DEFAULT_SORT) -> list[ColumnElement]:
    """ORDER BY clauses for `sort`; a case seen only as its reporter is placed by what its reporter sees."""
    key, descending = visible_case_sort_key(user, sort)
    if descending:
        return [key.desc(), Case.id.desc()]
    return [key.asc(), Case.id.asc()]
