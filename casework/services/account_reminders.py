"""Reminders about council accounts, queued with the case reminders (`flask casework send-reminders`).

- Social Networking Policy 7.4: the Communications team and the account's proposer are reminded
  ACCOUNT_TRIAL_REMINDER_DAYS before a trial ends (once per trial), and every day after it ended
  until the trial is reviewed.
- 8.1: each person who may publish is reminded, with the Communications team, TRAINING_REMINDER_DAYS
  before their training lapses (once per training record), and once when it has lapsed.

Each e-mail's dedup_key names the account or training record (and the day, for daily reminders) and the
person, so running the command again queues nothing new.
"""

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import OutboxEmail, PublishingRight, SocialAccount, User, utcnow
from ..models_accounts import SocialMediaTraining
from .accounts import account_label, communications_team
from .deadlines import london_date
from .notify import notify

FOOTER = "Sign in to Casework to see the register of council accounts."


def _long(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def _queue(people: list[User], message: str, subject: str, key: str) -> int:
    wanted = [p for p in people if p is not None and p.active]
    if not wanted:
        return 0
    keys = [f"{key}:{p.id}" for p in wanted]
    queued = set(db.session.scalars(select(OutboxEmail.dedup_key).where(OutboxEmail.dedup_key.in_(keys))).all())
    people = [p for p in wanted if f"{key}:{p.id}" not in queued]
    if not people:
        return 0
    try:
        with db.session.begin_nested():
            told = notify(people, None, message, subject=subject, dedup_key=key, footer=FOOTER)
            db.session.flush()
    except IntegrityError:
        return 0  # another run queued it first
    return len(told)


def trial_reminders(today: date) -> int:
    days = current_app.config["ACCOUNT_TRIAL_REMINDER_DAYS"]
    team = communications_team()
    accounts = db.session.scalars(
        select(SocialAccount)
        .where(
            SocialAccount.status == "trial",
            SocialAccount.trial_ends_on.is_not(None),
            SocialAccount.trial_ends_on <= today + timedelta(days=days),
        )
        .order_by(SocialAccount.trial_ends_on, SocialAccount.id)
    ).all()
    queued = 0
    for account in accounts:
        people = [*team, account.proposed_by]
        ends = account.trial_ends_on
        if ends > today:
            queued += _queue(
                people,
                f"The three-month trial of {account_label(account)} ends on {_long(ends)}: review it and keep or "
                "close the account (Social Networking Policy 7.4).",
                "Casework: a council account's trial ends soon",
                f"account-trial:{account.id}:{ends.isoformat()}",
            )
        else:
            queued += _queue(
                people,
                f"The trial of {account_label(account)} ended on {_long(ends)} and has not been reviewed: keep or "
                "close the account (Social Networking Policy 7.4).",
                "Casework: a council account's trial review is overdue",
                f"account-trial-overdue:{account.id}:{today.isoformat()}",
            )
    return queued


def training_reminders(today: date) -> int:
    days = current_app.config["TRAINING_REMINDER_DAYS"]
    team = communications_team()
    publishers = select(PublishingRight.user_id).where(PublishingRight.status == "active")
    records = db.session.scalars(
        select(SocialMediaTraining)
        .where(
            SocialMediaTraining.user_id.in_(publishers),
            SocialMediaTraining.refresher_due_on <= today + timedelta(days=days),
        )
        .order_by(SocialMediaTraining.refresher_due_on, SocialMediaTraining.id)
    ).all()
    queued = 0
    for record in records:
        newer = db.session.scalar(
            select(SocialMediaTraining.id).where(
                SocialMediaTraining.user_id == record.user_id, SocialMediaTraining.trained_on > record.trained_on
            )
        )
        if newer is not None:
            continue  # a refresher has been recorded since
        person, due = record.user, record.refresher_due_on
        if due > today:
            queued += _queue(
                [person, *team],
                f"{person.name}'s social media training lapses on {_long(due)}: a refresher with the Communications "
                "team is due before then to keep publishing on council accounts (Social Networking Policy 8.1).",
                "Casework: social media training lapses soon",
                f"training-refresher:{record.id}",
            )
        else:
            queued += _queue(
                [person, *team],
                f"{person.name}'s social media training lapsed on {_long(due)}: they should not publish on council "
                "accounts until they have had refresher training (Social Networking Policy 8.1).",
                "Casework: social media training has lapsed",
                f"training-lapsed:{record.id}",
            )
    return queued


def send_account_reminders(now: datetime | None = None) -> int:
    """Queue today's reminders of trials ending or overdue for review, and of training lapsing. Returns how
    many e-mails were queued; the caller commits."""
    today = london_date(now or utcnow())
    return trial_reminders(today) + training_reminders(today)
