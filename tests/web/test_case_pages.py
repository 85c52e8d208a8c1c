"""The case list, "My reports" and the case page: only what each person may see (design §4)."""

import re

import pytest
from sqlalchemy import func, select

from casework.models import AccessLog, CaseEvent, Note


@pytest.fixture
def council(make_department, make_user, make_case, db_session):
    """Two departments, their people, and a few cases."""

    person = make_user

    head = person("head_of_service", name="Hana Head")
    housing = make_department("Housing", head_of_service=head)
    parks = make_department("Parks")
    people = {
        "head": head,
        "housing": housing,
        "parks": parks,
        "housing_manager": person("manager", department=housing, name="Hugo Housing-Manager"),
        "parks_manager": person("manager", department=parks, name="Pat Parks-Manager"),
        "hr": person("hr", name="Harriet HR"),
        "admin": person("admin", department=housing, name="Ada Admin"),
        "reporter": person(department=parks, name="Rhys Reporter"),
        "bystander": person(department=housing, name="Bea Bystander"),
    }
    people["subject"] = person(department=housing, line_manager=people["housing_manager"], name="Sam Subject")
    people["contractor"] = make_user(department=housing, staff_type="contractor", password=None, name="Cal Contractor")
    people["parks_subject"] = make_user(department=parks, password=None, name="Paula Parks-Subject")
    people["housing_case"] = make_case(
        people["reporter"], subjects=[people["subject"]], description="Shared a resident's letter."
    )
    people["parks_case"] = make_case(
        people["reporter"], subjects=[people["parks_subject"]], categories=["political"], platform="x"
    )
    people["contractor_case"] = make_case(
        people["reporter"], subjects=[people["contractor"]], categories=["inappropriate_content"]
    )
    people["abuse_case"] = make_case(people["bystander"], kind="abuse", categories=["threats"])
    return people


def references_on(html: str) -> set[str]:
    return set(re.findall(r'href="/cases/(SMC-\d{4}-\d{5})"', html))


def listed(client, query: str = "") -> set[str]:
    response = client.get("/cases" + query)
    assert response.status_code == 200
    return references_on(response.get_data(as_text=True))


def refs(council, *names) -> set[str]:
    return {council[name].reference for name in names}


# --- the list --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "visible"),
    [
        ("housing_manager", ("housing_case", "contractor_case", "abuse_case")),
        ("parks_manager", ("parks_case",)),
        ("hr", ("housing_case", "parks_case", "contractor_case", "abuse_case")),
        ("head", ("contractor_case",)),
        ("admin", ()),
        ("reporter", ("housing_case", "parks_case", "contractor_case")),
        ("bystander", ("abuse_case",)),
        ("subject", ()),
    ],
)
def test_the_list_shows_only_the_cases_each_person_may_see(client, council, login_as, viewer, visible):
    login_as(council[viewer])
    assert listed(client) == refs(council, *visible)


def test_a_reporter_sees_their_reports_in_the_list_as_their_report(client, council, login_as):
    login_as(council["reporter"])
    html = client.get("/cases").get_data(as_text=True)
    rows = re.findall(r'<tr class="govuk-table__row"[^>]*>(.*?)</tr>', html, re.S)[1:]
    assert len(rows) == 3
    for row in rows:
        assert "Your report" in row and "Received" in row
        assert "govuk-tag" not in row  # no internal stage


def test_filters_narrow_the_list(client, council, login_as, db_session):
    council["parks_case"].stage = "assessment"
    db_session.flush()
    login_as(council["hr"])
    everything = refs(council, "housing_case", "parks_case", "contractor_case", "abuse_case")
    assert listed(client, "?stage=assessment") == refs(council, "parks_case")
    assert listed(client, "?stage=reported") == everything - refs(council, "parks_case")
    assert listed(client, "?kind=abuse") == refs(council, "abuse_case")
    assert listed(client, "?kind=breach") == everything - refs(council, "abuse_case")
    assert listed(client, "?category=political") == refs(council, "parks_case")
    assert listed(client, "?category=threats") == refs(council, "abuse_case")
    assert listed(client, f"?department={council['parks'].id}") == refs(council, "parks_case")
    assert listed(client, f"?department={council['housing'].id}&category=inappropriate_content") == refs(
        council, "contractor_case"
    )
    assert listed(client, "?kind=abuse&stage=assessment") == set()


def test_filters_never_widen_what_a_person_may_see(client, council, login_as):
    login_as(council["parks_manager"])
    assert listed(client, f"?department={council['housing'].id}") == set()
    assert listed(client, "?kind=abuse") == set()


@pytest.mark.parametrize(
    "query",
    [
        "?stage=nonsense",
        "?kind=<script>",
        "?category=%00",
        "?department=abc",
        "?page=abc",
        "?page=-3",
        "?page=0",
        "?page=99999999999999999999999",
        "?department=99999999999999999999999",
        "?page=1e9",
        "?after=abc",
        "?after=20260101000000000000-0",
        "?after=99999999999999999999-1",
        "?before=20261301000000000000-5",
        "?before=" + "9" * 200,
        "?after=20260101000000000000-99999999999999999999",
    ],
)
def test_odd_filters_are_ignored_not_errors(client, council, login_as, query):
    login_as(council["hr"])
    assert client.get("/cases" + query).status_code == 200


def pages_of(client, query: str = "") -> list[set[str]]:
    """The references of every page of the list, following "Next" from the first."""
    pages, path = [], "/cases" + query
    while path:
        html = client.get(path).get_data(as_text=True)
        pages.append(references_on(html))
        older = re.search(r'<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next">', html)
        path = older.group(1).replace("&amp;", "&") if older else None
        assert len(pages) < 20
    return pages


def test_the_list_is_paginated(client, council, login_as, make_case, app, monkeypatch):
    monkeypatch.setitem(app.config, "CASES_PER_PAGE", 3)
    more = [make_case(council["reporter"], subjects=[council["subject"]]) for _ in range(4)]
    login_as(council["housing_manager"])
    visible = refs(council, "housing_case", "contractor_case", "abuse_case") | {c.reference for c in more}
    assert len(visible) == 7
    pages = pages_of(client)
    assert [len(p) for p in pages] == [3, 3, 1]
    assert set().union(*pages) == visible
    first = client.get("/cases").get_data(as_text=True)
    assert "Cases 1 to 3, more on the next page" in first
    assert 'rel="next"' in first and 'rel="prev"' not in first


def test_older_and_newer_pages_lead_back_and_forth(client, council, login_as, make_case, app, monkeypatch):
    monkeypatch.setitem(app.config, "CASES_PER_PAGE", 3)
    for _ in range(4):
        make_case(council["reporter"], subjects=[council["subject"]])
    login_as(council["housing_manager"])
    pages = pages_of(client)
    last = client.get("/cases").get_data(as_text=True)
    path = None
    for _ in range(2):  # to the last page
        path = re.search(r'href="([^"]+)" rel="next"', last).group(1).replace("&amp;", "&")
        last = client.get(path).get_data(as_text=True)
    assert 'rel="next"' not in last
    back = re.search(r'href="([^"]+)" rel="prev"', last).group(1).replace("&amp;", "&")
    middle = client.get(back).get_data(as_text=True)
    assert references_on(middle) == pages[1]
    back = re.search(r'href="([^"]+)" rel="prev"', middle).group(1).replace("&amp;", "&")
    first = client.get(back).get_data(as_text=True)
    assert references_on(first) == pages[0]
    assert 'rel="prev"' not in first


def test_pagination_keeps_the_filters(client, council, login_as, make_case, app, monkeypatch):
    monkeypatch.setitem(app.config, "CASES_PER_PAGE", 1)
    login_as(council["hr"])
    html = client.get("/cases?kind=breach").get_data(as_text=True)
    assert re.search(r'href="/cases\?[^"]*after=[^"]*kind=breach|href="/cases\?[^"]*kind=breach[^"]*after=', html)
    assert pages_of(client, "?kind=breach") == [{case} for case in sorted_newest_first(council, "breach")]


def sorted_newest_first(council, kind):
    cases = [c for c in council.values() if hasattr(c, "reference") and c.kind == kind]
    return [c.reference for c in sorted(cases, key=lambda c: (c.created_at, c.id), reverse=True)]


@pytest.mark.parametrize("sort", ["oldest", "updated"])
def test_every_sort_order_pages_through_every_case_once(client, council, login_as, make_case, app, monkeypatch, sort):
    monkeypatch.setitem(app.config, "CASES_PER_PAGE", 2)
    for _ in range(3):
        make_case(council["reporter"], subjects=[council["subject"]])
    login_as(council["hr"])
    pages = pages_of(client, f"?sort={sort}")
    everything = listed(client, f"?sort={sort}&kind=breach") | listed(client, f"?sort={sort}&kind=abuse")
    assert [len(p) for p in pages] == [2, 2, 2, 1]
    assert set().union(*pages) == pages_of_all(client)
    assert len(everything) <= 4  # each kind's first page


def pages_of_all(client):
    return set().union(*pages_of(client))


def count_line(html: str) -> str:
    return re.search(r'<p class="govuk-body">((?:\d+ cases?|Cases [\d,]+ to [\d,]+)[^<]*)</p>', html).group(1)


def test_each_page_says_which_cases_it_shows_without_counting_them_all(
    client, council, login_as, make_case, app, monkeypatch
):
    monkeypatch.setitem(app.config, "CASES_PER_PAGE", 3)
    for _ in range(4):
        make_case(council["reporter"], subjects=[council["subject"]])
    login_as(council["hr"])
    total = len(pages_of_all(client))
    assert total > 6
    lines, path, backs = [], "/cases", []
    while path:
        html = client.get(path).get_data(as_text=True)
        lines.append(count_line(html))
        back = re.search(r'<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="prev">', html)
        backs.append(back.group(1).replace("&amp;", "&") if back else None)
        older = re.search(r'<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next">', html)
        path = older.group(1).replace("&amp;", "&") if older else None
    assert lines[0] == "Cases 1 to 3, more on the next page"
    assert lines[1] == "Cases 4 to 6, more on the next page"
    last_start = 3 * (len(lines) - 1) + 1
    assert lines[-1] == f"Cases {last_start} to {total}"
    # Previous from the second page is the first page again, numbered from 1
    assert count_line(client.get(backs[1]).get_data(as_text=True)) == "Cases 1 to 3, more on the next page"
    assert count_line(client.get(backs[2]).get_data(as_text=True)) == "Cases 4 to 6, more on the next page"
    # a list on one page says how many; a number typed in the address cannot make the first page start elsewhere
    assert count_line(client.get("/cases?category=political").get_data(as_text=True)) == "1 case"
    assert count_line(client.get("/cases?start=50").get_data(as_text=True)).startswith("Cases 1 to 3")
    assert "cases on this page" in client.get(path_with_nonsense_start(backs[2])).get_data(as_text=True)


def path_with_nonsense_start(path: str) -> str:
    return re.sub(r"start=\d+", "start=nonsense", path)


def test_the_list_page_does_not_count_every_visible_case(client, council, login_as, app):
    from sqlalchemy import event

    from casework.extensions import db

    login_as(council["hr"])
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get("/cases?kind=breach").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert not [s for s in statements if "count(*)" in s and "FROM cases" in s.replace("\n", " ")]


# --- the case page ---------------------------------------------------------------------------


def access_count(session, case=None, user=None) -> int:
    query = select(func.count()).select_from(AccessLog)
    if case is not None:
        query = query.where(AccessLog.case_id == case.id)
    if user is not None:
        query = query.where(AccessLog.user_id == user.id)
    return session.scalar(query)


def test_a_manager_sees_the_full_case_and_its_chronology(client, council, login_as):
    login_as(council["housing_manager"])
    case = council["housing_case"]
    response = client.get(f"/cases/{case.reference}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"Case {case.reference}" in html
    assert "Sam Subject" in html
    assert "Rhys Reporter" in html
    assert "Shared a resident&#39;s letter." in html
    assert "Chronology" in html and "Reported" in html


def test_the_head_of_service_sees_a_case_about_their_contractor(client, council, login_as):
    login_as(council["head"])
    assert client.get(f"/cases/{council['contractor_case'].reference}").status_code == 200
    assert client.get(f"/cases/{council['housing_case'].reference}").status_code == 404


def test_a_reporter_sees_a_plain_status_and_no_internal_details(client, council, login_as):
    login_as(council["reporter"])
    case = council["housing_case"]
    response = client.get(f"/cases/{case.reference}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Received" in html
    assert "Shared a resident&#39;s letter." in html  # what they told us
    for internal in (
        "Sam Subject",
        "Hugo Housing-Manager",
        "Chronology",
        "Owner",
        "Investigator",
        "Confidential or personal information disclosed",
    ):
        assert internal not in html, internal


@pytest.mark.parametrize("stage", ["assessment", "investigation", "referred"])
def test_a_reporter_sees_being_looked_into_while_the_case_is_open(client, council, login_as, db_session, stage):
    council["housing_case"].stage = stage
    db_session.flush()
    login_as(council["reporter"])
    html = client.get(f"/cases/{council['housing_case'].reference}").get_data(as_text=True)
    assert "Being looked into" in html
    assert stage.capitalize() not in html.split("<main", 1)[1]


def test_my_reports_shows_the_plain_status(client, council, login_as, db_session):
    council["parks_case"].stage = "closed"
    db_session.flush()
    login_as(council["reporter"])
    html = client.get("/my-reports").get_data(as_text=True)
    assert references_on(html) == refs(council, "housing_case", "parks_case", "contractor_case")
    assert "Received" in html and "Concluded" in html


def without_nonce(response) -> str:
    """The page without what differs on every response: the CSP nonce and the
    CSRF token (signed with the time, so two requests a second apart differ)."""
    html = re.sub(r'nonce="[^"]+"', 'nonce=""', response.get_data(as_text=True))
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', html)


@pytest.mark.parametrize("viewer", ["subject", "admin", "parks_manager", "bystander", "head"])
def test_a_case_the_person_may_not_see_is_not_found(client, council, login_as, db_session, viewer):
    login_as(council[viewer])
    case = council["housing_case"]
    before = access_count(db_session)
    hidden = client.get(f"/cases/{case.reference}")
    absent = client.get("/cases/SMC-2026-99999")
    assert hidden.status_code == absent.status_code == 404
    # The same page, bar the nonce every page's script gets afresh
    assert without_nonce(hidden) == without_nonce(absent)
    assert access_count(db_session) == before


def test_a_subject_cannot_add_information_to_their_own_case(client, council, login_as, db_session):
    login_as(council["subject"])
    client.get("/")  # a page with the new session's CSRF token
    case = council["housing_case"]
    response = client.post(f"/cases/{case.reference}/information", data={"text": "Not me!", "version": case.version})
    assert response.status_code == 404
    assert db_session.scalar(select(func.count()).select_from(Note).where(Note.case_id == case.id)) == 0


def test_every_view_of_a_case_is_logged(client, council, login_as, db_session):
    case, manager = council["housing_case"], council["housing_manager"]
    login_as(manager)
    client.get(f"/cases/{case.reference}")
    client.get(f"/cases/{case.reference}")
    rows = db_session.scalars(select(AccessLog).where(AccessLog.case_id == case.id)).all()
    assert [(row.user_id, row.action) for row in rows] == [(manager.id, "view"), (manager.id, "view")]
    assert all(row.at is not None for row in rows)


def test_a_reporters_view_is_logged_too(client, council, login_as, db_session):
    login_as(council["reporter"])
    client.get(f"/cases/{council['parks_case'].reference}")
    assert access_count(db_session, council["parks_case"], council["reporter"]) == 1


def test_listing_cases_is_not_a_view_of_each(client, council, login_as, db_session):
    login_as(council["hr"])
    client.get("/cases")
    assert access_count(db_session) == 0


# --- adding information --------------------------------------------------------------------------


def test_the_reporter_adds_information(client, council, login_as, db_session):
    login_as(council["reporter"])
    case = council["housing_case"]
    client.get(f"/cases/{case.reference}")
    response = client.post(
        f"/cases/{case.reference}/information", data={"text": "They posted it again.", "version": case.version}
    )
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Information added." in html and "They posted it again." in html
    actions = db_session.scalars(
        select(CaseEvent.action).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
    ).all()
    assert actions == ["reported", "information_added"]


def test_empty_information_is_refused(client, council, login_as, db_session):
    login_as(council["reporter"])
    client.get("/")  # a page with the new session's CSRF token
    case = council["housing_case"]
    response = client.post(f"/cases/{case.reference}/information", data={"text": "  ", "version": case.version})
    assert response.status_code == 422
    assert "Enter the information to add" in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(Note).where(Note.case_id == case.id)) == 0


def test_information_on_a_case_that_changed_meanwhile_is_not_lost_silently(client, council, login_as, db_session):
    login_as(council["reporter"])
    client.get("/")  # a page with the new session's CSRF token
    case = council["housing_case"]
    response = client.post(
        f"/cases/{case.reference}/information", data={"text": "Late news.", "version": case.version - 1}
    )
    assert response.status_code == 409  # shown again with what was typed, to send again
    html = response.get_data(as_text=True)
    assert "this case changed since you opened it" in html.lower()
    assert "Late news." in html
    assert db_session.scalar(select(func.count()).select_from(Note).where(Note.case_id == case.id)) == 0


def test_information_without_the_csrf_token_is_refused(client, council, login_as, db_session):
    login_as(council["reporter"])
    case = council["housing_case"]
    response = client.post(
        f"/cases/{case.reference}/information", data={"text": "x", "version": case.version}, csrf=False
    )
    assert response.status_code == 400
    assert db_session.scalar(select(func.count()).select_from(Note).where(Note.case_id == case.id)) == 0


@pytest.mark.parametrize("script_root", ["", "/casework"])
def test_the_lists_case_addresses_are_what_url_for_gives(app, script_root):
    from flask import render_template_string, url_for

    with app.test_request_context("/", base_url=f"http://localhost{script_root}/"):
        for reference in ("SMC-2026-00012", "SMC-2025-00001"):
            expected = url_for("cases.show", reference=reference)
            assert expected.startswith(script_root + "/cases/")
            assert render_template_string("{{ case_path(ref) }}", ref=reference) == expected


@pytest.mark.parametrize("script_root", ["", "/casework"])
def test_the_headers_links_are_what_url_for_gives_under_any_root(app, script_root):
    from flask import render_template_string, url_for

    endpoints = ["main.dashboard", "your_account.index", "auth.sign_out", "cases.index", "main.notifications"]
    for root in (script_root, "/elsewhere"):  # a second root is worked out afresh, not taken from the first
        with app.test_request_context("/", base_url=f"http://localhost{root}/"):
            for endpoint in endpoints:
                assert url_for(endpoint).startswith(root + "/")
                assert render_template_string("{{ nav_url(e) }}", e=endpoint) == url_for(endpoint)
