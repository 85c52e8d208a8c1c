"""Case pages: report, list, my reports, view, add information."""

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..domain import bundle as bundle_rules
from ..domain import permissions, workflow
from ..domain.actions import ACTIONS, RECORD_OUTCOME
from ..domain.evidence import safe_display_name
from ..domain.intake import ReportInput, report_fingerprint
from ..domain.permissions import View
from ..domain.policy import ABUSE_CATEGORIES, BREACH_CATEGORIES, REPORTER_STATUSES, STAGE_LABELS, Kind, Source
from ..domain.routing import ROUTE_HANDLERS, Scope
from ..extensions import db
from ..http.downloads import evidence_response, pdf_response
from ..models import utcnow
from ..services import bundle as bundle_service
from ..services import cases as case_service
from ..services import evidence as evidence_service
from ..services import exports, history
from ..services import workflow as workflow_service
from ..services.case_filters import DEFAULT_SORT, OWNER_CHOICES, SORT_LABELS, CaseFilters
from ..services.changes import changes_since, last_event_seq
from ..services.deadlines import case_deadlines
from ..services.errors import Conflict, InvalidInput, NotAllowed, NotFound, StaleCase
from ..services.evidence import TooLarge
from ..services.pdf_signing import SigningUnavailable
from ..services.process import settings as rule_settings
from . import action_forms, signed_in_person
from .forms import AddInformationForm, CaseSearchForm, EvidenceForm, ReportForm

bp = Blueprint("cases", __name__)

# Where a domain error about a field is shown on the report form
REPORT_FIELD_FOR_ERROR = {"subjects": "subject_1", "kind": "categories", "file": "evidence"}


# The report form's scope questions (Acceptable Use of Social Media Policy 2 and 3), breach reports only
SCOPE_FIELDS = ("scope", "person_name", "school_name", "children_at_risk", "whistleblowing")


def scope_answers(form) -> dict:
    """The scope answers that belong to the option chosen: a name typed under another option and then
    left behind (the browser still sends it) is not part of the report."""
    scope = form.scope.data or Scope.COUNCIL_STAFF
    school = scope == Scope.SCHOOL_STAFF
    return {
        "scope": scope,
        "whistleblowing": form.whistleblowing.data == "yes",
        "children_at_risk": {"yes": True, "no": False}.get(form.children_at_risk.data) if school else None,
        "person_name": (form.person_name.data or "") if scope != Scope.COUNCIL_STAFF else "",
        "school_name": (form.school_name.data or "") if school else "",
    }


def chosen_files(field) -> list:
    """The files chosen in a file input (an empty input still sends one part, with no name)."""
    return [upload for upload in (field.data or []) if getattr(upload, "filename", "")]


def add_files(case, files) -> None:
    """Store each file as evidence given by the signed-in person; the first refused one stops them all."""
    for upload in files:
        try:
            evidence_service.add_file(case, current_user, upload.stream, upload.filename, "")
        except (InvalidInput, TooLarge) as error:
            if len(files) > 1:  # say which file
                name = safe_display_name(upload.filename)
                error.fields = {key: f"{name}: {message}" for key, message in error.fields.items()}
            raise


def load_case(reference: str, options=()):
    """The case if the signed-in user may see it; 404 (never 403) otherwise."""
    try:
        return case_service.get_case_for(current_user, reference, options=options)
    except NotFound:
        abort(404)


@bp.route("/report")
@login_required
def report_choose():
    return render_template("cases/report_choose.html")


@bp.route("/report/<kind>", methods=["GET", "POST"])
@login_required
def report(kind: str):
    if kind not in (Kind.BREACH, Kind.ABUSE):
        abort(404)
    may_log = permissions.can_log_complaint(current_user)
    form = ReportForm()
    form.setup(kind=kind)
    if not may_log:
        del form.source
        del form.complainant_name
        del form.complainant_contact
    if kind != Kind.BREACH:  # online abuse of staff is HR's whoever is responsible
        for name in SCOPE_FIELDS:
            delattr(form, name)
    if request.method == "GET":
        form.submission_token.data = secrets.token_urlsafe(24)
    similar = None
    if request.method == "POST":
        form_ok = form.validate()
        report_input = ReportInput(
            kind=kind,
            source=form.source.data if may_log else Source.EMPLOYEE_REPORT,
            subjects=form.subjects,
            categories=form.categories.data or [],
            platform=form.platform.data or "",
            content_url=form.content_url.data or "",
            incident_date=form.incident_date.data,
            description=form.description.data or "",
            severity=form.severity.data or "",
            flags=form.flags.data or [],
            complainant_name=(form.complainant_name.data or "") if may_log else "",
            complainant_contact=(form.complainant_contact.data or "") if may_log else "",
            **(scope_answers(form) if kind == Kind.BREACH else {}),
        )
        try:
            if not form_ok:
                # Show every problem at once: the form's (a date that does not
                # exist) and the domain's (everything else).
                raise InvalidInput("The report has errors", case_service.report_errors(current_user, report_input))
            token = form.submission_token.data or None
            if token is not None and not case_service.SUBMISSION_TOKEN.fullmatch(token[:160]):
                token = None  # a tampered token: the report is still taken, once
            if token is not None:
                # The same form sent again with other words (Back, edit, Send) is another report
                token = f"{token[:160]}.{report_fingerprint(report_input)[:32]}"
            case, created = case_service.report_once(
                current_user, report_input, token, check_similar=request.form.get("send_anyway") != "yes"
            )
            if created:
                add_files(case, chosen_files(form.evidence))
        except case_service.SimilarReport as error:
            db.session.rollback()
            similar = error
        except (InvalidInput, TooLarge) as error:
            db.session.rollback()
            for name, message in error.fields.items():
                field = getattr(form, REPORT_FIELD_FOR_ERROR.get(name, name), None)
                if field is not None and not field.errors:
                    field.errors = [message]
        else:
            db.session.commit()
            if created and case.route:
                flash(
                    f"Report sent. Your reference is {case.reference}. "
                    f"It has been passed to {ROUTE_HANDLERS[case.route]}.",
                    "success",
                )
            elif created:
                flash(f"Report sent. Your reference is {case.reference}.", "success")
            else:
                flash(f"You have already sent this report. Its reference is {case.reference}.", "success")
            return redirect(url_for("cases.show", reference=case.reference))
    return render_template("cases/report_form.html", form=form, kind=kind, may_log=may_log, similar=similar)


@bp.route("/cases")
@login_required
def index():
    """The cases the signed-in person may see: searched, filtered and sorted by what they see of each."""
    args = request.args
    stage = args.get("stage") if args.get("stage") in STAGE_LABELS else None
    status = args.get("status") if args.get("status") in REPORTER_STATUSES else None
    kind = args.get("kind") if args.get("kind") in (Kind.BREACH, Kind.ABUSE) else None
    category = args.get("category") if args.get("category") in {**BREACH_CATEGORIES, **ABUSE_CATEGORIES} else None
    sort = args.get("sort") if args.get("sort") in SORT_LABELS else DEFAULT_SORT
    owner = args.get("owner") if args.get("owner") in OWNER_CHOICES else None
    overdue = {"true": True, "false": False}.get(args.get("overdue", ""))
    department_id = _whole_number(args.get("department"))
    form = CaseSearchForm(formdata=args if "q" in args else None)
    search = None
    if "q" in args:
        # An error (too long, not valid text) is shown on the box, and nothing is listed
        search = (form.q.data or "").strip() if form.validate() else None
    filters = CaseFilters(
        stage=stage,
        status=status,
        kind=kind,
        category=category,
        department_id=department_id,
        search=search or None,
        owner=owner,
        overdue=overdue,
    )
    per_page = current_app_config("CASES_PER_PAGE")
    # Which case of the list this page begins with, carried in the Next and Previous links (for "Cases 26 to 50")
    start = _whole_number(args.get("start")) if args.get("after") or args.get("before") else 1
    if form.errors:
        result = case_service.CasePage([], set())
    else:
        result = case_service.list_cases(
            current_user,
            filters,
            after=args.get("after"),
            before=args.get("before"),
            per_page=per_page,
            sort=sort,
            rows_only=True,
        )
    if not result.previous_before:
        start = 1
    return render_template(
        "cases/list.html",
        result=result,
        start=start,
        per_page=per_page,
        form=form,
        filters={
            "q": search or None,
            "stage": stage,
            "status": status,
            "kind": kind,
            "category": category,
            "department": department_id,
            "owner": owner,
            "overdue": None if overdue is None else ("true" if overdue else "false"),
            "sort": sort,
        },
        sort_labels=SORT_LABELS,
        owner_choices=OWNER_CHOICES,
        departments=case_service.departments(),
        now=utcnow(),
    )


# Beyond any page or id, and beyond what the database's integers hold
LARGEST_NUMBER = 2**31 - 1


def _whole_number(value: str | None) -> int | None:
    """A number from 1 up typed in the address, or None for anything else."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= LARGEST_NUMBER else None


def current_app_config(key):
    from flask import current_app

    return current_app.config[key]


@bp.route("/my-reports")
@login_required
def my_reports():
    return render_template("cases/my_reports.html", reports=case_service.my_reports(current_user))


@bp.route("/cases/<reference>")
@login_required
def show(reference: str):
    user = signed_in_person()
    try:
        view = case_service.get_case_page(user, reference)
    except NotFound:
        abort(404)
    case = view.case
    form = AddInformationForm(version=case.version, seen_event=view.last_event)
    page = render_case(case, view.level, form, notes=view.notes, events=view.events, allegations=view.allegations)
    # Logged once the page is made (and before it is sent): so what it shows was all read at one moment
    case_service.record_access(case, user, "view")
    db.session.commit()
    return page


def render_case(case, level, form, status=200, changes=None, *, notes=None, events=None, allegations=None):
    """The case page. `notes`, `events` and `allegations` are the case's plain rows (case_service.page_notes,
    page_events and page_allegations), read here when not given."""
    if notes is None:
        notes = case_service.page_notes(case)
    if level != View.FULL:
        return render_template(
            "cases/show_reporter.html", case=case, notes=notes, form=form, stale=changes is not None
        ), status
    if events is None:
        events = case_service.page_events(case)
    if allegations is None:
        allegations = case_service.page_allegations(case)
    rules = rule_settings()
    user = signed_in_person()
    held = workflow.capacities(user, case)  # worked out once for the page and its panels
    return render_template(
        "cases/show.html",
        case=case,
        notes=notes,
        allegations=allegations,
        form=form,
        changes=changes,
        held=held,
        actions=workflow.available_actions(user, case, rules, held=held),
        may_add_evidence=case.stage != "closed"
        and (bool(held & evidence_service.EVIDENCE_CAPACITIES) or permissions.can_add_own_evidence(user, case)),
        deadlines=case_deadlines(case),
        may_export=workflow.may_export_report(user, case, held=held),
        may_bundle=bundle_rules.may_download(user, case) and bundle_rules.has_hearing_or_appeal(case),
        chronology=exports.chronology(case, events),
        not_now=workflow.blocked_actions(user, case, rules, held=held),
    ), status


@bp.route("/cases/<reference>/information", methods=["POST"])
@login_required
def add_information(reference: str):
    case, level = load_case(reference)
    form = AddInformationForm()
    if form.validate_on_submit():
        files = chosen_files(form.evidence) if level != View.FULL else []  # staff use "Add evidence"
        text = form.text.data or ""
        try:
            if text.strip() or not files:
                case_service.add_information(case, current_user, text, version=_int_or_none(form.version.data))
            if files:
                if case.stage == "closed":
                    raise Conflict("The case is closed: files cannot be added")
                add_files(case, files)
        except (InvalidInput, TooLarge) as error:
            db.session.rollback()
            if "file" in error.fields:
                form.evidence.errors = [error.fields["file"]]
            else:
                form.text.errors = [error.fields.get("text", error.message)]
        except StaleCase:
            db.session.rollback()
            # What they typed stays in the form, now on the latest version; staff also see what changed
            changes = changes_since(case, _int_or_none(form.seen_event.data)) if level == View.FULL else []
            form.version.data = str(case.version)
            form.seen_event.data = str(last_event_seq(case))
            case_service.record_access(case, current_user, "view")
            db.session.commit()
            return render_case(case, level, form, 409, changes=changes)
        except Conflict as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("cases.show", reference=reference))
        else:
            db.session.commit()
            given = [what for what, done in (("Information", text.strip()), ("files", files)) if done]
            flash(f"{' and '.join(given).capitalize()} added.", "success")
            return redirect(url_for("cases.show", reference=reference))
    case_service.record_access(case, current_user, "view")
    db.session.commit()
    return render_case(case, level, form, 422)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def load_full_case(reference: str):
    """A case the user may see in full; 404 for anyone else (reporters included)."""
    case, level = load_case(reference)
    if level != View.FULL:
        abort(404)
    return case


@bp.route("/cases/<reference>/actions/<action>", methods=["GET", "POST"])
@login_required
def act(reference: str, action: str):
    case = load_full_case(reference)
    spec = ACTIONS.get(action)
    if spec is None:
        abort(404)
    form = action_forms.FORMS[spec].for_case(case)()
    context = {
        "accounts": accounts_of_subjects(case),
        "investigators": workflow_service.managers_and_hr(),
        "officers": workflow_service.possible_officers(),
        "actor_is_investigator": case.investigator_id == current_user.id,
        "actor_id": current_user.id,
    }
    form.setup(case, context)
    rules = rule_settings()
    allowed = spec in workflow.available_actions(current_user, case, rules)
    changes = None  # what changed since the form was opened, when it was opened on an older version
    if request.method == "GET":
        form.version.data = str(case.version)
        form.seen_event.data = str(last_event_seq(case))
    elif _int_or_none(form.version.data) != case.version:
        # The case changed since the form was opened (a change may even have closed this action): show what
        # changed, keep what was typed, and carry the latest version for sending again
        changes = changes_since(case, _int_or_none(form.seen_event.data))
        form.version.data = str(case.version)
        form.seen_event.data = str(last_event_seq(case))
    elif allowed and form.validate():
        try:
            workflow_service.perform(case, current_user, spec, form.params(), version=_int_or_none(form.version.data))
        except StaleCase:
            db.session.rollback()
            changes = changes_since(case, _int_or_none(form.seen_event.data))
            allowed = spec in workflow.available_actions(current_user, case, rules)
            form.version.data = str(case.version)
            form.seen_event.data = str(last_event_seq(case))
        except InvalidInput as error:
            db.session.rollback()
            for name, message in error.fields.items():
                field, shown = form.error_for(name, message)
                if field is not None:
                    field.errors = [shown]
                else:
                    flash(shown, "error")
        except (Conflict, NotAllowed) as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("cases.show", reference=reference))
        else:
            db.session.commit()
            flash(spec.done, "success")
            return redirect(url_for("cases.show", reference=reference))
    extra = {}
    if spec is RECORD_OUTCOME:
        extra = {"warnings": history.subject_warnings(case), "similar": history.similar_sanctions(case)}
    if changes is not None:
        status = 409
    elif request.method == "GET" or not allowed:
        status = 200 if allowed else 409
    else:
        status = 422 if form.errors else 200
    why = None if allowed else workflow.why_not(action, current_user, case, rules)
    return render_template(
        "cases/action.html", case=case, form=form, spec=spec, allowed=allowed, changes=changes, why=why, **extra
    ), status


def accounts_of_subjects(case):
    from ..models import PublishingRight, SocialAccount

    subject_ids = [s.id for s in case.subjects]
    if not subject_ids:
        return []
    return list(
        db.session.scalars(
            select(SocialAccount)
            .join(PublishingRight, PublishingRight.account_id == SocialAccount.id)
            .where(PublishingRight.user_id.in_(subject_ids))
            .distinct()
            .order_by(SocialAccount.handle)
        ).all()
    )


@bp.route("/cases/<reference>/evidence", methods=["GET", "POST"])
@login_required
def add_evidence(reference: str):
    case = load_full_case(reference)
    form = EvidenceForm()
    if request.method == "POST" and form.validate():
        upload = form.file.data
        try:
            if upload and getattr(upload, "filename", ""):
                evidence_service.add_file(case, current_user, upload.stream, upload.filename, form.description.data)
            elif form.url.data:
                evidence_service.add_link(case, current_user, form.url.data, None, form.description.data)
            else:
                raise InvalidInput("Nothing chosen", {"file": "Choose a file, or enter a web address"})
        except (InvalidInput, TooLarge) as error:
            db.session.rollback()
            for name, message in error.fields.items():
                field = getattr(form, name, None)
                if field is not None:
                    field.errors = [message]
        except (Conflict, NotAllowed) as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("cases.show", reference=reference))
        else:
            db.session.commit()
            flash("Evidence added.", "success")
            return redirect(url_for("cases.show", reference=reference))
    return render_template("cases/evidence_form.html", case=case, form=form), (422 if form.errors else 200)


@bp.route("/cases/<reference>/evidence/<evidence_id>")
@login_required
def download_evidence(reference: str, evidence_id: str):
    case, _level = load_case(reference)
    try:
        evidence = evidence_service.get_evidence_for(case, current_user, evidence_id)  # a reporter: their own
    except NotFound:
        abort(404)
    case_service.record_access(case, current_user, "download", f"evidence {evidence.id}")
    db.session.commit()
    return evidence_response(evidence)


@bp.route("/cases/<reference>/report.pdf")
@login_required
def report_pdf(reference: str):
    case = load_full_case(reference)
    if not workflow.may_export_report(current_user, case):
        abort(403)
    pdf = exports.case_report_pdf(case, current_user)
    case_service.record_access(case, current_user, "export", "case report PDF")
    db.session.commit()
    return pdf_response(pdf, f"{case.reference}-case-report.pdf")


@bp.route("/cases/<reference>/bundle.pdf")
@login_required
def bundle_pdf(reference: str):
    """The hearing bundle, for the people who take part in the hearing or appeal; every download is logged."""
    case = load_full_case(reference)
    try:
        made = bundle_service.hearing_bundle(case, current_user)
    except NotAllowed:
        abort(403)
    except (Conflict, SigningUnavailable) as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("cases.show", reference=reference))
    db.session.commit()
    return pdf_response(made.pdf, made.filename)
