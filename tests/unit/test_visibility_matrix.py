"""Who may see a case (design §4), as a matrix: every role × every relationship.

The expected table is written out in full so that changing a rule fails a
test. Each position describes how the person stands to the case; the same
positions are built as real rows in tests/integration/test_visibility_sql.py
to check the SQL filter against these rules.
"""

from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from casework.domain.permissions import Relationship, View, relationships, view_level
from casework.domain.policy import Role

ROLES = ("employee", "manager", "hr", "head_of_service", "admin")

F, R, N = View.FULL, View.REPORTER, View.NONE


@dataclass(frozen=True)
class Position:
    """How the person looking stands to the case.

    The case always has a reporter (someone else unless `is_reporter`) and, for
    a breach or when `with_subject`, one subject who is not the person looking.
    `manages` and `department` name the person concerned ("subject" or
    "reporter") whose line manager or department the person looking has;
    `department="other"` is a third department. `heads` is the department
    whose head of service they are.
    """

    kind: str = "breach"
    with_subject: bool = True
    is_reporter: bool = False
    is_subject: bool = False
    is_owner: bool = False
    is_investigator: bool = False
    is_hearing_officer: bool = False
    is_appeal_officer: bool = False
    manages: str | None = None
    department: str | None = None
    heads: str | None = None
    contractor_subject: bool = False


def abuse(**fields) -> Position:
    return Position(kind="abuse", with_subject=fields.pop("with_subject", False), **fields)


# position: (employee, manager, hr, head_of_service, admin)
EXPECTED: dict[str, tuple[Position, tuple[View, View, View, View, View]]] = {
    # --- breach ---------------------------------------------------------------
    "reporter": (Position(is_reporter=True), (R, R, F, R, R)),
    "subject": (Position(is_subject=True), (N, N, N, N, N)),
    "subject in the other subject's department": (
        Position(is_subject=True, department="subject"),
        (N, N, N, N, N),
    ),
    "subject and owner": (Position(is_subject=True, is_owner=True), (N, N, N, N, N)),
    "subject and investigator": (Position(is_subject=True, is_investigator=True), (N, N, N, N, N)),
    "subject and line manager of the other subject": (
        Position(is_subject=True, manages="subject"),
        (N, N, N, N, N),
    ),
    "subject and reporter": (Position(is_subject=True, is_reporter=True), (N, N, N, N, N)),
    "owner": (Position(is_owner=True), (F, F, F, F, N)),
    "investigator": (Position(is_investigator=True), (F, F, F, F, N)),
    "hearing officer": (Position(is_hearing_officer=True), (F, F, F, F, N)),
    "appeal officer": (Position(is_appeal_officer=True), (F, F, F, F, N)),
    "subject and hearing officer": (Position(is_subject=True, is_hearing_officer=True), (N, N, N, N, N)),
    "line manager of the subject": (Position(manages="subject"), (F, F, F, F, N)),
    "reporter and line manager of the subject": (
        Position(is_reporter=True, manages="subject"),
        (F, F, F, F, R),
    ),
    "same department as the subject": (Position(department="subject"), (N, F, F, N, N)),
    "same department as a contractor subject": (
        Position(department="subject", contractor_subject=True),
        (N, F, F, N, N),
    ),
    "another department": (Position(department="other"), (N, N, F, N, N)),
    # A breach reporter is a witness: their manager and department are not concerned
    "same department as the breach reporter": (Position(department="reporter"), (N, N, F, N, N)),
    "line manager of the breach reporter": (Position(manages="reporter"), (N, N, F, N, N)),
    "head of the department of a contractor subject": (
        Position(heads="subject", contractor_subject=True),
        (N, N, F, F, N),
    ),
    "head of the subject's department, subject not a contractor": (
        Position(heads="subject"),
        (N, N, F, N, N),
    ),
    "head of another department, contractor subject": (
        Position(heads="other", contractor_subject=True),
        (N, N, F, N, N),
    ),
    "no relationship": (Position(), (N, N, F, N, N)),
    # --- online abuse: the reporter is the victim --------------------------------
    "abuse victim": (abuse(is_reporter=True), (R, R, F, R, R)),
    "line manager of the abuse victim": (abuse(manages="reporter"), (F, F, F, F, N)),
    "same department as the abuse victim": (abuse(department="reporter"), (N, F, F, N, N)),
    "abuse, another department": (abuse(department="other"), (N, N, F, N, N)),
    "abuse owner": (abuse(is_owner=True), (F, F, F, F, N)),
    "abuse investigator": (abuse(is_investigator=True), (F, F, F, F, N)),
    "head of the abuse victim's department": (abuse(heads="reporter"), (N, N, F, N, N)),
    "staff member responsible for the abuse": (abuse(is_subject=True), (N, N, N, N, N)),
    "line manager of the staff member responsible": (
        abuse(with_subject=True, manages="subject"),
        (F, F, F, F, N),
    ),
    "same department as the staff member responsible": (
        abuse(with_subject=True, department="subject"),
        (N, F, F, N, N),
    ),
    "abuse, no relationship": (abuse(), (N, N, F, N, N)),
}

CELLS = [
    pytest.param(name, role, expected[i], id=f"{name} × {role}")
    for name, (_, expected) in EXPECTED.items()
    for i, role in enumerate(ROLES)
]


def position(name: str) -> Position:
    return EXPECTED[name][0]


# --- plain objects standing in for the models ----------------------------------------


def person(id, role="employee", *, department=None, line_manager=None, staff_type="employee"):
    return SimpleNamespace(
        id=id,
        role=role,
        staff_type=staff_type,
        department=department,
        department_id=department.id if department else None,
        line_manager_id=line_manager.id if line_manager else None,
    )


def build(where: Position, role: str):
    """The person looking and the case, as plain objects."""
    departments = {
        "subject": SimpleNamespace(id=1, head_of_service_id=None),
        "reporter": SimpleNamespace(id=2, head_of_service_id=None),
        "other": SimpleNamespace(id=3, head_of_service_id=None),
    }
    viewer = person(100, role, department=departments.get(where.department))
    if where.heads:
        departments[where.heads].head_of_service_id = viewer.id

    subject_manager = person(11, "manager", department=departments["subject"])
    reporter_manager = person(21, "manager", department=departments["reporter"])
    subject = person(
        10,
        department=departments["subject"],
        line_manager=viewer if where.manages == "subject" else subject_manager,
        staff_type="contractor" if where.contractor_subject else "employee",
    )
    if where.is_reporter:
        reporter = viewer
    else:
        reporter = person(
            20,
            department=departments["reporter"],
            line_manager=viewer if where.manages == "reporter" else reporter_manager,
        )
    subjects = [subject] if where.with_subject else []
    if where.is_subject:
        subjects.append(viewer)
    case = SimpleNamespace(
        kind=where.kind,
        stage="reported",
        reporter=reporter,
        reporter_id=reporter.id,
        owner_id=viewer.id if where.is_owner else None,
        investigator_id=viewer.id if where.is_investigator else None,
        hearing_officer_id=viewer.id if where.is_hearing_officer else None,
        appeals=[SimpleNamespace(appeal_officer_id=viewer.id)] if where.is_appeal_officer else [],
        subjects=subjects,
    )
    return viewer, case


@pytest.mark.parametrize(("name", "role", "expected"), CELLS)
def test_view_level(name, role, expected):
    viewer, case = build(position(name), role)
    assert view_level(viewer, case) == expected


def test_every_role_is_in_the_matrix():
    assert set(ROLES) == {r.value for r in Role}


def test_every_relationship_is_in_the_matrix():
    """A new relationship must get a row here before it can open a case."""
    seen = set()
    for where, _ in EXPECTED.values():
        for role in ROLES:
            seen |= relationships(*build(where, role))
    assert seen == set(Relationship)


def test_a_subject_never_sees_even_when_also_hr_owner_and_line_manager():
    viewer, case = build(Position(is_subject=True, is_owner=True, is_investigator=True, manages="subject"), "hr")
    assert view_level(viewer, case) == View.NONE


def test_a_contractor_subject_without_a_department_opens_nothing_to_a_head_of_service():
    viewer, case = build(Position(contractor_subject=True), "head_of_service")
    case.subjects[0].department = None
    case.subjects[0].department_id = None
    assert view_level(viewer, case) == View.NONE
