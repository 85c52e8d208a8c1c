"""The SQL filter (casework.services.visibility) agrees with the pure rules, cell by cell.

The positions and the expected table come from the domain matrix in
tests/unit/test_visibility_matrix.py; here they are built as real rows.
"""

import pytest

from casework.domain.permissions import View, view_level
from casework.models import Appeal, Outcome
from casework.services.cases import CaseFilters, list_cases, my_reports
from casework.services.visibility import sql_view_level
from tests.unit.test_visibility_matrix import CELLS, EXPECTED, ROLES, Position


@pytest.fixture
def build(db_session, make_department, make_user, make_case):
    """Real rows for one position: returns (viewer, case)."""
    counter = iter(range(1, 10_000))

    def build(where: Position, role: str):
        n = next(counter)
        departments = {
            "subject": make_department(f"Housing {n}"),
            "reporter": make_department(f"Libraries {n}"),
            "other": make_department(f"Parks {n}"),
        }
        viewer = make_user(role, department=departments.get(where.department), password=None)
        if where.heads:
            departments[where.heads].head_of_service = viewer
        subject_manager = make_user("manager", department=departments["subject"], password=None)
        reporter_manager = make_user("manager", department=departments["reporter"], password=None)
        subject = make_user(
            department=departments["subject"],
            line_manager=viewer if where.manages == "subject" else subject_manager,
            staff_type="contractor" if where.contractor_subject else "employee",
            password=None,
        )
        if where.is_reporter:
            reporter = viewer
        else:
            reporter = make_user(
                department=departments["reporter"],
                line_manager=viewer if where.manages == "reporter" else reporter_manager,
                password=None,
            )
        case = make_case(
            reporter,
            kind=where.kind,
            subjects=[subject] if where.with_subject else [],
            owner=viewer if where.is_owner else None,
            investigator=viewer if where.is_investigator else None,
        )
        if where.is_subject:
            case.subjects.append(viewer)  # after reporting: no one may name themselves
        if where.is_hearing_officer:
            case.hearing_officer_id = viewer.id
        db_session.flush()
        if where.is_appeal_officer:
            outcome = Outcome(
                case=case, finding="substantiated", sanction="training", summary="-", decided_by_id=reporter.id
            )
            db_session.add(outcome)
            db_session.flush()
            db_session.add(
                Appeal(
                    case=case,
                    subject_id=subject.id,
                    outcome_id=outcome.id,
                    grounds="-",
                    appeal_officer_id=viewer.id,
                    lodged_by_id=reporter.id,
                )
            )
            db_session.flush()
            db_session.refresh(case)
        return viewer, case

    return build


@pytest.mark.parametrize(("name", "role", "expected"), CELLS)
def test_sql_agrees_with_the_rules(build, db_session, name, role, expected):
    viewer, case = build(EXPECTED[name][0], role)
    assert view_level(viewer, case) == expected
    assert sql_view_level(db_session, viewer, case.id) == expected
    listed = list_cases(viewer, CaseFilters()).items
    assert listed == ([case] if expected != View.NONE else [])
    assert [row.id for row in my_reports(viewer)] == (
        [case.id] if case.reporter_id == viewer.id and expected != View.NONE else []
    )


@pytest.mark.parametrize("role", ROLES)
def test_the_list_holds_exactly_the_visible_cases(build, db_session, role):
    """Every position at once: each viewer's list is exactly what the rules let them see of every case."""
    built = [build(where, role) for where, _ in EXPECTED.values()]
    cases = [case for _, case in built]
    for viewer, _ in built:
        expected = {case.id for case in cases if view_level(viewer, case) != View.NONE}
        result = list_cases(viewer, CaseFilters(), per_page=len(cases) + 1, count=True)
        assert {case.id for case in result.items} == expected, viewer.email
        assert result.total == len(expected)


@pytest.mark.parametrize(("name", "role", "expected"), CELLS)
def test_sql_agrees_with_the_rules_for_a_routed_report(build, db_session, name, role, expected):
    """Acceptable Use of Social Media Policy 2 and 3: a report routed to another procedure is seen in full by
    HR and its owner only; its reporter still sees it as theirs; the SQL filter says the same."""
    viewer, case = build(EXPECTED[name][0], role)
    case.route = "whistleblowing"
    case.stage = "routed"
    db_session.flush()
    level = view_level(viewer, case)
    if level == View.FULL:
        assert role == "hr" or case.owner_id == viewer.id
    assert sql_view_level(db_session, viewer, case.id) == level
    listed = list_cases(viewer, CaseFilters()).items
    assert listed == ([case] if level != View.NONE else [])
