"""HR reports: the summary for a period as a page, PDF and CSV."""

from datetime import date

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user, login_required
from markupsafe import Markup

from ..domain.policy import Role
from ..services import summary as summary_service
from ..services.deadlines import london_today
from .downloads import pdf_response

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _hr_only():
    if current_user.role != Role.HR:
        abort(404)


def parse_period(args) -> tuple[summary_service.Period, dict[str, str]]:
    """The period from ?from=YYYY-MM-DD&to=YYYY-MM-DD; the last year when absent. Errors by field."""
    default = summary_service.Period.last_year()
    errors = {}
    values = {}
    for name, fallback in (("from", default.start), ("to", default.end)):
        raw = (args.get(name) or "").strip()
        if not raw:
            values[name] = fallback
            continue
        try:
            values[name] = date.fromisoformat(raw)
        except ValueError:
            errors[name] = (
                f"Enter the {'start' if name == 'from' else 'end'} date as YYYY-MM-DD, for example 2026-04-01"
            )
            values[name] = fallback
    if not errors and values["from"] > values["to"]:
        errors["to"] = "The end date must be the same as or after the start date"
    if not errors and (values["to"] - values["from"]).days > 366 * 10:
        errors["from"] = "Choose a period of ten years or less"
    period = summary_service.Period(values["from"], values["to"]) if not errors else default
    return period, errors


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
