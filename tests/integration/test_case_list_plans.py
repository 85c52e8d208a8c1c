"""How PostgreSQL runs a department manager's filtered and searched lists (issue 11).

A department's manager may see a good share of all cases, so their list is
found by walking the cases newest first and testing each against the rules
until a page is full. That is quick only if the planner expects to find a page
soon: these tests read the planner's estimates (EXPLAIN) of the list's
statement on a department of a few thousand cases. On SQLite (which plans by
indexes, not estimates) they do not apply.
"""

import json

import pytest
from sqlalchemy import event, text

from casework.domain.policy import Kind, Stage
from casework.extensions import db
from casework.models import Case
from casework.services import case_search
from casework.services.case_filters import CaseFilters
from casework.services.cases import list_cases

STAGES = [Stage.REPORTED, Stage.ASSESSMENT, Stage.INVESTIGATION, Stage.OUTCOME, Stage.CLOSED]
COPIES = 2000


@pytest.fixture
def department(db_session, make_department, make_user, make_case):
    """A manager's department of COPIES cases at five stages and of both kinds, each about one of its
    staff, and the planner's statistics of them."""
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL's planner")
    housing = make_department("Housing")
    manager = make_user("manager", department=housing, name="Mo Manager", password=None)
    subject = make_user(department=housing, name="Sam Okonkwo", password=None)
    reporter = make_user(department=make_department("Parks"), name="Rita Reporter", password=None)
    first = make_case(reporter, subjects=[subject], description="Shared a resident's address online.")
    columns = [c.name for c in Case.__table__.columns if c.name not in ("id", "reference", "stage", "kind")]
    listed = ", ".join(columns)
    stages = "ARRAY[" + ", ".join(f"'{stage}'" for stage in STAGES) + "]"
    db_session.execute(
        text(
            f"INSERT INTO cases (reference, stage, kind, {listed}) "
            f"SELECT 'SMC-2025-' || lpad(n::text, 5, '0'), ({stages})[1 + n % {len(STAGES)}], "
            f"CASE WHEN n % 3 = 0 THEN 'abuse' ELSE 'breach' END, {listed} "
            f"FROM cases, generate_series(1, {COPIES}) AS n WHERE cases.id = :id"
        ),
        {"id": first.id},
    )
    db_session.execute(
        text(
            "INSERT INTO case_subjects (case_id, user_id) SELECT id, :subject FROM cases "
            "WHERE reference LIKE 'SMC-2025-%'"
        ),
        {"subject": subject.id},
    )
    make_case(reporter, subjects=[subject], description="Left a leaflet on every desk.")
    for table in ("cases", "case_subjects", "users"):
        db_session.execute(text(f"ANALYZE {table}"))
    return manager


def page_plan(user, filters: CaseFilters) -> dict:
    """The plan PostgreSQL makes of the statement that reads the list's page (EXPLAIN, not run)."""
    seen = []

    def record(connection, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith("SELECT cases.id"):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        list_cases(user, filters, rows_only=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    statement, parameters = seen[-1]
    row = db.session.connection().exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
    return (row if isinstance(row, list) else json.loads(row))[0]["Plan"]


@pytest.mark.parametrize(
    "filters",
    [
        CaseFilters(stage=Stage.INVESTIGATION, kind=Kind.BREACH),
        CaseFilters(stage=Stage.REPORTED),
        CaseFilters(kind=Kind.ABUSE),
        CaseFilters(status="Being looked into"),
    ],
    ids=repr,
)
def test_a_department_managers_filtered_list_is_expected_to_fill_a_page_soon(department, filters):
    """The manager sees every case of the department in full: the planner must expect that a good share of
    the cases the filters leave are theirs. (It guessed one in 200 of a rule written "CASE … END = 1", and so
    read every case of the stage and kind, tested each against the rules and sorted them: 80 ms at 100,000
    cases, where walking the list's order until a page is full takes 2 ms.)"""
    plan = page_plan(department, filters)
    assert plan["Node Type"] == "Limit"
    matching = plan["Plans"][0]["Plan Rows"]
    assert matching >= 26, f"expected to match only {matching} cases"


@pytest.mark.parametrize("search", ["leaflet", "SMC-2025-0001"])
def test_a_department_managers_search_for_a_rare_word_reads_the_few_cases_it_matches(department, search):
    """The planner guesses that a prefix search matches 2% of cases, expects a page soon in the list's
    order and walks every case for a word in one (1.5 s at 100,000 cases): the list reads the ids the count
    of the matches found."""
    plan = page_plan(department, CaseFilters(search=search))
    matching = plan["Plans"][0]["Plan Rows"]
    assert matching < 26, f"expected to match {matching} cases"
    assert len(list_cases(department, CaseFilters(search=search), per_page=100).items) in (1, 10)


def test_a_word_the_statistics_find_in_many_cases_is_not_counted(department, monkeypatch):
    """Counting the cases that have a common word reads every one of them from the GIN index (it cannot
    stop early): a word the planner's statistics find in enough cases walks the list without a count."""
    monkeypatch.setattr(case_search, "PLAN_THRESHOLD", 1000)  # every case of the department has "resident"
    seen = []

    def record(connection, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        common = case_search.search_plan(["resident"], None)
        rare = case_search.search_plan(["leaflet"], None)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert common == case_search.LIST_ORDER
    assert rare == case_search.MATCHES_FIRST and len(rare.ids) == 1

    def counted(statement, parameters) -> bool:
        explained = db.session.connection().exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters)
        row = explained.scalar()
        plan = (row if isinstance(row, list) else json.loads(row))[0]["Plan"]
        return any(node["Node Type"] == "Limit" and node["Actual Loops"] for node in nodes(plan))

    assert [counted(*statement) for statement in seen] == [False, True]


def nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)
