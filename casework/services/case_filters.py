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
- "recently changed" sorts them by when they were reported.

Every list of cases (the Cases page and `GET /api/v1/cases`) builds its query
with `visible_case_filter` and `visible_case_order`; a new filter or sort order
is added there, with the condition for each kind of view.
"""

from dataclasses import dataclass

from sqlalchemy import and_, case, false, or_, select
from sqlalchemy.sql.elements import ColumnElement

from ..domain.policy import REPORTER_STATUSES, STAGE_LABELS, reporter_status, stages_with_status
from ..models import Case, CaseCategory, User
from .visibility import full_view_filter, visible_cases


@dataclass
class CaseFilters:
    """What a person asked to see; None means "any"."""

    stage: str | None = None
    status: str | None = None  # one of REPORTER_STATUSES
    kind: str | None = None
    category: str | None = None
    department_id: int | None = None


# Sort orders of the case list, by name, with what a person sees in the choice
SORT_LABELS = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "updated": "Recently changed",
}
DEFAULT_SORT = "newest"


def seen_in_full(user: User) -> ColumnElement:
    """1 for a case `user` sees in full, 0 for any other (never NULL, so it can be negated safely)."""
    return case((full_view_filter(user), 1), else_=0)


def _conditions(filters: CaseFilters) -> tuple[list, list]:
    """(conditions on cases seen in full, conditions on cases seen only as their reporter)."""
    full, reporter = [], []
    if filters.stage:
        if filters.stage not in STAGE_LABELS:
            raise ValueError(f"unknown stage {filters.stage!r}")
        full.append(Case.stage == filters.stage)
        reporter.append(Case.stage.in_(stages_with_status(reporter_status(filters.stage))))
    if filters.status:
        if filters.status not in REPORTER_STATUSES:
            raise ValueError(f"unknown status {filters.status!r}")
        same_status = Case.stage.in_(stages_with_status(filters.status))
        full.append(same_status)
        reporter.append(same_status)
    if filters.kind:
        full.append(Case.kind == filters.kind)
        reporter.append(Case.kind == filters.kind)
    if filters.category:
        full.append(Case.id.in_(select(CaseCategory.case_id).where(CaseCategory.category == filters.category)))
        reporter.append(false())  # a reporter is not shown the categories the case is handled under
    if filters.department_id:
        full.append(Case.department_id == filters.department_id)
        reporter.append(false())  # nor the department it is handled in
    return full, reporter


def visible_case_filter(user: User, filters: CaseFilters) -> ColumnElement:
    """A WHERE clause: the cases `user` may see that match `filters`, judged only by what `user` sees of each."""
    full, reporter = _conditions(filters)
    if not full and not reporter:
        return visible_cases(user)
    in_full = seen_in_full(user)
    return and_(
        visible_cases(user),
        or_(and_(in_full == 1, *full), and_(in_full == 0, *reporter)),
    )


def visible_case_sort_key(user: User, sort: str = DEFAULT_SORT) -> tuple[ColumnElement, bool]:
    """(what `sort` orders by, whether newest first); ties are broken by id in the same direction. A case
    seen only as its reporter is placed by what its reporter sees."""
    if sort == "newest":
        return Case.created_at, True
    if sort == "oldest":
        return Case.created_at, False
    if sort == "updated":
        return case((seen_in_full(user) == 1, Case.updated_at), else_=Case.created_at), True
    raise ValueError(f"unknown sort order {sort!r}")


def visible_case_order(user: User, sort: str = DEFAULT_SORT) -> list[ColumnElement]:
    """ORDER BY clauses for `sort`; a case seen only as its reporter is placed by what its reporter sees."""
    key, descending = visible_case_sort_key(user, sort)
    if descending:
        return [key.desc(), Case.id.desc()]
    return [key.asc(), Case.id.asc()]
