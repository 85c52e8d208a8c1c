"""The OpenAPI 3.1 document of the API, generated from the policy lists, the actions' declarations (their
parameter models), the API's tables of the other request bodies and the models its answers are built with,
so that it cannot drift from what the API does."""

from functools import cache
from typing import Literal

from pydantic import Field, create_model
from pydantic.json_schema import models_json_schema

from ..domain.actions import ACTIONS
from ..domain.evidence import ALLOWED_TYPES as EVIDENCE_TYPES
from ..services.case_filters import DEFAULT_SORT, OWNER_CHOICES, SORT_LABELS
from ..services.case_search import SEARCH_MAX
from . import accounts as accounts_api
from . import captures as captures_api
from . import research as research_api
from .params import REPORT_PARAMS, Param
from .schemas import ANSWERS, ENUMS
from .schemas_more import MORE_ANSWERS


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    if isinstance(schema.get("type"), str) and "enum" not in schema:
        return {**schema, "type": [schema["type"], "null"]}
    return {"oneOf": [schema, {"type": "null"}]}


def obj(properties: dict, required=None, *, description: str = "", closed: bool = True) -> dict:
    schema = {"type": "object", "properties": properties, "required": list(required or properties)}
    if closed:
        schema["additionalProperties"] = False
    if description:
        schema["description"] = description
    return schema


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
DATE_TIME = {"type": "string", "format": "date-time"}


def _enum_ref(values) -> dict | None:
    for name, (codes, _) in ENUMS.items():
        if list(values) == codes:
            return ref(name)
    return None


def param_schema(param: Param) -> dict:
    """The JSON Schema of one field of a request body other than an action's, from the API's tables."""
    if param.type == "string":
        schema = (_enum_ref(param.enum) or {"type": "string", "enum": list(param.enum)}) if param.enum else STRING
    elif param.type == "date":
        schema = DATE
    elif param.type == "integer":
        schema = INTEGER
    elif param.type == "boolean":
        schema = BOOLEAN
    elif param.type == "string_list":
        items = (_enum_ref(param.enum) or {"type": "string", "enum": list(param.enum)}) if param.enum else STRING
        schema = {"type": "array", "items": items}
    else:  # pragma: no cover - the table only uses the types above
        raise AssertionError(param.type)
    if param.description:
        schema = {"description": param.description, **({"allOf": [schema]} if "$ref" in schema else schema)}
    return schema


def tidy(node):
    """A generated JSON Schema without pydantic's titles and its `default: null` on fields that may be left out."""
    if isinstance(node, list):
        return [tidy(item) for item in node]
    if not isinstance(node, dict):
        return node
    tidied = {}
    for key, value in node.items():
        if (key == "title" and isinstance(value, str)) or (key == "default" and value is None):
            continue
        if key in ("properties", "$defs"):
            tidied[key] = {name: tidy(schema) for name, schema in value.items()}
        else:
            tidied[key] = tidy(value)
    return tidied


def answer_schemas() -> dict:
    """The schemas of the answers (cases, events, evidence, errors, the HR summary, research, captures, council
    accounts and everything in them), generated from the pydantic models the API builds them with."""
    _, generated = models_json_schema(
        [(model, "serialization") for model in (*ANSWERS, *MORE_ANSWERS)],
        ref_template="#/components/schemas/{model}",
    )
    return _named_codes(tidy(generated["$defs"]))


def _named_codes(node):
    """A code list that is one of the named ones (`Finding`, `Sanction`...) as a reference to it."""
    if isinstance(node, list):
        return [_named_codes(item) for item in node]
    if not isinstance(node, dict):
        return node
    if set(node) in ({"type", "enum"}, {"enum"}) and node.get("type", "string") == "string":
        named = next((name for name, (codes, _) in ENUMS.items() if codes == node["enum"]), None)
        if named:
            return ref(named)
    return {key: _named_codes(value) for key, value in node.items()}


def _action_description(spec) -> str:
    leads_to = {None: "the case stays at its stage", "previous": "back to the stage before the referral"}.get(
        spec.to_stage, f"the case moves to {spec.to_stage}"
    )
    return (
        f"{spec.label}. {spec.description} From {', '.join(sorted(spec.from_stages))}; "
        f"{leads_to}. For {', '.join(sorted(spec.kinds))} cases.".replace(". .", ".").replace("  ", " ")
    )


def action_schemas() -> dict:
    """Each action's request body (`Action_<name>`), generated from the action's parameter model with the
    action's name and the case's version added, and `ActionRequest`, the one of them the body is."""
    models = [
        create_model(
            "Action_" + name,
            __base__=spec.params,
            __doc__=_action_description(spec),
            action=(Literal[name], ...),
            version=(int, Field(description="The version of the case you are acting on")),
        )
        for name, spec in ACTIONS.items()
    ]
    _, generated = models_json_schema(
        [(model, "validation") for model in models], ref_template="#/components/schemas/{model}"
    )
    schemas = _named_codes(tidy(generated["$defs"]))
    schemas["ActionRequest"] = {
        "oneOf": [ref("Action_" + name) for name in ACTIONS],
        "discriminator": {
            "propertyName": "action",
            "mapping": {name: f"#/components/schemas/Action_{name}" for name in ACTIONS},
        },
    }
    return schemas


def _schemas() -> dict:
    schemas: dict = {
        name: {"type": "string", "enum": codes, "description": text} for name, (codes, text) in ENUMS.items()
    }
    schemas.update(answer_schemas())

    report_properties = {p.name: param_schema(p) for p in REPORT_PARAMS}
    report_properties["subjects"]["items"] = {"type": "string", "format": "email"}
    schemas["NewCase"] = obj(
        report_properties,
        required=["kind", "categories", "platform", "incident_date", "description"],
        description="A report. Flags may be sent as a list in `flags` or as booleans named after each flag. "
        "`subjects` is required for a breach. Managers and HR may log complaints from other sources, "
        "with the complainant's details.",
    )

    schemas.update(action_schemas())
    schemas["EvidenceUpload"] = obj(
        {
            "file": {"type": "string", "contentMediaType": "application/octet-stream"},
            "description": STRING,
        },
        required=["file"],
    )
    schemas.update(research_api.openapi_schemas(obj, ref, nullable, param_schema))
    schemas.update(captures_api.openapi_schemas(obj, ref, nullable, param_schema))
    schemas.update(accounts_api.openapi_schemas(obj, ref, nullable, param_schema))
    return schemas


ERROR_RESPONSES = {
    "BadRequest": "Malformed: not JSON, not an object, a value of the wrong type, or a bad query parameter",
    "Unauthorised": "No bearer token, or one that is wrong, expired or revoked",
    "Forbidden": "You may see the case but not do this",
    "NotFound": "No such case, or not one you may see",
    "Conflict": "Wrong stage for this action, or the case changed since that version",
    "SimilarReport": "You sent a report with the same kind, subjects and description in the last 30 minutes "
    "(code similar_report); error.reference names it",
    "TooLarge": "The file or request is too large",
    "Invalid": "Invalid fields, named in error.fields (unknown fields too)",
    "BadPeriod": "A date is not YYYY-MM-DD, is out of range, or the period ends before it starts "
    "or is longer than ten years; error.fields names `from` or `to`",
    "HROnly": "Only HR may see the HR summary",
    "NoHearing": "The case has no hearing or appeal yet: a hearing bundle is made for one (code conflict)",
    "SigningUnavailable": "A signing certificate is configured but cannot be used (a missing file, a wrong "
    "passphrase, an expired certificate): no bundle is made, and error.message says why "
    "(code signing_unavailable)",
}


def _error(name: str) -> dict:
    return {"$ref": f"#/components/responses/{name}"}


def _json(schema_name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ref(schema_name)}}}


DOWNLOAD_HEADERS = {
    "Content-Disposition": {"schema": STRING, "description": "attachment, with a file name"},
    "X-Content-Type-Options": {"schema": {"type": "string", "enum": ["nosniff"]}},
    "Cache-Control": {"schema": {"type": "string", "enum": ["no-store"]}},
}


def _summary_path(operation_id: str, summary: str, ok: dict) -> dict:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": [
                {"$ref": "#/components/parameters/periodFrom"},
                {"$ref": "#/components/parameters/periodTo"},
            ],
            "responses": {
                "200": ok,
                "400": _error("BadPeriod"),
                "401": _error("Unauthorised"),
                "403": _error("HROnly"),
            },
        }
    }


def _summary_paths() -> dict:
    return {
        "/reports/summary.json": _summary_path(
            "getSummary", "The HR summary for a period (HR only)", _json("Summary", "The summary")
        ),
        "/reports/summary.csv": _summary_path(
            "getSummaryCsv",
            "The HR summary as CSV (HR only): UTF-8 with a byte order mark, rows of section, item, code, value",
            {
                "description": "The summary as CSV, as an attachment",
                "headers": DOWNLOAD_HEADERS,
                "content": {"text/csv": {"schema": {"type": "string"}}},
            },
        ),
        "/reports/summary.pdf": _summary_path(
            "getSummaryPdf",
            "The HR summary as a PDF with charts, marked OFFICIAL-SENSITIVE (HR only)",
            {
                "description": "The summary as a PDF, as an attachment",
                "headers": DOWNLOAD_HEADERS,
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            },
        ),
    }


def _paths() -> dict:
    reference = {"$ref": "#/components/parameters/reference"}
    case_or_reporter = {
        "description": "The case as the caller may see it",
        "content": {"application/json": {"schema": {"oneOf": [ref("Case"), ref("ReporterCase")]}}},
    }
    return {
        "/openapi.json": {
            "get": {
                "operationId": "getOpenAPIDocument",
                "summary": "This document",
                "security": [],
                "responses": {"200": {"description": "The OpenAPI document", "content": {"application/json": {}}}},
            }
        },
        "/cases": {
            "get": {
                "operationId": "listCases",
                "summary": "The cases the caller may see, searched, filtered and sorted (newest first by default)",
                "parameters": [
                    {
                        "name": "q",
                        "in": "query",
                        "description": "Search: a case reference or its beginning (SMC-2026-0004), or words that "
                        "each begin a word of the description or of the name of a subject, the reporter or a "
                        "complainant. A report the caller sees only as its reporter matches by its reference "
                        "and description only. Punctuation only separates words.",
                        "schema": {"type": "string", "maxLength": SEARCH_MAX},
                    },
                    {
                        "name": "sort",
                        "in": "query",
                        "description": "newest or oldest (reported date), updated (recently changed), deadline "
                        "(next deadline, soonest first; cases without one last) or stage (workflow order). "
                        "A report seen only as its reporter is placed by what its reporter sees.",
                        "schema": {"type": "string", "enum": list(SORT_LABELS), "default": DEFAULT_SORT},
                    },
                    {
                        "name": "owner",
                        "in": "query",
                        "description": "mine: cases the caller owns; unassigned: cases nobody owns yet "
                        "(never reports seen only as reporter)",
                        "schema": {"type": "string", "enum": list(OWNER_CHOICES)},
                    },
                    {
                        "name": "overdue",
                        "in": "query",
                        "description": "true: open cases past their next deadline; false: the others "
                        "(never reports seen only as reporter)",
                        "schema": {"type": "string", "enum": ["true", "false"]},
                    },
                    {
                        "name": "stage",
                        "in": "query",
                        "description": "Cases seen in full at this stage; reports the caller sees only as their "
                        "reporter match by the status this stage shows as",
                        "schema": ref("Stage"),
                    },
                    {
                        "name": "status",
                        "in": "query",
                        "description": "Cases whose plain-language status is this",
                        "schema": ref("ReporterStatus"),
                    },
                    {"name": "kind", "in": "query", "schema": ref("Kind")},
                    {
                        "name": "category",
                        "in": "query",
                        "description": "Cases seen in full with this category (never reports seen only as reporter)",
                        "schema": ref("Category"),
                    },
                    {
                        "name": "department",
                        "in": "query",
                        "description": "Only the cases of this department (its id, as on the case list page)",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                    },
                    {
                        "name": "cursor",
                        "in": "query",
                        "description": "The next_cursor of the previous page, with the same sort",
                        "schema": STRING,
                    },
                    {
                        "name": "limit",
                        "in": "query",
                        "description": "Cases per page",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25},
                    },
                ],
                "responses": {
                    "200": _json("CaseList", "A page of cases"),
                    "400": _error("BadRequest"),
                    "401": _error("Unauthorised"),
                },
            },
            "post": {
                "operationId": "reportCase",
                "summary": "Report a breach or online abuse",
                "parameters": [
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": False,
                        "description": "A key of your choosing for this report: sending it again with the same key "
                        "and the same report makes no second case, and answers the case the first made; the same "
                        "key with a different report is a 422. Without a key, a report with the same kind, "
                        "subjects and description as one you sent in the last 30 minutes is a 409 naming it; "
                        "send it with a new key to report it anyway",
                        "schema": {"type": "string", "pattern": "^[!-~]{8,200}$"},
                    }
                ],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("NewCase")}}},
                "responses": {
                    "201": {
                        **case_or_reporter,
                        "description": "Reported (or, for an Idempotency-Key already used, the case it made); "
                        "the answer carries `reference` and `stage`",
                        "headers": {
                            "Location": {"schema": STRING},
                            "Idempotent-Replayed": {
                                "schema": {"type": "string", "enum": ["true"]},
                                "description": "Present when the key was used before and no case was made",
                            },
                        },
                    },
                    "400": _error("BadRequest"),
                    "401": _error("Unauthorised"),
                    "409": _error("SimilarReport"),
                    "422": _error("Invalid"),
                },
            },
        },
        "/cases/{reference}": {
            "parameters": [reference],
            "get": {
                "operationId": "getCase",
                "summary": "One case: the full view, or the reporter's view",
                "responses": {"200": case_or_reporter, "401": _error("Unauthorised"), "404": _error("NotFound")},
            },
        },
        "/cases/{reference}/actions": {
            "parameters": [reference],
            "post": {
                "operationId": "actOnCase",
                "summary": "Take a workflow action at a version of the case",
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("ActionRequest")}}},
                "responses": {
                    "200": _json("Case", "The updated case"),
                    "400": _error("BadRequest"),
                    "401": _error("Unauthorised"),
                    "403": _error("Forbidden"),
                    "404": _error("NotFound"),
                    "409": _error("Conflict"),
                    "422": _error("Invalid"),
                },
            },
        },
        "/cases/{reference}/events": {
            "parameters": [reference],
            "get": {
                "operationId": "listCaseEvents",
                "summary": "The hash-chained audit trail (people handling the case only)",
                "responses": {
                    "200": _json("EventList", "Every event, oldest first"),
                    "401": _error("Unauthorised"),
                    "403": _error("Forbidden"),
                    "404": _error("NotFound"),
                },
            },
        },
        "/cases/{reference}/evidence": {
            "parameters": [reference],
            "post": {
                "operationId": "addEvidence",
                "summary": "Upload an evidence file; its type is sniffed from the content",
                "description": "For the case's owner, investigator and HR, and for the person who reported it "
                "(who sees only their own files). Accepted: PNG, JPEG, GIF, WebP, HEIC, PDF, Word .docx, text, "
                ".eml, Outlook .msg, MP4.",
                "requestBody": {
                    "required": True,
                    "content": {"multipart/form-data": {"schema": ref("EvidenceUpload")}},
                },
                "responses": {
                    "201": {
                        **_json("Evidence", "Stored; carries `id` and `sha256`"),
                        "headers": {"Location": {"schema": STRING}},
                    },
                    "400": _error("BadRequest"),
                    "401": _error("Unauthorised"),
                    "403": _error("Forbidden"),
                    "404": _error("NotFound"),
                    "409": _error("Conflict"),
                    "413": _error("TooLarge"),
                    "422": _error("Invalid"),
                },
            },
        },
        "/cases/{reference}/evidence/{evidence_id}": {
            "parameters": [
                reference,
                {"name": "evidence_id", "in": "path", "required": True, "schema": INTEGER},
            ],
            "get": {
                "operationId": "downloadEvidence",
                "summary": "The file, as an attachment (never shown inline); a reporter gets only their own files",
                "responses": {
                    "200": {
                        "description": "The file, with the type its content was found to be when it was uploaded",
                        "headers": {
                            "Content-Disposition": {"schema": STRING},
                            "X-Content-Type-Options": {"schema": {"type": "string", "enum": ["nosniff"]}},
                        },
                        "content": {
                            media_type: {"schema": {"type": "string", "format": "binary"}}
                            for media_type in [*EVIDENCE_TYPES, "application/octet-stream"]
                        },
                    },
                    "401": _error("Unauthorised"),
                    "403": _error("Forbidden"),
                    "404": _error("NotFound"),
                },
            },
        },
        "/cases/{reference}/report.pdf": {
            "parameters": [reference],
            "get": {
                "operationId": "getCaseReport",
                "summary": "The case report, marked OFFICIAL-SENSITIVE and sealed against alteration "
                "(HR and the case's owner); every export is logged",
                "responses": {
                    "200": {
                        "description": "The case report as a PDF, as an attachment; "
                        "`flask --app app casework verify-report FILE` checks its seal",
                        "headers": DOWNLOAD_HEADERS,
                        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
                    },
                    "401": _error("Unauthorised"),
                    "403": _error("Forbidden"),
                    "404": _error("NotFound"),
                },
            },
        },
        "/cases/{reference}/bundle.pdf": {
            "parameters": [reference],
            "get": {
                "operationId": "getHearingBundle",
                "summary": "The hearing bundle of a case with a hearing or an appeal: a contents page, the "
                "allegations, the investigation report, the hearing and appeal, the chronology and every evidence "
                "file (images and PDFs as pages, other files listed with their SHA-256), each page numbered and "
                "marked OFFICIAL-SENSITIVE; for the case's owner, HR, the investigator, the hearing officer and "
                "the appeal officer. Every download is logged with the file's SHA-256",
                "responses": {
                    "200": {
                        "description": "The bundle as a PDF, as an attachment, sealed (`flask --app app casework "
                        "verify-report FILE` checks it) and, when the council's certificate is configured, signed "
                        "(PAdES) so any PDF reader can check it",
                        "headers": DOWNLOAD_HEADERS,
                        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
                    },
                    "401": _error("Unauthorised"),
                    "403": _error("Forbidden"),
                    "404": _error("NotFound"),
                    "409": _error("NoHearing"),
                    "503": _error("SigningUnavailable"),
                },
            },
        },
        **_summary_paths(),
        **research_api.openapi_paths(_json, _error),
        **captures_api.openapi_paths(_json, _error),
        **accounts_api.openapi_paths(_json, _error),
    }


@cache
def openapi_document() -> dict:
    """The whole document (built once per process)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Casework API",
            "version": "1.0.0",
            "description": "Breaches of the council's social media policy and online abuse of staff. "
            "Send `Authorization: Bearer TOKEN` (from `flask --app app casework api-token EMAIL`). "
            'Errors answer {"error": {"code", "message", "fields"}}.',
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "parameters": {
                "reference": {
                    "name": "reference",
                    "in": "path",
                    "required": True,
                    "description": "The case reference, SMC-YYYY-NNNNN",
                    "schema": STRING,
                },
                "periodFrom": {
                    "name": "from",
                    "in": "query",
                    "description": "The first day of the period, YYYY-MM-DD (default: 364 days before today)",
                    "schema": DATE,
                },
                "periodTo": {
                    "name": "to",
                    "in": "query",
                    "description": "The last day of the period, YYYY-MM-DD (default: today in Europe/London)",
                    "schema": DATE,
                },
            },
            "responses": {
                name: {"description": text, "content": {"application/json": {"schema": ref("Error")}}}
                for name, text in ERROR_RESPONSES.items()
            },
            "schemas": _schemas(),
        },
    }
