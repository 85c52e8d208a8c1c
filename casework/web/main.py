"""The landing page after sign-in."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ..domain.policy import Role
from ..services.cases import CaseFilters, list_cases, my_reports

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def dashboard():
    reports = my_reports(current_user)[:10]
    open_cases = None
    if current_user.role in (Role.MANAGER, Role.HR, Role.HEAD_OF_SERVICE):
        open_cases = list_cases(current_user, CaseFilters(), per_page=10)
    return render_template("main/dashboard.html", reports=reports, open_cases=open_cases)
