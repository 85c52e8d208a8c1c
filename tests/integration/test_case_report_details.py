"""The case report's chronology tells each event in sentences, with UK dates, and the PDF's
metadata says truly what it is, who made it and when; the seal still verifies."""

import io
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from casework.domain.policy import Stage
from casework.models import PublishingRight, SocialAccount
from casework.reports.event_details import describe
from casework.services.exports import case_report_pdf, verify_report
from casework.services.workflow import perform
from tests.process_steps import decide, waive_appeals


@pytest.fixture
def decided_case(db_session, make_department, make_user, make_case):
    housing = make_department("Housing")
    hr = make_user("hr", name="Harriet Rahman")
    investigator = make_user("manager", department=housing, name="Tom Gallagher")
    subject = make_user(department=housing, password=None, name="Sam Jones")
    account = SocialAccount(platform="facebook", handle="HousingNews", department=housing, status="active")
    db_session.add(account)
    db_session.flush()
    db_session.add(
        PublishingRight(user_id=subject.id, account_id=account.id, trained_on=date(2025, 1, 6), status="active")
    )
    case = make_case(make_user(department=housing, name="Emma Lewis"), subjects=[subject])

    def act(actor, action, **params):
        perform(case, actor, action, params, version=case.version)

    act(hr, "take_ownership")
    act(hr, "suspend_rights", subject=subject.email, reason="The post named a resident")
    act(hr, "start_investigation", investigator=investigator.email)
    act(
        investigator,
        "add_note",
        kind="interview",
        interviewee_name="Sam Jones",
        interviewee_role="subject",
        text="Accepted posting it.",
    )
    decide(case, hr, sanction="first_written_warning", rights_decision="restored", summary="Breached the policy.")
    act(hr, "refer", agency="police", reason="Possible offence", agency_reference="CR-123")
    referral_id = case.referrals[0].id
    act(hr, "update_referral", referral_id=referral_id, status="concluded", result="No further action")
    waive_appeals(case, hr)
    act(hr, "close")
    return case, hr


def chronology_text(pdf: bytes) -> str:
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    else:
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split("Chronology", 1)[1].split())


def test_details_read_as_sentences_not_raw_data(decided_case):
    case, hr = decided_case
    text = chronology_text(case_report_pdf(case, hr))
    for raw in ("note id", "content removed:", "True", "False", "referral id", "next review on:", "@"):
        assert raw not in text, f"raw data {raw!r} in the chronology"
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), "an ISO date in the chronology"
    assert "Harriet Rahman took the case on." in text
    assert "Publishing rights of Sam Jones suspended on every council account: The post named a resident." in text
    assert "Tom Gallagher appointed to investigate." in text
    assert "Interview record with Sam Jones, subject added; its text is under Notes." in text
    assert "Finding: substantiated. Sanction: first written warning, live until" in text
    assert "The content was not removed." in text
    assert "Publishing rights restored." in text and "rights publishing" not in text
    assert "Investigatio n" not in text and "Assessmen t" not in text  # no word cut in a column
    assert "Referred to Police (their reference CR-123): Possible offence." in text
    assert re.search(r"The record is kept until \d{1,2} \w+ \d{4}\.", text)
    assert re.search(r"Appeal by \d{1,2} \w+ \d{4}\.", text)


def test_the_pdf_metadata_is_true_and_the_seal_still_verifies(decided_case):
    case, hr = decided_case
    before = datetime.now(UTC).replace(microsecond=0)
    pdf = case_report_pdf(case, hr)
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info.title == f"Case report {case.reference}"
    assert info.author.startswith("Harriet Rahman, ")
    assert case.reference in info.subject
    assert before - timedelta(seconds=1) <= info.creation_date <= datetime.now(UTC) + timedelta(seconds=1)
    assert info.creation_date.year != 2000
    assert verify_report(pdf).valid


def test_unknown_actions_and_data_still_read_as_words():
    text = describe(
        "outcome_superseded",
        {"note_id": 29, "content_removed": True, "decided_at": "2026-03-02T14:30:00+00:00", "by": "a@b.test"},
        names=lambda email: {"a@b.test": "Ann Bell"}.get(email, email),
    )
    assert text == "Content removed: yes. Decided at: 2 March 2026 at 14:30. By: Ann Bell."
    assert describe("resume", {"resumed_stage": Stage.INVESTIGATION}) == "Resumed at the investigation stage."
