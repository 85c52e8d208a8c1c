"""Models of lawful online investigation and of evidence Casework captures itself.

Online research and RIPA authorisations (Acceptable Use of Social Media Policy 8),
the answer to "was the council's monitoring authorised?", and web captures.
Imported by `casework.models`, so every table is registered with the others.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .models import Case, Evidence, User, UTCDateTime, utcnow


class OnlineResearch(db.Model):
    """One look at a person's social media for a case: whose profile, where, why, what, when, by whom."""

    __tablename__ = "online_research"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    profile: Mapped[str] = mapped_column(String(500))  # as the researcher gave it: a name, handle or address
    profile_key: Mapped[str] = mapped_column(String(500))  # the same profile however it was written
    purpose: Mapped[str] = mapped_column(Text)
    looked_at: Mapped[str] = mapped_column(Text)
    viewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    researcher_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    authorisation_id: Mapped[int | None] = mapped_column(ForeignKey("ripa_authorisations.id"), index=True)
    views_in_window: Mapped[int] = mapped_column(Integer)  # views of the profile in the busiest window, this one too
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    researcher: Mapped[User] = relationship()
    authorisation: Mapped[RipaAuthorisation | None] = relationship(back_populates="research")

    __table_args__ = (Index("ix_online_research_profile", "platform", "profile_key", "viewed_at"),)


class RipaAuthorisation(db.Model):
    """An authorisation to keep researching one profile for a case (Acceptable Use of Social Media Policy 8).

    Applied for by the people handling the case; granted or refused by an
    authorising officer; in force from `starts_on` to `expires_on` (three
    months), reviewed, and cancelled when no longer needed.
    """

    __tablename__ = "ripa_authorisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    profile: Mapped[str] = mapped_column(String(500))
    profile_key: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="applied", index=True)
    application: Mapped[str] = mapped_column(Text)
    necessity: Mapped[str] = mapped_column(Text)
    proportionality: Mapped[str] = mapped_column(Text)
    applied_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decision_due_on: Mapped[date] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    starts_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    next_review_on: Mapped[date | None] = mapped_column(Date)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancellation_reason: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship()
    applied_by: Mapped[User] = relationship(foreign_keys=[applied_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])
    reviews: Mapped[list[RipaReview]] = relationship(back_populates="authorisation", order_by="RipaReview.id")
    research: Mapped[list[OnlineResearch]] = relationship(
        back_populates="authorisation", order_by="OnlineResearch.viewed_at"
    )

    __table_args__ = (Index("ix_ripa_authorisations_profile", "platform", "profile_key"),)


class RipaReview(db.Model):
    """A review of an authorisation in force: is it still necessary and proportionate?"""

    __tablename__ = "ripa_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    authorisation_id: Mapped[int] = mapped_column(ForeignKey("ripa_authorisations.id"), index=True)
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    text: Mapped[str] = mapped_column(Text)
    next_review_on: Mapped[date] = mapped_column(Date)

    authorisation: Mapped[RipaAuthorisation] = relationship(back_populates="reviews")
    reviewed_by: Mapped[User] = relationship()


class MonitoringAuthorisation(db.Model):
    """For a case found by the council's monitoring: was that monitoring authorised?"""

    __tablename__ = "monitoring_authorisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    answer: Mapped[str] = mapped_column(String(20))  # authorised, not_required, not_authorised
    detail: Mapped[str] = mapped_column(Text)
    authorisation_id: Mapped[int | None] = mapped_column(ForeignKey("ripa_authorisations.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    recorded_by: Mapped[User] = relationship()
    authorisation: Mapped[RipaAuthorisation | None] = relationship()


class WebCapture(db.Model):
    """A web page Casework loaded itself and kept as evidence: screenshot, PDF, HTML and WARC."""

    __tablename__ = "web_captures"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)  # queued, running, done, failed
    progress: Mapped[str | None] = mapped_column(String(200))
    failure: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    final_url: Mapped[str | None] = mapped_column(String(2000))
    http_status: Mapped[int | None] = mapped_column(Integer)
    screenshot_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"))
    pdf_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"))
    html_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"))
    warc_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"))

    case: Mapped[Case] = relationship()
    requested_by: Mapped[User] = relationship()
    screenshot: Mapped[Evidence | None] = relationship(foreign_keys=[screenshot_id])
    pdf: Mapped[Evidence | None] = relationship(foreign_keys=[pdf_id])
    html: Mapped[Evidence | None] = relationship(foreign_keys=[html_id])
    warc: Mapped[Evidence | None] = relationship(foreign_keys=[warc_id])

    @property
    def files(self) -> list[Evidence]:
        return [item for item in (self.screenshot, self.pdf, self.html, self.warc) if item is not None]
