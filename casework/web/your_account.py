"""Your account: password, two-factor recovery codes, API tokens, where you are signed in, signing out everywhere."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, logout_user

from ..extensions import db, limiter
from ..http import limits
from ..models import utcnow
from ..services import api_tokens as token_service
from ..services import sign_in as sign_in_service
from ..services import two_factor as two_factor_service
from ..services import user_sessions
from ..services.errors import InvalidInput, NotFound
from . import sessions
from .account_forms import ChangePasswordForm, ConfirmForm, NewRecoveryCodesForm, NewTokenForm
from .two_factor import no_store, recovery_codes_page

bp = Blueprint("your_account", __name__, url_prefix="/your-account")


def _show_errors(form, error: InvalidInput) -> None:
    """Put the service's messages on the form's fields (or the first field, for one without a field)."""
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is None:
            field = next(iter(form))
        field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]


@bp.route("")
@login_required
def index():
    user = current_user
    return render_template(
        "your_account/index.html",
        two_factor_on=two_factor_service.is_enrolled(user),
        two_factor_required=two_factor_service.is_required(user),
        recovery_codes_left=two_factor_service.recovery_codes_left(user),
        active_tokens=sum(token_service.status(t) == "active" for t in token_service.tokens_of(user)),
        live_sessions=len(user_sessions.live_sessions(user)),
        form=None,
        sign_out_form=ConfirmForm(),
    )


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limiter.limit(limits.setting("PASSWORD_CHANGE_LIMITS"), key_func=limits.person_signed_in, methods=["POST"])
def password():
    """Change your own password: the current one, then the new one twice. Your other sessions end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            sign_in_service.change_own_password(
                current_user,
                current=form.current_password.data,
                new=form.new_password.data,
                confirm=form.confirm_password.data,
            )
        except InvalidInput as error:
            db.session.rollback()
            _show_errors(form, error)
        else:
            sessions.start(current_user)  # every session ended with the old password; this browser gets a new one
            db.session.commit()
            flash("Your password has been changed. You have been signed out on your other devices.", "success")
            return redirect(url_for("your_account.index"))
    return render_template(
        "your_account/password.html", form=form, min_length=current_app.config["PASSWORD_MIN_LENGTH"]
    )


@bp.route("/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    """End every session of yours, on every device, this one too."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    sign_in_service.sign_out_everywhere(current_user, actor=current_user)
    sessions.end(user_sessions.SIGNED_OUT_EVERYWHERE)
    db.session.commit()
    logout_user()
    flash("You have been signed out on every device, including this one.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/sessions")
@login_required
def signed_in_sessions():
    """Where you are signed in: each session's browser, when it started and was last used; end any of them."""
    this = sessions.current_record()
    rows = [
        (record, user_sessions.browser_label(record.user_agent), this is not None and record.id == this.id)
        for record in user_sessions.live_sessions(current_user)
    ]
    return render_template("your_account/sessions.html", rows=rows, end_form=ConfirmForm())


@bp.route("/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id: int):
    """End one of your sessions: that browser is signed out at its next request (this one at once)."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    this = sessions.current_record()
    try:
        record = user_sessions.end_one(current_user, session_id)
    except NotFound:
        abort(404)
    if this is not None and record.id == this.id:
        sessions.end(user_sessions.ENDED_BY_PERSON)
        db.session.commit()
        logout_user()
        flash("You have signed out.", "success")
        return redirect(url_for("auth.sign_in"))
    db.session.commit()
    flash(f"Session ended: {user_sessions.browser_label(record.user_agent)} is signed out.", "success")
    return redirect(url_for("your_account.signed_in_sessions"))


@bp.route("/recovery-codes", methods=["GET", "POST"])
@login_required
@limiter.limit(limits.setting("TWO_FACTOR_LIMITS"), key_func=limits.person_signed_in, methods=["POST"])
def recovery_codes():
    """New recovery codes (the old ones stop working), for someone who shows they hold their app."""
    if not two_factor_service.is_enrolled(current_user):
        abort(404)
    form = NewRecoveryCodesForm()
    if form.validate_on_submit():
        codes = two_factor_service.replace_recovery_codes(current_user, form.code.data)
        if codes is not None:
            db.session.commit()
            return recovery_codes_page(codes, continue_to=url_for("your_account.index"), first_time=False)
        db.session.commit()  # the code step it used, if any
        form.code.errors = ["Enter the code your authenticator app shows now"]
    return render_template(
        "your_account/recovery_codes.html", form=form, left=two_factor_service.recovery_codes_left(current_user)
    )


@bp.route("/api-tokens", methods=["GET", "POST"])
@login_required
def api_tokens():
    """Your API tokens: what they are called, when made, when they expire, when last used; make a new one."""
    form = NewTokenForm()
    if not form.is_submitted():
        form.days.data = current_app.config["API_TOKEN_DAYS"]
    if form.validate_on_submit():
        try:
            new = token_service.create(current_user, label=form.label.data, days=form.days.data, actor=current_user)
        except InvalidInput as error:
            db.session.rollback()
            _show_errors(form, error)
        else:
            db.session.commit()
            return no_store(render_template("your_account/token_created.html", new=new, form=None))
    now = utcnow()
    tokens = [(token, token_service.status(token, now)) for token in token_service.tokens_of(current_user)]
    return render_template(
        "your_account/api_tokens.html",
        form=form,
        tokens=tokens,
        revoke_form=ConfirmForm(),
        longest=current_app.config.get("API_TOKEN_MAX_DAYS", 365),
    )


@bp.route("/api-tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        token = token_service.revoke(current_user, token_id, actor=current_user)
    except NotFound:
        abort(404)
    db.session.commit()
    flash(f"Token ‘{token.label or 'without a name'}’ revoked. It no longer works.", "success")
    return redirect(url_for("your_account.api_tokens"))
