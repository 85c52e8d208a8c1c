"""The JSON API (DESIGN §10): whole cases through it, who sees what, and the case list."""

import base64
import hashlib

from sqlalchemy import select

from casework.models import AccessLog, Notification, OutboxEmail
from casework.services.audit import verify_all

from .test_api_fixtures import (  # noqa: F401  (fixtures)
    Api,
    access_actions,
    api_fixture,
    case_row,
    council_fixture,
    count,
    event_actions,
    png_bytes,
)


def test_a_breach_from_report_to_closure(api: Api, council, db_session):
    p = council
    created = api.report(
        p["reporter"],
        subjects=[p["subject"].email],
        categories=["confidential_information", "disrepute"],
        flags=["personal_data_involved"],
    )
    reference = created["reference"]
    assert created["stage"] == "reported"
    assert created["view"] == "reporter" and created["status"] == "Received"

    case = api.case(p["manager"], reference)
    assert case["view"] == "full" and case["stage"] == "reported" and case["version"] >= 1
    assert case["subjects"][0]["email"] == p["subject"].email
    assert case["flags"] == ["personal_data_involved"]
    assert "take_ownership" in case["available_actions"]
    assert case["next_deadline"] is not None  # the ICO decision clock

    case = api.act(p["manager"], reference, "take_ownership", version=case["version"])
    assert case["stage"] == "assessment" and case["owner"]["email"] == p["manager"].email

    case = api.act(
        p["manager"], reference, "suspend_rights", subject=p["subject"].email, accounts="all", reason="Resident data"
    )
    assert case["stage"] == "rights_suspended"
    assert [s["active"] for s in case["suspensions"]] == [True]
    db_session.refresh(p["right"])
    assert p["right"].status == "suspended"

    case = api.act(p["manager"], reference, "start_investigation", investigator=p["investigator"].email)
    assert case["stage"] == "investigation" and case["investigator"]["email"] == p["investigator"].email

    case = api.act(
        p["investigator"],
        reference,
        "add_note",
        kind="interview",
        interviewee_name="Sam Jones",
        interviewee_role="subject",
        text="Admitted it",
    )
    assert case["notes"][-1]["kind"] == "interview" and case["notes"][-1]["author"]["email"] == p["investigator"].email

    image = png_bytes()
    uploaded = api.upload(p["investigator"], reference, image, "screenshot.png", "The post").get_json()
    assert uploaded["sha256"] == hashlib.sha256(image).hexdigest()
    assert uploaded["content_type"] == "image/png" and uploaded["size"] == len(image)

    download = api.get(p["manager"], f"/cases/{reference}/evidence/{uploaded['id']}")
    assert download.status_code == 200
    assert download.data == image
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "screenshot.png" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.mimetype == "image/png"
    assert "download" in access_actions(db_session, reference)

    case = api.act(
        p["hr"],
        reference,
        "record_outcome",
        finding="substantiated",
        sanction="management_advice",
        rights_decision="restored",
        summary="Breach of 4.2: resident data disclosed",
        content_removed=True,
    )
    assert case["stage"] == "outcome"
    assert case["outcome"]["sanction"] == "management_advice" and case["outcome"]["live_until"] is None
    assert case["outcome"]["content_removed"] is True
    assert [s["active"] for s in case["suspensions"]] == [False]
    db_session.refresh(p["right"])
    assert p["right"].status == "active"

    case = api.act(p["hr"], reference, "refer", agency="police", reason="Possible offence", agency_reference="CR/1")
    assert case["stage"] == "referred" and case["stage_before_referral"] == "outcome"
    referral = case["referrals"][0]
    assert (referral["agency"], referral["status"], referral["agency_reference"]) == ("police", "pending", "CR/1")
    api.act(p["hr"], reference, "close", expect=409)  # an open referral

    case = api.act(
        p["hr"], reference, "update_referral", referral_id=referral["id"], status="concluded", result="No charge"
    )
    assert case["referrals"][0]["status"] == "concluded"
    api.act(p["hr"], reference, "close", expect=409)  # the appeal window is open
    api.act(p["hr"], reference, "waive_appeal", subject=p["subject"].email, reason="Said so in writing")
    case = api.act(p["hr"], reference, "close")
    assert case["stage"] == "closed" and case["closed_at"] and case["next_deadline"] is None
    assert case["available_actions"] == ["reopen"]

    assert event_actions(db_session, reference) == [
        "reported",
        "take_ownership",
        "suspend_rights",
        "start_investigation",
        "add_note",
        "evidence_added",
        "record_outcome",
        "refer",
        "update_referral",
        "waive_appeal",
        "close",
    ]
    trail = api.get(p["hr"], f"/cases/{reference}/events").get_json()["items"]
    assert [e["seq"] for e in trail] == list(range(1, 12))
    assert [(e["from_stage"], e["to_stage"]) for e in trail][-1] == ("referred", "closed")
    assert all(later["prev_hash"] == earlier["hash"] for earlier, later in zip(trail, trail[1:], strict=False))
    assert trail[5]["data"]["sha256"] == uploaded["sha256"]
    assert trail[1]["actor"]["email"] == p["manager"].email
    assert verify_all().intact

    row = case_row(db_session, reference)
    assert count(db_session, OutboxEmail, OutboxEmail.case_id == row.id) > 0
    told = db_session.scalars(select(Notification.message).where(Notification.user_id == p["investigator"].id)).all()
    assert any("asked to investigate" in m for m in told)

    mine = api.case(p["reporter"], reference)
    assert mine["status"] == "Concluded" and "stage" not in mine and "outcome" not in mine


def test_an_abuse_case_from_report_to_closure(api: Api, council, db_session):
    p = council
    created = api.report(
        p["victim"],
        kind="abuse",
        categories=["threats", "doxxing"],
        platform="x",
        description="Strangers posted my home address and threats.",
        criminal_offence=True,
    )
    reference = created["reference"]
    assert created["stage"] == "reported"

    case = api.case(p["manager"], reference)  # the victim's line manager
    assert case["kind"] == "abuse" and case["flags"] == ["criminal_offence"] and case["subjects"] == []
    case = api.act(p["manager"], reference, "take_ownership", version=case["version"])
    api.act(p["manager"], reference, "suspend_rights", subject=p["subject"].email, reason="x", expect=409)
    case = api.act(p["manager"], reference, "record_support", text="Reported to X; removal requested; welfare call")
    assert case["stage"] == "support"
    case = api.act(p["manager"], reference, "add_note", kind="meeting", text="Met the victim with their union rep")
    image = png_bytes((0, 0, 200))
    uploaded = api.upload(p["manager"], reference, image, "threat.png").get_json()
    download = api.get(p["hr"], f"/cases/{reference}/evidence/{uploaded['id']}")
    assert download.data == image and download.headers["X-Content-Type-Options"] == "nosniff"

    case = api.act(p["manager"], reference, "refer", agency="police", reason="Threats", agency_reference="CR/99")
    assert case["stage"] == "referred"
    case = api.act(
        p["manager"],
        reference,
        "update_referral",
        referral_id=case["referrals"][0]["id"],
        status="concluded",
        result="Suspect cautioned",
    )
    case = api.act(p["manager"], reference, "resume")
    assert case["stage"] == "support" and case["stage_before_referral"] is None
    case = api.act(p["manager"], reference, "close")
    assert case["stage"] == "closed"

    assert event_actions(db_session, reference) == [
        "reported",
        "take_ownership",
        "record_support",
        "add_note",
        "evidence_added",
        "refer",
        "update_referral",
        "resume",
        "close",
    ]
    assert verify_all().intact

    mine = api.case(p["victim"], reference)
    assert mine["status"] == "Concluded"
    assert [s["text"] for s in mine["support"]] == ["Reported to X; removal requested; welfare call"]
    assert "Met the victim" not in str(mine)


def test_two_managers_acting_on_the_same_version_only_one_wins(api: Api, council, db_session):
    p = council
    reference = api.report(p["reporter"], subjects=[p["subject"].email])["reference"]
    version = api.case(p["manager"], reference)["version"]
    first = api.post(p["manager"], f"/cases/{reference}/actions", json={"action": "take_ownership", "version": version})
    second = api.post(
        p["manager2"], f"/cases/{reference}/actions", json={"action": "take_ownership", "version": version}
    )
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.get_json()["error"]["code"] == "conflict"
    assert "changed since" in second.get_json()["error"]["message"]
    assert event_actions(db_session, reference) == ["reported", "take_ownership"]
    assert api.case(p["hr"], reference)["owner"]["email"] == p["manager"].email

    # acting again at the new version works; at the old one it does not
    new_version = first.get_json()["version"]
    assert new_version > version
    stale = api.post(
        p["manager2"],
        f"/cases/{reference}/actions",
        json={"action": "close_no_further_action", "version": version, "reason": "Nothing in it"},
    )
    assert stale.status_code == 409
    assert api.case(p["hr"], reference)["stage"] == "assessment"


def test_a_reporter_sees_only_the_reporters_view(api: Api, council, db_session):
    p = council
    reference = api.report(p["reporter"], subjects=[p["subject"].email], description="He posted her address")[
        "reference"
    ]
    api.act(p["manager"], reference, "take_ownership")
    api.act(p["manager"], reference, "add_note", kind="note", text="Internal: subject has a live warning")

    mine = api.case(p["reporter"], reference)
    assert set(mine) == {
        "view",
        "reference",
        "kind",
        "status",
        "created_at",
        "platform",
        "incident_date",
        "description",
        "information_added",
        "your_files",
    }
    assert mine["your_files"] == []
    assert mine["status"] == "Being looked into" and mine["description"] == "He posted her address"
    assert p["subject"].email not in str(mine) and "Internal" not in str(mine)

    assert api.get(p["reporter"], f"/cases/{reference}/events").status_code == 403
    forbidden = api.post(
        p["reporter"],
        f"/cases/{reference}/actions",
        json={
            "action": "close_no_further_action",
            "version": api.case(p["manager"], reference)["version"],
            "reason": "I changed my mind",
        },
    )
    assert forbidden.status_code == 403 and forbidden.get_json()["error"]["code"] == "forbidden"

    listed = api.get(p["reporter"], "/cases").get_json()["items"]
    assert [item["reference"] for item in listed] == [reference]
    assert set(listed[0]) == {"view", "reference", "kind", "status", "created_at", "platform", "incident_date"}

    # a subject never sees their own case; an admin sees no case content; neither learns it exists
    for outsider in (p["admin"], p["outsider"]):
        response = api.get(outsider, f"/cases/{reference}")
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
        assert api.get(outsider, "/cases").get_json()["items"] == []
    assert "view" in access_actions(db_session, reference)


def test_every_view_of_a_case_is_logged(api: Api, council, db_session):
    p = council
    reference = api.report(p["reporter"], subjects=[p["subject"].email])["reference"]
    row = case_row(db_session, reference)
    before = count(db_session, AccessLog, AccessLog.case_id == row.id)
    api.case(p["manager"], reference)
    api.get(p["manager"], f"/cases/{reference}/events")
    assert count(db_session, AccessLog, AccessLog.case_id == row.id) == before + 2
    assert count(db_session, AccessLog, AccessLog.case_id == row.id, AccessLog.user_id == p["manager"].id) == 2


def test_the_list_shows_only_visible_cases_a_page_at_a_time(api: Api, council, make_user):
    p = council
    references = [api.report(p["reporter"], subjects=[p["subject"].email])["reference"] for _ in range(5)]
    elsewhere = make_user("employee", department=p["outsider"].department)
    other = api.report(p["reporter"], subjects=[elsewhere.email])["reference"]  # Parks, not Housing
    newest_first = [other, *reversed(references)]

    everything = api.get(p["hr"], "/cases?limit=100").get_json()
    assert [c["reference"] for c in everything["items"]] == newest_first
    assert everything["next_cursor"] is None
    assert everything["items"][0]["view"] == "full" and "version" in everything["items"][0]

    seen, cursor, pages = [], None, 0
    while True:
        response = api.get(p["manager"], "/cases?limit=2" + (f"&cursor={cursor}" if cursor else ""))
        assert response.status_code == 200
        body = response.get_json()
        seen += [c["reference"] for c in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(references))  # the Parks case is not Mo's to see
    assert pages == 3

    assert [c["reference"] for c in api.get(p["outsider"], "/cases").get_json()["items"]] == [other]
    assert api.get(p["subject"], "/cases").get_json()["items"] == []
    api.act(p["manager"], references[0], "take_ownership")
    assessed = api.get(p["manager"], "/cases?stage=assessment").get_json()["items"]
    assert [c["reference"] for c in assessed] == [references[0]]
    assert api.get(p["manager"], "/cases?kind=abuse").get_json()["items"] == []
    assert len(api.get(p["manager"], "/cases?category=confidential_information").get_json()["items"]) == 5

    for bad in (
        "!!!",
        "id:3",
        base64.urlsafe_b64encode(b"id:abc").decode(),
        base64.urlsafe_b64encode(b"id:0").decode(),
        "x" * 100,
    ):
        response = api.get(p["manager"], f"/cases?cursor={bad}")
        assert response.status_code == 400, bad
        assert "cursor" in response.get_json()["error"]["fields"]
    for query in ("stage=nonsense", "kind=complaint", "limit=0", "limit=101", "limit=two", "category=x"):
        assert api.get(p["manager"], f"/cases?{query}").status_code == 400, query


def test_a_subject_never_sees_their_own_case_even_with_a_token(api: Api, council, make_user):
    p = council
    subject_manager = make_user("manager", department=p["housing"])
    reference = api.report(p["reporter"], subjects=[subject_manager.email])["reference"]
    assert api.get(subject_manager, f"/cases/{reference}").status_code == 404
    assert api.get(subject_manager, "/cases").get_json()["items"] == []
    assert api.get(p["manager"], f"/cases/{reference}").status_code == 200


def test_a_manager_logs_a_public_complaint(api: Api, council):
    p = council
    case = api.report(
        p["manager"],
        source="public_complaint",
        subjects=[p["subject"].email],
        complainant_name="A Resident",
        complainant_contact="resident@example.org",
        personal_data_involved=True,
        severity="high",
    )
    assert case["view"] == "full" and case["source"] == "public_complaint"
    assert case["complainant_name"] == "A Resident" and case["flags"] == ["personal_data_involved"]
    assert case["severity"] == "high"
    refused = api.report(p["reporter"], expect=422, source="public_complaint", subjects=[p["subject"].email])
    assert "source" in refused["error"]["fields"]
