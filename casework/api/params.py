"""What each API request body may hold, and its JSON type.

One table drives both the parsing of requests and the OpenAPI document, so
the two cannot disagree. Types are checked here (a wrong type is a 400);
whether a value is acceptable (a known investigator, a finding from the
list, a reason given) is the domain's decision (a 422).
"""

import json
import re
from dataclasses import dataclass
from datetime import date

from ..domain import text, workflow
from ..domain.intake import ReportInput
from ..domain.policy import (
    ABUSE_CATEGORIES,
    AGENCIES,
    APPEAL_RESULTS,
    BREACH_CATEGORIES,
    CASE_ROLES,
    CONTENT_REMOVAL,
    FINDINGS,
    FLAGS,
    NOTE_KINDS,
    PLATFORMS,
    RECOMMENDATIONS,
    REFERRAL_STATUSES,
    RIGHTS_DECISIONS,
    SANCTIONS,
    SEVERITIES,
    Kind,
    Source,
)
from ..domain.routing import ROUTE_CODES, Scope
from ..services.errors import InvalidInput
from .errors import BadRequest

# The roles of people interviewed, as casework.domain.workflow.check accepts them
INTERVIEWEE_ROLES = ("complainant", "subject", "witness")
LIST_MAX = 100


@dataclass(frozen=True)
class Param:
    """One field of a request body: its JSON type and, for codes, the values allowed."""

    name: str
    type: str  # string, integer, boolean, string_list, accounts, date, datetime, object_list
    description: str = ""
    enum: tuple = ()
    items: tuple = ()  # for object_list: the fields of each object, as Params

    def type_error(self, value) -> str | None:
        """Why `value` is not of this field's JSON type, or None."""
        if self.type in ("string", "date", "datetime"):
            return None if isinstance(value, str) else "Must be a string"
        if self.type == "object_list":
            if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
                return "Must be a list of objects"
            fields = {p.name: p for p in self.items}
            for item in value:
                for key, inner in item.items():
                    if key not in fields:
                        return f"Unknown field in an item: {key}"
                    if inner is not None and fields[key].type_error(inner):
                        return f"{key}: {fields[key].type_error(inner)}"
            return None
        if self.type == "integer":
            return None if isinstance(value, int) and not isinstance(value, bool) else "Must be an integer"
        if self.type == "boolean":
            return None if isinstance(value, bool) else "Must be true or false"
        if self.type == "string_list":
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                return "Must be a list of strings"
            return None
        if self.type == "accounts":
            if value == "all":
                return None
            if isinstance(value, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in value):
                return None
            return 'Must be "all" or a list of council account ids'
        raise AssertionError(f"unknown parameter type {self.type}")


def _codes(mapping) -> tuple:
    return tuple(str(code) for code in mapping)


REASON = Param("reason", "string", "Why; recorded in the audit trail")
TEXT = Param("text", "string", "The text to record")
SUBJECT = Param("subject", "string", "E-mail of a person the case is about")
OVERRIDE = Param(
    "override_reason",
    "string",
    "Where another person is not practicable (ACAS Code): why separation of duties is set aside",
)
FINDING = Param("finding", "string", "The finding", _codes(FINDINGS))
SANCTION = Param("sanction", "string", "The sanction", _codes(SANCTIONS))
RIGHTS_DECISION = Param("rights_decision", "string", "Publishing rights restored or revoked", _codes(RIGHTS_DECISIONS))

ACTION_PARAMS: dict[str, tuple[Param, ...]] = {
    "take_ownership": (),
    "close_no_further_action": (REASON,),
    "suspend_rights": (
        SUBJECT,
        Param("accounts", "accounts", 'Council account ids, or "all" (the default)'),
        REASON,
    ),
    "lift_suspension": (SUBJECT, REASON),
    "review_suspension": (SUBJECT, REASON),
    "start_investigation": (
        Param("investigator", "string", "E-mail of the investigating manager or HR officer"),
        Param("no_suspension_reason", "string", "Why publishing rights are not suspended (when none are)"),
        OVERRIDE,
    ),
    "add_note": (
        Param("kind", "string", "The kind of note", _codes(NOTE_KINDS)),
        Param("interviewee_name", "string", "For an interview record: the name of the person interviewed"),
        Param("interviewee_role", "string", "For an interview record: in what role", INTERVIEWEE_ROLES),
        TEXT,
    ),
    "record_outcome": (
        Param(
            "outcomes",
            "object_list",
            "For each person the case is about: subject (e-mail), finding, sanction, rights_decision",
            items=(SUBJECT, FINDING, SANCTION, RIGHTS_DECISION),
        ),
        Param("finding", "string", "Single-subject case: the finding", _codes(FINDINGS)),
        Param("sanction", "string", "Single-subject case: the sanction, from the ladder", _codes(SANCTIONS)),
        Param(
            "rights_decision",
            "string",
            "Single-subject case: whether suspended publishing rights are restored or revoked",
            _codes(RIGHTS_DECISIONS),
        ),
        Param("summary", "string", "A summary of the decision"),
        Param("content_removed", "boolean", "Whether the content was removed"),
        Param("override_separation", "boolean", "The investigator confirms they decide the outcome anyway"),
        Param("attended", "string", "After a hearing: who attended"),
        Param("companion", "string", "After a hearing: the companion (trade union representative or colleague)"),
        Param("subject_statement", "string", "After a hearing: what the person said"),
    ),
    "update_case": (
        REASON,
        Param("categories", "string_list", "The corrected category codes"),
        Param("severity", "string", "How serious it is", _codes(SEVERITIES)),
        *(Param(flag, "boolean", label) for flag, label in FLAGS.items()),
        Param("add_subjects", "string_list", "E-mails of people to add to the case"),
        Param("remove_subjects", "string_list", "E-mails of people to take off the case"),
        Param("aware_at", "string", "When the council became aware of it (ISO date, or date and time)"),
        Param(
            "content_removal",
            "string",
            "Social Networking Policy 11.1: the decision on the content",
            _codes(CONTENT_REMOVAL),
        ),
        Param("content_removal_reason", "string", "The reason for the decision on the content"),
        Param(
            "allegations",
            "object_list",
            "Replaces the allegations: each a subject (e-mail), category and text",
            items=(SUBJECT, Param("category", "string", "The category code"), TEXT),
        ),
    ),
    "record_investigation_report": (
        Param(
            "findings",
            "object_list",
            "A finding on each allegation: subject (e-mail), category, finding",
            items=(SUBJECT, Param("category", "string", "The allegation's category"), FINDING),
        ),
        Param("summary", "string", "A summary of the investigation"),
        Param("recommendation", "string", "The recommendation", _codes(RECOMMENDATIONS)),
    ),
    "record_hr_advice": (Param("text", "string", "HR's advice to the person deciding"),),
    "arrange_hearing": (
        Param("hearing_officer", "string", "E-mail of the hearing officer"),
        Param("hearing_at", "datetime", "When, London time, as YYYY-MM-DDTHH:MM"),
        Param("subjects", "string_list", "E-mails of the people invited"),
        OVERRIDE,
    ),
    "postpone_hearing": (Param("hearing_at", "datetime", "The new date and time, London time"), REASON),
    "lodge_appeal": (
        SUBJECT,
        Param("grounds", "string", "The grounds of appeal"),
        Param("appeal_officer", "string", "E-mail of the appeal officer"),
        Param("late_reason", "string", "Why an appeal after the window is accepted"),
        OVERRIDE,
    ),
    "decide_appeal": (
        SUBJECT,
        Param("result", "string", "The result", _codes(APPEAL_RESULTS)),
        Param("sanction", "string", "When varied: the new sanction", _codes(SANCTIONS)),
        REASON,
    ),
    "waive_appeal": (SUBJECT, REASON),
    "declare_conflict": (Param("conflict", "boolean", "Whether you have a conflict of interest"), TEXT),
    "reassign": (
        Param("role", "string", "The role", _codes(CASE_ROLES)),
        Param("person", "string", "E-mail of the person who takes it"),
        REASON,
        OVERRIDE,
    ),
    "record_contractor_action": (TEXT,),
    "acknowledge_contractor_case": (),
    "record_ico_decision": (
        Param("report", "boolean", "Whether the breach is reported to the ICO"),
        REASON,
        Param("ico_reference", "string", "The ICO's reference, when reported"),
    ),
    "record_police_decision": (Param("refer", "boolean", "Whether the case is referred to the police"), REASON),
    "refer": (
        Param("agency", "string", "The agency referred to", _codes(AGENCIES)),
        REASON,
        Param("agency_reference", "string", "The agency's reference, e.g. a crime number"),
    ),
    "update_referral": (
        Param("referral_id", "integer", "The referral's id"),
        Param("status", "string", "The referral's new status", _codes(REFERRAL_STATUSES)),
        Param("result", "string", "The result (required when concluded or no further action)"),
        Param("agency_reference", "string", "The agency's reference, e.g. a crime number"),
    ),
    "resume": (),
    "record_support": (Param("text", "string", "What was done to support the member of staff"),),
    "close": (Param("reason", "string", "Optional note on closing"),),
    "reopen": (REASON,),
    "record_handoff": (
        Param("text", "string", "Who the report was passed to, when and how"),
        Param("handoff_reference", "string", "Their reference, if they gave one"),
    ),
    "close_routed": (Param("reason", "string", "Optional note on closing, e.g. what the other procedure decided"),),
    "reroute": (
        Param("reason", "string", "Why the report is returned to the disciplinary process"),
        Param("subjects", "string_list", "E-mails of the council staff it is about, when the case names none"),
    ),
}
assert set(ACTION_PARAMS) == set(workflow.ACTIONS), "every action of the workflow table has its API parameters"
for _name, _spec in workflow.ACTIONS.items():
    assert set(_spec.required) <= {p.name for p in ACTION_PARAMS[_name]}, f"{_name}: a required field is missing"

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


def parse_action(body: dict) -> tuple[str, int, dict]:
    """(action, version, params) from the body of POST /cases/{reference}/actions."""
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
    if action not in ACTION_PARAMS:
        raise InvalidInput(f"Unknown action: {action}", {"action": "Choose a known action"})
    rest = {name: value for name, value in body.items() if name not in ("action", "version")}
    return action, version, _check_types(rest, ACTION_PARAMS[action])


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
