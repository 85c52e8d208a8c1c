"""Cases, events and evidence as the API sends them: the full view, and the reporter's view (design §4).

Each function builds the answer's model from `casework.api.schemas`, the models the OpenAPI document's
response schemas are generated from; `schemas.body` turns one into JSON.
"""

from datetime import date, datetime

from flask import url_for

from ..domain import workflow
from ..domain.permissions import View
from ..domain.policy import FLAGS, Kind, reporter_status
from ..domain.routing import reporter_explanation
from ..models import Case, CaseEvent, ContractorAction, Evidence, Note, Outcome, Referral, Suspension, User
from ..services.deadlines import case_deadlines
from ..services.process import settings as rule_settings
from ..services.routing import contact_for
from . import schemas


def moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def person(user: User | None) -> dict | None:
    """A person as the other parts of the API send one: e-mail and name."""
    if user is None:
        return None
    return {"email": user.email, "name": user.name}


def someone(user: User | None) -> schemas.Person | None:
    if user is None:
        return None
    return schemas.Person(email=user.email, name=user.name)


def subject(user: User) -> schemas.Subject:
    return schemas.Subject(
        email=user.email,
        name=user.name,
        staff_type=user.staff_type,
        department=user.department.name if user.department else None,
        contractor_org=user.contractor_org,
    )


def suspension(item: Suspension) -> schemas.Suspension:
    account = item.account
    return schemas.Suspension(
        id=item.id,
        subject=someone(item.subject),
        account=schemas.Account(id=account.id, platform=account.platform, handle=account.handle) if account else None,
        all_accounts=item.account_id is None,
        reason=item.reason,
        started_at=moment(item.started_at),
        authorised_by=someone(item.authorised_by),
        next_review_on=day(item.next_review_on),
        active=item.lifted_at is None,
        lifted_at=moment(item.lifted_at),
        lifted_by=someone(item.lifted_by),
        lift_reason=item.lift_reason,
    )


def referral(item: Referral) -> schemas.Referral:
    return schemas.Referral(
        id=item.id,
        agency=item.agency,
        status=item.status,
        reason=item.reason,
        agency_reference=item.agency_reference,
        referred_by=someone(item.referred_by),
        referred_at=moment(item.referred_at),
        due_at=moment(item.due_at),
        result=item.result,
        updated_at=moment(item.updated_at),
    )


def outcome(item: Outcome | None) -> schemas.Outcome | None:
    if item is None:
        return None
    actions = item.case.contractor_actions
    return schemas.Outcome(
        finding=item.finding,
        sanction=item.sanction,
        rights_decision=item.rights_decision,
        content_removed=bool(item.content_removed),
        summary=item.summary,
        decided_by=someone(item.decided_by),
        decided_at=moment(item.decided_at),
        live_until=day(item.live_until),
        appeal_due_on=day(item.appeal_due_on),
        separation_overridden=item.separation_override_by_id is not None,
        contractor_action=actions[-1].text if actions else None,
        contractor_action_at=moment(actions[-1].recorded_at) if actions else None,
        superseded_at=moment(item.superseded_at),
        superseded_by=someone(item.superseded_by),
        superseded_reason=item.superseded_reason,
        subject=someone(item.subject) if item.subject_id else None,
        appeal_waived_at=moment(item.appeal_waived_at),
        appeal_waived_reason=item.appeal_waived_reason,
    )


def subject_outcome(case, item: Outcome) -> schemas.SubjectOutcome:
    """One person's outcome (DESIGN §10): finding, sanction, live until, rights, who decided, appeal, superseded."""
    appeal = next((a for a in case.appeals if a.outcome_id == item.id), None)
    return schemas.SubjectOutcome(
        subject=someone(item.subject) if item.subject_id else None,
        finding=item.finding,
        sanction=item.sanction,
        live_until=day(item.live_until),
        rights_decision=item.rights_decision,
        decided_by=someone(item.decided_by),
        decided_at=moment(item.decided_at),
        appeal_due_on=day(item.appeal_due_on),
        appeal=appeal_json(appeal) if appeal else None,
        appeal_waived_at=moment(item.appeal_waived_at),
        superseded=item.superseded_at is not None,
        superseded_at=moment(item.superseded_at),
        superseded_reason=item.superseded_reason,
    )


def appeal_json(item) -> schemas.Appeal:
    return schemas.Appeal(
        subject=someone(item.subject),
        grounds=item.grounds,
        appeal_officer=someone(item.appeal_officer),
        lodged_at=moment(item.lodged_at),
        late_reason=item.late_reason,
        result=item.result,
        reason=item.reason,
        decided_at=moment(item.decided_at),
    )


def process_fields(case) -> dict:
    """The fair process of a case: allegations, the investigation report, HR advice, hearings, appeals,
    declared conflicts and overrides of separation of duties."""
    report = case.investigation_report
    return {
        "allegations": [
            schemas.Allegation(subject=someone(a.subject), category=a.category, text=a.text, finding=a.finding)
            for a in case.allegations
        ],
        "investigation_report": schemas.InvestigationReport(
            findings=report.findings,
            summary=report.summary,
            recommendation=report.recommendation,
            submitted_by=someone(report.submitted_by),
            submitted_at=moment(report.submitted_at),
        )
        if report
        else None,
        "hr_advice": [
            schemas.HrAdvice(text=a.text, given_by=someone(a.given_by), given_at=moment(a.given_at))
            for a in case.hr_advice
        ],
        "hearings": [
            schemas.Hearing(
                hearing_officer=someone(h.hearing_officer),
                hearing_at=moment(h.hearing_at),
                subjects=[someone(s) for s in case.subjects if s.id in (h.subject_ids or [])],
                postponed_from=moment(h.first_hearing_at),
                postponed_reason=h.postponed_reason,
                held=h.held,
                attended=h.attended,
                companion=h.companion,
                subject_statement=h.subject_statement,
            )
            for h in case.hearings
        ],
        "hearing_officer": someone(case.hearing_officer),
        "appeals": [appeal_json(a) for a in case.appeals],
        "conflicts": [
            schemas.ConflictDeclaration(
                person=someone(c.user),
                roles=c.roles,
                conflict=c.conflict,
                text=c.text,
                declared_at=moment(c.declared_at),
                resolved_at=moment(c.resolved_at),
            )
            for c in case.conflicts
        ],
        "overrides": [
            schemas.DutyOverride(
                action=o.action,
                role=o.role,
                person=someone(o.person),
                rules=o.rules,
                reason=o.reason,
                by=someone(o.by),
                at=moment(o.at),
            )
            for o in case.overrides
        ],
        "outcomes": [subject_outcome(case, o) for o in case.outcomes],
        "aware_at": moment(case.aware_at),
        "content_removal": case.content_removal,
        "content_removal_reason": case.content_removal_reason,
    }


def contractor_action(item: ContractorAction) -> schemas.ContractorAction:
    return schemas.ContractorAction(
        id=item.id, text=item.text, recorded_by=someone(item.recorded_by), recorded_at=moment(item.recorded_at)
    )


def evidence(item: Evidence, reference: str) -> schemas.Evidence:
    is_file = item.storage_key is not None
    return schemas.Evidence(
        id=item.id,
        type="file" if is_file else "link",
        description=item.description,
        original_name=item.original_name,
        content_type=item.content_type,
        size=item.size,
        sha256=item.sha256,
        source_url=item.source_url,
        captured_at=moment(item.captured_at),
        uploaded_by=someone(item.uploaded_by),
        uploaded_at=moment(item.uploaded_at),
        download_url=(
            url_for("api_v1.download_evidence", reference=reference, evidence_id=item.id) if is_file else None
        ),
    )


def note(item: Note) -> schemas.Note:
    return schemas.Note(
        id=item.id,
        kind=item.kind,
        interviewee_name=item.interviewee_name,
        interviewee_role=item.interviewee_role,
        text=item.text,
        author=someone(item.author),
        created_at=moment(item.created_at),
    )


def next_deadline(case: Case) -> schemas.NextDeadline | None:
    if case.next_deadline_at is None:
        return None
    return schemas.NextDeadline(at=moment(case.next_deadline_at), label=case.next_deadline_label)


def core_fields(case: Case) -> dict:
    """The fields every full-view case carries, in lists too (DESIGN §10)."""
    return {
        "view": View.FULL.value,
        "reference": case.reference,
        "kind": case.kind,
        "stage": case.stage,
        "version": case.version,
        "source": case.source,
        "subjects": [subject(s) for s in case.subjects],
        "categories": case.categories,
        "platform": case.platform,
        "incident_date": day(case.incident_date),
        "severity": case.severity,
        "flags": [flag for flag in FLAGS if getattr(case, flag)],
        "department": case.department.name if case.department else None,
        "reporter": someone(case.reporter),
        "owner": someone(case.owner),
        "investigator": someone(case.investigator),
        "suspensions": [suspension(s) for s in case.suspensions],
        "referrals": [referral(r) for r in case.referrals],
        "outcome": outcome(case.outcome),
        "outcome_history": [outcome(o) for o in case.outcomes],
        "next_deadline": next_deadline(case),
        "created_at": moment(case.created_at),
        "updated_at": moment(case.updated_at),
        "closed_at": moment(case.closed_at),
        "route": case.route,
    }


def case_core(case: Case) -> schemas.CaseSummary:
    """A case in a list, for a person with the full view."""
    return schemas.CaseSummary(**core_fields(case))


def case_full(case: Case, viewer: User) -> schemas.Case:
    """Everything a person with the full view may see, and what they may do next."""
    return schemas.Case(
        **core_fields(case),
        content_url=case.content_url,
        description=case.description,
        complainant_name=case.complainant_name,
        complainant_contact=case.complainant_contact,
        stage_before_referral=case.stage_before_referral,
        ico_decision=case.ico_decision,
        ico_decision_reason=case.ico_decision_reason,
        ico_reference=case.ico_reference,
        police_decision=case.police_decision,
        police_decision_reason=case.police_decision_reason,
        contractor_actions=[contractor_action(a) for a in case.contractor_actions],
        **process_fields(case),
        evidence=[evidence(e, case.reference) for e in case.evidence],
        notes=[note(n) for n in case.notes],
        deadlines=[
            schemas.Deadline(key=d.key, label=d.label, due_at=moment(d.due_at), met=d.met, overdue=d.overdue())
            for d in case_deadlines(case)
        ],
        available_actions=[spec.name for spec in workflow.available_actions(viewer, case, rule_settings())],
        scope=case.scope,
        whistleblowing=bool(case.whistleblowing),
        children_at_risk=case.children_at_risk,
        named_person=case.named_person,
        school_name=case.school_name,
        route_reason=case.route_reason,
        routed_at=moment(case.routed_at),
        handoff=(
            schemas.Handoff(at=moment(case.handed_off_at), note=case.handoff_note, reference=case.handoff_reference)
            if case.handed_off_at
            else None
        ),
    )


def reporter_fields(case: Case) -> dict:
    return {
        "view": View.REPORTER.value,
        "reference": case.reference,
        "kind": case.kind,
        "status": reporter_status(case.stage),
        "created_at": moment(case.created_at),
        "platform": case.platform,
        "incident_date": day(case.incident_date),
    }


def case_summary_for_reporter(case: Case) -> schemas.ReporterCaseSummary:
    return schemas.ReporterCaseSummary(**reporter_fields(case))


def case_for_reporter(case: Case, viewer: User, *, stage: bool = False) -> schemas.ReporterCase:
    """A reporter sees what they told us and a plain status; the victim of abuse also sees the support given.
    `stage`: the answer to their own report also says at which stage it starts."""
    extra = {}
    if stage:
        extra["stage"] = case.stage
    if case.route:  # where it went and who deals with it; nothing of the hand-off or HR's notes
        extra |= {
            "route": case.route,
            "route_explanation": reporter_explanation(case.route, case.school_name, bool(case.children_at_risk)),
            "route_contact": contact_for(case.route, case.school_name),
        }
    if case.kind == Kind.ABUSE:
        extra["support"] = [
            schemas.DatedText(text=n.text, created_at=moment(n.created_at)) for n in case.notes if n.kind == "support"
        ]
    return schemas.ReporterCase(
        **reporter_fields(case),
        description=case.description,
        information_added=[
            schemas.DatedText(text=n.text, created_at=moment(n.created_at))
            for n in case.notes
            if n.visible_to_reporter and n.kind != "support" and n.author_id == viewer.id
        ],
        your_files=[
            schemas.ReporterFile(
                id=e.id,
                original_name=e.original_name,
                content_type=e.content_type,
                size=e.size,
                sha256=e.sha256,
                uploaded_at=moment(e.uploaded_at),
                download_url=url_for("api_v1.download_evidence", reference=case.reference, evidence_id=e.id),
            )
            for e in case.evidence
            if e.uploaded_by_id == viewer.id and e.storage_key is not None
        ],
        **extra,
    )


def case_for(case: Case, level: View, viewer: User, *, stage: bool = False) -> schemas.Case | schemas.ReporterCase:
    """The case as `viewer` may see it."""
    return case_full(case, viewer) if level == View.FULL else case_for_reporter(case, viewer, stage=stage)


def case_list(cases, full_view: set, next_cursor: str | None) -> schemas.CaseList:
    """A page of cases, each as its reader may see it in a list."""
    return schemas.CaseList(
        items=[case_core(c) if c.id in full_view else case_summary_for_reporter(c) for c in cases],
        next_cursor=next_cursor,
    )


def event(item: CaseEvent) -> schemas.Event:
    return schemas.Event(
        seq=item.seq,
        at=moment(item.at),
        actor=someone(item.actor),
        action=item.action,
        from_stage=item.from_stage,
        to_stage=item.to_stage,
        data=item.data or {},
        prev_hash=item.prev_hash,
        hash=item.hash,
    )


def event_list(case: Case, events) -> schemas.EventList:
    return schemas.EventList(reference=case.reference, items=[event(item) for item in events])
