"""The register of council social media accounts and publishing rights (Social Networking Policy 7, 8.1).

Managers propose accounts and follow them; the Communications team decides,
reviews trials and closes; admin and HR keep the register and the rights to
publish. Who may do what is casework.domain.accounts.ACCOUNT_PERMISSIONS; a page
someone may not use does not exist for them (404).
"""

from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..domain import accounts as rules
from ..domain.accounts import AccountInput
from ..extensions import db
from ..services import account_training as training
from ..services import accounts as register
from ..services.account_register import register_csv
from ..services.deadlines import london_today
from ..services.errors import Conflict, InvalidInput, NotFound
from . import signed_in_person
from .base_form import CaseworkForm
from .register_forms import (
    AccountForm,
    CloseForm,
    DecisionForm,
    GrantForm,
    RevokeForm,
    StatusForm,
    TrainingForm,
    TrialReviewForm,
    UseForm,
)

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


# --- helpers -----------------------------------------------------------------


def allowed(action: str):
    """Signed in and allowed `action` on the register; anyone else is told the page does not exist."""

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not register.may(current_user, action):
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorate


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


def _back(account):
    return redirect(url_for("accounts.show", account_id=account.id))


def register_template_helpers(app) -> None:
    @app.template_global()
    def account_register_visible() -> bool:
        return current_user.is_authenticated and register.may(signed_in_person(), "view_register")

    @app.template_global()
    def council_accounts_to_attend() -> list:
        """The home page's list of what the council's accounts need from the Communications team."""
        return register.to_attend(current_user) if current_user.is_authenticated else []


# --- pages -------------------------------------------------------------------


@bp.route("")
@allowed("view_register")
def index():
    today = london_today()
    return render_template(
        "accounts/list.html",
        entries=register.list_accounts(today),
        today=today,
        review_due=rules.trial_review_due,
        may=lambda action: register.may(current_user, action),
    )


@bp.route("/register.csv")
@allowed("export")
def export_csv():
    """The register as CSV (formula-escaped, as every CSV export)."""
    response = current_app.response_class(register_csv(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="council-accounts-{london_today()}.csv"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/new", methods=["GET", "POST"])
@allowed("propose")
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
            **{name: getattr(form, name).data or "" for name in rules.BRIEF_FIELDS},
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
            flash(
                f"{account.handle} added to the register as proposed. The Communications team will approve or "
                "refuse it.",
                "success",
            )
            return _back(account)
    return render_template("accounts/new.html", form=form)


@bp.route("/<int:account_id>")
@allowed("view_register")
def show(account_id: int):
    account = load_account(account_id)
    today = london_today()
    manages_rights = register.may(current_user, "manage_rights")
    rights = register.rights_on(account) if manages_rights else []
    latest = {right.user_id: training.latest_training(right.user) for right in rights}
    return render_template(
        "accounts/show.html",
        account=account,
        rights=rights,
        manages_rights=manages_rights,
        next_statuses=rules.next_statuses(account.status) if register.may(current_user, "close") else {},
        may_grant=manages_rights and account.status not in rules.CLOSED_ACCOUNT_STATUSES,
        may_decide=account.status == "proposed" and register.may(current_user, "decide"),
        may_review=account.status == "trial" and register.may(current_user, "review_trial"),
        may_close=account.status in rules.CLOSABLE_STATUSES and register.may(current_user, "close"),
        may_record_use=account.status in rules.IN_USE_STATUSES and register.may(current_user, "record_use"),
        removal_reason=register.removal_reason(account, today),
        refresher_due={user_id: record.refresher_due_on if record else None for user_id, record in latest.items()},
        today=today,
        review_due=rules.trial_review_due,
    )


def _decision_step(account_id, form_class, template, service_call, success, *, status_needed):
    account = load_account(account_id)
    if account.status != status_needed:
        flash(
            f"{account.handle} is {rules.ACCOUNT_STATUSES[account.status].lower()}: there is nothing to do here.",
            "info",
        )
        return _back(account)
    form = form_class(from_status=account.status)
    if form.validate_on_submit():
        try:
            service_call(account, form)
        except InvalidInput as error:
            db.session.rollback()
            show_errors(form, error.fields, fallback="decision")
        except Conflict as error:
            db.session.rollback()
            flash(error.message, "error")
            return _back(account)
        else:
            db.session.commit()
            flash(success(account), "success")
            return _back(account)
    return render_template(template, account=account, form=form, today=london_today())


@bp.route("/<int:account_id>/decision", methods=["GET", "POST"])
@allowed("decide")
def decide(account_id: int):
    """7.3: approve (start the trial) or refuse a proposal, with reasons."""
    return _decision_step(
        account_id,
        DecisionForm,
        "accounts/decision.html",
        lambda account, form: register.decide(
            account, current_user, form.decision.data or "", form.reason.data or "", from_status=form.from_status.data
        ),
        lambda account: (
            f"{account.handle} is approved: its trial runs to {account.trial_ends_on:%d %B %Y}."
            if account.status == "trial"
            else f"The proposal of {account.handle} is refused."
        ),
        status_needed="proposed",
    )


@bp.route("/<int:account_id>/trial-review", methods=["GET", "POST"])
@allowed("review_trial")
def trial_review(account_id: int):
    """7.4: keep the account after its trial, or close it."""
    return _decision_step(
        account_id,
        TrialReviewForm,
        "accounts/trial_review.html",
        lambda account, form: register.review_trial(
            account, current_user, form.decision.data or "", form.note.data or "", from_status=form.from_status.data
        ),
        lambda account: (
            f"{account.handle} is kept: it is now active."
            if account.status == "active"
            else f"{account.handle} is closed after its trial."
        ),
        status_needed="trial",
    )


@bp.route("/<int:account_id>/close", methods=["GET", "POST"])
@allowed("close")
def close(account_id: int):
    """7.5: close (remove) an account: unused, of no benefit, or never approved."""
    account = load_account(account_id)
    if account.status not in rules.CLOSABLE_STATUSES:
        flash(f"A {rules.ACCOUNT_STATUSES[account.status].lower()} account cannot be closed.", "info")
        return _back(account)
    form = CloseForm(from_status=account.status)
    if form.validate_on_submit():
        try:
            register.close_account(account, current_user, form.reason.data or "", from_status=form.from_status.data)
        except InvalidInput as error:
            db.session.rollback()
            show_errors(form, error.fields, fallback="reason")
        except Conflict as error:
            db.session.rollback()
            flash(error.message, "error")
            return _back(account)
        else:
            db.session.commit()
            flash(f"{account.handle} is closed: no one may publish on it.", "success")
            return _back(account)
    return render_template(
        "accounts/close.html", account=account, form=form, removal_reason=register.removal_reason(account)
    )


@bp.route("/<int:account_id>/use", methods=["GET", "POST"])
@allowed("record_use")
def record_use(account_id: int):
    """7.5: the last day the account was used."""
    account = load_account(account_id)
    if account.status not in rules.IN_USE_STATUSES:
        flash("Use is recorded only for accounts on trial or active.", "info")
        return _back(account)
    form = UseForm()
    if request.method == "POST":
        form_ok = form.validate()
        try:
            if not form_ok:
                raise InvalidInput("The date has errors", {})
            register.record_use(account, current_user, form.used_on.data)
        except InvalidInput as error:
            db.session.rollback()
            show_errors(form, error.fields, fallback="used_on")
        else:
            db.session.commit()
            flash(f"{account.handle} was last used on {form.used_on.data:%d %B %Y}.", "success")
            return _back(account)
    return render_template("accounts/use.html", account=account, form=form)


@bp.route("/<int:account_id>/status", methods=["GET", "POST"])
@allowed("close")
def change_status(account_id: int):
    account = load_account(account_id)
    if account.status == "proposed":
        return redirect(url_for("accounts.decide", account_id=account.id))
    choices = rules.next_statuses(account.status)
    if not choices:
        flash(f"A {rules.ACCOUNT_STATUSES[account.status].lower()} account cannot change status.", "info")
        return _back(account)
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
            return _back(account)
        else:
            db.session.commit()
            flash(f"{account.handle} is now {rules.ACCOUNT_STATUSES[account.status].lower()}.", "success")
            return _back(account)
    return render_template("accounts/status.html", account=account, form=form)


@bp.route("/<int:account_id>/rights/new", methods=["GET", "POST"])
@allowed("manage_rights")
def grant(account_id: int):
    account = load_account(account_id)
    if account.status in rules.CLOSED_ACCOUNT_STATUSES:
        flash(f"No one can be given a right to publish on a {account.status} account.", "info")
        return _back(account)
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
            return _back(account)
        else:
            db.session.commit()
            flash(f"{right.user.name} can now publish on {account.handle}.", "success")
            return _back(account)
    return render_template("accounts/grant.html", account=account, form=form)


@bp.route("/<int:account_id>/rights/<int:right_id>/revoke", methods=["GET", "POST"])
@allowed("manage_rights")
def revoke(account_id: int, right_id: int):
    account = load_account(account_id)
    try:
        right = register.get_right(account, right_id)
    except NotFound:
        abort(404)
    if right.status == "revoked":
        flash(f"{right.user.name}'s right to publish on {account.handle} is already revoked.", "info")
        return _back(account)
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
        return _back(account)
    return render_template("accounts/revoke.html", account=account, right=right, form=form)


# --- training (8.1) ----------------------------------------------------------


@bp.route("/training")
@allowed("record_training")
def training_list():
    return render_template(
        "accounts/training.html",
        statuses=training.publishers_training(),
        valid_months=current_app.config["TRAINING_VALID_MONTHS"],
    )


@bp.route("/training/new", methods=["GET", "POST"])
@allowed("record_training")
def training_new():
    form = TrainingForm()
    form.setup(register.staff_directory())
    if request.method == "POST":
        form_ok = form.validate()
        try:
            if not form_ok:
                raise InvalidInput(
                    "The training record has errors",
                    training.training_errors(
                        form.person.data or "", form.trained_on.data, form.note.data or "", today=london_today()
                    ),
                )
            record = training.record_training(
                current_user, form.person.data or "", form.trained_on.data, form.note.data or ""
            )
        except InvalidInput as error:
            db.session.rollback()
            show_errors(form, error.fields, fallback="person")
        else:
            db.session.commit()
            flash(
                f"{record.user.name}'s training on {record.trained_on:%d %B %Y} is recorded. A refresher is due by "
                f"{record.refresher_due_on:%d %B %Y}.",
                "success",
            )
            return redirect(url_for("accounts.training_list"))
    return render_template("accounts/training_new.html", form=form)
