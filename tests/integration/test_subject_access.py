"""Subject access export: everything held about one person, and nothing HR may not see."""

import io
import json
import zipfile
from datetime import date, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from casework.models import AccessLog, PublishingRight, SocialAccount
from casework.services import cases as case_service
from casework.services import letters
from casework.services.deadlines import london_today
from casework.services.errors import NotFound
from casework.services.subject_access import export_subject_access
from casework.services.workflow import perform
from tests.process_steps import decide


def act(case, actor, action, **params):
    return perform(case, actor, action, params, version=case.version)


def unzip(result) -> tuple[dict, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(result.zip_bytes))
    assert sorted(archive.namelist()) == ["subject-access.json", "subject-access.pdf"]
    return json.loads(archive.read("subject-access.json")), archive.read("subject-access.pdf")


def pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def council(make_department, make_user, make_case, db_session):
    housing = make_department("Housing")
    p = {
        "owner": make_user("manager", department=housing, name="Morgan Owen"),
        "investigator": make_user("manager", department=housing, name="Ian Vestigator"),
        "hr": make_user("hr", name="Harriet Rahman"),
        "hr2": make_user("hr", name="Hugh Second-HR"),
        "person": make_user(department=housing, name="Sam <i>Jones</i>"),
        "other": make_user(department=housing, name="Olive Other"),
    }
    account = SocialAccount(platform="x", handle="@HousingDemo", department_id=housing.id, status="active")
    db_session.add(account)
    db_session.flush()
    db_session.add(PublishingRight(user_id=p["person"].id, account_id=account.id, trained_on=date(2025, 1, 1)))

    about = make_case(p["other"], subjects=[p["person"]], description="Shared a resident's address")
    act(about, p["owner"], "take_ownership")
    act(about, p["owner"], "suspend_rights", subject=p["person"].email, reason="Risk to residents")
    act(about, p["owner"], "start_investigation", investigator=p["investigator"].email)
    letters.produce_letter(
        about,
        p["owner"],
        "investigation_meeting",
        p["person"].email,
        letters.Meeting(london_today() + timedelta(days=3), "14:00", "Town Hall"),
    )
    decide(about, p["hr"], sanction="first_written_warning", rights_decision="restored", summary="Breach of 4.2")

    reported = make_case(p["person"], subjects=[p["other"]], description="Olive posted <b>abuse</b>")
    case_service.add_information(reported, p["person"], "A screenshot is on its way")
    case_service.record_access(reported, p["person"], "view")
    unrelated = make_case(p["other"], subjects=[p["owner"]])
    p.update(about=about, reported=reported, unrelated=unrelated, account=account)
    return p


def test_export_holds_everything_about_the_person(council, db_session):
    p = council
    result = export_subject_access(p["hr"], p["person"])
    doc, pdf = unzip(result)

    assert doc["person"]["email"] == p["person"].email and doc["person"]["name"] == "Sam <i>Jones</i>"
    cases = {c["reference"]: c for c in doc["cases"]}
    assert set(cases) == {p["about"].reference, p["reported"].reference}
    assert cases[p["about"].reference]["roles"] == ["subject"]
    assert cases[p["about"].reference]["description"] == "Shared a resident's address"
    assert cases[p["reported"].reference]["roles"] == ["reporter"]
    assert [o["sanction"] for o in doc["outcomes"]] == ["first_written_warning"]
    outcome = p["about"].outcome
    assert doc["outcomes"][0]["live_until"] == outcome.live_until.isoformat()
    assert doc["outcomes"][0]["appeal_due_on"] == outcome.appeal_due_on.isoformat()
    assert [s["reason"] for s in doc["suspensions"]] == ["Risk to residents"]
    assert doc["suspensions"][0]["lifted_at"] is not None
    assert [(x["letter"], x["reference"]) for x in doc["letters"]] == [("investigation_meeting", p["about"].reference)]
    assert len(doc["letters"][0]["sha256"]) == 64
    assert [n["text"] for n in doc["notes_written"]] == ["A screenshot is on its way"]
    assert doc["publishing_rights"] == [
        {
            "account": {"platform": "x", "handle": "@HousingDemo"},
            "trained_on": "2025-01-01",
            "granted_by": None,
            "granted_at": doc["publishing_rights"][0]["granted_at"],
            "status": "active",
        }
    ]
    assert [(a["action"], a["reference"]) for a in doc["access_log"]] == [("view", p["reported"].reference)]
    assert doc["withheld"] == {"cases": 0, "reason": None}
    datetime.fromisoformat(doc["generated_at"])
    datetime.fromisoformat(doc["cases"][0]["reported_at"])
    assert p["unrelated"].reference not in json.dumps(doc)

    pages = pdf_text(pdf)
    text = " ".join(" ".join(pages).split())
    for number, page in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE" in page and f"Page {number} of {len(pages)}" in page
    assert "Subject access export: Sam <i>Jones</i>" in text
    assert p["about"].reference in text and p["reported"].reference in text
    assert "First written warning" in text and "Invitation to an investigation meeting" in text
    assert "Cases left out" not in text

    logged = db_session.scalars(
        select(AccessLog.case_id).where(AccessLog.user_id == p["hr"].id, AccessLog.action == "export")
    ).all()
    assert sorted(logged) == sorted([p["about"].id, p["reported"].id])
    assert result.filename.startswith("subject-access-sam-i-jones-i-")


def test_hr_cannot_read_a_case_they_are_the_subject_of(council, make_case):
    p = council
    shared = make_case(p["other"], subjects=[p["person"], p["hr"]], description="Both posted it")
    act(shared, p["owner"], "take_ownership")

    result = export_subject_access(p["hr"], p["person"])
    doc, pdf = unzip(result)
    assert shared.reference not in json.dumps(doc)
    assert shared.reference not in "\n".join(pdf_text(pdf))
    assert doc["withheld"]["cases"] == 1 and "another member of HR" in doc["withheld"]["reason"]
    assert "Cases left out of this export" in "\n".join(pdf_text(pdf))
    assert result.cases_withheld == 1

    # another member of HR sees it
    doc, _ = unzip(export_subject_access(p["hr2"], p["person"]))
    assert shared.reference in {c["reference"] for c in doc["cases"]} and doc["withheld"]["cases"] == 0

    # HR asking about themselves
    doc, _ = unzip(export_subject_access(p["hr"], p["hr"]))
    assert doc["cases"] == [] and doc["withheld"]["cases"] == 1


def test_access_rows_of_withheld_cases_are_left_out_and_not_logged(council, make_case, db_session):
    p = council
    shared = make_case(p["other"], subjects=[p["hr"]])
    case_service.record_access(shared, p["person"], "view")
    result = export_subject_access(p["hr"], p["person"])
    doc, _ = unzip(result)
    assert shared.reference not in json.dumps(doc) and doc["withheld"]["cases"] == 1
    assert not db_session.scalars(
        select(AccessLog).where(AccessLog.case_id == shared.id, AccessLog.user_id == p["hr"].id)
    ).all()


@pytest.mark.parametrize("role", ["employee", "manager", "head_of_service", "admin"])
def test_only_hr_exports(council, make_user, role):
    with pytest.raises(NotFound):
        export_subject_access(make_user(role), council["person"])


def test_a_person_with_nothing_recorded(council, make_user):
    nobody = make_user(name="Nadia Nobody")
    doc, pdf = unzip(export_subject_access(council["hr"], nobody))
    assert doc["cases"] == doc["letters"] == doc["access_log"] == []
    assert "Nadia Nobody" in "\n".join(pdf_text(pdf))
