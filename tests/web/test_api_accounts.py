"""The council accounts API: propose, decide, review the trial, close, record use and training, link a case
(Social Networking Policy 7.2-7.5, 8.1, 8.6). Every JSON answer is checked against the OpenAPI document."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from casework.models import AdminEvent, SocialAccount
from casework.models_accounts import SocialMediaTraining
from casework.services.deadlines import london_today
from tests.account_samples import BRIEF

from .test_api_fixtures import Api, api_fixture, council_fixture  # noqa: F401  (fixtures)


def count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def propose(api: Api, user, expect=201, **fields):
    body = {"platform": "tiktok", "handle": "@housing_youth", "department": "Housing", **BRIEF, **fields}
    response = api.post(user, "/accounts", json=body)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def test_an_account_from_proposal_to_active(api, council, db_session):
    p = council
    account = propose(api, p["manager"])
    assert (account["status"], account["proposed_by"]["email"], account["purpose"]) == (
        "proposed",
        p["manager"].email,
        BRIEF["purpose"],
    )
    path = f"/accounts/{account['id']}"
    assert api.post(p["manager"], f"{path}/decision", json={"decision": "approved", "reason": "x"}).status_code == 403
    decided = api.post(p["hr"], f"{path}/decision", json={"decision": "approved", "reason": "Clear brief"})
    assert decided.status_code == 200
    body = decided.get_json()
    assert (body["status"], body["decision"], body["decided_by"]["email"]) == ("trial", "approved", p["hr"].email)
    assert body["trial_ends_on"] > body["went_live_on"] == london_today().isoformat()
    reviewed = api.post(p["hr"], f"{path}/trial-review", json={"decision": "keep", "note": "Well used"})
    assert reviewed.get_json()["status"] == "active"
    used = api.post(p["admin"], f"{path}/use", json={"last_used_on": london_today().isoformat()})
    assert used.get_json()["last_used_on"] == london_today().isoformat()
    assert api.get(p["manager"], path).get_json()["flagged_for_removal"] is None
    closed = api.post(p["admin"], f"{path}/closure", json={"reason": "The service ended"})
    assert (closed.get_json()["status"], closed.get_json()["closure_reason"]) == ("removed", "The service ended")
    actions = set(db_session.scalars(select(AdminEvent.action)).all())
    assert {"account_added", "account_approved", "account_trial_reviewed", "account_use_recorded"} <= actions
    assert "account_closed" in actions


def test_a_proposal_with_no_purpose_is_refused_and_nothing_stored(api, council, db_session):
    before = (count(db_session, SocialAccount), count(db_session, AdminEvent))
    refused = propose(api, council["manager"], expect=422, purpose="")
    assert refused["error"]["fields"] == {
        "purpose": "Enter what the account is for and how it will benefit the service"
    }
    missing = api.post(council["manager"], "/accounts", json={"platform": "x", "handle": "@x", "department": "Nowhere"})
    assert missing.status_code == 422
    assert set(missing.get_json()["error"]["fields"]) == {"department", *BRIEF}
    assert (count(db_session, SocialAccount), count(db_session, AdminEvent)) == before


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"decision": "approved"}, 422),
        ({"decision": "perhaps", "reason": "x"}, 422),
        ({"decision": 1, "reason": "x"}, 400),
        ({"decision": "approved", "reason": "x", "extra": 1}, 422),
    ],
)
def test_bad_decisions_change_nothing(api, council, body, status):
    account = propose(api, council["manager"])
    response = api.post(council["hr"], f"/accounts/{account['id']}/decision", json=body)
    assert response.status_code == status
    assert api.get(council["hr"], f"/accounts/{account['id']}").get_json()["status"] == "proposed"


def test_an_employee_sees_no_register(api, council):
    assert api.get(council["reporter"], "/accounts").status_code == 403
    assert api.post(council["reporter"], "/accounts", json={"platform": "x"}).status_code == 403
    assert api.get(council["reporter"], "/accounts/register.csv").status_code == 403


def test_unknown_accounts_are_not_found(api, council):
    for account_id in ("999999", "abc", str(2**70)):
        assert api.get(council["hr"], f"/accounts/{account_id}").status_code == 404


def test_a_decided_account_cannot_be_decided_again(api, council):
    account = propose(api, council["manager"])
    path = f"/accounts/{account['id']}/decision"
    assert api.post(council["hr"], path, json={"decision": "refused", "reason": "No"}).status_code == 200
    again = api.post(council["hr"], path, json={"decision": "approved", "reason": "Yes"})
    assert again.status_code == 409


def test_training_records_by_the_api(api, council, db_session):
    trained = (london_today() - timedelta(days=5)).isoformat()
    made = api.post(council["hr"], "/training", json={"person": council["reporter"].email, "trained_on": trained})
    assert made.status_code == 201
    assert made.get_json()["refresher_due_on"] > trained
    bad = api.post(council["hr"], "/training", json={"person": "nobody@test.invalid", "trained_on": "2026-02-30"})
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"trained_on"}
    assert api.post(council["manager"], "/training", json={"person": "x", "trained_on": trained}).status_code == 403
    listed = api.get(council["hr"], "/training").get_json()["items"]
    assert council["reporter"].email in {item["person"]["email"] for item in listed}
    assert count(db_session, SocialMediaTraining) >= 1


def test_the_register_as_csv(api, council):
    propose(api, council["manager"], purpose="=cmd|' /C calc'!A0")
    response = api.get(council["hr"], "/accounts/register.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert "'=cmd|' /C calc'!A0" in {row["purpose"] for row in rows}


def test_a_case_is_linked_to_its_account_by_the_api(api, council, db_session):
    p = council
    reference = api.report(p["reporter"], subjects=[p["subject"].email])["reference"]
    api.act(p["manager"], reference, "take_ownership")
    account_id = p["account"].id
    linked = api.post(p["manager"], f"/cases/{reference}/council-accounts", json={"account_id": account_id})
    assert linked.status_code == 201 and linked.get_json()["id"] == account_id
    again = api.post(p["manager"], f"/cases/{reference}/council-accounts", json={"account_id": account_id})
    assert again.status_code == 422
    assert api.post(p["outsider"], f"/cases/{reference}/council-accounts", json={"account_id": 1}).status_code == 404
    early = api.post(p["manager"], f"/cases/{reference}/council-accounts/{account_id}/closure", json={"reason": "x"})
    assert early.status_code == 422
    assert db_session.get(SocialAccount, account_id).status == "active"
