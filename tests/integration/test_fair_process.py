"""The fair disciplinary process through the service layer (ACAS Code of Practice): allegations,
investigation report, HR advice, hearing, per-person outcomes, appeal, waiver, conflicts and
separation of duties. Each refusal changes nothing."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from casework.models import Case, CaseEvent, DutyOverride, clock_at
from casework.services.audit import verify_all
from casework.services.errors import Conflict, InvalidInput, NotAllowed
from casework.services.workflow import perform

# A Monday with no bank holiday near it: the hearing is 5 working days later, the next Monday
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(days: float):
    return clock_at(MONDAY + timedelta(days=days))


def act(case, actor, action, **params):
    return perform(case, actor, action, params, version=case.version)


def refused(case, actor, action, error=InvalidInput, **params):
    """The action is refused with `error`, and the case and its trail are unchanged; the error's fields."""
    version, events = case.version, len(case.events)
    with pytest.raises(error) as caught:
        act(case, actor, action, **params)
    assert case.version == version and len(case.events) == events
    return getattr(caught.value, "fields", {}) or {"message": str(caught.value)}


@pytest.fixture
def people(make_department, make_user):
    housing = make_department("Housing")
    environment = make_department("Environment")
    manager = make_user("manager", department=housing, name="Mona Manager")
    investigator = make_user("manager", department=environment, name="Ivan Investigator")
    officer = make_user("manager", department=environment, name="Hana Hearing")
    hos = make_user("head_of_service", department=environment, name="Hugo Head")
    hr = make_user("hr", name="Rita HR")
    hr2 = make_user("hr", name="Rob HR")
    subject = make_user(department=housing, line_manager=manager, name="Sam Subject", password=None)
    contractor = make_user(
        department=environment, staff_type="contractor", name="Cora Contractor", password=None, contractor_org="Green"
    )
    environment.head_of_service = hos
    reporter = make_user(department=housing, name="Remy Reporter")
    return {k: v for k, v in locals().items() if k not in ("make_department", "make_user")}


def investigated(p, make_case, subjects=None, **case_fields):
    """A breach case taken on by the manager, investigated by the investigator, with their report."""
    with at(0):
        case = make_case(p["reporter"], subjects=subjects or [p["subject"]], **case_fields)
        act(case, p["manager"], "take_ownership")
        act(case, p["manager"], "start_investigation", investigator=p["investigator"].email, no_suspension_reason="x")
        findings = [
            {"subject": a.subject.email, "category": a.category, "finding": "substantiated"} for a in case.allegations
        ]
        act(
            case,
            p["investigator"],
            "record_investigation_report",
            findings=findings,
            summary="The post was made from the subject's account.",
            recommendation="disciplinary_hearing",
        )
    return case


def hearing_for(case, p, subjects, officer=None):
    with at(0):
        act(
            case,
            p["manager"],
            "arrange_hearing",
            hearing_officer=(officer or p["hr"]).email,
            hearing_at="2026-03-09T10:00",
            subjects=[s.email for s in subjects],
        )


def test_report_makes_an_allegation_per_person_and_category(people, make_case):
    case = make_case(people["reporter"], subjects=[people["subject"]], categories=["defamation", "political"])
    assert [(a.subject_id, a.category) for a in case.allegations] == [
        (people["subject"].id, "defamation"),
        (people["subject"].id, "political"),
    ]
    assert case.aware_at == case.created_at


def test_hearing_final_warning_appeal_varied_then_close(people, make_case, db_session):
    p = people
    case = investigated(p, make_case)
    assert case.investigation_report.recommendation == "disciplinary_hearing"
    assert {a.finding for a in case.allegations} == {"substantiated"}
    hearing_for(case, p, [p["subject"]])
    assert case.stage == "hearing" and case.hearing_officer_id == p["hr"].id

    # The outcome waits for the hearing day, and a formal sanction for HR's advice
    with at(1):
        fields = refused(
            case, p["hr"], "record_outcome", finding="substantiated", sanction="final_written_warning", summary="s"
        )
        assert "after it" in fields["outcomes"]
    with at(7):
        fields = refused(
            case, p["hr"], "record_outcome", finding="substantiated", sanction="final_written_warning", summary="s"
        )
        assert "HR's advice" in fields["sanction"]
        act(case, p["hr2"], "record_hr_advice", text="A final written warning is consistent with CASE-1.")
        # only the hearing officer decides after a hearing
        refused(
            case, p["manager"], "record_outcome", NotAllowed, finding="substantiated", sanction="training", summary="s"
        )
        act(
            case,
            p["hr"],
            "record_outcome",
            finding="substantiated",
            sanction="final_written_warning",
            summary="Posted a resident's address.",
            attended="Sam Subject, Rita HR",
            companion="A trade union representative",
        )
    assert case.stage == "outcome"
    outcome = case.outcome_for(p["subject"].id)
    assert outcome.sanction == "final_written_warning" and outcome.hearing_id == case.hearing.id
    assert case.hearing.held and case.hearing.companion == "A trade union representative"

    # Inside the appeal window the case cannot close
    with at(8):
        message = refused(case, p["manager"], "close", Conflict)["message"]
        assert "appeal window" in message
        # the investigator cannot hear the appeal, nor can the hearing officer
        fields = refused(
            case,
            p["manager"],
            "lodge_appeal",
            subject=p["subject"].email,
            grounds="Too severe",
            appeal_officer=p["investigator"].email,
        )
        assert "investigator" in fields["appeal_officer"] and "override_reason" in fields
        act(
            case,
            p["manager"],
            "lodge_appeal",
            subject=p["subject"].email,
            grounds="Too severe",
            appeal_officer=p["hos"].email,
        )
    assert case.stage == "appeal"
    # Only the appeal officer decides it
    with at(10):
        refused(case, p["hr"], "decide_appeal", NotAllowed, subject=p["subject"].email, result="upheld", reason="r")
        fields = refused(
            case,
            p["hos"],
            "decide_appeal",
            subject=p["subject"].email,
            result="varied",
            sanction="summary_dismissal",
            reason="r",
        )
        assert "more severe" in fields["sanction"]
        act(
            case,
            p["hos"],
            "decide_appeal",
            subject=p["subject"].email,
            result="varied",
            sanction="first_written_warning",
            reason="A first breach.",
        )
    assert case.stage == "outcome"
    current = case.outcome_for(p["subject"].id)
    assert current.sanction == "first_written_warning" and current.live_until is not None
    assert outcome.superseded_at is not None and "varied" in outcome.superseded_reason
    assert outcome.appeal_result == "varied"
    with at(11):
        act(case, p["manager"], "close")
    assert case.stage == "closed"
    actions = [e.action for e in case.events]
    for name in ("record_investigation_report", "arrange_hearing", "record_hr_advice", "lodge_appeal", "decide_appeal"):
        assert name in actions
    assert verify_all().intact


def test_informal_outcome_without_hearing_and_formal_sanctions_refused(people, make_case):
    p = people
    case = investigated(p, make_case)
    with at(1):
        for sanction in (
            "first_written_warning",
            "final_written_warning",
            "dismissal_with_notice",
            "summary_dismissal",
        ):
            fields = refused(
                case, p["manager"], "record_outcome", finding="substantiated", sanction=sanction, summary="s"
            )
            assert "hearing" in fields["sanction"]
        act(case, p["manager"], "record_outcome", finding="substantiated", sanction="management_advice", summary="s")
    assert case.stage == "outcome" and case.outcome.sanction == "management_advice"
    # the appeal window closes on the 5th working day after; waiving it lets the case close now
    with at(1):
        refused(case, p["manager"], "close", Conflict)
        act(case, p["manager"], "waive_appeal", subject=p["subject"].email, reason="Said so by e-mail on 3 March.")
        fields = refused(
            case,
            p["manager"],
            "lodge_appeal",
            Conflict,
            subject=p["subject"].email,
            grounds="g",
            appeal_officer=p["hos"].email,
        )
        act(case, p["manager"], "close")
    assert case.stage == "closed"


def test_dismissal_only_by_dismissal_authority(people, make_case):
    p = people
    case = investigated(p, make_case)
    hearing_for(case, p, [p["subject"]], officer=p["officer"])
    with at(7):
        act(case, p["hr"], "record_hr_advice", text="Gross misconduct.")
        fields = refused(
            case, p["officer"], "record_outcome", finding="substantiated", sanction="summary_dismissal", summary="s"
        )
        assert "HR or a head of service" in fields["sanction"]
        act(
            case, p["officer"], "record_outcome", finding="substantiated", sanction="first_written_warning", summary="s"
        )


def test_two_subjects_one_a_contractor(people, make_case, db_session):
    p = people
    case = investigated(p, make_case, subjects=[p["subject"], p["contractor"]])
    with at(0):
        fields = refused(
            case,
            p["manager"],
            "arrange_hearing",
            hearing_officer=p["hr"].email,
            hearing_at="2026-03-09T10:00",
            subjects=[p["subject"].email, p["contractor"].email],
        )
        assert "contractor" in fields["subjects"]
    hearing_for(case, p, [p["subject"]])
    with at(7):
        act(case, p["hr"], "record_hr_advice", text="Advice.")
        one_only = [{"subject": p["subject"].email, "finding": "substantiated", "sanction": "first_written_warning"}]
        fields = refused(case, p["hr"], "record_outcome", outcomes=one_only, summary="s")
        assert "Cora Contractor" in fields["outcomes"]
        warned_contractor = one_only + [
            {"subject": p["contractor"].email, "finding": "substantiated", "sanction": "first_written_warning"}
        ]
        fields = refused(case, p["hr"], "record_outcome", outcomes=warned_contractor, summary="s")
        assert "contractor" in fields["outcomes.1.sanction"]
        both = one_only + [
            {"subject": p["contractor"].email, "finding": "substantiated", "sanction": "referred_to_contractor"}
        ]
        act(case, p["hr"], "record_outcome", outcomes=both, summary="Each dealt with in their own way.")
    assert case.outcome_for(p["subject"].id).sanction == "first_written_warning"
    contractor_outcome = case.outcome_for(p["contractor"].id)
    assert contractor_outcome.sanction == "referred_to_contractor" and contractor_outcome.appeal_due_on is None
    with at(8):
        fields = refused(
            case,
            p["manager"],
            "lodge_appeal",
            subject=p["contractor"].email,
            grounds="g",
            appeal_officer=p["hos"].email,
        )
        assert "contractor's own procedures" in fields["subject"]
    with at(20):  # the window has passed for the employee; the contractor never had one
        act(case, p["manager"], "close")


def test_reopen_and_decide_again_keeps_every_decision(people, make_case):
    p = people
    case = investigated(p, make_case)
    with at(1):
        act(case, p["manager"], "record_outcome", finding="substantiated", sanction="training", summary="s")
        act(case, p["manager"], "waive_appeal", subject=p["subject"].email, reason="In writing")
        act(case, p["manager"], "close")
        act(case, p["hr"], "reopen", reason="New evidence")
    assert case.stage == "assessment"
    with at(2):
        act(case, p["manager"], "start_investigation", investigator=p["investigator"].email, no_suspension_reason="x")
        act(
            case,
            p["manager"],
            "record_outcome",
            finding="partly_substantiated",
            sanction="management_advice",
            summary="t",
        )
    assert [o.sanction for o in case.outcomes] == ["training", "management_advice"]
    assert case.outcomes[0].superseded_at is not None and "New evidence" in case.outcomes[0].superseded_reason


def test_appeal_after_the_window_needs_a_reason(people, make_case):
    p = people
    case = investigated(p, make_case)
    with at(1):
        act(case, p["manager"], "record_outcome", finding="substantiated", sanction="training", summary="s")
    with at(30):
        fields = refused(
            case, p["manager"], "lodge_appeal", subject=p["subject"].email, grounds="g", appeal_officer=p["hos"].email
        )
        assert "window closed" in fields["late_reason"]
        act(
            case,
            p["manager"],
            "lodge_appeal",
            subject=p["subject"].email,
            grounds="g",
            appeal_officer=p["hos"].email,
            late_reason="Was in hospital.",
        )
    assert case.appeals[0].late_reason == "Was in hospital."


def test_hearing_date_rules(people, make_case):
    p = people
    case = investigated(p, make_case)
    with at(0):
        for when, words in (
            ("2026-03-07T10:00", "Saturday"),
            ("2026-03-03T10:00", "5 working days"),
            ("2026-03-09", "date and time"),
            ("tomorrow", "date and time"),
            ("2026-04-06T10:00", "bank holiday"),  # Easter Monday
        ):
            fields = refused(
                case,
                p["manager"],
                "arrange_hearing",
                hearing_officer=p["hr"].email,
                hearing_at=when,
                subjects=[p["subject"].email],
            )
            assert words in fields["hearing_at"], (when, fields)
    hearing_for(case, p, [p["subject"]])
    with at(1):
        fields = refused(case, p["manager"], "postpone_hearing", hearing_at="2026-03-20T10:00", reason="Companion away")
        assert "at most 5 working days" in fields["hearing_at"]
        act(case, p["manager"], "postpone_hearing", hearing_at="2026-03-12T14:00", reason="Companion cannot attend")
        refused(case, p["manager"], "postpone_hearing", Conflict, hearing_at="2026-03-13T14:00", reason="Again")
    assert case.hearing.postponed and case.hearing.first_hearing_at is not None


SEPARATION = [
    # (role to fill, who, barred?)
    ("investigator", "subject", True),
    ("investigator", "reporter", True),
    ("investigator", "manager", False),  # the subject's line manager
    ("hearing_officer", "investigator", False),
    ("hearing_officer", "manager", False),
    ("hearing_officer", "reporter", True),
]


@pytest.mark.parametrize(("role", "who", "barred"), SEPARATION)
def test_separation_of_duties_with_and_without_override(people, make_case, db_session, role, who, barred):
    p = people
    p["reporter"].role = "manager"  # eligible by role: only the relationship stands in the way
    p["subject"].role = "manager"
    p["subject"].active = True
    db_session.flush()
    if role == "investigator":
        with at(0):
            case = make_case(p["reporter"], subjects=[p["subject"]])
            act(case, p["hr"], "take_ownership")
        params = {"investigator": p[who].email, "no_suspension_reason": "x"}
        action = "start_investigation"
        field = "investigator"
    else:
        case = investigated(p, make_case)
        params = {"hearing_officer": p[who].email, "hearing_at": "2026-03-09T10:00", "subjects": [p["subject"].email]}
        action = "arrange_hearing"
        field = "hearing_officer"
    with at(0):
        fields = refused(case, p["hr"], action, **params)
        assert field in fields
        if barred:
            refused(case, p["hr"], action, override_reason="No one else is available", **params)
        else:
            act(case, p["hr"], action, override_reason="No one else is available", **params)
            override = db_session.scalars(select(DutyOverride).where(DutyOverride.case_id == case.id)).one()
            assert override.reason == "No one else is available" and override.rules


def test_conflict_stops_acting_until_reassigned(people, make_case):
    p = people
    case = investigated(p, make_case)
    with at(1):
        act(case, p["investigator"], "declare_conflict", conflict="yes", text="My neighbour")
        refused(case, p["investigator"], "add_note", NotAllowed, kind="note", text="x")
        refused(case, p["manager"], "reassign", NotAllowed, role="investigator", person=p["officer"].email, reason="r")
        act(case, p["hr"], "reassign", role="investigator", person=p["officer"].email, reason="Conflict declared")
        act(case, p["officer"], "add_note", kind="note", text="Taken over")
    assert case.investigator_id == p["officer"].id
    assert case.conflicts[0].resolved_at is not None


def test_update_case_corrects_the_report_and_the_clocks(people, make_case, db_session):
    p = people
    with at(0):
        case = make_case(p["reporter"], subjects=[p["subject"]])
        act(case, p["manager"], "take_ownership")
        fields = refused(case, p["manager"], "update_case", reason="Nothing")
        assert "Nothing was changed" in fields["reason"]
        refused(case, p["manager"], "update_case", categories=["defamation"])  # no reason
        refused(case, p["manager"], "update_case", reason="r", aware_at="2030-01-01")
        refused(case, p["manager"], "update_case", reason="r", categories=["threats"])  # an abuse category
    with at(0.5):
        act(
            case,
            p["manager"],
            "update_case",
            reason="The resident's data was in the post; we knew on Friday",
            personal_data_involved=True,
            aware_at="2026-02-27T16:00",
            add_subjects=[p["contractor"].email],
            categories=["confidential_information", "disrepute"],
            content_removal="requested",
            content_removal_reason="Asked the platform to take it down",
        )
    assert case.personal_data_involved and case.content_removal == "requested"
    assert {s.id for s in case.subjects} == {p["subject"].id, p["contractor"].id}
    # The ICO's 72 hours run from when the council became aware, not from the report
    assert case.next_deadline_label.startswith("Decide whether to report")
    assert case.next_deadline_at == datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    event = case.events[-1]
    assert event.action == "update_case" and event.data["before"]["personal_data_involved"] is False
    # the head of service is told at once of the contractor
    from casework.models import Notification

    told = db_session.scalar(select(func.count()).select_from(Notification).where(Notification.user_id == p["hos"].id))
    assert told >= 1


def test_migration_shape_single_subject_outcome_is_the_subjects(people, make_case, db_session):
    case = investigated(people, make_case)
    with at(1):
        act(case, people["manager"], "record_outcome", finding="substantiated", sanction="training", summary="s")
    assert case.outcome.subject_id == people["subject"].id
    assert db_session.get(Case, case.id).current_outcomes == [case.outcome]
    assert db_session.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id)) == len(
        case.events
    )
    assert date(2026, 3, 2).weekday() == 0


@pytest.mark.parametrize("junk", ["\x00", "a\x00@b.c", "hr\n@test.invalid"])
def test_a_name_with_a_control_character_finds_no_one(people, make_case, junk):
    """PostgreSQL refuses NUL in any text: such an address is simply no one, and the action is refused."""
    p = people
    with at(0):
        case = make_case(p["reporter"], subjects=[p["subject"]])
        act(case, p["manager"], "take_ownership")
        fields = refused(case, p["manager"], "start_investigation", investigator=junk, no_suspension_reason="x")
    assert "investigator" in fields


def test_separation_problems_read_as_separate_sentences(people, make_case):
    p = people
    case = investigated(p, make_case)
    hearing_for(case, p, [p["subject"]], officer=p["officer"])
    with at(7):
        act(case, p["officer"], "record_outcome", finding="substantiated", sanction="training", summary="s")
    with at(8):
        fields = refused(
            case,
            p["manager"],
            "lodge_appeal",
            subject=p["subject"].email,
            grounds="Too severe",
            appeal_officer=p["investigator"].email,
        )
    assert fields["appeal_officer"] == (
        "Ivan Investigator is the investigator of this case. The appeal officer should be more senior than the "
        "hearing officer. Choose someone else, or, where that is not practicable (ACAS Code), give the reason"
    )
    # Sent empty, the form asks whose appeal it is
    with at(8):
        fields = refused(case, p["manager"], "lodge_appeal")
    assert fields["subject"] == "Choose whose appeal this is"
