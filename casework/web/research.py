"""Pages for online research, RIPA authorisations and the monitoring question (Acceptable Use of Social
Media Policy 8), and the HR report of both for the senior responsible officer and IPCO inspection."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..domain import workflow
from ..domain.policy import Role
from ..domain.research import ResearchInput
from ..extensions import db
from ..services import research as research_service
from ..services import research_report
from ..services.cases import holds
from ..services.deadlines import london_today
from ..services.errors import Conflict, InvalidInput, NotAllowed, NotFound, ServiceError
from ..services.summary import parse_period
from . import signed_in_person
from .cases import load_full_case
from .research_forms import (
    ApplicationForm,
    CancellationForm,
    DecisionForm,
    MonitoringForm,
    ResearchForm,
    ReviewForm,
)

bp = Blueprint("research", __name__)


def _show_errors(form, error: ServiceError) -> None:
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [message]
        else:
            flash(message, "error")
    if not error.fields:
        flash(error.message, "error")


@bp.route("/cases/<reference>/research", methods=["GET", "POST"])
@login_required
def log(reference: str):
    """Log a look at a person's social media for this case."""
    case = load_full_case(reference)
    if not research_service.may_log(current_user, case):
        abort(403)
    form = ResearchForm()
    status = 200
    if request.method == "POST":
        form.validate()
        viewed_at, time_problem = form.viewed_at()
        given = ResearchInput(
            platform=form.platform.data or "",
            profile=form.profile.data or "",
            purpose=form.purpose.data or "",
            looked_at=form.looked_at.data or "",
            viewed_at=viewed_at,
        )
        try:
            if form.viewed_on.errors or time_problem:
                problems = research_service.rules.research_problems(given, research_service.utcnow())
                if time_problem:
                    problems["viewed_time"] = time_problem
                raise InvalidInput("Check the research entry", problems)
            logged = research_service.log_research(case, current_user, given)
        except ServiceError as error:
            db.session.rollback()
            _show_errors(form, error)
            status = 409 if isinstance(error, Conflict) else 422
            if isinstance(error, research_service.AuthorisationRequired):
                form.profile.errors = [error.message]
        else:
            db.session.commit()
            if logged.warning:
                flash(logged.warning, "warning")
            else:
                flash("Research logged.", "success")
            return redirect(url_for("cases.show", reference=reference) + "#online-research")
    return render_template("research/log.html", case=case, form=form), status


@bp.route("/cases/<reference>/authorisations/new", methods=["GET", "POST"])
@login_required
def apply(reference: str):
    """Apply for an authorisation to research one profile."""
    case = load_full_case(reference)
    if not research_service.may_apply(current_user, case):
        abort(403)
    form = ApplicationForm()
    if request.method == "GET":
        form.platform.data = request.args.get("platform") or None
        form.profile.data = (request.args.get("profile") or "")[:500] or None
    status = 200
    if request.method == "POST":
        form.validate()
        try:
            authorisation = research_service.apply(
                case,
                current_user,
                platform=form.platform.data or "",
                profile=form.profile.data or "",
                application=form.application.data or "",
                necessity=form.necessity.data or "",
                proportionality=form.proportionality.data or "",
            )
        except ServiceError as error:
            db.session.rollback()
            _show_errors(form, error)
            status = error.status
        else:
            db.session.commit()
            flash("Application sent to the authorising officers.", "success")
            return redirect(url_for("research.authorisation", authorisation_id=authorisation.id))
    return render_template("research/apply.html", case=case, form=form), status


@bp.route("/authorisations")
@login_required
def authorisations():
    """Every authorisation, for authorising officers and HR."""
    try:
        items = research_service.authorisations_for_officer(current_user)
    except NotAllowed:
        abort(404)
    today = london_today()
    return render_template(
        "research/authorisations.html",
        items=items,
        today=today,
        deadlines={item.id: research_service.deadlines(item, today) for item in items},
    )


def _load_authorisation(authorisation_id: str):
    try:
        return research_service.get_authorisation(current_user, authorisation_id)
    except NotFound:
        abort(404)


def _render_authorisation(authorisation, forms=None, status=200):
    forms = forms or {}
    officer_problem = research_service.authorising_officer_problem(current_user, authorisation)
    return render_template(
        "research/authorisation.html",
        item=authorisation,
        today=london_today(),
        deadlines=research_service.deadlines(authorisation),
        is_officer=officer_problem is None,
        officer_problem=officer_problem if research_service.is_authorising_officer(current_user) else None,
        decision_form=forms.get("decision") or DecisionForm(formdata=None),
        review_form=forms.get("review") or ReviewForm(formdata=None),
        cancellation_form=forms.get("cancellation") or CancellationForm(formdata=None),
        form=next(iter(forms.values()), None),
    ), status


@bp.route("/authorisations/<authorisation_id>")
@login_required
def authorisation(authorisation_id: str):
    item = _load_authorisation(authorisation_id)
    return _render_authorisation(item)


def _officer_post(authorisation_id: str, key: str, form, act, done: str):
    item = _load_authorisation(authorisation_id)
    form.validate()
    try:
        act(item, form)
    except ServiceError as error:
        db.session.rollback()
        if isinstance(error, (Conflict, NotAllowed)) and not error.fields:
            flash(error.message, "error")
            return redirect(url_for("research.authorisation", authorisation_id=item.id))
        _show_errors(form, error)
        db.session.refresh(item)
        return _render_authorisation(item, {key: form}, error.status)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("research.authorisation", authorisation_id=item.id))


@bp.route("/authorisations/<authorisation_id>/decision", methods=["POST"])
@login_required
def decide(authorisation_id: str):
    form = DecisionForm()

    def act(item, form):
        if form.starts_on.errors:
            raise InvalidInput("Check the decision", {"starts_on": form.starts_on.errors[0]})
        research_service.decide(
            item,
            current_user,
            decision=form.decision.data or "",
            reason=form.reason.data or "",
            starts_on=form.starts_on.data,
        )

    return _officer_post(authorisation_id, "decision", form, act, "Decision recorded.")


@bp.route("/authorisations/<authorisation_id>/review", methods=["POST"])
@login_required
def review(authorisation_id: str):
    form = ReviewForm()
    return _officer_post(
        authorisation_id,
        "review",
        form,
        lambda item, form: research_service.review(item, current_user, text=form.text.data or ""),
        "Review recorded.",
    )


@bp.route("/authorisations/<authorisation_id>/cancellation", methods=["POST"])
@login_required
def cancel(authorisation_id: str):
    form = CancellationForm()
    return _officer_post(
        authorisation_id,
        "cancellation",
        form,
        lambda item, form: research_service.cancel(item, current_user, reason=form.reason.data or ""),
        "Authorisation cancelled.",
    )


@bp.route("/cases/<reference>/monitoring-authorisation", methods=["GET", "POST"])
@login_required
def monitoring(reference: str):
    """A case found by the council's monitoring: was that monitoring authorised?"""
    case = load_full_case(reference)
    if not research_service.asks_about_monitoring(case):
        abort(404)
    if not research_service.may_apply(current_user, case):
        abort(403)
    existing = research_service.monitoring_answer(case)
    form = MonitoringForm(obj=existing) if request.method == "GET" else MonitoringForm()
    status = 200
    if request.method == "POST":
        form.validate()
        try:
            research_service.record_monitoring_answer(
                case, current_user, answer=form.answer.data or "", detail=form.detail.data or ""
            )
        except ServiceError as error:
            db.session.rollback()
            _show_errors(form, error)
            status = error.status
        else:
            db.session.commit()
            flash("Answer saved.", "success")
            return redirect(url_for("cases.show", reference=reference) + "#online-research")
    return render_template("research/monitoring.html", case=case, form=form), status


# --- the HR report --------------------------------------------------------------------


def _hr_only():
    if current_user.role != Role.HR:
        abort(404)


@bp.route("/reports/online-research")
@login_required
def report():
    """Online research and authorisations in a period, for the senior responsible officer and IPCO."""
    _hr_only()
    period, errors = parse_period(request.args)
    data = None if errors else research_report.build(period)
    return render_template(
        "research/report.html",
        report=data,
        errors=errors,
        period=period,
        today=london_today(),
        repeat_views=current_app.config["RIPA_REPEAT_VIEWS"],
        figure_labels=research_report.FIGURE_LABELS,
    ), (400 if errors else 200)


def _csv(body: str, filename: str):
    response = current_app.response_class(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/reports/online-research.csv")
@login_required
def report_research_csv():
    _hr_only()
    period, errors = parse_period(request.args)
    if errors:
        abort(400)
    data = research_report.build(period)
    return _csv(research_report.research_csv(data), f"online-research-{period.start}-to-{period.end}.csv")


@bp.route("/reports/ripa-authorisations.csv")
@login_required
def report_authorisations_csv():
    _hr_only()
    period, errors = parse_period(request.args)
    if errors:
        abort(400)
    data = research_report.build(period)
    return _csv(research_report.authorisations_csv(data), f"ripa-authorisations-{period.start}-to-{period.end}.csv")


def case_panel(case, held: set | None = None) -> dict:
    """What the case page's online research section shows (templates/research/_case_panel.html). `held`: the
    signed-in person's capacities on the case, when the page has them already."""
    asks = research_service.asks_about_monitoring(case)
    user = signed_in_person()
    if held is None:
        held = workflow.capacities(user, case)
    return {
        "research": research_service.research_of(case) if holds(case, "online_research") else [],
        "authorisations": research_service.authorisations_of(case) if holds(case, "ripa_authorisations") else [],
        "may_log": research_service.may_log(user, case, held=held),
        "may_apply": research_service.may_apply(user, case, held=held),
        "asks_monitoring": asks,
        "monitoring": research_service.monitoring_answer(case) if asks else None,
        "today": london_today(),
        "deadlines": research_service.deadlines,
    }


def register_template_helpers(app) -> None:
    from ..domain import research as research_rules

    app.add_template_global(case_panel, "research_panel")
    app.add_template_global(research_rules.state, "research_state")
    app.add_template_global(research_rules, "policy_research")
