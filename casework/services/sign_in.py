"""Signing in and passwords (issue 6, Security 1 and 3).

After LOCKOUT_ATTEMPTS wrong passwords (or two-factor codes) in a row an
account is locked for LOCKOUT_MINUTES, even against the right password. An
e-mail address with no account behind it is counted and locked the same way
(in the rate-limit store, since it has no row), so the answers never tell
whether an account exists; and each attempt checks one password hash either
way, so neither does the time they take.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, update
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db, limiter
from ..models import User, utcnow
from . import security_events
from .errors import InvalidInput
from .users import _DUMMY_HASH, check_new_password, find_user, normalise_email

log = logging.getLogger(__name__)

# How long the failures of an address with no account are remembered (an account's are kept until it signs in)
UNKNOWN_FAILURES_KEPT_SECONDS = 24 * 60 * 60


WRONG_CURRENT = "Enter your current password correctly"  # noqa: S105 (messages)
NOT_THE_SAME = "Enter the same new password twice"  # noqa: S105
UNCHANGED = "Choose a password different from your current one"  # noqa: S105


@dataclass(frozen=True)
class PasswordCheck:
    """The answer to one password attempt: the person when it is right and they may sign in."""

    user: User | None = None
    locked: bool = False


def is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > utcnow()


def check_password(email: str, password: str) -> PasswordCheck:
    """One attempt at the password step. Counts a failure, and locks after too many.

    The caller commits, whatever the answer, so that failures are kept."""
    password = password or ""
    user = find_user(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return PasswordCheck(locked=_unknown_address_failed(email))
    right = check_password_hash(user.password_hash or _DUMMY_HASH, password) and bool(user.password_hash)
    if is_locked(user):
        return PasswordCheck(locked=True)
    if right and user.active:
        return PasswordCheck(user=user)
    return PasswordCheck(locked=record_failure(user))


def record_failure(user: User) -> bool:
    """Count a wrong password or code; lock the account when it is one too many. True when now locked."""
    config = current_app.config
    failures = db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_logins=func.coalesce(User.failed_logins, 0) + 1)
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    user.failed_logins = failures
    if failures < config["LOCKOUT_ATTEMPTS"]:
        return False
    user.locked_until = utcnow() + timedelta(minutes=config["LOCKOUT_MINUTES"])
    user.failed_logins = 0
    security_events.record(
        security_events.ACCOUNT_LOCKED,
        user,
        actor=None,
        failures=failures,
        locked_until=user.locked_until.isoformat(),
    )
    db.session.flush()
    return True


def _unknown_address_failed(email: str) -> bool:
    """The lockout arithmetic of `record_failure`, for an address with no account. True when locked."""
    config = current_app.config
    digest = hashlib.sha256(normalise_email(email).encode("utf-8")).hexdigest()
    prefix = f"{config.get('RATELIMIT_KEY_PREFIX', '')}/unknown-account"
    lock_key, failures_key = f"{prefix}/locked/{digest}", f"{prefix}/failures/{digest}"
    try:
        storage = limiter.storage
        if storage.get(lock_key) > 0:
            return True
        if storage.incr(failures_key, UNKNOWN_FAILURES_KEPT_SECONDS) < config["LOCKOUT_ATTEMPTS"]:
            return False
        storage.clear(failures_key)
        storage.incr(lock_key, int(config["LOCKOUT_MINUTES"] * 60))
        return True
    except Exception:  # the rate-limit store is down: nothing to lock, so answer as for a first failure
        log.exception("Could not count a failed sign-in in the rate-limit store")
        return False


def signed_in(user: User) -> None:
    """Every step passed: the count of failures starts again."""
    user.failed_logins = 0
    user.locked_until = None
    user.last_sign_in_at = utcnow()
    db.session.flush()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def set_password(user: User, password: str, *, actor: User | None) -> None:
    """Give `user` a new password (checked against the policy) and sign them out everywhere else."""
    problem = check_new_password(user.email, password)
    if problem:
        raise InvalidInput(problem, {"password": problem})
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.session_epoch = (user.session_epoch or 0) + 1
    security_events.record(security_events.PASSWORD_CHANGED, user, actor=actor)
    db.session.flush()


def change_own_password(user: User, *, current: str, new: str, confirm: str) -> None:
    """The person changes their own password: the current one first, then the new one twice.

    Their other sessions end (the caller keeps this one going)."""
    errors = {}
    if not current or not user.password_hash or not check_password_hash(user.password_hash, current):
        errors["current_password"] = WRONG_CURRENT
    problem = check_new_password(user.email, new)
    if problem:
        errors["new_password"] = problem
    elif new != confirm:
        errors["confirm_password"] = NOT_THE_SAME
    elif not errors and check_password_hash(user.password_hash, new):
        errors["new_password"] = UNCHANGED
    if errors:
        raise InvalidInput("; ".join(errors.values()), errors)
    set_password(user, new, actor=user)


def sign_out_everywhere(user: User, *, actor: User | None) -> None:
    """End every session of `user`, on every device: their sessions carry the old epoch."""
    user.session_epoch = (user.session_epoch or 0) + 1
    security_events.record(security_events.SIGNED_OUT_EVERYWHERE, user, actor=actor)
    db.session.flush()
