"""A report sent again after Back, or the same report sent twice within 30 minutes (issue 9, item 5)."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from casework.models import Case

from .test_api_fixtures import Api, api_fixture, case_row, council_fixture  # noqa: F401  (fixtures)
from .test_reporting import breach_form, reference_from


def count_cases(session) -> int:
    return session.scalar(select(func.count()).select_from(Case))


def fresh_form_token(client) -> str:
    """The hidden one-time token of a newly opened report form (as after Back and a reload)."""
    page = client.get("/report/breach").get_data(as_text=True)
    return re.search(r'name="submission_token" type="hidden" value="([^"]+)"', page).group(1)


@pytest.fixture
def first_report(client, db_session, login_as, council):
    login_as(council["reporter"])
    token = fresh_form_token(client)
    response = client.post("/report/breach", data={**breach_form(council["subject"]), "submission_token": token})
    assert response.status_code == 302
    return reference_from(response)


def test_sending_the_same_report_again_shows_the_earlier_one_and_sends_nothing(
    client, db_session, council, first_report
):
    before = count_cases(db_session)
    sent_at = case_row(db_session, first_report).created_at
    london = sent_at.astimezone(ZoneInfo("Europe/London")).strftime("%H:%M")
    form = {**breach_form(council["subject"], platform="x"), "submission_token": fresh_form_token(client)}
    response = client.post("/report/breach", data=form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"You sent a report like this at {london} (" in page
    assert f'href="/cases/{first_report}"' in page
    assert "Send it anyway" in page
    assert "Posted a photo of a resident" in page  # what they typed is still there
    assert count_cases(db_session) == before

    # They choose to send it anyway: a second case
    response = client.post("/report/breach", data={**form, "send_anyway": "yes"})
    assert response.status_code == 302
    assert reference_from(response) != first_report
    assert count_cases(db_session) == before + 1


def test_a_different_report_or_one_sent_later_is_sent_at_once(client, db_session, council, first_report):
    other = breach_form(council["subject"], description="Shared a resident's complaint letter in a group chat.")
    response = client.post("/report/breach", data={**other, "submission_token": fresh_form_token(client)})
    assert response.status_code == 302

    case_row(db_session, first_report).created_at -= timedelta(minutes=31)
    db_session.flush()
    again = {**breach_form(council["subject"]), "submission_token": fresh_form_token(client)}
    response = client.post("/report/breach", data=again)
    assert response.status_code == 302


def test_a_double_click_still_makes_one_case_without_a_question(client, db_session, council, first_report):
    """The same form sent twice (same token, same words) answers the first case."""
    token = fresh_form_token(client)
    form = {**breach_form(council["subject"], description="Something else entirely."), "submission_token": token}
    first = client.post("/report/breach", data=form)
    second = client.post("/report/breach", data=form)
    assert reference_from(first) == reference_from(second)
    # Back, edit, send with the same token: another report, not the first one answered again
    third = client.post("/report/breach", data={**form, "description": "Something else again."})
    assert third.status_code == 302 and reference_from(third) != reference_from(first)


def test_a_bad_report_shows_its_errors_before_any_likeness(client, db_session, council, first_report):
    form = {**breach_form(council["subject"], platform=""), "submission_token": fresh_form_token(client)}
    page = client.post("/report/breach", data=form).get_data(as_text=True)
    assert "You sent a report like this" not in page
    assert "Select the platform" in page


# --- the API -----------------------------------------------------------------------


def test_the_api_answers_409_naming_the_earlier_report(api: Api, council, db_session):
    first = api.report(council["reporter"], subjects=[council["subject"].email])["reference"]
    before = count_cases(db_session)
    response = api.post(council["reporter"], "/cases", json=_body(council, platform="x"))
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "similar_report" and error["reference"] == first
    assert error["message"].startswith("You sent a report like this at ") and first in error["message"]
    assert count_cases(db_session) == before
    # Another reporter may send the same words
    assert api.post(council["victim"], "/cases", json=_body(council)).status_code == 201


def test_an_idempotency_key_says_which_submission_it_is(api: Api, council, db_session):
    reporter = council["reporter"]
    first = api.report(reporter, subjects=[council["subject"].email])["reference"]
    # A new key: the caller means a new report
    created = api.post(reporter, "/cases", json=_body(council), headers={"Idempotency-Key": "report-0002"})
    assert created.status_code == 201 and created.get_json()["reference"] != first
    # The same key and body again: the case it made, nothing new
    before = count_cases(db_session)
    again = api.post(reporter, "/cases", json=_body(council), headers={"Idempotency-Key": "report-0002"})
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["reference"] == created.get_json()["reference"]
    # The same key with a different body: refused, not answered with the first case
    changed = api.post(
        reporter,
        "/cases",
        json=_body(council, description="Something else"),
        headers={"Idempotency-Key": "report-0002"},
    )
    assert changed.status_code == 422
    error = changed.get_json()["error"]
    assert error["code"] == "idempotency_key_reused" and "Idempotency-Key" in error["fields"]
    assert error["reference"] == created.get_json()["reference"]
    assert count_cases(db_session) == before


def _body(council, **changes) -> dict:
    return {
        "kind": "breach",
        "subjects": [council["subject"].email],
        "categories": ["confidential_information"],
        "platform": "facebook",
        "content_url": "https://www.facebook.com/post/1",
        "incident_date": "2026-01-05",
        "description": "Posted a resident's address on Facebook.",
        **changes,
    }
