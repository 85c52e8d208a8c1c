"""Signed-in sessions, kept on the server (issue 14, 1; OWASP ASVS 3.3.1).

The browser's cookie holds only a random session id; the record here (who,
created, last seen, ended, which browser) is what makes it good. Every
request checks it, so signing out, a timeout, "Sign out everywhere", a new
password, a reset of two-factor, a disabled account or ending the session
from Your account ends it for good: a copy of the old cookie no longer
opens anything. Only the SHA-256 of the id is stored.

A session ends after SESSION_IDLE_MINUTES unused and SESSION_ABSOLUTE_HOURS
after sign-in, whatever happens. API tokens are not sessions: none of this
touches them (revoke them under Your account, API tokens).
"""

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import Department, Notification, User, UserSession, utcnow
from .errors import NotFound

# Why a session ended
SIGNED_OUT = "signed_out"
IDLE = "idle"
TOO_LONG = "too_long"
SIGNED_OUT_EVERYWHERE = "signed_out_everywhere"
ENDED_BY_PERSON = "ended_by_person"
PASSWORD_CHANGED = "password_changed"  # noqa: S105 (a reason)
TWO_FACTOR_RESET = "two_factor_reset"
ACCOUNT_DISABLED = "account_disabled"

ENDED_REASONS = {
    SIGNED_OUT: "Signed out",
    IDLE: "Not used for too long",
    TOO_LONG: "Signed in for too long",
    SIGNED_OUT_EVERYWHERE: "Signed out everywhere",
    ENDED_BY_PERSON: "Ended from Your account",
    PASSWORD_CHANGED: "Password changed",
    TWO_FACTOR_RESET: "Two-factor sign-in reset",
    ACCOUNT_DISABLED: "Account disabled",
}

# How often a session's "last seen" is written (not on every request), and how long ended records are kept
TOUCH_EVERY = timedelta(seconds=60)
ENDED_KEPT = timedelta(days=30)
USER_AGENT_MAX = 200


def digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).hexdigest()


def _idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def _absolute_limit() -> timedelta:
    return timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])


def start(user: User, *, user_agent: str = "") -> tuple[str, UserSession]:
    """A new session for `user`: its id (for the cookie only) and its record.

    The person's sessions that have timed out are marked so, and their records
    ended more than ENDED_KEPT ago are deleted."""
    now = utcnow()
    _end_timed_out(user, now)
    db.session.execute(
        delete(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at < now - ENDED_KEPT)
        .execution_options(synchronize_session=False)
    )
    session_id = secrets.token_urlsafe(32)
    record = UserSession(
        user_id=user.id,
        token_hash=digest(session_id),
        created_at=now,
        last_seen_at=now,
        user_agent=" ".join((user_agent or "").split())[:USER_AGENT_MAX],
    )
    db.session.add(record)
    db.session.flush()
    return session_id, record


def _end_timed_out(user: User, now: datetime) -> None:
    for reason, column, limit in (
        (TOO_LONG, UserSession.created_at, _absolute_limit()),
        (IDLE, UserSession.last_seen_at, _idle_limit()),
    ):
        db.session.execute(
            update(UserSession)
            .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None), column < now - limit)
            .values(ended_at=now, ended_reason=reason)
            .execution_options(synchronize_session=False)
        )


def _usable(session_id) -> bool:
    return isinstance(session_id, str) and bool(session_id) and len(session_id) <= 100


def find(session_id: str | None) -> UserSession | None:
    if not _usable(session_id):
        return None
    return db.session.scalar(select(UserSession).where(UserSession.token_hash == digest(session_id)))


@dataclass(frozen=True)
class Loaded:
    """What every signed-in request starts from, read in one statement: the person, this browser's
    session record (when it is theirs), and how many of their notifications are unread."""

    user: User | None = None
    record: UserSession | None = None
    unread: int = 0


@functools.cache
def _load_statement(with_session: bool):
    """The statement `load` runs, built once per process: building and keying a statement costs more
    than running this one (the values are bound parameters; what it finds is never kept)."""
    unread = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == User.id, Notification.read_at.is_(None))
        .scalar_subquery()
    )
    query = (
        select(User, unread.label("unread"))
        .outerjoin(Department, Department.id == User.department_id)
        .options(contains_eager(User.department))
        .where(User.id == bindparam("user_id"))
    )
    if with_session:
        query = query.add_columns(UserSession).outerjoin(
            UserSession, (UserSession.user_id == User.id) & (UserSession.token_hash == bindparam("token_hash"))
        )
    return query


def load(user_id: int, session_id: str | None) -> Loaded:
    """The person `user_id` and their department, with the session record `session_id` names if it is theirs,
    and their unread count."""
    if _usable(session_id):
        row = db.session.execute(_load_statement(True), {"user_id": user_id, "token_hash": digest(session_id)}).first()
    else:
        row = db.session.execute(_load_statement(False), {"user_id": user_id}).first()
    if row is None:
        return Loaded()
    return Loaded(row[0], row[2] if len(row) > 2 else None, row[1] or 0)


@dataclass(frozen=True)
class SessionCheck:
    """What checking a request's session found: the live record, or why there is none."""

    record: UserSession | None = None
    timed_out: str | None = None  # IDLE or TOO_LONG when this check ended it
    wrote: bool = False  # the record changed (last seen, or ended): the caller commits


def check(user: User, session_id: str | None, *, found: UserSession | None = None) -> SessionCheck:
    """Whether `session_id` is a live session of `user`; notes its use, and ends it when it has timed out.

    `found`: the record `session_id` names, when the caller has read it already (see `load`)."""
    record = found if found is not None else find(session_id)
    if record is None or record.user_id != user.id or record.ended_at is not None:
        return SessionCheck()
    now = utcnow()
    if now - record.created_at > _absolute_limit():
        return SessionCheck(timed_out=TOO_LONG, wrote=end(record, TOO_LONG))
    if now - record.last_seen_at > _idle_limit():
        return SessionCheck(timed_out=IDLE, wrote=end(record, IDLE))
    if now - record.last_seen_at >= TOUCH_EVERY:
        record.last_seen_at = now
        db.session.flush()
        return SessionCheck(record=record, wrote=True)
    return SessionCheck(record=record)


def end(record: UserSession, reason: str) -> bool:
    """End one session (if it has not ended already). True when this call ended it."""
    now = utcnow()
    ended = db.session.execute(
        update(UserSession)
        .where(UserSession.id == record.id, UserSession.ended_at.is_(None))
        .values(ended_at=now, ended_reason=reason)
        .execution_options(synchronize_session=False)
    ).rowcount
    if ended:
        set_committed_value(record, "ended_at", now)
        set_committed_value(record, "ended_reason", reason)
    return ended == 1


def end_by_id(session_id: str | None, reason: str) -> None:
    """End the session whose cookie holds `session_id`, if there is one."""
    record = find(session_id)
    if record is not None:
        end(record, reason)


def end_all(user: User, reason: str, *, keep: UserSession | None = None) -> int:
    """End every live session of `user` (all but `keep`); how many ended."""
    query = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    return db.session.execute(
        query.values(ended_at=utcnow(), ended_reason=reason).execution_options(synchronize_session=False)
    ).rowcount


def live_sessions(user: User) -> list[UserSession]:
    """The person's sessions that are still good, most recently used first."""
    now = utcnow()
    return list(
        db.session.scalars(
            select(UserSession)
            .where(
                UserSession.user_id == user.id,
                UserSession.ended_at.is_(None),
                UserSession.last_seen_at >= now - _idle_limit(),
                UserSession.created_at >= now - _absolute_limit(),
            )
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )


def end_one(user: User, record_id: int) -> UserSession:
    """The person ends one of their own sessions (from Your account). NotFound for anyone else's."""
    record = db.session.get(UserSession, record_id) if 0 < record_id < 2**31 else None
    if record is None or record.user_id != user.id or record.ended_at is not None:
        raise NotFound("No such session")
    end(record, ENDED_BY_PERSON)
    return record


def browser_label(user_agent: str) -> str:
    """A short description of the browser and system from its User-Agent ("Chrome on Windows")."""
    text = user_agent or ""
    browser = next(
        (
            name
            for token, name in (
                ("Edg/", "Edge"),
                ("OPR/", "Opera"),
                ("Firefox/", "Firefox"),
                ("Chrome/", "Chrome"),
                ("Chromium/", "Chromium"),
                ("Safari/", "Safari"),
            )
            if token in text
        ),
        None,
    )
    system = next(
        (
            name
            for token, name in (
                ("Windows", "Windows"),
                ("iPhone", "iPhone"),
                ("iPad", "iPad"),
                ("Android", "Android"),
                ("Mac OS X", "macOS"),
                ("CrOS", "ChromeOS"),
                ("Linux", "Linux"),
            )
            if token in text
        ),
        None,
    )
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown browser"
