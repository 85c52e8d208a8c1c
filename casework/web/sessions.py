"""The signed-in session of this browser, and the half-way state between password and code.

A session starts afresh at sign-in (nothing carried over from before: no
fixation): a record on the server (casework.services.user_sessions) and, in
the signed cookie, only its random id. Every request checks that record
through the Flask-Login loader, so a session ends for good when the person
signs out, when it has not been used for SESSION_IDLE_MINUTES, when it is
SESSION_ABSOLUTE_HOURS old, when they sign out everywhere or end it from
Your account, or when the account is disabled: replaying a copy of the old
cookie then opens nothing.

Between the password and the two-factor code the session holds only who is
signing in, and when: it is not signed in, so no page that needs sign-in
opens. The secret being set up stays on the server (casework.services.two_factor).
"""

from datetime import UTC, datetime, timedelta

from flask import current_app, flash, g, request, session
from flask_login import login_user

from ..extensions import db
from ..http import limits
from ..models import User, UserSession
from ..services import user_sessions

SESSION_ID = "cw_session"
PENDING_USER = limits.PENDING_USER
PENDING_AT = "cw_pending_at"
PENDING_NEXT = "cw_pending_next"

IDLE_MESSAGE = "You were signed out because you had not used Casework for {minutes} minutes. Sign in again."
ABSOLUTE_MESSAGE = "You were signed out because you had been signed in for {hours} hours. Sign in again."
ENDED_MESSAGE = "You were signed out. Sign in again."


def now() -> float:
    return datetime.now(UTC).timestamp()


def start(user: User) -> UserSession:
    """Sign `user` in, in a fresh session with a new record on the server. The caller commits."""
    session.clear()
    session_id, record = user_sessions.start(user, user_agent=request.user_agent.string)
    login_user(user, remember=False)
    session[SESSION_ID] = session_id
    g.user_session = record
    return record


def current_record() -> UserSession | None:
    """This browser's session record, once the loader has checked it this request."""
    return g.get("user_session")


def end(reason: str = user_sessions.SIGNED_OUT) -> None:
    """End this browser's session, on the server as well as in the cookie. The caller commits."""
    user_sessions.end_by_id(session.get(SESSION_ID), reason)
    g.pop("user_session", None)
    session.clear()


def may_have_a_session(user: User) -> bool:
    """Active, and able to sign in: with a password, or through single sign-on when it is on."""
    return bool(user.active and (user.password_hash or current_app.config.get("OIDC_ISSUER")))


def check(user: User, record: UserSession | None = None) -> bool:
    """Whether this request's session may go on as `user`; ends it (with a message why) when not.
    `record`: this browser's session record, when already read with the person.

    Commits what it changed (the time last seen, or the end of the session), so a
    page that writes nothing still keeps the record right."""
    config = current_app.config
    found = user_sessions.check(user, session.get(SESSION_ID), found=record)
    record, wrote = found.record, found.wrote
    if record is not None and not may_have_a_session(user):
        wrote = user_sessions.end(record, user_sessions.ACCOUNT_DISABLED)
        record = None
    if wrote:
        db.session.commit()
    if record is not None:
        g.user_session = record
        return True
    session.clear()
    if found.timed_out == user_sessions.IDLE:
        flash(IDLE_MESSAGE.format(minutes=config["SESSION_IDLE_MINUTES"]), "info")
    elif found.timed_out == user_sessions.TOO_LONG:
        flash(ABSOLUTE_MESSAGE.format(hours=config["SESSION_ABSOLUTE_HOURS"]), "info")
    else:
        flash(ENDED_MESSAGE, "info")
    return False


# --- between the password and the code ----------------------------------------------


def begin_second_step(user: User, next_url: str | None) -> None:
    """The password was right: remember who is signing in, but do not sign them in yet."""
    session.clear()
    session[PENDING_USER] = user.id
    session[PENDING_AT] = now()
    session[PENDING_NEXT] = next_url


def pending_user_id() -> int | None:
    """The id of the person half-way through signing in, while there is still time to finish."""
    user_id, started = session.get(PENDING_USER), session.get(PENDING_AT)
    if not isinstance(user_id, int) or not isinstance(started, int | float):
        return None
    if now() - started > timedelta(minutes=current_app.config["MFA_PENDING_MINUTES"]).total_seconds():
        return None
    return user_id


def pending_next() -> str | None:
    return session.get(PENDING_NEXT)
