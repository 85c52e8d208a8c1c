"""Bad input, through the pages and the API (issue 6, "Bad input"): each gets a clear error and
changes nothing (the rows of cases, case_events and evidence are counted before and after).

What tests/web/test_api_errors.py, tests/web/test_reporting.py and tests/unit/test_intake.py
already try is not repeated here; this file fills the gaps: strings over every field's limit,
control characters in every free-text field, dates that do not exist, web addresses that are
not http(s), markup in every free-text field (escaped on the page and in the PDF), SQL
metacharacters, unicode in names, double submissions, path tricks on the pages, numbers too
big for the database, and upload names that try to be paths.
"""

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from casework.extensions import db
from casework.models import Case, CaseEvent, Evidence, Note
from casework.services import evidence as evidence_service

from .test_api_errors import error_of
from .test_api_fixtures import Api, api_fixture, council_fixture, png_bytes  # noqa: F401  (fixtures)


def counts(db_session) -> tuple[int, int, int, int]:
    db.session.expire_all()
    return tuple(
        db_session.scalar(select(func.count()).select_from(model)) for model in (Case, CaseEvent, Evidence, Note)
    )


class Unchanged:
    def __init__(self, db_session):
        self.db_session = db_session
        self.before = counts(db_session)

    def check(self):
        assert counts(self.db_session) == self.before, "a refused request changed something"


def report_body(council, **fields):
    body = {
        "kind": "breach",
        "subjects": [council["subject"].email],
        "categories": ["defamation"],
        "platform": "x",
        "incident_date": "2026-01-05",
        "description": "Said untrue things about a colleague",
    }
    body.update(fields)
    return body


def web_report(subject_email, **changes):
    form = {
        "subject_1": subject_email,
        "subject_2": "",
        "subject_3": "",
        "categories": ["confidential_information"],
        "platform": "facebook",
        "content_url": "https://www.facebook.com/posts/123",
        "incident_date": ["3", "2", "2026"],
        "description": "Posted a photo of a resident's letter.",
    }
    form.update(changes)
    return form


@pytest.fixture
def investigated(api: Api, council):
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


# --- strings over every field's limit, and control characters, through the API -------------------------

LONG = {
    "description": "x" * 20_001,
    "content_url": "https://example.org/" + "a" * 2_000,
    "complainant_name": "A" * 201,
    "complainant_contact": "0" * 301,
}
CONTROL = ["\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\x9b"]

REPORT_FIELD_CASES = [
    *((f"{name} over its limit", {name: value}) for name, value in LONG.items()),
    *((f"description with {c!r}", {"description": f"before{c}after"}) for c in CONTROL),
    *((f"complainant name with {c!r}", {"complainant_name": f"Ann{c}Other"}) for c in ("\x00", "\x1b", "\n")),
    ("content URL with a NUL", {"content_url": "https://example.org/\x00"}),
    ("content URL with a line break", {"content_url": "https://example.org/a\r\nSet-Cookie: x=1"}),
    ("subject e-mail of 100,000 characters", {"subjects": ["a" * 100_000 + "@x.invalid"]}),
    ("a category of 100,000 characters", {"categories": ["c" * 100_000]}),
    ("a platform of 100,000 characters", {"platform": "p" * 100_000}),
    ("a date of 100,000 characters", {"incident_date": "2" * 100_000}),
]


@pytest.mark.parametrize(("label", "fields"), REPORT_FIELD_CASES, ids=[c[0] for c in REPORT_FIELD_CASES])
def test_over_long_and_control_characters_in_a_report_are_refused(api: Api, council, db_session, label, fields):
    unchanged = Unchanged(db_session)
    source = {"source": "public_complaint"} if any(k.startswith("complainant") for k in fields) else {}
    body = report_body(council, **source, **fields)
    if source and "complainant_name" not in fields:
        body["complainant_name"] = "A Resident"
    error = error_of(api.post(council["manager"], "/cases", json=body), 422, "invalid")
    assert set(error["fields"]) <= set(fields) | {"subjects", "categories", "platform"}, error
    unchanged.check()


ACTION_FIELD_CASES = [
    ("a note over 20,000 characters", {"action": "add_note", "kind": "note", "text": "x" * 20_001}, "text"),
    ("a note with an escape sequence", {"action": "add_note", "kind": "note", "text": "a\x1b[2Jb"}, "text"),
    ("a note with a C1 control", {"action": "add_note", "kind": "note", "text": "a\x9bb"}, "text"),
    ("a note kind of 100,000 characters", {"action": "add_note", "kind": "n" * 100_000, "text": "x"}, "kind"),
    (
        "an agency reference over 100 characters",
        {"action": "refer", "agency": "police", "reason": "x", "agency_reference": "R" * 101},
        "agency_reference",
    ),
    ("a reason with DEL", {"action": "refer", "agency": "police", "reason": "a\x7fb"}, "reason"),
    (
        "a summary over 20,000 characters",
        {"action": "record_outcome", "finding": "substantiated", "sanction": "training", "summary": "s" * 20_001},
        "summary",
    ),
    (
        "a summary with a NUL",
        {"action": "record_outcome", "finding": "substantiated", "sanction": "training", "summary": "a\x00"},
        "summary",
    ),
    ("an investigator e-mail of 100,000 characters", {"action": "suspend_rights", "subject": "s" * 100_000}, None),
    ("a referral id beyond 32 bits", {"action": "update_referral", "referral_id": 2**40, "status": "concluded"}, None),
    ("an account id beyond 32 bits", {"action": "suspend_rights", "subject": "x", "accounts": [2**40]}, None),
]


@pytest.mark.parametrize(("label", "body", "field"), ACTION_FIELD_CASES, ids=[c[0] for c in ACTION_FIELD_CASES])
def test_over_long_and_control_characters_in_actions_are_refused(
    api: Api, council, investigated, db_session, label, body, field
):
    reference, _ = investigated
    version = api.case(council["hr"], reference)["version"]
    unchanged = Unchanged(db_session)
    response = api.post(council["hr"], f"/cases/{reference}/actions", json={"version": version, **body})
    assert response.status_code in (409, 422), response.get_json()
    error_of(response, response.status_code, field=field)
    unchanged.check()


def test_evidence_descriptions_and_links_with_control_characters_or_over_long_are_refused(
    client, login_as, api: Api, council, investigated, db_session
):
    reference, _ = investigated
    unchanged = Unchanged(db_session)
    for description in ("a\x00b", "a\x1bb", "d" * 2_001):
        response = api.upload(council["manager"], reference, png_bytes(), "shot.png", description, expect=422)
        error_of(response, 422, field="description")
    login_as(council["manager"])
    page = f"/cases/{reference}/evidence"
    client.get(page)
    for data in (
        {"url": "https://example.org/", "description": "a\x00b"},
        {"url": "https://example.org/", "description": "d" * 2_001},
        {"url": "https://example.org/\x00"},
        {"url": "https://example.org/a\nb"},
        {"url": "javascript:alert(document.cookie)"},
        {"url": "JavaScript:alert(1)"},
        {"url": "data:text/html,<script>alert(1)</script>"},
        {"url": "file:///etc/passwd"},
        {"url": "//evil.example/x"},
        {"file": (io.BytesIO(png_bytes()), "shot.png"), "description": "a\x00b"},
    ):
        response = client.post(page, data=data, content_type="multipart/form-data")
        assert response.status_code == 422, (data, response.status_code)
        assert 'class="govuk-error-summary"' in response.get_data(as_text=True)
    unchanged.check()


def test_information_with_control_characters_is_refused_on_the_page(client, login_as, council, api, db_session):
    reference = api.report(council["reporter"], subjects=[council["subject"].email])["reference"]
    login_as(council["reporter"])
    case_page = client.get(f"/cases/{reference}")
    assert case_page.status_code == 200
    version = db_session.scalar(select(Case.version).where(Case.reference == reference))
    unchanged = Unchanged(db_session)
    for text in ("a\x00b", "a\x1b[2Jb", "a\x85b", "i" * 20_001):
        response = client.post(f"/cases/{reference}/information", data={"text": text, "version": str(version)})
        assert response.status_code == 422
        assert 'class="govuk-error-summary"' in response.get_data(as_text=True)
    unchanged.check()


# --- dates and web addresses ---------------------------------------------------------------------------

API_DATES = [
    "2026-02-31",
    "2025-02-29",
    "2026-04-31",
    "2026-13-01",
    "2026-00-10",
    "0000-01-01",
    "1989-12-31",
    "9999-12-31",
    "2026-1-5",
    " 2026-01-05",
    "2026-01-05T00:00:00",
    "+2026-01-05",
    "２０２６-01-05",
]
WEB_DATES = [
    ["29", "2", "2025"],
    ["31", "4", "2026"],
    ["0", "1", "2026"],
    ["1", "13", "2026"],
    ["-1", "1", "2026"],
    ["1", "1", "99999"],
    ["one", "1", "2026"],
    ["1", "1", "1989"],
]


@pytest.mark.parametrize("date", API_DATES)
def test_dates_that_do_not_exist_or_are_not_allowed_are_refused_by_the_api(api: Api, council, db_session, date):
    unchanged = Unchanged(db_session)
    error_of(
        api.post(council["reporter"], "/cases", json=report_body(council, incident_date=date)),
        422,
        field="incident_date",
    )
    unchanged.check()


@pytest.mark.parametrize("date", WEB_DATES, ids=["-".join(d) for d in WEB_DATES])
def test_dates_that_do_not_exist_or_are_not_allowed_are_refused_by_the_page(
    client, login_as, council, db_session, date
):
    login_as(council["reporter"])
    client.get("/report/breach")
    unchanged = Unchanged(db_session)
    response = client.post("/report/breach", data=web_report(council["subject"].email, incident_date=date))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'class="govuk-error-summary"' in html
    assert 'href="#incident_date' in html
    unchanged.check()


NOT_WEB_ADDRESSES = [
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file:///etc/passwd",
    "ftp://example.org/x",
    "//evil.example/x",
    "http:/no-host",
    "https://exa mple.org/",
    "mailto:someone@example.org",
]


@pytest.mark.parametrize("url", NOT_WEB_ADDRESSES)
def test_web_addresses_that_are_not_http_are_refused_by_page_and_api(client, login_as, api, council, db_session, url):
    unchanged = Unchanged(db_session)
    error_of(
        api.post(council["reporter"], "/cases", json=report_body(council, content_url=url)), 422, field="content_url"
    )
    login_as(council["reporter"])
    client.get("/report/breach")
    response = client.post("/report/breach", data=web_report(council["subject"].email, content_url=url))
    assert 'href="#content_url"' in response.get_data(as_text=True)
    unchanged.check()


# --- markup in every free-text field: escaped on the pages and in the PDF ---------------------------------


def payload(field: str) -> str:
    return f"<script>alert('{field}')</script>"


def escaped(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;")


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_markup_in_every_free_text_field_is_shown_as_text_on_pages_and_in_the_pdf(
    client, login_as, api: Api, council, db_session
):
    p = council
    fields = {}
    case = api.report(
        p["manager"],
        source="public_complaint",
        subjects=[p["subject"].email],
        description=payload("description") + ' <img src="/etc/passwd"/> <font size=99>',
        complainant_name="<b>Ann</b> O'Brien",
        complainant_contact=payload("contact"),
        content_url="https://example.org/?q=<script>alert('url')</script>",
    )
    reference = case["reference"]
    fields.update(description=payload("description"), contact=payload("contact"))
    api.act(p["manager"], reference, "take_ownership")
    api.act(p["manager"], reference, "suspend_rights", subject=p["subject"].email, reason=payload("suspension"))
    api.act(p["manager"], reference, "lift_suspension", subject=p["subject"].email, reason=payload("lift"))
    api.act(
        p["manager"],
        reference,
        "start_investigation",
        investigator=p["investigator"].email,
        no_suspension_reason=payload("nosuspension"),
    )
    api.act(
        p["investigator"],
        reference,
        "add_note",
        kind="interview",
        interviewee_name="Sam Jones",
        interviewee_role="subject",
        text=payload("note"),
    )
    api.act(p["manager"], reference, "refer", agency="police", reason=payload("refer"), agency_reference="<i>CR</i>")
    referral_id = api.case(p["manager"], reference)["referrals"][0]["id"]
    api.act(
        p["manager"],
        reference,
        "update_referral",
        referral_id=referral_id,
        status="concluded",
        result=payload("result"),
    )
    api.act(p["manager"], reference, "resume")
    api.act(
        p["hr"],
        reference,
        "record_outcome",
        finding="substantiated",
        sanction="training",
        summary=payload("summary"),
    )
    api.upload(p["manager"], reference, png_bytes(), "<img src=x onerror=alert(1)>.png", payload("evidence"))
    fields.update(
        suspension=payload("suspension"),
        lift=payload("lift"),
        note=payload("note"),
        refer=payload("refer"),
        result=payload("result"),
        summary=payload("summary"),
        evidence=payload("evidence"),
    )

    login_as(p["hr"])
    html = client.get(f"/cases/{reference}").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src" not in html and "<b>Ann" not in html and "<font" not in html
    shown = {field for field, text in fields.items() if escaped(text) in html}
    # Everything typed is on the page, the lift reason in the chronology's details
    assert shown == set(fields), set(fields) - shown
    assert "&lt;b&gt;Ann&lt;/b&gt; O&#39;Brien" in html

    login_as(p["manager"])
    pdf = client.get(f"/cases/{reference}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    # Table cells wrap long words, so the comparison ignores white space
    text = re.sub(r"\s+", "", pdf_text(pdf.data))
    in_pdf = {field for field, shown in fields.items() if re.sub(r"\s+", "", shown) in text}
    # Evidence descriptions are on the page, not in the PDF (which lists files by name and digest)
    assert in_pdf == set(fields) - {"evidence"}, set(fields) - in_pdf
    assert "imgsrc=xonerror=alert(1).png" in text  # the file name, without the brackets it came with
    assert '<imgsrc="/etc/passwd"/>' in text and "<b>Ann</b>O'Brien" in text


# --- SQL metacharacters: stored and shown literally -------------------------------------------------------

SQL = [
    "'; DROP TABLE cases; --",
    '" OR "1"="1',
    "' OR 1=1 --",
    "1; DELETE FROM case_events WHERE 1=1",
    "%' AND '%'='",
    "\\'; SELECT pg_sleep(5); --",
    "_%\\%_",
]


def test_sql_metacharacters_are_stored_and_shown_literally(client, login_as, api: Api, council, db_session):
    p = council
    description = " | ".join(SQL)
    reference = api.report(p["reporter"], subjects=[p["subject"].email], description=description)["reference"]
    api.act(p["manager"], reference, "take_ownership")
    api.act(p["manager"], reference, "add_note", kind="note", text=SQL[0])
    stored = db_session.scalar(select(Case).where(Case.reference == reference))
    assert stored.description == description
    assert api.case(p["manager"], reference)["description"] == description
    login_as(p["manager"])
    html = client.get(f"/cases/{reference}").get_data(as_text=True)
    assert "&#39;; DROP TABLE cases; --" in html
    # The tables are all there, and the query parameters that reach SQL are checked, never spliced in
    unchanged = Unchanged(db_session)
    for query in ("stage=' OR '1'='1", "kind=breach'--", "category=%25", "cursor=' OR 1=1 --", "limit=1;DROP"):
        error_of(api.get(p["manager"], f"/cases?{query}"), 400)
    for path in ("/cases?stage=' OR '1'='1", "/cases?department=1 OR 1=1", "/cases?page=1;DROP TABLE cases"):
        assert client.get(path).status_code == 200
    error_of(api.get(p["manager"], "/cases/SMC-2026-00001' OR '1'='1"), 404)
    assert client.get("/cases/SMC-2026-00001'%20OR%20'1'='1").status_code == 404
    unchanged.check()


# --- unicode in names: emoji and combining marks are names; direction overrides are refused ------------------

ACCEPTED_NAMES = ["Zoë Ørsted", "Zoe\u0308 Brown", "Siobhán 😀", "👩\u200d👩\u200d👧 Family", "مريم العلي", "李小龙"]
REFUSED_NAMES = ["Ann\u202eevil", "Bob\u202dX", "Eve\u2066x\u2069", "Mal\u200fory"]


@pytest.mark.parametrize("name", ACCEPTED_NAMES)
def test_names_in_any_script_with_emoji_or_combining_marks_are_kept_and_shown(
    client, login_as, api: Api, council, db_session, name
):
    p = council
    created = api.report(p["manager"], **report_body(p, source="public_complaint", complainant_name=name))
    assert created["complainant_name"] == name
    login_as(p["manager"])
    html = client.get(f"/cases/{created['reference']}").get_data(as_text=True)
    assert name in html
    client.get("/report/breach")
    response = client.post(
        "/report/breach",
        data=web_report(p["subject"].email, source="public_complaint", complainant_name=name),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.mark.parametrize("name", REFUSED_NAMES, ids=["RLO", "LRO", "isolates", "RLM"])
def test_names_with_direction_overrides_are_refused_alike_by_page_and_api(
    client, login_as, api: Api, council, db_session, name
):
    p = council
    unchanged = Unchanged(db_session)
    error = error_of(
        api.post(p["manager"], "/cases", json=report_body(p, source="public_complaint", complainant_name=name)),
        422,
        field="complainant_name",
    )
    message = error["fields"]["complainant_name"]
    assert "right-to-left" in message
    login_as(p["manager"])
    client.get("/report/breach")
    response = client.post(
        "/report/breach", data=web_report(p["subject"].email, source="public_complaint", complainant_name=name)
    )
    assert message.replace("'", "&#39;") in response.get_data(as_text=True)
    unchanged.check()


def test_a_file_name_with_a_direction_override_is_shown_without_it(api: Api, council, investigated, db_session):
    reference, _ = investigated
    body = api.upload(council["manager"], reference, png_bytes(), "photo\u202egnp.png").get_json()
    assert body["original_name"] == "photognp.png"
    # The override would have shown "exe.png" as "gnp.exe": with the override gone, the content decides
    error_of(api.upload(council["manager"], reference, png_bytes(), "photo\u202egnp.exe", expect=422), 422)


# --- double submissions ------------------------------------------------------------------------------------


def test_a_double_clicked_report_form_makes_one_case(client, login_as, council, db_session):
    login_as(council["reporter"])
    page = client.get("/report/breach").get_data(as_text=True)
    token = re.search(r'name="submission_token" type="hidden" value="([^"]+)"', page).group(1)
    before = counts(db_session)
    form = web_report(council["subject"].email, submission_token=token)
    first = client.post("/report/breach", data=form)
    second = client.post("/report/breach", data=form)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    after = counts(db_session)
    assert after[0] == before[0] + 1
    followed = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "You have already sent this report" in followed
    # A new visit to the form is a new submission: the same report again is first shown the earlier one,
    # then sent if the person chooses to send it anyway
    page = client.get("/report/breach").get_data(as_text=True)
    fresh = re.search(r'name="submission_token" type="hidden" value="([^"]+)"', page).group(1)
    assert fresh != token
    again = client.post("/report/breach", data=web_report(council["subject"].email, submission_token=fresh))
    assert again.status_code == 200 and "You sent a report like this at" in again.get_data(as_text=True)
    assert counts(db_session)[0] == before[0] + 1
    anyway = web_report(council["subject"].email, submission_token=fresh, send_anyway="yes")
    assert client.post("/report/breach", data=anyway).status_code == 302
    assert counts(db_session)[0] == before[0] + 2


def test_a_report_form_with_errors_keeps_its_token_so_the_corrected_one_is_made_once(
    client, login_as, council, db_session
):
    login_as(council["reporter"])
    page = client.get("/report/breach").get_data(as_text=True)
    token = re.search(r'name="submission_token" type="hidden" value="([^"]+)"', page).group(1)
    before = counts(db_session)
    wrong = client.post(
        "/report/breach", data=web_report(council["subject"].email, platform="", submission_token=token)
    )
    assert f'value="{token}"' in wrong.get_data(as_text=True)
    form = web_report(council["subject"].email, submission_token=token)
    assert client.post("/report/breach", data=form).status_code == 302
    assert client.post("/report/breach", data=form).status_code == 302
    assert counts(db_session)[0] == before[0] + 1


def test_a_tampered_token_still_makes_the_report_once(client, login_as, council, db_session):
    login_as(council["reporter"])
    client.get("/report/breach")
    before = counts(db_session)
    response = client.post(
        "/report/breach", data=web_report(council["subject"].email, submission_token="<script>\x00" * 50)
    )
    assert response.status_code == 302
    assert counts(db_session)[0] == before[0] + 1


def test_the_api_makes_one_case_per_idempotency_key(api: Api, council, db_session):
    p = council
    before = counts(db_session)
    headers = {"Idempotency-Key": "report-2026-01-05-0001"}
    first = api.post(p["reporter"], "/cases", json=report_body(p), headers=headers)
    second = api.post(p["reporter"], "/cases", json=report_body(p), headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.get_json()["reference"] == second.get_json()["reference"]
    assert "Idempotent-Replayed" not in first.headers and second.headers["Idempotent-Replayed"] == "true"
    assert counts(db_session)[0] == before[0] + 1
    # The key is the caller's own: someone else using the same key makes their own case
    other = api.post(p["manager"], "/cases", json=report_body(p), headers=headers)
    assert other.status_code == 201 and other.get_json()["reference"] != first.get_json()["reference"]
    # No key: the same report within 30 minutes is a 409 naming the first; another key: a new case
    repeat = api.post(p["reporter"], "/cases", json=report_body(p))
    assert repeat.status_code == 409 and repeat.get_json()["error"]["reference"] == first.get_json()["reference"]
    assert (
        api.post(p["reporter"], "/cases", json=report_body(p), headers={"Idempotency-Key": "another-key-1"}).status_code
        == 201
    )
    assert counts(db_session)[0] == before[0] + 3
    unchanged = Unchanged(db_session)
    for bad in ("short", "x" * 201, "has space inside", "ünïcode-key-1", "tab\tinside-key"):
        error_of(api.post(p["reporter"], "/cases", json=report_body(p), headers={"Idempotency-Key": bad}), 400)
    unchanged.check()


def test_a_refused_report_does_not_use_up_its_key(api: Api, council, db_session):
    p = council
    headers = {"Idempotency-Key": "retry-after-fixing-1"}
    error_of(api.post(p["reporter"], "/cases", json=report_body(p, platform="myspace"), headers=headers), 422)
    created = api.post(p["reporter"], "/cases", json=report_body(p), headers=headers)
    assert created.status_code == 201 and "Idempotent-Replayed" not in created.headers


# --- paths, references and ids that are not the case's --------------------------------------------------------


def test_path_tricks_and_other_cases_evidence_on_the_pages_are_not_found(
    client, login_as, api: Api, council, investigated, db_session
):
    p = council
    reference, evidence_id = investigated
    other = api.report(p["reporter"], subjects=[p["subject"].email])["reference"]
    api.act(p["manager"], other, "take_ownership")
    login_as(p["manager"])
    assert client.get(f"/cases/{reference}/evidence/{evidence_id}").status_code == 200
    unchanged = Unchanged(db_session)
    for path in (
        f"/cases/{other}/evidence/{evidence_id}",
        f"/cases/{reference}/evidence/..%2F..%2F..%2Fetc%2Fpasswd",
        f"/cases/{reference}/evidence/%2e%2e%2f%2e%2e%2fsecret_key",
        f"/cases/{reference}/evidence/{evidence_id}%00",
        f"/cases/{reference}/evidence/{evidence_id}.png",
        f"/cases/{reference}/evidence/0x1",
        f"/cases/{reference}/evidence/{2**31}",
        f"/cases/{reference}/evidence/{2**40}",
        f"/cases/{reference}/evidence/-{evidence_id}",
        "/cases/..%2F..%2Fetc%2Fpasswd/evidence/1",
        "/cases/SMC-2026-99999/evidence/1",
        "/cases/SMC-2026-99999/report.pdf",
        "/cases/SMC-2026-99999/actions/take_ownership",
        "/cases/SMC-2026-99999/evidence",
        "/assets/../instance/secret_key",
        "/assets/..%2f..%2finstance%2fsecret_key",
        "/assets/%2e%2e/%2e%2e/etc/passwd",
    ):
        response = client.get(path)
        assert response.status_code == 404, (path, response.status_code)
        assert b"root:" not in response.data and b"test-secret-key" not in response.data
    for path in (f"/cases/{other}/evidence/{evidence_id}", "/cases/SMC-2026-99999/information"):
        assert client.post(path, data={"text": "x"}).status_code in (404, 405)
    unchanged.check()


def test_numbers_too_big_for_the_database_are_not_found_or_refused(api: Api, council, investigated, db_session):
    reference, _ = investigated
    hr = council["hr"]
    unchanged = Unchanged(db_session)
    for path in (f"/cases/{reference}/evidence/{2**31}", f"/cases/{reference}/evidence/{2**40}"):
        error_of(api.get(hr, path), 404)
    import base64

    for number in (2**31, 2**40, 2**62):
        cursor = base64.urlsafe_b64encode(f"id:{number}".encode()).decode().rstrip("=")
        error_of(api.get(hr, f"/cases?cursor={cursor}"), 400, field="cursor")
    unchanged.check()


# --- upload names are never paths ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../../../tmp/casework-evil.png", "casework-evil.png"),
        ("..\\..\\windows\\casework-evil.png", "casework-evil.png"),
        ("/etc/casework-evil.png", "casework-evil.png"),
        ("evil\r\nSet-Cookie: stolen=1.png", "evilSet-Cookie stolen=1.png"),
        ('quote"; filename="x.exe.png', "quote; filename=x.exe.png"),
    ],
    ids=["parent folders", "windows folders", "absolute", "header injection", "quotes"],
)
def test_upload_names_never_become_paths_or_headers(
    client, login_as, api: Api, council, investigated, db_session, app, name, shown
):
    reference, _ = investigated
    if any(c in name for c in '\r"\\'):
        # Such a name cannot travel in a well-formed multipart header: give it to the service as a parser might
        case = db_session.scalar(select(Case).where(Case.reference == reference))
        item = evidence_service.add_file(case, council["manager"], io.BytesIO(png_bytes((1, 2, 3))), name)
        db_session.commit()
        body = {"id": item.id, "original_name": item.original_name}
    else:
        body = api.upload(council["manager"], reference, png_bytes((1, 2, 3)), name).get_json()
    assert body["original_name"] == shown
    stored = db_session.get(Evidence, body["id"])
    assert stored.storage_key == stored.sha256
    evidence_dir = Path(app.config["EVIDENCE_DIR"]).resolve()
    assert (evidence_dir / stored.sha256[:2] / stored.sha256).is_file()
    assert not Path("/tmp/casework-evil.png").exists() and not Path("/etc/casework-evil.png").exists()
    assert not any("evil" in p.name for p in evidence_dir.rglob("*"))
    download = api.get(council["manager"], f"/cases/{reference}/evidence/{body['id']}")
    assert download.status_code == 200
    assert "Set-Cookie" not in download.headers
    assert not any("\r" in value or "\n" in value for _, value in download.headers.items())
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "\n" not in disposition and "/" not in disposition


def test_a_multipart_upload_with_a_nameless_part_is_refused(api: Api, council, investigated, db_session):
    """Found by schemathesis: a part without a name made the list of unknown fields unsortable (a 500)."""
    reference, _ = investigated
    unchanged = Unchanged(db_session)
    boundary = "b0undary"
    body = (
        (
            f"--{boundary}\r\nContent-Disposition: form-data\r\n\r\n{{}}\r\n"
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
            f"Content-Type: image/png\r\n\r\n"
        ).encode()
        + png_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = api.post(
        council["manager"],
        f"/cases/{reference}/evidence",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    error_of(response, 422, "invalid")
    unchanged.check()
