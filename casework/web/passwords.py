"""Setting a password from an e-mailed link, and "Forgotten your password?" (issue 12, item 3)."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from casework.web.base_form import CaseworkForm

from ..extensions import db, limiter
from ..http import limits
from ..services import password_links
from ..services.errors import InvalidInput, NotAllowed
from . import sessions

bp = Blueprint("passwords", __name__)

# The same answer whether or not the address has an account
RESET_SENT = (
    "If {email} is the address of a Casework account, we have sent it a link to reset the password. "
    "The link works once, for {hours} hours. If nothing arrives, check the address and your junk mail, "
    "or ask your administrator."
)


class ForgottenPasswordForm(CaseworkForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter your email address"), Length(max=254)],
    )
    submit = SubmitField("Send me a link", widget=GovSubmitInput())


class NewPasswordForm(CaseworkForm):
    new_password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="At least 12 characters. A few unrelated words make a good password. "
        "Common passwords are not accepted.",
        validators=[InputRequired(message="Enter a new password"), Length(max=1000)],
    )
    confirm_password = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your new password again"), Length(max=1000)],
    )
    submit = SubmitField("Set password", widget=GovSubmitInput())


def link_problem(message: str):
    return render_template("error.html", heading="This link cannot be used", message=message), 410


@bp.route("/forgotten-password", methods=["GET", "POST"])
@limiter.limit(limits.setting("FORGOTTEN_PASSWORD_LIMITS"), key_func=limits.client_address, methods=["POST"])
def forgotten_password():
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        email = form.email.data.strip()
        password_links.request_reset(email)
        db.session.commit()
        hours = current_app.config["PASSWORD_LINK_HOURS"]
        return render_template("auth/reset_sent.html", message=RESET_SENT.format(email=email, hours=hours), form=None)
    return render_template("auth/forgotten_password.html", form=form), (422 if form.errors else 200)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@limiter.limit(limits.setting("SIGN_IN_LIMITS_PER_ADDRESS"), key_func=limits.client_address, methods=["POST"])
def set_password(token: str):
    """A link from an invitation or reset e-mail: choose a password, then sign in with it."""
    found = password_links.check(token)
    if found.problem:
        return link_problem(found.problem)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            person = password_links.set_password_with(token, form.new_password.data, form.confirm_password.data)
        except NotAllowed as error:
            db.session.rollback()
            return link_problem(error.message)
        except InvalidInput as error:
            db.session.rollback()
            for name, message in error.fields.items():
                getattr(form, name, form.new_password).errors = [message]
        else:
            db.session.commit()
            if current_user.is_authenticated:
                sessions.end()
            flash(f"Your password is set. Sign in with {person.email} and your new password.", "success")
            return redirect(url_for("auth.sign_in"))
    return (
        render_template("auth/set_password.html", form=form, token=token, person=found.link.user, link=found.link),
        422 if form.errors else 200,
    )
