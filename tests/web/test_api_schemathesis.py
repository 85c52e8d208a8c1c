"""The API fuzzed from its own OpenAPI document with schemathesis (issue 6, "Bad input").

Every operation of /api/v1/openapi.json gets requests generated from the document,
valid and invalid (schemathesis' positive and negative modes), sent through the WSGI
app with a valid HR bearer token; some go to a real case and a real evidence file.
Every answer must be no 5xx, a documented status, the documented content type, and a
body that matches the documented schema.

Bounded in time: a few examples per operation (SCHEMATHESIS_EXAMPLES, default 12) and
a wall-clock budget for the whole module (SCHEMATHESIS_SECONDS, default 90): past it the
remaining examples are not sent.
"""

import os
import tempfile
import time
from itertools import count
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from casework.api.openapi import openapi_document
from casework.extensions import db
from casework.models import Case

from .test_api_fixtures import Api, api_fixture, council_fixture, png_bytes  # noqa: F401  (fixtures)

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))
BUDGET_SECONDS = float(os.environ.get("SCHEMATHESIS_SECONDS", "90"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
_started: list[float] = []
_sent = count()


@pytest.fixture
def api_world(app, api: Api, council, db_session):
    """A case under investigation with an evidence file, and an HR officer's token, all committed."""
    p = council
    reference = api.report(p["reporter"], subjects=[p["subject"].email])["reference"]
    api.act(p["manager"], reference, "take_ownership")
    evidence_id = api.upload(p["manager"], reference, png_bytes(), "post.png").get_json()["id"]
    token = api.token(p["hr"])
    db.session.commit()
    return {"reference": reference, "evidence_id": str(evidence_id), "token": token, "subject": p["subject"].email}


# Schemathesis keeps a cache of requests under ./.schemathesis/ unless told otherwise: a test run must
# leave nothing in the working tree, so the cache is off and any file it would write goes to a temporary folder
SCHEMATHESIS_CONFIG = SchemathesisConfig.from_dict(
    {"cache": {"enabled": False, "directory": str(Path(tempfile.gettempdir()) / "casework-schemathesis")}}
)

# Built from the document the API serves (the same function answers GET /api/v1/openapi.json;
# test_the_document_is_the_one_served checks that), so the operations are known when tests are collected
schema = schemathesis.openapi.from_dict(openapi_document(), config=SCHEMATHESIS_CONFIG)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_generated_request_as_documented(case, app, api_world):
    if not _started:
        _started.append(time.monotonic())
    if time.monotonic() - _started[0] > BUDGET_SECONDS:
        return  # the module's time is up: no more requests
    number = next(_sent)
    # Every other request with a real reference (and evidence id), so the operations are exercised, not just 404
    if case.path_parameters and number % 2 == 0:
        if "reference" in case.path_parameters:
            case.path_parameters["reference"] = api_world["reference"]
        if "evidence_id" in case.path_parameters and number % 4 == 0:
            case.path_parameters["evidence_id"] = api_world["evidence_id"]
    # Every third body made to pass the checks that need the database (a real person, the case's version),
    # so that generated text, codes and flags get as far as being stored and shown
    if isinstance(case.body, dict) and number % 3 == 0:
        if case.method == "POST" and case.path == "/cases":
            kind = case.body.get("kind") if case.body.get("kind") in ("breach", "abuse") else "breach"
            category = "confidential_information" if kind == "breach" else "abuse"
            case.body = {**case.body, "kind": kind, "subjects": [api_world["subject"]], "categories": [category]}
            case.body["incident_date"] = "2026-01-05"
            if "content_url" in case.body:
                case.body["content_url"] = "https://www.facebook.com/posts/1"
            if not str(case.body.get("description") or "").strip():
                case.body["description"] = "Posted a resident's address"
        elif case.path == "/cases/{reference}/actions":
            row = db.session.scalar(select(Case).where(Case.reference == case.path_parameters["reference"]))
            if row is not None:
                case.body = {**case.body, "version": row.version}
    db.session.commit()  # what an earlier request left stays; a failed request's rollback cannot undo the set-up
    case.call_and_validate(app=app, headers={"Authorization": f"Bearer {api_world['token']}"}, checks=CHECKS)


def test_the_document_is_the_one_served(client):
    assert client.get("/api/v1/openapi.json").get_json() == openapi_document()


def test_schemathesis_keeps_nothing_in_the_working_tree():
    """Its request cache is off, and would be written outside the checkout, never to ./.schemathesis/."""
    root = Path(__file__).resolve().parents[2]
    assert schema.config.cache.enabled is False
    assert not Path(schema.config.cache.directory).resolve().is_relative_to(root)
