"""Models of the council's own social media accounts beyond the register row itself.

Training by the Communications team (Social Networking Policy 8.1), kept per
person with the date a refresher is due, and the link between a case and the
council account it is about (8.6). Imported by `casework.models`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .models import Case, SocialAccount, User, UTCDateTime, utcnow


class SocialMediaTraining(db.Model):
    """One person's social media training by the Communications team (8.1), and when it lapses."""

    __tablename__ = "social_media_trainings"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    trained_on: Mapped[date] = mapped_column(Date)
    refresher_due_on: Mapped[date] = mapped_column(Date, index=True)  # TRAINING_VALID_MONTHS after training
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])

    __table_args__ = (UniqueConstraint("user_id", "trained_on"),)


class AccountCase(db.Model):
    """A case about a council account (for example a post on it, or an account set up without approval)."""

    __tablename__ = "social_account_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("social_accounts.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    account: Mapped[SocialAccount] = relationship()
    case: Mapped[Case] = relationship()
    linked_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("account_id", "case_id"),)
