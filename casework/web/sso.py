"""Single sign-on with the council's OpenID Connect provider (issue 12, item 2).

Microsoft Entra ID or any standard provider: OIDC_ISSUER, OIDC_CLIENT_ID and
OIDC_CLIENT_SECRET; the provider's endpoints and keys come from its discovery
document. Authlib does the authorisation code flow with PKCE, a state and a
nonce kept in this browser's session, and checks the ID token: signed by one
of the provider's published keys with an asymmetric algorithm (never `none`),
issued by the issuer, for this client, not expired, with our nonce.

A person is matched by the e-mail address in the ID token, and only when the
provider says the address is verified (`email_verified`, or Entra ID's
`xms_edov`). Nobody is created here: an account the council has not given a
Casework person is refused with a message. HR and administrators still give
a Casework two-factor code unless the provider says it checked a second
factor (`amr` includes `mfa`).
"""

import logging

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from joserfc.errors import JoseError

from ..extensions import db
from ..services import sign_in as sign_in_service
from ..services import two_factor
from ..services.users import find_user
from . import sessions
from .auth import safe_next

log = logging.getLogger(__name__)

bp = Blueprint("sso", __name__)

# ID tokens are accepted only when signed with one of these (public-key algorithms; never "none" or a shared secret)
ID_TOKEN_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
NEXT = "cw_sso_next"

DID_NOT_WORK = (
    "Signing in with your council account did not work. Nothing was changed. Try again, "
    "and if it keeps happening tell the IT service desk."
)
NOT_VERIFIED = (
    "Your council account does not have a verified e-mail address, so Casework cannot tell who you are. "
    "Ask the IT service desk to check your account."
)
UNKNOWN = (
    "There is no Casework account for {email}. Casework accounts come from the council's staff list: "
    "ask your manager or HR to check you are on it."
)
LEFT = "The Casework account for {email} is closed. If you have come back to the council, ask HR."

_clients: dict[tuple, object] = {}


def enabled() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER"))


def _client():
    config = current_app.config
    issuer = config["OIDC_ISSUER"].rstrip("/")
    key = (
        id(current_app._get_current_object()),
        issuer,
        config.get("OIDC_CLIENT_ID"),
        config.get("OIDC_CLIENT_SECRET"),
    )
    if key not in _clients:
        oauth = OAuth()
        oauth.init_app(current_app._get_current_object())
        _clients[key] = oauth.register(
            "council",
            client_id=config.get("OIDC_CLIENT_ID"),
            client_secret=config.get("OIDC_CLIENT_SECRET"),
            server_metadata_url=f"{issuer}/.well-known/openid-configuration",
            client_kwargs={
                "scope": "openid email profile",
                "code_challenge_method": "S256",
                "timeout": config.get("OIDC_TIMEOUT_SECONDS", 10),
            },
        )
    client = _clients[key]
    metadata = client.load_server_metadata()
    advertised = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    metadata["id_token_signing_alg_values_supported"] = [a for a in advertised if a in ID_TOKEN_ALGORITHMS]
    return client


def _callback_url() -> str:
    public = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    if public:
        return public + url_for("sso.callback")
    return url_for("sso.callback", _external=True)


def refused(message: str, status: int = 400):
    return render_template("auth/sso_refused.html", message=message), status


@bp.route("/sign-in/sso")
def start():
    """Off to the council's sign-in page, with a fresh state and nonce."""
    if not enabled():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    next_url = safe_next(request.args.get("next"))
    try:
        client = _client()
        response = client.authorize_redirect(_callback_url())
    except (AuthlibBaseError, JoseError, requests.RequestException, ValueError) as error:
        log.warning("Single sign-on could not start: %s", error)
        _clients.clear()  # read the discovery document again next time
        return refused(DID_NOT_WORK, 502)
    session[NEXT] = next_url
    return response


def _verified(claims) -> bool:
    return claims.get("email_verified") is True or claims.get("xms_edov") is True


@bp.route("/sign-in/sso/callback")
def callback():
    """Back from the provider: check everything, then sign the person in (or on to the two-factor step)."""
    if not enabled():
        abort(404)
    try:
        token = _client().authorize_access_token()
    except (AuthlibBaseError, JoseError, requests.RequestException, ValueError, KeyError, TypeError) as error:
        log.warning("Single sign-on refused: %s: %s", type(error).__name__, error)
        return refused(DID_NOT_WORK)
    claims = token.get("userinfo") or {}
    email = claims.get("email")
    if not isinstance(email, str) or not email:
        return refused(NOT_VERIFIED, 403)
    if not _verified(claims):
        return refused(NOT_VERIFIED, 403)
    user = find_user(email)
    if user is None:
        return refused(UNKNOWN.format(email=email.lower()), 403)
    if not user.active:
        return refused(LEFT.format(email=user.email), 403)
    next_url = session.get(NEXT)
    amr = claims.get("amr") or []
    provider_checked_second_factor = isinstance(amr, list) and "mfa" in amr
    if two_factor.is_required(user) and not provider_checked_second_factor:
        sessions.begin_second_step(user, next_url)
        endpoint = "two_factor.code" if two_factor.is_enrolled(user) else "two_factor.set_up"
        return redirect(url_for(endpoint))
    sessions.start(user)
    sign_in_service.signed_in(user)
    db.session.commit()
    return redirect(next_url or url_for("main.dashboard"))
