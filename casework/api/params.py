"""What each API request body may hold, and its JSON type.

An action's body is read with the action's parameter model (`casework.domain.actions`), and a report's and
the other bodies with the tables below; the OpenAPI document is generated from the same models and tables,
so the two cannot disagree. Types are checked here (a wrong type is a 400); whether a value is acceptable
(a known investigator, a finding from the list, a reason given) is the domain's decision (a 422).
"""

import json
import re
from dataclasses import dataclass
from datetime import date

from ..domain import text
from ..domain.actions import ACTIONS, Action
from ..domain.actions.params import ActionParams, Refused, Unreadable, read_json
from ..domain.intake import ReportInput
from ..domain.policy import (
    ABUSE_CATEGORIES,
    BREACH_CATEGORIES,
    FLAGS,
    PLATFORMS,
    SEVERITIES,
    Kind,
    Source,
)
from ..domain.routing import ROUTE_CODES, Scope
from ..services.errors import InvalidInput
from .errors import BadRequest

LIST_MAX = 100


@dataclass(frozen=True)
class Param:
    """One field of a request body other than an action's: its JSON type and, for codes, the values allowed."""

    name: str
    type: str  # string, integer, boolean, string_list, date
    description: str = ""
    enum: tuple = ()

    def type_error(self, value) -> str | None:
        """Why `value` is not of this field's JSON type, or None."""
        if self.type in ("string", "date"):
            return None if isinstance(value, str) else "Must be a string"
        if self.type == "integer":
            return None if isinstance(value, int) and not isinstance(value, bool) else "Must be an integer"
        if self.type == "boolean":
            return None if isinstance(value, bool) else "Must be true or false"
        if self.type == "string_list":
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                return "Must be a list of strings"
            return None
        raise AssertionError(f"unknown parameter type {self.type}")


def _codes(mapping) -> tuple:
    return tuple(str(code) for code in mapping)


REPORT_PARAMS: tuple[Param, ...] = (
    Param("kind", "string", "Breach of policy or online abuse", _codes(Kind)),
    Param("source", "string", "Where the report came from (default employee_report)", _codes(Source)),
    Param("subjects", "string_list", "E-mails of the people the report is about"),
    Param(
        "categories",
        "string_list",
        "Category codes for the kind of case (breach or abuse categories)",
        tuple(dict.fromkeys([*BREACH_CATEGORIES, *ABUSE_CATEGORIES])),
    ),
    Param("platform", "string", "The platform", _codes(PLATFORMS)),
    Param("content_url", "string", "Web address of the content"),
    Param("incident_date", "date", "When it happened (YYYY-MM-DD)"),
    Param("description", "string", "What happened"),
    Param("severity", "string", "How serious it seems", _codes(SEVERITIES)),
    Param("flags", "string_list", "Flag codes that apply", _codes(FLAGS)),
    Param("complainant_name", "string", "For a complaint from outside the council: the complainant's name"),
    Param("complainant_contact", "string", "For a complaint from outside the council: how to contact them"),
    *(Param(flag, "boolean", label) for flag, label in FLAGS.items()),
    # Acceptable Use of Social Media Policy 2 and 3: who it is about decides where it goes
    Param("scope", "string", "Who the report is about (default council_staff)", _codes(Scope)),
    Param("whistleblowing", "boolean", "Whether the reporter raises it as a whistleblowing concern"),
    Param("children_at_risk", "boolean", "About someone who works in a school: whether children may be at risk"),
    Param("person_name", "string", "The councillor's or school worker's name (they are not in the staff directory)"),
    Param("school_name", "string", "About someone who works in a school: the school"),
    Param(
        "route",
        "string",
        "Where the caller expects the report to go; refused when it contradicts the answers",
        ROUTE_CODES,
    ),
)

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def read_json_object(raw: bytes, mimetype: str) -> dict:
    """The request body as a JSON object; BadRequest when it is anything else."""
    if mimetype != "application/json":
        raise BadRequest("Send a JSON object with 'Content-Type: application/json'")
    try:
        body = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequest("The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object")
    invalid = text.invalid_fields(body)
    if invalid:
        raise InvalidInput(
            "Some text is not valid Unicode: " + ", ".join(invalid), {name: text.API_FIELD_MESSAGE for name in invalid}
        )
    return body


def _too_big(value) -> bool:
    """Integers beyond 32 bits name no record, and PostgreSQL cannot compare them with an INTEGER id."""
    return isinstance(value, int) and not isinstance(value, bool) and not -(2**31) < value < 2**31


def _check_types(body: dict, params: tuple[Param, ...]) -> dict:
    """The values given for known fields (null means "not given").

    BadRequest for a value of the wrong type; InvalidInput for an unknown field.
    """
    by_name = {p.name: p for p in params}
    unknown = sorted(name for name in body if name not in by_name)
    type_errors = {}
    values = {}
    for name, value in body.items():
        param = by_name.get(name)
        if param is None or value is None:
            continue
        problem = param.type_error(value)
        if problem:
            type_errors[name] = problem
        elif isinstance(value, list) and len(value) > LIST_MAX:
            raise InvalidInput("Too many values", {name: f"Give at most {LIST_MAX} values"})
        elif any(_too_big(item) for item in (value if isinstance(value, list) else [value])):
            raise InvalidInput("A number is out of range", {name: "No such record"})
        else:
            values[name] = value
    if type_errors:
        raise BadRequest("Some fields have the wrong type", type_errors)
    if unknown:
        raise InvalidInput(
            "Unknown fields: " + ", ".join(unknown), {name: "This field is not recognised" for name in unknown}
        )
    return values


def parse_action(body: dict) -> tuple[Action, int, ActionParams]:
    """(action, version, params) from the body of POST /cases/{reference}/actions: the action's declaration,
    and its parameters read with the action's model."""
    action = body.get("action")
    version = body.get("version")
    if action is not None and not isinstance(action, str):
        raise BadRequest("Some fields have the wrong type", {"action": "Must be a string"})
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise BadRequest("Some fields have the wrong type", {"version": "Must be an integer"})
    missing = {}
    if not action:
        missing["action"] = "Choose an action"
    if version is None:
        missing["version"] = "Send the version of the case you are acting on"
    if missing:
        raise InvalidInput("Check the highlighted fields", missing)
    declared = ACTIONS.get(action)
    if declared is None:
        raise InvalidInput(f"Unknown action: {action}", {"action": "Choose a known action"})
    rest = {name: value for name, value in body.items() if name not in ("action", "version")}
    try:
        params = read_json(declared.params, rest)
    except Unreadable as error:
        raise BadRequest("Some fields have the wrong type", error.fields) from None
    except Refused as error:
        raise InvalidInput(error.message, error.fields) from None
    return declared, version, params


def parse_report(body: dict) -> ReportInput:
    """A ReportInput from the body of POST /cases (types checked; values are the domain's to judge)."""
    values = _check_types(body, REPORT_PARAMS)
    incident_date = None
    if "incident_date" in values:
        text = values["incident_date"]
        try:
            if not ISO_DATE.fullmatch(text):
                raise ValueError(text)
            incident_date = date.fromisoformat(text)
        except ValueError:
            raise InvalidInput(
                "Check the highlighted fields", {"incident_date": "Enter a real date, as YYYY-MM-DD"}
            ) from None
    flags = list(values.get("flags", []))
    flags += [flag for flag in FLAGS if values.get(flag) is True and flag not in flags]
    return ReportInput(
        kind=values.get("kind", ""),
        source=values.get("source", Source.EMPLOYEE_REPORT),
        subjects=list(values.get("subjects", [])),
        categories=list(values.get("categories", [])),
        platform=values.get("platform", ""),
        content_url=values.get("content_url", ""),
        incident_date=incident_date,
        description=values.get("description", ""),
        severity=values.get("severity", ""),
        flags=flags,
        complainant_name=values.get("complainant_name", ""),
        complainant_contact=values.get("complainant_contact", ""),
        scope=values.get("scope", Scope.COUNCIL_STAFF),
        whistleblowing=values.get("whistleblowing") is True,
        children_at_risk=values.get("children_at_risk"),
        person_name=values.get("person_name", ""),
        school_name=values.get("school_name", ""),
        route=values.get("route"),
    )
