"""How long a signed-in session lasts, and the half-way state between password and code.

A session starts afresh at sign-in (nothing carried over from before: no
fixation) and ends when it has not been used for SESSION_IDLE_MINUTES, when
it is SESSION_ABSOLUTE_HOURS old, when the person signs out everywhere (their
`session_epoch` moves on past the one the session holds), or when the
account is disabled. Every request checks, through the Flask-Login loader.

Between the password and the two-factor code the session holds only who is
signing in, and when: it is not signed in, so no page that needs sign-in
opens.
"""

from datetime import UTC, datetime, timedelta

from flask import current_app, flash, session
from flask_login import login_user

from ..models import User
from . import limits

SIGNED_IN_AT = "cw_signed_in_at"
SEEN_AT = "cw_seen_at"
EPOCH = "cw_epoch"
PENDING_USER = limits.PENDING_USER
PENDING_AT = "cw_pending_at"
PENDING_NEXT = "cw_pending_next"
ENROLMENT_SECRET = "cw_enrolment_secret"  # noqa: S105 (a session key)

IDLE_MESSAGE = "You were signed out because you had not used Casework for {minutes} minutes. Sign in again."
ABSOLUTE_MESSAGE = "You were signed out because you had been signed in for {hours} hours. Sign in again."
ENDED_MESSAGE = "You were signed out. Sign in again."


def now() -> float:
    return datetime.now(UTC).timestamp()


def start(user: User) -> None:
    """Sign `user` in, in a fresh session."""
    session.clear()
    login_user(user, remember=False)
    session[SIGNED_IN_AT] = session[SEEN_AT] = now()
    session[EPOCH] = user.session_epoch or 0


def keep_epoch(user: User) -> None:
    """After the person has signed out their other sessions themselves, keep this one going."""
    session[EPOCH] = user.session_epoch or 0


def end() -> None:
    session.clear()


def check(user: User) -> bool:
    """Whether this request's session may go on as `user`; ends it (with a message why) when not."""
    config = current_app.config
    current = now()
    signed_in_at, seen_at = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    message = None
    if not user.can_sign_in:
        message = ENDED_MESSAGE
    elif not isinstance(signed_in_at, int | float) or not isinstance(seen_at, int | float):
        message = ENDED_MESSAGE
    elif session.get(EPOCH) != (user.session_epoch or 0):
        message = ENDED_MESSAGE
    elif current - signed_in_at > timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]).total_seconds():
        message = ABSOLUTE_MESSAGE.format(hours=config["SESSION_ABSOLUTE_HOURS"])
    elif current - seen_at > timedelta(minutes=config["SESSION_IDLE_MINUTES"]).total_seconds():
        message = IDLE_MESSAGE.format(minutes=config["SESSION_IDLE_MINUTES"])
    if message:
        session.clear()
        flash(message, "info")
        return False
    session[SEEN_AT] = current
    return True


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


def enrolment_secret(make) -> str:
    """The secret being set up in this half-signed-in session (made once by `make`).

    It lives only in this person's signed session cookie until they prove
    their app holds it; each new sign-in gets a different one."""
    secret = session.get(ENROLMENT_SECRET)
    if not isinstance(secret, str) or not secret:
        secret = session[ENROLMENT_SECRET] = make()
    return secret
