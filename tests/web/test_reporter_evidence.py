"""Reporters give evidence (issue 9, item 9): files with either report form and when adding information;
they see their own files and nothing else; every file is sniffed and downloaded as an attachment."""

import io
import re

import pytest
from sqlalchemy import func, select

from casework.models import Case, Evidence
from casework.services import evidence as evidence_service
from tests.evidence_samples import docx_bytes, heic_bytes, msg_bytes

from .test_api_fixtures import Api, api_fixture, case_row, council_fixture, png_bytes  # noqa: F401  (fixtures)
from .test_reporting import breach_form, reference_from

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 40 + b"PE\x00\x00"


def count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def files_of(db_session, reference) -> list[tuple[str, str, int]]:
    case = case_row(db_session, reference)
    rows = db_session.execute(
        select(Evidence.original_name, Evidence.content_type, Evidence.uploaded_by_id)
        .where(Evidence.case_id == case.id)
        .order_by(Evidence.id)
    )
    return [tuple(row) for row in rows]


@pytest.mark.parametrize("kind", ["breach", "abuse"])
def test_a_reporter_attaches_files_to_either_report_form(client, login_as, council, db_session, kind):
    reporter = council["reporter"]
    login_as(reporter)
    client.get(f"/report/{kind}")
    form = breach_form(council["subject"])
    if kind == "abuse":
        form.update(categories=["threats"], subject_1="", flags=[], severity=None)
        form = {key: value for key, value in form.items() if value is not None}
    form["evidence"] = [
        (io.BytesIO(png_bytes()), "screenshot.png"),
        (io.BytesIO(docx_bytes()), "my statement.docx"),
        (io.BytesIO(heic_bytes()), "IMG_0412.HEIC"),
    ]
    response = client.post(f"/report/{kind}", data=form, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    reference = reference_from(response)
    assert files_of(db_session, reference) == [
        ("screenshot.png", "image/png", reporter.id),
        ("my statement.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", reporter.id),
        ("IMG_0412.HEIC", "image/heic", reporter.id),
    ]
    page = client.get(f"/cases/{reference}").get_data(as_text=True)
    assert "Files you gave" in page and "my statement.docx" in page and "IMG_0412.HEIC" in page


def test_a_refused_file_refuses_the_whole_report_and_says_which(client, login_as, council, db_session):
    login_as(council["reporter"])
    client.get("/report/breach")
    cases, evidence = count(db_session, Case), count(db_session, Evidence)
    form = breach_form(council["subject"])
    form["evidence"] = [(io.BytesIO(png_bytes()), "screenshot.png"), (io.BytesIO(EXE), "photo.png")]
    response = client.post("/report/breach", data=form, content_type="multipart/form-data")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "photo.png: The selected file must be a PNG, JPEG, GIF, WebP or HEIC image" in page
    assert 'href="#evidence"' in page  # in the error summary, linked to the file input
    assert (count(db_session, Case), count(db_session, Evidence)) == (cases, evidence)


@pytest.fixture
def reported(api: Api, council):
    return api.report(council["reporter"], subjects=[council["subject"].email])["reference"]


def test_a_reporter_adds_files_later_with_or_without_words(client, login_as, council, db_session, reported):
    login_as(council["reporter"])
    page = client.get(f"/cases/{reported}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = client.post(
        f"/cases/{reported}/information",
        data={"version": version, "text": "", "evidence": [(io.BytesIO(msg_bytes()), "threat.msg")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert "Files added." in client.get(f"/cases/{reported}").get_data(as_text=True)
    assert files_of(db_session, reported) == [("threat.msg", "application/vnd.ms-outlook", council["reporter"].id)]

    # A file whose content does not match its name changes nothing, and says why
    version = str(case_row(db_session, reported).version)
    response = client.post(
        f"/cases/{reported}/information",
        data={"version": version, "text": "And here is the photo.", "evidence": [(io.BytesIO(EXE), "photo.heic")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "The selected file must be" in response.get_data(as_text=True)
    assert len(files_of(db_session, reported)) == 1
    assert "And here is the photo." in response.get_data(as_text=True)  # the words are kept


def test_a_reporter_sees_and_downloads_only_their_own_files(api: Api, client, login_as, council, db_session, reported):
    reporter, manager = council["reporter"], council["manager"]
    api.act(manager, reported, "take_ownership")
    mine = api.upload(reporter, reported, png_bytes(), "mine.png").get_json()
    theirs = api.upload(manager, reported, png_bytes((0, 0, 200)), "investigators-copy.png").get_json()

    body = api.case(reporter, reported)
    assert [f["original_name"] for f in body["your_files"]] == ["mine.png"]
    assert "evidence" not in body
    assert api.get(reporter, f"/cases/{reported}/evidence/{mine['id']}").status_code == 200
    assert api.get(reporter, f"/cases/{reported}/evidence/{theirs['id']}").status_code == 404
    # The people handling the case see both
    assert {e["original_name"] for e in api.case(manager, reported)["evidence"]} == {
        "mine.png",
        "investigators-copy.png",
    }

    login_as(reporter)
    page = client.get(f"/cases/{reported}").get_data(as_text=True)
    assert "mine.png" in page and "investigators-copy.png" not in page
    download = client.get(f"/cases/{reported}/evidence/{mine['id']}")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/cases/{reported}/evidence/{theirs['id']}").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("reporter", 201),
        ("manager", 201),  # line manager of the subject and department manager, taking ownership below
        ("hr", 201),
        ("manager2", 403),  # sees the case in full but does not handle it
        ("victim", 404),
        ("outsider", 404),
        ("admin", 404),
        ("subject", 404),
    ],
)
def test_who_may_give_a_file_through_the_api(api: Api, council, db_session, reported, who, status):
    api.act(council["manager"], reported, "take_ownership")
    person = council[who]
    if who == "subject":
        person.password_hash = None  # people without sign-in have no token either; the rule is what matters
        with pytest.raises(evidence_service.NotAllowed):
            evidence_service.add_file(case_row(db_session, reported), person, io.BytesIO(png_bytes()), "a.png")
        return
    before = count(db_session, Evidence)
    response = api.upload(person, reported, png_bytes(), "screenshot.png", expect=status)
    assert count(db_session, Evidence) == before + (1 if status == 201 else 0), response.get_json()


def test_no_files_once_the_report_is_concluded(api: Api, council, db_session, reported):
    case = case_row(db_session, reported)
    case.stage = "closed"
    db_session.commit()
    response = api.upload(council["reporter"], reported, png_bytes(), "late.png", expect=409)
    assert "closed" in response.get_json()["error"]["message"]
