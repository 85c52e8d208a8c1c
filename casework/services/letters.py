"""Letters to the people a case is about (design §7): drafted, edited, issued.

A letter is drafted from the case (`draft_letter`, a `letter_drafted` event),
read and edited by HR or the case's owner (`edit_letter`), then issued
(`issue_letter`): its text is then fixed and stored with its SHA-256, and a
`letter_issued` event in the case's hash-chained audit trail records both that
hash and the PDF's, with an `export` row in the access log. Everything happens
in the caller's transaction.
"""

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date

from flask import current_app
from sqlalchemy import update

from ..domain import letters as rules
from ..domain.letters import LETTERS, LetterSpec
from ..domain.policy import (
    PLATFORMS,
    STAFF_TYPE_LABELS,
    Role,
    category_label,
)
from ..domain.workflow import may_export_report
from ..extensions import db
from ..models import Case, CaseEvent, Letter, Suspension, User, utcnow
from ..reports import letters as builder
from ..reports.common import Imprint
from . import letter_fields as process_fields
from .cases import record_access
from .deadlines import bank_holidays, london_date, london_today
from .errors import Conflict, InvalidInput, NotAllowed, NotFound
from .events import record_event

LETTER_EVENT = "letter_issued"
DRAFT_EVENT = "letter_drafted"
# Letters produced before drafts could be edited were recorded under this name
EARLIER_LETTER_EVENT = "letter_generated"

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
    sha256: str  # of the issued text
    spec: LetterSpec
    recipient: User
    letter: Letter | None = None


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
    """Letters produced on the case before drafts were kept, from its audit trail, newest first."""
    return [event for event in reversed(case.events) if event.action == EARLIER_LETTER_EVENT]


def letters_of(case: Case) -> list[Letter]:
    """The case's letters, drafts and issued, newest first."""
    return list(reversed(case.letters))


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
        "rights_revoked": (outcome := case.outcome_for(subject.id)) is not None
        and outcome.rights_decision == "revoked",
    }


def fixed_meeting(case: Case, kind: str, subject: User, meeting: Meeting | None = None) -> Meeting | None:
    """The meeting as the letter gives it: an invitation to a hearing already arranged gives the hearing's date
    and time (only the place is asked for); otherwise the meeting as entered."""
    hearing = rules.arranged_hearing(case, subject) if kind == "disciplinary_hearing" else None
    if hearing is None:
        return meeting
    day, time = process_fields.local_date_and_time(hearing.hearing_at)
    return Meeting(day, time, meeting.place if meeting else "")


def _meeting_fields(meeting: Meeting | None) -> dict:
    if meeting is None:  # a preview, before the details are entered
        return {"meeting_date": "[date]", "meeting_time": "[time]", "meeting_place": "[place]"}
    return {
        "meeting_date": f"{meeting.day:%A} {builder.long_date(meeting.day)}" if meeting.day else "[date]",
        "meeting_time": meeting.time or "[time]",
        "meeting_place": meeting.place or "[place]",
    }


def letter_data(
    case: Case,
    actor: User,
    spec: LetterSpec,
    subject: User,
    meeting: Meeting | None,
    letter_date: date | None = None,
) -> builder.LetterData:
    """Everything the letter shows, as plain data filled from the case, dated `letter_date` (today)."""
    council = current_app.config["COUNCIL_NAME"]
    letter_date = letter_date or london_today()
    title, unit = _sender(actor)
    fields = {
        "allegation": _allegation(case),
        "platform": PLATFORM_PHRASES.get(case.platform, PLATFORMS.get(case.platform, "")),
        "incident_date": builder.long_date(case.incident_date),
        "investigator_name": case.investigator.name if case.investigator else "",
    }
    if spec.needs_meeting:
        fields |= _meeting_fields(fixed_meeting(case, spec.kind, subject, meeting))
    if spec.kind == "disciplinary_hearing":
        fields |= process_fields.hearing_fields(case, subject)
    elif spec.kind == "hearing_postponed":
        fields |= process_fields.postponed_fields(case, subject)
    elif spec.kind == "outcome":
        fields |= process_fields.outcome_fields(case, subject, letter_date)
    elif spec.kind == "appeal_hearing":
        fields |= process_fields.appeal_hearing_fields(case, subject)
    elif spec.kind == "appeal_outcome":
        fields |= process_fields.appeal_outcome_fields(case, subject)
    elif spec.kind == "suspension":
        fields |= _suspension_fields(case, subject)
    elif spec.kind == "suspension_lifted":
        fields |= _lifted_fields(case, subject)
    return builder.LetterData(
        kind=spec.kind,
        title=spec.title,
        council=council,
        reference=case.reference,
        letter_date=letter_date,
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


def meeting_errors(meeting: Meeting | None, kind: str = "investigation_meeting") -> dict[str, str]:
    """What is wrong with a meeting's details, by field; empty when there is no meeting to check.

    A disciplinary hearing is on a working day with HEARING_NOTICE_WORKING_DAYS' notice."""
    if meeting is None:
        return {}
    hearings = ("disciplinary_hearing", "appeal_hearing")
    notice = current_app.config["HEARING_NOTICE_WORKING_DAYS"] if kind in hearings else 0
    return rules.meeting_errors(
        meeting.day,
        meeting.time,
        meeting.place,
        today=london_today(),
        bank_holidays=bank_holidays(),
        notice_working_days=notice,
    )


BODY_MAX = 20_000


def body_errors(body: str | None) -> dict[str, str]:
    """What is wrong with a letter's text as edited, by field."""
    if not isinstance(body, str) or not body.strip():
        return {"body": "Enter the text of the letter"}
    if len(body) > BODY_MAX:
        return {"body": f"The letter must be {BODY_MAX:,} characters or fewer"}
    if any((ord(c) < 32 and c not in "\r\n\t") or ord(c) == 127 for c in body):
        return {"body": "The letter must not contain control characters"}
    return {}


def _clean_meeting(spec: LetterSpec, kind: str, meeting: Meeting | None, case=None, subject=None) -> Meeting | None:
    if not spec.needs_meeting:
        return None
    meeting = meeting or Meeting(None, "", "")
    if case is not None:
        meeting = fixed_meeting(case, kind, subject, meeting)
    errors = meeting_errors(meeting, kind)
    if errors:
        raise InvalidInput("Check the details of the meeting", errors)
    return Meeting(meeting.day, meeting.time.strip(), meeting.place.strip())


def _event_data(letter: Letter) -> dict:
    data = {
        "letter": letter.kind,
        "letter_id": letter.id,
        "recipient": letter.recipient.email,
        "recipient_name": letter.recipient.name,
    }
    if letter.meeting_date is not None:
        data["meeting"] = {
            "date": letter.meeting_date.isoformat(),
            "time": letter.meeting_time,
            "place": letter.meeting_place,
        }
    return data


def draft_letter(
    case: Case, actor: User, kind: str, subject_email: str | None, meeting: Meeting | None = None
) -> Letter:
    """Draft a letter from the case for HR to read and edit before it is issued (nothing is sent yet)."""
    spec, subject = check_letter(case, actor, kind, subject_email)
    meeting = _clean_meeting(spec, kind, meeting, case, subject)
    now = utcnow()
    letter = Letter(
        case=case,
        kind=kind,
        recipient_id=subject.id,
        recipient=subject,
        status="draft",
        body=builder.draft_text(letter_data(case, actor, spec, subject, meeting)),
        meeting_date=meeting.day if meeting else None,
        meeting_time=meeting.time if meeting else None,
        meeting_place=meeting.place if meeting else None,
        drafted_by_id=actor.id,
        drafted_at=now,
        updated_at=now,
    )
    db.session.add(letter)
    db.session.flush()
    record_event(case, actor, DRAFT_EVENT, from_stage=case.stage, to_stage=case.stage, data=_event_data(letter))
    return letter


def body_digest(body: str) -> str:
    """SHA-256 of a letter's text (line endings as \\n): what is stored and matched later."""
    return hashlib.sha256(body.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def get_letter(case: Case, letter_id) -> Letter:
    letter = next((item for item in case.letters if str(item.id) == str(letter_id)), None)
    if letter is None:
        raise NotFound("No such letter on this case")
    return letter


def edit_letter(letter: Letter, actor: User, body: str, *, seen_digest: str | None = None) -> Letter:
    """Save HR's edits of a draft. A draft changed by someone else since it was opened is not overwritten."""
    if not may_export_report(actor, letter.case):
        raise NotAllowed("Only the case's owner and HR produce letters")
    if letter.status != "draft":
        raise Conflict("This letter has been issued and can no longer be changed")
    if seen_digest is not None and seen_digest != body_digest(letter.body):
        raise Conflict("This letter changed since you opened it")
    errors = body_errors(body)
    if errors:
        raise InvalidInput("The letter has errors", errors)
    letter.body = body.replace("\r\n", "\n").strip()
    letter.updated_at = utcnow()
    db.session.flush()
    return letter


def _letter_data_for(letter: Letter, sender: User, letter_date: date) -> builder.LetterData:
    spec = LETTERS[letter.kind]
    meeting = Meeting(letter.meeting_date, letter.meeting_time or "", letter.meeting_place or "")
    data = letter_data(
        letter.case, sender, spec, letter.recipient, meeting if spec.needs_meeting else None, letter_date
    )
    return replace(data, letter_date=letter_date)


def _appeal_window_from_letter(letter: Letter, issued_on: date) -> dict:
    """An outcome letter starts the person's appeal window: APPEAL_WINDOW_WORKING_DAYS working days from the day
    it is issued. The draft's deadline (counted from the day it was drafted) is brought up to date in the text.
    Returns what the letter_issued event records."""
    case = letter.case
    outcome = case.outcome_for(letter.recipient_id)
    if letter.kind != "outcome" or not rules.appeal_window_moves(case, outcome):
        return {}
    due = process_fields.appeal_due(case, outcome, issued_on)
    drafted = process_fields.appeal_due(case, outcome, london_date(letter.drafted_at))
    if drafted != due:
        letter.body = letter.body.replace(builder.long_date(drafted), builder.long_date(due))
    data = {"appeal_due_on": due.isoformat()}
    if outcome.appeal_due_on != due:
        data["appeal_due_on_before"] = outcome.appeal_due_on.isoformat()
    outcome.appeal_due_on = due
    return data


def issue_letter(
    letter: Letter, actor: User, body: str | None = None, *, seen_digest: str | None = None
) -> ProducedLetter:
    """Issue a draft as it now reads: its text is fixed, hashed and recorded in the case's audit trail."""
    if body is not None:
        edit_letter(letter, actor, body, seen_digest=seen_digest)
    elif letter.status != "draft":
        raise Conflict("This letter has already been issued")
    case = letter.case
    spec, subject = check_letter(case, actor, letter.kind, letter.recipient.email)
    if spec.needs_meeting:  # the notice is counted to the day it is issued
        drafted = Meeting(letter.meeting_date, letter.meeting_time or "", letter.meeting_place or "")
        fixed = fixed_meeting(case, letter.kind, subject, drafted)
        if (fixed.day, fixed.time) != (drafted.day, drafted.time):
            raise Conflict("The hearing has been moved since this letter was drafted: draft the letter again")
        _clean_meeting(spec, letter.kind, drafted)
    now = utcnow()
    appeal_window = _appeal_window_from_letter(letter, london_date(now))
    digest = body_digest(letter.body)
    pdf = _pdf(letter, actor, london_date(now))
    updated = db.session.execute(
        update(Letter)
        .where(Letter.id == letter.id, Letter.status == "draft")
        .values(status="issued", issued_by_id=actor.id, issued_at=now, sha256=digest, updated_at=now)
    )
    if updated.rowcount != 1:
        raise Conflict("This letter has already been issued")
    db.session.refresh(letter)
    record_event(
        case,
        actor,
        LETTER_EVENT,
        from_stage=case.stage,
        to_stage=case.stage,
        data={
            **_event_data(letter),
            "sha256": digest,
            "pdf_sha256": hashlib.sha256(pdf).hexdigest(),
            **appeal_window,
        },
    )
    record_access(case, actor, "export", f"letter {letter.kind} to {subject.email}"[:300])
    return ProducedLetter(pdf, _filename(case, spec, subject), digest, spec, subject, letter)


def _pdf(letter: Letter, sender: User, letter_date: date) -> bytes:
    imprint = Imprint(current_app.config["COUNCIL_NAME"], sender.name, utcnow())
    return builder.build(_letter_data_for(letter, sender, letter_date), imprint, body=letter.body)


def issued_pdf(letter: Letter, actor: User) -> ProducedLetter:
    """An issued letter again, exactly as its stored text reads, dated and signed as issued."""
    case = letter.case
    if not may_export_report(actor, case):
        raise NotAllowed("Only the case's owner and HR produce letters")
    if letter.status != "issued":
        raise Conflict("This letter is a draft: issue it first")
    spec = LETTERS[letter.kind]
    pdf = _pdf(letter, letter.issued_by, london_date(letter.issued_at))
    record_access(case, actor, "download", f"letter {letter.id} ({letter.kind})"[:300])
    return ProducedLetter(pdf, _filename(case, spec, letter.recipient), letter.sha256, spec, letter.recipient, letter)


def produce_letter(
    case: Case,
    actor: User,
    kind: str,
    subject_email: str | None,
    meeting: Meeting | None = None,
    body: str | None = None,
) -> ProducedLetter:
    """Draft a letter and issue it at once (as drafted, or with `body` as the edited text)."""
    letter = draft_letter(case, actor, kind, subject_email, meeting)
    return issue_letter(letter, actor, body)
