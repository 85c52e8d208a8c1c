"""Sign in and sign out."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from ..extensions import db, limiter
from ..http import limits
from ..services import sign_in as sign_in_service
from ..services import two_factor
from . import sessions
from .forms import SignInForm

bp = Blueprint("auth", __name__)

SIGN_IN_FAILED = "Enter a correct email address and password"
# The same words whether or not the address has an account
LOCKED = "There have been too many attempts to sign in with this email address. Wait {minutes} minutes, then try again"


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no `//` or backslash tricks."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


def locked_message() -> str:
    return LOCKED.format(minutes=current_app.config["LOCKOUT_MINUTES"])


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(limits.setting("SIGN_IN_LIMITS_PER_ADDRESS"), key_func=limits.client_address, methods=["POST"])
@limiter.limit(
    limits.setting("SIGN_IN_LIMITS_PER_ACCOUNT"), key_func=limits.account_typed, methods=["POST"], scope="account"
)
def sign_in():
    """The password step. People who need two-factor go on to the code step, still signed out."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = SignInForm()
    if form.validate_on_submit():
        result = sign_in_service.check_password(form.email.data, form.password.data)
        db.session.commit()  # failures and locks are kept, whatever happens next
        user = result.user
        if user is not None:
            next_url = safe_next(request.args.get("next"))
            if two_factor.is_required(user):
                sessions.begin_second_step(user, next_url)
                if not two_factor.is_enrolled(user):
                    two_factor.forget_enrolment(user)  # each sign-in sets up a secret of its own
                    db.session.commit()
                endpoint = "two_factor.code" if two_factor.is_enrolled(user) else "two_factor.set_up"
                return redirect(url_for(endpoint))
            sessions.start(user)  # a fresh session on sign-in: no fixation
            sign_in_service.signed_in(user)
            db.session.commit()
            return redirect(next_url or url_for("main.dashboard"))
        form.email.errors = [locked_message() if result.locked else SIGN_IN_FAILED]
    return render_template("auth/sign_in.html", form=form, sso_enabled=bool(current_app.config.get("OIDC_ISSUER")))


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    """End this session on the server too: a copy of the cookie opens nothing afterwards."""
    sessions.end()
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))
