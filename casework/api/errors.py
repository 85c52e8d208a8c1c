"""The API's errors: one JSON shape, `{"error": {"code", "message", "fields"}}`, for every failure."""

from flask import Blueprint, current_app, jsonify
from werkzeug.exceptions import HTTPException

from ..extensions import db
from ..services.errors import ServiceError
from .schemas_more import Error, ErrorDetail, dump


class BadRequest(ServiceError):
    """The request could not be read: not JSON, not an object, or a value of the wrong type."""

    code = "bad_request"
    status = 400


class Unauthorised(ServiceError):
    """No bearer token, or one that is unknown, expired, revoked or belongs to a disabled account."""

    code = "unauthorised"
    status = 401


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorised",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
}

HTTP_MESSAGES = {
    400: "The request could not be read",
    401: "Send a valid API token as 'Authorization: Bearer TOKEN'",
    403: "You cannot do that on this case",
    404: "Not found",
    405: "That method is not allowed here",
    413: "The request is too large",
    429: "Too many requests: wait and try again",
    500: "Sorry, there is a problem with the service. Nothing was saved.",
}


def error_response(
    status: int,
    code: str,
    message: str,
    fields: dict | None = None,
    headers: dict | None = None,
    reference: str | None = None,
):
    detail = {"code": code, "message": message, "fields": {name: str(text) for name, text in (fields or {}).items()}}
    if reference is not None:
        detail["reference"] = reference  # the case the error is about, e.g. a report like this one
    response = jsonify(dump(Error(error=ErrorDetail(**detail))))
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def register_error_handlers(bp: Blueprint) -> None:
    """Every error raised under /api/v1 answers JSON, never an HTML page, and rolls back."""

    @bp.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        db.session.rollback()
        headers = {}
        if error.status == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="casework"'
        return error_response(
            error.status, error.code, error.message, error.fields, headers, getattr(error, "reference", None)
        )

    def http_error(error: HTTPException):
        db.session.rollback()
        status = error.code or 500
        headers = {}
        if status == 405 and getattr(error, "valid_methods", None):
            headers["Allow"] = ", ".join(error.valid_methods)
        message = HTTP_MESSAGES.get(status) or error.description or "Error"
        return error_response(status, HTTP_CODES.get(status, "error"), message, headers=headers)

    # By status code as well as by class: the app's HTML handlers are registered
    # by code, and a handler registered by code is chosen before one by class.
    bp.register_error_handler(HTTPException, http_error)
    for status in HTTP_CODES:
        if status not in (401, 409, 422):  # raised here only as ServiceErrors
            bp.register_error_handler(status, http_error)

    @bp.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        current_app.logger.exception("Unexpected error in the API")
        return error_response(500, "server_error", HTTP_MESSAGES[500])
