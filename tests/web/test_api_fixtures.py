"""Helpers for the API tests: a client that sends bearer tokens and checks every
JSON answer against the OpenAPI document, and a small council of people."""

import io
import re
import uuid
from datetime import date

import pytest
from openapi_schema_validator import OAS31Validator
from PIL import Image
from sqlalchemy import func, select

from casework.api.openapi import openapi_document
from casework.extensions import db
from casework.models import AccessLog, Case, CaseEvent, PublishingRight, SocialAccount
from casework.services.users import issue_api_token

PREFIX = "/api/v1"


def png_bytes(colour=(200, 30, 30)) -> bytes:
    """A real, small PNG image."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(buffer, "PNG")
    return buffer.getvalue()


def _path_patterns():
    patterns = []
    for template in openapi_document()["paths"]:
        regex = re.sub(r"\{[^}]+\}", "[^/]+", re.escape(template).replace(r"\{", "{").replace(r"\}", "}"))
        patterns.append((re.compile(f"^{regex}$"), template))
    return patterns


def documented_schema(path: str, method: str, status: int) -> dict | None:
    """The JSON schema the document gives for this answer, or None when it documents none."""
    document = openapi_document()
    for pattern, template in _path_patterns():
        if pattern.match(path):
            operation = document["paths"][template].get(method.lower())
            if operation is None:
                return None
            response = operation["responses"].get(str(status))
            if response is None:
                return None
            if "$ref" in response:
                response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            return schema
    return None


def check_against_document(path: str, method: str, response) -> None:
    """Every JSON answer matches the document: its documented schema, or the Error schema for an error."""
    if response.mimetype != "application/json":
        return
    schema = documented_schema(path, method, response.status_code)
    if schema is None and response.status_code >= 400:
        schema = {"$ref": "#/components/schemas/Error"}
    if not schema:
        return
    validator = OAS31Validator({**schema, "components": openapi_document()["components"]})
    errors = sorted(validator.iter_errors(response.get_json()), key=lambda e: list(e.path))
    assert not errors, f"{method} {path} {response.status_code}: {errors[0].message} at {list(errors[0].path)}"


class Api:
    """The API as a script would call it, one bearer token per person."""

    def __init__(self, client):
        self.client = client
        self.tokens = {}

    def token(self, user) -> str:
        if user.id not in self.tokens:
            self.tokens[user.id] = issue_api_token(user)
        return self.tokens[user.id]

    def headers(self, user, headers=None) -> dict:
        return {"Authorization": f"Bearer {self.token(user)}", **(headers or {})}

    def request(self, method, user, path, *, headers=None, **kwargs):
        # What the test set up is committed before the request, as it would be in
        # life, so that an API error's rollback cannot undo it (the whole test
        # still runs inside the outer transaction that is rolled back at its end).
        all_headers = self.headers(user, headers) if user is not None else (headers or {})
        db.session.commit()
        response = self.client.open(PREFIX + path, method=method, headers=all_headers, **kwargs)
        check_against_document(path.split("?", 1)[0], method, response)
        return response

    def get(self, user, path, **kwargs):
        return self.request("GET", user, path, **kwargs)

    def post(self, user, path, **kwargs):
        return self.request("POST", user, path, **kwargs)

    def case(self, user, reference) -> dict:
        response = self.get(user, f"/cases/{reference}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def act(self, user, reference, action, *, version=None, expect=200, **params):
        if version is None:
            version = self.case(user, reference)["version"]
        response = self.post(user, f"/cases/{reference}/actions", json={"action": action, "version": version, **params})
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    def report(self, user, expect=201, **fields):
        body = {
            "kind": "breach",
            "categories": ["confidential_information"],
            "platform": "facebook",
            "content_url": "https://www.facebook.com/post/1",
            "incident_date": "2026-01-05",
            "description": "Posted a resident's address on Facebook.",
            **fields,
        }
        # Each call is a report of its own, so it says so with a key of its own
        response = self.post(user, "/cases", json=body, headers={"Idempotency-Key": f"test-{uuid.uuid4()}"})
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    def upload(self, user, reference, content: bytes, filename: str, description="Screenshot", expect=201):
        response = self.post(
            user,
            f"/cases/{reference}/evidence",
            data={"file": (io.BytesIO(content), filename), "description": description},
            content_type="multipart/form-data",
        )
        assert response.status_code == expect, response.get_json()
        return response


@pytest.fixture(name="api")
def api_fixture(client):
    return Api(client)


@pytest.fixture(name="council")
def council_fixture(make_department, make_user, db_session):
    """Housing: a head of service, two managers, an investigator, a subject with publishing rights, a reporter;
    HR; and people with no business in Housing's cases."""
    head = make_user("head_of_service")
    housing = make_department("Housing", head_of_service=head)
    parks = make_department("Parks")
    manager = make_user("manager", department=housing, name="Mo Manager")
    people = {
        "housing": housing,
        "head": head,
        "manager": manager,
        "manager2": make_user("manager", department=housing, name="Mia Manager"),
        "investigator": make_user("manager", department=housing, name="Ivy Investigator"),
        "hr": make_user("hr", name="Hana HR"),
        "subject": make_user(department=housing, line_manager=manager, password=None, name="Sam Subject"),
        "reporter": make_user(department=housing, name="Rita Reporter"),
        "victim": make_user(department=housing, line_manager=manager, name="Vic Victim"),
        "outsider": make_user("manager", department=parks, name="Otto Outsider"),
        "admin": make_user("admin", name="Ada Admin"),
    }
    account = SocialAccount(platform="facebook", handle="HousingNews", department_id=housing.id, status="active")
    db_session.add(account)
    db_session.flush()
    people["account"] = account
    people["right"] = PublishingRight(
        user_id=people["subject"].id, account_id=account.id, trained_on=date(2025, 1, 1), status="active"
    )
    db_session.add(people["right"])
    db_session.flush()
    return people


def count(db_session, model, *where) -> int:
    return db_session.scalar(select(func.count()).select_from(model).where(*where))


def case_row(db_session, reference) -> Case:
    return db_session.scalar(select(Case).where(Case.reference == reference))


def event_actions(db_session, reference) -> list[str]:
    case = case_row(db_session, reference)
    return list(
        db_session.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq))
    )


def access_actions(db_session, reference) -> list[str]:
    case = case_row(db_session, reference)
    return list(db_session.scalars(select(AccessLog.action).where(AccessLog.case_id == case.id).order_by(AccessLog.id)))
