"""The API of "Capture this web page": ask for a capture (202), then follow it until it is done or failed."""

from flask import jsonify, request, url_for

from ..extensions import db
from ..models_research import WebCapture
from ..services import capture as capture_service
from ..services import cases as case_service
from . import bp
from .params import Param, _check_types, read_json_object
from .schemas_more import WebCapture as WebCaptureAnswer
from .schemas_more import dump
from .serialise import moment, person

CAPTURE_PARAMS = (
    Param("url", "string", "The web address of the page (http or https)"),
    Param("description", "string", "What the page is (optional)"),
)


def capture(item: WebCapture, reference: str) -> dict:
    return dump(
        WebCaptureAnswer(
            **{
                "id": item.id,
                "reference": reference,
                "url": item.url,
                "description": item.description,
                "status": item.status,
                "progress": item.progress,
                "failure": item.failure,
                "requested_by": person(item.requested_by),
                "requested_at": moment(item.requested_at),
                "started_at": moment(item.started_at),
                "finished_at": moment(item.finished_at),
                "final_url": item.final_url,
                "http_status": item.http_status,
                "files": [
                    {
                        "kind": kind,
                        "evidence_id": evidence.id,
                        "name": evidence.original_name,
                        "content_type": evidence.content_type,
                        "size": evidence.size,
                        "sha256": evidence.sha256,
                        "download_url": url_for(
                            "api_v1.download_evidence", reference=reference, evidence_id=evidence.id, _external=False
                        ),
                    }
                    for kind, evidence in (
                        ("screenshot", item.screenshot),
                        ("pdf", item.pdf),
                        ("html", item.html),
                        ("warc", item.warc),
                    )
                    if evidence is not None
                ],
            }
        )
    )


def _full_case(reference: str):
    from .views import load_case, require_full_view

    case, level = load_case(reference)
    require_full_view(level, "evidence")
    return case


@bp.post("/cases/<reference>/captures")
def request_capture(reference: str):
    """Queue a capture; 422 at once for an address that can never be captured (nothing is stored)."""
    from .views import current_api_user

    user = current_api_user()
    case = _full_case(reference)
    body = _check_types(read_json_object(request.get_data(cache=False), request.mimetype), CAPTURE_PARAMS)
    item = capture_service.request_capture(case, user, body.get("url", ""), body.get("description", ""))
    db.session.commit()
    capture_service.start(item)
    db.session.refresh(item)
    answer = capture(item, case.reference)
    db.session.commit()
    response = jsonify(answer)
    response.status_code = 202
    response.headers["Location"] = url_for("api_v1.show_capture", reference=case.reference, capture_id=item.id)
    return response


@bp.get("/cases/<reference>/captures/<capture_id>")
def show_capture(reference: str, capture_id: str):
    from .views import current_api_user

    user = current_api_user()
    case = _full_case(reference)
    item = capture_service.get_capture(case, capture_id)
    answer = capture(item, case.reference)
    case_service.record_access(case, user, "view", f"api: web capture {item.id}")
    db.session.commit()
    return jsonify(answer)


def openapi_schemas(obj, ref, nullable, param_schema) -> dict:
    """The request body; the answer's schema is generated from `schemas_more.WebCapture`."""
    return {"NewCapture": obj({p.name: param_schema(p) for p in CAPTURE_PARAMS}, ["url"])}


def openapi_paths(json_response, error) -> dict:
    reference = {"$ref": "#/components/parameters/reference"}
    capture_id = {"name": "capture_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    return {
        "/cases/{reference}/captures": {
            "parameters": [reference],
            "post": {
                "operationId": "captureWebPage",
                "summary": "Capture a web page as evidence: Casework loads it in headless Chromium in the background "
                "and keeps a full-page PNG, a PDF, the HTML and a WARC, each with its SHA-256",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewCapture"}}},
                },
                "responses": {
                    "202": {
                        **json_response("WebCapture", "Queued; follow the Location until status is done or failed"),
                        "headers": {"Location": {"schema": {"type": "string"}}},
                    },
                    "400": error("BadRequest"),
                    "401": error("Unauthorised"),
                    "403": error("Forbidden"),
                    "404": error("NotFound"),
                    "409": error("Conflict"),
                    "422": error("Invalid"),
                },
            },
        },
        "/cases/{reference}/captures/{capture_id}": {
            "parameters": [reference, capture_id],
            "get": {
                "operationId": "getWebCapture",
                "summary": "A capture: its progress, or why it failed, or its files",
                "responses": {
                    "200": json_response("WebCapture", "The capture"),
                    "401": error("Unauthorised"),
                    "403": error("Forbidden"),
                    "404": error("NotFound"),
                },
            },
        },
    }
