"""Database models for every noun of the design (SQLAlchemy 2 typed style).

Times are stored in UTC and come back timezone-aware; codes are stored as
strings and checked on the way in by the services and forms.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db

_clock: ContextVar[datetime | None] = ContextVar("casework_clock", default=None)


def utcnow() -> datetime:
    """The time now, in UTC: every timestamp Casework writes comes from here."""
    return _clock.get() or datetime.now(UTC)


@contextmanager
def clock_at(moment: datetime):
    """Within the block, `utcnow()` answers `moment` (the demo records its cases' past this way)."""
    token = _clock.set(moment)
    try:
        yield
    finally:
        _clock.reset(token)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC and returned timezone-aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC times")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


case_subjects = db.Table(
    "case_subjects",
    db.Column("case_id", ForeignKey("cases.id"), primary_key=True),
    db.Column("user_id", ForeignKey("users.id"), primary_key=True),
    # A person's cases as a subject: the visibility filter starts from people
    Index("ix_case_subjects_user_id", "user_id"),
)


class Department(db.Model):
    """A service area of the council, with its head of service."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    head_of_service_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True), index=True)

    head_of_service: Mapped[User | None] = relationship(foreign_keys=[head_of_service_id])

    def __repr__(self) -> str:
        return f"<Department {self.name}>"


class User(UserMixin, db.Model):
    """A person: staff member in scope of Social Networking Policy 3.1.

    People who never sign in (a volunteer, a contractor's worker) have no
    password and cannot log in, but can be the subject of a case.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="employee")
    staff_type: Mapped[str] = mapped_column(String(20), default="employee")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    line_manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    contractor_org: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # The authenticator app's secret, sealed (casework.services.secrets_at_rest), never in plain text
    mfa_secret_sealed: Mapped[str | None] = mapped_column(String(255))
    mfa_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mfa_last_used_step: Mapped[int | None] = mapped_column(Integer)  # TOTP time step last accepted: no replay
    # A secret being set up, sealed, kept here (not in the cookie) until a first code confirms it
    mfa_enrolment_sealed: Mapped[str | None] = mapped_column(String(255))
    mfa_enrolment_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # From the HR system's staff directory (casework.services.staff_import)
    employee_number: Mapped[str | None] = mapped_column(String(50), unique=True)
    job_title: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[date | None] = mapped_column(Date)
    leaving_date: Mapped[date | None] = mapped_column(Date)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when Casework marked them a leaver

    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])
    line_manager: Mapped[User | None] = relationship(remote_side=[id])

    @property
    def is_active(self) -> bool:  # Flask-Login: disabled users cannot sign in
        return bool(self.active)

    @property
    def can_sign_in(self) -> bool:
        return bool(self.active and self.password_hash)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class UserSession(db.Model):
    """A signed-in session, kept on the server (OWASP ASVS 3.3.1): the cookie holds only its random id.

    Every request checks it; signing out, a timeout, "Sign out everywhere" or
    ending it from Your account set `ended_at`, after which the cookie is worthless.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the id in the cookie
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_reason: Mapped[str | None] = mapped_column(String(30))
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()


class SignInFailure(db.Model):
    """Wrong passwords or codes in a row for one e-mail address, whether or not it has an account.

    Keyed by an HMAC of the normalised address (never the address itself), so
    every process and machine counts together and an unknown address locks
    exactly as a real one does.
    """

    __tablename__ = "sign_in_failures"

    address_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SocialAccount(db.Model):
    """A council social media account (Social Networking Policy 7)."""

    __tablename__ = "social_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    handle: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    went_live_on: Mapped[date | None] = mapped_column(Date)
    trial_ends_on: Mapped[date | None] = mapped_column(Date)  # 7.4: three months after going live
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # 7.2: the manager's project brief (what it is for, for whom, who runs it, how it is moderated and resourced)
    purpose: Mapped[str | None] = mapped_column(Text)
    audience: Mapped[str | None] = mapped_column(Text)
    run_by: Mapped[str | None] = mapped_column(Text)
    moderation: Mapped[str | None] = mapped_column(Text)
    resourcing: Mapped[str | None] = mapped_column(Text)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # 7.3: the Communications team's decision on the proposal: approved or refused, with reasons
    decision: Mapped[str | None] = mapped_column(String(10))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # 7.5: an account not used for a while is flagged for removal
    last_used_on: Mapped[date | None] = mapped_column(Date)
    # 7.4: the review at the end of the trial: kept (active) or closed
    trial_reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    trial_reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    trial_review_note: Mapped[str | None] = mapped_column(Text)
    # 7.5 and 8.6: who removed it, when, why, and the case whose outcome closed it
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closure_reason: Mapped[str | None] = mapped_column(Text)
    closed_because_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))

    department: Mapped[Department] = relationship()
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    trial_reviewed_by: Mapped[User | None] = relationship(foreign_keys=[trial_reviewed_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    __table_args__ = (UniqueConstraint("platform", "handle"),)


class PublishingRight(db.Model):
    """A user's right to post on a council account (Social Networking Policy 8.1)."""

    __tablename__ = "publishing_rights"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("social_accounts.id"), index=True)
    trained_on: Mapped[date] = mapped_column(Date)  # 8.1: no right without training
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="active")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    account: Mapped[SocialAccount] = relationship()
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])

    __table_args__ = (UniqueConstraint("user_id", "account_id"),)


class ReferenceCounter(db.Model):
    """The last case number issued in a year: references are never reused."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Case(db.Model):
    """A reported breach of the social media policy, or online abuse of staff."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    source: Mapped[str] = mapped_column(String(30))
    platform: Mapped[str] = mapped_column(String(20), index=True)
    content_url: Mapped[str | None] = mapped_column(String(2000))
    incident_date: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    severity: Mapped[str | None] = mapped_column(String(10))
    council_account_involved: Mapped[bool] = mapped_column(Boolean, default=False)
    personal_data_involved: Mapped[bool] = mapped_column(Boolean, default=False)
    safeguarding_concern: Mapped[bool] = mapped_column(Boolean, default=False)
    criminal_offence: Mapped[bool] = mapped_column(Boolean, default=False)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    complainant_name: Mapped[str | None] = mapped_column(String(200))
    complainant_contact: Mapped[str | None] = mapped_column(String(300))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    # Indexed with the next deadline (see __table_args__)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    investigator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hearing_officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # When the council became aware of it (the ICO's 72 hours run from here); the report time unless corrected
    aware_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Social Networking Policy 11.1: the decision on removing the content, with its reason
    content_removal: Mapped[str | None] = mapped_column(String(20))  # removed, requested, not_required
    content_removal_reason: Mapped[str | None] = mapped_column(Text)
    # When a safeguarding concern and a possible offence were first flagged: their one-working-day clocks start here
    safeguarding_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offence_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stage: Mapped[str] = mapped_column(String(20), default="reported")  # indexed with created_at (see __table_args__)
    stage_before_referral: Mapped[str | None] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    investigation_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    hos_acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ico_decision: Mapped[str | None] = mapped_column(String(20))  # reported, not_reported
    ico_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ico_decision_reason: Mapped[str | None] = mapped_column(Text)
    ico_reference: Mapped[str | None] = mapped_column(String(100))
    # A threat or possible crime: whether to refer to the police is decided within a working day
    police_decision: Mapped[str | None] = mapped_column(String(20))  # refer, not_refer
    police_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    police_decision_reason: Mapped[str | None] = mapped_column(Text)
    next_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    next_deadline_label: Mapped[str | None] = mapped_column(String(100))
    retention_until: Mapped[date | None] = mapped_column(Date)
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    audit_head: Mapped[str | None] = mapped_column(String(64))  # hash of the latest event: truncation shows
    # SHA-256 of the reporter and the form's one-time token or the API's Idempotency-Key: a double submission
    # finds the case the first one made instead of making another
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # SHA-256 of what the report said, so a key used again for a different report is refused
    submission_fingerprint: Mapped[str | None] = mapped_column(String(64))
    # Acceptable Use of Social Media Policy 2 and 3: who the report is about as far as the policy's scope goes
    # (council_staff, councillor, school_staff), and where it went instead of HR's disciplinary process
    # (monitoring_officer, school, whistleblowing; empty: the disciplinary process) and why
    scope: Mapped[str | None] = mapped_column(String(20))
    whistleblowing: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    children_at_risk: Mapped[bool | None] = mapped_column(Boolean)
    named_person: Mapped[str | None] = mapped_column(String(200))  # a councillor or school worker, not staff
    school_name: Mapped[str | None] = mapped_column(String(200))
    route: Mapped[str | None] = mapped_column(String(30))  # indexed with created_at (see __table_args__)
    route_reason: Mapped[str | None] = mapped_column(Text)
    routed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handoff_note: Mapped[str | None] = mapped_column(Text)
    handoff_reference: Mapped[str | None] = mapped_column(String(100))

    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    investigator: Mapped[User | None] = relationship(foreign_keys=[investigator_id])
    hearing_officer: Mapped[User | None] = relationship(foreign_keys=[hearing_officer_id])
    department: Mapped[Department | None] = relationship()
    subjects: Mapped[list[User]] = relationship(secondary=case_subjects, order_by="User.name")
    category_rows: Mapped[list[CaseCategory]] = relationship(
        cascade="all, delete-orphan", order_by="CaseCategory.category"
    )
    events: Mapped[list[CaseEvent]] = relationship(back_populates="case", order_by="CaseEvent.seq", cascade="all")
    suspensions: Mapped[list[Suspension]] = relationship(back_populates="case", order_by="Suspension.id")
    evidence: Mapped[list[Evidence]] = relationship(back_populates="case", order_by="Evidence.id")
    notes: Mapped[list[Note]] = relationship(back_populates="case", order_by="Note.id")
    # Every outcome ever recorded, earliest first: a decision taken again after reopening supersedes the
    # earlier one, which is kept (who superseded it, when, why)
    outcomes: Mapped[list[Outcome]] = relationship(back_populates="case", order_by="Outcome.id")
    referrals: Mapped[list[Referral]] = relationship(back_populates="case", order_by="Referral.id")
    contractor_actions: Mapped[list[ContractorAction]] = relationship(
        back_populates="case", order_by="ContractorAction.id"
    )
    letters: Mapped[list[Letter]] = relationship(back_populates="case", order_by="Letter.id")
    # The fair process (casework.models_process)
    allegation_rows: Mapped[list[Allegation]] = relationship(back_populates="case", order_by="Allegation.id")
    investigation_reports: Mapped[list[InvestigationReport]] = relationship(
        back_populates="case", order_by="InvestigationReport.id"
    )
    hr_advice: Mapped[list[HrAdvice]] = relationship(back_populates="case", order_by="HrAdvice.id")
    hearings: Mapped[list[Hearing]] = relationship(back_populates="case", order_by="Hearing.id")
    appeals: Mapped[list[Appeal]] = relationship(back_populates="case", order_by="Appeal.id")
    conflicts: Mapped[list[ConflictDeclaration]] = relationship(
        back_populates="case", order_by="ConflictDeclaration.id"
    )
    overrides: Mapped[list[DutyOverride]] = relationship(back_populates="case", order_by="DutyOverride.id")

    __mapper_args__ = {"version_id_col": version}
    # Not a column: which of the case page's collections and panels the case has rows in, when its page
    # loaded it (casework.services.cases.get_case_page); None otherwise
    holdings = None  # a frozenset of names
    # Covers the HR summary's grouping of a period's cases without reading the table
    __table_args__ = (
        Index("ix_cases_summary", "created_at", "stage", "kind", "platform", "department_id"),
        # Covers the summary's overdue figures: open cases past their next deadline, by deadline
        Index("ix_cases_overdue", "next_deadline_at", "stage", "next_deadline_label"),
        # A person's cases, and their open cases soonest deadline first (the home page)
        Index("ix_cases_owner_deadline", "owner_id", "next_deadline_at"),
        Index("ix_cases_investigator_deadline", "investigator_id", "next_deadline_at"),
        # The few routed reports of a period (the summary's "routed to another procedure")
        Index("ix_cases_route_created", "route", "created_at"),
        # Cases at a stage in the order they were reported (the home page's new reports waiting for an owner);
        # with their kind, platform and department, the HR summary's totals for a period read it alone
        Index("ix_cases_stage_created", "stage", "created_at", "kind", "platform", "department_id"),
    )

    @property
    def categories(self) -> list[str]:
        return [row.category for row in self.category_rows]

    @property
    def outcome(self) -> Outcome | None:
        """The outcome that stands: the latest one not superseded."""
        return next((o for o in reversed(self.outcomes) if o.superseded_at is None), None)

    @property
    def superseded_outcomes(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.superseded_at is not None]

    @property
    def allegations(self) -> list[Allegation]:
        """The allegations that stand (removed ones are kept, but not here)."""
        return [a for a in self.allegation_rows if a.removed_at is None]

    @property
    def investigation_report(self) -> InvestigationReport | None:
        return self.investigation_reports[-1] if self.investigation_reports else None

    @property
    def hearing(self) -> Hearing | None:
        """The latest hearing arranged (an earlier one is kept when a case is decided again)."""
        return self.hearings[-1] if self.hearings else None

    def outcome_for(self, subject_id: int) -> Outcome | None:
        """The outcome that stands for one person: their own, or an older outcome for everyone in the case."""
        return next(
            (
                o
                for o in reversed(self.outcomes)
                if o.superseded_at is None and (o.subject_id == subject_id or o.subject_id is None)
            ),
            None,
        )

    @property
    def current_outcomes(self) -> list[Outcome]:
        """Every outcome that stands, one per person (or one for everyone, from before outcomes were per person)."""
        return [o for o in self.outcomes if o.superseded_at is None]

    def __repr__(self) -> str:
        return f"<Case {self.reference}>"


class CaseCategory(db.Model):
    """One category of a case; a table so that statistics can GROUP BY it."""

    __tablename__ = "case_categories"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class Suspension(db.Model):
    """Publishing rights suspended while a case is investigated (Social Networking Policy 11.2).

    `account_id` empty means every council account the subject may publish on.
    """

    __tablename__ = "suspensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("social_accounts.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    authorised_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    next_review_on: Mapped[date | None] = mapped_column(Date)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lift_reason: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="suspensions")
    subject: Mapped[User] = relationship(foreign_keys=[subject_id])
    account: Mapped[SocialAccount | None] = relationship()
    authorised_by: Mapped[User] = relationship(foreign_keys=[authorised_by_id])
    lifted_by: Mapped[User | None] = relationship(foreign_keys=[lifted_by_id])

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class Evidence(db.Model):
    """A file or a link. Files are immutable and stored by their SHA-256."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    original_name: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    storage_key: Mapped[str | None] = mapped_column(String(200))
    source_url: Mapped[str | None] = mapped_column(String(2000))
    captured_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="evidence")
    uploaded_by: Mapped[User] = relationship()


class Note(db.Model):
    """An investigation note, interview record or meeting record."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="note")
    interviewee_name: Mapped[str | None] = mapped_column(String(200))  # who was interviewed
    interviewee_role: Mapped[str | None] = mapped_column(String(20))  # complainant, subject, witness
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    visible_to_reporter: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="notes")
    author: Mapped[User] = relationship()


class Outcome(db.Model):
    """The finding and sanction of a case, and any appeal against it."""

    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    finding: Mapped[str] = mapped_column(String(30))
    sanction: Mapped[str] = mapped_column(String(30), index=True)
    rights_decision: Mapped[str | None] = mapped_column(String(20))
    content_removed: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    live_until: Mapped[date | None] = mapped_column(Date)
    appeal_due_on: Mapped[date | None] = mapped_column(Date)
    separation_override_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Whom it is about; empty on outcomes recorded before outcomes were per person (then it is everyone's)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    hearing_id: Mapped[int | None] = mapped_column(ForeignKey("hearings.id"))
    appeal_waived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appeal_waived_reason: Mapped[str | None] = mapped_column(Text)
    appeal_result: Mapped[str | None] = mapped_column(String(20))  # upheld, varied, overturned
    appeal_reason: Mapped[str | None] = mapped_column(Text)
    appeal_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    appeal_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the case is decided again (after reopening): the earlier outcome is kept, never overwritten
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    superseded_reason: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="outcomes")
    decided_by: Mapped[User] = relationship(foreign_keys=[decided_by_id])
    superseded_by: Mapped[User | None] = relationship(foreign_keys=[superseded_by_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])

    @property
    def is_superseded(self) -> bool:
        return self.superseded_at is not None

    # Covers the summary's outcome figures, durations and category x sanction table, of standing outcomes only,
    # without reading the table
    __table_args__ = (
        Index("ix_outcomes_summary", "case_id", "superseded_at", "sanction", "finding", "decided_at", "subject_id"),
    )


class ContractorAction(db.Model):
    """What a contractor did under its own procedures, as recorded by the head of service
    (Social Networking Policy 11.4). Each record is kept; a later one never replaces an earlier one."""

    __tablename__ = "contractor_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="contractor_actions")
    recorded_by: Mapped[User] = relationship()


class Letter(db.Model):
    """A letter to a person a case is about: drafted from the case, edited by HR, then issued.

    Once issued its text is fixed; `sha256` is the hash of the issued text, so a copy can be
    matched to the letter sent.
    """

    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(10), default="draft")  # draft, issued
    body: Mapped[str] = mapped_column(Text)
    meeting_date: Mapped[date | None] = mapped_column(Date)
    meeting_time: Mapped[str | None] = mapped_column(String(20))
    meeting_place: Mapped[str | None] = mapped_column(String(200))
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sha256: Mapped[str | None] = mapped_column(String(64))

    case: Mapped[Case] = relationship(back_populates="letters")
    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id])
    drafted_by: Mapped[User] = relationship(foreign_keys=[drafted_by_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])


class Referral(db.Model):
    """A referral to the police, the ICO, the LADO, a contractor or another agency."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    agency: Mapped[str] = mapped_column(String(20), index=True)
    reason: Mapped[str] = mapped_column(Text)
    agency_reference: Mapped[str | None] = mapped_column(String(100))
    referred_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    referred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    result: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="referrals")
    referred_by: Mapped[User] = relationship()


class CaseEvent(db.Model):
    """Append-only, hash-chained audit trail of a case.

    hash = sha256(prev_hash + canonical JSON of the event); see casework.domain.audit.
    """

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    from_stage: Mapped[str | None] = mapped_column(String(20))
    to_stage: Mapped[str | None] = mapped_column(String(20))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("case_id", "seq"),)


class AccessLog(db.Model):
    """Who opened, downloaded or exported which case, and when."""

    __tablename__ = "access_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(20))  # view, download, export
    detail: Mapped[str | None] = mapped_column(String(300))

    user: Mapped[User] = relationship()


class Notification(db.Model):
    """An in-app notice to one person, written with the change that causes it."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case | None] = relationship()

    # The unread count on every page, and a person's newest notifications
    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        Index("ix_notifications_user_newest", "user_id", "created_at"),
    )


class OutboxEmail(db.Model):
    """An e-mail waiting to be sent (transactional outbox)."""

    __tablename__ = "outbox_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    dedup_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class PasswordLink(db.Model):
    """A single-use link e-mailed to set a password: an invitation or a reset. Only its hash is kept.

    A link works once, until `expires_at`, while it is the person's newest and
    while the person has not signed out everywhere since it was sent.
    """

    __tablename__ = "password_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # invitation, reset
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class RecoveryCode(db.Model):
    """A single-use code for signing in without the authenticator app; only its hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AdminEvent(db.Model):
    """Append-only record of changes to people, roles, departments, accounts, rights and tokens."""

    __tablename__ = "admin_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


# Online research, RIPA authorisations and web captures live in their own module (casework.models_research);
# social media training records and cases about council accounts in casework.models_accounts
from . import models_accounts, models_research  # noqa: E402, F401

# Allegations, hearings, appeals and the rest of the fair process (casework.models_process)
from .models_process import (  # noqa: E402
    Allegation,
    Appeal,
    ConflictDeclaration,
    DutyOverride,
    Hearing,
    HrAdvice,
    InvestigationReport,
)
