"""Search, sort and the new filters of the Cases page and GET /api/v1/cases (issue 11, 3).

A reporter's search finds only their own reports and says nothing of anyone
else's: the page for a search of a colleague's name, words or reference is
the page for a search of nonsense.
"""

import html
import re
from datetime import timedelta

import pytest

from casework.models import utcnow
from casework.services.case_filters import SORT_LABELS

from .test_api_errors import error_of
from .test_api_fixtures import Api, api_fixture, case_row, council_fixture  # noqa: F401  (fixtures)

REFERENCE = re.compile(r">(SMC-\d{4}-\d{5})<")
ODD_SEARCHES = [
    "\x00",
    "\x01hello",
    '"',
    "*",
    "NEAR(",
    "NEAR(a b, 3)",
    "-",
    ":",
    "a:b",
    "{description}: x",
    "'; --",
    "%_",
    "x:* & !y",
]


@pytest.fixture
def desk(api: Api, council, db_session, make_user):
    """Rita and Colin each report people in Housing; a complaint from the public; owners and deadlines."""
    p = council
    colin = make_user(department=p["housing"], name="Colin Colleague")
    priya = make_user(department=p["housing"], line_manager=p["manager"], name="Priya Patel", password=None)
    rita_case = api.report(
        p["reporter"], subjects=[p["subject"].email], description="Shared a resident's address online."
    )["reference"]
    colin_case = api.report(
        colin, subjects=[priya.email], description="Posted confidential minutes about Hilltop estate."
    )["reference"]
    api.act(p["manager"], colin_case, "take_ownership")
    row = case_row(db_session, colin_case)
    row.next_deadline_at = utcnow() - timedelta(days=2)
    row.next_deadline_label = "Investigation"
    db_session.commit()
    return {**p, "colin": colin, "priya": priya, "rita_case": rita_case, "colin_case": colin_case}


def page(client, query: str) -> str:
    response = client.get(f"/cases?{query}")
    assert response.status_code == 200, query
    return response.get_data(as_text=True)


def listed(client, query: str) -> list[str]:
    return REFERENCE.findall(page(client, query))


def test_hr_searches_and_sees_subject_owner_and_next_deadline(client, login_as, desk):
    login_as(desk["hr"])
    assert listed(client, "q=Priya") == [desk["colin_case"]]
    assert listed(client, "q=hilltop+estate") == [desk["colin_case"]]
    assert listed(client, f"q={desk['rita_case'].lower()}") == [desk["rita_case"]]
    body = page(client, "q=Priya")
    for heading in ("Subject", "Owner", "Next deadline"):
        assert f">{heading}</th>" in body
    assert "Priya Patel" in body and "Mo Manager" in body and "Overdue" in body and "Investigation" in body
    assert 'value="Priya"' in body  # the search stays in its box
    assert "1 case<" in body
    assert "No cases match your search" in page(client, "q=zebra")


def test_the_owner_and_overdue_filters_on_the_page(client, login_as, desk):
    login_as(desk["manager"])
    assert listed(client, "owner=mine") == [desk["colin_case"]]
    assert listed(client, "owner=unassigned") == [desk["rita_case"]]
    assert listed(client, "overdue=true") == [desk["colin_case"]]
    assert listed(client, "overdue=false") == [desk["rita_case"]]
    assert sorted(listed(client, "sort=deadline")) == sorted([desk["rita_case"], desk["colin_case"]])
    assert listed(client, "sort=deadline")[0] == desk["colin_case"]  # the one with a deadline first


@pytest.mark.parametrize("sort", list(SORT_LABELS))
def test_next_and_previous_links_page_through_every_sort(client, login_as, api, council, app, monkeypatch, sort):
    references = [api.report(council["reporter"], subjects=[council["subject"].email])["reference"] for _ in range(5)]
    monkeypatch.setitem(app.config, "CASES_PER_PAGE", 2)
    login_as(council["hr"])
    monkeypatch.setitem(app.config, "CASES_PER_PAGE", 100)
    everything = listed(client, f"sort={sort}")
    monkeypatch.setitem(app.config, "CASES_PER_PAGE", 2)
    seen, query, pages = [], f"sort={sort}&q=SMC", 0
    while True:
        body = page(client, query)
        seen += REFERENCE.findall(body)
        pages += 1
        following = re.search(r'<a class="govuk-link govuk-pagination__link" href="/cases\?([^"]+)" rel="next">', body)
        if not following:
            break
        query = html.unescape(following.group(1))
        assert f"sort={sort}" in query or sort == "newest"
        assert "q=SMC" in query
    assert seen == everything and sorted(seen) == sorted(references) and pages == 3
    back = []
    while True:
        previous = re.search(r'<a class="govuk-link govuk-pagination__link" href="/cases\?([^"]+)" rel="prev">', body)
        if not previous:
            break
        body = page(client, html.unescape(previous.group(1)))
        back = REFERENCE.findall(body) + back
    assert back == everything[: len(everything) - len(REFERENCE.findall(page(client, query)))]


def _without_the_search(body: str, search: str) -> str:
    """The page with the words of the search taken out (it is echoed in the box and in the links)."""
    body = re.sub(r'name="csrf_token" value="[^"]*"', "", body)
    body = re.sub(r'nonce="[^"]*"', "", body)
    return body.replace(html.escape(search, quote=True), "SEARCH").replace(search, "SEARCH")


def test_a_reporters_search_finds_only_their_own_reports_and_tells_nothing_else(client, login_as, desk):
    login_as(desk["reporter"])
    assert listed(client, "q=address") == [desk["rita_case"]]
    assert listed(client, f"q={desk['rita_case']}") == [desk["rita_case"]]
    assert listed(client, "q=SMC") == [desk["rita_case"]]
    nothing = _without_the_search(page(client, "q=zxqv"), "zxqv")
    assert "No cases match your search" in nothing and "Cases 1 to" not in nothing
    colleague = desk["colin_case"]
    for search in (
        "Priya",
        "Priya Patel",
        "Colin",
        "Hilltop",
        "confidential minutes",
        colleague,
        colleague[:-1],
        "Sam Subject",  # the person Rita reported: the reporter's view does not name them
        "Mo Manager",
    ):
        body = page(client, "q=" + search)
        own = [desk["rita_case"]] if desk["rita_case"].startswith(search) else []
        assert REFERENCE.findall(body) == own, search
        if not own:
            assert _without_the_search(body, search) == nothing, search


def test_a_reporters_api_search_finds_only_their_own_reports(api: Api, desk):
    def found(user, query):
        response = api.get(user, f"/cases?{query}")
        assert response.status_code == 200, response.get_json()
        return [item["reference"] for item in response.get_json()["items"]]

    rita = desk["reporter"]
    assert found(rita, "q=address") == [desk["rita_case"]]
    for search in ("Priya", "Colin", "Hilltop", desk["colin_case"], "Sam", "Mo"):
        assert found(rita, f"q={search}") == [], search
    assert found(rita, "owner=mine") == [] and found(rita, "overdue=true") == []
    assert found(desk["hr"], "q=Priya") == [desk["colin_case"]]
    assert found(desk["manager"], "q=Quayle") == []


def test_the_api_searches_sorts_and_filters(api: Api, desk):
    hr, manager = desk["hr"], desk["manager"]

    def found(user, query):
        response = api.get(user, f"/cases?{query}")
        assert response.status_code == 200, response.get_json()
        return [item["reference"] for item in response.get_json()["items"]]

    assert found(hr, "q=hilltop") == [desk["colin_case"]]
    assert found(hr, f"q={desk['rita_case']}") == [desk["rita_case"]]
    assert found(manager, "owner=mine") == [desk["colin_case"]]
    assert found(manager, "owner=unassigned") == [desk["rita_case"]]
    assert found(manager, "overdue=true") == [desk["colin_case"]]
    assert found(manager, "overdue=false") == [desk["rita_case"]]
    assert found(manager, "sort=deadline") == [desk["colin_case"], desk["rita_case"]]
    assert found(manager, "sort=stage") == [desk["rita_case"], desk["colin_case"]]  # reported before assessment
    for search in ODD_SEARCHES:
        assert api.get(hr, "/cases", query_string={"q": search}).status_code == 200, search


@pytest.mark.parametrize("sort", list(SORT_LABELS))
def test_the_api_cursor_pages_through_every_sort(api: Api, council, sort):
    for _ in range(5):
        api.report(council["reporter"], subjects=[council["subject"].email])
    everything = [item["reference"] for item in api.get(council["hr"], f"/cases?sort={sort}").get_json()["items"]]
    seen, cursor = [], None
    while True:
        body = api.get(
            council["hr"], f"/cases?sort={sort}&limit=2" + (f"&cursor={cursor}" if cursor else "")
        ).get_json()
        seen += [item["reference"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
        other = "stage" if sort != "stage" else "newest"
        error = error_of(api.get(council["hr"], f"/cases?sort={other}&cursor={cursor}"), 400, "bad_request", "cursor")
        assert f"sort={sort}" in error["fields"]["cursor"]
    assert seen == everything and len(seen) == 5


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("sort=sideways", "sort", "Must be one of: newest, oldest, updated, deadline, stage"),
        ("overdue=banana", "overdue", "Must be true or false"),
        ("overdue=TRUE", "overdue", "Must be true or false"),
        ("owner=everyone", "owner", "Must be one of: mine, unassigned"),
        ("q=" + "x" * 10_000, "q", "Must be 200 characters or fewer"),
    ],
)
def test_bad_search_sort_and_filter_values_are_a_400_naming_the_parameter(api: Api, council, query, field, message):
    error = error_of(api.get(council["hr"], f"/cases?{query}"), 400, "bad_request", field)
    assert error["fields"][field] == message


def test_bad_values_on_the_page_are_told_or_ignored_never_an_error_page(client, login_as, desk):
    login_as(desk["hr"])
    response = client.get("/cases?q=" + "x" * 10_000)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<title>Error: Cases" in body and "Search must be 200 characters or fewer" in body
    assert 'href="#q"' in body and REFERENCE.findall(body) == []
    assert sorted(listed(client, "sort=sideways&overdue=banana&owner=everyone")) == sorted(
        [desk["rita_case"], desk["colin_case"]]
    )
    for search in ODD_SEARCHES:
        assert client.get("/cases", query_string={"q": search}).status_code == 200, search


@pytest.mark.parametrize("who", ["hr", "manager", "reporter", "head"])
def test_a_search_with_every_filter_and_sort_runs_a_bounded_number_of_statements(
    client, login_as, desk, db_session, app, monkeypatch, who
):
    login_as(desk[who])
    for sort in SORT_LABELS:
        for per_page in (1, 20):
            monkeypatch.setitem(app.config, "CASES_PER_PAGE", per_page)
            db_session.expire_all()
            response = client.get(f"/cases?q=a&owner=mine&overdue=false&sort={sort}&department={desk['housing'].id}")
            assert response.status_code == 200
            assert len(client.statements) <= 12, sort
            db_session.expire_all()
            client.get(f"/cases?q=Priya&sort={sort}")
            assert len(client.statements) <= 12, sort
