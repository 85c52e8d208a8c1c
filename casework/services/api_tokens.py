"""A person's own API tokens: made, listed and revoked (issue 6, Security 3).

A token is shown once, when it is made; only its SHA-256 is kept. It expires
(API_TOKEN_DAYS by default) and can be revoked at any time; a revoked or
expired token stays listed, so the person can see what existed.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import ApiToken, User, utcnow
from . import security_events
from .errors import InvalidInput, NotFound
from .users import _token_hash, issue_api_token

LABEL_MAX = 100


@dataclass(frozen=True)
class NewToken:
    token: str  # the secret, shown once
    row: ApiToken


def status(token: ApiToken, now: datetime | None = None) -> str:
    """ "revoked", "expired" or "active"."""
    now = now or utcnow()
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


def create(
    user: User, *, label: str | None, days: int | None, actor: User | None, longest: int | None = None
) -> NewToken:
    """A new token for `user`, named `label`, that expires in `days` days (at most `longest`,
    API_TOKEN_MAX_DAYS unless given)."""
    config = current_app.config
    label = (label or "").strip()
    days = config["API_TOKEN_DAYS"] if days is None else days
    longest = longest or config.get("API_TOKEN_MAX_DAYS", 365)
    errors = {}
    if not label:
        errors["label"] = "Enter a name for the token, such as the system that will use it"
    elif len(label) > LABEL_MAX or any(ord(c) < 32 for c in label):
        errors["label"] = f"Name must be {LABEL_MAX} characters or fewer, on one line"
    if not isinstance(days, int) or not 1 <= days <= longest:
        errors["days"] = f"Days until it expires must be a whole number from 1 to {longest}"
    if errors:
        raise InvalidInput("; ".join(errors.values()), errors)
    token = issue_api_token(user, days=days, label=label)
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    security_events.record(
        security_events.API_TOKEN_CREATED,
        user,
        actor=actor,
        token_id=row.id,
        label=label,
        expires_at=row.expires_at.isoformat(),
    )
    db.session.flush()
    return NewToken(token=token, row=row)


def tokens_of(user: User) -> list[ApiToken]:
    """Every token the person has had, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke(user: User, token_id: int, *, actor: User | None) -> ApiToken:
    """Stop one of `user`'s tokens working, at once. Another person's token is not found."""
    row = db.session.get(ApiToken, token_id) if 0 < token_id < 2**31 else None
    if row is None or row.user_id != user.id:
        raise NotFound("No such API token")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        security_events.record(security_events.API_TOKEN_REVOKED, user, actor=actor, token_id=row.id, label=row.label)
        db.session.flush()
    return row
