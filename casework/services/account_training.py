"""Social media training records (Social Networking Policy 8.1).

No one publishes for the council before the Communications team has trained
them; the training holds for TRAINING_VALID_MONTHS, after which a refresher is
due. Each record is one person's training on one day; the latest one counts.
"""

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..domain import accounts as rules
from ..extensions import db
from ..models import PublishingRight, User
from ..models_accounts import SocialMediaTraining
from .accounts import require
from .admin_events import person_label, record_admin_event
from .deadlines import london_today
from .errors import InvalidInput

NOTE_MAX = 1000


@dataclass(frozen=True)
class TrainingStatus:
    person: User
    latest: SocialMediaTraining | None
    publishes_on: int  # accounts they may publish on now
    lapsed: bool
    reminder_due: bool  # the refresher is due within TRAINING_REMINDER_DAYS


def _valid_months() -> int:
    return current_app.config["TRAINING_VALID_MONTHS"]


def latest_training(person: User) -> SocialMediaTraining | None:
    return db.session.scalar(
        select(SocialMediaTraining)
        .where(SocialMediaTraining.user_id == person.id)
        .order_by(SocialMediaTraining.trained_on.desc(), SocialMediaTraining.id.desc())
        .limit(1)
    )


def keep_training(person: User, trained_on: date, actor: User | None, note: str | None = None) -> SocialMediaTraining:
    """The training record of `person` on `trained_on`, made when there is none (in the caller's transaction)."""
    existing = db.session.scalar(
        select(SocialMediaTraining).where(
            SocialMediaTraining.user_id == person.id, SocialMediaTraining.trained_on == trained_on
        )
    )
    if existing is not None:
        return existing
    record = SocialMediaTraining(
        user_id=person.id,
        trained_on=trained_on,
        refresher_due_on=rules.refresher_due(trained_on, _valid_months()),
        note=note,
        recorded_by_id=actor.id if actor is not None else None,
    )
    db.session.add(record)
    db.session.flush()
    record_admin_event(
        actor,
        "training_recorded",
        "social_media_training",
        record.id,
        target=person_label(person),
        after={"trained_on": trained_on, "refresher_due_on": record.refresher_due_on, "note": note},
    )
    return record


def training_errors(person_email: str, trained_on: date | None, note: str, *, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    person = _person(person_email)
    if person is None:
        errors["person"] = "Choose a person from the staff directory"
    problem = rules.training_date_error(trained_on, today)
    if problem:
        errors["trained_on"] = problem
    if len((note or "").strip()) > NOTE_MAX:
        errors["note"] = f"Note must be {NOTE_MAX} characters or fewer"
    if not errors and person is not None:
        exists = db.session.scalar(
            select(SocialMediaTraining.id).where(
                SocialMediaTraining.user_id == person.id, SocialMediaTraining.trained_on == trained_on
            )
        )
        if exists:
            errors["trained_on"] = "Their training on that day is already recorded"
    return errors


def _person(email: str) -> User | None:
    email = (email or "").strip().lower()
    if not email:
        return None
    person = db.session.scalar(select(User).where(User.email == email))
    return person if person is not None and person.active else None


def record_training(
    actor: User, person_email: str, trained_on: date | None, note: str = "", *, today: date | None = None
) -> SocialMediaTraining:
    """8.1: the Communications team trained `person_email` on `trained_on` (first training or a refresher);
    the refresher after it is due TRAINING_VALID_MONTHS later."""
    require(actor, "record_training")
    errors = training_errors(person_email, trained_on, note, today=today or london_today())
    if errors:
        raise InvalidInput("The training record has errors", errors)
    return keep_training(_person(person_email), trained_on, actor, (note or "").strip() or None)


def training_of(person: User) -> list[SocialMediaTraining]:
    return list(
        db.session.scalars(
            select(SocialMediaTraining)
            .where(SocialMediaTraining.user_id == person.id)
            .order_by(SocialMediaTraining.trained_on.desc())
        ).all()
    )


def publishers_training(today: date | None = None) -> list[TrainingStatus]:
    """Everyone who may publish on a council account, or has a training record, with their latest training."""
    today = today or london_today()
    days = current_app.config["TRAINING_REMINDER_DAYS"]
    rights = dict(
        db.session.execute(
            select(PublishingRight.user_id, func.count())
            .where(PublishingRight.status == "active")
            .group_by(PublishingRight.user_id)
        ).all()
    )
    latest_day = (
        select(SocialMediaTraining.user_id, func.max(SocialMediaTraining.trained_on).label("trained_on"))
        .group_by(SocialMediaTraining.user_id)
        .subquery()
    )
    latest = {
        record.user_id: record
        for record in db.session.scalars(
            select(SocialMediaTraining).join(
                latest_day,
                (latest_day.c.user_id == SocialMediaTraining.user_id)
                & (latest_day.c.trained_on == SocialMediaTraining.trained_on),
            )
        ).all()
    }
    people = db.session.scalars(
        select(User)
        .where(User.id.in_(set(rights) | set(latest)))
        .options(selectinload(User.department))
        .order_by(User.name)
    ).all()
    found = []
    for person in people:
        record = latest.get(person.id)
        lapsed = record is None or record.refresher_due_on <= today
        reminder = record is not None and rules.refresher_reminder_due(record.refresher_due_on, today, days)
        found.append(TrainingStatus(person, record, rights.get(person.id, 0), lapsed, reminder))
    return found
