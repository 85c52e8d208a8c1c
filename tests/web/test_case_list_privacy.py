"""The Cases page and GET /api/v1/cases filter a reporter's own reports by what the reporter is shown
(issue 9, item 2): asking for "Rights suspended" does not pick out the colleagues whose rights were
suspended."""

import re

import pytest

from casework.domain.policy import STAGE_LABELS

from .test_api_fixtures import Api, api_fixture, case_row, council_fixture  # noqa: F401  (fixtures)


@pytest.fixture
def reports(api: Api, council, db_session):
    """Rita reported three colleagues: one is still only received, one has had their rights suspended,
    one has been referred to the police."""
    p = council
    references = [api.report(p["reporter"], subjects=[p["subject"].email])["reference"] for _ in range(3)]
    for reference, stage in zip(references, ("reported", "rights_suspended", "referred"), strict=True):
        case_row(db_session, reference).stage = stage
    db_session.commit()
    return references


def page_references(client, query: str) -> list[str]:
    response = client.get(f"/cases?{query}")
    assert response.status_code == 200
    return re.findall(r">(SMC-\d{4}-\d{5})<", response.get_data(as_text=True))


def test_the_stage_filter_on_the_page_does_not_tell_a_reporter_stages_apart(client, login_as, council, reports):
    received, suspended, referred = reports
    login_as(council["reporter"])
    looked_into = sorted([suspended, referred])
    # A reporter is shown a status, never the stage: a stage picks out none of their reports
    for stage in STAGE_LABELS:
        assert page_references(client, f"stage={stage}") == [], stage
    assert sorted(page_references(client, "status=Being+looked+into")) == looked_into
    assert page_references(client, "status=Received") == [received]
    assert page_references(client, "category=confidential_information") == []
    assert page_references(client, f"department={council['housing'].id}") == []
    for sort in ("newest", "oldest", "updated"):
        assert sorted(page_references(client, f"sort={sort}")) == sorted(reports)


def test_the_stage_filter_of_the_api_does_not_tell_a_reporter_stages_apart(api: Api, council, reports):
    received, suspended, referred = reports

    def listed(query):
        response = api.get(council["reporter"], f"/cases?{query}")
        assert response.status_code == 200, response.get_json()
        return sorted((item["reference"], item["status"]) for item in response.get_json()["items"])

    looked_into = sorted([(suspended, "Being looked into"), (referred, "Being looked into")])
    for stage in ("reported", "assessment", "rights_suspended", "investigation", "outcome", "referred", "support"):
        assert listed(f"stage={stage}") == [], stage
    assert listed("status=Received") == [(received, "Received")]
    assert listed("status=Being%20looked%20into") == looked_into
    assert listed("category=confidential_information") == []
    response = api.get(council["reporter"], "/cases?status=suspended")
    assert response.status_code == 400
    assert "status" in response.get_json()["error"]["fields"]


def test_the_people_handling_the_cases_still_filter_by_the_real_stage(api: Api, council, reports):
    _received, suspended, _referred = reports
    response = api.get(council["manager"], "/cases?stage=rights_suspended")
    assert [item["reference"] for item in response.get_json()["items"]] == [suspended]


def test_a_managers_own_reports_are_not_listed_under_a_stage_they_are_not_at(api: Api, council, reports, db_session):
    """A manager filtering by a stage sees the cases at that stage, not their own reports (which they see only as
    reporter) under every stage that shares the report's status."""
    p = council
    own = api.report(p["outsider"], subjects=[p["subject"].email])  # Parks' manager reports someone in Housing
    case_row(db_session, own["reference"]).stage = "investigation"
    db_session.commit()
    assert own["reference"] in [i["reference"] for i in api.get(p["outsider"], "/cases").get_json()["items"]]
    for stage in ("assessment", "investigation", "hearing", "appeal"):
        response = api.get(p["outsider"], f"/cases?stage={stage}")
        assert own["reference"] not in [item["reference"] for item in response.get_json()["items"]], stage
