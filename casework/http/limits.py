"""Rate limits (issue 6, Security 1): who is counted, and the page shown when they are over.

Sign-in is limited per client address and per account (the e-mail typed,
whether or not it has an account), the two-factor step per person, changing
a password per person, and the API per token and per address. The limits
are settings (SIGN_IN_LIMITS_PER_ADDRESS, ...); RATELIMIT_ENABLED false, read
on each request, lifts them all. Behind a reverse proxy the client address
is only right when TRUST_PROXY says how many proxies to believe.
"""

import hashlib

from flask import current_app, render_template, request, session
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..extensions import limiter
from ..services.sign_in import address_key

PENDING_USER = "cw_pending_user"  # the session key of a sign-in waiting for its second step


def _digest(text: str) -> str:
    """Keys are digests: the rate-limit store (Redis, perhaps) never holds an e-mail address or a token."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def setting(name: str):
    """A limit read from the settings on each request, so it can change without a restart."""
    return lambda: current_app.config[name]


def client_address() -> str:
    return "address:" + (get_remote_address() or "unknown")


def account_typed() -> str:
    """The account a sign-in attempt is for: the e-mail address typed, known or not, as the same
    keyed hash the lockout counts under (the store and its log never see the address)."""
    return "account:" + address_key(request.form.get("email", ""))[:32]


def person_signing_in() -> str:
    """The person between the password and the code."""
    return f"signing-in:{session.get(PENDING_USER, 'none')}"


def person_signed_in() -> str:
    return f"person:{current_user.get_id() if current_user.is_authenticated else 'none'}"


def api_token() -> str:
    _, _, token = request.headers.get("Authorization", "").partition(" ")
    return "token:" + _digest(token.strip()[:512])


@limiter.request_filter
def _limits_lifted() -> bool:
    return not current_app.config.get("RATELIMIT_ENABLED", True)


def too_many_requests(error):
    """The GOV.UK page for HTTP 429 (the API answers JSON instead: casework.api.errors)."""
    return render_template(
        "error.html",
        heading="Sorry, there have been too many attempts",
        message="To keep accounts safe there is a limit on how often this can be tried. "
        "Wait a few minutes, then try again.",
    ), 429
