"""Letters to the people a case is about (design §7): choose one, give any meeting details, draft it,
edit it, issue it, download it."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..domain import letters as rules
from ..domain import workflow
from ..extensions import db
from ..http.downloads import pdf_response
from ..services import letters as letter_service
from ..services.errors import Conflict, InvalidInput, NotAllowed, NotFound
from .cases import load_full_case
from .letter_forms import DraftLetterForm, LetterForm

bp = Blueprint("letters", __name__)


def load_letter_case(reference: str):
    """A case whose letters the user may produce: 404 when not visible in full, 403 unless owner or HR."""
    case = load_full_case(reference)
    if not workflow.may_export_report(current_user, case):
        abort(403)
    return case


@bp.route("/cases/<reference>/letters")
@login_required
def choose(reference: str):
    case = load_letter_case(reference)
    return render_template(
        "letters/choose.html",
        case=case,
        offered=letter_service.offered_letters(case),
        produced=letter_service.letters_produced(case),
        case_letters=letter_service.letters_of(case),
        letters=rules.LETTERS,
    )


@bp.route("/cases/<reference>/letters/<kind>", methods=["GET", "POST"])
@login_required
def letter(reference: str, kind: str):
    case = load_letter_case(reference)
    spec = rules.LETTERS.get(kind)
    subject = letter_service.find_subject(case, request.args.get("subject"))
    if spec is None or subject is None:
        abort(404)
    form = LetterForm()
    not_now = rules.refusal(kind, case, subject)
    fixed = None if not_now else letter_service.fixed_meeting(case, kind, subject)
    if not spec.needs_meeting:
        form.without_meeting()
    elif fixed is not None:
        form.without_date()
    if request.method == "POST" and not not_now:
        form_ok = form.validate()
        meeting = None
        if spec.needs_meeting:
            if fixed is not None:
                meeting = letter_service.Meeting(None, "", form.meeting_place.data or "")
            else:
                meeting = letter_service.Meeting(
                    form.meeting_date.data, form.meeting_time.data or "", form.meeting_place.data or ""
                )
        try:
            if not form_ok:
                # Show every problem at once: the form's (a date that does not exist) and the domain's
                raise InvalidInput("The letter has errors", letter_service.meeting_errors(meeting, kind))
            drafted = letter_service.draft_letter(case, current_user, kind, subject.email, meeting)
        except InvalidInput as error:
            db.session.rollback()
            for name, message in error.fields.items():
                field = getattr(form, name, None)
                if field is not None and not field.errors:
                    field.errors = [message]
        except (Conflict, NotAllowed) as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("letters.choose", reference=reference))
        else:
            db.session.commit()
            flash("Letter drafted. Read it, edit it as needed, then issue it.", "success")
            return redirect(url_for("letters.draft", reference=reference, letter_id=drafted.id))
    preview = [] if not_now else letter_service.preview(case, current_user, spec, subject)
    status = 409 if not_now else (422 if form.errors else 200)
    return render_template(
        "letters/letter.html",
        case=case,
        spec=spec,
        subject=subject,
        form=form,
        not_now=not_now,
        preview=preview,
        fixed=fixed,
    ), status


def _find_letter(case, letter_id):
    try:
        return letter_service.get_letter(case, letter_id)
    except NotFound:
        abort(404)


@bp.route("/cases/<reference>/letters/drafts/<letter_id>", methods=["GET", "POST"])
@login_required
def draft(reference: str, letter_id: str):
    """Read and edit a drafted letter, then save it or issue it."""
    case = load_letter_case(reference)
    letter = _find_letter(case, letter_id)
    if letter.status != "draft":
        return redirect(url_for("letters.choose", reference=reference))
    form = DraftLetterForm()
    if request.method == "GET":
        form.body.data = letter.body
        form.seen.data = letter_service.body_digest(letter.body)
    elif form.validate():
        try:
            if form.issue.data:
                letter_service.issue_letter(letter, current_user, form.body.data or "", seen_digest=form.seen.data)
            else:
                letter_service.edit_letter(letter, current_user, form.body.data or "", seen_digest=form.seen.data)
        except InvalidInput as error:
            db.session.rollback()
            form.body.errors = [error.fields.get("body", error.message)]
        except (Conflict, NotAllowed) as error:
            db.session.rollback()
            # What was typed stays on the page, with the reason it was not saved
            form.body.errors = [error.message]
        else:
            db.session.commit()
            if form.issue.data:
                flash("Letter issued. Its text is fixed and recorded with its SHA-256.", "success")
                return redirect(url_for("letters.choose", reference=reference))
            flash("Draft saved.", "success")
            return redirect(url_for("letters.draft", reference=reference, letter_id=letter.id))
    return render_template(
        "letters/draft.html", case=case, letter=letter, form=form, spec=rules.LETTERS[letter.kind]
    ), (422 if form.errors else 200)


@bp.route("/cases/<reference>/letters/issued/<letter_id>.pdf")
@login_required
def issued(reference: str, letter_id: str):
    """An issued letter as a PDF, exactly as its stored text reads."""
    case = load_letter_case(reference)
    letter = _find_letter(case, letter_id)
    if letter.status != "issued":
        abort(404)
    produced = letter_service.issued_pdf(letter, current_user)
    db.session.commit()
    return pdf_response(produced.pdf, produced.filename)
