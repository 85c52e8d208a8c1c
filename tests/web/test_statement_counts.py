"""Pages run a bounded number of SQL statements however many cases, events or rows they show.

The test client counts each request's statements (tests/conftest.py), so a
query per row (an N+1) shows here as a count that grows with the page.
"""

import pytest

from casework.services import cases as case_service
from casework.services import users as user_service
from casework.services import workflow

# The most statements the case list and the case page may run (issue 11)
MOST = 12
# The case page reads a table only when the case has rows in it (one statement asks which): each of the
# full page's collections and panels a case has adds one statement
CASE_PAGE_TABLES = (
    "suspensions",
    "referrals",
    "notes",
    "evidence",
    "outcomes",
    "contractor_actions",
    "online_research",
    "ripa_authorisations",
    "web_captures",
    "council_accounts",
)


@pytest.fixture
def busy_council(make_department, make_user, make_case, db_session):
    """Managers, HR and an employee, and cases of every kind, with subjects in two departments."""
    head = make_user("head_of_service", name="Hana Head")
    housing = make_department("Housing", head_of_service=head)
    parks = make_department("Parks")
    manager = make_user("manager", department=housing, name="Hugo Housing-Manager")
    hr = make_user("hr", name="Harriet HR")
    reporter = make_user(department=parks, name="Rhys Reporter")
    subjects = [
        make_user(department=housing, line_manager=manager, name="Sam Subject"),
        make_user(department=housing, staff_type="contractor", password=None, name="Cal Contractor"),
        make_user(department=parks, password=None, name="Paula Parks-Subject"),
    ]
    cases = []
    for number in range(24):
        if number % 4 == 3:
            cases.append(make_case(reporter, kind="abuse", categories=["threats", "harassment"]))
        else:
            cases.append(
                make_case(
                    reporter,
                    subjects=[subjects[number % 3], subjects[(number + 1) % 3]],
                    categories=["confidential_information", "political"],
                )
            )
    return {"manager": manager, "hr": hr, "reporter": reporter, "head": head, "cases": cases}


def statements_for(client, path, session=None):
    """How many statements `path` runs, loading everything afresh as a new request would (the
    tests share one session with the requests they make, whose identity map would hide lazy loads)."""
    from casework.extensions import db

    db.session.flush()
    db.session.expire_all()
    response = client.get(path)
    assert response.status_code == 200, path
    return len(client.statements)


@pytest.mark.parametrize("role", ["hr", "manager", "reporter", "head"])
def test_the_case_list_runs_the_same_few_statements_for_a_short_and_a_long_page(
    client, busy_council, login_as, app, monkeypatch, role
):
    login_as(busy_council[role])
    counts = {}
    for per_page in (2, 20):
        monkeypatch.setitem(app.config, "CASES_PER_PAGE", per_page)
        counts[per_page] = statements_for(client, "/cases")
        statements_for(client, "/cases?kind=breach&category=political")
    assert counts[2] == counts[20] <= MOST, counts


@pytest.mark.parametrize("plan", [None, "matches-first", "list-order"])
@pytest.mark.parametrize("role", ["hr", "manager", "reporter"])
def test_a_searched_case_list_runs_a_few_statements_more_whatever_its_plan(
    client, busy_council, login_as, monkeypatch, role, plan
):
    """Choosing the plan of a search, and on SQLite looking its words up, adds at most two statements."""
    from casework.services import case_search

    if plan:
        monkeypatch.setattr(case_search, "search_plan", lambda *args, **kwargs: plan)
    login_as(busy_council[role])
    unsearched = statements_for(client, "/cases")
    assert statements_for(client, "/cases?q=posted+content") <= min(unsearched + 2, MOST)
    assert statements_for(client, "/cases?q=SMC") <= min(unsearched + 2, MOST)


def test_the_case_page_runs_the_same_few_statements_with_2_or_40_events(client, busy_council, login_as, make_user):
    hr = busy_council["hr"]
    quiet, busy = busy_council["cases"][0], busy_council["cases"][1]
    workflow.perform(busy, hr, "take_ownership", {}, version=busy.version)
    for number in range(38):
        workflow.perform(busy, hr, "add_note", {"kind": "note", "text": f"Note {number}"}, version=busy.version)
    login_as(hr)
    few = statements_for(client, f"/cases/{quiet.reference}")
    many = statements_for(client, f"/cases/{busy.reference}")
    assert len(busy.events) >= 40
    listing = "\n".join(s[:150].replace("\n", " ") for s in client.statements)
    # The busy case has notes (one table more); neither grows with its events
    assert few + 1 == many <= MOST, listing
    for number in range(30):
        workflow.perform(busy, hr, "add_note", {"kind": "note", "text": f"More {number}"}, version=busy.version)
    assert statements_for(client, f"/cases/{busy.reference}") == many


def test_a_reporter_sees_their_report_in_few_statements(client, busy_council, login_as):
    login_as(busy_council["reporter"])
    assert statements_for(client, f"/cases/{busy_council['cases'][3].reference}") <= MOST


def test_a_case_with_rows_in_every_table_of_its_page_adds_one_statement_a_table(
    client, busy_council, login_as, db_session
):
    """The bound when a case has been through everything: one statement more for each table it has rows in,
    never one a row."""
    from casework.extensions import db
    from casework.models import Note

    hr, case = busy_council["hr"], busy_council["cases"][0]
    login_as(hr)
    before = statements_for(client, f"/cases/{case.reference}")
    for number in range(5):
        db.session.add(Note(case_id=case.id, kind="note", text=f"Note {number}", author_id=hr.id))
    db.session.flush()
    assert statements_for(client, f"/cases/{case.reference}") == before + 1
    assert before + len(CASE_PAGE_TABLES) <= 20


@pytest.mark.parametrize("path", ["/", "/my-reports", "/notifications"])
def test_home_my_reports_and_notifications_do_not_grow_with_the_cases(client, busy_council, login_as, make_case, path):
    login_as(busy_council["reporter"])
    before = statements_for(client, path)
    for _ in range(6):
        make_case(busy_council["reporter"], subjects=[busy_council["manager"]])
    assert statements_for(client, path) == before
    login_as(busy_council["manager"])
    before = statements_for(client, path)
    for _ in range(6):
        make_case(busy_council["reporter"], subjects=[busy_council["manager"]], categories=["political"])
        make_case(busy_council["hr"], kind="abuse")
    assert statements_for(client, path) == before


def test_the_api_list_runs_the_same_statements_for_any_limit(client, busy_council, db_session):
    token = user_service.issue_api_token(busy_council["manager"])
    headers = {"Authorization": f"Bearer {token}"}
    client.get("/api/v1/cases", headers=headers)  # its first use is written (then at most once a minute)
    counts = []
    for limit in (2, 20):
        response = client.get(f"/api/v1/cases?limit={limit}", headers=headers)
        assert response.status_code == 200
        counts.append(len(client.statements))
    assert counts[0] == counts[1] <= MOST, counts


def test_an_api_read_records_the_token_use_at_most_once_a_minute(client, busy_council, db_session):
    token = user_service.issue_api_token(busy_council["hr"])
    headers = {"Authorization": f"Bearer {token}"}
    client.get("/api/v1/cases", headers=headers)
    writes = []
    for _ in range(3):
        assert client.get("/api/v1/cases", headers=headers).status_code == 200
        writes += [s for s in client.statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []
    assert case_service  # the list the token reads comes from the case service


def test_an_api_request_reads_its_token_and_its_person_in_one_statement(client, busy_council, db_session):
    token = user_service.issue_api_token(busy_council["hr"])
    db_session.expire_all()
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    selects = [s for s in client.statements if s.lstrip().upper().startswith("SELECT")]
    reads = [s for s in selects if "api_tokens" in s or s.lstrip().upper().startswith("SELECT USERS.")]
    assert len(reads) == 1 and "JOIN users" in reads[0], reads


def test_the_people_named_in_a_case_pages_rows_are_read_with_the_rows_not_one_at_a_time(
    client, busy_council, login_as, make_user, db_session
):
    """Evidence, outcomes (who decided and who superseded), the contractor's actions, the investigation report,
    HR's advice, hearings, overrides and declared conflicts each name a person. With one of each or four, every
    row by someone the page reads nowhere else, the page runs the same statements: no person read on their own."""
    from datetime import timedelta

    from casework.extensions import db
    from casework.models import ContractorAction, Evidence, Outcome, utcnow
    from casework.models_process import ConflictDeclaration, DutyOverride, Hearing, HrAdvice, InvestigationReport

    hr, case = busy_council["hr"], busy_council["cases"][0]
    subject = case.subjects[0]

    def rows_by_new_people(count):
        for _ in range(count):
            who = [make_user("hr") for _ in range(9)]
            db.session.add_all(
                [
                    Evidence(case_id=case.id, description="A screenshot", uploaded_by_id=who[0].id),
                    Outcome(
                        case_id=case.id,
                        finding="substantiated",
                        sanction="written_warning",
                        summary="Decided",
                        decided_by_id=who[1].id,
                        subject_id=subject.id,
                        superseded_at=utcnow(),
                        superseded_by_id=who[2].id,
                        superseded_reason="Reopened",
                    ),
                    ContractorAction(case_id=case.id, text="Removed from the contract", recorded_by_id=who[3].id),
                    InvestigationReport(
                        case_id=case.id, summary="Found", recommendation="no_case_to_answer", submitted_by_id=who[4].id
                    ),
                    HrAdvice(case_id=case.id, text="Advice", given_by_id=who[5].id),
                    Hearing(
                        case_id=case.id,
                        hearing_officer_id=who[6].id,
                        hearing_at=utcnow() + timedelta(days=10),
                        arranged_by_id=hr.id,
                    ),
                    DutyOverride(
                        case_id=case.id,
                        action="decide",
                        role="investigator",
                        person_id=who[7].id,
                        reason="Small team",
                        by_id=who[7].id,
                    ),
                    ConflictDeclaration(case_id=case.id, user_id=who[8].id, conflict=False, text="None"),
                ]
            )
        db.session.flush()

    login_as(hr)
    rows_by_new_people(1)
    one = statements_for(client, f"/cases/{case.reference}")
    listing = "\n".join(s[:150].replace("\n", " ") for s in client.statements)
    rows_by_new_people(3)
    assert statements_for(client, f"/cases/{case.reference}") == one, listing
    assert one <= 20, listing


def test_a_list_pages_categories_subjects_and_owners_read_in_one_statement_are_each_cases_own(
    busy_council, make_user, db_session
):
    """The list page reads its cases' categories, subjects and owners in one statement: each row gets its own
    case's, categories by code and subjects by name as before, and an owner who is also a subject is both."""
    from casework.extensions import db
    from casework.services.case_filters import CaseFilters

    hr, cases = busy_council["hr"], busy_council["cases"]
    workflow.perform(cases[0], hr, "take_ownership", {}, version=cases[0].version)
    cases[1].owner_id = cases[1].subjects[0].id
    db.session.flush()
    db.session.expire_all()
    page = case_service.list_cases(hr, CaseFilters(), rows_only=True)
    assert len(page.items) == len(cases)
    for row in page.items:
        case = db.session.get(type(cases[0]), row.id)
        assert row.categories == sorted(case.categories), row.reference
        assert [(p.id, p.name) for p in row.subjects] == sorted(
            ((s.id, s.name) for s in case.subjects), key=lambda person: person[1]
        )
        listed_owner = (row.owner.id, row.owner.name) if row.owner else None
        assert listed_owner == ((case.owner.id, case.owner.name) if case.owner else None), row.reference
    assert any(row.owner for row in page.items) and any(len(row.subjects) == 2 for row in page.items)
