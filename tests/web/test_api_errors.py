"""Bad input to the API gets a clear JSON error and changes nothing; never a 500 (issue 4, "Rules that must hold")."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from casework.extensions import db
from casework.models import ApiToken, Case, CaseEvent, Evidence, OutboxEmail, utcnow
from casework.services import workflow as workflow_service

from .test_api_fixtures import (  # noqa: F401  (fixtures)
    Api,
    api_fixture,
    case_row,
    council_fixture,
    count,
    png_bytes,
)


@pytest.fixture
def investigated(api: Api, council):
    """A breach case at the investigation stage, with one evidence file."""
    p = council
    reference = api.report(p["reporter"], subjects=[p["subject"].email])["reference"]
    api.act(p["manager"], reference, "take_ownership")
    api.act(
        p["manager"],
        reference,
        "start_investigation",
        investigator=p["investigator"].email,
        no_suspension_reason="The post was removed at once",
    )
    evidence_id = api.upload(p["manager"], reference, png_bytes(), "post.png").get_json()["id"]
    return reference, evidence_id


class Unchanged:
    """Counts of what a failed request must not have changed."""

    def __init__(self, db_session, reference=None):
        self.db_session = db_session
        self.reference = reference
        self.before = self.snapshot()

    def snapshot(self):
        db.session.expire_all()
        state = {
            "events": count(self.db_session, CaseEvent),
            "cases": count(self.db_session, Case),
            "evidence": count(self.db_session, Evidence),
            "outbox": count(self.db_session, OutboxEmail),
        }
        if self.reference:
            row = case_row(self.db_session, self.reference)
            state.update(stage=row.stage, version=row.version, owner=row.owner_id)
        return state

    def check(self):
        assert self.snapshot() == self.before


def error_of(response, status, code=None, field=None):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"} and error["message"]
    if code:
        assert error["code"] == code
    if field:
        assert field in error["fields"], error
    return error


ACTION_CASES = [
    # (description, body without version or with a broken one, status, field)
    ("unknown action", {"action": "delete_everything"}, 422, "action"),
    ("no action", {}, 422, "action"),
    ("action not a string", {"action": ["close"]}, 400, "action"),
    ("closing with no further action during an investigation", {"action": "close_no_further_action"}, 409, None),
    ("wrong stage", {"action": "take_ownership"}, 409, None),
    (
        "starting the investigation twice",
        {"action": "start_investigation", "investigator": "x@test.invalid"},
        409,
        None,
    ),
    (
        "unknown finding",
        {"action": "record_outcome", "finding": "guilty", "sanction": "no_action", "summary": "x"},
        422,
        "finding",
    ),
    (
        "missing summary",
        {"action": "record_outcome", "finding": "substantiated", "sanction": "training"},
        422,
        "summary",
    ),
    ("unknown agency", {"action": "refer", "agency": "mi5", "reason": "x"}, 422, "agency"),
    ("missing agency", {"action": "refer", "reason": "x"}, 422, "agency"),
    ("unknown fields", {"action": "add_note", "kind": "note", "text": "x", "colour": "red", "owner": 1}, 422, "colour"),
    ("text not a string", {"action": "add_note", "kind": "note", "text": 5}, 400, "text"),
    (
        "referral id not an integer",
        {"action": "update_referral", "referral_id": "1", "status": "concluded"},
        400,
        "referral_id",
    ),
    (
        "boolean not a boolean",
        {
            "action": "record_outcome",
            "finding": "substantiated",
            "sanction": "training",
            "summary": "x",
            "content_removed": "yes",
        },
        400,
        "content_removed",
    ),
    (
        "accounts not a list",
        {"action": "suspend_rights", "subject": "a@b", "reason": "x", "accounts": {"id": 1}},
        400,
        "accounts",
    ),
    (
        "a referral id beyond 64 bits",
        {"action": "update_referral", "referral_id": 10**30, "status": "concluded"},
        422,
        "referral_id",
    ),
    (
        "an account id beyond 64 bits",
        {"action": "suspend_rights", "subject": "{subject}", "reason": "x", "accounts": [10**30]},
        422,
        "accounts",
    ),
    (
        "an unknown account",
        {"action": "suspend_rights", "subject": "{subject}", "reason": "x", "accounts": [99999]},
        422,
        "accounts",
    ),
    ("unknown referral", {"action": "update_referral", "referral_id": 99999, "status": "concluded"}, 409, None),
    ("a reason that is too long", {"action": "refer", "agency": "police", "reason": "x" * 6000}, 422, "reason"),
    ("control characters", {"action": "add_note", "kind": "note", "text": "a\x00b"}, 422, "text"),
    (
        "not the case's subject",
        {"action": "suspend_rights", "subject": "nobody@test.invalid", "reason": "x"},
        422,
        "subject",
    ),
]


@pytest.mark.parametrize(("label", "body", "status", "field"), ACTION_CASES, ids=[c[0] for c in ACTION_CASES])
def test_bad_actions_change_nothing(api: Api, council, investigated, db_session, label, body, status, field):
    reference, _ = investigated
    version = api.case(council["hr"], reference)["version"]
    unchanged = Unchanged(db_session, reference)
    body = {name: council["subject"].email if value == "{subject}" else value for name, value in body.items()}
    response = api.post(council["hr"], f"/cases/{reference}/actions", json={"version": version, **body})
    error = error_of(response, status, field=field)
    if label == "unknown fields":
        assert set(error["fields"]) == {"colour", "owner"}
        assert "colour" in error["message"]
    unchanged.check()


def test_missing_reason_and_unknown_investigator_at_the_right_stage(api: Api, council, db_session):
    p = council
    reference = api.report(p["reporter"], subjects=[p["subject"].email])["reference"]
    api.act(p["manager"], reference, "take_ownership")
    version = api.case(p["manager"], reference)["version"]
    unchanged = Unchanged(db_session, reference)
    for body, field in (
        ({"action": "close_no_further_action"}, "reason"),
        ({"action": "close_no_further_action", "reason": "   "}, "reason"),
        (
            {"action": "start_investigation", "investigator": "nobody@test.invalid", "no_suspension_reason": "x"},
            "investigator",
        ),
        (
            {"action": "start_investigation", "investigator": p["subject"].email, "no_suspension_reason": "x"},
            "investigator",
        ),
        (
            {"action": "start_investigation", "investigator": p["reporter"].email, "no_suspension_reason": "x"},
            "investigator",
        ),
        ({"action": "start_investigation", "investigator": p["investigator"].email}, "no_suspension_reason"),
        ({"action": "suspend_rights", "reason": "x"}, "subject"),
    ):
        response = api.post(p["manager"], f"/cases/{reference}/actions", json={"version": version, **body})
        error_of(response, 422, "invalid", field)
    unchanged.check()


@pytest.mark.parametrize(
    "version",
    ["1", 1.5, True, None, [1]],
    ids=["string", "float", "boolean", "missing", "list"],
)
def test_a_version_that_is_not_an_integer(api: Api, council, investigated, db_session, version):
    reference, _ = investigated
    unchanged = Unchanged(db_session, reference)
    body = {"action": "add_note", "kind": "note", "text": "x"}
    if version is not None:
        body["version"] = version
    response = api.post(council["hr"], f"/cases/{reference}/actions", json=body)
    error_of(response, 422 if version is None else 400, field="version")
    unchanged.check()


def test_a_stale_version(api: Api, council, investigated, db_session):
    reference, _ = investigated
    version = api.case(council["hr"], reference)["version"]
    unchanged = Unchanged(db_session, reference)
    for stale in (version - 1, version + 1, 0, -5, 10**12):
        response = api.post(
            council["hr"],
            f"/cases/{reference}/actions",
            json={"action": "add_note", "kind": "note", "text": "x", "version": stale},
        )
        error_of(response, 409, "conflict")
    unchanged.check()


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b'{"action": "add_note", ', "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (b'"take_ownership"', "application/json"),
        (b"null", "application/json"),
        (b"", "application/json"),
        (b'{"action": "add_note", "version": NaN}', "application/json"),
        (b"\xff\xfe{}", "application/json"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json"),
        (b"action=take_ownership&version=1", "application/x-www-form-urlencoded"),
        (b'{"action": "take_ownership", "version": 1}', "text/plain"),
    ],
    ids=["truncated", "array", "string", "null", "empty", "nan", "not utf-8", "deeply nested", "a form", "text"],
)
def test_a_body_that_is_not_a_json_object(api: Api, council, investigated, db_session, data, content_type):
    reference, _ = investigated
    unchanged = Unchanged(db_session, reference)
    response = api.post(council["hr"], f"/cases/{reference}/actions", data=data, content_type=content_type)
    error_of(response, 400, "bad_request")
    response = api.post(council["hr"], "/cases", data=data, content_type=content_type)
    error_of(response, 400, "bad_request")
    unchanged.check()


REPORT_CASES = [
    ("subjects not a list", {"subjects": "someone@test.invalid"}, 400, "subjects"),
    ("subjects not strings", {"subjects": [1, 2]}, 400, "subjects"),
    ("categories not a list", {"categories": "defamation"}, 400, "categories"),
    ("date not a string", {"incident_date": 20260105}, 400, "incident_date"),
    ("flag not a boolean", {"criminal_offence": "yes"}, 400, "criminal_offence"),
    ("description not a string", {"description": {"text": "x"}}, 400, "description"),
    ("unknown fields", {"stage": "closed", "owner": "me@test.invalid"}, 422, "stage"),
    ("date in the wrong format", {"incident_date": "05/01/2026"}, 422, "incident_date"),
    ("a date that does not exist", {"incident_date": "2026-02-30"}, 422, "incident_date"),
    ("a date in the future", {"incident_date": "2999-01-01"}, 422, "incident_date"),
    ("unknown kind", {"kind": "complaint"}, 422, "kind"),
    ("unknown category", {"categories": ["gossip"]}, 422, "categories"),
    ("abuse category on a breach", {"categories": ["doxxing"]}, 422, "categories"),
    ("unknown platform", {"platform": "myspace"}, 422, "platform"),
    ("unknown flag", {"flags": ["urgent"]}, 422, "flags"),
    ("unknown subject", {"subjects": ["nobody@test.invalid"]}, 422, "subjects"),
    ("no subject for a breach", {"subjects": []}, 422, "subjects"),
    ("empty description", {"description": "  "}, 422, "description"),
    ("a web address that is not one", {"content_url": "javascript:alert(1)"}, 422, "content_url"),
    ("too many subjects", {"subjects": [f"p{i}@test.invalid" for i in range(500)]}, 422, "subjects"),
]


@pytest.mark.parametrize(("label", "fields", "status", "field"), REPORT_CASES, ids=[c[0] for c in REPORT_CASES])
def test_bad_reports_change_nothing(api: Api, council, db_session, label, fields, status, field):
    p = council
    unchanged = Unchanged(db_session)
    body = {
        "kind": "breach",
        "subjects": [p["subject"].email],
        "categories": ["defamation"],
        "platform": "x",
        "incident_date": "2026-01-05",
        "description": "Said untrue things",
        **fields,
    }
    error = error_of(api.post(p["reporter"], "/cases", json=body), status, field=field)
    if label == "unknown fields":
        assert set(error["fields"]) == {"stage", "owner"}
    unchanged.check()


def test_a_nonexistent_reference_answers_404_everywhere(api: Api, council, db_session):
    hr = council["hr"]
    unchanged = Unchanged(db_session)
    for method, path, kwargs in (
        ("GET", "/cases/SMC-2026-99999", {}),
        ("GET", "/cases/SMC-2026-99999/events", {}),
        ("GET", "/cases/SMC-2026-99999/evidence/1", {}),
        ("POST", "/cases/SMC-2026-99999/actions", {"json": {"action": "take_ownership", "version": 1}}),
        (
            "POST",
            "/cases/SMC-2026-99999/evidence",
            {"data": {"file": (io.BytesIO(png_bytes()), "a.png")}, "content_type": "multipart/form-data"},
        ),
        ("GET", "/cases/%27%20OR%201%3D1--", {}),
        ("GET", "/nothing/here", {}),
        ("GET", "/", {}),
    ):
        error_of(api.request(method, hr, path, **kwargs), 404, "not_found")
    unchanged.check()


def test_another_cases_evidence_and_path_tricks_answer_404(api: Api, council, investigated, db_session):
    p = council
    reference, evidence_id = investigated
    other = api.report(p["reporter"], subjects=[p["subject"].email])["reference"]
    assert api.get(p["hr"], f"/cases/{reference}/evidence/{evidence_id}").status_code == 200
    for path in (
        f"/cases/{other}/evidence/{evidence_id}",
        f"/cases/{reference}/evidence/99999",
        f"/cases/{reference}/evidence/..%2F..%2F..%2Fetc%2Fpasswd",
        f"/cases/{reference}/evidence/../../../etc/passwd",
        f"/cases/{reference}/evidence/%2e%2e",
        f"/cases/{reference}/evidence/{evidence_id}%00",
        f"/cases/{reference}/evidence/{evidence_id}.png",
        f"/cases/{reference}/evidence/-1",
        f"/cases/{reference}/evidence/1e3",
        f"/cases/{reference}/evidence/" + "9" * 40,
    ):
        response = api.get(p["hr"], path)
        error_of(response, 404, "not_found")
        assert b"root:" not in response.data


def test_evidence_that_is_too_large_or_disguised_is_refused(
    api: Api, council, investigated, db_session, app, monkeypatch
):
    p = council
    reference, _ = investigated
    unchanged = Unchanged(db_session, reference)

    html = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
    error = error_of(api.upload(p["manager"], reference, html, "screenshot.png", expect=422), 422, "invalid", "file")
    assert "PNG" in error["fields"]["file"]
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    error_of(api.upload(p["manager"], reference, svg, "image.png", expect=422), 422, field="file")
    error_of(api.upload(p["manager"], reference, png_bytes(), "script.html", expect=422), 422, field="file")
    error_of(api.upload(p["manager"], reference, b"", "empty.png", expect=422), 422, field="file")

    monkeypatch.setitem(app.config, "EVIDENCE_MAX_BYTES", 64)
    error_of(api.upload(p["manager"], reference, png_bytes() + b"\0" * 200, "big.png", expect=413), 413, "too_large")
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    error_of(api.upload(p["manager"], reference, b"x" * 4096, "big.txt", expect=413), 413)
    error_of(
        api.post(
            p["hr"],
            f"/cases/{reference}/actions",
            data=b'{"a": "' + b"x" * 4096 + b'"}',
            content_type="application/json",
        ),
        413,
    )
    unchanged.check()


def test_evidence_requests_that_are_not_right(api: Api, council, investigated, db_session):
    p = council
    reference, _ = investigated
    unchanged = Unchanged(db_session, reference)
    path = f"/cases/{reference}/evidence"
    error_of(api.post(p["manager"], path, json={"file": "aGVsbG8="}), 400, "bad_request")
    error_of(
        api.post(p["manager"], path, data={"description": "no file"}, content_type="multipart/form-data"),
        422,
        field="file",
    )
    error_of(
        api.post(
            p["manager"],
            path,
            data={"file": (io.BytesIO(png_bytes()), "a.png"), "stage": "closed"},
            content_type="multipart/form-data",
        ),
        422,
        field="stage",
    )
    error_of(
        api.post(
            p["manager"],
            path,
            data={"file": [(io.BytesIO(png_bytes()), "a.png"), (io.BytesIO(png_bytes()), "b.png")]},
            content_type="multipart/form-data",
        ),
        422,
        field="file",
    )
    # A manager who sees the case but does not handle it may not (its reporter may: tests/web/test_reporter_evidence.py)
    error_of(api.upload(p["manager2"], reference, png_bytes(), "theirs.png", expect=403), 403, "forbidden")
    error_of(api.upload(p["outsider"], reference, png_bytes(), "mine.png", expect=404), 404, "not_found")
    unchanged.check()
    error_of(api.get(p["reporter"], f"/cases/{reference}/evidence/1"), 404, "not_found")  # not a file they gave


def test_no_evidence_on_a_closed_case(api: Api, council, db_session):
    p = council
    reference = api.report(p["reporter"], subjects=[p["subject"].email])["reference"]
    api.act(p["manager"], reference, "take_ownership")
    api.act(p["manager"], reference, "close_no_further_action", reason="Informal advice given")
    unchanged = Unchanged(db_session, reference)
    error_of(api.upload(p["manager"], reference, png_bytes(), "late.png", expect=409), 409, "conflict")
    unchanged.check()


def test_tokens(api: Api, council, db_session, client):
    p = council
    reference = api.report(p["reporter"], subjects=[p["subject"].email])["reference"]
    unchanged = Unchanged(db_session, reference)
    for headers in (
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer cw_not-a-real-token"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": api.token(p["manager"])},
        {"Authorization": "Bearer " + "x" * 10_000},
    ):
        for method, path, kwargs in (
            ("GET", "/cases", {}),
            ("GET", f"/cases/{reference}", {}),
            ("POST", f"/cases/{reference}/actions", {"json": {"action": "take_ownership", "version": 2}}),
            ("POST", "/cases", {"json": {"kind": "breach"}}),
        ):
            response = api.request(method, None, path, headers=headers, **kwargs)
            error_of(response, 401, "unauthorised")
            assert response.headers["WWW-Authenticate"].startswith("Bearer")

    def token_row(user):
        api.token(user)
        return db_session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()

    manager_token = token_row(p["manager"])
    manager_token.expires_at = utcnow() - timedelta(seconds=1)
    error_of(api.get(p["manager"], "/cases"), 401)
    hr_token = token_row(p["hr"])
    hr_token.revoked_at = utcnow()
    error_of(api.get(p["hr"], "/cases"), 401)
    api.token(p["investigator"])
    p["investigator"].active = False
    error_of(api.get(p["investigator"], "/cases"), 401)
    unchanged.check()
    assert api.get(p["manager2"], f"/cases/{reference}").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200  # the document needs no token


def test_wrong_methods_and_server_errors_answer_json(api: Api, council, investigated, db_session, monkeypatch):
    p = council
    reference, _ = investigated
    response = api.request("DELETE", p["hr"], f"/cases/{reference}")
    error_of(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]
    error_of(api.request("PUT", p["hr"], "/cases"), 405)
    error_of(api.request("GET", p["hr"], f"/cases/{reference}/actions"), 405)

    unchanged = Unchanged(db_session, reference)

    def explode(case, actor, action, params, *, version):
        workflow_service.record_event(case, actor, "half_done")
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("casework.api.views.perform", explode)
    response = api.post(
        p["hr"], f"/cases/{reference}/actions", json={"action": "add_note", "kind": "note", "text": "x", "version": 1}
    )
    error = error_of(response, 500, "server_error")
    assert "disk" not in error["message"]
    unchanged.check()  # the half-done event was rolled back


def test_an_abuse_case_refuses_breach_only_actions(api: Api, council, db_session):
    p = council
    reference = api.report(p["victim"], kind="abuse", categories=["abuse"], description="Abusive replies")["reference"]
    api.act(p["manager"], reference, "take_ownership")
    unchanged = Unchanged(db_session, reference)
    for body in (
        {"action": "start_investigation", "investigator": p["investigator"].email, "no_suspension_reason": "x"},
        {"action": "record_outcome", "finding": "substantiated", "sanction": "training", "summary": "x"},
        {"action": "close"},
    ):
        version = api.case(p["manager"], reference)["version"]
        error_of(api.post(p["manager"], f"/cases/{reference}/actions", json={"version": version, **body}), 409)
    unchanged.check()
