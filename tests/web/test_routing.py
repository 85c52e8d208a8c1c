"""Scope and routing at intake (issue 13, item 5; Acceptable Use of Social Media Policy 2 and 3), through
the report form and the API: each route, answers that contradict, the routed case's actions and who may
take them, the HR summary, and what the reporter sees."""

import csv
import io
import re

import pytest
from sqlalchemy import select

from casework.models import Case, CaseEvent, Notification, OutboxEmail

from .test_api_fixtures import Api, api_fixture, case_row, council_fixture, count  # noqa: F401  (fixtures)
from .test_api_reports import pdf_text

MONITORING_OFFICER = "monitoring.officer@council.invalid"
SCHOOLS = "schools.hr@council.invalid"
HILL_PRIMARY = "head@hill-primary.sch.invalid"
WHISTLEBLOWING = "whistleblowing@council.invalid"
LADO = "lado@council.invalid"


@pytest.fixture(autouse=True)
def contacts(app, monkeypatch):
    monkeypatch.setitem(app.config, "MONITORING_OFFICER_EMAIL", MONITORING_OFFICER)
    monkeypatch.setitem(app.config, "SCHOOLS_EMAIL", SCHOOLS)
    monkeypatch.setitem(app.config, "SCHOOL_CONTACTS", {"Hill Primary School": HILL_PRIMARY})
    monkeypatch.setitem(app.config, "WHISTLEBLOWING_EMAIL", WHISTLEBLOWING)
    monkeypatch.setitem(app.config, "LADO_EMAIL", LADO)


def outbox_to(db_session, case) -> list[str]:
    """The e-mails to people outside Casework (the contacts) about this case."""
    contacts = {MONITORING_OFFICER, SCHOOLS, HILL_PRIMARY, WHISTLEBLOWING, LADO}
    sent = db_session.scalars(select(OutboxEmail.to_address).where(OutboxEmail.case_id == case.id))
    return [address for address in sent if address in contacts]


def told(db_session, case) -> set[int]:
    return set(db_session.scalars(select(Notification.user_id).where(Notification.case_id == case.id)))


def routed_event(db_session, case) -> CaseEvent:
    return db_session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action == "routed"))


# --- the report form ----------------------------------------------------------------------------


def form(**changes):
    values = {
        "subject_1": "",
        "subject_2": "",
        "subject_3": "",
        "categories": ["political"],
        "platform": "x",
        "incident_date": ["3", "2", "2026"],
        "description": "Posted party campaign material and called residents names.",
        "whistleblowing": "no",
    }
    values.update(changes)
    return {key: value for key, value in values.items() if value is not None}


def reference_from(response) -> str:
    match = re.fullmatch(r"/cases/(SMC-\d{4}-\d{5})", response.headers["Location"])
    assert match, response.headers.get("Location")
    return match.group(1)


def test_the_breach_form_asks_the_questions_that_decide_scope(client, login_as, council):
    login_as(council["reporter"])
    html = client.get("/report/breach").get_data(as_text=True)
    for name in ("scope", "person_name", "school_name", "children_at_risk", "whistleblowing"):
        assert f'name="{name}"' in html, name
    assert "Monitoring Officer" in html and "Acceptable Use of Social Media Policy 3" in html
    # online abuse of a member of staff is HR's to support, whoever did it: no routing questions
    assert 'name="scope"' not in client.get("/report/abuse").get_data(as_text=True)


def test_a_report_about_a_councillor_goes_to_the_monitoring_officer(client, db_session, login_as, council):
    login_as(council["reporter"])
    client.get("/report/breach")
    response = client.post("/report/breach", data=form(scope="councillor", person_name="Cllr Pat Example"))
    assert response.status_code == 302
    case = case_row(db_session, reference_from(response))
    assert (case.stage, case.route, case.scope, case.named_person) == (
        "routed",
        "monitoring_officer",
        "councillor",
        "Cllr Pat Example",
    )
    assert case.subjects == [] and case.owner_id is None
    event = routed_event(db_session, case)
    assert event.from_stage == "reported" and event.to_stage == "routed"
    assert "Acceptable Use of Social Media Policy 2" in event.data["reason"] == case.route_reason
    # the Monitoring Officer is e-mailed the reference only; HR is told to pass it on
    assert outbox_to(db_session, case).count(MONITORING_OFFICER) == 1
    mail = db_session.scalar(select(OutboxEmail).where(OutboxEmail.to_address == MONITORING_OFFICER))
    assert case.reference in mail.body and "campaign" not in mail.body
    assert council["hr"].id in told(db_session, case)

    # the confirmation says in plain words where it went and who will deal with it
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "It has been passed to the council&#39;s Monitoring Officer" in page
    assert "Where your report went" in page and "Code of Conduct for Members" in page
    assert MONITORING_OFFICER in page and "Passed on" in page


def test_a_report_about_school_staff_goes_to_the_school_and_the_lado(client, db_session, login_as, council):
    login_as(council["reporter"])
    client.get("/report/breach")
    data = form(
        scope="school_staff",
        school_name="Hill  Primary School",
        person_name="A teaching assistant",
        children_at_risk="yes",
        categories=["service_user_contact"],
    )
    response = client.post("/report/breach", data=data)
    assert response.status_code == 302
    case = case_row(db_session, reference_from(response))
    assert (case.route, case.school_name, case.children_at_risk, case.safeguarding_concern) == (
        "school",
        "Hill  Primary School",
        True,
        True,
    )
    # the existing referral mechanism: a pending LADO referral due within a working day
    (referral,) = case.referrals
    assert (referral.agency, referral.status) == ("lado", "pending") and referral.due_at is not None
    assert sorted(outbox_to(db_session, case)) == sorted([HILL_PRIMARY, LADO])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hill  Primary School" in page and "Local Authority Designated Officer" in page


def test_school_staff_without_children_at_risk_go_to_the_schools_team(client, db_session, login_as, council):
    login_as(council["reporter"])
    client.get("/report/breach")
    data = form(scope="school_staff", school_name="Other Academy", person_name="Mr B", children_at_risk="no")
    case = case_row(db_session, reference_from(client.post("/report/breach", data=data)))
    assert case.route == "school" and case.referrals == []
    assert outbox_to(db_session, case) == [SCHOOLS]


def test_a_whistleblowing_concern_goes_to_the_whistleblowing_procedure(client, db_session, login_as, council):
    login_as(council["reporter"])
    client.get("/report/breach")
    data = form(subject_1=council["subject"].email, whistleblowing="yes")
    response = client.post("/report/breach", data=data)
    case = case_row(db_session, reference_from(response))
    assert (case.route, case.whistleblowing, [s.id for s in case.subjects]) == (
        "whistleblowing",
        True,
        [council["subject"].id],
    )
    assert "Acceptable Use of Social Media Policy 3" in case.route_reason
    assert outbox_to(db_session, case) == [WHISTLEBLOWING]
    # the named person's line manager and department managers are not told, and cannot open it
    assert told(db_session, case) == {council["hr"].id}
    login_as(council["manager"])
    assert client.get(f"/cases/{case.reference}").status_code == 404
    assert case.reference not in client.get("/cases").get_data(as_text=True)


def test_a_report_about_council_staff_is_not_routed(client, db_session, login_as, council):
    """A councillor's name typed and then left behind when the answer changed is not part of the report."""
    login_as(council["reporter"])
    client.get("/report/breach")
    data = form(subject_1=council["subject"].email, scope="council_staff", person_name="Cllr Typed Earlier")
    case = case_row(db_session, reference_from(client.post("/report/breach", data=data)))
    assert (case.stage, case.route, case.named_person) == ("reported", None, None)
    assert routed_event(db_session, case) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"scope": "councillor", "person_name": ""}, "Enter the councillor&#39;s name"),
        (
            {"scope": "councillor", "person_name": "Cllr X", "subject_1": "SUBJECT"},
            "A councillor is not in the staff",
        ),
        (
            {"scope": "school_staff", "person_name": "T", "children_at_risk": "yes"},
            "Enter the name of the school",
        ),
        ({"scope": "school_staff", "school_name": "Hill", "person_name": "T"}, "Say whether children may be"),
        ({"scope": "head teacher"}, "Choose who the report is about"),
    ],
)
def test_contradicting_or_missing_answers_are_refused_and_nothing_is_saved(
    client, db_session, login_as, council, data, message
):
    login_as(council["reporter"])
    client.get("/report/breach")
    data = {key: council["subject"].email if value == "SUBJECT" else value for key, value in data.items()}
    before = count(db_session, Case)
    response = client.post("/report/breach", data=form(**data))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html and "<title>Error: " in html
    assert count(db_session, Case) == before
    assert count(db_session, OutboxEmail, OutboxEmail.to_address == MONITORING_OFFICER) == 0


# --- the API ------------------------------------------------------------------------------------


ROUTES = {
    "monitoring_officer": {"scope": "councillor", "person_name": "Cllr Pat Example"},
    "school": {
        "scope": "school_staff",
        "person_name": "A teaching assistant",
        "school_name": "Hill Primary School",
        "children_at_risk": True,
    },
    "whistleblowing": {"whistleblowing": True, "subjects": ["SUBJECT"]},
}


def routed(api, council, which, **extra):
    fields = {
        key: [council["subject"].email] if value == ["SUBJECT"] else value for key, value in ROUTES[which].items()
    }
    return api.report(council["reporter"], **fields, **extra)


@pytest.mark.parametrize("route", list(ROUTES))
def test_the_api_accepts_and_returns_the_route(api: Api, db_session, council, route):
    body = routed(api, council, route, route=route)  # the route it expects agrees with the answers
    assert body["view"] == "reporter" and body["stage"] == "routed" and body["route"] == route
    assert body["status"] == "Passed on" and "will contact you" in body["route_explanation"]
    full = api.case(council["hr"], body["reference"])
    assert full["route"] == route and full["stage"] == "routed" and full["route_reason"]
    assert "Acceptable Use of Social Media Policy" in full["route_reason"]
    assert full["whistleblowing"] is (route == "whistleblowing")
    assert set(full["available_actions"]) <= {
        "record_handoff",
        "reroute",
        "add_note",
        "record_ico_decision",
        "update_referral",
    }
    listed = api.get(council["hr"], "/cases").get_json()["items"]
    assert next(item for item in listed if item["reference"] == body["reference"])["route"] == route
    events = api.get(council["hr"], f"/cases/{body['reference']}/events").get_json()
    assert [e["action"] for e in events["items"] if e["action"] == "routed"] == ["routed"]


def test_a_report_without_routing_answers_is_not_routed(api: Api, council):
    body = api.report(council["reporter"], subjects=[council["subject"].email])
    assert body["stage"] == "reported" and "route" not in body
    assert api.case(council["hr"], body["reference"])["route"] is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"scope": "councillor", "person_name": "Cllr X", "subjects": ["SUBJECT"]}, "subjects"),
        ({"scope": "councillor", "person_name": "Cllr X", "children_at_risk": True}, "children_at_risk"),
        ({"scope": "councillor"}, "person_name"),
        ({"scope": "school_staff", "person_name": "T", "school_name": "Hill"}, "children_at_risk"),
        ({"subjects": ["SUBJECT"], "route": "monitoring_officer"}, "route"),
        ({"scope": "councillor", "person_name": "Cllr X", "route": "disciplinary"}, "route"),
        ({"kind": "abuse", "categories": ["threats"], "whistleblowing": True}, "scope"),
    ],
)
def test_the_api_refuses_answers_that_contradict(api: Api, db_session, council, fields, field):
    fields = {key: [council["subject"].email] if value == ["SUBJECT"] else value for key, value in fields.items()}
    before = count(db_session, Case)
    body = api.report(council["reporter"], expect=422, **fields)
    assert field in body["error"]["fields"], body
    assert count(db_session, Case) == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"scope": "mayor"}, "scope"), ({"route": "ombudsman"}, "route"), ({"whistleblowing": "yes"}, "whistleblowing")],
)
def test_the_api_refuses_codes_and_types_it_does_not_know(api: Api, council, fields, field):
    response = api.post(council["reporter"], "/cases", json={"kind": "breach", **fields})
    assert response.status_code in (400, 422)
    assert field in response.get_json()["error"]["fields"]


# --- the routed case's actions --------------------------------------------------------------------

# Who may take a routed case's actions: HR (and an owner, who is a manager or HR); the reporter sees
# their report but may not act on it (403); anyone else, the line manager of the person it names
# included, may not even see it (404)
ACTORS = {
    "hr": 200,
    "reporter": 403,
    "manager": 404,
    "manager2": 404,
    "investigator": 404,
    "head": 404,
    "outsider": 404,
    "admin": 404,
}
ACTION_PARAMS = {
    "record_handoff": {"text": "Sent to the whistleblowing officer by secure e-mail.", "handoff_reference": "WB-7"},
    "reroute": {"reason": "Not a whistleblowing concern: a complaint about conduct."},
}


@pytest.mark.parametrize("action", list(ACTION_PARAMS))
@pytest.mark.parametrize("who", list(ACTORS))
def test_who_may_act_on_a_routed_case(api: Api, db_session, council, who, action):
    reference = routed(api, council, "whistleblowing")["reference"]
    version = case_row(db_session, reference).version
    response = api.post(
        council[who],
        f"/cases/{reference}/actions",
        json={"action": action, "version": version, **ACTION_PARAMS[action]},
    )
    assert response.status_code == ACTORS[who], response.get_json()
    if ACTORS[who] != 200:
        assert case_row(db_session, reference).version == version  # nothing changed


def test_hr_records_the_hand_off_and_closes(api: Api, db_session, council):
    reference = routed(api, council, "school")["reference"]
    hr = council["hr"]
    refused = api.act(hr, reference, "close_routed", expect=409)
    assert refused["error"]["message"] == "Record the hand-off before closing the case"
    missing = api.act(hr, reference, "record_handoff", expect=422)
    assert "text" in missing["error"]["fields"]
    body = api.act(hr, reference, "record_handoff", **ACTION_PARAMS["record_handoff"])
    assert body["stage"] == "routed" and body["handoff"]["reference"] == "WB-7"
    refused = api.act(hr, reference, "close_routed", expect=409)
    assert "LADO referral is still open" in refused["error"]["message"]
    referral_id = body["referrals"][0]["id"]
    api.act(hr, reference, "update_referral", referral_id=referral_id, status="concluded", result="Advice given.")
    body = api.act(hr, reference, "close_routed", reason="The school dealt with it.")
    assert body["stage"] == "closed" and body["route"] == "school"
    # a disciplinary action is refused all along
    refused = api.act(hr, reference, "take_ownership", expect=409)
    assert refused["error"]["code"]
    # the reporter is told it is concluded and still sees where it went
    mine = api.case(council["reporter"], reference)
    assert mine["status"] == "Concluded" and mine["route"] == "school"


def test_a_disciplinary_action_is_refused_on_a_routed_case(api: Api, db_session, council):
    reference = routed(api, council, "monitoring_officer")["reference"]
    for action, params in (
        ("take_ownership", {}),
        ("refer", {"agency": "police", "reason": "Threats."}),
        ("start_investigation", {"investigator": council["investigator"].email, "no_suspension_reason": "n/a"}),
    ):
        refused = api.act(council["hr"], reference, action, expect=409, **params)
        assert (
            "routed to the Monitoring Officer" in refused["error"]["message"]
            or "not possible" in (refused["error"]["message"])
        ), refused
    assert case_row(db_session, reference).stage == "routed"


def test_a_wrongly_routed_report_returns_to_the_disciplinary_process(api: Api, db_session, council):
    reference = routed(api, council, "monitoring_officer")["reference"]
    hr, subject = council["hr"], council["subject"]
    missing = api.act(hr, reference, "reroute", expect=422)
    assert set(missing["error"]["fields"]) == {"reason", "subjects"}
    assert case_row(db_session, reference).stage == "routed"
    body = api.act(
        hr, reference, "reroute", reason="Pat is a council officer, not a councillor.", subjects=[subject.email]
    )
    assert body["stage"] == "reported" and body["route"] is None
    assert [s["email"] for s in body["subjects"]] == [subject.email]
    case = case_row(db_session, reference)
    assert {council["manager"].id, council["hr"].id, council["reporter"].id} <= told(db_session, case)
    # now the managers of the person it is about see it and take it on as usual
    api.act(council["manager"], reference, "take_ownership")
    events = api.get(hr, f"/cases/{reference}/events").get_json()["items"]
    rerouted = next(e for e in events if e["action"] == "reroute")
    assert rerouted["data"]["from_route"] == "monitoring_officer" and rerouted["data"]["reason"]


# --- what the reporter sees -------------------------------------------------------------------------


def test_the_reporter_sees_where_it_went_and_nothing_of_its_handling(api: Api, client, db_session, login_as, council):
    reference = routed(api, council, "whistleblowing")["reference"]
    api.act(council["hr"], reference, "record_handoff", text="Handed to Ms Officer, WB team, with HR's notes.")
    api.act(council["hr"], reference, "add_note", kind="note", text="Internal: the named colleague is on leave.")
    mine = api.case(council["reporter"], reference)
    assert mine["route"] == "whistleblowing" and mine["route_contact"] == WHISTLEBLOWING
    for hidden in ("route_reason", "handoff", "notes", "subjects", "named_person", "available_actions"):
        assert hidden not in mine, hidden
    login_as(council["reporter"])
    page = client.get(f"/cases/{reference}").get_data(as_text=True)
    assert "Where your report went" in page and "whistleblowing officer" in page
    assert "Ms Officer" not in page and "on leave" not in page and council["subject"].name not in page
    assert client.get(f"/cases/{reference}/actions/record_handoff").status_code == 404


def test_hr_sees_the_route_its_reason_and_the_hand_off_on_the_case_page(api: Api, client, login_as, council):
    reference = routed(api, council, "school")["reference"]
    api.act(council["hr"], reference, "record_handoff", text="Sent to the head teacher.", handoff_reference="HP-1")
    full = api.case(council["hr"], reference)
    assert full["school_name"] == "Hill Primary School" and full["children_at_risk"] is True
    assert full["handoff"]["note"] == "Sent to the head teacher."
    login_as(council["hr"])
    page = client.get(f"/cases/{reference}").get_data(as_text=True)
    assert "Scope and routing" in page and "The school&#39;s own procedure" in page
    assert HILL_PRIMARY in page and "HP-1" in page and "Acceptable Use of Social Media Policy 2" in page
    assert "Return to the disciplinary process" in page
    # it cannot be closed yet, and the page says why
    assert "The LADO referral is still open: record its result before closing the case" in page
    assert "Take ownership" not in page


# --- the statistics ---------------------------------------------------------------------------------


def test_routed_reports_stay_in_the_hr_summary_counted_by_route(api: Api, db_session, council):
    for route in ("monitoring_officer", "school", "whistleblowing", "whistleblowing"):
        routed(api, council, route)
    api.report(council["reporter"], subjects=[council["subject"].email])
    summary = api.get(council["hr"], "/reports/summary.json").get_json()
    assert summary["by_route"] == {"monitoring_officer": 1, "school": 1, "whistleblowing": 2}
    assert summary["by_stage"]["routed"] == 4 and summary["opened"] == 5

    rows = list(csv.reader(io.StringIO(api.get(council["hr"], "/reports/summary.csv").get_data(as_text=True))))
    by_route = {row[2]: row[3] for row in rows if row and row[0] == "by_route"}
    assert by_route == {"monitoring_officer": "1", "school": "1", "whistleblowing": "2"}
    labels = {row[1] for row in rows if row and row[0] == "by_route"}
    assert "Whistleblowing procedure" in labels

    text = "\n".join(pdf_text(api.get(council["hr"], "/reports/summary.pdf").data))
    assert "Reports routed to another procedure" in text and "Monitoring Officer" in text


def test_the_case_report_says_where_a_routed_report_went(api: Api, council):
    reference = routed(api, council, "monitoring_officer")["reference"]
    api.act(council["hr"], reference, "record_handoff", text="Given to the Monitoring Officer in person.")
    response = api.get(council["hr"], f"/cases/{reference}/report.pdf")
    assert response.status_code == 200
    text = "\n".join(pdf_text(response.data))
    assert "Scope and routing" in text and "Monitoring Officer (a councillor)" in text
    assert "Given to the Monitoring Officer in person." in text and "Cllr Pat Example" in text
