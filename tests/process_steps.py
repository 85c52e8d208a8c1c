"""Steps of the fair process for tests that need a case decided formally (after a hearing) or closed
straight after its outcome: the same actions a council would take, through the service layer."""

from datetime import timedelta

from casework.domain.working_days import add_working_days
from casework.extensions import db
from casework.models import utcnow
from casework.services.deadlines import bank_holidays, london_today
from casework.services.workflow import perform

FORMAL = {"first_written_warning", "final_written_warning", "dismissal_with_notice", "summary_dismissal", "dismissal"}


def act(case, actor, action, **params):
    return perform(case, actor, action, params, version=case.version)


def report_and_hearing(case, hearing_officer, *, arranged_by=None, hr=None, finding="substantiated"):
    """From the investigation stage: the investigator's report, HR's advice and a hearing of every
    employee the case is about, held an hour ago."""
    findings = [{"subject": a.subject.email, "category": a.category, "finding": finding} for a in case.allegations]
    act(
        case,
        case.investigator,
        "record_investigation_report",
        findings=findings,
        summary="The evidence was reviewed and the people concerned interviewed.",
        recommendation="disciplinary_hearing",
    )
    act(case, hr or hearing_officer, "record_hr_advice", text="The sanction should be consistent with past cases.")
    day = add_working_days(london_today(), 5, bank_holidays())
    invited = [s.email for s in case.subjects if s.staff_type != "contractor"]
    act(
        case,
        arranged_by or hr or hearing_officer,
        "arrange_hearing",
        hearing_officer=hearing_officer.email,
        hearing_at=f"{day.isoformat()}T10:00",
        subjects=invited,
    )
    case.hearing.hearing_at = utcnow() - timedelta(hours=1)  # the hearing has been held
    db.session.flush()


def decide(case, decider, *, sanction, finding="substantiated", summary="Decided.", hr=None, subject=None, **extra):
    """Record the outcome; a formal sanction goes through a hearing that `decider` hears. On a case
    about several people, `subject` (by default the one whose rights are suspended, or the first)
    gets the sanction and the others no action."""
    if sanction in FORMAL and case.stage == "investigation":
        report_and_hearing(case, decider, hr=hr, finding=finding)
    if len(case.subjects) == 1:
        return act(case, decider, "record_outcome", finding=finding, sanction=sanction, summary=summary, **extra)
    suspended = [s.subject for s in case.suspensions if s.lifted_at is None]
    main = subject or (suspended[0] if suspended else case.subjects[0])
    decision = extra.pop("rights_decision", None)
    outcomes = [
        {"subject": s.email, "finding": finding, "sanction": sanction, "rights_decision": decision}
        if s.id == main.id
        else {"subject": s.email, "finding": "not_substantiated", "sanction": "no_action"}
        for s in case.subjects
    ]
    return act(case, decider, "record_outcome", outcomes=outcomes, summary=summary, **extra)


def waive_appeals(case, actor):
    """Every person who may still appeal has said in writing they will not, so the case may close now."""
    for outcome in case.current_outcomes:
        if outcome.appeal_waived_at is None and outcome.sanction != "referred_to_contractor":
            subject = outcome.subject or case.subjects[0]
            act(case, actor, "waive_appeal", subject=subject.email, reason="Said in writing they will not appeal.")
