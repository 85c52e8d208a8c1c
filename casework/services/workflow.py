"""Taking a case through its workflow: one function, one transaction per action.

`perform(case, actor, action, params, version=…)` asks the domain
(casework.domain.workflow) whether the action may happen, applies it with the
handler registered on the action's declaration (`casework.services.handlers`),
writes the audit event and the notifications, and flushes. The caller commits.
The handlers of the fair process are in `process`, those of routed reports in
`routing`; the rest are here.
"""

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..domain import actions, workflow
from ..domain.actions.params import ActionParams
from ..domain.case_state import active_suspensions, right_stays_suspended
from ..domain.policy import Role, Stage
from ..domain.workflow import Refusal, RefusalCode
from ..domain.working_days import add_working_days
from ..extensions import db
from ..models import (
    Case,
    ContractorAction,
    Note,
    PublishingRight,
    Referral,
    SocialAccount,
    Suspension,
    User,
    utcnow,
)
from . import process, routing  # noqa: F401  (their handlers register themselves)
from .cases import find_users_by_email
from .deadlines import bank_holidays, london_today, refresh_next_deadline, working_days_after
from .errors import STALE_MESSAGE, Conflict, InvalidInput, NotAllowed, StaleCase
from .events import record_event
from .handlers import handler_for, handles
from .notify import notify

REFUSAL_ERRORS = {
    RefusalCode.UNKNOWN_ACTION: InvalidInput,
    RefusalCode.NOT_ALLOWED: NotAllowed,
    RefusalCode.WRONG_STAGE: Conflict,
    RefusalCode.INVALID: InvalidInput,
}


def perform(case: Case, actor: User, action, params: dict | ActionParams | None = None, *, version: int | None) -> Case:
    """Do `action` (its name or its declaration) on `case` as `actor`, with `params` (a form's values, or the
    parameters the API read). Raises InvalidInput, NotAllowed or Conflict and changes nothing."""
    params = params if isinstance(params, ActionParams) else dict(params or {})
    if version is None:
        raise InvalidInput("Send the case version you are acting on", {"version": "Enter the case version"})
    if version != case.version:
        raise StaleCase(STALE_MESSAGE)
    if case.anonymised_at is not None:
        raise Conflict("The case was anonymised under the retention policy and cannot be changed")
    try:
        declared = workflow.declared(action)
        named = declared.params.named_in(params)
        people = {s.email.lower(): s for s in case.subjects} | find_users_by_email(named)
        allowed = workflow.check(declared, actor, case, params, people=people, settings=process.settings())
    except Refusal as refusal:
        raise REFUSAL_ERRORS[refusal.code](refusal.message, refusal.fields) from None

    from_stage = case.stage
    data = handler_for(declared)(case, actor, allowed.params, people, allowed)
    if allowed.to_stage == Stage.REFERRED and from_stage != Stage.REFERRED:
        case.stage_before_referral = from_stage
    case.stage = allowed.to_stage
    if allowed.warnings:
        data["warnings"] = list(allowed.warnings)
    case.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleCase(STALE_MESSAGE) from None
    record_event(case, actor, declared.name, from_stage=from_stage, to_stage=case.stage, data=data)
    db.session.refresh(case)
    refresh_next_deadline(case)
    db.session.flush()
    return case


# --- the handlers: each mutates the case and returns the event's data ---------------


@handles(actions.TAKE_OWNERSHIP)
def _take_ownership(case, actor, params, people, allowed):
    case.owner_id = actor.id
    return {"owner": actor.email}


def close_case(case, actor, params) -> dict:
    """Close the case: the retention clock starts and the reporter is told; the event's data."""
    now = utcnow()
    case.closed_at = now
    years = current_app.config["RETENTION_YEARS"].get(case.kind, 6)
    case.retention_until = london_today() + relativedelta(years=years)
    if case.reporter is not None:
        notify([case.reporter], case, f"{case.reference}: we have finished looking into your report.", exclude=actor)
    data = {"retention_until": case.retention_until.isoformat()}
    if params.reason:
        data["reason"] = params.reason.strip()
    return data


@handles(actions.CLOSE_NO_FURTHER_ACTION)
@handles(actions.CLOSE)
def _close(case, actor, params, people, allowed):
    return close_case(case, actor, params)


def _rights_for(subject: User, account_id: int | None) -> list[PublishingRight]:
    query = select(PublishingRight).where(PublishingRight.user_id == subject.id)
    if account_id is not None:
        query = query.where(PublishingRight.account_id == account_id)
    return list(db.session.scalars(query).all())


def _active_suspensions_anywhere(subject: User) -> list[Suspension]:
    """Every active suspension of `subject`'s rights, in any case."""
    return list(
        db.session.scalars(
            select(Suspension).where(Suspension.subject_id == subject.id, Suspension.lifted_at.is_(None))
        ).all()
    )


def _account_ids(accounts) -> list[int | None]:
    """The council accounts a suspension covers ([None]: every one); InvalidInput for one not registered."""
    if accounts in (None, "all", []):
        return [None]
    known = set(db.session.scalars(select(SocialAccount.id).where(SocialAccount.id.in_(accounts))).all())
    if set(accounts) - known:
        raise InvalidInput("Unknown account", {"accounts": "Choose council accounts from the register"})
    return list(accounts)


@handles(actions.SUSPEND_RIGHTS)
def _suspend_rights(case, actor, params, people, allowed):
    subject = people[params.subject.strip().lower()]
    review_on = add_working_days(london_today(), current_app.config["SUSPENSION_REVIEW_WORKING_DAYS"], bank_holidays())
    suspended_rights = []
    reason = params.reason.strip()
    for account_id in _account_ids(params.accounts):
        db.session.add(
            Suspension(
                case=case,
                subject_id=subject.id,
                account_id=account_id,
                reason=reason,
                authorised_by_id=actor.id,
                next_review_on=review_on,
            )
        )
        for right in _rights_for(subject, account_id):
            if right.status == "active":
                right.status = "suspended"
                suspended_rights.append(right.account_id)
    return {
        "subject": subject.email,
        "accounts": params.accounts or "all",
        "reason": reason,
        "rights_suspended": sorted(suspended_rights),
        "next_review_on": review_on.isoformat(),
    }


def _restore_rights(subject: User, status: str) -> list[int]:
    """After suspensions end: each suspended right no longer covered by an active suspension, in this
    case or any other, becomes `status`. A right another case still suspends stays suspended."""
    db.session.flush()
    still = _active_suspensions_anywhere(subject)
    changed = []
    for right in _rights_for(subject, None):
        if right.status == "suspended" and not right_stays_suspended(right.account_id, still):
            right.status = status
            changed.append(right.account_id)
    return sorted(changed)


@handles(actions.LIFT_SUSPENSION)
def _lift_suspension(case, actor, params, people, allowed):
    subject = people[params.subject.strip().lower()]
    now = utcnow()
    for suspension in active_suspensions(case, subject.id):
        suspension.lifted_at = now
        suspension.lifted_by_id = actor.id
        suspension.lift_reason = params.reason.strip()
    restored = _restore_rights(subject, "active")
    still = sorted(
        {right.account_id for right in _rights_for(subject, None) if right.status == "suspended"},
    )
    notify(
        [subject.line_manager], case, f"{case.reference}: a suspension of publishing rights was lifted.", exclude=actor
    )
    data = {"subject": subject.email, "reason": params.reason.strip(), "rights_restored": restored}
    if still:
        data["rights_still_suspended_by_other_cases"] = still
    return data


@handles(actions.REVIEW_SUSPENSION)
def _review_suspension(case, actor, params, people, allowed):
    subject = people[params.subject.strip().lower()]
    review_on = add_working_days(london_today(), current_app.config["SUSPENSION_REVIEW_WORKING_DAYS"], bank_holidays())
    for suspension in active_suspensions(case, subject.id):
        suspension.next_review_on = review_on
    return {"subject": subject.email, "reason": params.reason.strip(), "next_review_on": review_on.isoformat()}


@handles(actions.START_INVESTIGATION)
def _start_investigation(case, actor, params, people, allowed):
    investigator = people[params.investigator.strip().lower()]
    case.investigator_id = investigator.id
    case.investigation_started_at = utcnow()
    notify([investigator], case, f"{case.reference}: you have been asked to investigate this case.", exclude=actor)
    data = {"investigator": investigator.email}
    if params.no_suspension_reason and not active_suspensions(case):
        data["no_suspension_reason"] = params.no_suspension_reason.strip()
    return data | process.record_overrides(
        case, actor, "start_investigation", "investigator", investigator, allowed.overridden, params.override_reason
    )


@handles(actions.ADD_NOTE)
def _add_note(case, actor, params, people, allowed):
    interview = params.kind == "interview"
    note = Note(
        case=case,
        kind=params.kind,
        interviewee_name=params.interviewee_name.strip() if interview else None,
        interviewee_role=params.interviewee_role or None if interview else None,
        text=params.text.strip(),
        author_id=actor.id,
    )
    db.session.add(note)
    db.session.flush()
    data = {"note_id": note.id, "kind": note.kind}
    if interview:
        data |= {"interviewee_name": note.interviewee_name, "interviewee_role": note.interviewee_role}
    return data


@handles(actions.RECORD_OUTCOME)
def _record_outcome(case, actor, params, people, allowed):
    return process.record_outcome(case, actor, params, people, allowed, _restore_rights)


@handles(actions.RECORD_CONTRACTOR_ACTION)
def _record_contractor_action(case, actor, params, people, allowed):
    """000 11.4: each record of what the contractor did is kept, with who recorded it and when."""
    action = ContractorAction(case=case, text=params.text.strip(), recorded_by_id=actor.id, recorded_at=utcnow())
    db.session.add(action)
    db.session.flush()
    return {"contractor_action_id": action.id, "text": action.text}


@handles(actions.ACKNOWLEDGE_CONTRACTOR_CASE)
def _acknowledge_contractor_case(case, actor, params, people, allowed):
    case.hos_acknowledged_at = utcnow()
    return {}


@handles(actions.RECORD_ICO_DECISION)
def _record_ico_decision(case, actor, params, people, allowed):
    case.ico_decision = "reported" if params.report else "not_reported"
    case.ico_decided_at = utcnow()
    case.ico_decision_reason = params.reason.strip()
    reference = params.ico_reference
    case.ico_reference = (reference.strip() or None) if reference and params.report else None
    data = {"decision": case.ico_decision, "reason": case.ico_decision_reason}
    if case.ico_reference:
        data["ico_reference"] = case.ico_reference
    return data


@handles(actions.RECORD_POLICE_DECISION)
def _record_police_decision(case, actor, params, people, allowed):
    """A threat or a possible crime: the decision whether to refer it to the police, either way."""
    case.police_decision = "refer" if params.refer else "not_refer"
    case.police_decided_at = utcnow()
    case.police_decision_reason = params.reason.strip()
    return {"decision": case.police_decision, "reason": case.police_decision_reason}


def _referral_due(agency: str):
    config = current_app.config
    now = utcnow()
    if agency == "lado":
        return working_days_after(now, config["LADO_REFERRAL_WORKING_DAYS"])
    return working_days_after(now, config["REFERRAL_FOLLOW_UP_WORKING_DAYS"])


@handles(actions.REFER)
def _refer(case, actor, params, people, allowed):
    agency = params.agency
    referral = Referral(
        case=case,
        agency=agency,
        reason=params.reason.strip(),
        agency_reference=(params.agency_reference or "").strip() or None,
        referred_by_id=actor.id,
        due_at=_referral_due(agency),
        status="pending",
    )
    db.session.add(referral)
    if agency == "ico" and case.ico_decision is None:
        case.ico_decision = "reported"
        case.ico_decided_at = utcnow()
    db.session.flush()
    if agency == "contractor":
        heads = [s.department.head_of_service for s in case.subjects if s.department is not None]
        notify(
            heads,
            case,
            f"{case.reference}: the case has been referred to the contractor's head of service.",
            exclude=actor,
        )
    return {
        "referral_id": referral.id,
        "agency": agency,
        "reason": referral.reason,
        "agency_reference": referral.agency_reference,
    }


@handles(actions.UPDATE_REFERRAL)
def _update_referral(case, actor, params, people, allowed):
    referral = next(r for r in case.referrals if r.id == params.referral_id)
    before = referral.status
    referral.status = params.status
    if params.result:
        referral.result = params.result.strip()
    if params.agency_reference:
        referral.agency_reference = params.agency_reference.strip()
    referral.updated_at = utcnow()
    return {
        "referral_id": referral.id,
        "agency": referral.agency,
        "from_status": before,
        "status": referral.status,
        "result": referral.result,
        "agency_reference": referral.agency_reference,
    }


@handles(actions.RESUME)
def _resume(case, actor, params, people, allowed):
    data = {"resumed_stage": case.stage_before_referral}
    case.stage_before_referral = None
    return data


@handles(actions.RECORD_SUPPORT)
def _record_support(case, actor, params, people, allowed):
    note = Note(case=case, kind="support", text=params.text.strip(), author_id=actor.id, visible_to_reporter=True)
    db.session.add(note)
    db.session.flush()
    if case.reporter is not None:
        notify([case.reporter], case, f"{case.reference}: support has been recorded on your report.", exclude=actor)
    return {"note_id": note.id}


@handles(actions.REOPEN)
def _reopen(case, actor, params, people, allowed):
    case.closed_at = None
    case.retention_until = None
    if case.reporter is not None:
        notify([case.reporter], case, f"{case.reference}: we are looking into your report again.", exclude=actor)
    return {"reason": params.reason.strip()}


def managers_and_hr() -> list[User]:
    """People who may own or investigate a case."""
    return list(
        db.session.scalars(
            select(User).where(User.role.in_([Role.MANAGER, Role.HR]), User.active.is_(True)).order_by(User.name)
        ).all()
    )


def possible_officers() -> list[User]:
    """People who may hear a case or an appeal: managers, HR and heads of service who can sign in."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_([Role.MANAGER, Role.HR, Role.HEAD_OF_SERVICE]), User.active.is_(True))
            .order_by(User.name)
        ).all()
    )
