"""Search, sort and the owner and overdue filters of the case list, on the database (issue 11, 3).

The same tests run on SQLite (FTS5) and PostgreSQL (to_tsvector with GIN
indexes): `make test-postgres PYTEST_ARGS=tests/integration/test_case_search.py`.
Every test runs with each plan of the search forced (the matching cases read
first, or the list walked in its order and each case tested), so what a
search finds does not depend on the plan chosen.
"""

import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from casework.domain.policy import STAGE_LABELS, Stage, reporter_status, stages_with_status
from casework.extensions import db
from casework.models import utcnow
from casework.services import case_search
from casework.services.case_filters import NO_DEADLINE, SORT_LABELS, STAGE_ORDER, CaseFilters
from casework.services.case_search import LIST_ORDER, MATCHES_FIRST, reference_prefix, search_plan, search_words
from casework.services.cases import list_cases

# What people type that either database could read as search syntax, or that is not a word at all
AWKWARD_SEARCHES = [
    '"',
    '""',
    "*",
    "address*",
    "NEAR(",
    "NEAR(address resident",
    "NEAR(address resident, 2)",
    "-",
    "-address",
    ":",
    "description:",
    "description:address",
    "{description}: address",
    "address AND",
    "OR",
    "NOT address",
    "(",
    ")",
    "^address",
    "'",
    "\\",
    "%",
    "_",
    "a & b | !c",
    "address:*",
    "address <-> resident",
    "'); DROP TABLE cases; --",
    "SMC-%",
    "SMC-2026-_",
    "Zoë Ørsted",
    "İstanbul",
    "中文 名字",
    "ß",
    "x" * 200,
    "word " * 40,
]


# Matches first, chosen by counting (every count is below the threshold): on PostgreSQL the list reads the
# ids the count found
BY_IDS = "matches-first-by-ids"


def by_ids(monkeypatch):
    monkeypatch.setattr(case_search, "search_plan", SEARCH_PLAN)
    monkeypatch.setattr(case_search, "PLAN_THRESHOLD", 10**6)


SEARCH_PLAN = case_search.search_plan


@pytest.fixture(autouse=True, params=[MATCHES_FIRST, LIST_ORDER, BY_IDS])
def plan(request, monkeypatch):
    """The plan each search of the test uses, whatever the number of cases matching."""
    if request.param == BY_IDS:
        if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"):
            pytest.skip("the count gives the matching cases' ids on PostgreSQL")
        by_ids(monkeypatch)
        return MATCHES_FIRST
    monkeypatch.setattr(case_search, "search_plan", lambda *args, **kwargs: request.param)
    return request.param


@pytest.fixture
def council(db_session, make_department, make_user, make_case):
    """Two departments; a reporter and a colleague of hers; cases about employees, a contractor and a
    complaint from the public."""
    head = make_user("head_of_service", name="Hana Head")
    housing = make_department("Housing", head_of_service=head)
    parks = make_department("Parks")
    manager = make_user("manager", department=housing, name="Mo Manager")
    hr = make_user("hr", name="Harriet Human")
    rita = make_user(department=parks, name="Rita Reporter")
    colin = make_user(department=parks, name="Colin Colleague")
    sam = make_user(department=housing, line_manager=manager, name="Sam Okonkwo", password=None)
    priya = make_user(department=parks, name="Priya Patel", password=None)
    cal = make_user(department=housing, staff_type="contractor", name="Cal Contractor", password=None)
    cases = {
        "address": make_case(rita, subjects=[sam], description="Shared a resident's address in a Facebook group."),
        "hilltop": make_case(colin, subjects=[priya], description="Posted confidential minutes about Hilltop estate."),
        "depot": make_case(colin, subjects=[cal], description="Posted offensive memes filmed at the depot."),
        "complaint": make_case(
            manager,
            subjects=[sam],
            source="public_complaint",
            complainant_name="Dorothy Quayle",
            complainant_contact="dq@example.invalid",
            description="Replied rudely to a tenant on X.",
        ),
    }
    return {
        "head": head,
        "manager": manager,
        "hr": hr,
        "rita": rita,
        "colin": colin,
        "sam": sam,
        "priya": priya,
        "cases": cases,
        "housing": housing,
    }


def found(user, search, **filters) -> set[str]:
    """The keys of the fixture's cases that `search` finds for `user` (and the count agrees)."""
    result = list_cases(user, CaseFilters(search=search, **filters), per_page=100, count=True)
    assert result.total == len(result.items)
    return {case.reference for case in result.items}


def refs(council, *names) -> set[str]:
    return {council["cases"][name].reference for name in names}


def test_hr_finds_cases_by_reference_name_and_words_of_the_description(council):
    hr = council["hr"]
    address = council["cases"]["address"]
    assert found(hr, address.reference) == refs(council, "address")
    assert found(hr, address.reference.lower()) == refs(council, "address")
    assert found(hr, f"  {address.reference}  ") == refs(council, "address")
    assert address.reference[:-1] and address.reference in found(hr, address.reference[:-1])
    assert found(hr, "SMC") == refs(council, "address", "hilltop", "depot", "complaint")
    assert found(hr, "SMC-1999") == set()
    # A subject's name, whole or the beginnings of its words, in any order
    assert found(hr, "Okonkwo") == refs(council, "address", "complaint")
    assert found(hr, "okonk sam") == refs(council, "address", "complaint")
    assert found(hr, "Priya Patel") == refs(council, "hilltop")
    assert found(hr, "Priya Okonkwo") == set()  # every word in the one name
    # The reporter's name, and a complainant's from outside the council
    assert found(hr, "Colin") == refs(council, "hilltop", "depot")
    assert found(hr, "Quayle") == refs(council, "complaint")
    # Words of the description, as the beginnings of words; every word must be there
    assert found(hr, "Hilltop") == refs(council, "hilltop")
    assert found(hr, "hill confid") == refs(council, "hilltop")
    assert found(hr, "posted") == refs(council, "hilltop", "depot")
    assert found(hr, "posted depot") == refs(council, "depot")
    assert found(hr, "hilltop facebook") == set()
    assert found(hr, "resident's") == refs(council, "address")
    assert found(hr, "nothing like this") == set()


def test_a_search_finds_only_what_the_person_may_see(council):
    manager, head = council["manager"], council["head"]
    # The Housing manager sees the cases about Housing's people, not the Parks one
    assert found(manager, "posted") == refs(council, "depot")
    assert found(manager, "Hilltop") == set()
    assert found(manager, "Priya") == set()
    assert found(manager, council["cases"]["hilltop"].reference) == set()
    # The head of service sees only the contractor's case
    assert found(head, "posted") == refs(council, "depot")
    assert found(head, "Okonkwo") == set()
    assert found(head, "SMC") == refs(council, "depot")


@pytest.mark.parametrize("who", ["rita", "colin"])
def test_a_reporter_finds_only_their_own_reports_by_reference_and_what_they_wrote(council, who):
    """A reporter sees their report's reference, status and description, never who it was about as
    the case is handled: their search matches those and nothing of anyone else's."""
    reporter = council[who]
    own = {case.reference for case in council["cases"].values() if case.reporter_id == reporter.id}
    others = {case.reference for case in council["cases"].values()} - own
    assert found(reporter, "SMC") == own
    for case in council["cases"].values():
        expected = {case.reference} if case.reference in own else set()
        assert found(reporter, case.reference) == expected
        assert found(reporter, case.description) == expected
        for word in search_words(case.description):
            assert found(reporter, word) <= own
    # Names are never searched in a report seen only as its reporter: not the subjects', not anyone's
    for name in ("Okonkwo", "Sam", "Priya", "Patel", "Cal Contractor", "Quayle", "Rita", "Colin", "Mo Manager"):
        assert found(reporter, name) == set(), name
    assert not found(reporter, "posted") & others
    # Whatever the search, the count is of their own reports only
    for search in ("posted", "address", "Okonkwo", "Hilltop", "SMC", "depot", "tenant"):
        result = list_cases(reporter, CaseFilters(search=search), per_page=100, count=True)
        assert {case.reference for case in result.items} <= own
        assert result.total == len(result.items)


def test_the_index_follows_changes_to_descriptions_names_and_subjects(council, db_session):
    hr, hilltop = council["hr"], council["cases"]["hilltop"]
    hilltop.description = "Posted photos of the allotments without consent."
    db_session.flush()
    assert found(hr, "Hilltop") == set()
    assert found(hr, "allotments") == refs(council, "hilltop")
    council["priya"].name = "Priya Sharma"
    db_session.flush()
    assert found(hr, "Patel") == set()
    assert found(hr, "Sharma") == refs(council, "hilltop")
    hilltop.subjects.append(council["sam"])
    db_session.flush()
    assert found(hr, "Okonkwo") == refs(council, "address", "complaint", "hilltop")
    # A case anonymised by retention no longer answers to what it held
    complaint = council["cases"]["complaint"]
    complaint.description = "[anonymised]"
    complaint.complainant_name = None
    db_session.flush()
    assert found(hr, "Quayle") == set()
    assert found(hr, "tenant") == set()
    if db.session.get_bind().dialect.name == "sqlite":
        for table in ("case_text_search", "user_name_search"):
            db_session.execute(text(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)"))


def test_cases_and_people_added_with_plain_sql_are_found(council, db_session):
    """Bulk loads (the benchmark, an import) bypass the models: the database keeps the index in step."""
    hr = council["hr"]
    db_session.execute(text("UPDATE users SET name = 'Priya Ramanathan' WHERE id = :id"), {"id": council["priya"].id})
    db_session.execute(
        text("UPDATE cases SET description = 'Streamed a council meeting live' WHERE id = :id"),
        {"id": council["cases"]["hilltop"].id},
    )
    db_session.expire_all()
    assert found(hr, "Ramanathan streamed") == set()  # a name and a description are matched apart
    assert found(hr, "Ramanathan") == refs(council, "hilltop")
    assert found(hr, "streamed meeting") == refs(council, "hilltop")


@pytest.mark.parametrize("search", AWKWARD_SEARCHES)
def test_search_syntax_and_odd_text_are_only_words(council, search):
    for who in ("hr", "rita", "manager"):
        result = list_cases(council[who], CaseFilters(search=search), per_page=100, count=True)
        assert result.total == len(result.items)
    assert found(council["hr"], search.replace("address", "Hilltop")) <= refs(council, "hilltop", "address")


def test_quotes_stars_and_operators_between_words_are_ignored(council):
    hr = council["hr"]
    for search in ('"Hilltop"', "Hilltop*", "NEAR(Hilltop", "-Hilltop", "Hilltop:", "(Hilltop)", "Hilltop AND"):
        expected = refs(council, "hilltop")
        if search in ("Hilltop AND", "NEAR(Hilltop"):
            expected = set()  # "and" and "near" are words too, not in that description
        assert found(hr, search) == expected, search


def test_a_search_of_only_punctuation_finds_nothing_and_a_blank_one_is_no_search(council):
    hr = council["hr"]
    assert found(hr, '"*:-') == set()
    assert found(hr, "   ") == refs(council, "address", "hilltop", "depot", "complaint")


# --- sorts, keyset pages and the owner and overdue filters -----------------------------------------------------


@pytest.fixture
def desk(db_session, make_department, make_user, make_case):
    """A Housing manager's desk: cases of theirs at every stage with and without deadlines, owned by them, by
    another or nobody, and reports of theirs about people elsewhere (seen only as their reporter)."""
    housing, parks = make_department("Housing"), make_department("Parks")
    manager = make_user("manager", department=housing, name="Mo Manager")
    other = make_user("manager", department=housing, name="Olu Other")
    subject = make_user(department=housing, password=None)
    elsewhere = make_user(department=parks, password=None)
    now = utcnow()
    stages = list(Stage)
    cases = []
    for n in range(14):
        case = make_case(manager, subjects=[subject], description=f"Case number {n} about a post")
        case.stage = stages[n % len(stages)]
        case.created_at = datetime(2026, 5, 1, 9, tzinfo=UTC) + timedelta(hours=n * 7 % 11, minutes=n)
        case.owner_id = (manager.id, other.id, None)[n % 3]
        case.next_deadline_at = None if n % 4 == 0 else now + timedelta(days=(n % 5) - 2, hours=1)
        case.next_deadline_label = None if case.next_deadline_at is None else "Investigation"
        cases.append(case)
    cases[1].next_deadline_at = cases[2].next_deadline_at  # a tie, broken by id
    reports = [make_case(manager, subjects=[elsewhere], description=f"Report {n} about a post") for n in range(4)]
    for n, case in enumerate(reports):
        case.stage = stages[(n * 3) % len(stages)]
        case.next_deadline_at = now - timedelta(days=3)
    db_session.flush()
    return {"manager": manager, "cases": cases, "reports": reports, "now": now}


def walk(user, filters, sort, per_page=3) -> tuple[list[str], list[str]]:
    """Every page forwards by Next, then back again by Previous from the last page."""
    forwards, page = [], list_cases(user, filters, per_page=per_page, sort=sort)
    pages = [page]
    while page.next_after:
        page = list_cases(user, filters, after=page.next_after, per_page=per_page, sort=sort)
        pages.append(page)
    for page in pages:
        forwards += [case.reference for case in page.items]
    backwards = [case.reference for case in page.items]
    while page.previous_before:
        page = list_cases(user, filters, before=page.previous_before, per_page=per_page, sort=sort)
        backwards = [case.reference for case in page.items] + backwards
    assert len(pages) > 1
    return forwards, backwards


@pytest.mark.parametrize("sort", list(SORT_LABELS))
def test_next_and_previous_walk_every_sort_order_without_losing_or_repeating_a_case(desk, sort):
    manager = desk["manager"]
    everything = [case.reference for case in list_cases(manager, CaseFilters(), per_page=100, sort=sort).items]
    assert len(everything) == len(desk["cases"]) + len(desk["reports"])
    forwards, backwards = walk(manager, CaseFilters(), sort)
    assert forwards == everything
    assert backwards == everything
    searched = [
        case.reference for case in list_cases(manager, CaseFilters(search="post"), per_page=100, sort=sort).items
    ]
    assert walk(manager, CaseFilters(search="post"), sort)[0] == searched


def test_next_deadline_first_puts_the_soonest_first_and_cases_without_one_last(desk):
    manager = desk["manager"]
    listed = list_cases(manager, CaseFilters(), per_page=100, sort="deadline").items
    by_reference = {case.reference: case for case in desk["cases"] + desk["reports"]}
    reports = {case.reference for case in desk["reports"]}

    def key(case):
        # A report seen only as its reporter shows no deadline, so it sorts with those that have none
        due = NO_DEADLINE if case.reference in reports or case.next_deadline_at is None else case.next_deadline_at
        return (due, case.id)

    assert [c.reference for c in listed] == [c.reference for c in sorted(by_reference.values(), key=key)]
    assert listed[-1].reference in reports | {c.reference for c in desk["cases"] if c.next_deadline_at is None}


def test_the_stage_sort_follows_the_workflow(desk):
    manager = desk["manager"]
    listed = list_cases(manager, CaseFilters(), per_page=100, sort="stage")
    reports = {case.id for case in desk["reports"]}
    ranks = []
    for case in listed.items:
        if case.id in reports:
            assert case.id not in listed.full_view
            # a report seen only as its reporter ranks as the first stage of the status they are shown
            ranks.append(min(STAGE_ORDER[s] for s in stages_with_status(reporter_status(case.stage))))
        else:
            ranks.append(STAGE_ORDER[case.stage])
    assert ranks == sorted(ranks)
    assert list(STAGE_ORDER) == list(STAGE_LABELS)


def test_the_owner_filter(desk, make_user):
    manager = desk["manager"]
    mine = {c.reference for c in desk["cases"] if c.owner_id == manager.id}
    nobody = {c.reference for c in desk["cases"] if c.owner_id is None}
    assert {c.reference for c in list_cases(manager, CaseFilters(owner="mine"), per_page=100).items} == mine
    assert {c.reference for c in list_cases(manager, CaseFilters(owner="unassigned"), per_page=100).items} == nobody
    with pytest.raises(ValueError):
        list_cases(manager, CaseFilters(owner="everyone"))


def test_the_overdue_filter_counts_open_cases_past_their_next_deadline(desk):
    manager, now = desk["manager"], desk["now"]
    overdue = {
        c.reference
        for c in desk["cases"]
        if c.stage != Stage.CLOSED and c.next_deadline_at is not None and c.next_deadline_at < now
    }
    assert overdue
    listed = {c.reference for c in list_cases(manager, CaseFilters(overdue=True), per_page=100).items}
    assert listed == overdue  # never the reports, whose deadlines their reporter is not shown
    not_overdue = {c.reference for c in desk["cases"]} - overdue
    assert {c.reference for c in list_cases(manager, CaseFilters(overdue=False), per_page=100).items} == not_overdue


def test_the_overdue_filter_compares_with_the_time_each_list_is_asked_for(desk, db_session):
    """The list's statement is built once and kept: the time it compares deadlines with is not."""
    import time

    manager = desk["manager"]
    case = next(c for c in desk["cases"] if c.stage != Stage.CLOSED and c.owner_id == manager.id)
    case.next_deadline_at = utcnow() + timedelta(seconds=1)
    db_session.commit()
    assert case.reference not in {c.reference for c in list_cases(manager, CaseFilters(overdue=True)).items}
    time.sleep(1.2)
    overdue = list_cases(manager, CaseFilters(overdue=True), per_page=100).items
    not_overdue = list_cases(manager, CaseFilters(overdue=False), per_page=100).items
    assert case.reference in {c.reference for c in overdue}
    assert case.reference not in {c.reference for c in not_overdue}


def test_a_page_key_of_one_sort_order_is_not_read_as_another(desk):
    manager = desk["manager"]
    first = list_cases(manager, CaseFilters(), per_page=3, sort="stage")
    assert first.next_after
    # A stage key given to the newest-first list starts it from the beginning
    again = list_cases(manager, CaseFilters(), after=first.next_after, per_page=3, sort="newest")
    assert again.items == list_cases(manager, CaseFilters(), per_page=3, sort="newest").items


def test_the_triggers_that_keep_the_search_in_step_exist_at_the_head_revision(db_session):
    """A migration that rebuilds `cases` or `users` on SQLite drops their triggers: it must make them again."""
    if db.session.get_bind().dialect.name != "sqlite":
        indexes = set(
            db_session.scalars(
                text(
                    "SELECT indexname FROM pg_indexes WHERE indexname IN ('ix_cases_description_search', "
                    "'ix_cases_complainant_search', 'ix_users_name_search', 'ix_cases_reference_prefix')"
                )
            )
        )
        assert len(indexes) == 4
        return
    triggers = set(db_session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
    for table in ("case_text_search", "user_name_search"):
        assert {f"{table}_insert", f"{table}_update", f"{table}_delete"} <= triggers


def test_postgresql_connections_do_not_compile_queries_just_in_time(db_session):
    """Compiling a searched list's filters took over a second of a query that runs in milliseconds."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    assert db_session.scalar(text("SHOW jit")) == "off"


# --- the two plans ----------------------------------------------------------------------------------------------


def listed(user, search, sort, per_page=100) -> list[str]:
    return [case.reference for case in list_cases(user, CaseFilters(search=search), per_page=per_page, sort=sort).items]


@pytest.mark.parametrize("plan", [None])  # each plan is forced here, in turn
@pytest.mark.parametrize("sort", list(SORT_LABELS))
def test_both_plans_find_the_same_cases_in_the_same_order(council, desk, monkeypatch, plan, sort):
    """Reading the matches first and testing each case in the list's order give the same list and pages,
    for every kind of search, person and sort order."""
    searches = [
        "post",
        "posted depot",
        "okonk sam",
        "Quayle",
        "SMC",
        "Mo Manager",
        council["cases"]["address"].reference,
    ]
    people = [council["hr"], council["rita"], desk["manager"]]
    answers = {}
    # On SQLite the list order looks a word up as the whole words of the index it begins, or as a prefix
    for forced, expanded in ((MATCHES_FIRST, 12), (LIST_ORDER, 12), ("prefixes", 0), (BY_IDS, 12)):
        monkeypatch.setattr(case_search, "EXPANSION_MAX", expanded)
        if forced == BY_IDS:
            by_ids(monkeypatch)
        else:
            plan = LIST_ORDER if forced == "prefixes" else forced
            monkeypatch.setattr(case_search, "search_plan", lambda *args, plan=plan, **kwargs: plan)
        answers[forced] = [
            (listed(person, search, sort), walk(person, CaseFilters(search=search), sort, per_page=2)[0])
            for person in people
            for search in searches
            if listed(person, search, sort)[2:]  # enough for more than one page
        ] + [listed(person, search, sort) for person in people for search in searches]
    assert answers[MATCHES_FIRST] == answers[LIST_ORDER] == answers["prefixes"] == answers[BY_IDS]
    assert any(answers[LIST_ORDER][-len(people) * len(searches) :])


@pytest.mark.parametrize("plan", [None])  # the plan is chosen, not forced
def test_the_plan_is_the_list_order_when_many_cases_match(council, monkeypatch, plan):
    monkeypatch.setattr(case_search, "PLAN_THRESHOLD", 3)

    def plan_for(text):
        return search_plan(search_words(text), reference_prefix(text))

    assert plan_for("posted") == MATCHES_FIRST  # two cases
    assert plan_for("Okonkwo") == MATCHES_FIRST  # a subject of two cases
    assert plan_for("Quayle") == MATCHES_FIRST
    assert plan_for("SMC") == LIST_ORDER  # every reference
    assert plan_for("a") == LIST_ORDER  # the beginning of words in every case
    assert plan_for("Sam") == MATCHES_FIRST
    # Chosen, the plan finds what the forced plans find
    hr = council["hr"]
    assert found(hr, "SMC") == refs(council, "address", "hilltop", "depot", "complaint")
    assert found(hr, "posted") == refs(council, "hilltop", "depot")
    # On PostgreSQL the count gives the ids of the few cases it counted, and the list reads them by id
    expected = {council["cases"][name].id for name in ("hilltop", "depot")}
    if db.session.get_bind().dialect.name == "postgresql":
        assert set(plan_for("posted").ids) == expected
    else:
        assert getattr(plan_for("posted"), "ids", None) is None


@pytest.mark.parametrize("plan", [None])  # the plan is chosen, not forced
def test_a_searched_lists_statement_is_kept_and_finds_what_matches_when_it_runs(council, make_case, monkeypatch, plan):
    """The statement is built once for a search and its plan; what it finds is found each time it runs (on
    PostgreSQL the ids the count found are a bound value of it)."""
    from casework.services import cases

    hr = council["hr"]
    cases._searched_page_statement.cache_clear()
    first = make_case(council["colin"], subjects=[council["priya"]], description="Left a leaflet on every desk.")
    assert found(hr, "leaflet") == {first.reference}
    second = make_case(council["rita"], subjects=[council["sam"]], description="Posted the leaflet online.")
    assert found(hr, "leaflet") == {first.reference, second.reference}
    kept = cases._searched_page_statement.cache_info()
    assert (kept.hits, kept.currsize) == (1, 1), kept
    # Another plan is another statement
    monkeypatch.setattr(case_search, "PLAN_THRESHOLD", 1)
    assert found(hr, "leaflet") == {first.reference, second.reference}
    assert cases._searched_page_statement.cache_info().currsize == 2
