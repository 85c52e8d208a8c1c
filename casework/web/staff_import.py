"""Admin > Import staff: upload the HR system's staff directory, see what would change, then apply it.

The uploaded file is kept under STAFF_IMPORT_DIR by its SHA-256 between the
preview and the confirmation. On confirmation the file is read again and the
changes worked out again: if they are not what the preview showed (someone
changed a person in between), nothing is applied and the new preview shows.
"""

import re
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovFileInput, GovSubmitInput
from wtforms import BooleanField, HiddenField, SubmitField

from casework.web.base_form import CaseworkForm

from ..extensions import db
from ..services import staff_import
from ..services.errors import InvalidInput
from .admin import admins_only

bp = Blueprint("staff_import", __name__, url_prefix="/admin/import-staff")

PREVIEW_LIMIT = 200  # changes listed on the preview; the counts cover them all
SHA256 = re.compile(r"[0-9a-f]{64}")


class UploadForm(CaseworkForm):
    file = FileField(
        "Upload the staff directory",
        widget=GovFileInput(),
        description="A CSV file exported from the HR system, in UTF-8, with a heading row.",
    )
    submit = SubmitField("Check the file", widget=GovSubmitInput())


class ConfirmForm(CaseworkForm):
    file_sha256 = HiddenField()
    digest = HiddenField()
    skip_bad_rows = BooleanField(
        "Import the other rows and leave out the rows that cannot be imported", widget=GovCheckboxInput()
    )
    submit = SubmitField("Apply these changes", widget=GovSubmitInput())


def _folder() -> Path:
    folder = Path(current_app.config.get("STAFF_IMPORT_DIR") or Path(current_app.instance_path) / "staff-imports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _preview(plan, form, status=200):
    form.file_sha256.data = plan.file_sha256
    form.digest.data = plan.digest()
    return (
        render_template(
            "admin/import_preview.html",
            plan=plan,
            form=form,
            limit=PREVIEW_LIMIT,
            import_changes=[("add", c) for c in plan.additions]
            + [("update", c) for c in plan.updates]
            + [("leave", c) for c in plan.leavers],
        ),
        status,
    )


@bp.route("", methods=["GET", "POST"])
@admins_only
def upload():
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read() if upload else b""
        if not data:
            form.file.errors = ["Choose the CSV file of the staff directory"]
        else:
            try:
                plan = staff_import.plan_import(data)
            except InvalidInput as error:
                db.session.rollback()
                form.file.errors = [error.message]
            else:
                db.session.rollback()
                (_folder() / f"{plan.file_sha256}.csv").write_bytes(data)
                return _preview(plan, ConfirmForm())
    return render_template("admin/import_upload.html", form=form), (422 if form.errors else 200)


@bp.route("/confirm", methods=["POST"])
@admins_only
def confirm():
    form = ConfirmForm()
    sha = form.file_sha256.data or ""
    path = _folder() / f"{sha}.csv"
    if not form.validate_on_submit() or not SHA256.fullmatch(sha) or not path.is_file():
        flash("That upload has expired. Upload the file again.", "info")
        return redirect(url_for("staff_import.upload"))
    try:
        plan = staff_import.plan_import(path.read_bytes())
    except InvalidInput as error:
        db.session.rollback()
        flash(error.message, "info")
        return redirect(url_for("staff_import.upload"))
    if plan.digest() != form.digest.data:
        db.session.rollback()
        fresh = ConfirmForm(formdata=None)
        flash("People changed in Casework since you checked the file. Check these changes again.", "info")
        return _preview(plan, fresh, 409)
    if plan.problems and not form.skip_bad_rows.data:
        form.skip_bad_rows.errors = ["Correct the rows in the file and upload it again, or choose to leave them out"]
        return _preview(plan, form, 422)
    summary = staff_import.apply_import(plan, actor=current_user, skip_bad_rows=bool(form.skip_bad_rows.data))
    db.session.commit()
    path.unlink(missing_ok=True)
    flash(
        f"Staff directory imported: {summary['added']} added, {summary['updated']} updated, "
        f"{summary['leavers']} leavers, {summary['departments_created']} new departments, "
        f"{summary['unchanged']} unchanged.",
        "success",
    )
    return redirect(url_for("admin.audit"))
