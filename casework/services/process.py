"""Handlers of the fair process's actions (registered on their declarations with `handles`): each applies
one allowed action to the case and returns the data of its audit event. `casework.services.workflow.perform`
calls them after the domain has said yes, in the same transaction.
"""

from datetime import UTC, datetime

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import select

from ..domain import actions, process
from ..domain.actions import Settings
from ..domain.actions.declaration import LONDON
from ..domain.actions.params import local_day_or_moment, local_moment, person
from ..domain.policy import FLAGS, StaffType, Stage
from ..domain.working_days import add_working_days
from ..extensions import db
from ..models import (
    Appeal,
    CaseCategory,
    ConflictDeclaration,
    DutyOverride,
    Hearing,
    HrAdvice,
    InvestigationReport,
    Outcome,
    PublishingRight,
    User,
    utcnow,
)
from ..models_process import Allegation
from .deadlines import bank_holidays, london_today
from .handlers import handles
from .notify import notify


def settings() -> Settings:
    """The rules' settings from the app's config."""
    config = current_app.config
    return Settings(
        today=london_today(),
        bank_holidays=frozenset(bank_holidays()),
        hearing_notice_working_days=config["HEARING_NOTICE_WORKING_DAYS"],
        postpone_max_working_days=config["HEARING_POSTPONE_MAX_WORKING_DAYS"],
        dismissal_roles=frozenset(config["DISMISSAL_AUTHORITY_ROLES"]),
        seniority=dict(config["SENIORITY"]),
    )


def to_utc(local: datetime) -> datetime:
    """A London wall-clock time as stored (UTC)."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=LONDON)
    return local.astimezone(UTC)


def record_overrides(case, actor, action: str, role: str, who: User, rules, override_reason) -> dict:
    """Keep the separation-of-duties rules set aside, with the reason; the event's data for them."""
    if not rules:
        return {}
    reason = override_reason.strip()
    db.session.add(
        DutyOverride(
            case=case, action=action, role=role, person_id=who.id, rules=list(rules), reason=reason, by_id=actor.id
        )
    )
    return {"override": {"role": role, "person": who.email, "rules": list(rules), "reason": reason}}


# --- update_case -----------------------------------------------------------------------


@handles(actions.UPDATE_CASE)
def update_case(case, actor, params, people, allowed):
    before, after = {}, {}
    reason = params.reason.strip()
    categories = params.categories
    if categories is not None and sorted(set(categories)) != sorted(case.categories):
        before["categories"], after["categories"] = case.categories, sorted(set(categories))
        case.category_rows = [CaseCategory(category=code) for code in sorted(set(categories))]
    severity = params.severity
    if severity and severity != case.severity:
        before["severity"], after["severity"] = case.severity, severity
        case.severity = severity
    now = utcnow()
    for flag in FLAGS:
        value = getattr(params, flag)
        if value is None:
            continue
        if value != bool(getattr(case, flag)):
            before[flag], after[flag] = bool(getattr(case, flag)), value
            setattr(case, flag, value)
            if flag == "safeguarding_concern" and value and case.safeguarding_flagged_at is None:
                case.safeguarding_flagged_at = now
            if flag == "criminal_offence" and value and case.offence_flagged_at is None:
                case.offence_flagged_at = now
    added = [person(people, e) for e in (params.add_subjects or []) if e.strip()]
    removed = [person(people, e) for e in (params.remove_subjects or []) if e.strip()]
    if added or removed:
        before["subjects"] = [s.email for s in case.subjects]
        for who in removed:
            case.subjects.remove(who)
            for allegation in case.allegations:
                if allegation.subject_id == who.id:
                    allegation.removed_at, allegation.removed_reason = now, reason
        for who in added:
            case.subjects.append(who)
        after["subjects"] = [s.email for s in case.subjects]
        contractors = [s for s in added if s.staff_type == StaffType.CONTRACTOR and s.department is not None]
        heads = [s.department.head_of_service for s in contractors if s.department.head_of_service is not None]
        if heads:
            # Social Networking Policy 11.4: the head of service is told at once of a case about a contractor
            notify(heads, case, f"{case.reference}: a contractor in your service has been added to this case.")
    if params.aware_at:
        stored = to_utc(local_day_or_moment(params.aware_at))
        before["aware_at"] = case.aware_at.isoformat() if case.aware_at else None
        after["aware_at"] = stored.isoformat()
        case.aware_at = stored
    if params.content_removal:
        before["content_removal"] = case.content_removal
        case.content_removal = params.content_removal
        case.content_removal_reason = params.content_removal_reason.strip()
        after["content_removal"] = case.content_removal
        after["content_removal_reason"] = case.content_removal_reason
    if params.allegations is not None:
        before["allegations"] = [_allegation_data(a) for a in case.allegations]
        for allegation in case.allegations:
            allegation.removed_at, allegation.removed_reason = now, reason
        for item in params.allegations:
            who = person(people, item.subject)
            db.session.add(Allegation(case=case, subject_id=who.id, category=item.category, text=item.text.strip()))
        after["allegations"] = [
            {"subject": item.subject.strip().lower(), "category": item.category, "text": item.text.strip()}
            for item in params.allegations
        ]
    elif added:
        for who in added:
            for category in case.categories:
                db.session.add(Allegation(case=case, subject_id=who.id, category=category, text=case.description))
    return {"reason": reason, "before": before, "after": after}


def _allegation_data(allegation) -> dict:
    return {"subject": allegation.subject.email, "category": allegation.category, "text": allegation.text}


# --- investigation report and HR advice ------------------------------------------------------


@handles(actions.RECORD_INVESTIGATION_REPORT)
def record_investigation_report(case, actor, params, people, allowed):
    findings = []
    by_key = {(a.subject_id, a.category): a for a in case.allegations}
    for item in params.findings:
        who = person(people, item.subject)
        by_key[(who.id, item.category)].finding = item.finding
        findings.append({"subject": who.email, "category": item.category, "finding": item.finding})
    report = InvestigationReport(
        case=case,
        findings=findings,
        summary=params.summary.strip(),
        recommendation=params.recommendation,
        submitted_by_id=actor.id,
    )
    db.session.add(report)
    notify([case.owner], case, f"{case.reference}: the investigation report has been recorded.", exclude=actor)
    return {"findings": findings, "summary": report.summary, "recommendation": report.recommendation}


@handles(actions.RECORD_HR_ADVICE)
def record_hr_advice(case, actor, params, people, allowed):
    advice = HrAdvice(case=case, text=params.text.strip(), given_by_id=actor.id)
    db.session.add(advice)
    deciders = [case.owner, case.hearing_officer]
    notify([p for p in deciders if p is not None], case, f"{case.reference}: HR has given advice.", exclude=actor)
    return {"text": advice.text}


# --- hearing --------------------------------------------------------------------------


@handles(actions.ARRANGE_HEARING)
def arrange_hearing(case, actor, params, people, allowed):
    officer = person(people, params.hearing_officer)
    invited = []
    for email in params.subjects:
        who = person(people, email)
        if who is not None and who not in invited:
            invited.append(who)
    at = to_utc(local_moment(params.hearing_at))
    hearing = Hearing(
        case=case,
        hearing_officer_id=officer.id,
        hearing_at=at,
        subject_ids=[s.id for s in invited],
        arranged_by_id=actor.id,
    )
    db.session.add(hearing)
    case.hearing_officer_id = officer.id
    notify([officer], case, f"{case.reference}: you have been asked to hear this case.", exclude=actor)
    data = {
        "hearing_officer": officer.email,
        "hearing_at": at.isoformat(),
        "subjects": [s.email for s in invited],
    }
    return data | record_overrides(
        case, actor, "arrange_hearing", "hearing_officer", officer, allowed.overridden, params.override_reason
    )


@handles(actions.POSTPONE_HEARING)
def postpone_hearing(case, actor, params, people, allowed):
    hearing = case.hearing
    at = to_utc(local_moment(params.hearing_at))
    before = hearing.hearing_at
    hearing.first_hearing_at = before
    hearing.hearing_at = at
    hearing.postponed_at = utcnow()
    hearing.postponed_reason = params.reason.strip()
    notify([hearing.hearing_officer], case, f"{case.reference}: the hearing has been postponed.", exclude=actor)
    return {"from": before.isoformat(), "hearing_at": at.isoformat(), "reason": hearing.postponed_reason}


# --- outcomes --------------------------------------------------------------------------


def _rights_for(subject: User) -> list[PublishingRight]:
    return list(db.session.scalars(select(PublishingRight).where(PublishingRight.user_id == subject.id)).all())


def live_until(sanction: str, decided_on):
    months = {
        "first_written_warning": current_app.config["FIRST_WRITTEN_WARNING_MONTHS"],
        "final_written_warning": current_app.config["FINAL_WRITTEN_WARNING_MONTHS"],
    }.get(sanction)
    return decided_on + relativedelta(months=months) if months else None


def record_outcome(case, actor, params, people, allowed, restore_rights):
    """An outcome for each person; an earlier one (decided before the case was reopened) is kept as superseded."""
    today = london_today()
    now = utcnow()
    hearing = case.hearing if case.stage == Stage.HEARING else None
    reopen = [e for e in case.events if e.action == "reopen"]
    reopen_reason = (reopen[-1].data or {}).get("reason") if reopen else None
    appeal_due = add_working_days(today, current_app.config["APPEAL_WINDOW_WORKING_DAYS"], bank_holidays())
    content_removed = bool(params.content_removed)
    summary = params.summary.strip()
    decided = []
    superseded = []
    for entry in params.entries(case):
        who = person(people, entry.subject)
        earlier = case.outcome_for(who.id)
        if earlier is not None and earlier.superseded_at is None and earlier.subject_id is not None:
            earlier.superseded_at, earlier.superseded_by_id = now, actor.id
            earlier.superseded_reason = (
                f"Decided again after the case was reopened: {reopen_reason}"
                if reopen_reason
                else "Decided again after the case was reopened"
            )
            superseded.append(
                {
                    "subject": who.email,
                    "finding": earlier.finding,
                    "sanction": earlier.sanction,
                    "decided_at": earlier.decided_at.isoformat(),
                }
            )
        decision = entry.rights_decision or None
        outcome = Outcome(
            case=case,
            subject_id=who.id,
            hearing_id=hearing.id if hearing is not None else None,
            finding=entry.finding,
            sanction=entry.sanction,
            rights_decision=decision,
            content_removed=content_removed,
            summary=summary,
            decided_by_id=actor.id,
            live_until=live_until(entry.sanction, today),
            appeal_due_on=None if entry.sanction == "referred_to_contractor" else appeal_due,
            separation_override_by_id=actor.id if case.investigator_id == actor.id else None,
        )
        db.session.add(outcome)
        changed = []
        if decision:
            # Social Networking Policy 11.2: the decision ends this case's suspensions of this person
            for suspension in process_active_suspensions(case, who.id):
                suspension.lifted_at, suspension.lifted_by_id = now, actor.id
                suspension.lift_reason = f"Outcome: publishing rights {decision}"
            changed = restore_rights(who, "active" if decision == "restored" else "revoked")
            if decision == "revoked":
                for right in _rights_for(who):
                    if right.status == "active":
                        right.status = "revoked"
                        changed = sorted({*changed, right.account_id})
        decided.append(
            {
                "subject": who.email,
                "finding": outcome.finding,
                "sanction": outcome.sanction,
                "rights_decision": decision,
                "rights_changed": changed,
                "live_until": outcome.live_until.isoformat() if outcome.live_until else None,
                "appeal_due_on": outcome.appeal_due_on.isoformat() if outcome.appeal_due_on else None,
            }
        )
    # Outcomes from before outcomes were per person are superseded by everyone's new ones
    for old in case.outcomes:
        if old.subject_id is None and old.superseded_at is None:
            old.superseded_at, old.superseded_by_id = now, actor.id
            old.superseded_reason = "Decided again for each person after the case was reopened"
            superseded.append(
                {
                    "subject": None,
                    "finding": old.finding,
                    "sanction": old.sanction,
                    "decided_at": old.decided_at.isoformat(),
                }
            )
    if hearing is not None:
        hearing.held = True
        for name in ("attended", "companion", "subject_statement"):
            value = getattr(params, name)
            if value and value.strip():
                setattr(hearing, name, value.strip())
    case.outcome_at = now
    if any(d["sanction"] == "referred_to_contractor" for d in decided):
        heads = [
            s.department.head_of_service
            for s in case.subjects
            if s.staff_type == StaffType.CONTRACTOR and s.department is not None
        ]
        notify(
            heads,
            case,
            f"{case.reference}: the outcome refers the matter to the contractor. "
            "Record what the contractor did under its own procedures.",
            exclude=actor,
        )
    data = {"outcomes": decided, "summary": summary, "content_removed": content_removed}
    if len(decided) == 1:  # the shape of a single-subject outcome, as before
        data |= {k: decided[0][k] for k in ("finding", "sanction", "rights_decision", "live_until", "appeal_due_on")}
        data["rights_decision_about"] = [decided[0]["subject"]] if decided[0]["rights_decision"] else []
    if superseded:
        data["supersedes"] = superseded[0] if len(superseded) == 1 else superseded
    if hearing is not None:
        data["hearing_id"] = hearing.id
    return data


def process_active_suspensions(case, subject_id):
    return [s for s in case.suspensions if s.lifted_at is None and s.subject_id == subject_id]


# --- appeals --------------------------------------------------------------------------


@handles(actions.LODGE_APPEAL)
def lodge_appeal(case, actor, params, people, allowed):
    who = person(people, params.subject)
    officer = person(people, params.appeal_officer)
    outcome = case.outcome_for(who.id)
    appeal = Appeal(
        case=case,
        subject_id=who.id,
        outcome_id=outcome.id,
        grounds=params.grounds.strip(),
        appeal_officer_id=officer.id,
        lodged_by_id=actor.id,
        late_reason=(params.late_reason or "").strip() or None,
    )
    db.session.add(appeal)
    notify([officer], case, f"{case.reference}: you have been asked to hear an appeal.", exclude=actor)
    data = {"subject": who.email, "grounds": appeal.grounds, "appeal_officer": officer.email}
    if appeal.late_reason:
        data["late_reason"] = appeal.late_reason
    return data | record_overrides(
        case, actor, "lodge_appeal", "appeal_officer", officer, allowed.overridden, params.override_reason
    )


@handles(actions.DECIDE_APPEAL)
def decide_appeal(case, actor, params, people, allowed):
    who = person(people, params.subject)
    appeal = process.open_appeal(case, who.id)
    now = utcnow()
    appeal.result = params.result
    appeal.reason = params.reason.strip()
    appeal.decided_at = now
    earlier = appeal.outcome
    earlier.appeal_result, earlier.appeal_reason = appeal.result, appeal.reason
    earlier.appeal_decided_by_id, earlier.appeal_decided_at = actor.id, now
    data = {"subject": who.email, "result": appeal.result, "reason": appeal.reason}
    if appeal.result in ("varied", "overturned"):
        sanction = params.sanction if appeal.result == "varied" else "no_action"
        finding = earlier.finding if appeal.result == "varied" else "not_substantiated"
        replacement = Outcome(
            case=case,
            subject_id=who.id,
            hearing_id=earlier.hearing_id,
            finding=finding,
            sanction=sanction,
            rights_decision=earlier.rights_decision,
            content_removed=earlier.content_removed,
            summary=f"On appeal ({appeal.result}): {appeal.reason}",
            decided_by_id=actor.id,
            live_until=live_until(sanction, earlier.decided_at.date()),
            appeal_due_on=earlier.appeal_due_on,
        )
        db.session.add(replacement)
        db.session.flush()
        appeal.new_outcome_id = replacement.id
        earlier.superseded_at, earlier.superseded_by_id = now, actor.id
        earlier.superseded_reason = f"Appeal {appeal.result}: {appeal.reason}"
        data |= {
            "sanction": sanction,
            "finding": finding,
            "supersedes": {"sanction": earlier.sanction, "finding": earlier.finding},
        }
    notify([case.owner], case, f"{case.reference}: an appeal has been decided.", exclude=actor)
    return data


@handles(actions.WAIVE_APPEAL)
def waive_appeal(case, actor, params, people, allowed):
    who = person(people, params.subject)
    outcome = case.outcome_for(who.id)
    outcome.appeal_waived_at = utcnow()
    outcome.appeal_waived_reason = params.reason.strip()
    return {"subject": who.email, "reason": outcome.appeal_waived_reason}


# --- conflicts and reassignment -------------------------------------------------------------


@handles(actions.DECLARE_CONFLICT)
def declare_conflict(case, actor, params, people, allowed):
    conflict = params.conflict
    roles = process.assigned_roles(case, actor.id)
    db.session.add(
        ConflictDeclaration(case=case, user_id=actor.id, roles=roles, conflict=conflict, text=params.text.strip())
    )
    if conflict:
        hr = list(db.session.scalars(select(User).where(User.role == "hr", User.active.is_(True))).all())
        notify(hr, case, f"{case.reference}: a conflict of interest was declared; reassign the role.", exclude=actor)
    return {"conflict": conflict, "text": params.text.strip(), "roles": roles}


@handles(actions.REASSIGN)
def reassign(case, actor, params, people, allowed):
    role = params.role
    who = person(people, params.person)
    before = sorted(process.role_holders(case, role))
    before_people = [u.email for u in db.session.scalars(select(User).where(User.id.in_(before))).all()]
    if role == "owner":
        case.owner_id = who.id
    elif role == "investigator":
        case.investigator_id = who.id
    elif role == "hearing_officer":
        case.hearing_officer_id = who.id
        if case.hearing is not None and not case.hearing.held:
            case.hearing.hearing_officer_id = who.id
    elif role == "appeal_officer":
        for appeal in case.appeals:
            if appeal.result is None:
                appeal.appeal_officer_id = who.id
    now = utcnow()
    for declaration in case.conflicts:
        if declaration.user_id in before and declaration.resolved_at is None:
            declaration.resolved_at = now
    notify([who], case, f"{case.reference}: you are now the {role.replace('_', ' ')} of this case.", exclude=actor)
    data = {"role": role, "before": before_people, "person": who.email, "reason": params.reason.strip()}
    return data | record_overrides(case, actor, "reassign", role, who, allowed.overridden, params.override_reason)
