"""Subject access export (UK GDPR Article 15): HR chooses a person and downloads what is held about them."""

from flask import Blueprint, Response, abort, render_template
from flask_login import current_user, login_required

from ..domain.subject_access import may_export_subject_access
from ..extensions import db
from ..services import subject_access as export_service
from .letter_forms import SubjectAccessForm

bp = Blueprint("subject_access", __name__)


def zip_response(content: bytes, filename: str) -> Response:
    """A generated ZIP, downloaded as an attachment and never cached."""
    response = Response(content, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/subject-access", methods=["GET", "POST"])
@login_required
def export():
    if not may_export_subject_access(current_user):
        abort(404)
    people = export_service.people()
    form = SubjectAccessForm()
    form.setup(people)
    if form.validate_on_submit():
        person = export_service.find_person(form.person.data)
        if person is None:
            form.person.errors = ["Choose a person from the staff directory"]
        else:
            result = export_service.export_subject_access(current_user, person)
            db.session.commit()
            return zip_response(result.zip_bytes, result.filename)
    return render_template("subject_access/export.html", form=form), (422 if form.errors else 200)
