"""Online research log and RIPA authorisations (Acceptable Use of Social Media Policy 8), on the pages and the API:
log until the warning, be refused past it, apply, be authorised by an authorising officer, research under the
authorisation, review and cancel it; expired authorisations refused; the monitoring question; the HR report."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from casework.extensions import db
from casework.models import CaseEvent
from casework.models_research import OnlineResearch, RipaAuthorisation
from casework.services.deadlines import london_today

from .test_api_fixtures import Api, api_fixture, council_fixture, count, event_actions  # noqa: F401


@pytest.fixture
def world(council, make_user, make_case):
    p = council
    p["officer"] = make_user("head_of_service", name="Olu Officer")
    case = make_case(p["reporter"], subjects=[p["subject"]], owner=p["manager"], investigator=p["investigator"])
    case.stage = "investigation"
    db.session.flush()
    p["case"] = case
    return p


RESEARCH = {
    "platform": "facebook",
    "profile": "Sam Subject, facebook.com/sam.subject",
    "purpose": "To see whether the post about the resident is still up",
    "looked_at": "Public timeline, posts of 3 to 5 March; took no copies",
}
APPLICATION = {
    "platform": "facebook",
    "profile": "@sam.subject",
    "application": "Check the public timeline twice a week for six weeks and copy posts about residents",
    "necessity": "The posts are deleted within days; there is no other way to evidence them",
    "proportionality": "Only posts about residents are kept; others' posts are not copied",
}


def log_page(client, reference, **changes):
    return client.post(f"/cases/{reference}/research", data={**RESEARCH, **changes})


def test_research_is_logged_until_the_warning_then_refused_without_an_authorisation(world, login_as):
    reference = world["case"].reference
    client = login_as(world["investigator"])
    assert "Log online research" in client.get(f"/cases/{reference}").get_data(as_text=True)
    assert client.get(f"/cases/{reference}/research").status_code == 200
    for _ in range(2):
        response = log_page(client, reference)
        assert response.status_code == 302
        assert "Research logged." in client.get(response.location).get_data(as_text=True)
    # the third view of the same profile, however it is written, is logged with a warning
    response = log_page(client, reference, profile="@Sam.Subject")
    page = client.get(response.location).get_data(as_text=True)
    assert "This is view 3 of this profile in 28 days" in page and "apply for an authorisation" in page
    assert count(db.session, OnlineResearch) == 3
    events = len(event_actions(db.session, reference))
    # the fourth is refused, and nothing is stored
    response = log_page(client, reference, profile="https://www.facebook.com/sam.subject")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "viewed 4 times in 28 days" in page and "Apply for an authorisation first" in page
    assert count(db.session, OnlineResearch) == 3
    assert len(event_actions(db.session, reference)) == events
    # another profile is still free to look at
    assert log_page(client, reference, profile="@someone.else").status_code == 302


def test_an_authorisation_is_applied_for_granted_used_reviewed_and_cancelled_on_the_pages(world, login_as):
    reference = world["case"].reference
    client = login_as(world["investigator"])
    assert "Apply for an authorisation" in client.get(f"/cases/{reference}").get_data(as_text=True)
    for _ in range(3):
        assert log_page(client, reference).status_code == 302
    response = client.post(f"/cases/{reference}/authorisations/new", data=APPLICATION)
    assert response.status_code == 302
    item = db.session.scalar(select(RipaAuthorisation))
    assert item.status == "applied" and item.decision_due_on > london_today()
    assert log_page(client, reference).status_code == 409  # waiting for a decision is not enough
    assert "waiting for an authorising officer" in log_page(client, reference).get_data(as_text=True)

    # the applicant cannot decide (the page offers no form, a post is refused); the authorising officer can
    page = client.get(f"/authorisations/{item.id}").get_data(as_text=True)
    assert "Do you authorise this research?" not in page and APPLICATION["necessity"] in page
    response = client.post(f"/authorisations/{item.id}/decision", data={"decision": "authorised", "reason": "x"})
    assert "Only an authorising officer can do this" in client.get(response.location).get_data(as_text=True)
    assert db.session.get(RipaAuthorisation, item.id).status == "applied"
    officer = login_as(world["officer"])
    assert f"Authorisation {item.id}" in officer.get("/authorisations").get_data(as_text=True)
    page = officer.get(f"/authorisations/{item.id}").get_data(as_text=True)
    assert "Do you authorise this research?" in page
    response = officer.post(f"/authorisations/{item.id}/decision", data={"decision": "authorised", "reason": ""})
    assert response.status_code == 422 and "Give your reasons" in response.get_data(as_text=True)
    response = officer.post(
        f"/authorisations/{item.id}/decision",
        data={"decision": "authorised", "reason": "Necessary and proportionate: posts are deleted within days"},
    )
    assert response.status_code == 302
    item = db.session.get(RipaAuthorisation, item.id)
    assert item.status == "authorised" and item.decided_by_id == world["officer"].id
    assert item.starts_on == london_today() and item.expires_on > london_today() + timedelta(days=85)
    assert item.next_review_on == london_today() + timedelta(days=28)

    client = login_as(world["investigator"])
    client.get(f"/cases/{reference}")
    assert log_page(client, reference).status_code == 302
    entry = db.session.scalars(select(OnlineResearch).order_by(OnlineResearch.id.desc())).first()
    assert entry.authorisation_id == item.id and entry.views_in_window == 4
    case_page = client.get(f"/cases/{reference}").get_data(as_text=True)
    assert "under authorisation" in case_page and "In force" in case_page and "Review due" in case_page

    officer = login_as(world["officer"])
    officer.get(f"/authorisations/{item.id}")
    response = officer.post(f"/authorisations/{item.id}/review", data={"text": "Still necessary: two posts found"})
    assert response.status_code == 302
    response = officer.post(f"/authorisations/{item.id}/cancellation", data={"reason": "Evidence gathered"})
    assert response.status_code == 302
    assert db.session.get(RipaAuthorisation, item.id).status == "cancelled"
    client = login_as(world["investigator"])
    client.get(f"/cases/{reference}")
    assert log_page(client, reference).status_code == 409
    actions = event_actions(db.session, reference)
    for action in (
        "ripa_authorisation_applied",
        "ripa_authorisation_granted",
        "ripa_authorisation_reviewed",
        "ripa_authorisation_cancelled",
    ):
        assert action in actions


def test_an_expired_authorisation_is_refused(world, api):
    reference = world["case"].reference
    for _ in range(3):
        assert api.post(world["investigator"], f"/cases/{reference}/research", json=RESEARCH).status_code == 201
    item_id = api.post(world["investigator"], f"/cases/{reference}/authorisations", json=APPLICATION).get_json()["id"]
    decision = {"decision": "authorised", "reason": "Necessary and proportionate"}
    assert api.post(world["officer"], f"/authorisations/{item_id}/decision", json=decision).status_code == 200
    item = db.session.get(RipaAuthorisation, item_id)
    item.starts_on = london_today() - timedelta(days=120)
    item.expires_on = london_today() - timedelta(days=30)
    db.session.flush()
    response = api.post(world["investigator"], f"/cases/{reference}/research", json=RESEARCH)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "authorisation_required"
    assert f"expired on {item.expires_on:%d %B %Y}" in error["message"]
    response = api.post(world["officer"], f"/authorisations/{item_id}/reviews", json={"text": "Still needed"})
    assert response.status_code == 409 and "expired" in response.get_json()["error"]["message"]
    assert api.get(world["officer"], f"/authorisations/{item_id}").get_json()["state"] == "expired"
    assert count(db.session, OnlineResearch) == 3


def test_the_api_logs_research_warns_and_requires_an_authorisation(world, api):
    reference = world["case"].reference
    answers = [api.post(world["manager"], f"/cases/{reference}/research", json=RESEARCH) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert [a.get_json()["warning"] is not None for a in answers] == [False, False, True]
    assert answers[2].get_json()["research"]["views_in_window"] == 3
    refused = api.post(world["manager"], f"/cases/{reference}/research", json=RESEARCH)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "authorisation_required"
    listing = api.get(world["manager"], f"/cases/{reference}/research").get_json()
    assert len(listing["research"]) == 3 and listing["authorisations"] == []
    assert listing["research"][0]["researcher"]["name"] == "Mo Manager"
    # bad input: wrong types, unknown fields, missing fields, a time in the future
    assert (
        api.post(world["manager"], f"/cases/{reference}/research", json={**RESEARCH, "profile": 5}).status_code == 400
    )
    assert api.post(world["manager"], f"/cases/{reference}/research", json={**RESEARCH, "x": "1"}).status_code == 422
    response = api.post(world["manager"], f"/cases/{reference}/research", json={"platform": "facebook"})
    assert response.status_code == 422 and set(response.get_json()["error"]["fields"]) >= {"profile", "purpose"}
    future = {**RESEARCH, "profile": "@new", "viewed_at": "2999-01-01T10:00:00+00:00"}
    assert api.post(world["manager"], f"/cases/{reference}/research", json=future).status_code == 422
    naive = {**RESEARCH, "profile": "@new", "viewed_at": "2026-01-01T10:00:00"}
    assert api.post(world["manager"], f"/cases/{reference}/research", json=naive).status_code == 422
    assert count(db.session, OnlineResearch) == 3


@pytest.mark.parametrize(
    "who, status",
    [
        ("manager", 201),  # owner
        ("investigator", 201),
        ("hr", 201),
        ("manager2", 201),  # a manager of the department who sees the case
        ("reporter", 403),  # sees only the reporter's view
        ("outsider", 404),
        ("admin", 404),
        ("officer", 404),  # an authorising officer does not see cases
    ],
)
def test_who_may_log_research(world, api, who, status):
    response = api.post(world[who], f"/cases/{world['case'].reference}/research", json=RESEARCH)
    assert response.status_code == status


@pytest.mark.parametrize(
    "who, status",
    [("officer", 200), ("head", 200), ("hr", 403), ("manager", 403), ("investigator", 403), ("outsider", 404)],
)
def test_who_may_decide_an_authorisation(world, api, who, status):
    item_id = api.post(world["investigator"], f"/cases/{world['case'].reference}/authorisations", json=APPLICATION)
    item_id = item_id.get_json()["id"]
    decision = {"decision": "refused", "reason": "Not proportionate: one more look will do"}
    response = api.post(world[who], f"/authorisations/{item_id}/decision", json=decision)
    assert response.status_code == status
    assert db.session.get(RipaAuthorisation, item_id).status == ("refused" if status == 200 else "applied")


def test_a_decision_is_taken_once(world, api):
    item_id = api.post(world["manager"], f"/cases/{world['case'].reference}/authorisations", json=APPLICATION)
    item_id = item_id.get_json()["id"]
    decision = {"decision": "refused", "reason": "Not necessary"}
    assert api.post(world["officer"], f"/authorisations/{item_id}/decision", json=decision).status_code == 200
    again = api.post(
        world["officer"], f"/authorisations/{item_id}/decision", json={**decision, "decision": "authorised"}
    )
    assert again.status_code == 409
    assert (
        api.post(world["officer"], f"/authorisations/{item_id}/cancellation", json={"reason": "x"}).status_code == 409
    )


def test_an_application_without_necessity_is_refused_and_nothing_stored(world, api, login_as):
    reference = world["case"].reference
    response = api.post(world["manager"], f"/cases/{reference}/authorisations", json={**APPLICATION, "necessity": ""})
    assert response.status_code == 422 and "necessity" in response.get_json()["error"]["fields"]
    client = login_as(world["manager"])
    client.get(f"/cases/{reference}/authorisations/new")
    response = client.post(f"/cases/{reference}/authorisations/new", data={**APPLICATION, "proportionality": ""})
    assert response.status_code == 422 and "Explain why the research is proportionate" in response.get_data(
        as_text=True
    )
    assert count(db.session, RipaAuthorisation) == 0


def test_a_council_monitoring_case_asks_whether_the_monitoring_was_authorised(world, make_case, api, login_as):
    case = make_case(world["manager"], subjects=[world["subject"]], owner=world["manager"], source="council_monitoring")
    client = login_as(world["manager"])
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "record whether that monitoring was authorised" in page
    assert client.get(f"/cases/{case.reference}/monitoring-authorisation").status_code == 200
    response = client.post(f"/cases/{case.reference}/monitoring-authorisation", data={"answer": "authorised"})
    assert response.status_code == 422
    response = client.post(
        f"/cases/{case.reference}/monitoring-authorisation",
        data={"answer": "not_required", "detail": "One look at a public post the comms team was sent"},
    )
    assert response.status_code == 302
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "No authorisation was needed" in page
    answer = api.get(world["manager"], f"/cases/{case.reference}/research").get_json()
    assert answer["asks_whether_monitoring_was_authorised"] and answer["monitoring"]["answer"] == "not_required"
    response = api.request(
        "PUT",
        world["manager"],
        f"/cases/{case.reference}/monitoring-authorisation",
        json={"answer": "not_authorised", "detail": "Daily checks for a month; legal advice sought"},
    )
    assert response.status_code == 200 and response.get_json()["answer"] == "not_authorised"
    # a case from another source does not ask
    other = api.request(
        "PUT",
        world["manager"],
        f"/cases/{world['case'].reference}/monitoring-authorisation",
        json={"answer": "authorised", "detail": "x"},
    )
    assert other.status_code == 409
    assert client.get(f"/cases/{world['case'].reference}/monitoring-authorisation").status_code == 404


def test_the_hr_report_lists_research_and_authorisations_for_the_sro_and_ipco(world, api, login_as):
    reference = world["case"].reference
    for _ in range(3):
        api.post(world["investigator"], f"/cases/{reference}/research", json=RESEARCH)
    item_id = api.post(world["investigator"], f"/cases/{reference}/authorisations", json=APPLICATION).get_json()["id"]
    api.post(world["officer"], f"/authorisations/{item_id}/decision", json={"decision": "authorised", "reason": "Ok"})
    client = login_as(world["hr"])
    page = client.get("/reports/online-research").get_data(as_text=True)
    assert "Investigatory Powers Commissioner" in page and "Sam Subject, facebook.com/sam.subject" in page
    assert "Olu Officer" in page
    response = client.get("/reports/online-research.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert len(rows) == 3 and rows[2]["views_in_window"] == "3" and rows[0]["case"] == reference
    rows = list(csv.DictReader(io.StringIO(client.get("/reports/ripa-authorisations.csv").get_data(as_text=True))))
    assert rows[0]["state"] == "authorised" and rows[0]["authorising_officer"] == "Olu Officer"
    assert client.get("/reports/online-research?from=2026-13-01").status_code == 400
    report = api.get(world["hr"], "/reports/online-research.json").get_json()
    assert report["figures"]["views_logged"] == 3 and report["figures"]["in_force_now"] == 1
    assert report["figures"]["views_at_repeat_limit"] == 1
    assert api.get(world["manager"], "/reports/online-research.json").status_code == 403
    manager = login_as(world["manager"])
    assert manager.get("/reports/online-research").status_code == 404
    assert manager.get("/reports/online-research.csv").status_code == 404


def test_a_subject_never_sees_the_authorisations_about_them(world, api, make_user):
    item_id = api.post(world["manager"], f"/cases/{world['case'].reference}/authorisations", json=APPLICATION)
    item_id = item_id.get_json()["id"]
    assert api.get(world["outsider"], f"/authorisations/{item_id}").status_code == 404
    assert api.get(world["reporter"], f"/authorisations/{item_id}").status_code == 404
    assert api.get(world["officer"], f"/authorisations/{item_id}").status_code == 200
    assert api.get(world["officer"], "/authorisations/99999999999").status_code == 404
    events = db.session.scalars(select(CaseEvent.action).where(CaseEvent.case_id == world["case"].id)).all()
    assert "ripa_authorisation_applied" in events


def test_retention_removes_whose_profile_was_looked_at_and_why(world, api):
    from casework.services.research import anonymise_case

    reference = world["case"].reference
    api.post(world["investigator"], f"/cases/{reference}/research", json=RESEARCH)
    item_id = api.post(world["investigator"], f"/cases/{reference}/authorisations", json=APPLICATION).get_json()["id"]
    assert anonymise_case(world["case"]) == {"online_research": 1, "authorisations": 1}
    entry = db.session.scalar(select(OnlineResearch))
    assert entry.profile == entry.purpose == entry.looked_at == "" and entry.viewed_at is not None
    item = db.session.get(RipaAuthorisation, item_id)
    assert item.profile == item.necessity == item.proportionality == "" and item.applied_at is not None
