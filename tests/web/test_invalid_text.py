"""A lone surrogate, or bytes that are not UTF-8, in any text field: a clear refusal that changes nothing (issue 14, 2).

Every text field of every JSON body (the tables that drive the API's parsing
and its OpenAPI document) gets "\\ud800" and must answer 422 naming the field;
every field of every form on the pages gets bytes that are not UTF-8 and must
carry the message; and the report, note and sign-in pages show it end to end.
"""

import importlib
import inspect
import json
import pkgutil
from urllib.parse import quote

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select

from casework.api.params import REPORT_PARAMS
from casework.domain import text, workflow
from casework.models import Case, Note, SignInFailure
from tests.conftest import TEST_PASSWORD

from .test_api_errors import Unchanged, error_of
from .test_api_fixtures import (  # noqa: F401  (fixtures)
    Api,
    api_fixture,
    council_fixture,
)

LONE = "\ud800"
NOT_UTF8 = "%ED%A0%80"  # the bytes of U+D800 had it been encoded as if it were a character
TEXT_TYPES = ("string", "date", "string_list")


def lone_value(param):
    return [LONE] if param.type == "string_list" else LONE


def post_json(api, user, path, body):
    return api.post(user, path, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("param", [p for p in REPORT_PARAMS if p.type in TEXT_TYPES], ids=lambda p: p.name)
def test_every_text_field_of_a_report_refuses_a_lone_surrogate(api, council, db_session, param):
    body = {
        "kind": "breach",
        "subjects": [council["subject"].email],
        "categories": ["confidential_information"],
        "platform": "facebook",
        "incident_date": "2026-01-05",
        "description": "Posted a resident's address.",
        param.name: lone_value(param),
    }
    unchanged = Unchanged(db_session)
    error = error_of(post_json(api, council["reporter"], "/cases", body), 422, "invalid", param.name)
    assert error["fields"][param.name] == text.API_FIELD_MESSAGE
    unchanged.check()


def text_value(schema: dict):
    """A lone surrogate in the shape a field's JSON schema takes text (a string, or a list of them), or None."""
    kinds = [schema, *schema.get("anyOf", [])]
    if any(kind.get("type") == "string" or "$ref" in kind for kind in kinds):
        return LONE
    if any(kind.get("type") == "array" and kind.get("items", {}).get("type") == "string" for kind in kinds):
        return [LONE]
    return None


ACTION_TEXT_FIELDS = [
    (name, field, text_value(schema))
    for name, spec in workflow.ACTIONS.items()
    for field, schema in spec.params.model_json_schema()["properties"].items()
    if text_value(schema) is not None
]


@pytest.mark.parametrize(
    ("action", "field", "value"), ACTION_TEXT_FIELDS, ids=[f"{a}-{f}" for a, f, _ in ACTION_TEXT_FIELDS]
)
def test_every_text_field_of_every_action_refuses_a_lone_surrogate(api, council, db_session, action, field, value):
    reference = api.report(council["reporter"], subjects=[council["subject"].email])["reference"]
    version = api.case(council["hr"], reference)["version"]
    unchanged = Unchanged(db_session, reference)
    body = {"action": action, "version": version, field: value}
    error = error_of(post_json(api, council["hr"], f"/cases/{reference}/actions", body), 422, "invalid", field)
    assert error["fields"][field] == text.API_FIELD_MESSAGE
    unchanged.check()


def test_the_text_fields_of_the_actions_are_found():
    found = {(action, field) for action, field, _ in ACTION_TEXT_FIELDS}
    assert {("add_note", "text"), ("add_note", "kind"), ("arrange_hearing", "subjects"), ("refer", "reason")} <= found
    assert ("update_referral", "referral_id") not in found and ("record_outcome", "content_removed") not in found


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": LONE, "version": 1}, "action"),
        ({"action": "add_note", "version": 1, "kind": "note", LONE: "x"}, "\\ud800"),
        ({"action": "add_note", "version": 1, "kind": "note", "text": f"fine until here {LONE} and after"}, "text"),
    ],
)
def test_a_lone_surrogate_anywhere_in_an_action_body_is_named(api, council, db_session, body, field):
    reference = api.report(council["reporter"], subjects=[council["subject"].email])["reference"]
    unchanged = Unchanged(db_session, reference)
    error_of(post_json(api, council["hr"], f"/cases/{reference}/actions", body), 422, "invalid", field)
    unchanged.check()


# --- forms ---------------------------------------------------------------------------------


def every_form_class():
    import casework.web

    found = set()
    for module_info in pkgutil.walk_packages(casework.web.__path__, "casework.web."):
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, FlaskForm) and cls.__module__ == module.__name__:
                found.add(cls)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


@pytest.mark.parametrize("form_class", every_form_class(), ids=lambda cls: cls.__qualname__)
def test_every_field_of_every_form_refuses_text_that_is_not_utf8(app, db_session, form_class):
    from casework.web.base_form import SKIPPED_TYPES, note_undecodable_form_fields

    names = [field.name for field in form_class(meta={"csrf": False}, formdata=None) if field.type not in SKIPPED_TYPES]
    body = "&".join(f"{quote(name)}={NOT_UTF8}" for name in names)
    with app.test_request_context("/", method="POST", data=body, content_type="application/x-www-form-urlencoded"):
        note_undecodable_form_fields()
        form = form_class(meta={"csrf": False})
        for field in form:
            if getattr(field, "choices", ()) is None:  # filled in by the page from the database
                field.choices = []
        assert form.validate() is not bool(names)  # a form with nothing to type in has nothing to refuse
        for field in form:
            if field.type in SKIPPED_TYPES:
                continue
            assert field.errors == [text.form_message(field.label.text)], field.name


def post_raw(client, path, fields: dict[str, str]):
    """A form post whose values are already percent-encoded (so they may hold bytes that are not UTF-8)."""
    body = "&".join(f"{name}={value}" for name, value in {"csrf_token": quote(client.csrf_token), **fields}.items())
    return client.post(path, data=body, content_type="application/x-www-form-urlencoded", csrf=False)


def test_the_report_page_refuses_it_and_makes_no_case(client, make_user, login_as, db_session):
    reporter, subject = make_user(), make_user()
    login_as(reporter)
    client.get("/report/breach")
    before = db_session.scalar(select(Case.id).order_by(Case.id.desc()).limit(1))
    response = post_raw(
        client,
        "/report/breach",
        {
            "subject_1": str(subject.id),
            "categories": "confidential_information",
            "platform": "facebook",
            "incident_date": "5",
            "description": f"Posted%20{NOT_UTF8}",
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "What happened? contains a character that is not valid text" in html
    assert "<title>Error: " in html
    assert db_session.scalar(select(Case.id).order_by(Case.id.desc()).limit(1)) == before


def test_adding_information_refuses_it_and_adds_no_note(client, make_user, make_case, login_as, db_session):
    reporter = make_user()
    case = make_case(reporter, subjects=[make_user()])
    login_as(reporter)
    client.get(f"/cases/{case.reference}")
    response = post_raw(
        client, f"/cases/{case.reference}/information", {"text": NOT_UTF8, "version": str(case.version)}
    )
    assert response.status_code == 422
    assert "contains a character that is not valid text" in response.get_data(as_text=True)
    assert db_session.scalars(select(Note).where(Note.case_id == case.id)).all() == []


def test_sign_in_refuses_it_and_counts_no_failure(client, make_user, db_session):
    make_user()
    client.get("/sign-in")
    response = post_raw(client, "/sign-in", {"email": NOT_UTF8, "password": quote(TEST_PASSWORD)})
    assert response.status_code == 200
    assert "Email address contains a character that is not valid text" in response.get_data(as_text=True)
    assert db_session.scalars(select(SignInFailure)).all() == []
