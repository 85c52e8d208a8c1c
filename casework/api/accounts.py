"""The API of the register of council accounts (Social Networking Policy 7, 8.1, 8.6), and its part of the
OpenAPI document. The same services as the pages decide everything."""

from datetime import date

from flask import current_app, jsonify, request

from ..domain.accounts import BRIEF_FIELDS, DECISIONS, TRIAL_DECISIONS, AccountInput
from ..domain.policy import PLATFORMS
from ..extensions import db
from ..models import SocialAccount
from ..models_accounts import SocialMediaTraining
from ..services import account_cases
from ..services import account_training as training
from ..services import accounts as register
from ..services.account_register import register_csv
from ..services.deadlines import london_today
from ..services.errors import InvalidInput
from . import bp
from .params import Param, _check_types, read_json_object
from .schemas_more import CouncilAccount, CouncilAccounts, Training, TrainingList, TrainingStatus, dump
from .serialise import day, moment, person

ACCOUNT_PARAMS = (
    Param("platform", "string", "Where the account is", tuple(PLATFORMS)),
    Param("handle", "string", "The account's name or handle"),
    Param("url", "string", "Its web address (optional)"),
    Param("department", "string", "The name of the department that runs it"),
    *(Param(name, "string", label) for name, (label, _) in BRIEF_FIELDS.items()),
)
DECISION_PARAMS = (
    Param("decision", "string", "Approve (the trial starts today) or refuse", tuple(DECISIONS)),
    Param("reason", "string", "The reasons for the decision"),
)
TRIAL_REVIEW_PARAMS = (
    Param("decision", "string", "Keep the account (active) or close it (removed)", tuple(TRIAL_DECISIONS)),
    Param("note", "string", "What the review found"),
)
CLOSURE_PARAMS = (Param("reason", "string", "Why the account is closed"),)
USE_PARAMS = (Param("last_used_on", "date", "The day the account was last used"),)
TRAINING_PARAMS = (
    Param("person", "string", "The e-mail address of the person trained"),
    Param("trained_on", "date", "The day of the training (first training or a refresher)"),
    Param("note", "string", "A note (optional)"),
)
LINK_PARAMS = (Param("account_id", "integer", "The council account the case is about"),)


def _body(params) -> dict:
    return _check_types(read_json_object(request.get_data(cache=False), request.mimetype), params)


def _user():
    from .views import current_api_user

    return current_api_user()


def _date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        pass
    raise InvalidInput("Check the date", {name: "Give a date as YYYY-MM-DD"})


def _department_id(name: str | None) -> int | None:
    from ..services.users import find_department

    department = find_department(name) if name else None
    return department.id if department is not None else None


# --- serialisers -----------------------------------------------------------------------


def account_json(account: SocialAccount, today: date | None = None, publishers: int | None = None) -> CouncilAccount:
    return CouncilAccount(
        **{
            "id": account.id,
            "platform": account.platform,
            "handle": account.handle,
            "url": account.url,
            "department": account.department.name,
            "status": account.status,
            "proposed_by": person(account.proposed_by),
            **{name: getattr(account, name) for name in BRIEF_FIELDS},
            "decision": account.decision,
            "decided_by": person(account.decided_by),
            "decided_at": moment(account.decided_at),
            "decision_reason": account.decision_reason,
            "went_live_on": day(account.went_live_on),
            "trial_ends_on": day(account.trial_ends_on),
            "trial_reviewed_at": moment(account.trial_reviewed_at),
            "trial_review_note": account.trial_review_note,
            "last_used_on": day(account.last_used_on),
            "flagged_for_removal": register.removal_reason(account, today),
            "closed_at": moment(account.closed_at),
            "closure_reason": account.closure_reason,
            "closed_as_the_outcome_of_a_case": account.closed_because_case_id is not None,
        }
    )


def training_json(record: SocialMediaTraining) -> Training:
    return Training(
        **{
            "id": record.id,
            "person": person(record.user),
            "trained_on": day(record.trained_on),
            "refresher_due_on": day(record.refresher_due_on),
            "note": record.note,
            "recorded_by": person(record.recorded_by),
            "recorded_at": moment(record.recorded_at),
        }
    )


def _answer(body, status: int = 200):
    db.session.commit()
    response = jsonify(dump(body))
    response.status_code = status
    return response


# --- routes ------------------------------------------------------------------------------


@bp.get("/accounts")
def list_council_accounts():
    """The register (managers, HR, admin and the Communications team)."""
    register.require(_user(), "view_register")
    today = london_today()
    return _answer(
        CouncilAccounts(items=[account_json(entry.account, today) for entry in register.list_accounts(today)])
    )


@bp.post("/accounts")
def propose_council_account():
    """7.2: propose an account with its project brief; 422 (nothing stored) when any of it is missing."""
    user = _user()
    register.require(user, "propose")
    body = _body(ACCOUNT_PARAMS)
    given = AccountInput(
        platform=body.get("platform", ""),
        handle=body.get("handle", ""),
        url=body.get("url", ""),
        department_id=_department_id(body.get("department")),
        **{name: body.get(name, "") for name in BRIEF_FIELDS},
    )
    try:
        account = register.add_account(user, given)
    except InvalidInput as error:
        if "department_id" in error.fields:
            error.fields["department"] = error.fields.pop("department_id")
        raise
    return _answer(account_json(account), 201)


@bp.get("/accounts/register.csv")
def council_accounts_csv():
    register.require(_user(), "export")
    body = register_csv()
    db.session.commit()
    response = current_app.response_class(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="council-accounts-{london_today()}.csv"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def _account(account_id: str) -> SocialAccount:
    register.require(_user(), "view_register")
    return register.get_account(account_id)


@bp.get("/accounts/<account_id>")
def show_council_account(account_id: str):
    return _answer(account_json(_account(account_id)))


@bp.post("/accounts/<account_id>/decision")
def decide_council_account(account_id: str):
    user = _user()
    account = _account(account_id)
    register.require(user, "decide")
    body = _body(DECISION_PARAMS)
    register.decide(account, user, body.get("decision", ""), body.get("reason", ""))
    return _answer(account_json(account))


@bp.post("/accounts/<account_id>/trial-review")
def review_council_account_trial(account_id: str):
    user = _user()
    account = _account(account_id)
    register.require(user, "review_trial")
    body = _body(TRIAL_REVIEW_PARAMS)
    register.review_trial(account, user, body.get("decision", ""), body.get("note", ""))
    return _answer(account_json(account))


@bp.post("/accounts/<account_id>/closure")
def close_council_account(account_id: str):
    user = _user()
    account = _account(account_id)
    register.require(user, "close")
    body = _body(CLOSURE_PARAMS)
    register.close_account(account, user, body.get("reason", ""))
    return _answer(account_json(account))


@bp.post("/accounts/<account_id>/use")
def record_council_account_use(account_id: str):
    user = _user()
    account = _account(account_id)
    register.require(user, "record_use")
    body = _body(USE_PARAMS)
    register.record_use(account, user, _date(body.get("last_used_on"), "last_used_on"))
    return _answer(account_json(account))


@bp.get("/training")
def list_training():
    """8.1: everyone who may publish or has been trained, with their latest training."""
    register.require(_user(), "record_training")
    items = []
    for status in training.publishers_training():
        items.append(
            TrainingStatus(
                person=person(status.person),
                latest=training_json(status.latest) if status.latest else None,
                publishes_on=status.publishes_on,
                lapsed=status.lapsed,
                refresher_due_soon=status.reminder_due,
            )
        )
    return _answer(TrainingList(items=items))


@bp.post("/training")
def record_training():
    user = _user()
    register.require(user, "record_training")
    body = _body(TRAINING_PARAMS)
    record = training.record_training(
        user, body.get("person", ""), _date(body.get("trained_on"), "trained_on"), body.get("note", "")
    )
    return _answer(training_json(record), 201)


@bp.post("/cases/<reference>/council-accounts")
def link_council_account(reference: str):
    """8.6: say which council account a case is about (the case's owner, investigator or HR)."""
    from .views import load_case

    user = _user()
    case, _level = load_case(reference)
    body = _body(LINK_PARAMS)
    account = account_cases.link(case, user, body.get("account_id"))
    return _answer(account_json(account), 201)


@bp.post("/cases/<reference>/council-accounts/<account_id>/closure")
def close_council_account_for_case(reference: str, account_id: str):
    """8.6: close the council account the case is about, because of the case's outcome (owner or HR)."""
    from .views import load_case

    user = _user()
    case, _level = load_case(reference)
    body = _body(CLOSURE_PARAMS)
    account = account_cases.close_because_of(case, user, account_id, body.get("reason", ""))
    return _answer(account_json(account))


# --- the OpenAPI document's part ----------------------------------------------------------


def openapi_schemas(obj, ref, nullable, param_schema) -> dict:
    """The request bodies; the answers' schemas are generated from `schemas_more`."""

    def body(params, required):
        return obj({p.name: param_schema(p) for p in params}, required)

    return {
        "NewCouncilAccount": body(ACCOUNT_PARAMS, ["platform", "handle", "department", *BRIEF_FIELDS]),
        "CouncilAccountDecision": body(DECISION_PARAMS, ["decision", "reason"]),
        "CouncilAccountTrialReview": body(TRIAL_REVIEW_PARAMS, ["decision", "note"]),
        "CouncilAccountClosure": body(CLOSURE_PARAMS, ["reason"]),
        "CouncilAccountUse": body(USE_PARAMS, ["last_used_on"]),
        "CouncilAccountLink": body(LINK_PARAMS, ["account_id"]),
        "NewTraining": body(TRAINING_PARAMS, ["person", "trained_on"]),
    }


def openapi_paths(json_response, error) -> dict:
    account_id = {"name": "account_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    reference = {"$ref": "#/components/parameters/reference"}

    def request_body(name):
        return {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}

    def errors(*statuses):
        names = {400: "BadRequest", 401: "Unauthorised", 403: "Forbidden", 404: "NotFound", 409: "Conflict"}
        names[422] = "Invalid"
        return {str(status): error(names[status]) for status in statuses}

    def account_post(operation_id, summary, schema, parameters=(account_id,)):
        return {
            "parameters": list(parameters),
            "post": {
                "operationId": operation_id,
                "summary": summary,
                "requestBody": request_body(schema),
                "responses": {
                    "200": json_response("CouncilAccount", "The account"),
                    **errors(400, 401, 403, 404, 409, 422),
                },
            },
        }

    return {
        "/accounts": {
            "get": {
                "operationId": "listCouncilAccounts",
                "summary": "The register of council social media accounts (managers, HR, admin, Communications team)",
                "responses": {"200": json_response("CouncilAccounts", "The register"), **errors(401, 403)},
            },
            "post": {
                "operationId": "proposeCouncilAccount",
                "summary": "Propose a council account with its project brief (Social Networking Policy 7.2); "
                "a proposal without its purpose (or any part of the brief) is refused and nothing is stored",
                "requestBody": request_body("NewCouncilAccount"),
                "responses": {
                    "201": json_response("CouncilAccount", "The proposal"),
                    **errors(400, 401, 403, 422),
                },
            },
        },
        "/accounts/register.csv": {
            "get": {
                "operationId": "getCouncilAccountsCsv",
                "summary": "The register as CSV (UTF-8 with a byte order mark; formula-like cells quoted)",
                "responses": {
                    "200": {
                        "description": "The register as CSV, as an attachment",
                        "content": {"text/csv": {"schema": {"type": "string"}}},
                    },
                    **errors(401, 403),
                },
            }
        },
        "/accounts/{account_id}": {
            "parameters": [account_id],
            "get": {
                "operationId": "getCouncilAccount",
                "summary": "One council account",
                "responses": {"200": json_response("CouncilAccount", "The account"), **errors(401, 403, 404)},
            },
        },
        "/accounts/{account_id}/decision": account_post(
            "decideCouncilAccount",
            "Approve (a three-month trial starts, 7.4) or refuse a proposal, with reasons (Communications team, 7.3)",
            "CouncilAccountDecision",
        ),
        "/accounts/{account_id}/trial-review": account_post(
            "reviewCouncilAccountTrial",
            "Review a trial: keep the account (active) or close it (Communications team, 7.4)",
            "CouncilAccountTrialReview",
        ),
        "/accounts/{account_id}/closure": account_post(
            "closeCouncilAccount", "Close (remove) an account, with the reason (7.5)", "CouncilAccountClosure"
        ),
        "/accounts/{account_id}/use": account_post(
            "recordCouncilAccountUse",
            "Record the day the account was last used: one unused for ACCOUNT_DORMANT_MONTHS is flagged (7.5)",
            "CouncilAccountUse",
        ),
        "/training": {
            "get": {
                "operationId": "listTraining",
                "summary": "Social media training of everyone who may publish (Social Networking Policy 8.1)",
                "responses": {"200": json_response("TrainingList", "The training records"), **errors(401, 403)},
            },
            "post": {
                "operationId": "recordTraining",
                "summary": "Record training or a refresher; the next refresher is due TRAINING_VALID_MONTHS later",
                "requestBody": request_body("NewTraining"),
                "responses": {"201": json_response("Training", "The record"), **errors(400, 401, 403, 422)},
            },
        },
        "/cases/{reference}/council-accounts": {
            "parameters": [reference],
            "post": {
                "operationId": "linkCouncilAccount",
                "summary": "Link a case to the council account it is about (its owner, investigator or HR)",
                "requestBody": request_body("CouncilAccountLink"),
                "responses": {
                    "201": json_response("CouncilAccount", "The account linked"),
                    **errors(400, 401, 403, 404, 422),
                },
            },
        },
        "/cases/{reference}/council-accounts/{account_id}/closure": account_post(
            "closeCouncilAccountForCase",
            "Close the council account a case is about because of the case's outcome (its owner or HR, 8.6)",
            "CouncilAccountClosure",
            parameters=(reference, account_id),
        ),
    }
