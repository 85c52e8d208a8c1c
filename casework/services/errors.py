"""Errors a use case raises; pages and the API turn them into messages and codes."""


class ServiceError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidInput(ServiceError):
    code = "invalid"
    status = 422


class NotFound(ServiceError):
    code = "not_found"
    status = 404


class NotAllowed(ServiceError):
    code = "forbidden"
    status = 403


class Conflict(ServiceError):
    """Wrong stage, or the case changed since the form was opened."""

    code = "conflict"
    status = 409


class StaleCase(Conflict):
    """The case changed since the form or request was based on it (its version moved on)."""


STALE_MESSAGE = "This case changed since you opened it. Review the latest details and try again."
