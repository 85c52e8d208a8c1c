"""A person's record for HR (`/people/<id>`), and the search behind the subject pickers (`/people/search`)."""

from flask import Blueprint, abort, jsonify, render_template, request
from flask_login import current_user, login_required

from ..domain.policy import ROLE_LABELS, SANCTIONS, STAFF_TYPE_LABELS, STAGE_LABELS
from ..services import leavers
from ..services import person_record as records
from ..services.errors import NotFound

bp = Blueprint("people", __name__, url_prefix="/people")

ROLE_HEADINGS = {
    "subject": "Cases about them",
    "reporter": "Cases they reported",
    "owner": "Cases they own",
    "investigator": "Cases they investigate",
}


@bp.route("/search")
@login_required
def search():
    """People for a subject picker: name, e-mail, department and whether they have left; nothing else."""
    people = records.search_people(request.args.get("q", ""))
    return jsonify(
        {
            "people": [
                {
                    "email": p.email,
                    "name": p.name,
                    "department": p.department.name if p.department else None,
                    "left": not p.active,
                }
                for p in people
            ]
        }
    )


@bp.route("/<int:person_id>")
@login_required
def show(person_id: int):
    try:
        record = records.person_record(current_user, person_id)
    except NotFound:
        abort(404)
    person = record.person
    return render_template(
        "people/show.html",
        record=record,
        person=person,
        headings=ROLE_HEADINGS,
        stage_labels=STAGE_LABELS,
        sanction_labels=SANCTIONS,
        role_labels=ROLE_LABELS,
        staff_type_labels=STAFF_TYPE_LABELS,
        reassign_by=leavers.reassign_by(person.left_at) if person.left_at else None,
    )
