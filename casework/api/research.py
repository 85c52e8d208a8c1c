"""The API of online research, RIPA authorisations and the monitoring question (Acceptable Use of Social
Media Policy 8), and its part of the OpenAPI document. The same services as the pages decide everything."""

from datetime import date, datetime

from flask import jsonify, request

from ..domain import research as rules
from ..domain.policy import PLATFORMS, Role
from ..domain.research import MONITORING_ANSWERS, ResearchInput
from ..extensions import db
from ..models_research import MonitoringAuthorisation, RipaAuthorisation
from ..models_research import OnlineResearch as OnlineResearchRow
from ..services import cases as case_service
from ..services import research as research_service
from ..services import research_report
from ..services.deadlines import london_today
from ..services.errors import InvalidInput, NotAllowed
from ..services.summary import parse_period
from . import bp
from .errors import BadRequest
from .params import Param, _check_types, read_json_object
from .schemas_more import (
    Authorisation,
    CaseResearch,
    LoggedResearch,
    MonitoringAnswer,
    OnlineResearch,
    ResearchReport,
    dump,
)
from .serialise import day, moment, person

RESEARCH_PARAMS = (
    Param("platform", "string", "Where the profile is", tuple(PLATFORMS)),
    Param("profile", "string", "Whose profile: a name, and the handle or web address"),
    Param("purpose", "string", "Why it was looked at"),
    Param("looked_at", "string", "What was looked at (and anything copied)"),
    Param("viewed_at", "string", "When (ISO 8601 date-time with its offset); now when left out"),
)
APPLICATION_PARAMS = (
    Param("platform", "string", "Where the profile is", tuple(PLATFORMS)),
    Param("profile", "string", "Whose profile the research is about"),
    Param("application", "string", "The research wanted: what, how often, for how long"),
    Param("necessity", "string", "Why it is necessary"),
    Param("proportionality", "string", "Why it is proportionate"),
)
DECISION_PARAMS = (
    Param("decision", "string", "Grant or refuse", ("authorised", "refused")),
    Param("reason", "string", "The authorising officer's reasons on necessity and proportionality"),
    Param("starts_on", "date", "When it comes into force (default today); it lasts three months"),
)
REVIEW_PARAMS = (Param("text", "string", "Is it still necessary and proportionate?"),)
CANCELLATION_PARAMS = (Param("reason", "string", "Why it is cancelled"),)
MONITORING_PARAMS = (
    Param("answer", "string", "Was the monitoring authorised?", tuple(str(code) for code in MONITORING_ANSWERS)),
    Param("detail", "string", "The authorisation's reference, why none was needed, or what is being done"),
    Param("authorisation_id", "integer", "An authorisation of this case that covered the monitoring"),
)


def _body(params) -> dict:
    return _check_types(read_json_object(request.get_data(cache=False), request.mimetype), params)


def _user():
    from .views import current_api_user

    return current_api_user()


def _full_case(reference: str):
    from .views import load_case, require_full_view

    case, level = load_case(reference)
    require_full_view(level, "online research")
    return case


def _date_time(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise InvalidInput("Check the time", {name: "Give a date and time with its offset, e.g. 2026-03-27T14:30Z"})
    return parsed


def _date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        pass
    raise InvalidInput("Check the date", {name: "Give a date as YYYY-MM-DD"})


# --- serialisers -----------------------------------------------------------------------


def research_entry(item: OnlineResearchRow) -> OnlineResearch:
    return OnlineResearch(
        **{
            "id": item.id,
            "reference": item.case.reference,
            "platform": item.platform,
            "profile": item.profile,
            "purpose": item.purpose,
            "looked_at": item.looked_at,
            "viewed_at": moment(item.viewed_at),
            "researcher": person(item.researcher),
            "views_in_window": item.views_in_window,
            "authorisation_id": item.authorisation_id,
        }
    )


def authorisation(item: RipaAuthorisation, today: date | None = None) -> Authorisation:
    today = today or london_today()
    return Authorisation(
        **{
            "id": item.id,
            "reference": item.case.reference,
            "platform": item.platform,
            "profile": item.profile,
            "state": rules.state(item, today),
            "application": item.application,
            "necessity": item.necessity,
            "proportionality": item.proportionality,
            "applied_by": person(item.applied_by),
            "applied_at": moment(item.applied_at),
            "decision_due_on": day(item.decision_due_on),
            "authorising_officer": person(item.decided_by),
            "decided_at": moment(item.decided_at),
            "decision_reason": item.decision_reason,
            "starts_on": day(item.starts_on),
            "expires_on": day(item.expires_on),
            "next_review_on": day(item.next_review_on),
            "reviews": [
                {
                    "reviewed_by": person(entry.reviewed_by),
                    "reviewed_at": moment(entry.reviewed_at),
                    "text": entry.text,
                    "next_review_on": day(entry.next_review_on),
                }
                for entry in item.reviews
            ],
            "cancelled_by": person(item.cancelled_by),
            "cancelled_at": moment(item.cancelled_at),
            "cancellation_reason": item.cancellation_reason,
            "deadlines": [
                {"label": deadline.label, "due_on": day(deadline.due_on), "overdue": deadline.overdue}
                for deadline in research_service.deadlines(item, today)
            ],
        }
    )


def monitoring(item: MonitoringAuthorisation | None) -> MonitoringAnswer | None:
    if item is None:
        return None
    return MonitoringAnswer(
        **{
            "answer": item.answer,
            "detail": item.detail,
            "authorisation_id": item.authorisation_id,
            "recorded_by": person(item.recorded_by),
            "recorded_at": moment(item.recorded_at),
        }
    )


# --- routes ------------------------------------------------------------------------------


@bp.get("/cases/<reference>/research")
def list_research(reference: str):
    """The research logged on a case, its authorisations, and (for council monitoring) the monitoring answer."""
    user = _user()
    case = _full_case(reference)
    today = london_today()
    body = CaseResearch(
        reference=case.reference,
        research=[research_entry(item) for item in research_service.research_of(case)],
        authorisations=[authorisation(item, today) for item in research_service.authorisations_of(case)],
        asks_whether_monitoring_was_authorised=research_service.asks_about_monitoring(case),
        monitoring=monitoring(research_service.monitoring_answer(case)),
    )
    case_service.record_access(case, user, "view", "api: online research")
    db.session.commit()
    return jsonify(dump(body))


@bp.post("/cases/<reference>/research")
def log_research(reference: str):
    """Log a look at a person's social media; 409 `authorisation_required` past the repeat-view limit."""
    user = _user()
    case = _full_case(reference)
    body = _body(RESEARCH_PARAMS)
    given = ResearchInput(
        platform=body.get("platform", ""),
        profile=body.get("profile", ""),
        purpose=body.get("purpose", ""),
        looked_at=body.get("looked_at", ""),
        viewed_at=_date_time(body.get("viewed_at"), "viewed_at"),
    )
    logged = research_service.log_research(case, user, given)
    answer = dump(LoggedResearch(research=research_entry(logged.entry), warning=logged.warning))
    db.session.commit()
    response = jsonify(answer)
    response.status_code = 201
    return response


@bp.post("/cases/<reference>/authorisations")
def apply_for_authorisation(reference: str):
    user = _user()
    case = _full_case(reference)
    body = _body(APPLICATION_PARAMS)
    item = research_service.apply(
        case,
        user,
        platform=body.get("platform", ""),
        profile=body.get("profile", ""),
        application=body.get("application", ""),
        necessity=body.get("necessity", ""),
        proportionality=body.get("proportionality", ""),
    )
    answer = dump(authorisation(item))
    db.session.commit()
    response = jsonify(answer)
    response.status_code = 201
    return response


@bp.get("/authorisations/<authorisation_id>")
def show_authorisation(authorisation_id: str):
    item = research_service.get_authorisation(_user(), authorisation_id)
    answer = dump(authorisation(item))
    db.session.commit()
    return jsonify(answer)


@bp.post("/authorisations/<authorisation_id>/decision")
def decide_authorisation(authorisation_id: str):
    user = _user()
    item = research_service.get_authorisation(user, authorisation_id)
    body = _body(DECISION_PARAMS)
    research_service.decide(
        item,
        user,
        decision=body.get("decision", ""),
        reason=body.get("reason", ""),
        starts_on=_date(body.get("starts_on"), "starts_on"),
    )
    answer = dump(authorisation(item))
    db.session.commit()
    return jsonify(answer)


@bp.post("/authorisations/<authorisation_id>/reviews")
def review_authorisation(authorisation_id: str):
    user = _user()
    item = research_service.get_authorisation(user, authorisation_id)
    body = _body(REVIEW_PARAMS)
    research_service.review(item, user, text=body.get("text", ""))
    answer = dump(authorisation(item))
    db.session.commit()
    return jsonify(answer)


@bp.post("/authorisations/<authorisation_id>/cancellation")
def cancel_authorisation(authorisation_id: str):
    user = _user()
    item = research_service.get_authorisation(user, authorisation_id)
    body = _body(CANCELLATION_PARAMS)
    research_service.cancel(item, user, reason=body.get("reason", ""))
    answer = dump(authorisation(item))
    db.session.commit()
    return jsonify(answer)


@bp.put("/cases/<reference>/monitoring-authorisation")
def answer_monitoring(reference: str):
    user = _user()
    case = _full_case(reference)
    body = _body(MONITORING_PARAMS)
    row = research_service.record_monitoring_answer(
        case,
        user,
        answer=body.get("answer", ""),
        detail=body.get("detail", ""),
        authorisation_id=body.get("authorisation_id"),
    )
    answer = dump(monitoring(row))
    db.session.commit()
    return jsonify(answer)


@bp.get("/reports/online-research.json")
def research_report_json():
    """Research and authorisations in a period (HR only), for the senior responsible officer and IPCO."""
    user = _user()
    if user.role != Role.HR:
        raise NotAllowed("Only HR can see the report of online research")
    period, errors = parse_period(request.args)
    if errors:
        raise BadRequest("The period is not valid", errors)
    report = research_report.build(period)
    answer = ResearchReport(
        from_=report.period.start.isoformat(),
        to=report.period.end.isoformat(),
        figures=report.figures,
        research=[research_entry(item) for item in report.research],
        authorisations=[authorisation(item, report.today) for item in report.authorisations],
    )
    db.session.commit()
    return jsonify(dump(answer))


# --- the OpenAPI document's part ----------------------------------------------------------


def openapi_schemas(obj, ref, nullable, param_schema) -> dict:
    """The request bodies; the answers' schemas are generated from `schemas_more`."""

    def body(params, required):
        return obj({p.name: param_schema(p) for p in params}, required)

    return {
        "NewResearch": body(RESEARCH_PARAMS, ["platform", "profile", "purpose", "looked_at"]),
        "NewAuthorisation": body(APPLICATION_PARAMS, [p.name for p in APPLICATION_PARAMS]),
        "AuthorisationDecision": body(DECISION_PARAMS, ["decision", "reason"]),
        "AuthorisationReview": body(REVIEW_PARAMS, ["text"]),
        "AuthorisationCancellation": body(CANCELLATION_PARAMS, ["reason"]),
        "NewMonitoringAnswer": body(MONITORING_PARAMS, ["answer", "detail"]),
    }


def openapi_paths(json_response, error) -> dict:
    reference = {"$ref": "#/components/parameters/reference"}
    authorisation_id = {"name": "authorisation_id", "in": "path", "required": True, "schema": {"type": "integer"}}

    def request_body(name):
        return {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}

    def errors(*statuses):
        names = {
            400: "BadRequest",
            401: "Unauthorised",
            403: "Forbidden",
            404: "NotFound",
            409: "Conflict",
            422: "Invalid",
        }
        return {str(status): error(names[status]) for status in statuses}

    def officer_post(operation_id, summary, schema):
        return {
            "parameters": [authorisation_id],
            "post": {
                "operationId": operation_id,
                "summary": summary,
                "requestBody": request_body(schema),
                "responses": {
                    "200": json_response("Authorisation", "The authorisation"),
                    **errors(400, 401, 403, 404, 409, 422),
                },
            },
        }

    return {
        "/cases/{reference}/research": {
            "parameters": [reference],
            "get": {
                "operationId": "listOnlineResearch",
                "summary": "Online research logged on a case, its authorisations and the monitoring answer",
                "responses": {"200": json_response("CaseResearch", "The case's research"), **errors(401, 403, 404)},
            },
            "post": {
                "operationId": "logOnlineResearch",
                "summary": "Log a look at a person's social media (Acceptable Use of Social Media Policy 8). "
                "At the repeat-view limit the answer carries a warning; past it, 409 authorisation_required "
                "unless an authorisation is in force",
                "requestBody": request_body("NewResearch"),
                "responses": {
                    "201": json_response("LoggedResearch", "Logged"),
                    **errors(400, 401, 403, 404, 409, 422),
                },
            },
        },
        "/cases/{reference}/authorisations": {
            "parameters": [reference],
            "post": {
                "operationId": "applyForAuthorisation",
                "summary": "Apply for an authorisation to research one profile",
                "requestBody": request_body("NewAuthorisation"),
                "responses": {
                    "201": json_response("Authorisation", "The application"),
                    **errors(400, 401, 403, 404, 409, 422),
                },
            },
        },
        "/cases/{reference}/monitoring-authorisation": {
            "parameters": [reference],
            "put": {
                "operationId": "answerMonitoringAuthorisation",
                "summary": "For a case from the council's monitoring: record whether the monitoring was authorised",
                "requestBody": request_body("NewMonitoringAnswer"),
                "responses": {
                    "200": json_response("MonitoringAnswer", "The answer"),
                    **errors(400, 401, 403, 404, 409, 422),
                },
            },
        },
        "/authorisations/{authorisation_id}": {
            "parameters": [authorisation_id],
            "get": {
                "operationId": "getAuthorisation",
                "summary": "One authorisation (authorising officers, HR and the people handling its case)",
                "responses": {"200": json_response("Authorisation", "The authorisation"), **errors(401, 404)},
            },
        },
        "/authorisations/{authorisation_id}/decision": officer_post(
            "decideAuthorisation", "Grant or refuse an application (an authorising officer)", "AuthorisationDecision"
        ),
        "/authorisations/{authorisation_id}/reviews": officer_post(
            "reviewAuthorisation", "Review an authorisation in force (an authorising officer)", "AuthorisationReview"
        ),
        "/authorisations/{authorisation_id}/cancellation": officer_post(
            "cancelAuthorisation", "Cancel an authorisation (an authorising officer)", "AuthorisationCancellation"
        ),
        "/reports/online-research.json": {
            "get": {
                "operationId": "getOnlineResearchReport",
                "summary": "Online research and authorisations in a period (HR only), for the senior responsible "
                "officer and inspection by the Investigatory Powers Commissioner's Office",
                "parameters": [
                    {"$ref": "#/components/parameters/periodFrom"},
                    {"$ref": "#/components/parameters/periodTo"},
                ],
                "responses": {"200": json_response("ResearchReport", "The report"), **errors(400, 401, 403)},
            }
        },
    }
