"""Reporting a case, finding the cases a person may see, and logging access."""

import functools
import hashlib
import re
from collections import namedtuple
from dataclasses import astuple, dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache

from flask import current_app
from sqlalchemy import (
    Integer,
    bindparam,
    cast,
    exists,
    func,
    insert,
    inspect,
    literal_column,
    null,
    select,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, load_only, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from ..domain import permissions
from ..domain.intake import (
    ReportInput,
    has_control_characters,
    is_repeat_of,
    report_fingerprint,
    report_likeness,
    validate_report,
)
from ..domain.permissions import View
from ..domain.policy import FLAGS, Kind, Role, Source, StaffType, Stage
from ..extensions import db
from ..models import (
    AccessLog,
    Case,
    CaseCategory,
    CaseEvent,
    ContractorAction,
    Department,
    Evidence,
    Note,
    Outcome,
    ReferenceCounter,
    Referral,
    Suspension,
    User,
    UTCDateTime,
    case_subjects,
    utcnow,
)
from ..models_accounts import AccountCase
from ..models_process import (
    Allegation,
    Appeal,
    ConflictDeclaration,
    DutyOverride,
    Hearing,
    HrAdvice,
    InvestigationReport,
)
from ..models_research import OnlineResearch, RipaAuthorisation, WebCapture
from . import case_search, routing
from .case_filters import DEFAULT_SORT, TIME_SORTS, CaseFilters, visible_case_filter, visible_case_sort_key
from .deadlines import LONDON, london_today, refresh_next_deadline
from .errors import STALE_MESSAGE, Conflict, InvalidInput, NotFound, StaleCase
from .events import record_event
from .notify import notify
from .visibility import full_view_filter, per_viewer, visible_cases


def next_reference(year: int) -> str:
    """SMC-YYYY-NNNNN: sequential per year, never reused (a counter row per year)."""
    for _ in range(3):
        number = db.session.execute(
            update(ReferenceCounter)
            .where(ReferenceCounter.year == year)
            .values(last_number=ReferenceCounter.last_number + 1)
            .returning(ReferenceCounter.last_number)
        ).scalar()
        if number is not None:
            return f"SMC-{year}-{number:05d}"
        try:
            with db.session.begin_nested():
                db.session.execute(insert(ReferenceCounter).values(year=year, last_number=0))
        except IntegrityError:
            pass  # another transaction created this year's counter first
    raise RuntimeError("could not issue a case reference")


def find_users_by_email(emails) -> dict[str, User]:
    # A control character (PostgreSQL refuses NUL in any text) is in no address: such a name finds no one
    wanted = {
        e.strip().lower()
        for e in emails
        if isinstance(e, str) and e.strip() and not any(ord(c) < 32 or ord(c) == 127 for c in e)
    }
    if not wanted:
        return {}
    users = db.session.scalars(select(User).where(User.email.in_(wanted))).all()
    return {u.email: u for u in users}


def report_errors(actor: User, report: ReportInput, *, today: date | None = None) -> dict[str, str]:
    """What is wrong with a report, by field; empty when it may be saved."""
    # Leavers too: the duty of confidentiality continues after employment ends (Social Networking Policy
    # appendix A 13), so someone who has left can still be named
    known = set(find_users_by_email(report.subjects))
    return validate_report(
        report,
        today=today or london_today(),
        may_log_complaint=permissions.can_log_complaint(actor),
        known_subjects=known,
        reporter_email=actor.email,
    )


# A submission token (the report form's hidden one-time token, or the API's Idempotency-Key)
SUBMISSION_TOKEN = re.compile(r"[!-~]{8,200}")


def submission_key(actor: User, token: str | None) -> str | None:
    """What a case stores to recognise a repeat of the submission that made it: the person and their token."""
    if not token:
        return None
    return hashlib.sha256(f"{actor.id}:{token}".encode()).hexdigest()


def find_submitted(actor: User, token: str | None) -> Case | None:
    """The case this person's submission with `token` already made, if any."""
    key = submission_key(actor, token)
    return db.session.scalar(select(Case).where(Case.submission_key == key)) if key else None


class SimilarReport(Conflict):
    """The same person sent a report like this a few minutes ago (a resend after Back, say)."""

    code = "similar_report"

    def __init__(self, earlier: Case):
        sent_at = earlier.created_at.astimezone(LONDON).strftime("%H:%M")
        super().__init__(f"You sent a report like this at {sent_at} ({earlier.reference})")
        self.earlier = earlier
        self.sent_at = sent_at
        self.reference = earlier.reference


class SubmissionKeyReused(InvalidInput):
    """A submission key sent again with a different report: neither a retry nor a new report."""

    code = "idempotency_key_reused"


def similar_recent_report(actor: User, report: ReportInput, *, now=None) -> Case | None:
    """The latest report `actor` sent in the last SIMILAR_REPORT_MINUTES with the same kind, people and
    description, if any."""
    now = now or utcnow()
    window = timedelta(minutes=current_app.config["SIMILAR_REPORT_MINUTES"])
    recent = db.session.scalars(
        select(Case)
        .where(Case.reporter_id == actor.id, Case.kind == report.kind, Case.created_at >= now - window)
        .order_by(Case.created_at.desc(), Case.id.desc())
    ).all()
    for case in recent:
        likeness = report_likeness(case.kind, [s.email for s in case.subjects], case.description or "")
        if is_repeat_of(likeness, case.created_at, report, now, window):
            return case
    return None


def report_once(
    actor: User, report: ReportInput, token: str | None, *, check_similar: bool = True
) -> tuple[Case, bool]:
    """Report a case unless this submission (`token`) already did: (the case, whether it was made now).

    A double-clicked form or a retried API call sends the same token twice. The
    second finds the first's case; if both arrive at once, the unique key lets one
    insert win and the other, rolled back, finds the winner's case. The same
    token with a different report is refused (SubmissionKeyReused). With
    `check_similar`, a report like one the same person sent in the last 30
    minutes is refused with SimilarReport, naming it, so they can look at it
    or choose to send theirs anyway.
    """
    if token is not None and not SUBMISSION_TOKEN.fullmatch(token):
        raise InvalidInput(
            "The submission token is not valid", {"submission_token": "Use 8 to 200 printable characters"}
        )
    fingerprint = report_fingerprint(report)
    existing = find_submitted(actor, token)
    if existing is not None:
        return _replay(existing, fingerprint), False
    if check_similar and not report_errors(actor, report):
        similar = similar_recent_report(actor, report)
        if similar is not None:
            raise SimilarReport(similar)
    try:
        return report_case(actor, report, submission_token=token, fingerprint=fingerprint), True
    except IntegrityError:
        db.session.rollback()
        existing = find_submitted(actor, token)
        if existing is None:
            raise
        return _replay(existing, fingerprint), False


def _replay(existing: Case, fingerprint: str) -> Case:
    if existing.submission_fingerprint not in (None, fingerprint):
        message = f"This key was already used for a different report ({existing.reference}). Use a new key"
        error = SubmissionKeyReused(message, {"Idempotency-Key": message})
        error.reference = existing.reference
        raise error
    return existing


def report_case(
    actor: User,
    report: ReportInput,
    *,
    today: date | None = None,
    submission_token: str | None = None,
    fingerprint: str | None = None,
) -> Case:
    """Record a new report (stage `reported`) and tell who must act.

    Line managers of the people concerned, managers of their department and HR
    are told; a contractor subject's head of service is told at once
    (Social Networking Policy 11.4).
    """
    errors = report_errors(actor, report, today=today)
    if errors:
        raise InvalidInput("The report has errors", errors)
    subjects_by_email = find_users_by_email(report.subjects)

    subjects = [subjects_by_email[e.strip().lower()] for e in report.subjects if e and e.strip()]
    concerned = subjects or [actor]
    now = utcnow()
    case = Case(
        reference=next_reference(now.year),
        kind=report.kind,
        source=report.source,
        platform=report.platform,
        content_url=report.content_url.strip() or None,
        incident_date=report.incident_date,
        description=report.description.strip(),
        severity=report.severity or None,
        reporter_id=actor.id,
        complainant_name=(report.complainant_name.strip() or None) if report.source != Source.EMPLOYEE_REPORT else None,
        complainant_contact=(report.complainant_contact.strip() or None)
        if report.source != Source.EMPLOYEE_REPORT
        else None,
        department_id=concerned[0].department_id,
        stage=Stage.REPORTED,
        created_at=now,
        updated_at=now,
        submission_key=submission_key(actor, submission_token),
        submission_fingerprint=fingerprint or (report_fingerprint(report) if submission_token else None),
    )
    for flag in FLAGS:
        setattr(case, flag, flag in report.flags)
    case.aware_at = now
    case.safeguarding_flagged_at = now if case.safeguarding_concern else None
    case.offence_flagged_at = now if case.criminal_offence else None
    case.subjects = subjects
    case.category_rows = [CaseCategory(category=c) for c in dict.fromkeys(report.categories)]
    if case.kind == Kind.BREACH:
        # An allegation for each person and category, in the report's words, until corrected at assessment
        case.allegation_rows = [
            Allegation(subject_id=person.id, category=category, text=case.description, created_at=now)
            for person in subjects
            for category in dict.fromkeys(report.categories)
        ]
    db.session.add(case)
    db.session.flush()
    record_event(
        case,
        actor,
        "reported",
        to_stage=Stage.REPORTED,
        data={
            "kind": case.kind,
            "source": case.source,
            "subjects": [s.email for s in subjects],
            "categories": case.categories,
            "platform": case.platform,
            "flags": sorted(f for f in FLAGS if getattr(case, f)),
        },
    )
    routing.apply_route(case, actor, report)
    if case.route is None:
        _notify_reported(case, actor)
    db.session.refresh(case)
    refresh_next_deadline(case)
    db.session.flush()
    return case


def _notify_reported(case: Case, actor: User) -> None:
    concerned = permissions.people_concerned(case)
    department_ids = {p.department_id for p in concerned if p.department_id}
    managers = (
        db.session.scalars(
            select(User).where(
                User.role == Role.MANAGER,
                User.department_id.in_(department_ids),
                User.active.is_(True),
            )
        ).all()
        if department_ids
        else []
    )
    hr = db.session.scalars(select(User).where(User.role == Role.HR, User.active.is_(True))).all()
    line_managers = [p.line_manager for p in concerned]
    subject_ids = {s.id for s in case.subjects}
    # An administrator who line-manages someone concerned cannot open the case, so is not told of it
    people = [
        p
        for p in [*line_managers, *managers, *hr]
        if p is not None and p.id not in subject_ids and p.role != Role.ADMIN
    ]
    kind = "a breach of the social media policy" if case.kind == Kind.BREACH else "online abuse of a member of staff"
    notify(people, case, f"{case.reference}: a new report of {kind} needs assessment.", exclude=actor)

    # Each head of service is told once, however many of their contractors are named
    departments_by_head: dict[int, tuple[User, list[str]]] = {}
    for subject in case.subjects:
        if subject.staff_type == StaffType.CONTRACTOR and subject.department is not None:
            head = subject.department.head_of_service
            if head is not None and head.id not in subject_ids:
                names = departments_by_head.setdefault(head.id, (head, []))[1]
                if subject.department.name not in names:
                    names.append(subject.department.name)
    for head, names in departments_by_head.values():
        notify(
            [head],
            case,
            f"{case.reference}: a report concerns a contractor working in "
            f"{' and '.join(names)}. Social Networking Policy 11.4 asks that "
            "you are informed at once.",
            dedup_key=f"hos-informed:{case.id}",
        )


# What the case page shows, loaded in a fixed number of statements however long the case (its subjects, with
# their departments, in one more: `_page_statements`)
CASE_PAGE_LOADING = (
    joinedload(Case.reporter),
    joinedload(Case.owner),
    joinedload(Case.investigator),
    joinedload(Case.department),
    joinedload(Case.category_rows),
    joinedload(Case.hearing_officer),
)

# What the case page shows that many cases have none of. Whether the case has any of each is asked first, in
# one statement, so the page reads only the tables the case has rows in: the statements a page runs stay few
# (issue 11) however much of the process a case has been through. The people each row names are read with it
# (a subject is among the case's subjects, read anyway), never one person at a time.
PAGE_COLLECTIONS = {
    "suspensions": (Suspension, selectinload(Case.suspensions).joinedload(Suspension.account)),
    "referrals": (Referral, selectinload(Case.referrals)),
    "notes": (Note, None),  # read as plain rows (`page_notes`)
    "evidence": (Evidence, selectinload(Case.evidence).joinedload(Evidence.uploaded_by)),
    "outcomes": (
        Outcome,
        selectinload(Case.outcomes).options(joinedload(Outcome.decided_by), joinedload(Outcome.superseded_by)),
    ),
    "contractor_actions": (
        ContractorAction,
        selectinload(Case.contractor_actions).joinedload(ContractorAction.recorded_by),
    ),
    # The fair process: a few rows each (a report, some advice, a hearing or two, an appeal per person), joined
    # into the case's own statement when the case has any (PostgreSQL plans a statement of a dozen joins for
    # longer than it runs it); allegations, one per person and category, in one more
    "investigation_reports": (
        InvestigationReport,
        joinedload(Case.investigation_reports).joinedload(InvestigationReport.submitted_by),
    ),
    "hr_advice": (HrAdvice, joinedload(Case.hr_advice).joinedload(HrAdvice.given_by)),
    "hearings": (Hearing, joinedload(Case.hearings).joinedload(Hearing.hearing_officer)),
    "appeals": (Appeal, joinedload(Case.appeals).joinedload(Appeal.appeal_officer)),
    "conflicts": (ConflictDeclaration, joinedload(Case.conflicts).joinedload(ConflictDeclaration.user)),
    "overrides": (
        DutyOverride,
        joinedload(Case.overrides).options(joinedload(DutyOverride.person), joinedload(DutyOverride.by)),
    ),
    "allegation_rows": (Allegation, None),  # read as plain rows (`page_allegations`)
}
# The full case page's panels, each read by its own service (see `holds`)
PAGE_PANELS = {
    "online_research": OnlineResearch,
    "ripa_authorisations": RipaAuthorisation,
    "web_captures": WebCapture,
    "council_accounts": AccountCase,
}


PAGE_HOLDINGS = {**{name: model for name, (model, _) in PAGE_COLLECTIONS.items()}, **PAGE_PANELS}


@cache
def _holdings_statement():
    """Which of PAGE_HOLDINGS' tables hold rows for the case with a reference (a bound parameter), and the
    number of its latest event: built once, since composing its ten subqueries costs a case page more than
    running them."""
    return select(
        *(exists().where(model.case_id == Case.id).label(name) for name, model in PAGE_HOLDINGS.items()),
        select(func.max(CaseEvent.seq)).where(CaseEvent.case_id == Case.id).scalar_subquery().label("last_event"),
    ).where(Case.reference == bindparam("reference"))


@dataclass
class CaseView:
    """A case as one person may see it, with what its page shows that is read as plain rows rather than
    records (making records of a long case's events and notes, and of their people, cost the page more
    than anything else it does): the events only for the full view."""

    case: Case
    level: View
    last_event: int  # the number of its latest event (0 before any)
    notes: list  # page_notes' rows
    events: list  # page_events' rows (empty for a reporter)
    allegations: list  # page_allegations' rows (empty for a reporter)


def get_case_page(user: User, reference: str) -> CaseView:
    """The case as `user` may see it, with everything its page shows; NotFound (404) when absent or not visible.

    Collections the case has no rows in are set empty without being read, and the case remembers which it
    has (`holds`), so the page's panels skip reading what is not there. Its notes and (for the full view)
    events are read as plain rows, not loaded into the case's collections."""
    found = db.session.execute(_holdings_statement(), {"reference": reference}).first()
    if found is None:
        raise NotFound("Case not found")
    held = frozenset(name for name in PAGE_HOLDINGS if getattr(found, name))
    loaded = tuple(name for name, (_, loader) in PAGE_COLLECTIONS.items() if name in held and loader is not None)
    case = db.session.execute(_case_page_statement(loaded), {"reference": reference}).unique().scalar()
    if case is None:
        raise NotFound("Case not found")
    # Before anything reads them: who may see the case is decided from its subjects and appeals, among others
    unloaded = inspect(case).unloaded
    if "subjects" in unloaded:  # as selectinload(Case.subjects).joinedload(User.department) would, in less time
        subjects = db.session.execute(_page_statements()[3], {"case_id": case.id}).unique().scalars().all()
        set_committed_value(case, "subjects", list(subjects))
    for name, (_, loader) in PAGE_COLLECTIONS.items():
        if name not in held and loader is not None and name in unloaded:
            set_committed_value(case, name, [])
    case.holdings = held
    level = permissions.view_level(user, case)
    if level == View.NONE:
        raise NotFound("Case not found")
    notes = page_notes(case) if "notes" in held else []
    full = level == View.FULL
    events = page_events(case) if full else []
    allegations = page_allegations(case) if full and "allegation_rows" in held else []
    return CaseView(case, level, found.last_event or 0, notes, events, allegations)


@lru_cache(maxsize=64)
def _case_page_statement(collections: tuple[str, ...]):
    """The statement that loads a case page's case (its reference a bound value) with CASE_PAGE_LOADING and the
    PAGE_COLLECTIONS named, built once for each set of them."""
    loading = [PAGE_COLLECTIONS[name][1] for name in collections]
    return select(Case).where(Case.reference == bindparam("reference")).options(*CASE_PAGE_LOADING, *loading)


@cache
def _page_statements():
    """The statements that read a case page's notes, events and allegations as plain rows, and its subjects,
    built once."""
    case_id = bindparam("case_id", type_=Integer())
    author = User.__table__.alias("author")
    actor = User.__table__.alias("actor")
    notes = (
        select(
            Note.id,
            Note.kind,
            Note.text,
            Note.created_at,
            Note.author_id,
            Note.visible_to_reporter,
            author.c.name.label("author_name"),
        )
        .join(author, author.c.id == Note.author_id)
        .where(Note.case_id == case_id)
        .order_by(Note.id)
    )
    events = (
        select(
            CaseEvent.seq,
            CaseEvent.at,
            CaseEvent.actor_id,
            CaseEvent.action,
            CaseEvent.from_stage,
            CaseEvent.to_stage,
            CaseEvent.data,
            actor.c.name.label("actor_name"),
        )
        .outerjoin(actor, actor.c.id == CaseEvent.actor_id)
        .where(CaseEvent.case_id == case_id)
        .order_by(CaseEvent.seq)
    )
    subject = User.__table__.alias("subject")
    allegations = (
        select(
            Allegation.id,
            Allegation.subject_id,
            Allegation.category,
            Allegation.text,
            Allegation.finding,
            subject.c.name.label("subject_name"),
        )
        .join(subject, subject.c.id == Allegation.subject_id)
        .where(Allegation.case_id == case_id, Allegation.removed_at.is_(None))
        .order_by(Allegation.id)
    )
    # The case's subjects in the order of Case.subjects, with their departments
    subjects = (
        select(User)
        .join(case_subjects, case_subjects.c.user_id == User.id)
        .where(case_subjects.c.case_id == case_id)
        .options(joinedload(User.department))
        .order_by(User.name)
    )
    return notes, events, allegations, subjects


def page_notes(case: Case) -> list:
    """The case's notes, oldest first, as plain rows of what its pages show: id, kind, text, created_at,
    author_id, visible_to_reporter and author_name."""
    return db.session.execute(_page_statements()[0], {"case_id": case.id}).all()


def page_events(case: Case) -> list:
    """The case's events, oldest first, as plain rows: seq, at, actor_id, action, from_stage, to_stage, data
    and actor_name (None for the system)."""
    return db.session.execute(_page_statements()[1], {"case_id": case.id}).all()


def page_allegations(case: Case) -> list:
    """The allegations that stand (case.allegations), as plain rows of what the case page shows: id,
    subject_id, category, text, finding and subject_name."""
    return db.session.execute(_page_statements()[2], {"case_id": case.id}).all()


def holds(case: Case, what: str) -> bool:
    """Whether `case` may have rows of `what` (a name in PAGE_PANELS): False only when loading its page found none."""
    return case.holdings is None or what in case.holdings


def get_case_for(user: User, reference: str, *, options=()) -> tuple[Case, View]:
    """The case as `user` may see it; NotFound (404) when absent or not visible.

    `options` are loader options, such as CASE_PAGE_LOADING for a page that shows it all."""
    case = _case_by_reference(reference, options)
    if case is None:
        raise NotFound("Case not found")
    level = permissions.view_level(user, case)
    if level == View.NONE:
        raise NotFound("Case not found")
    return case, level


def _case_by_reference(reference: str, options) -> Case | None:
    return db.session.execute(select(Case).where(Case.reference == reference).options(*options)).unique().scalar()


def record_access(case: Case, user: User, action: str = "view", detail: str | None = None) -> None:
    """Design §4 and §6: every view, download and export of a case is logged, because a case holds
    confidential and person-identifiable information (Social Networking Policy 4.1 and 4.2)."""
    db.session.flush()
    # One INSERT, not an ORM object: nothing reads the row back, and a case page writes one on every view
    db.session.execute(
        _access_insert(),
        {"case_id": case.id, "user_id": user.id, "at": utcnow(), "action": action, "detail": detail},
    )


@cache
def _access_insert():
    """The access log's INSERT, built once (its values are bound on each view)."""
    return insert(AccessLog.__table__)


def add_information(case: Case, actor: User, text: str, *, version: int | None = None) -> Note:
    """The reporter (or anyone who may see the case) adds information to it."""
    if not permissions.can_add_information(actor, case):
        raise NotFound("Case not found")
    if version is not None and version != case.version:
        raise StaleCase(STALE_MESSAGE)
    text = (text or "").strip()
    if not text:
        raise InvalidInput("Enter the information to add", {"text": "Enter the information to add"})
    if len(text) > 20_000:
        raise InvalidInput("Too long", {"text": "Information must be 20,000 characters or fewer"})
    if has_control_characters(text):
        raise InvalidInput("Control characters", {"text": "Information must not contain control characters"})
    note = Note(case=case, kind="note", text=text, author_id=actor.id, visible_to_reporter=True)
    db.session.add(note)
    case.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:  # another transaction changed the case since it was loaded
        raise StaleCase(STALE_MESSAGE) from None
    record_event(case, actor, "information_added", data={"note_id": note.id})
    return note


# When asked (`count=True`), the list counts matching cases up to this many. The pages do not count:
# knowing there are none after a filter that matches few of 100,000 cases means testing every case the
# person may see, so a page says which cases it shows ("Cases 26 to 50") and whether more follow
COUNT_LIMIT = 1000


@dataclass
class CasePage:
    """One page of a case list: its cases, which of them the person sees in full, a count when
    one was asked for (exact up to COUNT_LIMIT) and the keys of the pages either side (None at either end)."""

    items: list[Case]
    full_view: set[int]
    total: int | None = None
    next_after: str | None = None
    previous_before: str | None = None

    @property
    def only_page(self) -> bool:
        """All the matching cases are on this page."""
        return self.next_after is None and self.previous_before is None


def _encode_position(value: datetime | int, case_id: int) -> str:
    """Where a page starts or ends in the list: the value it is sorted by (a time, or a stage's rank) and the
    case's id."""
    if isinstance(value, datetime):
        return f"{value.astimezone(UTC).strftime('%Y%m%d%H%M%S%f')}-{case_id}"
    return f"{int(value)}-{case_id}"


def decode_position(text: str | None, sort: str = DEFAULT_SORT) -> tuple[datetime | int, int] | None:
    """A page key from the address for the sort order `sort`, or None for one that is absent, not ours
    or made for another sort order."""
    if not text or len(text) > 40:
        return None
    value, _, number = text.partition("-")
    if not number.isdigit() or not 0 < int(number) < 2**31 or not value.isdigit():
        return None
    if sort not in TIME_SORTS:
        return (int(value), int(number)) if len(value) <= 2 else None
    if len(value) != 20:
        return None
    try:
        return datetime.strptime(value, "%Y%m%d%H%M%S%f").replace(tzinfo=UTC), int(number)
    except ValueError:
        return None


@dataclass(frozen=True)
class ListPerson:
    id: int
    name: str


@dataclass
class CaseRow:
    """What the case list shows of one case, read as plain rows (not the case's record): making
    records of 25 cases, their people and categories cost more than the statements that read them."""

    id: int
    reference: str
    kind: str
    stage: str
    created_at: datetime
    next_deadline_at: datetime | None
    next_deadline_label: str | None
    owner: ListPerson | None = None
    subjects: list[ListPerson] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


ROW_COLUMNS = (
    Case.id,
    Case.reference,
    Case.kind,
    Case.stage,
    Case.created_at,
    Case.next_deadline_at,
    Case.next_deadline_label,
    Case.owner_id,
)

# The same as records, for a caller that wants them: only those columns are read; anything else a caller
# touches fails loudly in the tests rather than reading a row at a time
LIST_LOADING = (
    load_only(*ROW_COLUMNS, raiseload=True),
    selectinload(Case.category_rows),
    selectinload(Case.subjects).load_only(User.id, User.name, raiseload=True),
    selectinload(Case.owner).load_only(User.id, User.name, raiseload=True),
)


def list_cases(
    user: User,
    filters: CaseFilters,
    *,
    after: str | None = None,
    before: str | None = None,
    per_page: int = 25,
    sort: str = DEFAULT_SORT,
    options=LIST_LOADING,
    count: bool = False,
    rows_only: bool = False,
    columns=None,
) -> CasePage:
    """The cases `user` may see, filtered, searched and sorted by what they may see of each, a page at a time.

    Pages are found by key (the value the list is sorted by and the id of the
    case a page ends or starts with, for every sort order), so a late page
    costs what the first does: `after` gives the page after a key, `before`
    the page before one. `count=True` also counts the matching cases, up to
    COUNT_LIMIT. `options` load what the caller shows of each case;
    `rows_only=True` gives the list page's CaseRow of each instead of records;
    `columns`, a function of the page's query and the columns it must keep
    (`full_view` and `sort_key`), gives the statement of plain rows of what
    the caller shows (each with the case's `id`) instead of records.
    """
    after_position, before_position = decode_position(after, sort), decode_position(before, sort)
    backwards = before_position is not None
    position = before_position if backwards else after_position
    viewer = Viewer(user.role, user.id, user.department_id)
    # How a search is best run depends on how many cases match: asked once, and the statement kept for the answer
    search = case_search.prepare(filters.search) if filters.search and filters.search.strip() else None
    searched = search.values if search is not None else {}
    total = None
    if count:
        query = select(Case.id).where(visible_case_filter(viewer, filters, search)).limit(COUNT_LIMIT + 1)
        total = db.session.scalar(select(func.count()).select_from(query.subquery()), searched)
    statement = (_searched_page_statement if filters.search else _page_statement)(
        viewer,
        astuple(filters),
        sort,
        backwards,
        position is not None,
        per_page + 1,
        "rows" if rows_only else (columns or options),
        search.built_from if search is not None else None,
    )
    values = {} if position is None else {"position_value": position[0], "position_id": position[1]}
    found = db.session.execute(statement, {**values, **searched}).all()
    if rows_only:
        rows = [(CaseRow(*row[:7]), row[8], row[9], row[7]) for row in found]
    elif columns is not None:
        rows = [(row, row.full_view, row.sort_key, None) for row in found]
    else:
        rows = [(case, full, sort_value, None) for case, full, sort_value in found]
    more = len(rows) > per_page
    rows = rows[:per_page]
    if backwards:
        rows.reverse()
    items = [row[0] for row in rows]
    if rows_only:
        _fill_rows(rows)
    page = CasePage(items, {row[0].id for row in rows if row[1]}, total)
    if rows:
        first, last = _encode_position(rows[0][2], items[0].id), _encode_position(rows[-1][2], items[-1].id)
        if backwards:  # paging back: earlier pages remain if there were more
            page.previous_before = first if more else None
            page.next_after = last
        else:
            page.next_after = last if more else None
            page.previous_before = first if after_position is not None else None
    return page


# Who a list is for, as far as its statement depends on them (the visibility filter is built from these)
Viewer = namedtuple("Viewer", "role id department_id")


def _page_statement(
    viewer: Viewer, filters: tuple, sort: str, backwards: bool, positioned: bool, limit: int, load, search=None
):
    """The statement of one page of a case list, built once per process for each person, filter, sort order
    and direction (building and keying it costs more than running it): where a page starts is a bound
    value, and so is the time the overdue filter compares with; what it finds is never kept. A searched
    list's is kept for the search as made ready (`search`: its plan, its words as the index has them)."""
    query = select(Case).where(visible_case_filter(viewer, CaseFilters(*filters), search))
    sort_key, descending = visible_case_sort_key(viewer, sort)
    if positioned:
        value_type = UTCDateTime() if sort in TIME_SORTS else Integer()
        bound = tuple_(bindparam("position_value", type_=value_type), bindparam("position_id", type_=Integer()))
        key = tuple_(sort_key, Case.id)
        query = query.where(key < bound if descending != backwards else key > bound)
    if descending != backwards:
        query = query.order_by(sort_key.desc(), Case.id.desc())
    else:
        query = query.order_by(sort_key.asc(), Case.id.asc())
    extra = (full_view_filter(viewer).label("full_view"), sort_key.label("sort_key"))
    if load == "rows":
        return query.with_only_columns(*ROW_COLUMNS, *extra).limit(limit)
    if callable(load):
        return load(query, extra).limit(limit)
    return query.add_columns(*extra).options(*load).limit(limit)


# Searches are many and varied: theirs are kept apart, so they do not push out the lists' statements
_searched_page_statement = lru_cache(maxsize=256)(_page_statement)
_page_statement = lru_cache(maxsize=1024)(_page_statement)


@functools.cache
def _fill_statement():
    """The statement that reads a list page's categories, subjects and owners, built once: one statement, not
    three (on PostgreSQL each is a round trip). Its rows: what ("category", "subject" or "owner"), the case's
    id (none for an owner), the person's id (none for a category) and the category's code or the person's
    name, each kind in the order the list shows them."""
    ids, owner_ids = bindparam("ids", expanding=True), bindparam("owner_ids", expanding=True)
    nobody = cast(null(), Integer)
    categories = select(
        literal_column("'category'").label("what"),
        CaseCategory.case_id.label("case_id"),
        nobody.label("person_id"),
        CaseCategory.category.label("words"),
    ).where(CaseCategory.case_id.in_(ids))
    subjects = (
        select(literal_column("'subject'"), case_subjects.c.case_id, User.id, User.name)
        .join(User, User.id == case_subjects.c.user_id)
        .where(case_subjects.c.case_id.in_(ids))
    )
    owners = select(literal_column("'owner'"), nobody, User.id, User.name).where(User.id.in_(owner_ids))
    return union_all(categories, subjects, owners).order_by(literal_column("what"), literal_column("words"))


def _fill_rows(rows: list[tuple]) -> None:
    """The owners, subjects and categories of the list's rows, in one statement for the page. A case seen
    only as its reporter gets none of them (its row shows none)."""
    full = {row[0].id: row[0] for row in rows if row[1]}
    if not full:
        return
    owner_ids = sorted({row[3] for row in rows if row[1] and row[3] is not None})
    owners = {}
    found = db.session.execute(_fill_statement(), {"ids": list(full), "owner_ids": owner_ids})
    for what, case_id, person_id, words in found:
        if what == "category":
            full[case_id].categories.append(words)
        elif what == "subject":
            full[case_id].subjects.append(ListPerson(person_id, words))
        else:
            owners[person_id] = ListPerson(person_id, words)
    if owners:
        for row in rows:
            if row[1] and row[3] is not None:
                row[0].owner = owners.get(row[3])


def my_reports(user: User, limit: int | None = None) -> list:
    """What `user` reported and may still see (never a case they are the subject of), newest first: rows of
    what a list of them shows (id, reference, kind, stage, created_at), not records."""
    return list(db.session.execute(_my_reports(user, limit)).all())


@per_viewer
def _my_reports(user, limit: int | None):
    return (
        select(Case.id, Case.reference, Case.kind, Case.stage, Case.created_at)
        .where(Case.reporter_id == user.id, visible_cases(user))
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(limit)
    )


def departments() -> list[Department]:
    return list(db.session.scalars(_departments()).all())


@functools.cache
def _departments():
    return select(Department).order_by(Department.name)


def staff_directory() -> list[User]:
    """Everyone who can be named in a report, active or without sign-in."""
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)).all())
