"""Pages for "Capture this web page": ask for a capture, watch its progress, see what it kept."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..services import capture as capture_service
from ..services.cases import holds
from ..services.errors import Conflict, InvalidInput, NotAllowed, NotFound
from . import signed_in_person
from .cases import load_full_case
from .research_forms import CaptureForm

bp = Blueprint("captures", __name__)


@bp.route("/cases/<reference>/captures/new", methods=["GET", "POST"])
@login_required
def new(reference: str):
    case = load_full_case(reference)
    if not capture_service.may_capture(current_user, case):
        abort(403)
    form = CaptureForm()
    if request.method == "GET":
        form.url.data = (request.args.get("url") or case.content_url or "")[:2000] or None
    status = 200
    if request.method == "POST":
        form.validate()
        try:
            item = capture_service.request_capture(case, current_user, form.url.data or "", form.description.data or "")
        except InvalidInput as error:
            db.session.rollback()
            for name, message in error.fields.items():
                getattr(form, name).errors = [message]
            status = 422
        except (Conflict, NotAllowed) as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("cases.show", reference=reference))
        else:
            db.session.commit()
            capture_service.start(item)
            return redirect(url_for("captures.show", reference=reference, capture_id=item.id))
    return render_template("captures/new.html", case=case, form=form), status


@bp.route("/cases/<reference>/captures/<capture_id>")
@login_required
def show(reference: str, capture_id: str):
    case = load_full_case(reference)
    try:
        item = capture_service.get_capture(case, capture_id)
    except NotFound:
        abort(404)
    return render_template("captures/show.html", case=case, item=item, statuses=capture_service.STATUSES)


def case_panel(case, held: set | None = None) -> dict:
    """What the case page's web captures section shows (templates/captures/_case_panel.html). `held`: the
    signed-in person's capacities on the case, when the page has them already."""
    return {
        "entries": capture_service.captures_of(case) if holds(case, "web_captures") else [],
        "may_capture": capture_service.may_capture(signed_in_person(), case, held=held),
        "statuses": capture_service.STATUSES,
    }


def register(app) -> None:
    app.register_blueprint(bp)
    app.add_template_global(case_panel, "capture_panel")
