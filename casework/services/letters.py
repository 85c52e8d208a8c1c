"""Producing letters to the people a case is about (design §7).

Each letter is filled from the case and recorded, in the caller's
transaction, as a `letter_generated` event in the case's hash-chained audit
trail (with the SHA-256 of the PDF, so a copy can later be matched to the
letter sent) and an `export` row in the access log.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import date

from flask import current_app

from ..domain import letters as rules
from ..domain.letters import LETTERS, LetterSpec
from ..domain.policy import (
    DISMISSALS,
    FINDINGS,
    PLATFORMS,
    STAFF_TYPE_LABELS,
    Role,
    category_label,
    sanction_label,
)
from ..domain.workflow import may_export_report
from ..models import Case, CaseEvent, Suspension, User, utcnow
from ..reports import letters as builder
from ..reports.common import Imprint
from .cases import record_access
from .deadlines import london_date, london_today
from .errors import Conflict, InvalidInput, NotAllowed, NotFound
from .events import record_event

LETTER_EVENT = "letter_generated"

# How a platform reads after "on", where its name alone would not
PLATFORM_PHRASES = {"blog": "a blog", "forum": "an online forum", "other": ""}


@dataclass(frozen=True)
class Meeting:
    """When and where an investigation meeting or a disciplinary hearing takes place."""

    day: date | None
    time: str
    place: str


@dataclass(frozen=True)
class ProducedLetter:
    pdf: bytes
    filename: str
    sha256: str
    spec: LetterSpec
    recipient: User


@dataclass(frozen=True)
class SubjectLetters:
    """The letters on offer for one person a case is about, and why others are not."""

    subject: User
    letters: list[LetterSpec]
    contractor: bool


def offered_letters(case: Case) -> list[SubjectLetters]:
    """For each person the case is about, the letters that make sense now."""
    return [
        SubjectLetters(subject, rules.available_letters(case, subject), subject.staff_type == "contractor")
        for subject in case.subjects
    ]


def letters_produced(case: Case) -> list[CaseEvent]:
    """The letters already produced on the case, from its audit trail, newest first."""
    return [event for event in reversed(case.events) if event.action == LETTER_EVENT]


def find_subject(case: Case, email: str | None) -> User | None:
    wanted = (email or "").strip().lower()
    return next((s for s in case.subjects if s.email == wanted), None) if wanted else None


def _first_lower(label: str) -> str:
    return label[:1].lower() + label[1:]


def _allegation(case: Case) -> str:
    parts = [
        "another breach of the policy" if code == "other" else _first_lower(category_label(code))
        for code in case.categories
    ]
    return "; ".join(parts) or "a breach of the policy"


def _account(suspension: Suspension) -> str:
    account = suspension.account
    if account is None:
        return "Every council social media account you may publish on"
    return f"{PLATFORMS.get(account.platform, account.platform)} – {account.handle}"


def _day(moment) -> str:
    return builder.long_date(london_date(moment)) if moment else ""


def _sender(actor: User) -> tuple[str, str]:
    """The sender's title and the part of the council the letter comes from."""
    department = actor.department.name if actor.department else ""
    if actor.role == Role.HR:
        return "Human Resources", "Human Resources"
    if actor.role == Role.MANAGER:
        return (f"Manager, {department}" if department else "Manager"), department or "Management"
    return department or "Council officer", department


def _recipient_lines(subject: User, council: str) -> tuple[str, ...]:
    staff = STAFF_TYPE_LABELS.get(subject.staff_type, subject.staff_type)
    if subject.contractor_org:
        staff = f"{staff}, {subject.contractor_org}"
    return (staff, subject.department.name if subject.department else "", council, f"By email: {subject.email}")


def _outcome_fields(case: Case) -> dict:
    outcome = case.outcome
    return {
        "finding": _first_lower(FINDINGS.get(outcome.finding, outcome.finding)),
        "sanction": _first_lower(sanction_label(outcome.sanction)),
        "decided_on": _day(outcome.decided_at),
        "is_warning": outcome.sanction in ("first_written_warning", "final_written_warning"),
        "is_final_warning": outcome.sanction == "final_written_warning",
        "is_dismissal": outcome.sanction in DISMISSALS,
        "is_summary_dismissal": outcome.sanction == "summary_dismissal",
        "live_until": builder.long_date(outcome.live_until),
        "appeal_offered": outcome.finding != "not_substantiated" and outcome.appeal_due_on is not None,
        "appeal_due_on": builder.long_date(outcome.appeal_due_on),
        "rights_restored": outcome.rights_decision == "restored",
        "rights_revoked": outcome.rights_decision == "revoked",
        "content_removed": bool(outcome.content_removed),
    }


def _suspension_fields(case: Case, subject: User) -> dict:
    suspensions = rules.suspensions_of(case, subject)
    active = [s for s in suspensions if s.lifted_at is None]
    shown = active or suspensions
    reviews = [s.next_review_on for s in active if s.next_review_on]
    return {
        "suspended": [f"{_account(s)} – suspended from {_day(s.started_at)}" for s in shown],
        "reason": "; ".join(dict.fromkeys(s.reason for s in shown)),
        "review_every": f"{current_app.config['SUSPENSION_REVIEW_WORKING_DAYS']} working days",
        "next_review_on": builder.long_date(min(reviews)) if reviews else "",
    }


def _lifted_fields(case: Case, subject: User) -> dict:
    suspensions = rules.suspensions_of(case, subject)
    lifted = [s for s in suspensions if s.lifted_at is not None]
    return {
        "lifted": [
            f"{_account(s)} – suspended from {_day(s.started_at)}, lifted on {_day(s.lifted_at)}" for s in lifted
        ],
        "lift_reason": "; ".join(dict.fromkeys(s.lift_reason or "" for s in lifted if s.lift_reason)),
        "still_suspended": [f"{_account(s)} – suspended from {_day(s.started_at)}" for s in suspensions if s.is_active],
        "rights_revoked": case.outcome is not None and case.outcome.rights_decision == "revoked",
    }


def _meeting_fields(meeting: Meeting | None) -> dict:
    if meeting is None or meeting.day is None:  # a preview, before the details are entered
        return {"meeting_date": "[date]", "meeting_time": "[time]", "meeting_place": "[place]"}
    return {
        "meeting_date": f"{meeting.day:%A} {builder.long_date(meeting.day)}",
        "meeting_time": meeting.time,
        "meeting_place": meeting.place,
    }


def letter_data(
    case: Case, actor: User, spec: LetterSpec, subject: User, meeting: Meeting | None
) -> builder.LetterData:
    """Everything the letter shows, as plain data filled from the case."""
    council = current_app.config["COUNCIL_NAME"]
    title, unit = _sender(actor)
    fields = {
        "allegation": _allegation(case),
        "platform": PLATFORM_PHRASES.get(case.platform, PLATFORMS.get(case.platform, "")),
        "incident_date": builder.long_date(case.incident_date),
        "investigator_name": case.investigator.name if case.investigator else "",
    }
    if spec.needs_meeting:
        fields |= _meeting_fields(meeting)
    if spec.kind == "outcome":
        fields |= _outcome_fields(case)
    elif spec.kind == "suspension":
        fields |= _suspension_fields(case, subject)
    elif spec.kind == "suspension_lifted":
        fields |= _lifted_fields(case, subject)
    return builder.LetterData(
        kind=spec.kind,
        title=spec.title,
        council=council,
        reference=case.reference,
        letter_date=london_today(),
        recipient_name=subject.name,
        recipient_lines=_recipient_lines(subject, council),
        sender_name=actor.name,
        sender_title=title,
        sender_unit=unit,
        sender_email=actor.email,
        fields=fields,
    )


def _filename(case: Case, spec: LetterSpec, subject: User) -> str:
    name = re.sub(r"[^a-z0-9]+", "-", subject.name.lower()).strip("-")[:40] or "recipient"
    return f"{case.reference}-{spec.kind.replace('_', '-')}-{name}.pdf"


def check_letter(case: Case, actor: User, kind: str, subject_email: str | None) -> tuple[LetterSpec, User]:
    """The letter and its recipient, if `actor` may produce it now; raises otherwise.

    NotFound for an unknown letter or a person the case is not about,
    NotAllowed for anyone but the case's owner and HR, Conflict when the
    letter does not fit the case's present stage.
    """
    spec = LETTERS.get(kind)
    subject = find_subject(case, subject_email)
    if spec is None or subject is None:
        raise NotFound("No such letter for this case")
    if not may_export_report(actor, case):
        raise NotAllowed("Only the case's owner and HR produce letters")
    why_not = rules.refusal(kind, case, subject)
    if why_not:
        raise Conflict(why_not)
    return spec, subject


def preview(case: Case, actor: User, spec: LetterSpec, subject: User) -> list[builder.Block]:
    """The body of the letter as it will read, with the meeting's details still to be given."""
    return builder.render_blocks(letter_data(case, actor, spec, subject, None))


def meeting_errors(meeting: Meeting | None) -> dict[str, str]:
    """What is wrong with a meeting's details, by field; empty when there is no meeting to check."""
    if meeting is None:
        return {}
    return rules.meeting_errors(meeting.day, meeting.time, meeting.place, today=london_today())


def produce_letter(
    case: Case, actor: User, kind: str, subject_email: str | None, meeting: Meeting | None = None
) -> ProducedLetter:
    """Produce one letter to one person the case is about, and record it in the case's audit trail."""
    spec, subject = check_letter(case, actor, kind, subject_email)
    event_data = {"letter": kind, "recipient": subject.email, "recipient_name": subject.name}
    if spec.needs_meeting:
        meeting = meeting or Meeting(None, "", "")
        errors = meeting_errors(meeting)
        if errors:
            raise InvalidInput("Check the details of the meeting", errors)
        meeting = Meeting(meeting.day, meeting.time.strip(), meeting.place.strip())
        event_data["meeting"] = {"date": meeting.day.isoformat(), "time": meeting.time, "place": meeting.place}
    imprint = Imprint(current_app.config["COUNCIL_NAME"], actor.name, utcnow())
    pdf = builder.build(letter_data(case, actor, spec, subject, meeting), imprint)
    digest = hashlib.sha256(pdf).hexdigest()
    record_event(
        case, actor, LETTER_EVENT, from_stage=case.stage, to_stage=case.stage, data={**event_data, "sha256": digest}
    )
    record_access(case, actor, "export", f"letter {kind} to {subject.email}"[:300])
    return ProducedLetter(pdf, _filename(case, spec, subject), digest, spec, subject)
