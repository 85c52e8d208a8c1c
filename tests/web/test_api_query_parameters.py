"""The API's query parameters (issue 15, 5): ?department= as on the case list page, and any parameter
an endpoint does not read answers 400 naming it instead of being ignored."""

import pytest

from .test_api_errors import error_of
from .test_api_fixtures import (  # noqa: F401  (fixtures)
    Api,
    api_fixture,
    council_fixture,
)


def references(response) -> set[str]:
    assert response.status_code == 200, response.get_json()
    return {item["reference"] for item in response.get_json()["items"]}


def test_department_filters_the_list_as_the_page_does(api, council, make_user, make_department, login_as, client):
    hr = council["hr"]
    housing_case = api.report(council["reporter"], subjects=[council["subject"].email])["reference"]
    parks = council["outsider"].department
    parks_case = api.report(make_user(department=parks), subjects=[council["outsider"].email])["reference"]
    empty = make_department("Libraries")

    assert references(api.get(hr, "/cases")) >= {housing_case, parks_case}
    assert references(api.get(hr, f"/cases?department={council['housing'].id}")) == {housing_case}
    assert references(api.get(hr, f"/cases?department={parks.id}")) == {parks_case}
    assert references(api.get(hr, f"/cases?department={empty.id}")) == set()
    # The same as the page shows for the same filter
    login_as(hr)
    page = client.get(f"/cases?department={council['housing'].id}").get_data(as_text=True)
    assert housing_case in page and parks_case not in page
    # Still only what the caller may see
    assert references(api.get(council["outsider"], f"/cases?department={council['housing'].id}")) == set()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("housing", "Must be a department id, a whole number"),
        ("-1", "Must be a department id, a whole number"),
        ("0", "Must be a department id, a whole number"),
        (str(2**31), "Must be a department id, a whole number"),
        ("999999", "No department has this id"),
    ],
)
def test_a_bad_department_is_a_400_naming_it(api, council, value, message):
    error = error_of(api.get(council["hr"], f"/cases?department={value}"), 400, "bad_request", "department")
    assert error["fields"]["department"] == message


@pytest.mark.parametrize(
    "path",
    [
        "/cases?departmnet=1",
        "/cases?stage=reported&order=oldest",
        "/cases/{reference}?fields=all",
        "/cases/{reference}/events?limit=5",
        "/reports/summary.json?from=2026-01-01&period=year",
        "/reports/summary.csv?format=xlsx",
    ],
)
def test_an_unknown_query_parameter_is_a_400_naming_it(api, council, path):
    reference = api.report(council["reporter"], subjects=[council["subject"].email])["reference"]
    path = path.format(reference=reference)
    name = path.rsplit("&", 1)[-1].split("?")[-1].split("=")[0]
    error = error_of(api.get(council["hr"], path), 400, "bad_request", name)
    assert name in error["message"] and error["fields"][name] == "This parameter is not recognised here"


def test_unknown_parameters_on_a_post_change_nothing(api, council, db_session):
    from .test_api_errors import Unchanged

    reference = api.report(council["reporter"], subjects=[council["subject"].email])["reference"]
    version = api.case(council["manager"], reference)["version"]
    unchanged = Unchanged(db_session, reference)
    response = api.post(
        council["manager"],
        f"/cases/{reference}/actions?dry_run=1",
        json={"action": "take_ownership", "version": version},
    )
    error_of(response, 400, "bad_request", "dry_run")
    unchanged.check()


def test_a_parameter_given_twice_is_a_400(api, council):
    error = error_of(api.get(council["hr"], "/cases?stage=reported&stage=closed"), 400, "bad_request", "stage")
    assert error["fields"]["stage"] == "Give this parameter once"


def test_without_a_token_the_answer_is_still_401(api):
    response = api.get(None, "/cases?departmnet=1")
    assert response.status_code == 401
