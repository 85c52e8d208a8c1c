"""Scope and routing at intake (issue 13, item 5; Acceptable Use of Social Media Policy 2 and 3), as pure
rules: where a report goes and why, answers that contradict one another, what a routed case allows, and
who sees it. No Flask, no database."""

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from casework.domain.actions import ACTIONS, CLOSE_ROUTED
from casework.domain.intake import ReportInput, validate_report
from casework.domain.permissions import View, view_level
from casework.domain.routing import (
    Route,
    Scope,
    ScopeAnswers,
    decide_route,
    reporter_explanation,
    scope_errors,
)
from casework.domain.workflow import Refusal, RefusalCode, available_actions, check, not_ready
from tests.unit.test_workflow_table import FakeCase

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 10, tzinfo=UTC)


# --- where it goes and why -------------------------------------------------------------------------


def test_a_councillor_goes_to_the_monitoring_officer_citing_paragraph_2():
    decision = decide_route(ScopeAnswers(scope=Scope.COUNCILLOR, person_name="Cllr Example"))
    assert decision.route == Route.MONITORING_OFFICER
    assert "Acceptable Use of Social Media Policy 2" in decision.reason
    assert "Monitoring Officer" in decision.reason and "Code of Conduct for Members" in decision.reason
    assert not decision.refer_to_lado


@pytest.mark.parametrize("at_risk", [True, False])
def test_school_staff_go_to_the_school_and_the_lado_only_when_children_may_be_at_risk(at_risk):
    answers = ScopeAnswers(
        scope=Scope.SCHOOL_STAFF, person_name="A. Teacher", school_name="Hill Primary", children_at_risk=at_risk
    )
    decision = decide_route(answers)
    assert decision.route == Route.SCHOOL
    assert "Hill Primary" in decision.reason and "Acceptable Use of Social Media Policy 2" in decision.reason
    assert decision.refer_to_lado is at_risk
    assert ("LADO" in decision.reason) is at_risk


@pytest.mark.parametrize("scope", list(Scope))
def test_a_whistleblowing_concern_goes_to_the_whistleblowing_procedure_whoever_it_is_about(scope):
    answers = ScopeAnswers(
        scope=scope,
        whistleblowing=True,
        person_name="" if scope == Scope.COUNCIL_STAFF else "Someone",
        school_name="Hill Primary" if scope == Scope.SCHOOL_STAFF else "",
        children_at_risk=True if scope == Scope.SCHOOL_STAFF else None,
    )
    decision = decide_route(answers)
    assert decision.route == Route.WHISTLEBLOWING
    assert "Acceptable Use of Social Media Policy 3" in decision.reason
    # Children at risk are still the LADO's business, whichever procedure deals with the person
    assert decision.refer_to_lado is (scope == Scope.SCHOOL_STAFF)


def test_council_staff_stay_in_the_disciplinary_process():
    assert decide_route(ScopeAnswers()).route is None


# --- answers that contradict one another ------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "subjects", "field"),
    [
        (ScopeAnswers(scope=Scope.COUNCILLOR), [], "person_name"),
        (ScopeAnswers(scope=Scope.COUNCILLOR, person_name="Cllr X"), ["sam@council.invalid"], "subjects"),
        (ScopeAnswers(scope=Scope.COUNCILLOR, person_name="Cllr X", children_at_risk=True), [], "children_at_risk"),
        (ScopeAnswers(scope=Scope.COUNCILLOR, person_name="Cllr X", school_name="Hill"), [], "school_name"),
        (ScopeAnswers(scope=Scope.SCHOOL_STAFF, person_name="T", children_at_risk=False), [], "school_name"),
        (ScopeAnswers(scope=Scope.SCHOOL_STAFF, school_name="Hill", children_at_risk=False), [], "person_name"),
        (ScopeAnswers(scope=Scope.SCHOOL_STAFF, person_name="T", school_name="Hill"), [], "children_at_risk"),
        (ScopeAnswers(children_at_risk=True), ["sam@council.invalid"], "children_at_risk"),
        (ScopeAnswers(person_name="Sam"), ["sam@council.invalid"], "person_name"),
        (ScopeAnswers(scope="teacher"), [], "scope"),
        (ScopeAnswers(scope=Scope.COUNCILLOR, person_name="Cllr\u202eX"), [], "person_name"),
        (ScopeAnswers(scope=Scope.COUNCILLOR, person_name="x" * 201), [], "person_name"),
        # The API says where it expects the report to go; the answers must lead there
        (ScopeAnswers(route="monitoring_officer"), ["sam@council.invalid"], "route"),
        (ScopeAnswers(scope=Scope.COUNCILLOR, person_name="Cllr X", route="disciplinary"), [], "route"),
        (
            ScopeAnswers(scope=Scope.COUNCILLOR, person_name="Cllr X", whistleblowing=True, route="monitoring_officer"),
            [],
            "route",
        ),
        (ScopeAnswers(route="elsewhere"), ["sam@council.invalid"], "route"),
    ],
)
def test_answers_that_contradict_are_refused_with_a_message(answers, subjects, field):
    errors = scope_errors(answers, kind="breach", subjects=subjects)
    assert field in errors, errors
    assert errors[field][:1].isupper() and "_" not in errors[field]


def test_a_route_the_answers_lead_to_is_accepted():
    answers = ScopeAnswers(scope=Scope.COUNCILLOR, person_name="Cllr X", route="monitoring_officer")
    assert scope_errors(answers, kind="breach", subjects=[]) == {}
    assert scope_errors(ScopeAnswers(route="disciplinary"), kind="breach", subjects=["a@b.invalid"]) == {}


@pytest.mark.parametrize(
    "answers",
    [
        ScopeAnswers(scope=Scope.COUNCILLOR, person_name="Cllr X"),
        ScopeAnswers(whistleblowing=True),
        ScopeAnswers(children_at_risk=False),
        ScopeAnswers(route="school"),
    ],
)
def test_a_report_of_online_abuse_is_not_routed(answers):
    """Online abuse of a member of staff is HR's to support, whoever is responsible."""
    assert scope_errors(answers, kind="abuse", subjects=[])


def report(**changes) -> ReportInput:
    values = {
        "kind": "breach",
        "subjects": [],
        "categories": ["political"],
        "platform": "x",
        "incident_date": TODAY,
        "description": "Posted party campaign material from the council's account.",
        **changes,
    }
    return ReportInput(**values)


def errors_of(item: ReportInput) -> dict:
    return validate_report(
        item, today=TODAY, may_log_complaint=False, known_subjects={"sam@council.invalid"}, reporter_email="r@x"
    )


def test_a_routed_report_needs_nobody_from_the_staff_directory():
    assert errors_of(report(scope="councillor", person_name="Cllr X")) == {}
    assert errors_of(report(whistleblowing=True)) == {}
    assert errors_of(report(scope="school_staff", school_name="Hill", person_name="T", children_at_risk=True)) == {}
    # but a report about council staff still names them
    assert "subjects" in errors_of(report())


# --- the routed case in the workflow ---------------------------------------------------------------


def person(id, role="employee", department_id=None, line_manager_id=None):
    return SimpleNamespace(
        id=id,
        email=f"p{id}@council.invalid",
        name=f"P {id}",
        role=role,
        department_id=department_id,
        department=None,
        line_manager_id=line_manager_id,
        staff_type="employee",
        active=True,
    )


HR = person(1, "hr")
OWNER = person(2, "manager", department_id=5)
LINE_MANAGER = person(3, "manager", department_id=6)
DEPARTMENT_MANAGER = person(4, "manager", department_id=7)
REPORTER = person(5)
SUBJECT = person(6, department_id=7, line_manager_id=3)
STAFF = person(7, "manager", department_id=7)


def routed_case(route="whistleblowing", **fields):
    values = {
        "id": 1,
        "kind": "breach",
        "stage": "routed",
        "route": route,
        "reporter": REPORTER,
        "reporter_id": REPORTER.id,
        "owner_id": None,
        "investigator_id": None,
        "subjects": [SUBJECT],
        "suspensions": [],
        "referrals": [],
        "outcome": None,
        "stage_before_referral": None,
        "hos_acknowledged_at": None,
        "categories": ["confidential_information"],
        "criminal_offence": False,
        "police_decision": None,
        "handed_off_at": None,
        "severity": None,
        "complainant_name": None,
        "hearing_officer_id": None,
        "hearing_officer": None,
        "hearings": [],
        "appeals": [],
        "conflicts": [],
        "hr_advice": [],
        "allegation_rows": [],
        "investigation_reports": [],
        **fields,
    }
    return FakeCase(**values)


def test_only_hr_and_the_owner_see_a_routed_report_in_full():
    """A whistleblower's report is not for the line manager or department manager of the person it names."""
    case = routed_case(owner_id=OWNER.id)
    assert view_level(HR, case) == View.FULL
    assert view_level(OWNER, case) == View.FULL
    assert view_level(LINE_MANAGER, case) == View.NONE
    assert view_level(DEPARTMENT_MANAGER, case) == View.NONE
    assert view_level(REPORTER, case) == View.REPORTER
    assert view_level(SUBJECT, case) == View.NONE
    # once returned to the disciplinary process, the usual rules apply
    case.route = None
    assert view_level(LINE_MANAGER, case) == View.FULL


def test_none_of_the_disciplinary_actions_apply_to_a_routed_report():
    case = routed_case()
    offered = {spec.name for spec in available_actions(HR, case)}
    assert offered == {"record_handoff", "reroute", "add_note", "record_ico_decision"}
    routed_actions = {name for name, action in ACTIONS.items() if action.on_routed_cases}
    assert routed_actions == {
        "record_handoff",
        "close_routed",
        "reroute",
        "add_note",
        "update_referral",
        "record_ico_decision",
    }
    for name in set(ACTIONS) - routed_actions:
        with pytest.raises(Refusal) as refused:
            check(name, HR, case, {"agency": "police", "reason": "x"}, people={})
        assert refused.value.code in (RefusalCode.WRONG_STAGE, RefusalCode.NOT_ALLOWED), name


def test_closing_needs_the_hand_off_and_the_lado_referral_concluded():
    case = routed_case("school")
    assert not_ready(CLOSE_ROUTED, case, TODAY) == "Record the hand-off before closing the case"
    case.handed_off_at = NOW
    case.referrals = [SimpleNamespace(id=1, agency="lado", status="acknowledged")]
    assert "LADO referral is still open" in not_ready(CLOSE_ROUTED, case, TODAY)
    case.referrals[0].status = "concluded"
    assert check("close_routed", HR, case, {}, people={}).to_stage == "closed"


def test_returning_to_the_disciplinary_process_needs_a_reason_and_a_member_of_staff():
    case = routed_case("monitoring_officer", subjects=[])
    with pytest.raises(Refusal) as refused:
        check("reroute", HR, case, {}, people={})
    assert set(refused.value.fields) == {"reason", "subjects"}
    with pytest.raises(Refusal) as refused:
        check("reroute", HR, case, {"reason": "Not a councillor", "subjects": ["nobody@x"]}, people={})
    assert refused.value.fields == {"subjects": "Choose people from the staff directory"}
    with pytest.raises(Refusal) as refused:
        check(
            "reroute",
            HR,
            case,
            {"reason": "Not a councillor", "subjects": [REPORTER.email]},
            people={REPORTER.email: REPORTER},
        )
    assert "reported it" in refused.value.fields["subjects"]
    allowed = check(
        "reroute", HR, case, {"reason": "Not a councillor", "subjects": [STAFF.email]}, people={STAFF.email: STAFF}
    )
    assert allowed.to_stage == "reported"


def test_a_hand_off_needs_to_say_what_was_done():
    with pytest.raises(Refusal) as refused:
        check("record_handoff", HR, routed_case(), {"text": " ", "handoff_reference": "x" * 101}, people={})
    assert set(refused.value.fields) == {"text", "handoff_reference"}


# --- what the reporter reads ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "words"),
    [
        ("monitoring_officer", "Monitoring Officer"),
        ("school", "Hill Primary"),
        ("whistleblowing", "whistleblowing officer"),
    ],
)
def test_the_reporter_is_told_where_it_went_and_who_deals_with_it(route, words):
    text = reporter_explanation(route, "Hill Primary", False)
    assert words in text and "will contact you" in text
    assert "_" not in text and "LADO" not in text
    assert "LADO" in reporter_explanation(route, "Hill Primary", True)
