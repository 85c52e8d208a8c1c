"""Filters and sort orders of the case list tell a person nothing they may not see (issue 9, item 2).

For every role, a person's own reports that they see only as their reporter
are changed in everything a reporter is not shown (the stage within its
plain-language status, categories, department, owner, when it last changed);
every filter value and every sort order must then list exactly what it listed
before. Cases the person sees in full are still filtered by their real stage.
"""

from datetime import UTC, datetime, timedelta

import pytest

from casework.domain.permissions import View, view_level
from casework.domain.policy import (
    ABUSE_CATEGORIES,
    BREACH_CATEGORIES,
    REPORTER_STATUSES,
    STAGE_LABELS,
    Kind,
    Stage,
    reporter_status,
    stages_with_status,
)
from casework.models import CaseCategory
from casework.services.case_filters import OWNER_CHOICES, SORT_LABELS, CaseFilters
from casework.services.cases import list_cases

ROLES = ("employee", "manager", "hr", "head_of_service", "admin")
ALL_CATEGORIES = tuple(dict.fromkeys([*BREACH_CATEGORIES, *ABUSE_CATEGORIES]))
# For each stage a reporter cannot tell apart from it, the one it is changed to
HIDDEN_STAGE_SWAP = {
    stage: next((other for other in stages_with_status(reporter_status(stage)) if other != stage), stage)
    for stage in Stage
}


def every_filter(departments) -> list[CaseFilters]:
    filters = [CaseFilters()]
    filters += [CaseFilters(stage=stage) for stage in STAGE_LABELS]
    filters += [CaseFilters(status=status) for status in REPORTER_STATUSES]
    filters += [CaseFilters(kind=kind) for kind in Kind]
    filters += [CaseFilters(category=category) for category in ALL_CATEGORIES]
    filters += [CaseFilters(department_id=department.id) for department in departments]
    filters += [CaseFilters(owner=owner) for owner in OWNER_CHOICES]
    filters += [CaseFilters(overdue=True), CaseFilters(overdue=False)]
    filters += [CaseFilters(search=search) for search in ("Subject One", "Subject Two", "Owen", "address", "SMC")]
    return filters


@pytest.fixture
def world(db_session, make_department, make_user, make_case):
    """A council where `viewer` (of the given role) has reported cases at every stage, of both kinds."""

    def build(role):
        housing, parks, libraries = (make_department(name) for name in ("Housing", "Parks", "Libraries"))
        viewer = make_user(role, department=libraries, password=None)
        owner = make_user("manager", department=housing, password=None, name="Owen Owner")
        subjects = [
            make_user(department=housing, password=None, name="Subject One"),
            make_user(department=parks, password=None, name="Subject Two"),
        ]
        reported = []
        base = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        for n, stage in enumerate(Stage):
            for kind in Kind:
                if kind == Kind.ABUSE and stage in (Stage.RIGHTS_SUSPENDED, Stage.OUTCOME):
                    continue
                case = make_case(
                    viewer,
                    kind=kind,
                    subjects=[subjects[n % 2]],
                    categories=["defamation"] if kind == Kind.BREACH else ["threats"],
                )
                case.stage = stage
                case.created_at = base + timedelta(hours=len(reported))
                case.updated_at = case.created_at
                reported.append(case)
        db_session.flush()
        return viewer, owner, reported, [housing, parks, libraries]

    return build


def listing(viewer, departments) -> dict:
    """What every filter value, and every sort order (alone and with a stage filter), lists for `viewer`."""
    asked = [(filters, "newest") for filters in every_filter(departments)]
    asked += [(filters, sort) for sort in SORT_LABELS for filters in (CaseFilters(), CaseFilters(stage="referred"))]
    seen = {}
    for filters, sort in asked:
        result = list_cases(viewer, filters, per_page=500, sort=sort)
        seen[(repr(filters), sort)] = [case.reference for case in result.items]
    return seen


def change_what_a_reporter_is_not_shown(db_session, cases, owner, departments):
    """Stage (within its status), categories, department, owner, time of last change, next deadline and
    the people it is about."""
    for n, case in enumerate(cases):
        case.stage = HIDDEN_STAGE_SWAP[Stage(case.stage)]
        for row in list(case.category_rows):
            db_session.delete(row)
        db_session.flush()
        case.category_rows = [CaseCategory(category="harassment"), CaseCategory(category="disrepute")]
        case.department_id = departments[(n + 1) % len(departments)].id
        case.owner_id = owner.id
        case.updated_at = datetime(2026, 11, 1, tzinfo=UTC) - timedelta(minutes=7 * n)
        case.next_deadline_at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=n)
        case.next_deadline_label = "Investigation"
        case.subjects = [owner] if n % 2 else list(reversed(case.subjects))
    db_session.flush()
    db_session.expire_all()


@pytest.mark.parametrize("role", ROLES)
def test_no_filter_or_sort_tells_a_reporter_what_they_are_not_shown(db_session, world, role):
    viewer, owner, cases, departments = world(role)
    reporter_only = [case for case in cases if view_level(viewer, case) == View.REPORTER]
    if role == "hr":
        assert reporter_only == []  # HR sees every case in full; see the next test
        return
    assert reporter_only == cases
    before = listing(viewer, departments)
    assert any(before.values())
    change_what_a_reporter_is_not_shown(db_session, cases, owner, departments)
    after = listing(viewer, departments)
    changed = [key for key in before if before[key] != after[key]]
    assert changed == [], f"a {role} can tell internal changes apart through {changed[:3]}"


@pytest.mark.parametrize("role", ROLES)
def test_a_stage_filter_picks_out_none_of_a_reporters_reports_and_the_status_filter_does(db_session, world, role):
    viewer, _owner, cases, _departments = world(role)
    for stage in STAGE_LABELS:
        listed = {c.reference for c in list_cases(viewer, CaseFilters(stage=stage), per_page=500).items}
        if role == "hr":
            expected = {c.reference for c in cases if c.stage == stage}
        else:  # a reporter is shown a status, not the stage
            expected = set()
        assert listed == expected, stage
    for status in REPORTER_STATUSES:
        listed = {c.reference for c in list_cases(viewer, CaseFilters(status=status), per_page=500).items}
        assert listed == {c.reference for c in cases if reporter_status(c.stage) == status}


def test_cases_seen_in_full_are_still_filtered_by_their_real_stage(db_session, world, make_user, make_case):
    """A manager who reported cases elsewhere and handles others in their own department."""
    viewer, _owner, reported, departments = world("manager")
    handled = []
    for stage in (Stage.ASSESSMENT, Stage.RIGHTS_SUSPENDED, Stage.REFERRED):
        case = make_case(
            make_user(department=departments[0], password=None),
            subjects=[make_user(department=departments[0], password=None)],
            owner=viewer,
        )
        case.stage = stage
        handled.append(case)
    db_session.flush()
    listed = list_cases(viewer, CaseFilters(stage=Stage.RIGHTS_SUSPENDED), per_page=500).items
    in_full = [case for case in listed if view_level(viewer, case) == View.FULL]
    assert in_full == [handled[1]]
    # Their own reports elsewhere, seen only as reporter, are not listed under a stage they may not be at
    assert [case.reference for case in listed] == [handled[1].reference]
    listed = list_cases(viewer, CaseFilters(department_id=departments[1].id), per_page=500).items
    assert [case for case in listed if case in reported] == []  # never by a department they are not shown
    listed = list_cases(viewer, CaseFilters(category="confidential_information"), per_page=500).items
    assert listed == list(reversed(handled))
