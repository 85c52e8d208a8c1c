"""The second step of signing in: set up an authenticator app, or give its code (issue 6, Security 2).

Until this step is done the session is not signed in: it holds only who is
signing in (casework.web.sessions), so no case page opens.
"""

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_login import current_user

from ..extensions import db, limiter
from ..http import limits
from ..models import User
from ..services import sign_in as sign_in_service
from ..services import two_factor as two_factor_service
from . import sessions
from .account_forms import CodeForm, EnrolForm
from .auth import locked_message

bp = Blueprint("two_factor", __name__, url_prefix="/sign-in")

WRONG_CODE = "Enter a correct code from your authenticator app, or a recovery code you have not used"
WRONG_SET_UP_CODE = "Enter the code your authenticator app shows now. Check the time on your phone is right"
START_AGAIN = "Sign in again to continue."

rate_limited = [
    limiter.limit(limits.setting("TWO_FACTOR_LIMITS"), key_func=limits.person_signing_in, methods=["POST"]),
    limiter.limit(
        limits.setting("SIGN_IN_LIMITS_PER_ADDRESS"), key_func=limits.client_address, methods=["POST"], scope="address"
    ),
]


def limited(view):
    for limit in reversed(rate_limited):
        view = limit(view)
    return view


def _person_signing_in() -> User | None:
    user_id = sessions.pending_user_id()
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or not user.can_sign_in or sign_in_service.is_locked(user):
        return None
    return user


def _start_again():
    sessions.end()
    flash(START_AGAIN, "info")
    return redirect(url_for("auth.sign_in"))


def no_store(response):
    """Pages that show a secret are never kept by the browser or a proxy."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


def already_set_up():
    """The page of recovery codes refreshed (the form sent again) or its address opened again once
    two-factor is on: say so, and how to get new codes. None when that is not what happened."""
    if current_user.is_authenticated and two_factor_service.is_enrolled(current_user):
        return no_store(render_template("two_factor/already_set_up.html")), 409
    return None


def recovery_codes_page(codes: list[str], *, continue_to: str, first_time: bool):
    return no_store(
        render_template("two_factor/recovery_codes.html", codes=codes, continue_to=continue_to, first_time=first_time)
    )


@bp.route("/two-factor", methods=["GET", "POST"])
@limited
def code():
    """Ask for the code from the app (or a recovery code) after the password."""
    user = _person_signing_in()
    if user is None:
        return _start_again()
    if not two_factor_service.is_enrolled(user):
        return redirect(url_for("two_factor.set_up"))
    form = CodeForm()
    if form.validate_on_submit():
        how = two_factor_service.verify(user, form.code.data)
        if how is not None:
            next_url = sessions.pending_next()
            sessions.start(user)
            sign_in_service.signed_in(user)
            left = two_factor_service.recovery_codes_left(user) if how == "recovery" else None
            db.session.commit()
            if left is not None:
                flash(
                    f"You signed in with a recovery code, which cannot be used again. You have {left} left."
                    + (" Get new ones from Your account." if left <= 3 else ""),
                    "info",
                )
            return redirect(next_url or url_for("main.dashboard"))
        locked = sign_in_service.record_failure(user.email, user)
        db.session.commit()
        if locked:
            sessions.end()
            flash(locked_message(), "info")
            return redirect(url_for("auth.sign_in"))
        form.code.errors = [WRONG_CODE]
    return render_template("two_factor/code.html", form=form)


@bp.route("/set-up-two-factor", methods=["GET", "POST"])
@limited
def set_up():
    """First sign-in of someone who must use two-factor: a QR code, the secret as text, a code to confirm."""
    explained = already_set_up()
    if explained is not None:
        return explained
    user = _person_signing_in()
    if user is None:
        return _start_again()
    if two_factor_service.is_enrolled(user):
        return redirect(url_for("two_factor.code"))
    secret = two_factor_service.enrolment_secret(user)
    db.session.commit()  # the secret being set up is kept on the server, sealed, until a code confirms it
    form = EnrolForm()
    if form.validate_on_submit():
        codes = two_factor_service.enrol(user, form.code.data)
        if codes is not None:
            next_url = sessions.pending_next()
            sessions.start(user)
            sign_in_service.signed_in(user)
            db.session.commit()
            return recovery_codes_page(codes, continue_to=next_url or url_for("main.dashboard"), first_time=True)
        form.code.errors = [WRONG_SET_UP_CODE]
    uri = two_factor_service.setup_uri(user, secret)
    return no_store(
        render_template(
            "two_factor/set_up.html",
            form=form,
            qr_code=two_factor_service.qr_code_svg(uri),
            secret=two_factor_service.grouped(secret),
            issuer=two_factor_service.issuer(),
            email=user.email,
        )
    )
