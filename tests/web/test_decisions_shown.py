"""Decisions people look for, on the case page, in the API and in the case report (issue 9 items 1,
7, 8 and 14): a case decided again after reopening keeps its earlier outcome as superseded; each
record of the contractor's action is kept; the ICO and police decisions show where people look."""

import io

from pypdf import PdfReader
from sqlalchemy import select

from casework.models import Notification, Outcome

from .test_api_fixtures import (  # noqa: F401  (fixtures)
    Api,
    api_fixture,
    council_fixture,
)


def page_text(response) -> str:
    return " ".join(response.get_data(as_text=True).split())


def decide(api, hr, reference, summary, sanction, *, investigator):
    api.act(hr, reference, "start_investigation", investigator=investigator.email, no_suspension_reason="Personal page")
    return api.act(hr, reference, "record_outcome", finding="substantiated", sanction=sanction, summary=summary)


def test_a_case_reopened_and_decided_again_keeps_the_earlier_outcome_everywhere(
    api: Api, council, client, login_as, db_session
):
    p = council
    hr = p["hr"]
    reference = api.report(p["reporter"], subjects=[p["subject"].email])["reference"]
    api.act(hr, reference, "take_ownership")
    decide(api, hr, reference, "Advice was enough", "management_advice", investigator=p["investigator"])
    api.act(hr, reference, "waive_appeal", subject=p["subject"].email, reason="Said so in writing")
    api.act(hr, reference, "close")
    api.act(hr, reference, "reopen", reason="A second post came to light")
    case = decide(api, hr, reference, "A pattern of posts", "training", investigator=p["investigator"])

    # The API: the outcome that stands, and the whole history
    assert case["stage"] == "outcome"
    assert case["outcome"]["sanction"] == "training" and case["outcome"]["superseded_at"] is None
    first, second = case["outcome_history"]
    assert (first["sanction"], first["summary"]) == ("management_advice", "Advice was enough")
    assert first["superseded_by"]["email"] == hr.email and first["superseded_at"]
    assert first["superseded_reason"] == "Decided again after the case was reopened: A second post came to light"
    assert second == case["outcome"]
    # The person may appeal the new outcome: the case closes once that is settled
    assert "waive_appeal" in case["available_actions"] and "close" not in case["available_actions"]
    assert len(db_session.scalars(select(Outcome).where(Outcome.summary == "Advice was enough")).all()) == 1

    # The case page
    login_as(hr)
    text = page_text(client.get(f"/cases/{reference}"))
    assert "Earlier outcomes (superseded)" in text
    assert "Management advice (informal)" in text and "A second post came to light" in text
    assert "Training" in text

    # The case report
    pdf = client.get(f"/cases/{reference}/report.pdf").data
    report = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Earlier outcome (superseded)" in report
    assert "Superseded by Hana HR" in report and "A second post came to light" in report


def test_reopening_tells_the_reporter(api: Api, council, db_session):
    p = council
    hr = p["hr"]
    reference = api.report(p["reporter"], kind="abuse", categories=["abuse"])["reference"]
    api.act(hr, reference, "take_ownership")
    api.act(hr, reference, "close_no_further_action", reason="Posts removed by the platform")
    api.act(hr, reference, "reopen", reason="More posts")
    messages = db_session.scalars(select(Notification.message).where(Notification.user_id == p["reporter"].id)).all()
    assert f"{reference}: we are looking into your report again." in messages


def test_every_record_of_the_contractors_action_is_kept(api: Api, council, make_user, client, login_as, db_session):
    p = council
    hr, head = p["hr"], p["head"]
    contractor = make_user(department=p["housing"], staff_type="contractor", password=None, name="Cal Contractor")
    reference = api.report(p["reporter"], subjects=[contractor.email])["reference"]
    api.act(hr, reference, "take_ownership")
    decide(api, hr, reference, "Breach of 4.2", "referred_to_contractor", investigator=p["investigator"])
    api.act(head, reference, "record_contractor_action", text="GreenStreets gave a verbal warning.")
    case = api.act(head, reference, "record_contractor_action", text="After an appeal, a written warning.")
    texts = [(a["text"], a["recorded_by"]["email"]) for a in case["contractor_actions"]]
    assert texts == [
        ("GreenStreets gave a verbal warning.", head.email),
        ("After an appeal, a written warning.", head.email),
    ]
    assert case["outcome"]["contractor_action"] == "After an appeal, a written warning."
    events = api.get(hr, f"/cases/{reference}/events").json["items"]
    assert [e["data"]["text"] for e in events if e["action"] == "record_contractor_action"] == [
        "GreenStreets gave a verbal warning.",
        "After an appeal, a written warning.",
    ]
    login_as(hr)
    text = page_text(client.get(f"/cases/{reference}"))
    assert "GreenStreets gave a verbal warning." in text and "After an appeal, a written warning." in text


def test_the_ico_and_police_decisions_show_on_the_case_page(api: Api, council, client, login_as):
    p = council
    hr = p["hr"]
    breach = api.report(p["reporter"], subjects=[p["subject"].email], flags=["personal_data_involved"])["reference"]
    api.act(hr, breach, "take_ownership")
    case = api.act(
        hr, breach, "record_ico_decision", report=True, reason="Home addresses of 40 residents", ico_reference="IC-1234"
    )
    assert (case["ico_decision"], case["ico_decision_reason"], case["ico_reference"]) == (
        "reported",
        "Home addresses of 40 residents",
        "IC-1234",
    )
    abuse = api.report(p["victim"], kind="abuse", categories=["threats"])["reference"]
    case = api.case(hr, abuse)
    assert "record_police_decision" in case["available_actions"]
    assert [d for d in case["deadlines"] if d["key"] == "police_decision"][0]["label"] == "Decide on police referral"
    case = api.act(hr, abuse, "record_police_decision", refer=False, reason="Abusive, no threat of violence")
    assert case["police_decision"] == "not_refer"
    assert [d["met"] for d in case["deadlines"] if d["key"] == "police_decision"] == [True]

    login_as(hr)
    text = page_text(client.get(f"/cases/{breach}"))
    assert "Reporting to the ICO" in text
    assert "Reported to the ICO" in text and "Home addresses of 40 residents" in text and "IC-1234" in text
    text = page_text(client.get(f"/cases/{abuse}"))
    assert "Police referral decision" in text and "Not referred to the police" in text
    assert "Abusive, no threat of violence" in text


def test_each_chronology_line_says_what_changed(api: Api, council, client, login_as):
    p = council
    hr = p["hr"]
    reference = api.report(p["reporter"], subjects=[p["subject"].email], flags=["personal_data_involved"])["reference"]
    api.act(hr, reference, "take_ownership")
    api.act(hr, reference, "record_ico_decision", report=False, reason="Only a first name was shown")
    api.act(hr, reference, "suspend_rights", subject=p["subject"].email, reason="While we look")
    login_as(hr)
    page = client.get(f"/cases/{reference}").get_data(as_text=True)
    chronology = " ".join(page.split("Chronology", 1)[1].split())
    assert "ICO decision" in chronology
    assert "Decided not to report the breach to the ICO: Only a first name was shown." in chronology
    assert "Hana HR took the case on." in chronology
    assert "Publishing rights of Sam Subject suspended on every council account: While we look." in chronology
    assert "Record ico decision" not in page and "@" not in chronology.split("</table>", 1)[0].split("<tbody", 1)[1]


def test_a_close_that_cannot_happen_yet_says_why(api: Api, council, client, login_as):
    p = council
    hr = p["hr"]
    reference = api.report(p["victim"], kind="abuse", categories=["threats"])["reference"]
    api.act(hr, reference, "take_ownership")
    api.act(hr, reference, "refer", agency="police", reason="Threat to kill")
    login_as(hr)
    page = " ".join(client.get(f"/cases/{reference}").get_data(as_text=True).split())
    assert "Close the case</strong> is not possible now: The police referral is still pending" in page
    refused = client.get(f"/cases/{reference}/actions/close")
    assert refused.status_code == 409
    text = " ".join(refused.get_data(as_text=True).split())
    assert "You cannot do this on the case now: The police referral is still pending: record its result" in text


def test_why_rights_are_not_suspended_is_asked_only_when_they_are_not(api: Api, council, client, login_as):
    p = council
    hr = p["hr"]
    reference = api.report(p["reporter"], subjects=[p["subject"].email])["reference"]
    api.act(hr, reference, "take_ownership")
    login_as(hr)
    question = "Why are publishing rights not suspended?"
    assert question in client.get(f"/cases/{reference}/actions/start_investigation").get_data(as_text=True)
    api.act(hr, reference, "suspend_rights", subject=p["subject"].email, reason="While we look")
    form = client.get(f"/cases/{reference}/actions/start_investigation").get_data(as_text=True)
    assert "Who will investigate?" in form and question not in form
