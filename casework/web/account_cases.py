"""A case about a council account (Social Networking Policy 8.6): link it, and close the account because of
the case's outcome, as a step of its own on the case (separate from recording the outcome)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..services import account_cases
from ..services.cases import holds
from ..services.errors import InvalidInput, NotAllowed
from . import signed_in_person
from .cases import load_full_case
from .register_forms import CloseForCaseForm, LinkAccountForm

bp = Blueprint("account_cases", __name__)


def case_accounts_panel(case) -> dict:
    """What the case page's council accounts section shows (templates/accounts/_case_panel.html)."""
    may_link, may_close = account_cases.may_link_and_close_for(signed_in_person(), case)
    return {
        "accounts": account_cases.accounts_of(case) if holds(case, "council_accounts") else [],
        "may_link": may_link,
        "may_close": may_close,
    }


def register(app) -> None:
    app.register_blueprint(bp)
    app.add_template_global(case_accounts_panel, "council_accounts_panel")


def _forms(case, linked):
    link_form = LinkAccountForm()
    link_form.setup(account_cases.linkable_accounts(case))
    close_form = CloseForCaseForm()
    close_form.setup([a for a in linked if a.status in ("trial", "active", "disabled")])
    return link_form, close_form


@bp.route("/cases/<reference>/council-accounts", methods=["GET", "POST"])
@login_required
def manage(reference: str):
    case = load_full_case(reference)
    if not account_cases.may_link(current_user, case):
        abort(403)
    linked = account_cases.accounts_of(case)
    link_form, close_form = _forms(case, linked)
    status, form = 200, None
    if request.method == "POST":
        step = request.form.get("step")
        form = close_form if step == "close" else link_form
        if form.validate():
            try:
                if step == "close":
                    account = account_cases.close_because_of(
                        case, current_user, close_form.close_account.data, close_form.reason.data or ""
                    )
                    message = f"{account.handle} is closed because of {case.reference}."
                else:
                    account = account_cases.link(case, current_user, link_form.account.data)
                    message = f"{case.reference} is linked to {account.handle}."
            except (InvalidInput, NotAllowed) as error:
                db.session.rollback()
                account_field = form.close_account if step == "close" else form.account
                for name, text in (error.fields or {"account": error.message}).items():
                    field = account_field if name == "account" else (getattr(form, name, None) or account_field)
                    field.errors = [text]
                status = 403 if isinstance(error, NotAllowed) else 422
            else:
                db.session.commit()
                flash(message, "success")
                return redirect(url_for("account_cases.manage", reference=case.reference))
        else:
            status = 422
    return render_template(
        "accounts/case_accounts.html",
        form=form,
        case=case,
        linked=linked,
        link_form=link_form,
        close_form=close_form,
        may_close=account_cases.may_close_for(current_user, case),
        has_outcome=case.outcome is not None and case.stage in ("outcome", "appeal", "closed"),
    ), status
