"""HR reports: the summary for a period as a page, PDF and CSV."""

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user, login_required
from markupsafe import Markup

from ..domain.policy import Role
from ..http.downloads import pdf_response
from ..services import summary as summary_service
from ..services.deadlines import london_today
from ..services.summary import Period, check_period, parse_period
from .forms import SummaryPeriodForm

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _hr_only():
    if current_user.role != Role.HR:
        abort(404)


def _period_from_form(form: SummaryPeriodForm) -> tuple[Period, dict[str, str]]:
    """The period typed in the day, month and year boxes, and errors by field ("from", "to")."""
    form.validate()
    errors = {}
    for name, field, which in (("from", form.start, "start"), ("to", form.end, "end")):
        if field.errors:
            errors[name] = field.errors[0]
        elif field.data is None:
            errors[name] = f"Enter the {which} date"
    if errors:
        return Period.last_year(), errors
    return check_period(form.start.data, form.end.data)


@bp.route("/summary")
@login_required
def summary():
    """The HR summary for the period asked for. With an error in the dates the page shows the error and
    no figures and no downloads: nothing is offered for a period other than the one asked for."""
    _hr_only()
    boxes = any(key in request.args for key in ("start", "end"))
    if boxes:
        form = SummaryPeriodForm(formdata=request.args)
        period, errors = _period_from_form(form)
    else:
        # ?from=YYYY-MM-DD&to=YYYY-MM-DD (links, the API's form of the period), or the last year
        period, errors = parse_period(request.args)
        form = SummaryPeriodForm(formdata=None)
        for field, day in ((form.start, period.start), (form.end, period.end)):
            field.data = None if errors else day
            field.raw_data = None if errors else [str(day.day), str(day.month), str(day.year)]
    form.start.errors = [errors["from"]] if "from" in errors else []
    form.end.errors = [errors["to"]] if "to" in errors else []
    form._errors = None
    data = charts = None
    if not errors:
        data = summary_service.build_summary(period)
        charts = summary_service.summary_charts(data)
        for chart in charts:
            # built from fixed labels and counts; the SVG renderer escapes text
            chart["svg"] = Markup(chart["svg"])  # noqa: S704
    return render_template(
        "reports/summary.html",
        form=form,
        summary=data,
        charts=charts,
        labels=summary_service.labels(),
        errors=errors,
        period_args=None if errors else {"from": period.start.isoformat(), "to": period.end.isoformat()},
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
