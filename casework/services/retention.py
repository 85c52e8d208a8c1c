"""Retention (design §6): closed cases are anonymised once their retention date has passed.

`purge_expired()` (`flask casework purge-expired`) takes each closed case whose
`retention_until` is before today and that is not under legal hold, and in one
transaction per case:

- keeps what statistics need: kind, source, stage, severity, flags, categories,
  platform, department, dates, the outcome's finding and sanction, each
  referral's agency and status, the people who handled it (owner,
  investigator, the staff who acted);
- removes what is about a person: the description, content URL, complainant,
  reporter and subjects (and their access-log entries, notes and
  suspensions), note text, evidence names, descriptions and links, referral
  reasons, results and agency references, the outcome summary, contractor
  action and appeal reason, the case's notifications and e-mails;
- redacts the data of every audit event to its non-personal fields, and
  appends a tombstone event ("anonymised") that counts what was removed and
  seals the redacted events (casework.domain.audit), so `verify-audit` still
  verifies the whole chain;
- after the commit, deletes each evidence file that no other case refers to.

A case whose audit chain does not verify is not anonymised (that would hide
the tampering); it is reported instead. Running it again does nothing: an
anonymised case has `anonymised_at` set.
"""

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm.exc import StaleDataError

from ..domain.audit import TOMBSTONE_ACTION, first_break, is_redacted, redact_data, redaction_digest
from ..domain.policy import Role, Stage
from ..extensions import db
from ..models import AccessLog, Case, CaseEvent, Evidence, Notification, OutboxEmail, User, utcnow
from .audit import EVENT_COLUMNS
from .deadlines import london_today
from .errors import STALE_MESSAGE, Conflict, InvalidInput, NotAllowed
from .events import record_event
from .evidence import path_for

log = logging.getLogger("casework.retention")

REASON_MAX = 5_000
LEGAL_HOLD_ON = "legal_hold_set"
LEGAL_HOLD_OFF = "legal_hold_cleared"


# --- legal hold ---------------------------------------------------------------------------


def set_legal_hold(case: Case, actor: User, on: bool, reason: str, *, version: int | None = None) -> Case:
    """HR puts a case on legal hold (retention will not anonymise it) or takes it off. Recorded in the audit trail."""
    if actor is None or not actor.active or actor.role != Role.HR:
        raise NotAllowed("Only HR can put a case on legal hold or take it off")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Give the reason for the legal hold", {"reason": "Enter the reason"})
    if len(reason) > REASON_MAX:
        raise InvalidInput("The reason is too long", {"reason": f"Reason must be {REASON_MAX:,} characters or fewer"})
    if version is not None and version != case.version:
        raise Conflict(STALE_MESSAGE)
    if case.anonymised_at is not None:
        raise Conflict("The case has been anonymised under the retention policy: there is nothing left to hold")
    if bool(case.legal_hold) == on:
        raise Conflict("The case is already on legal hold" if on else "The case is not on legal hold")
    case.legal_hold = on
    case.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(STALE_MESSAGE) from None
    record_event(
        case,
        actor,
        LEGAL_HOLD_ON if on else LEGAL_HOLD_OFF,
        from_stage=case.stage,
        to_stage=case.stage,
        data={"on": on, "reason": reason},
    )
    return case


# --- anonymisation --------------------------------------------------------------------------


@dataclass
class PurgeReport:
    anonymised: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # due, but under legal hold
    refused: list[tuple[str, str]] = field(default_factory=list)  # (reference, why): e.g. a broken audit chain
    files_deleted: int = 0
    files_not_deleted: list[str] = field(default_factory=list)


def due_filter(today: date):
    return (
        Case.stage == Stage.CLOSED,
        Case.retention_until.is_not(None),
        Case.retention_until < today,
        Case.anonymised_at.is_(None),
    )


def purge_expired(today: date | None = None) -> PurgeReport:
    """Anonymise every closed case past its retention date and not on legal hold. Commits case by case."""
    today = today or london_today()
    report = PurgeReport()
    due_ids = db.session.scalars(select(Case.id).where(*due_filter(today)).order_by(Case.id)).all()
    db.session.commit()
    for case_id in due_ids:
        try:
            files = _anonymise(case_id, today, report)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        _delete_unreferenced(files, report)
    return report


def _chain_problem(case: Case) -> str | None:
    events = db.session.execute(
        select(*EVENT_COLUMNS).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
    ).all()
    broken = first_break(events)
    if broken is not None:
        return f"its audit trail is broken at event {broken.seq}: {broken.reason}"
    if not events:
        return "it has no audit trail"
    if case.audit_head is not None and events[-1].hash != case.audit_head:
        return "its audit trail ends before the recorded head"
    return None


def _anonymise(case_id: int, today: date, report: PurgeReport) -> list[str]:
    """Anonymise one case in the current transaction; returns the evidence files to delete after the commit."""
    case = db.session.scalar(
        select(Case).where(Case.id == case_id).with_for_update().execution_options(populate_existing=True)
    )
    due = db.session.scalar(select(func.count()).select_from(Case).where(Case.id == case_id, *due_filter(today)))
    if case is None or not due:
        return []  # changed since the list was read (reopened, or anonymised by another run)
    if case.legal_hold:
        report.held.append(case.reference)
        return []
    problem = _chain_problem(case)
    if problem:
        report.refused.append((case.reference, problem))
        log.error("Case %s not anonymised: %s", case.reference, problem)
        return []

    personal_ids = {s.id for s in case.subjects} | ({case.reporter_id} if case.reporter_id else set())
    removed: Counter = Counter()
    removed["subjects"] = len(case.subjects)
    staff_types = dict(sorted(Counter(s.staff_type for s in case.subjects).items()))
    removed["reporter"] = int(case.reporter_id is not None)
    removed["complainant"] = int(bool(case.complainant_name or case.complainant_contact))
    removed["description"] = int(bool(case.description))
    removed["content_url"] = int(bool(case.content_url))

    # The case itself
    case.subjects = []
    case.reporter_id = None
    case.complainant_name = None
    case.complainant_contact = None
    case.description = ""
    case.content_url = None
    removed["named_person"] = int(bool(case.named_person))
    case.named_person = None  # a councillor or school worker named in a routed report
    case.handoff_note = None

    # Notes: those the reporter or a subject wrote go; the others keep their kind and date only
    for note in list(case.notes):
        if note.author_id in personal_ids:
            db.session.delete(note)
            removed["notes_removed"] += 1
        elif note.text:
            note.text = ""
            removed["notes_blanked"] += 1

    # Suspensions say whose rights were suspended and why: they go (the redacted events keep the dates)
    for suspension in list(case.suspensions):
        db.session.delete(suspension)
        removed["suspensions_removed"] += 1

    # Evidence: the rows keep type, size and dates; files no other case refers to are deleted after the commit
    files: list[str] = []
    for item in case.evidence:
        if item.storage_key:
            others = db.session.scalar(
                select(func.count())
                .select_from(Evidence)
                .where(Evidence.storage_key == item.storage_key, Evidence.case_id != case.id)
            )
            if not others and item.storage_key not in files:
                files.append(item.storage_key)
        removed["evidence_items"] += 1
        item.description = None
        item.original_name = None
        item.source_url = None
        item.storage_key = None
        item.sha256 = None
    removed["evidence_files_to_delete"] = len(files)

    for referral in case.referrals:
        referral.reason = ""
        referral.result = None
        referral.agency_reference = None
        removed["referrals"] += 1
    for outcome in case.outcomes:
        outcome.summary = ""
        outcome.appeal_reason = None
        outcome.superseded_reason = None
        removed["outcome_summary"] = removed.get("outcome_summary", 0) + 1
    for action in case.contractor_actions:
        action.text = ""
    removed.update(_anonymise_process(case))
    case.ico_decision_reason = None
    case.police_decision_reason = None

    # Online research, RIPA authorisations and web captures: whose profile, why and what go
    from .research import anonymise_case as anonymise_research

    removed.update(anonymise_research(case))

    # Who was told what, and who of the people concerned opened the case
    removed["notifications_removed"] = db.session.execute(
        delete(Notification).where(Notification.case_id == case.id)
    ).rowcount
    removed["emails_removed"] = db.session.execute(delete(OutboxEmail).where(OutboxEmail.case_id == case.id)).rowcount
    if personal_ids:
        removed["access_log_entries_removed"] = db.session.execute(
            delete(AccessLog).where(AccessLog.case_id == case.id, AccessLog.user_id.in_(personal_ids))
        ).rowcount
    db.session.execute(update(AccessLog).where(AccessLog.case_id == case.id).values(detail=None))

    # The audit trail: every event since the last tombstone keeps only its non-personal fields
    events = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)).all()
    last_tombstone = max((e.seq for e in events if e.action == TOMBSTONE_ACTION), default=0)
    to_redact = [e for e in events if e.seq > last_tombstone and not is_redacted(e.data)]
    for event in to_redact:
        event.data = redact_data(event.data)
        if event.actor_id in personal_ids:
            event.actor_id = None
    removed["events_redacted"] = len(to_redact)

    case.anonymised_at = utcnow()
    case.updated_at = case.anonymised_at
    db.session.flush()

    tombstone = {
        "by": "purge-expired",
        "retention_until": case.retention_until.isoformat(),
        "removed": {key: value for key, value in sorted(removed.items()) if value},
        "subject_staff_types": staff_types,
    }
    if to_redact:
        stored = db.session.execute(
            select(*EVENT_COLUMNS)
            .where(CaseEvent.case_id == case.id, CaseEvent.seq > last_tombstone)
            .order_by(CaseEvent.seq)
        ).all()
        tombstone.update(
            redacted_from_seq=stored[0].seq,
            redacted_through_seq=stored[-1].seq,
            head_before=stored[-1].hash,
            redacted_digest=redaction_digest(stored),
        )
    record_event(case, None, TOMBSTONE_ACTION, from_stage=case.stage, to_stage=case.stage, data=tombstone)
    report.anonymised.append(case.reference)
    return files


def _anonymise_process(case: Case) -> Counter:
    """The fair process: whom the allegations, hearings, appeals and outcomes were about, and what was said,
    go; what was decided (findings, sanctions, results) and when stay for the statistics."""
    removed: Counter = Counter()
    for allegation in list(case.allegation_rows):
        db.session.delete(allegation)
        removed["allegations_removed"] += 1
    for outcome in case.outcomes:
        outcome.subject_id = None
        outcome.appeal_waived_reason = None
    for appeal in list(case.appeals):  # the result stays on the outcome appealed against
        db.session.delete(appeal)
        removed["appeals_removed"] += 1
    for hearing in case.hearings:
        hearing.subject_ids = []
        hearing.attended = hearing.companion = hearing.subject_statement = hearing.postponed_reason = None
        removed["hearings"] += 1
    for report in case.investigation_reports:
        report.findings = []
        report.summary = ""
    for advice in case.hr_advice:
        advice.text = ""
    for declaration in case.conflicts:
        declaration.text = ""
    for override in case.overrides:
        override.rules = []
        override.reason = ""
    case.content_removal_reason = None
    return removed


def _delete_unreferenced(keys: list[str], report: PurgeReport) -> None:
    """Delete evidence files no case refers to any more (checked again: another case may have added the same file)."""
    for key in keys:
        still = db.session.scalar(select(func.count()).select_from(Evidence).where(Evidence.storage_key == key))
        db.session.commit()
        if still:
            continue
        try:
            path_for(key).unlink(missing_ok=True)
            report.files_deleted += 1
        except OSError as error:
            report.files_not_deleted.append(key)
            log.error("Evidence file %s not deleted: %s", key, error)
