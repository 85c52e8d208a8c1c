"""Signing in and passwords (issue 6, Security 1 and 3; issue 14, 3).

After LOCKOUT_ATTEMPTS wrong passwords (or two-factor codes) in a row an
e-mail address is locked for LOCKOUT_MINUTES, even against the right
password. The failures are counted in the database (`sign_in_failures`),
for addresses with an account and without one alike, under an HMAC of the
normalised address keyed from SECRET_KEY (never the address in clear): so
every process and machine agrees, the rate-limit store plays no part, and a
run of wrong passwords answers the same whether or not the account exists.
Each attempt checks one password hash either way, so neither does the time
they take.
"""

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import SignInFailure, User, utcnow
from . import security_events, user_sessions
from .errors import InvalidInput
from .users import _DUMMY_HASH, check_new_password, find_user, normalise_email

log = logging.getLogger(__name__)

# Failures further apart than this start the count again; older rows are deleted
FAILURES_KEPT = timedelta(hours=24)


WRONG_CURRENT = "Enter your current password correctly"  # noqa: S105 (messages)
NOT_THE_SAME = "Enter the same new password twice"  # noqa: S105
UNCHANGED = "Choose a password different from your current one"  # noqa: S105


@dataclass(frozen=True)
class PasswordCheck:
    """The answer to one password attempt: the person when it is right and they may sign in."""

    user: User | None = None
    locked: bool = False


def address_key(email: str) -> str:
    """The key failures of `email` are counted under: an HMAC of the normalised address.

    Keyed from SECRET_KEY, so the table cannot be checked against a list of addresses."""
    key = hmac.new(
        current_app.config["SECRET_KEY"].encode("utf-8"), b"casework sign-in failures", hashlib.sha256
    ).digest()
    return hmac.new(key, normalise_email(email).encode("utf-8"), hashlib.sha256).hexdigest()


def _locked_until(key: str):
    return db.session.scalar(select(SignInFailure.locked_until).where(SignInFailure.address_key == key))


def is_locked(user_or_email: User | str) -> bool:
    """Whether sign-in with this address is locked now (too many failures in a row)."""
    email = user_or_email.email if isinstance(user_or_email, User) else user_or_email
    until = _locked_until(address_key(email))
    return until is not None and until > utcnow()


def check_password(email: str, password: str) -> PasswordCheck:
    """One attempt at the password step. Counts a failure, and locks after too many.

    The caller commits, whatever the answer, so that failures are kept."""
    password = password or ""
    user = find_user(email)
    right = check_password_hash((user.password_hash if user else None) or _DUMMY_HASH, password)
    right = right and user is not None and bool(user.password_hash)
    if is_locked(email):
        return PasswordCheck(locked=True)
    if right and user.active:
        return PasswordCheck(user=user)
    return PasswordCheck(locked=record_failure(email, user))


def record_failure(email: str, user: User | None = None) -> bool:
    """Count a wrong password or code for `email`; lock it when it is one too many. True when now locked.

    One statement adds the failure (an upsert), so processes counting at once never lose one."""
    config = current_app.config
    key, now = address_key(email), utcnow()
    _forget_old_failures(now)
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(SignInFailure).values(address_key=key, failures=1, last_failure_at=now, locked_until=None)
    failures = db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[SignInFailure.address_key],
            set_={
                "failures": case(
                    (SignInFailure.last_failure_at < now - FAILURES_KEPT, 1), else_=SignInFailure.failures + 1
                ),
                "last_failure_at": now,
            },
        ).returning(SignInFailure.failures)
    ).scalar_one()
    if failures < config["LOCKOUT_ATTEMPTS"]:
        return False
    locked_until = now + timedelta(minutes=config["LOCKOUT_MINUTES"])
    db.session.execute(
        update(SignInFailure)
        .where(SignInFailure.address_key == key)
        .values(failures=0, locked_until=locked_until)
        .execution_options(synchronize_session=False)
    )
    user = user if user is not None else find_user(email)
    if user is not None:
        security_events.record(
            security_events.ACCOUNT_LOCKED, user, actor=None, failures=failures, locked_until=locked_until.isoformat()
        )
    db.session.flush()
    return True


def _forget_old_failures(now) -> None:
    """Delete a few rows nobody has failed on for FAILURES_KEPT (and not locked), skipping any
    another process holds, so two sign-ins never wait on each other here."""
    stale = (
        select(SignInFailure.address_key)
        .where(SignInFailure.last_failure_at < now - FAILURES_KEPT)
        .where((SignInFailure.locked_until.is_(None)) | (SignInFailure.locked_until < now))
        .limit(50)
        .with_for_update(skip_locked=True)
    )
    db.session.execute(
        delete(SignInFailure).where(SignInFailure.address_key.in_(stale)).execution_options(synchronize_session=False)
    )


def clear_failures(email: str) -> None:
    """The count of failures for `email` starts again (after a good sign-in, or a new password)."""
    db.session.execute(
        delete(SignInFailure)
        .where(SignInFailure.address_key == address_key(email))
        .execution_options(synchronize_session=False)
    )


def failures_in_a_row(email: str) -> int:
    return db.session.scalar(select(SignInFailure.failures).where(SignInFailure.address_key == address_key(email))) or 0


def signed_in(user: User) -> None:
    """Every step passed: the count of failures starts again."""
    clear_failures(user.email)
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
    clear_failures(user.email)
    user_sessions.end_all(user, user_sessions.PASSWORD_CHANGED)
    security_events.record(security_events.PASSWORD_CHANGED, user, actor=actor)
    db.session.flush()


def change_own_password(user: User, *, current: str, new: str, confirm: str) -> None:
    """The person changes their own password: the current one first, then the new one twice.

    Every session of theirs ends; the caller starts a new one for the person at the keyboard."""
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
    """End every session of `user`, on every device (API tokens are not sessions: they stay).

    Any unused invitation or reset link stops working too."""
    from .password_links import cancel_all

    user_sessions.end_all(user, user_sessions.SIGNED_OUT_EVERYWHERE)
    cancel_all(user)
    security_events.record(security_events.SIGNED_OUT_EVERYWHERE, user, actor=actor)
    db.session.flush()
