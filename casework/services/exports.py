"""Case report exports, sealed so that any change to them is detected (design §6).

A report carries, in its keywords, the case reference, the case version, the
audit-chain head and an HMAC (keyed by the install's secret) of every byte of
the file. `verify_report` recomputes it: changing one byte of the text, or of
anything else in the file, makes it fail.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from ..domain.policy import (
    AGENCIES,
    FINDINGS,
    FLAGS,
    KIND_LABELS,
    NOTE_LABELS,
    PLATFORMS,
    REFERRAL_STATUSES,
    RIGHTS_DECISIONS,
    SEVERITIES,
    SOURCE_LABELS,
    STAFF_TYPE_LABELS,
    STAGE_LABELS,
    category_label,
    event_label,
    sanction_label,
)
from ..domain.routing import ROUTE_LABELS
from ..extensions import db
from ..models import Case, CaseEvent, User, utcnow
from ..reports import case_report
from ..reports.common import Imprint, london
from ..reports.event_details import describe
from . import report_process
from .events import case_events

SEAL_KEYS = ("/CaseworkReference", "/CaseworkVersion", "/CaseworkChainHead", "/CaseworkDigest")


def _person(user: User | None) -> str:
    if user is None:
        return ""
    parts = [STAFF_TYPE_LABELS.get(user.staff_type, user.staff_type)]
    if user.contractor_org:
        parts.append(user.contractor_org)
    if user.department:
        parts.append(user.department.name)
    return f"{user.name} ({', '.join(parts)})"


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _names(case: Case, events=None):
    """E-mail address -> name, for the people of the case and anyone else its events (`events`, or else the
    case's own) name."""
    known = {u.email.lower(): u.name for u in (*case.subjects, case.reporter, case.owner, case.investigator) if u}
    emails = {
        value.lower()
        for event in (case_events(case) if events is None else events)
        for value in _strings(event.data or {})
        if "@" in value and " " not in value and value.lower() not in known
    }
    if emails:
        rows = db.session.execute(select(User.email, User.name).where(func.lower(User.email).in_(emails)))
        known.update({email.lower(): name for email, name in rows})
    return lambda email: known.get((email or "").lower(), email or "someone")


@dataclass(frozen=True)
class ChronologyLine:
    """One line of a case's chronology as people read it: what happened, in words."""

    at: datetime
    actor: str
    label: str
    stage: str
    details: str


def chronology(case: Case, events=None) -> list[ChronologyLine]:
    """Every event of the case, oldest first, each with a readable summary of what changed. `events` are the
    case's events as plain rows (casework.services.cases.page_events) when its page read them; otherwise
    the case's records are read."""
    if events is None:
        events = [_event_row(e) for e in case_events(case)]
    names = _names(case, events)
    return [
        ChronologyLine(
            e.at,
            "System" if e.actor_id is None else e.actor_name,
            event_label(e.action),
            STAGE_LABELS.get(e.to_stage, "") if e.to_stage and e.to_stage != e.from_stage else "",
            describe(e.action, e.data, names),
        )
        for e in events
    ]


@dataclass(frozen=True)
class _EventRow:
    at: datetime
    actor_id: int | None
    actor_name: str | None
    action: str
    from_stage: str | None
    to_stage: str | None
    data: dict


def _event_row(event: CaseEvent) -> _EventRow:
    """An event record as the plain row the chronology reads."""
    return _EventRow(
        event.at,
        event.actor_id,
        event.actor.name if event.actor else None,
        event.action,
        event.from_stage,
        event.to_stage,
        event.data,
    )


def chain_head(case: Case) -> str:
    return (
        db.session.scalar(
            select(CaseEvent.hash).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq.desc()).limit(1)
        )
        or ""
    )


def _routing(case: Case) -> list[tuple[str, str]]:
    """Where a routed report went, why, and its hand-off (Acceptable Use of Social Media Policy 2 and 3)."""
    if not case.route:
        return []
    rows = [("Routed to", ROUTE_LABELS.get(case.route, case.route)), ("Why", case.route_reason or "")]
    if case.named_person:
        rows.append(("Name given", case.named_person))
    if case.school_name:
        rows.append(("School", case.school_name))
    if case.handed_off_at:
        reference = f" (their reference {case.handoff_reference})" if case.handoff_reference else ""
        rows.append(("Hand-off", f"{london(case.handed_off_at)}: {case.handoff_note or ''}{reference}"))
    else:
        rows.append(("Hand-off", "Not yet recorded"))
    return rows


def case_report_data(case: Case) -> case_report.CaseReportData:
    """Everything the case report shows, as plain data."""
    names = _names(case)
    outcome_rows = []
    before_outcome, after_outcome = report_process.sections(case)
    if len(case.current_outcomes) > 1:  # one outcome a person
        outcome_rows = report_process.outcome_rows(case)
    elif case.outcome is not None:
        o = case.outcome
        outcome_rows = [
            ("Finding", FINDINGS.get(o.finding, o.finding)),
            ("Sanction", sanction_label(o.sanction)),
            ("Live until", o.live_until.strftime("%d %B %Y") if o.live_until else "Not a warning"),
            ("Publishing rights", RIGHTS_DECISIONS.get(o.rights_decision, "No decision needed")),
            ("Content removed", "Yes" if o.content_removed else "No"),
            ("Decided by", f"{o.decided_by.name}, {london(o.decided_at)}"),
            ("Appeal by", o.appeal_due_on.strftime("%d %B %Y") if o.appeal_due_on else ""),
            ("Summary", o.summary),
        ]
        if o.appeal_waived_at is not None:
            outcome_rows.append(("Appeal waived", f"{london(o.appeal_waived_at)}: {o.appeal_waived_reason or ''}"))
        for earlier in reversed(case.superseded_outcomes):
            who = earlier.superseded_by.name if earlier.superseded_by else "unknown"
            outcome_rows.append(
                (
                    "Earlier outcome (superseded)",
                    f"{FINDINGS.get(earlier.finding, earlier.finding)}, {sanction_label(earlier.sanction)}; decided by "
                    f"{earlier.decided_by.name}, {london(earlier.decided_at)}. Superseded by {who}, "
                    f"{london(earlier.superseded_at)}: {earlier.superseded_reason or ''}",
                )
            )
        for action in case.contractor_actions:
            outcome_rows.append(
                (
                    "Contractor's action",
                    f"{action.text} (recorded by {action.recorded_by.name}, {london(action.recorded_at)})",
                )
            )
    complainant = ""
    if case.complainant_name or case.complainant_contact:
        complainant = " – ".join(x for x in (case.complainant_name, case.complainant_contact) if x)
    return case_report.CaseReportData(
        reference=case.reference,
        kind=KIND_LABELS[case.kind],
        stage=STAGE_LABELS[case.stage],
        source=SOURCE_LABELS.get(case.source, case.source),
        categories=[category_label(c) for c in case.categories],
        platform=PLATFORMS.get(case.platform, case.platform),
        content_url=case.content_url or "",
        incident_date=case.incident_date,
        reported_at=case.created_at,
        description=case.description,
        flags=[label for code, label in FLAGS.items() if getattr(case, code)],
        severity=SEVERITIES.get(case.severity or "", "Not assessed"),
        subjects=[_person(s) for s in case.subjects],
        reporter=_person(case.reporter),
        complainant=complainant,
        owner=case.owner.name if case.owner else "",
        investigator=case.investigator.name if case.investigator else "",
        version=case.version,
        chain_head=chain_head(case),
        routing=_routing(case),
        events=[
            case_report.EventRow(
                e.seq,
                e.at,
                e.actor.name if e.actor else "System",
                event_label(e.action),
                STAGE_LABELS.get(e.to_stage, "") if e.to_stage != e.from_stage else "",
                describe(e.action, e.data, names),
                e.hash,
            )
            for e in case.events
        ],
        evidence=[
            case_report.EvidenceRow(
                ev.original_name or ev.source_url or "",
                ev.content_type or "link",
                f"{ev.size / 1024:.1f} KB" if ev.size else "",
                ev.sha256 or "",
                f"{ev.uploaded_by.name}, {london(ev.uploaded_at)}",
            )
            for ev in case.evidence
        ],
        suspensions=[
            case_report.SuspensionRow(
                s.subject.name,
                s.account.handle if s.account else "Every council account",
                london(s.started_at),
                s.reason,
                f"Lifted {london(s.lifted_at)}: {s.lift_reason}" if s.lifted_at else "Active",
            )
            for s in case.suspensions
        ],
        referrals=[
            case_report.ReferralRow(
                AGENCIES.get(r.agency, r.agency),
                r.reason,
                r.agency_reference or "",
                REFERRAL_STATUSES.get(r.status, r.status),
                r.result or "",
                london(r.referred_at),
            )
            for r in case.referrals
        ],
        outcome=outcome_rows,
        notes=[
            case_report.NoteRow(NOTE_LABELS.get(n.kind, n.kind), n.author.name, london(n.created_at), n.text)
            for n in case.notes
        ],
        process_before_outcome=before_outcome,
        process_after_outcome=after_outcome,
    )


def _key() -> bytes:
    secret = current_app.config["SECRET_KEY"]
    return hashlib.sha256(b"casework-report-seal:" + str(secret).encode()).digest()


SEAL = "casework-seal reference={reference} version={version} chain={head} digest={digest}"
SEAL_PATTERN = re.compile(
    rb"casework-seal reference=([A-Za-z0-9-]{1,40}) version=(\d{1,12}) chain=([0-9a-f]{64}|none) digest=([0-9a-f]{64})"
)
UNSEALED = "0" * 64


def seal_placeholder(reference: str, version: int, head: str) -> str:
    """The seal written into the PDF's keywords before the digest is known."""
    return SEAL.format(reference=reference, version=version, head=head or "none", digest=UNSEALED)


def seal(pdf: bytes) -> bytes:
    """Fill in the seal: an HMAC of every byte of the file with the digest itself left as zeros.

    The digest has a fixed length, so writing it moves nothing else in the file.
    """
    matches = list(SEAL_PATTERN.finditer(pdf))
    if len(matches) != 1 or matches[0].group(4) != UNSEALED.encode():
        raise ValueError("the document does not carry exactly one unfilled seal")
    digest = hmac.new(_key(), pdf, hashlib.sha256).hexdigest().encode()
    start, end = matches[0].span(4)
    return pdf[:start] + digest + pdf[end:]


def case_report_pdf(case: Case, actor: User) -> bytes:
    """The sealed case report. The caller records the export in the access log."""
    imprint = Imprint(current_app.config["COUNCIL_NAME"], actor.name, utcnow())
    data = case_report_data(case)
    placeholder = seal_placeholder(case.reference, case.version, data.chain_head)
    return seal(case_report.build(data, imprint, seal=placeholder))


@dataclass(frozen=True)
class ReportCheck:
    valid: bool
    message: str
    reference: str | None = None
    version: str | None = None


def chain_head_known(reference: str, head: str) -> bool:
    """Whether this install's audit trail of case `reference` holds an event whose hash is `head` (the chain
    head a sealed report or bundle names)."""
    case_id = db.session.scalar(select(Case.id).where(Case.reference == reference))
    return case_id is not None and (
        db.session.scalar(select(CaseEvent.id).where(CaseEvent.case_id == case_id, CaseEvent.hash == head)) is not None
    )


def verify_report(pdf: bytes) -> ReportCheck:
    """Is this an unaltered export of this install? Says which case and version."""
    if not pdf.startswith(b"%PDF-"):
        return ReportCheck(False, "Not a PDF file")
    matches = list(SEAL_PATTERN.finditer(pdf))
    if not matches:
        return ReportCheck(False, "This file carries no Casework seal: it is not a Casework export")
    if len(matches) > 1:
        return ReportCheck(False, "ALTERED: the file carries more than one seal")
    match = matches[0]
    reference, version, head, digest = (group.decode() for group in match.groups())
    start, end = match.span(4)
    expected = hmac.new(_key(), pdf[:start] + UNSEALED.encode() + pdf[end:], hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, digest):
        return ReportCheck(
            False,
            "ALTERED: the file does not match its seal, or it was not exported by this install",
            reference,
            version,
        )
    if not chain_head_known(reference, head):
        return ReportCheck(
            False,
            "The seal is valid but this install's audit trail for the case does not contain its chain head",
            reference,
            version,
        )
    return ReportCheck(
        True,
        f"Unaltered export of case {reference} at version {version} (audit-chain head {head[:16]}…)",
        reference,
        version,
    )
