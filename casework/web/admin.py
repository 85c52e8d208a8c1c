"""Administration pages: people, departments, leavers and the admin audit.

Administrators manage people and departments and see no case content: a
leaver's open cases are shown to them as a count and references only. HR
may see the people list and the admin audit, and reassigns a leaver's open
cases. Everyone else is told these pages do not exist (404).
"""

from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice

from ..domain.policy import ROLE_LABELS, STAFF_TYPE_LABELS, STAGE_LABELS
from ..extensions import db
from ..services import admin as admin_service
from ..services import password_links
from ..services.errors import Conflict, InvalidInput, NotAllowed, NotFound
from .base_form import CaseworkForm

bp = Blueprint("admin", __name__, url_prefix="/admin")

PEOPLE_PER_PAGE = 50
EVENTS_PER_PAGE = 50
LARGEST_NUMBER = 2**31 - 1

# How each admin audit action reads
ACTION_LABELS = {
    "person_added": "Person added",
    "person_updated": "Person's details changed",
    "person_disabled": "Account disabled (leaver)",
    "person_enabled": "Account enabled again",
    "person_left": "Left (staff directory)",
    "staff_imported": "Staff directory imported",
    "invitation_sent": "Invitation to set a password sent",
    "password_reset_sent": "Password reset link sent",
    "department_created": "Department added",
    "department_head_changed": "Head of service changed",
    "account_added": "Council account added",
    "account_status_changed": "Council account status changed",
    "account_approved": "Council account approved (trial starts)",
    "account_refused": "Council account proposal refused",
    "account_trial_reviewed": "Council account trial reviewed",
    "account_closed": "Council account closed",
    "account_use_recorded": "Council account use recorded",
    "account_case_linked": "Council account linked to a case",
    "training_recorded": "Social media training recorded",
    "right_granted": "Right to publish given",
    "right_granted_again": "Right to publish given again",
    "right_revoked": "Right to publish revoked",
    "account_locked": "Locked after wrong passwords",
    "password_changed": "Password changed",
    "mfa_enrolled": "Two-factor authentication set up",
    "mfa_reset": "Two-factor authentication reset",
    "recovery_code_used": "Recovery code used",
    "recovery_codes_replaced": "Recovery codes replaced",
    "api_token_created": "API token created",
    "api_token_revoked": "API token revoked",
    "signed_out_everywhere": "Signed out everywhere",
}

FIELD_LABELS = {
    "email": "E-mail",
    "name": "Name",
    "role": "Role",
    "staff_type": "Staff type",
    "department": "Department",
    "line_manager": "Line manager",
    "contractor_org": "Contractor's organisation",
    "can_sign_in": "Can sign in",
    "active": "Account active",
    "head_of_service": "Head of service",
    "platform": "Platform",
    "handle": "Name or handle",
    "url": "Web address",
    "status": "Status",
    "went_live_on": "Went live on",
    "trial_ends_on": "Trial ends on",
    "approved_by": "Approved by",
    "purpose": "Purpose",
    "audience": "Audience",
    "run_by": "Who will run it",
    "moderation": "How it will be moderated",
    "resourcing": "How it will be resourced",
    "decision": "Decision",
    "reason": "Reasons",
    "last_used_on": "Last used on",
    "refresher_due_on": "Refresher due on",
    "note": "Note",
    "person": "Person",
    "account": "Account",
    "trained_on": "Trained on",
    "granted_by": "Given by",
    "open_cases": "Open cases to reassign",
    "api_tokens_revoked": "API tokens revoked",
    "rights_revoked": "Rights to publish revoked",
    "employee_number": "Employee number",
    "job_title": "Job title",
    "start_date": "Start date",
    "leaving_date": "Leaving date",
    "source": "Source",
    "row": "Row of the file",
    "file_sha256": "File SHA-256",
    "bad_rows_skipped": "Rows left out",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action) or action.replace("_", " ").capitalize()


def show_value(field: str, value) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if field == "role":
        return ROLE_LABELS.get(value, str(value))
    if field == "staff_type":
        return STAFF_TYPE_LABELS.get(value, str(value))
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) or "none"
    return str(value)


def describe(event) -> dict:
    """An event's changed fields (before → after) and any other details, as words."""
    data = event.data or {}
    before, after = data.get("before") or {}, data.get("after") or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        before, after = {}, {}
    changes = [
        {
            "field": FIELD_LABELS.get(name, name.replace("_", " ").capitalize()),
            "before": show_value(name, before.get(name)) if name in before else None,
            "after": show_value(name, after.get(name)),
        }
        for name in dict.fromkeys([*before, *after])
    ]
    details = [
        {"field": FIELD_LABELS.get(name, name.replace("_", " ").capitalize()), "value": show_value(name, value)}
        for name, value in data.items()
        if name not in ("target", "before", "after")
    ]
    return {"changes": changes, "details": details}


# --- who may see what ----------------------------------------------------------------


def allowed(check):
    """Signed in, and `check(current_user)`; anyone else is told the page does not exist."""

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not check(current_user):
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorate


admins_only = allowed(admin_service.may_manage_people)
people_viewers = allowed(admin_service.may_view_people)
audit_viewers = allowed(admin_service.may_view_admin_audit)
hr_only = allowed(admin_service.may_reassign_cases)


def load_person(person_id: int):
    try:
        return admin_service.get_person(person_id)
    except NotFound:
        abort(404)


def whole_number(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= LARGEST_NUMBER else None


def show_errors(form: CaseworkForm, fields: dict[str, str], *, fallback: str) -> None:
    for name, message in fields.items():
        field = getattr(form, name, None) or getattr(form, fallback)
        if not field.errors:
            field.errors = [message]


# --- forms -----------------------------------------------------------------------------


class PersonForm(CaseworkForm):
    email = StringField(
        "E-mail address",
        widget=GovTextInput(),
        description="Their council e-mail address. It cannot be changed later.",
    )
    name = StringField("Full name", widget=GovTextInput())
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        validate_choice=False,
        description="Managers and HR handle cases. Administrators manage people and departments "
        "and see no case content.",
    )
    staff_type = RadioField(
        "Staff type",
        widget=GovRadioInput(),
        validate_choice=False,
        description="Social Networking Policy 3.1: everyone who works for the council is in scope.",
    )
    contractor_org = StringField(
        "Contractor's organisation", widget=GovTextInput(), description="Only for contractors."
    )
    department = SelectField("Department", widget=GovSelect(), validate_choice=False)
    line_manager = SelectField("Line manager", widget=GovSelect(), validate_choice=False)
    seen = HiddenField()
    submit = SubmitField("Add person", widget=GovSubmitInput())

    def setup(self, departments, people):
        self.role.choices = [SelectChoice(code, label) for code, label in ROLE_LABELS.items()]
        self.staff_type.choices = [SelectChoice(code, label) for code, label in STAFF_TYPE_LABELS.items()]
        self.department.choices = [SelectChoice("", "No department")] + [
            SelectChoice(d.name, d.name) for d in departments
        ]
        self.line_manager.choices = [SelectChoice("", "No line manager")] + [
            SelectChoice(p.email, f"{p.name} ({p.email})") for p in people
        ]

    def values(self) -> dict:
        return {
            "name": self.name.data or "",
            "role": self.role.data or "",
            "staff_type": self.staff_type.data or "",
            "department": self.department.data or None,
            "line_manager": self.line_manager.data or None,
            "contractor_org": self.contractor_org.data or "",
        }


class ConfirmForm(CaseworkForm):
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class ReassignForm(CaseworkForm):
    version = HiddenField()
    owner = SelectField("New owner", widget=GovSelect(), validate_choice=False)
    investigator = SelectField("New investigator", widget=GovSelect(), validate_choice=False)
    submit = SubmitField("Reassign the case", widget=GovSubmitInput())

    def setup(self, candidates):
        options = [SelectChoice(p.email, f"{p.name} ({p.email})") for p in candidates]
        self.owner.choices = [SelectChoice("", "Choose the new owner")] + options
        self.investigator.choices = [SelectChoice("", "Choose the new investigator")] + options


class DepartmentForm(CaseworkForm):
    name = StringField("Name of the department", widget=GovTextInput())
    head_of_service = SelectField(
        "Head of service",
        widget=GovSelect(),
        validate_choice=False,
        description="Told at once of any case about a contractor working in the department "
        "(Social Networking Policy 11.4). Only people with the head of service role are listed.",
    )
    submit = SubmitField("Add department", widget=GovSubmitInput())

    def setup(self, heads):
        self.head_of_service.choices = [SelectChoice("", "No head of service")] + [
            SelectChoice(p.email, f"{p.name} ({p.email})") for p in heads
        ]


# --- pages -------------------------------------------------------------------------------


@bp.route("")
@people_viewers
def index():
    return render_template("admin/index.html", may_manage=admin_service.may_manage_people(current_user))


@bp.route("/people")
@people_viewers
def people():
    search = (request.args.get("q") or "").strip()[:200]
    page = whole_number(request.args.get("page")) or 1
    result = admin_service.list_people(search=search, page=page, per_page=PEOPLE_PER_PAGE)
    return render_template(
        "admin/people.html",
        result=result,
        search=search,
        may_manage=admin_service.may_manage_people(current_user),
    )


@bp.route("/people/new", methods=["GET", "POST"])
@admins_only
def new_person():
    form = PersonForm()
    form.setup(admin_service.departments(), admin_service.active_people())
    if request.method == "GET":
        form.role.data = form.role.data or "employee"
        form.staff_type.data = form.staff_type.data or "employee"
    if form.validate_on_submit():
        try:
            person = admin_service.add_person(current_user, email=form.email.data or "", **form.values())
        except InvalidInput as error:
            db.session.rollback()
            show_errors(form, error.fields, fallback="name")
        else:
            message = f"{person.name} added. They cannot sign in until they are given a password."
            if current_app.config.get("OIDC_ISSUER"):
                message = f"{person.name} added. They sign in with their council account."
            else:
                try:
                    password_links.invite(person, actor=current_user)
                except InvalidInput:  # no PUBLIC_URL and no request: cannot happen on a page
                    pass
                else:
                    hours = current_app.config["PASSWORD_LINK_HOURS"]
                    message = (
                        f"{person.name} added. We have e-mailed them a link to set their password; "
                        f"it works once, for {hours} hours."
                    )
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("admin.person", person_id=person.id))
    return render_template("admin/person_form.html", form=form, person=None), (422 if form.errors else 200)


@bp.route("/people/<int:person_id>")
@people_viewers
def person(person_id: int):
    person = load_person(person_id)
    may_manage = admin_service.may_manage_people(current_user)
    to_reassign = hidden = 0
    if admin_service.may_reassign_cases(current_user):
        visible, hidden = admin_service.cases_to_reassign(current_user, person)
        to_reassign = len(visible)
    events = admin_service.events_about(person)
    return render_template(
        "admin/person.html",
        person=person,
        may_manage=may_manage,
        to_reassign=to_reassign,
        hidden=hidden,
        events=events,
        labels=admin_service.target_labels(events),
        describe=describe,
        action_label=action_label,
        form=ConfirmForm(),
    )


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@admins_only
def edit_person(person_id: int):
    person = load_person(person_id)
    form = PersonForm()
    del form.email
    form.submit.label.text = "Save changes"
    form.setup(admin_service.departments(), admin_service.active_people(exclude=person))
    if person.line_manager is not None and not person.line_manager.active:
        form.line_manager.choices.append(SelectChoice(person.line_manager.email, f"{person.line_manager.name} (left)"))
    if request.method == "GET":
        form.name.data = person.name
        form.role.data = person.role
        form.staff_type.data = person.staff_type
        form.department.data = person.department.name if person.department else ""
        form.line_manager.data = person.line_manager.email if person.line_manager else ""
        form.contractor_org.data = person.contractor_org or ""
        form.seen.data = admin_service.fingerprint(person)
    elif form.validate_on_submit():
        try:
            changed = admin_service.update_person(current_user, person, seen=form.seen.data or None, **form.values())
        except InvalidInput as error:
            db.session.rollback()
            show_errors(form, error.fields, fallback="name")
        except Conflict as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("admin.person", person_id=person_id))
        else:
            db.session.commit()
            flash(f"{person.name}'s details saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for("admin.person", person_id=person.id))
    return render_template("admin/person_form.html", form=form, person=person), (422 if form.errors else 200)


@bp.route("/people/<int:person_id>/disable", methods=["GET", "POST"])
@admins_only
def disable_person(person_id: int):
    person = load_person(person_id)
    if not person.active:
        flash(f"{person.name}'s account is already disabled.", "info")
        return redirect(url_for("admin.person", person_id=person.id))
    form = ConfirmForm()
    form.submit.label.text = "Disable their account"
    if form.validate_on_submit():
        try:
            admin_service.disable_person(current_user, person)
        except (InvalidInput, Conflict) as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("admin.person", person_id=person_id))
        db.session.commit()
        flash(f"{person.name}'s account is disabled. They can no longer sign in.", "success")
        return redirect(url_for("admin.person", person_id=person.id))
    return render_template(
        "admin/disable.html",
        person=person,
        check=admin_service.leaver_check(person),
        form=form,
        is_self=person.id == current_user.id,
    )


@bp.route("/people/<int:person_id>/invite", methods=["POST"])
@admins_only
def invite_person(person_id: int):
    """E-mail a new link to set a password; any earlier link stops working."""
    person = load_person(person_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            password_links.invite(person, actor=current_user)
        except (InvalidInput, NotAllowed) as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            hours = current_app.config["PASSWORD_LINK_HOURS"]
            flash(
                f"We have e-mailed {person.email} a link to set their password; it works once, for {hours} hours. "
                "Any earlier link no longer works.",
                "success",
            )
    return redirect(url_for("admin.person", person_id=person.id))


@bp.route("/people/<int:person_id>/enable", methods=["POST"])
@admins_only
def enable_person(person_id: int):
    person = load_person(person_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            admin_service.enable_person(current_user, person)
        except Conflict as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(f"{person.name}'s account is enabled again.", "success")
    return redirect(url_for("admin.person", person_id=person.id))


@bp.route("/people/<int:person_id>/cases")
@hr_only
def leaver_cases(person_id: int):
    person = load_person(person_id)
    cases, hidden = admin_service.cases_to_reassign(current_user, person)
    return render_template(
        "admin/leaver_cases.html", person=person, cases=cases, hidden=hidden, stage_labels=STAGE_LABELS
    )


@bp.route("/people/<int:person_id>/cases/<reference>", methods=["GET", "POST"])
@hr_only
def reassign(person_id: int, reference: str):
    person = load_person(person_id)
    try:
        case = admin_service.get_case_to_reassign(current_user, person, reference)
    except NotFound:
        abort(404)
    form = ReassignForm()
    form.setup([p for p in admin_service.reassignment_candidates(case) if p.id != person.id])
    if case.owner_id != person.id:
        del form.owner
    if case.investigator_id != person.id:
        del form.investigator
    if request.method == "GET":
        form.version.data = str(case.version)
    elif form.validate_on_submit():
        try:
            admin_service.reassign_case(
                current_user,
                case,
                owner=form.owner.data if "owner" in form else None,
                investigator=form.investigator.data if "investigator" in form else None,
                version=whole_number(form.version.data),
            )
        except InvalidInput as error:
            db.session.rollback()
            show_errors(form, error.fields, fallback="owner" if "owner" in form else "investigator")
        except (Conflict, NotAllowed, NotFound) as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("admin.leaver_cases", person_id=person_id))
        else:
            db.session.commit()
            flash(f"{reference} reassigned.", "success")
            return redirect(url_for("admin.leaver_cases", person_id=person_id))
    return render_template("admin/reassign.html", person=person, case=case, form=form, stage_labels=STAGE_LABELS), (
        422 if form.errors else 200
    )


@bp.route("/departments")
@admins_only
def departments():
    return render_template("admin/departments.html", departments=admin_service.departments())


@bp.route("/departments/new", methods=["GET", "POST"])
@admins_only
def new_department():
    form = DepartmentForm()
    form.setup(admin_service.heads_of_service())
    if form.validate_on_submit():
        try:
            department = admin_service.add_department(
                current_user, form.name.data or "", form.head_of_service.data or None
            )
        except InvalidInput as error:
            db.session.rollback()
            show_errors(form, error.fields, fallback="name")
        else:
            db.session.commit()
            flash(f"{department.name} added.", "success")
            return redirect(url_for("admin.departments"))
    return render_template("admin/department_form.html", form=form, department=None), (422 if form.errors else 200)


@bp.route("/departments/<int:department_id>/head", methods=["GET", "POST"])
@admins_only
def department_head(department_id: int):
    try:
        department = admin_service.get_department(department_id)
    except NotFound:
        abort(404)
    form = DepartmentForm()
    del form.name
    form.submit.label.text = "Save head of service"
    form.setup(admin_service.heads_of_service())
    if request.method == "GET":
        form.head_of_service.data = department.head_of_service.email if department.head_of_service else ""
    elif form.validate_on_submit():
        try:
            changed = admin_service.change_head_of_service(current_user, department, form.head_of_service.data or None)
        except InvalidInput as error:
            db.session.rollback()
            show_errors(form, error.fields, fallback="head_of_service")
        else:
            db.session.commit()
            flash(f"{department.name}: head of service saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for("admin.departments"))
    return render_template("admin/department_form.html", form=form, department=department), (
        422 if form.errors else 200
    )


@bp.route("/audit")
@audit_viewers
def audit():
    actions = admin_service.audit_actions()
    action = request.args.get("action") or None
    if action not in actions:
        action = None
    person = (request.args.get("person") or "").strip()[:254]
    page = whole_number(request.args.get("page")) or 1
    result = admin_service.admin_audit(action=action, person=person, page=page, per_page=EVENTS_PER_PAGE)
    return render_template(
        "admin/audit.html",
        result=result,
        actions=actions,
        filters={"action": action, "person": person},
        labels=admin_service.target_labels(result.items),
        describe=describe,
        action_label=action_label,
    )
