"""Subject access export (UK GDPR Article 15): what Casework holds about one person, for HR.

The export is a ZIP of `subject-access.json` (codes and ISO dates, for
machines) and `subject-access.pdf` (the same, readable, OFFICIAL-SENSITIVE).
Cases the HR officer running it may not see (those they are a subject of)
are left out and the export says how many (design §4). Every case included
is recorded in the access log as an export.
"""

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import or_, select

from ..domain.letters import LETTERS
from ..domain.policy import (
    FINDINGS,
    KIND_LABELS,
    NOTE_LABELS,
    PLATFORMS,
    RIGHT_STATUSES,
    RIGHTS_DECISIONS,
    ROLE_LABELS,
    SANCTIONS,
    STAFF_TYPE_LABELS,
    STAGE_LABELS,
    category_label,
)
from ..domain.subject_access import WITHHELD_REASON, may_export_subject_access, may_include
from ..extensions import db
from ..models import AccessLog, Case, CaseEvent, Note, PublishingRight, Suspension, User, case_subjects, utcnow
from ..models_accounts import SocialMediaTraining
from ..reports import subject_access as builder
from ..reports.common import LONDON, Imprint, london
from . import subject_access_process as process_part
from .cases import record_access
from .errors import NotFound
from .letters import EARLIER_LETTER_EVENT, LETTER_EVENT

FORMAT = "casework-subject-access/1"
DISCLOSURE_NOTE = (
    "The names of people who reported or complained about this person are left out, and what was reported is "
    "given only for cases this person is the subject or the reporter of. Before anything is released, check it "
    "for other people's personal data (UK GDPR Article 15(4)). Full case reports can be produced from each case."
)


@dataclass
class Collected:
    """Everything held about one person, as rows from the database, split into what may be shown and not."""

    person: User
    cases: list[Case] = field(default_factory=list)
    suspensions: list[Suspension] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    letters: list[CaseEvent] = field(default_factory=list)
    rights: list[PublishingRight] = field(default_factory=list)
    training: list[SocialMediaTraining] = field(default_factory=list)  # Social Networking Policy 8.1
    access: list[AccessLog] = field(default_factory=list)
    references: dict[int, str] = field(default_factory=dict)
    withheld: int = 0


@dataclass(frozen=True)
class SubjectAccessExport:
    person: User
    zip_bytes: bytes
    filename: str
    document: dict
    cases_included: int
    cases_withheld: int


def people() -> list[User]:
    """Everyone a request can be about: the whole staff directory, people who have left included."""
    return list(db.session.scalars(select(User).order_by(User.name, User.email)).all())


def find_person(value) -> User | None:
    try:
        return db.session.get(User, int(value))
    except (TypeError, ValueError):
        return None


def collect(actor: User, person: User) -> Collected:
    """Everything held about `person` that `actor` may see, and how many cases are held back."""
    pid = person.id
    subject_case_ids = select(case_subjects.c.case_id).where(case_subjects.c.user_id == pid)
    cases = db.session.scalars(
        select(Case)
        .where(
            or_(
                Case.id.in_(subject_case_ids),
                Case.reporter_id == pid,
                Case.investigator_id == pid,
                Case.owner_id == pid,
            )
        )
        .order_by(Case.created_at, Case.id)
    ).all()
    suspensions = db.session.scalars(
        select(Suspension).where(Suspension.subject_id == pid).order_by(Suspension.started_at, Suspension.id)
    ).all()
    notes = db.session.scalars(select(Note).where(Note.author_id == pid).order_by(Note.created_at, Note.id)).all()
    letters = [
        event
        for event in db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.action.in_((LETTER_EVENT, EARLIER_LETTER_EVENT)), CaseEvent.case_id.in_(subject_case_ids))
            .order_by(CaseEvent.at, CaseEvent.id)
        ).all()
        if (event.data or {}).get("recipient") == person.email
    ]
    access = db.session.scalars(
        select(AccessLog).where(AccessLog.user_id == pid).order_by(AccessLog.at, AccessLog.id)
    ).all()
    rights = db.session.scalars(
        select(PublishingRight).where(PublishingRight.user_id == pid).order_by(PublishingRight.granted_at)
    ).all()
    training = db.session.scalars(
        select(SocialMediaTraining)
        .where(SocialMediaTraining.user_id == pid)
        .order_by(SocialMediaTraining.trained_on, SocialMediaTraining.id)
    ).all()

    case_ids = {c.id for c in cases} | {s.case_id for s in suspensions} | {n.case_id for n in notes}
    case_ids |= {e.case_id for e in letters} | {a.case_id for a in access}
    by_id = {c.id: c for c in db.session.scalars(select(Case).where(Case.id.in_(case_ids))).all()} if case_ids else {}
    shown = {case_id for case_id, case in by_id.items() if may_include(actor, case)}
    return Collected(
        person=person,
        cases=[c for c in cases if c.id in shown],
        suspensions=[s for s in suspensions if s.case_id in shown],
        notes=[n for n in notes if n.case_id in shown],
        letters=[e for e in letters if e.case_id in shown],
        rights=list(rights),
        training=list(training),
        access=[a for a in access if a.case_id in shown],
        references={case_id: by_id[case_id].reference for case_id in shown},
        withheld=len(set(by_id) - shown),
    )


# --- machine-readable -------------------------------------------------------------


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def roles_in(case: Case, person: User) -> list[str]:
    roles = []
    if any(s.id == person.id for s in case.subjects):
        roles.append("subject")
    for role, person_id in (
        ("reporter", case.reporter_id),
        ("owner", case.owner_id),
        ("investigator", case.investigator_id),
    ):
        if person_id == person.id:
            roles.append(role)
    return roles


def _case_json(case: Case, person: User) -> dict:
    roles = roles_in(case, person)
    return {
        "reference": case.reference,
        "roles": roles,
        "kind": case.kind,
        "stage": case.stage,
        "categories": case.categories,
        "platform": case.platform,
        "incident_date": _iso(case.incident_date),
        "reported_at": _iso(case.created_at),
        "closed_at": _iso(case.closed_at),
        "owner": case.owner.name if case.owner else None,
        "investigator": case.investigator.name if case.investigator else None,
        "description": case.description if {"subject", "reporter"} & set(roles) else None,
    }


def _outcome_json(case: Case, o) -> dict:
    return {
        "reference": case.reference,
        "finding": o.finding,
        "sanction": o.sanction,
        "rights_decision": o.rights_decision,
        "content_removed": o.content_removed,
        "summary": o.summary,
        "decided_by": o.decided_by.name,
        "decided_at": _iso(o.decided_at),
        "live_until": _iso(o.live_until),
        "appeal_due_on": _iso(o.appeal_due_on),
        "appeal_result": o.appeal_result,
        "appeal_waived_at": _iso(o.appeal_waived_at),
        "superseded": o.superseded_at is not None,
        "superseded_reason": o.superseded_reason,
        "contractor_action": case.contractor_actions[-1].text if case.contractor_actions else None,
    }


def _account_json(account) -> dict | None:
    if account is None:
        return None
    return {"platform": account.platform, "handle": account.handle}


def document(collected: Collected, actor: User, now: datetime) -> dict:
    """The export as JSON-ready data: codes, not labels, and ISO 8601 dates."""
    person = collected.person
    refs = collected.references
    subject_cases = [c for c in collected.cases if "subject" in roles_in(c, person)]
    return {
        "format": FORMAT,
        "marking": "OFFICIAL-SENSITIVE",
        "council": current_app.config["COUNCIL_NAME"],
        "generated_at": _iso(now),
        "generated_by": {"name": actor.name, "email": actor.email},
        "person": {
            "id": person.id,
            "name": person.name,
            "email": person.email,
            "role": person.role,
            "staff_type": person.staff_type,
            "department": person.department.name if person.department else None,
            "line_manager": (
                {"name": person.line_manager.name, "email": person.line_manager.email} if person.line_manager else None
            ),
            "contractor_org": person.contractor_org,
            "active": person.active,
            "can_sign_in": person.can_sign_in,
            "created_at": _iso(person.created_at),
        },
        "cases": [_case_json(c, person) for c in collected.cases],
        "outcomes": [_outcome_json(c, o) for c in subject_cases for o in process_part.outcomes_about(c, person)],
        "allegations": process_part.allegations(subject_cases, person),
        "hearings": process_part.hearings(subject_cases, person),
        "appeals": process_part.appeals(subject_cases, person),
        "suspensions": [
            {
                "reference": refs[s.case_id],
                "account": _account_json(s.account),
                "started_at": _iso(s.started_at),
                "reason": s.reason,
                "authorised_by": s.authorised_by.name,
                "next_review_on": _iso(s.next_review_on),
                "lifted_at": _iso(s.lifted_at),
                "lifted_by": s.lifted_by.name if s.lifted_by else None,
                "lift_reason": s.lift_reason,
            }
            for s in collected.suspensions
        ],
        "letters": [
            {
                "reference": refs[e.case_id],
                "letter": e.data.get("letter"),
                "produced_at": _iso(e.at),
                "produced_by": e.actor.name if e.actor else None,
                "sha256": e.data.get("sha256"),
                "meeting": e.data.get("meeting"),
            }
            for e in collected.letters
        ],
        "notes_written": [
            {
                "reference": refs[n.case_id],
                "kind": n.kind,
                "interviewee_role": n.interviewee_role,
                "created_at": _iso(n.created_at),
                "text": n.text,
            }
            for n in collected.notes
        ],
        "publishing_rights": [
            {
                "account": _account_json(r.account),
                "trained_on": _iso(r.trained_on),
                "granted_by": r.granted_by.name if r.granted_by else None,
                "granted_at": _iso(r.granted_at),
                "status": r.status,
            }
            for r in collected.rights
        ],
        "social_media_training": [
            {
                "trained_on": _iso(t.trained_on),
                "refresher_due_on": _iso(t.refresher_due_on),
                "note": t.note,
                "recorded_by": t.recorded_by.name if t.recorded_by else None,
                "recorded_at": _iso(t.recorded_at),
            }
            for t in collected.training
        ],
        "access_log": [
            {"at": _iso(a.at), "action": a.action, "reference": refs[a.case_id], "detail": a.detail}
            for a in collected.access
        ],
        "withheld": {"cases": collected.withheld, "reason": WITHHELD_REASON if collected.withheld else None},
        "notes_on_disclosure": DISCLOSURE_NOTE,
    }


# --- readable -----------------------------------------------------------------------


def _day(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _account(account) -> str:
    if account is None:
        return "Every council account"
    return f"{PLATFORMS.get(account.platform, account.platform)} – {account.handle}"


def pdf_data(doc: dict, collected: Collected) -> builder.SubjectAccessData:
    """The same export in words, for people."""
    person = collected.person
    part = {"subject": "About them", "reporter": "Reported it", "owner": "Owner", "investigator": "Investigator"}
    cases = [
        builder.CaseBlock(
            reference=c.reference,
            rows=[
                ("Their part", ", ".join(part[r] for r in roles_in(c, person))),
                ("Kind", KIND_LABELS.get(c.kind, c.kind)),
                ("Stage", STAGE_LABELS.get(c.stage, c.stage)),
                ("Categories", "; ".join(category_label(code) for code in c.categories)),
                ("Platform", PLATFORMS.get(c.platform, c.platform)),
                ("Date of incident", _day(c.incident_date) or "Not given"),
                ("Reported", london(c.created_at)),
                ("Closed", london(c.closed_at) or "Open"),
                ("Owner", c.owner.name if c.owner else "Not assigned"),
                ("Investigator", c.investigator.name if c.investigator else "Not assigned"),
                *([("What was reported", c.description)] if {"subject", "reporter"} & set(roles_in(c, person)) else []),
            ],
        )
        for c in collected.cases
    ]
    outcomes = [
        builder.CaseBlock(
            reference=o["reference"],
            rows=[
                ("Finding", FINDINGS.get(o["finding"], o["finding"])),
                ("Sanction", SANCTIONS.get(o["sanction"], o["sanction"])),
                ("Live until", _day(_date(o["live_until"])) or "Not a warning"),
                ("Appeal by", _day(_date(o["appeal_due_on"]))),
                ("Appeal result", o["appeal_result"] or "No appeal recorded"),
                *([("Superseded", o["superseded_reason"] or "Yes")] if o["superseded"] else []),
                ("Publishing rights", RIGHTS_DECISIONS.get(o["rights_decision"] or "", "No decision needed")),
                ("Content removed", "Yes" if o["content_removed"] else "No"),
                ("Decided by", f"{o['decided_by']}, {london(datetime.fromisoformat(o['decided_at']))}"),
                ("Reasons", o["summary"]),
                *([("Contractor's action", o["contractor_action"])] if o["contractor_action"] else []),
            ],
        )
        for o in doc["outcomes"]
    ]
    refs = collected.references
    return builder.SubjectAccessData(
        person_name=person.name,
        person=[
            ("Name", person.name),
            ("Email address", person.email),
            ("Role", ROLE_LABELS.get(person.role, person.role)),
            ("Staff type", STAFF_TYPE_LABELS.get(person.staff_type, person.staff_type)),
            ("Contractor", person.contractor_org or "Not a contractor"),
            ("Department", person.department.name if person.department else "None"),
            ("Line manager", person.line_manager.name if person.line_manager else "None"),
            (
                "Account",
                ("Can sign in" if person.can_sign_in else "Cannot sign in") + ("" if person.active else ", left"),
            ),
            ("On record since", london(person.created_at)),
        ],
        withheld=doc["withheld"]["cases"],
        withheld_reason=WITHHELD_REASON,
        disclosure_note=DISCLOSURE_NOTE,
        cases=cases,
        outcomes=outcomes,
        suspensions=[
            [
                refs[s.case_id],
                _account(s.account),
                london(s.started_at, "%d %b %Y"),
                s.reason,
                f"Lifted {london(s.lifted_at)}: {s.lift_reason or ''}" if s.lifted_at else "Active",
            ]
            for s in collected.suspensions
        ],
        letters=[
            [
                refs[e.case_id],
                LETTERS[e.data["letter"]].title if e.data.get("letter") in LETTERS else str(e.data.get("letter")),
                london(e.at),
                e.actor.name if e.actor else "",
                str(e.data.get("sha256", "")),
            ]
            for e in collected.letters
        ],
        allegations=process_part.allegation_rows(doc["allegations"]),
        hearings=process_part.hearing_rows(doc["hearings"]),
        appeals=process_part.appeal_rows(doc["appeals"]),
        notes=[
            [refs[n.case_id], NOTE_LABELS.get(n.kind, n.kind), london(n.created_at), n.text] for n in collected.notes
        ],
        rights=[
            [
                _account(r.account),
                _day(r.trained_on),
                r.granted_by.name if r.granted_by else "",
                RIGHT_STATUSES.get(r.status, r.status),
            ]
            for r in collected.rights
        ],
        training=[
            [_day(t.trained_on), _day(t.refresher_due_on), t.recorded_by.name if t.recorded_by else "", t.note or ""]
            for t in collected.training
        ],
        access=[[london(a.at), a.action, refs[a.case_id], a.detail or ""] for a in collected.access],
    )


def _zip(files: dict[str, bytes], now: datetime) -> bytes:
    stamp = now.astimezone(LONDON).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def export_subject_access(actor: User, person: User) -> SubjectAccessExport:
    """Everything held about `person` as a ZIP; records each case included in the access log.

    Raises NotFound for anyone but HR (the page's existence does not leak).
    """
    if not may_export_subject_access(actor):
        raise NotFound("Page not found")
    now = utcnow()
    collected = collect(actor, person)
    doc = document(collected, actor, now)
    imprint = Imprint(current_app.config["COUNCIL_NAME"], actor.name, now)
    pdf = builder.build(pdf_data(doc, collected), imprint)
    data = json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
    archive = _zip({"subject-access.json": data, "subject-access.pdf": pdf}, now)
    for case_id in sorted(collected.references):
        record_access(db.session.get(Case, case_id), actor, "export", f"subject access export for {person.email}"[:300])
    slug = re.sub(r"[^a-z0-9]+", "-", person.name.lower()).strip("-")[:40] or f"person-{person.id}"
    filename = f"subject-access-{slug}-{now.astimezone(LONDON):%Y-%m-%d}.zip"
    return SubjectAccessExport(person, archive, filename, doc, len(collected.references), collected.withheld)
