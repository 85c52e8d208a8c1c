"""The landing page after sign-in, and in-app notifications."""

import re

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..services import dashboard as dashboard_service
from ..services import leavers
from ..services.cases import my_reports
from ..services.deadlines import london_today
from .forms import ConfirmReadForm

bp = Blueprint("main", __name__)

CASE_REFERENCE = re.compile(r"\bSMC-\d{4}-\d+\b")


def message_parts(message: str) -> list[tuple[str, bool]]:
    """A notice as its pieces of text, each with whether it is a case reference: the page lets the rest wrap
    anywhere (a setting's name is one long word) but keeps a reference on one line."""
    parts, start = [], 0
    for found in CASE_REFERENCE.finditer(message or ""):
        parts += [(message[start : found.start()], False), (found.group(0), True)]
        start = found.end()
    parts.append(((message or "")[start:], False))
    return [(text, is_reference) for text, is_reference in parts if text]


@bp.route("/")
@login_required
def dashboard():
    return render_template(
        "main/dashboard.html",
        reports=my_reports(current_user, limit=10),
        overdue=dashboard_service.overdue_cases(current_user),
        mine=dashboard_service.my_open_cases(current_user),
        awaiting=dashboard_service.awaiting_owner(current_user),
        reviews=dashboard_service.suspensions_to_review(current_user),
        to_acknowledge=dashboard_service.contractor_cases_to_acknowledge(current_user),
        leavers=leavers.leavers_with_open_cases() if current_user.role == "hr" else [],
        today=london_today(),
    )


@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def notifications():
    form = ConfirmReadForm()
    if form.validate_on_submit():
        dashboard_service.mark_all_read(current_user)
        db.session.commit()
        flash("All notifications marked as read.", "success")
        return redirect(url_for("main.notifications"))
    return render_template(
        "main/notifications.html",
        items=dashboard_service.notifications(current_user),
        form=form,
        message_parts=message_parts,
    )
