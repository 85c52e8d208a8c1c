"""The register of council social media accounts and publishing rights (admin and HR only)."""

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice

from ..domain import accounts as rules
from ..domain.accounts import AccountInput
from ..domain.policy import PLATFORMS
from ..extensions import db
from ..services import accounts as register
from ..services.deadlines import london_today
from ..services.errors import Conflict, InvalidInput, NotFound
from .base_form import CaseworkForm
from .forms import GovDateField

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


# --- forms -------------------------------------------------------------------


class AccountForm(CaseworkForm):
    platform = SelectField(
        "Platform",
        widget=GovSelect(),
        choices=[SelectChoice("", "Choose a platform")] + [SelectChoice(c, label) for c, label in PLATFORMS.items()],
        validate_choice=False,
    )
    handle = StringField(
        "Name or handle of the account",
        widget=GovTextInput(),
        description="For example, @DemoBoroughParks",
    )
    url = StringField(
        "Web address (optional)",
        widget=GovTextInput(),
        description="For example, https://www.facebook.com/…",
    )
    department_id = SelectField("Department that runs it", widget=GovSelect(), validate_choice=False)
    submit = SubmitField("Add account", widget=GovSubmitInput())

    def setup(self, departments):
        self.department_id.choices = [SelectChoice("", "Choose a department")] + [
            SelectChoice(str(d.id), d.name) for d in departments
        ]


class StatusForm(CaseworkForm):
    from_status = HiddenField()
    status = RadioField(
        "What should happen to the account?",
        widget=GovRadioInput(),
        validate_choice=False,
        description="Removing an account revokes everyone's right to publish on it.",
    )
    submit = SubmitField("Change status", widget=GovSubmitInput())


class GrantForm(CaseworkForm):
    person = SelectField("Who may publish on this account?", widget=GovSelect(), validate_choice=False)
    trained_on = GovDateField(
        "When were they trained by the Communications team?",
        invalid_message="Date of training must be a real date",
        description=(
            "Social Networking Policy 8.1: no one publishes for the council before training. For example, 27 3 2026"
        ),
    )
    submit = SubmitField("Give the right to publish", widget=GovSubmitInput())

    def setup(self, people):
        self.person.choices = [SelectChoice("", "Choose a person")] + [
            SelectChoice(p.email, f"{p.name} ({p.email})") for p in people
        ]


class RevokeForm(CaseworkForm):
    submit = SubmitField("Revoke the right to publish", widget=GovSubmitInput())


# --- helpers -----------------------------------------------------------------


def register_keepers_only(view):
    """Signed in as admin or HR; anyone else is told the page does not exist."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not rules.may_keep_register(current_user.role):
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def load_account(account_id: int):
    try:
        return register.get_account(account_id)
    except NotFound:
        abort(404)


def show_errors(form: CaseworkForm, fields: dict[str, str], *, fallback: str) -> None:
    """Put the service's messages on the form's fields (the first field for anything else)."""
    for name, message in fields.items():
        field = getattr(form, name, None) or getattr(form, fallback)
        if not field.errors:
            field.errors = [message]


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- pages -------------------------------------------------------------------


@bp.route("")
@register_keepers_only
def index():
    return render_template(
        "accounts/list.html",
        entries=register.list_accounts(),
        today=london_today(),
        review_due=rules.trial_review_due,
    )


@bp.route("/new", methods=["GET", "POST"])
@register_keepers_only
def new():
    form = AccountForm()
    form.setup(register.departments())
    if request.method == "POST":
        form_ok = form.validate()
        account_input = AccountInput(
            platform=form.platform.data or "",
            handle=form.handle.data or "",
            url=form.url.data or "",
            department_id=_int_or_none(form.department_id.data),
        )
        try:
            if not form_ok:
                raise InvalidInput("The account has errors", register.account_errors(account_input))
            account = register.add_account(current_user, account_input)
        except InvalidInput as error:
            db.session.rollback()
            show_errors(form, error.fields, fallback="handle")
        else:
            db.session.commit()
            flash(f"{account.handle} added to the register as proposed.", "success")
            return redirect(url_for("accounts.show", account_id=account.id))
    return render_template("accounts/new.html", form=form)


@bp.route("/<int:account_id>")
@register_keepers_only
def show(account_id: int):
    account = load_account(account_id)
    return render_template(
        "accounts/show.html",
        account=account,
        rights=register.rights_on(account),
        next_statuses=rules.next_statuses(account.status),
        may_grant=account.status not in rules.CLOSED_ACCOUNT_STATUSES,
        today=london_today(),
        review_due=rules.trial_review_due,
    )


@bp.route("/<int:account_id>/status", methods=["GET", "POST"])
@register_keepers_only
def change_status(account_id: int):
    account = load_account(account_id)
    choices = rules.next_statuses(account.status)
    if not choices:
        flash("A removed account cannot change status.", "info")
        return redirect(url_for("accounts.show", account_id=account.id))
    form = StatusForm(from_status=account.status)
    form.status.choices = [SelectChoice(code, label) for code, label in choices.items()]
    if form.validate_on_submit():
        try:
            register.change_status(account, current_user, form.status.data or "", from_status=form.from_status.data)
        except InvalidInput as error:
            db.session.rollback()
            form.status.errors = [error.fields.get("status", error.message)]
        except Conflict as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("accounts.show", account_id=account_id))
        else:
            db.session.commit()
            flash(f"{account.handle} is now {rules.ACCOUNT_STATUSES[account.status].lower()}.", "success")
            return redirect(url_for("accounts.show", account_id=account.id))
    return render_template("accounts/status.html", account=account, form=form)


@bp.route("/<int:account_id>/rights/new", methods=["GET", "POST"])
@register_keepers_only
def grant(account_id: int):
    account = load_account(account_id)
    if account.status in rules.CLOSED_ACCOUNT_STATUSES:
        flash(f"No one can be given a right to publish on a {account.status} account.", "info")
        return redirect(url_for("accounts.show", account_id=account.id))
    form = GrantForm()
    form.setup(register.people_who_may_be_given_a_right(account))
    if request.method == "POST":
        form_ok = form.validate()
        try:
            if not form_ok:
                raise InvalidInput(
                    "The right to publish has errors",
                    register.grant_errors(account, form.person.data or "", form.trained_on.data),
                )
            right = register.grant_right(account, current_user, form.person.data or "", form.trained_on.data)
        except InvalidInput as error:
            db.session.rollback()
            show_errors(form, error.fields, fallback="person")
        except Conflict as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("accounts.show", account_id=account_id))
        else:
            db.session.commit()
            flash(f"{right.user.name} can now publish on {account.handle}.", "success")
            return redirect(url_for("accounts.show", account_id=account.id))
    return render_template("accounts/grant.html", account=account, form=form)


@bp.route("/<int:account_id>/rights/<int:right_id>/revoke", methods=["GET", "POST"])
@register_keepers_only
def revoke(account_id: int, right_id: int):
    account = load_account(account_id)
    try:
        right = register.get_right(account, right_id)
    except NotFound:
        abort(404)
    if right.status == "revoked":
        flash(f"{right.user.name}'s right to publish on {account.handle} is already revoked.", "info")
        return redirect(url_for("accounts.show", account_id=account.id))
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            register.revoke_right(right, current_user)
        except (InvalidInput, Conflict) as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(f"{right.user.name} can no longer publish on {account.handle}.", "success")
        return redirect(url_for("accounts.show", account_id=account.id))
    return render_template("accounts/revoke.html", account=account, right=right, form=form)
