"""Invitations and password resets by e-mail (issue 12, item 3), for councils without single sign-on.

An administrator adds a person (or presses "Send an invitation", or runs
`flask casework invite EMAIL`) and Casework e-mails them a link to set their
password. "Forgotten your password?" on the sign-in page e-mails a reset
link, and says the same whatever the address. Either link:

- works once, for PASSWORD_LINK_HOURS (24) hours;
- stops working when a newer link is sent, when the person signs out
  everywhere, and when they leave;
- is stored only as its SHA-256, so the database never holds a usable link.

The e-mail goes through the outbox in the same transaction (casework.services.notify).
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import select, update

from ..extensions import db
from ..models import OutboxEmail, PasswordLink, User, utcnow
from . import sign_in
from .admin_events import person_label, record_admin_event
from .errors import InvalidInput, NotAllowed
from .users import find_user

log = logging.getLogger(__name__)

INVITATION = "invitation"
RESET = "reset"

USED = "This link has already been used. If you need to set your password again, ask for a new link."
REPLACED = "A newer link has been sent since this one. Use the link in the latest e-mail."
EXPIRED = "This link has expired. Ask for a new one."
CANCELLED = "This link no longer works because you signed out everywhere or your account changed. Ask for a new one."
UNKNOWN = "This link is not valid. Check you copied the whole link from the e-mail, or ask for a new one."


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def public_url() -> str:
    """Where Casework is, for links in e-mails: PUBLIC_URL.

    Without it, only a request to this machine itself (the demo on localhost)
    gives its own address: a link is never built from the Host header some
    other client sent, or a reset e-mail could point at someone else's site."""
    configured = (current_app.config.get("PUBLIC_URL") or "").strip().rstrip("/")
    if configured:
        return configured
    if has_request_context() and (request.host.rsplit(":", 1)[0] in ("localhost", "127.0.0.1", "[::1]")):
        return request.url_root.rstrip("/")
    raise InvalidInput(
        "Set PUBLIC_URL (the address people use to reach Casework) so that e-mailed links work",
        {"public_url": "Set PUBLIC_URL"},
    )


def cancel_all(person: User) -> int:
    """Every unused link of `person` stops working (a newer link, signing out everywhere, leaving)."""
    return db.session.execute(
        update(PasswordLink)
        .where(PasswordLink.user_id == person.id, PasswordLink.used_at.is_(None), PasswordLink.cancelled_at.is_(None))
        .values(cancelled_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount


def _issue(person: User, purpose: str, *, actor: User | None) -> str:
    base = public_url()
    cancel_all(person)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    hours = current_app.config["PASSWORD_LINK_HOURS"]
    link = PasswordLink(
        user_id=person.id,
        purpose=purpose,
        token_hash=_hash(token),
        created_at=now,
        expires_at=now + timedelta(hours=hours),
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(link)
    url = f"{base}/set-password/{token}"
    council, service = current_app.config["COUNCIL_NAME"], current_app.config["SERVICE_NAME"]
    if purpose == INVITATION:
        subject = f"{service}: set your password"
        body = (
            f"Hello {person.name},\n\n"
            f"You have been given an account on {service}, {council}'s system for reports under its social media "
            f"policy. Set your password with this link within {hours} hours:\n\n{url}\n\n"
            "The link works once. If you were not expecting this e-mail, you can ignore it.\n"
        )
    else:
        subject = f"{service}: reset your password"
        body = (
            f"Hello {person.name},\n\n"
            f"Someone asked to reset the password of your {service} account. To choose a new password, use this "
            f"link within {hours} hours:\n\n{url}\n\n"
            "The link works once. If you did not ask for this, you can ignore this e-mail: your password has not "
            "changed.\n"
        )
    db.session.add(OutboxEmail(to_address=person.email, subject=subject, body=body))
    db.session.flush()
    return url


def invite(person: User, *, actor: User | None) -> str:
    """E-mail `person` a link to set their password; any earlier link stops working. Audited.

    Returns the link (the command line and tests use it; pages never show it)."""
    if not person.active:
        raise NotAllowed(f"{person.name} has left: an invitation cannot be sent")
    url = _issue(person, INVITATION, actor=actor)
    record_admin_event(
        actor,
        "invitation_sent",
        "user",
        person.id,
        target=person_label(person),
        hours=current_app.config["PASSWORD_LINK_HOURS"],
    )
    return url


def request_reset(email: str) -> None:
    """ "Forgotten your password?": a reset link to an active account at that address; nothing otherwise.

    The caller answers the same either way."""
    person = find_user(email)
    if person is None or not person.active:
        return
    try:
        _issue(person, RESET, actor=None)
    except InvalidInput:
        log.error("A password reset for %s was not sent: set PUBLIC_URL", person.email)
        return
    record_admin_event(None, "password_reset_sent", "user", person.id, target=person_label(person))


@dataclass
class LinkCheck:
    link: PasswordLink | None
    problem: str | None = None


def check(token: str) -> LinkCheck:
    """Whether a link may still be used, and if not, why (in words for the person)."""
    if not token or len(token) > 100:
        return LinkCheck(None, UNKNOWN)
    link = db.session.scalar(select(PasswordLink).where(PasswordLink.token_hash == _hash(token)))
    if link is None:
        return LinkCheck(None, UNKNOWN)
    if link.used_at is not None:
        return LinkCheck(link, USED)
    if link.cancelled_at is not None:
        newer = db.session.scalar(
            select(PasswordLink.id).where(PasswordLink.user_id == link.user_id, PasswordLink.id > link.id).limit(1)
        )
        return LinkCheck(link, REPLACED if newer else CANCELLED)
    if link.expires_at <= utcnow():
        return LinkCheck(link, EXPIRED)
    if not link.user.active:
        return LinkCheck(link, CANCELLED)
    return LinkCheck(link)


def set_password_with(token: str, password: str, confirm: str) -> User:
    """Use a link: set the password (checked against the policy), once. The person's sessions end."""
    found = check(token)
    if found.problem:
        raise NotAllowed(found.problem)
    person = found.link.user
    if password != confirm:
        raise InvalidInput(sign_in.NOT_THE_SAME, {"confirm_password": sign_in.NOT_THE_SAME})
    # Single use, even when two requests race: only one can mark it used
    used = db.session.execute(
        update(PasswordLink)
        .where(PasswordLink.id == found.link.id, PasswordLink.used_at.is_(None), PasswordLink.cancelled_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if used != 1:
        raise NotAllowed(USED)
    try:
        sign_in.set_password(person, password, actor=person)
    except InvalidInput as error:
        error.fields = {"new_password": error.fields.get("password", error.message)}
        raise
    db.session.refresh(found.link)
    return person
