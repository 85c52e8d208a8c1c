"""Routing a report at intake, and the routed case's own actions (Acceptable Use of Social Media Policy 2, 3).

A report about a councillor goes to the Monitoring Officer, one about someone
who works in a school to the school (and the LADO when children may be at
risk), a whistleblowing concern to the whistleblowing procedure. The case is
kept, at the stage `routed`, with where it went and why, so it stays in the
statistics; HR records the hand-off and closes it, or returns it to the
disciplinary process when the routing was wrong.
"""

from flask import current_app
from sqlalchemy import select

from ..domain import actions
from ..domain.intake import ReportInput
from ..domain.policy import Role, Stage
from ..domain.routing import ROUTE_HANDLERS, Route, Scope, decide_route, route_words
from ..extensions import db
from ..models import Case, Referral, User, utcnow
from .deadlines import working_days_after
from .events import record_event
from .handlers import handles
from .notify import notify, notify_address

# The setting holding each route's contact address
CONTACT_SETTINGS = {
    Route.MONITORING_OFFICER: "MONITORING_OFFICER_EMAIL",
    Route.SCHOOL: "SCHOOLS_EMAIL",
    Route.WHISTLEBLOWING: "WHISTLEBLOWING_EMAIL",
}


def contact_for(route: str, school_name: str | None = None) -> str | None:
    """The address a routed report's contact is told at, from the configuration; None when unset."""
    config = current_app.config
    if route == Route.SCHOOL and school_name:
        wanted = " ".join(school_name.split()).casefold()
        for name, address in (config.get("SCHOOL_CONTACTS") or {}).items():
            if " ".join(str(name).split()).casefold() == wanted and address:
                return address
    setting = CONTACT_SETTINGS.get(route)
    return (config.get(setting) or None) if setting else None


def _hr() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.HR, User.active.is_(True))).all())


def apply_route(case: Case, actor: User, report: ReportInput) -> None:
    """Record the scope answers on a new case and, when they route it elsewhere, where it went and why
    (an audit event), the LADO referral when children may be at risk, and who is told."""
    answers = report.scope_answers
    case.scope = answers.scope or Scope.COUNCIL_STAFF
    case.whistleblowing = bool(answers.whistleblowing)
    case.children_at_risk = answers.children_at_risk if answers.scope == Scope.SCHOOL_STAFF else None
    case.named_person = answers.person_name.strip() or None
    case.school_name = answers.school_name.strip() or None
    decision = decide_route(answers)
    if decision.route is None:
        return
    now = utcnow()
    case.route = decision.route
    case.route_reason = decision.reason
    case.routed_at = now
    case.stage = Stage.ROUTED
    if decision.refer_to_lado:
        case.safeguarding_concern = True
    db.session.flush()
    contact = contact_for(decision.route, case.school_name)
    data = {
        "route": str(decision.route),
        "reason": decision.reason,
        "scope": case.scope,
        "whistleblowing": case.whistleblowing,
        "contact": contact,
    }
    if case.named_person:
        data["named_person"] = case.named_person
    if case.school_name:
        data["school_name"] = case.school_name
    if decision.refer_to_lado:
        referral = Referral(
            case=case,
            agency="lado",
            reason="Children may be at risk: the report is about someone who works at "
            f"{case.school_name} (Acceptable Use of Social Media Policy 2).",
            referred_by_id=actor.id,
            due_at=working_days_after(now, current_app.config["LADO_REFERRAL_WORKING_DAYS"]),
            status="pending",
        )
        db.session.add(referral)
        db.session.flush()
        data["lado_referral_id"] = referral.id
    record_event(case, actor, "routed", from_stage=Stage.REPORTED, to_stage=Stage.ROUTED, data=data)
    _tell_about_route(case, actor, decision.route, contact, decision.refer_to_lado)


def _tell_about_route(case: Case, actor: User, route: Route, contact: str | None, lado: bool) -> None:
    if contact:
        passing_on = f"{ROUTE_HANDLERS[route][:1].upper()}{ROUTE_HANDLERS[route][1:]} has been told at {contact}."
    else:
        passing_on = (
            f"No address for {ROUTE_HANDLERS[route]} is configured, so they have not been told: pass the report "
            f"on yourself, and ask your administrator to set {CONTACT_SETTINGS[route]}."
        )
    notify(
        _hr(),
        case,
        f"{case.reference}: a report was routed to {route_words(route)} "
        f"(Acceptable Use of Social Media Policy {3 if route == Route.WHISTLEBLOWING else 2}). {passing_on} "
        "Record the hand-off on the case.",
        exclude=actor,
    )
    if contact:
        notify_address(
            contact,
            case,
            f"A report made to {current_app.config['COUNCIL_NAME']} ({case.reference}) is for "
            f"{ROUTE_HANDLERS[route]} to deal with, not the council's disciplinary process for staff. "
            "HR will pass the report to you and confirm when they have.",
            dedup_key=f"routed:{case.id}",
        )
    if lado:
        address = current_app.config.get("LADO_EMAIL")
        if address:
            notify_address(
                address,
                case,
                f"A report made to {current_app.config['COUNCIL_NAME']} ({case.reference}) says children may be "
                "at risk from someone who works in a school. HR will contact you with the details today.",
                dedup_key=f"lado:{case.id}",
            )


# --- the routed case's actions (handlers for casework.services.workflow.perform) ------------------


@handles(actions.RECORD_HANDOFF)
def record_handoff(case: Case, actor: User, params, people: dict, allowed) -> dict:
    """Who the report was passed to, when and how; the case stays routed until it is closed."""
    case.handed_off_at = utcnow()
    case.handoff_note = params.text.strip()
    case.handoff_reference = (params.handoff_reference or "").strip() or None
    data = {"route": case.route, "text": case.handoff_note}
    if case.handoff_reference:
        data["handoff_reference"] = case.handoff_reference
    return data


@handles(actions.CLOSE_ROUTED)
def close_routed(case: Case, actor: User, params, people: dict, allowed) -> dict:
    """The council's part is done: the other procedure deals with it. The case keeps its route."""
    from .workflow import close_case

    data = close_case(case, actor, params)
    data["route"] = case.route
    return data


@handles(actions.REROUTE)
def reroute(case: Case, actor: User, params, people: dict, allowed) -> dict:
    """The routing was wrong: the report goes into the disciplinary process as a new report, with the
    people it is about, and the managers who are told of a new report are told now."""
    from .cases import _notify_reported

    added = [people[email.strip().lower()] for email in params.subjects or [] if email.strip()]
    earlier = case.route
    if added:
        case.subjects = [*case.subjects, *(p for p in added if p not in case.subjects)]
        case.department_id = case.subjects[0].department_id
    case.route = None
    case.route_reason = None
    case.scope = Scope.COUNCIL_STAFF
    case.whistleblowing = False
    db.session.flush()
    _notify_reported(case, actor)
    if case.reporter is not None:
        notify(
            [case.reporter],
            case,
            f"{case.reference}: your report will be dealt with under the council's social media policy after all.",
            exclude=actor,
        )
    return {
        "from_route": earlier,
        "reason": params.reason.strip(),
        "subjects_added": [p.email for p in added],
    }
