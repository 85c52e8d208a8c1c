"""Two-factor sign-in with an authenticator app (TOTP, RFC 6238) and single-use recovery codes.

Required for the roles in MFA_REQUIRED_ROLES (HR and admins see, or control
access to, the most sensitive records), and asked of anyone who has set it up.
A code is accepted once: the time step it belongs to is remembered, so a code
seen over someone's shoulder cannot be used again. Recovery codes are random
(80 bits), kept only as SHA-256 digests, and each works once.

The app's secret is stored sealed (casework.services.secrets_at_rest), never
in plain text; so is the secret being set up, which stays on the server (not
in the browser's cookie) until a first code from the app confirms it.
"""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update

from ..extensions import db
from ..models import RecoveryCode, User, utcnow
from . import secrets_at_rest, security_events, user_sessions

log = logging.getLogger(__name__)

CODE_DIGITS = 6
RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford's base 32: no i, l, o or u
RECOVERY_CODE_LENGTH = 16  # 80 bits
ACCEPTED_STEPS = (-1, 0, 1)  # the app's clock may be up to 30 seconds out


def is_required(user: User) -> bool:
    """Whether this person must give a code after their password."""
    return user.mfa_enabled_at is not None or user.role in current_app.config.get("MFA_REQUIRED_ROLES", ())


def is_enrolled(user: User) -> bool:
    return user.mfa_enabled_at is not None and bool(user.mfa_secret_sealed)


def _unsealed(sealed: str | None, user: User) -> str | None:
    if not sealed:
        return None
    try:
        return secrets_at_rest.unseal(sealed)
    except secrets_at_rest.CannotUnseal:
        log.error(
            "The two-factor secret of user %s cannot be opened with MFA_KEY (or SECRET_KEY): "
            "the key changed without `flask casework rotate-mfa-key`? See the README, Secrets at rest",
            user.id,
        )
        return None


def secret_of(user: User) -> str | None:
    """The person's authenticator secret, unsealed; None when they have none (or it cannot be opened)."""
    return _unsealed(user.mfa_secret_sealed, user)


def store_secret(user: User, secret: str) -> None:
    """Give the person this authenticator secret (sealed) and turn two-factor on."""
    user.mfa_secret_sealed = secrets_at_rest.seal(secret)
    user.mfa_enabled_at = user.mfa_enabled_at or utcnow()


def enrolment_secret(user: User) -> str:
    """The secret this person is setting up, made (and kept sealed on the server) on first call."""
    secret = _unsealed(user.mfa_enrolment_sealed, user)
    if secret is None:
        secret = new_secret()
        user.mfa_enrolment_sealed = secrets_at_rest.seal(secret)
        user.mfa_enrolment_started_at = utcnow()
        db.session.flush()
    return secret


def forget_enrolment(user: User) -> None:
    """Drop a secret being set up, so the next set-up page shows a new one."""
    user.mfa_enrolment_sealed = None
    user.mfa_enrolment_started_at = None
    db.session.flush()


def new_secret() -> str:
    """A fresh 160-bit secret, base 32 as authenticator apps expect."""
    return pyotp.random_base32(32)


def issuer() -> str:
    config = current_app.config
    return f"{config['COUNCIL_NAME']} {config['SERVICE_NAME']}"


def setup_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer())


def qr_code_svg(uri: str) -> Markup:
    """The QR code of `uri` as inline SVG, drawn here (no outside service sees the secret)."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, border=4, dark="#0b0c0c", light="#ffffff", title="QR code for your authenticator app",
        svgclass="app-qr-code",
    )  # fmt: skip
    return Markup(svg.replace("<svg ", '<svg role="img" focusable="false" ', 1))  # noqa: S704  # nosec B704: segno draws only squares and a fixed title


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _normalised(code: str | None) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _matching_step(secret: str, code: str, at: datetime) -> int | None:
    """The time step whose code is `code`, within a step either side of `at`; None when none is."""
    if len(code) != CODE_DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(at)
    for offset in ACCEPTED_STEPS:
        if hmac.compare_digest(totp.generate_otp(now_step + offset), code):
            return now_step + offset
    return None


def _use_step(user: User, step: int) -> bool:
    """Record `step` as used, unless it (or a later one) already was: each code works once."""
    used = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.mfa_last_used_step.is_(None), User.mfa_last_used_step < step))
        .values(mfa_last_used_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if used:
        user.mfa_last_used_step = step
    return used == 1


def _recovery_digest(code: str) -> str:
    return "sha256$" + hashlib.sha256(code.encode("utf-8")).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the person's recovery codes with new ones; the codes in plain text, to show once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(current_app.config.get("RECOVERY_CODE_COUNT", 10))
    ]
    now = utcnow()
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_recovery_digest(c), created_at=now) for c in codes)
    return ["-".join(code[i : i + 4] for i in range(0, len(code), 4)) for code in codes]


def enrol(user: User, code: str) -> list[str] | None:
    """Turn two-factor on with the secret being set up (casework.services.two_factor.enrolment_secret),
    now that a code from the person's app proves it holds it.

    Returns the new recovery codes (to be shown once), or None when the code is wrong."""
    secret = _unsealed(user.mfa_enrolment_sealed, user)
    step = _matching_step(secret, _normalised(code), utcnow()) if secret else None
    if step is None:
        return None
    user.mfa_secret_sealed = user.mfa_enrolment_sealed
    user.mfa_enrolment_sealed = None
    user.mfa_enrolment_started_at = None
    user.mfa_enabled_at = utcnow()
    user.mfa_last_used_step = step
    codes = _new_recovery_codes(user)
    security_events.record(security_events.MFA_ENROLLED, user, actor=user)
    db.session.flush()
    return codes


def verify(user: User, code: str) -> str | None:
    """Check the second step: "app" for a good authenticator code, "recovery" for an unused
    recovery code (now used up), None for anything else."""
    text = _normalised(code)
    if not is_enrolled(user) or not text:
        return None
    if text.isdigit() and len(text) == CODE_DIGITS:
        return "app" if verify_app_code(user, text) else None
    text = text.translate(str.maketrans("ilo", "110"))  # Crockford: read i and l as 1, o as 0
    if len(text) != RECOVERY_CODE_LENGTH:
        return None
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _recovery_digest(text),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if used != 1:
        return None
    security_events.record(security_events.RECOVERY_CODE_USED, user, actor=user, codes_left=recovery_codes_left(user))
    db.session.flush()
    return "recovery"


def verify_app_code(user: User, code: str) -> bool:
    """Whether `code` is the app's code now (and not used before); it is then used up."""
    text = _normalised(code)
    secret = secret_of(user) if is_enrolled(user) else None
    if secret is None:
        return False
    step = _matching_step(secret, text, utcnow())
    return step is not None and _use_step(user, step)


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def replace_recovery_codes(user: User, code: str) -> list[str] | None:
    """New recovery codes for a person who proves, with a current code from their app, that they hold it."""
    if not verify_app_code(user, code):  # a recovery code will not do: it would be spent for nothing
        return None
    codes = _new_recovery_codes(user)
    security_events.record(security_events.RECOVERY_CODES_REPLACED, user, actor=user)
    db.session.flush()
    return codes


def reset(user: User, *, actor: User | None) -> None:
    """Turn two-factor off for someone who has lost their app and codes, and end their sessions.

    If their role requires it, they set it up again at their next sign-in."""
    user.mfa_secret_sealed = None
    user.mfa_enabled_at = None
    user.mfa_last_used_step = None
    user.mfa_enrolment_sealed = None
    user.mfa_enrolment_started_at = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user_sessions.end_all(user, user_sessions.TWO_FACTOR_RESET)
    security_events.record(security_events.MFA_RESET, user, actor=actor)
    db.session.flush()


@dataclass(frozen=True)
class Rotation:
    """What `rotate_key` did: how many secrets it re-sealed, and the people whose secret no key opens."""

    resealed: int
    unopened: list[str]


def rotate_key() -> Rotation:
    """Re-seal every stored two-factor secret (and any being set up) under the current key
    (MFA_KEY, or SECRET_KEY), opening them with it or any of MFA_OLD_KEYS. Nothing is changed
    for a secret no key opens: that person is named, and needs `reset-two-factor`."""
    resealed, unopened = 0, []
    people = db.session.scalars(
        select(User)
        .where(or_(User.mfa_secret_sealed.is_not(None), User.mfa_enrolment_sealed.is_not(None)))
        .order_by(User.id)
    ).all()
    for person in people:
        try:
            if person.mfa_secret_sealed:
                person.mfa_secret_sealed = secrets_at_rest.reseal(person.mfa_secret_sealed)
                resealed += 1
        except secrets_at_rest.CannotUnseal:
            unopened.append(person.email)
        try:
            if person.mfa_enrolment_sealed:
                person.mfa_enrolment_sealed = secrets_at_rest.reseal(person.mfa_enrolment_sealed)
        except secrets_at_rest.CannotUnseal:
            person.mfa_enrolment_sealed = person.mfa_enrolment_started_at = None  # they start set-up again
    db.session.flush()
    return Rotation(resealed=resealed, unopened=unopened)
