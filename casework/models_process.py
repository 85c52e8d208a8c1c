"""Models of the fair disciplinary process (ACAS Code of Practice on disciplinary and grievance
procedures): allegations, the investigation report, HR's advice, hearings, appeals, declared
conflicts and the overrides of separation of duties.

Imported by `casework.models`, so every table is registered with the others.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .models import Case, Outcome, User, UTCDateTime, utcnow


class Allegation(db.Model):
    """What is alleged against one person the case is about, under one category.

    Set at report, corrected at assessment (`update_case`); a removed allegation is kept with when
    and why. The investigation report gives each its finding.
    """

    __tablename__ = "allegations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    finding: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_reason: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="allegation_rows")
    subject: Mapped[User] = relationship()


class InvestigationReport(db.Model):
    """The investigator's report: a finding per allegation, a summary and a recommendation."""

    __tablename__ = "investigation_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    findings: Mapped[list] = mapped_column(JSON, default=list)  # [{subject, category, finding}]
    summary: Mapped[str] = mapped_column(Text)
    recommendation: Mapped[str] = mapped_column(String(30))
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="investigation_reports")
    submitted_by: Mapped[User] = relationship()


class HrAdvice(db.Model):
    """HR's advice to the person deciding (Acceptable Use of Social Media Policy 10)."""

    __tablename__ = "hr_advice"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    given_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="hr_advice")
    given_by: Mapped[User] = relationship()


class Hearing(db.Model):
    """A disciplinary hearing: its officer, when, for whom; postponed at most once."""

    __tablename__ = "hearings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    hearing_officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    hearing_at: Mapped[datetime] = mapped_column(UTCDateTime)
    subject_ids: Mapped[list] = mapped_column(JSON, default=list)
    arranged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    arranged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_hearing_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # set when postponed
    postponed_reason: Mapped[str | None] = mapped_column(Text)
    postponed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The hearing record, given with the outcome
    attended: Mapped[str | None] = mapped_column(Text)
    companion: Mapped[str | None] = mapped_column(Text)
    subject_statement: Mapped[str | None] = mapped_column(Text)
    held: Mapped[bool] = mapped_column(Boolean, default=False)

    case: Mapped[Case] = relationship(back_populates="hearings")
    hearing_officer: Mapped[User] = relationship(foreign_keys=[hearing_officer_id])

    @property
    def postponed(self) -> bool:
        return self.postponed_at is not None


class Appeal(db.Model):
    """One subject's appeal against their outcome, and its decision."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcomes.id"))
    grounds: Mapped[str] = mapped_column(Text)
    appeal_officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    lodged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    lodged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    late_reason: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(String(20))  # upheld, varied, overturned
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_outcome_id: Mapped[int | None] = mapped_column(ForeignKey("outcomes.id"))

    case: Mapped[Case] = relationship(back_populates="appeals")
    subject: Mapped[User] = relationship(foreign_keys=[subject_id])
    appeal_officer: Mapped[User] = relationship(foreign_keys=[appeal_officer_id])
    outcome: Mapped[Outcome] = relationship(foreign_keys=[outcome_id])

    @property
    def is_open(self) -> bool:
        return self.result is None


class ConflictDeclaration(db.Model):
    """A person assigned to a case says whether they have a conflict of interest.

    A declared conflict stops them acting in that role until HR reassigns it (`resolved_at`).
    """

    __tablename__ = "conflict_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    roles: Mapped[list] = mapped_column(JSON, default=list)  # the roles they held on the case when they declared
    conflict: Mapped[bool] = mapped_column(Boolean)
    text: Mapped[str] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="conflicts")
    user: Mapped[User] = relationship()


class DutyOverride(db.Model):
    """Separation of duties set aside where it was not practicable (the ACAS Code's words): who,
    for which role, which rule, why. Shown on the case page and in the case report."""

    __tablename__ = "duty_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    rules: Mapped[list] = mapped_column(JSON, default=list)  # the rules set aside, in words
    reason: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seq: Mapped[int | None] = mapped_column(Integer)

    case: Mapped[Case] = relationship(back_populates="overrides")
    person: Mapped[User] = relationship(foreign_keys=[person_id])
    by: Mapped[User] = relationship(foreign_keys=[by_id])
