"""The JSON API under /api/v1 (DESIGN §10): parse, authenticate, call the service, answer JSON.

The views hold no rules: who may see or do what, and which changes are valid,
are decided by the same services the pages call. Each request that changes
something commits once on success; any error rolls everything back.
"""

import base64
import binascii

from flask import current_app, g, jsonify, request, url_for
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.exceptions import NotFound as RouteNotFound

from ..domain import permissions, workflow
from ..domain.permissions import View
from ..domain.policy import ABUSE_CATEGORIES, BREACH_CATEGORIES, REPORTER_STATUSES, STAGE_LABELS, Kind, Role
from ..domain.text import API_FIELD_MESSAGE, has_invalid_text
from ..extensions import db
from ..http.downloads import evidence_response, pdf_response
from ..models import Case, Department, User
from ..services import bundle as bundle_service
from ..services import cases as case_service
from ..services import evidence as evidence_service
from ..services import exports
from ..services import summary as summary_service
from ..services.case_filters import DEFAULT_SORT, OWNER_CHOICES, SORT_LABELS, CaseFilters
from ..services.case_search import SEARCH_MAX
from ..services.errors import InvalidInput, NotAllowed
from ..services.events import case_events
from ..services.users import user_for_token
from ..services.workflow import perform
from . import bp, case_list, schemas, serialise
from .errors import BadRequest, Unauthorised, register_error_handlers
from .openapi import openapi_document
from .params import parse_action, parse_report, read_json_object
from .schemas_more import summary_answer

PUBLIC_ENDPOINTS = {"api_v1.openapi", "api_v1.not_found"}
TOKEN_MAX = 512
PAGE_MAX = 100
CURSOR_MAX = 64
EVIDENCE_FORM_FIELDS = {"description"}
EVIDENCE_FILE_FIELDS = {"file"}
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]

register_error_handlers(bp)


@bp.before_request
def authenticate():
    """Every endpoint but the OpenAPI document needs `Authorization: Bearer TOKEN`."""
    if request.endpoint in PUBLIC_ENDPOINTS or request.method == "OPTIONS":
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorised("Send an API token as 'Authorization: Bearer TOKEN'")
    user = user_for_token(token) if len(token) <= TOKEN_MAX else None
    if user is None:
        raise Unauthorised("The API token is not valid: it may be wrong, expired or revoked")
    g.api_user = user
    return None


# The query parameters each endpoint reads; any other is refused with 400 naming it (issue 15, 5)
QUERY_PARAMETERS = {
    "api_v1.list_cases": {
        "q",
        "stage",
        "status",
        "kind",
        "category",
        "department",
        "owner",
        "overdue",
        "sort",
        "limit",
        "cursor",
    },
    "api_v1.summary_json": {"from", "to"},
    "api_v1.summary_csv": {"from", "to"},
    "api_v1.summary_pdf": {"from", "to"},
    "api_v1.research_report_json": {"from", "to"},
}


@bp.before_request
def refuse_unknown_query_parameters():
    """A parameter the endpoint does not read is an error, not something to ignore (a typo such as
    ?departmnet= would otherwise answer every case); so is one given twice."""
    if request.endpoint in (None, "api_v1.not_found"):
        return None
    allowed = QUERY_PARAMETERS.get(request.endpoint, set())
    unknown = sorted(name for name in request.args if name not in allowed)
    if unknown:
        raise BadRequest(
            "Unknown query parameter: " + ", ".join(unknown),
            {name: "This parameter is not recognised here" for name in unknown},
        )
    repeated = sorted(name for name in request.args if len(request.args.getlist(name)) > 1)
    if repeated:
        raise BadRequest(
            "A query parameter is given more than once: " + ", ".join(repeated),
            {name: "Give this parameter once" for name in repeated},
        )
    return None


def current_api_user() -> User:
    return g.api_user


def load_case(reference: str) -> tuple[Case, View]:
    """The case as the caller may see it; 404 (never 403) when they may not see it at all."""
    return case_service.get_case_for(current_api_user(), reference)


def require_full_view(level: View, what: str) -> None:
    if level != View.FULL:
        raise NotAllowed(f"Only the people handling the case can see its {what}")


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


# --- cases ----------------------------------------------------------------------


def _encode_cursor(sort: str, position: str) -> str:
    """An opaque cursor: the sort order and the key of the last case of a page (as the list page's)."""
    return base64.urlsafe_b64encode(f"{sort}:{position}".encode()).decode("ascii").rstrip("=")


def _decode_cursor(text: str, sort: str) -> str:
    """The page key in a cursor made for `sort`; 400 naming the cursor for anything else."""
    try:
        if len(text) > CURSOR_MAX:
            raise ValueError(text)
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True).decode("ascii")
    except (ValueError, UnicodeError, binascii.Error):
        raise BadRequest("The cursor is not valid", {"cursor": "Use the next_cursor of the previous page"}) from None
    made_for, _, position = raw.partition(":")
    if made_for in SORT_LABELS and made_for != sort:
        raise BadRequest(
            "The cursor was made for another sort order",
            {"cursor": f"This cursor continues sort={made_for}; ask with that sort, or leave out the cursor"},
        )
    if made_for != sort or case_service.decode_position(position, sort) is None:
        raise BadRequest("The cursor is not valid", {"cursor": "Use the next_cursor of the previous page"})
    return position


def _search() -> str | None:
    """?q=: a reference, a name or words of the description."""
    value = request.args.get("q")
    if value is None or not value.strip():
        return None
    if len(value) > SEARCH_MAX:
        raise BadRequest("The search is too long", {"q": f"Must be {SEARCH_MAX} characters or fewer"})
    if has_invalid_text(value):
        raise BadRequest("The search is not valid text", {"q": API_FIELD_MESSAGE})
    return value.strip()


def _overdue() -> bool | None:
    value = request.args.get("overdue")
    if value in (None, ""):
        return None
    if value not in ("true", "false"):
        raise BadRequest(f"Unknown overdue: {value}", {"overdue": "Must be true or false"})
    return value == "true"


def _choice(name: str, allowed) -> str | None:
    value = request.args.get(name)
    if value in (None, ""):
        return None
    if value not in allowed:
        raise BadRequest(f"Unknown {name}: {value}", {name: f"Must be one of: {', '.join(allowed)}"})
    return value


def _department() -> int | None:
    """?department=ID as on the case list page: the cases of that department."""
    value = request.args.get("department")
    if value in (None, ""):
        return None
    if not value.isdigit() or not 0 < int(value) < 2**31:
        raise BadRequest("The department is not valid", {"department": "Must be a department id, a whole number"})
    if db.session.get(Department, int(value)) is None:
        raise BadRequest(f"Unknown department: {value}", {"department": "No department has this id"})
    return int(value)


def _limit() -> int:
    value = request.args.get("limit")
    if value in (None, ""):
        return current_app.config["CASES_PER_PAGE"]
    if not value.isdigit() or not 1 <= int(value) <= PAGE_MAX:
        raise BadRequest("The limit is not valid", {"limit": f"Must be a whole number from 1 to {PAGE_MAX}"})
    return int(value)


@bp.get("/cases")
def list_cases():
    """The cases the caller may see, searched, filtered and sorted as on the Cases page (newest first unless
    asked), in pages joined by an opaque cursor."""
    user = current_api_user()
    filters = CaseFilters(
        stage=_choice("stage", list(STAGE_LABELS)),
        status=_choice("status", list(REPORTER_STATUSES)),
        kind=_choice("kind", list(Kind)),
        category=_choice("category", list(dict.fromkeys([*BREACH_CATEGORIES, *ABUSE_CATEGORIES]))),
        department_id=_department(),
        search=_search(),
        owner=_choice("owner", list(OWNER_CHOICES)),
        overdue=_overdue(),
    )
    sort = _choice("sort", list(SORT_LABELS)) or DEFAULT_SORT
    limit = _limit()
    cursor = request.args.get("cursor")
    page = case_service.list_cases(
        user,
        filters,
        after=_decode_cursor(cursor, sort) if cursor else None,
        per_page=limit,
        sort=sort,
        columns=case_list.page_columns,
        count=False,
    )
    next_cursor = _encode_cursor(sort, page.next_after) if page.next_after else None
    # Plain rows answered as the JSON the list's models give (serialise.case_list), without making them
    body = case_list.answer(db.session, page.items, page.full_view, next_cursor)
    db.session.commit()  # the token's last use
    return jsonify(body)


@bp.post("/cases")
def report_case():
    """Report a breach or online abuse: the same checks and notifications as the report form."""
    user = current_api_user()
    key = request.headers.get("Idempotency-Key")
    if key is not None and not case_service.SUBMISSION_TOKEN.fullmatch(key):
        raise BadRequest(
            "The Idempotency-Key is not valid", {"Idempotency-Key": "Use 8 to 200 printable ASCII characters"}
        )
    report = parse_report(read_json_object(request.get_data(cache=False), request.mimetype))
    # Without a key, a report like one the caller sent in the last 30 minutes is a 409 naming it;
    # a key says which submission this is: the same key is a retry, a new key a new report
    case, created = case_service.report_once(user, report, key, check_similar=key is None)
    body = schemas.body(serialise.case_for(case, permissions.view_level(user, case), user, stage=True))
    db.session.commit()
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = url_for("api_v1.show_case", reference=body["reference"])
    if not created:
        response.headers["Idempotent-Replayed"] = "true"  # the case this key already made; nothing new
    return response


@bp.get("/cases/<reference>")
def show_case(reference: str):
    user = current_api_user()
    case, level = load_case(reference)
    body = schemas.body(serialise.case_for(case, level, user))
    case_service.record_access(case, user, "view", "api")
    db.session.commit()
    return jsonify(body)


@bp.post("/cases/<reference>/actions")
def act(reference: str):
    """Take one workflow action, at the version of the case the caller last saw."""
    user = current_api_user()
    case, _ = load_case(reference)
    action, version, params = parse_action(read_json_object(request.get_data(cache=False), request.mimetype))
    perform(case, user, action, params, version=version)
    body = schemas.body(serialise.case_for(case, permissions.view_level(user, case), user))
    db.session.commit()
    return jsonify(body)


@bp.get("/cases/<reference>/events")
def events(reference: str):
    """The hash-chained audit trail; for the people handling the case only."""
    user = current_api_user()
    case, level = load_case(reference)
    require_full_view(level, "audit trail")
    body = schemas.body(serialise.event_list(case, case_events(case)))
    case_service.record_access(case, user, "view", "api: audit trail")
    db.session.commit()
    return jsonify(body)


# --- evidence ---------------------------------------------------------------------


@bp.post("/cases/<reference>/evidence")
def upload_evidence(reference: str):
    """Add a file (multipart `file`, optional `description`); stored by its SHA-256. The case's reporter may too."""
    user = current_api_user()
    case, _ = load_case(reference)
    if request.mimetype != "multipart/form-data":
        raise BadRequest("Send the file as multipart/form-data, in a field called 'file'")
    given = (set(request.form) - EVIDENCE_FORM_FIELDS) | (set(request.files) - EVIDENCE_FILE_FIELDS)
    unknown = sorted(str(name or "") for name in given)  # a part may come without a name
    if unknown:
        raise InvalidInput(
            "Unknown fields: " + ", ".join(unknown), {name: "This field is not recognised" for name in unknown}
        )
    files = request.files.getlist("file")
    if len(files) != 1 or not files[0].filename:
        raise InvalidInput("Choose a file", {"file": "Choose one file to upload"})
    descriptions = request.form.getlist("description")
    if len(descriptions) > 1:
        raise InvalidInput("Give one description", {"description": "Give one description"})
    upload = files[0]
    item = evidence_service.add_file(
        case, user, upload.stream, upload.filename, descriptions[0] if descriptions else ""
    )
    body = schemas.body(serialise.evidence(item, case.reference))
    db.session.commit()
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = body["download_url"]
    return response


@bp.get("/cases/<reference>/evidence/<evidence_id>")
def download_evidence(reference: str, evidence_id: str):
    """The file, always as an attachment with nosniff; every download is logged. A reporter gets only their own."""
    user = current_api_user()
    case, _ = load_case(reference)
    item = evidence_service.get_evidence_for(case, user, evidence_id)  # a reporter: only their own files
    response = evidence_response(item)
    case_service.record_access(case, user, "download", f"api: evidence {item.id} sha256 {item.sha256}")
    db.session.commit()
    return response


# --- reports ----------------------------------------------------------------------


@bp.get("/cases/<reference>/report.pdf")
def case_report(reference: str):
    """The sealed case report (DESIGN §7), for HR and the case's owner; every export is logged."""
    user = current_api_user()
    case, _ = load_case(reference)
    if not workflow.may_export_report(user, case):
        raise NotAllowed("Only HR and the case's owner can export its report")
    pdf = exports.case_report_pdf(case, user)
    case_service.record_access(case, user, "export", "case report PDF")
    db.session.commit()
    return pdf_response(pdf, f"{case.reference}-case-report.pdf")


@bp.get("/cases/<reference>/bundle.pdf")
def hearing_bundle(reference: str):
    """The hearing bundle (issue 13, 4), for the people who take part in the hearing or appeal; logged."""
    user = current_api_user()
    case, _ = load_case(reference)
    made = bundle_service.hearing_bundle(case, user)
    db.session.commit()
    return pdf_response(made.pdf, made.filename)


def summary_for_hr() -> summary_service.Summary:
    """The HR summary for ?from=&to=: 403 for anyone but HR, then 400 for a bad period."""
    user = current_api_user()
    if user.role != Role.HR:
        raise NotAllowed("Only HR can see the HR summary")
    period, errors = summary_service.parse_period(request.args)
    if errors:
        raise BadRequest("The period is not valid", errors)
    return summary_service.build_summary(period)


def _summary_filename(summary: summary_service.Summary, extension: str) -> str:
    return f"hr-summary-{summary.period.start}-to-{summary.period.end}.{extension}"


@bp.get("/reports/summary.json")
def summary_json():
    summary = summary_for_hr()
    db.session.commit()  # the token's last use
    return jsonify(summary_answer(summary))


@bp.get("/reports/summary.csv")
def summary_csv():
    summary = summary_for_hr()
    body = summary_service.summary_csv(summary)
    db.session.commit()
    response = current_app.response_class(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{_summary_filename(summary, "csv")}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/reports/summary.pdf")
def summary_pdf():
    summary = summary_for_hr()
    pdf = summary_service.summary_pdf(summary, current_api_user(), current_app.config["COUNCIL_NAME"])
    db.session.commit()
    return pdf_response(pdf, _summary_filename(summary, "pdf"))


# --- anything else under /api/v1 ----------------------------------------------------


@bp.route("/", defaults={"rest": ""}, methods=ALL_METHODS)
@bp.route("/<path:rest>", methods=ALL_METHODS)
def not_found(rest: str):
    """Unknown paths answer a JSON 404, and known paths with the wrong method a JSON 405."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = set()
    for method in ALL_METHODS:
        try:
            endpoint, _ = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint != "api_v1.not_found":
            allowed.add(method)
    if allowed:
        raise MethodNotAllowed(valid_methods=sorted(allowed))
    raise RouteNotFound()
