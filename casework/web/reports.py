"""HR reports: the summary for a period as a page, PDF and CSV."""

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user, login_required
from markupsafe import Markup

from ..domain.policy import Role
from ..services import summary as summary_service
from ..services.deadlines import london_today
from ..services.summary import parse_period
from .downloads import pdf_response

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _hr_only():
    if current_user.role != Role.HR:
        abort(404)


@bp.route("/summary")
@login_required
def summary():
    _hr_only()
    period, errors = parse_period(request.args)
    data = summary_service.build_summary(period)
    charts = summary_service.summary_charts(data)
    for chart in charts:
        # built from fixed labels and counts; the SVG renderer escapes text
        chart["svg"] = Markup(chart["svg"])  # noqa: S704
    return render_template(
        "reports/summary.html",
        summary=data,
        charts=charts,
        labels=summary_service.labels(),
        errors=errors,
        period_args={"from": period.start.isoformat(), "to": period.end.isoformat()},
        today=london_today(),
    ), (400 if errors else 200)


@bp.route("/summary.pdf")
@login_required
def summary_pdf():
    _hr_only()
    period, errors = parse_period(request.args)
    if errors:
        abort(400)
    data = summary_service.build_summary(period)
    pdf = summary_service.summary_pdf(data, current_user, current_app.config["COUNCIL_NAME"])
    return pdf_response(pdf, f"hr-summary-{period.start}-to-{period.end}.pdf")


@bp.route("/summary.csv")
@login_required
def summary_csv():
    _hr_only()
    period, errors = parse_period(request.args)
    if errors:
        abort(400)
    data = summary_service.build_summary(period)
    response = current_app.response_class(summary_service.summary_csv(data), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="hr-summary-{period.start}-to-{period.end}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response
