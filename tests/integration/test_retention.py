"""Retention (issue 6, Reliability 5): `flask casework purge-expired` and legal holds.

On a database of the test's own (purge-expired commits case by case): a closed
case past its retention date loses every piece of personal content and keeps
what statistics need; its audit trail is redacted and sealed by a tombstone
event, so the chain still verifies and any later change to it is caught;
evidence files go unless another case holds the same file; cases on legal
hold, open or not yet due are left alone; a second run does nothing.
"""

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from casework.extensions import db
from casework.models import (
    AccessLog,
    Case,
    CaseEvent,
    Evidence,
    Note,
    Notification,
    OutboxEmail,
    Referral,
    Suspension,
    User,
    case_subjects,
)
from casework.services.audit import verify_all
from casework.services.errors import Conflict, InvalidInput, NotAllowed
from casework.services.exports import case_report_pdf, verify_report
from casework.services.retention import purge_expired, set_legal_hold
from casework.services.users import issue_api_token
from casework.services.workflow import perform

from .fresh_database import PERSONAL, SHARED_FILE, UNIQUE_FILE, fresh_app, populate

LATER = date(2040, 1, 1)  # long after any retention date set today


@pytest.fixture
def council(tmp_path):
    with fresh_app(tmp_path, "retention") as app:
        people = populate(app)
        with app.app_context():
            yield app, people
            db.session.remove()


def case_of(reference: str) -> Case:
    db.session.expire_all()
    return db.session.scalar(select(Case).where(Case.reference == reference))


def cli(app, *args):
    return app.test_cli_runner().invoke(args=["casework", *args])


def stored_file(app, content: bytes) -> Path:
    digest = hashlib.sha256(content).hexdigest()
    return Path(app.config["EVIDENCE_DIR"]) / digest[:2] / digest


def everything_about(case: Case) -> str:
    """Every stored value of the case and the rows that hang off it, as one string."""
    rows = [
        {c.name: getattr(case, c.key) for c in Case.__table__.columns},
        *({c.name: getattr(r, c.key) for c in type(r).__table__.columns} for r in case.notes),
        *({c.name: getattr(r, c.key) for c in type(r).__table__.columns} for r in case.evidence),
        *({c.name: getattr(r, c.key) for c in type(r).__table__.columns} for r in case.referrals),
        *({c.name: getattr(r, c.key) for c in type(r).__table__.columns} for r in case.suspensions),
        *({c.name: getattr(r, c.key) for c in type(r).__table__.columns} for r in case.events),
    ]
    if case.outcome is not None:
        rows.append({c.name: getattr(case.outcome, c.key) for c in type(case.outcome).__table__.columns})
    for model in (Notification, OutboxEmail, AccessLog):
        rows += [
            {c.name: getattr(r, c.key) for c in model.__table__.columns}
            for r in db.session.scalars(select(model).where(model.case_id == case.id))
        ]
    return json.dumps(rows, default=str)


def test_a_closed_case_past_retention_is_anonymised_keeping_its_statistics(council):
    app, people = council
    case = case_of(people["closed"])
    text_before = everything_about(case)
    assert all(item in text_before for item in PERSONAL), "the fixture holds the personal content"
    kept = {
        "kind": case.kind,
        "source": case.source,
        "stage": case.stage,
        "platform": case.platform,
        "categories": case.categories,
        "department_id": case.department_id,
        "incident_date": case.incident_date,
        "created_at": case.created_at,
        "closed_at": case.closed_at,
        "retention_until": case.retention_until,
        "owner_id": case.owner_id,
        "investigator_id": case.investigator_id,
        "outcome": (case.outcome.finding, case.outcome.sanction, case.outcome.decided_at),
        "referrals": [(r.agency, r.status, r.referred_at) for r in case.referrals],
        "evidence": [(e.content_type, e.size, e.uploaded_at) for e in case.evidence],
    }
    hashes = [(e.seq, e.hash, e.prev_hash) for e in case.events]
    other_description = case_of(people["open"]).description

    report = purge_expired(today=LATER)
    assert report.anonymised == [people["closed"]]
    assert (report.held, report.refused, report.files_deleted) == ([], [], 1)

    case = case_of(people["closed"])
    assert case.anonymised_at is not None
    for key, value in kept.items():
        if key == "outcome":
            assert (case.outcome.finding, case.outcome.sanction, case.outcome.decided_at) == value
        elif key == "referrals":
            assert [(r.agency, r.status, r.referred_at) for r in case.referrals] == value
        elif key == "evidence":
            assert [(e.content_type, e.size, e.uploaded_at) for e in case.evidence] == value
        else:
            assert getattr(case, key) == value, key
    assert (case.description, case.content_url, case.reporter_id) == ("", None, None)
    assert (case.complainant_name, case.complainant_contact) == (None, None)
    assert case.subjects == [] and case.suspensions == []
    assert [n.text for n in case.notes] == [""], "the reporter's note goes, the investigator's is blanked"
    assert all(e.original_name is e.storage_key is e.sha256 is e.source_url is None for e in case.evidence)
    assert case.outcome.summary == "" and case.referrals[0].reason == "" and case.referrals[0].result is None

    text_after = everything_about(case)
    assert [item for item in PERSONAL if item in text_after] == []
    for email in ("subject@test.invalid", "manager@test.invalid"):
        assert email not in text_after

    # The chain: the same events with the same hashes, and a tombstone at the end
    assert [(e.seq, e.hash, e.prev_hash) for e in case.events[:-1]] == hashes
    tombstone = case.events[-1]
    assert (tombstone.action, tombstone.actor_id, tombstone.prev_hash) == ("anonymised", None, hashes[-1][1])
    assert tombstone.data["removed"]["subjects"] == 1
    assert tombstone.data["removed"]["evidence_items"] == 3
    assert tombstone.data["removed"]["events_redacted"] == len(hashes)
    assert tombstone.data["subject_staff_types"] == {"employee": 1}
    assert case.audit_head == tombstone.hash
    result = verify_all()
    assert result.intact, result
    assert cli(app, "verify-audit").exit_code == 0

    # Files: the one only this case held is gone; the one another case holds stays
    assert not stored_file(app, UNIQUE_FILE).exists()
    assert stored_file(app, SHARED_FILE).exists()
    assert case_of(people["open"]).description == other_description


def test_a_second_run_does_nothing(council):
    _, people = council
    assert purge_expired(today=LATER).anonymised == [people["closed"]]
    events = db.session.scalar(select(func.count()).select_from(CaseEvent))
    version = case_of(people["closed"]).version
    again = purge_expired(today=LATER)
    assert (again.anonymised, again.held, again.refused, again.files_deleted) == ([], [], [], 0)
    assert db.session.scalar(select(func.count()).select_from(CaseEvent)) == events
    assert case_of(people["closed"]).version == version


def test_open_cases_and_cases_not_yet_due_are_left_alone(council):
    _, people = council
    retention_until = case_of(people["closed"]).retention_until
    assert purge_expired(today=retention_until).anonymised == [], "kept up to and including retention_until"
    report = purge_expired(today=LATER)
    assert report.anonymised == [people["closed"]]
    for reference in (people["open"], people["abuse"]):
        assert case_of(reference).anonymised_at is None


def test_legal_hold_stops_anonymisation_until_hr_lifts_it(council):
    app, people = council
    result = cli(app, "legal-hold", people["closed"], "--on", "--reason", "Tribunal claim", "--by", people["hr_email"])
    assert result.exit_code == 0, result.output
    case = case_of(people["closed"])
    assert case.legal_hold
    assert (case.events[-1].action, case.events[-1].data) == (
        "legal_hold_set",
        {"on": True, "reason": "Tribunal claim"},
    )

    report = purge_expired(today=LATER)
    assert (report.anonymised, report.held) == ([], [people["closed"]])
    assert case_of(people["closed"]).description != ""

    result = cli(app, "legal-hold", people["closed"], "--off", "--reason", "Claim settled", "--by", people["hr_email"])
    assert result.exit_code == 0, result.output
    assert purge_expired(today=LATER).anonymised == [people["closed"]]
    case = case_of(people["closed"])
    assert [e.action for e in case.events[-3:]] == ["legal_hold_set", "legal_hold_cleared", "anonymised"]
    assert "Tribunal claim" not in json.dumps([e.data for e in case.events])
    assert verify_all().intact


def test_only_hr_sets_a_legal_hold_with_a_reason(council):
    app, people = council
    case = case_of(people["closed"])
    manager = db.session.get(User, people["manager"])
    hr = db.session.get(User, people["hr"])
    with pytest.raises(NotAllowed):
        set_legal_hold(case, manager, True, "Because")
    with pytest.raises(InvalidInput):
        set_legal_hold(case, hr, True, "  ")
    with pytest.raises(Conflict):
        set_legal_hold(case, hr, False, "It is not on hold")
    db.session.rollback()
    result = cli(app, "legal-hold", people["closed"], "--on", "--reason", "x", "--by", "manager@test.invalid")
    assert result.exit_code == 1 and "Only HR" in result.output
    result = cli(app, "legal-hold", "SMC-1999-00001", "--on", "--reason", "x", "--by", people["hr_email"])
    assert result.exit_code == 1 and "No case" in result.output
    assert not case_of(people["closed"]).legal_hold


def test_changing_a_redacted_event_or_its_tombstone_is_detected(council):
    _, people = council
    purge_expired(today=LATER)
    case = case_of(people["closed"])
    reported, tombstone = case.events[0], case.events[-1]
    original = dict(reported.data)

    # Put a subject back into the redacted first event
    db.session.execute(
        update(CaseEvent).where(CaseEvent.id == reported.id).values(data={**original, "subjects": ["x@y.invalid"]})
    )
    db.session.commit()
    result = verify_all()
    assert (result.broken_reference, result.broken_seq) == (people["closed"], 1)
    assert "not sealed" in result.reason

    # Pass it off as an unredacted event: its hash no longer matches
    db.session.execute(update(CaseEvent).where(CaseEvent.id == reported.id).values(data={"kind": "breach"}))
    db.session.commit()
    assert verify_all().broken_seq == 1

    db.session.execute(update(CaseEvent).where(CaseEvent.id == reported.id).values(data=original))
    db.session.commit()
    assert verify_all().intact

    # Remove the tombstone: the redacted events are no longer sealed (and the head is missing)
    db.session.execute(update(Case).where(Case.id == case.id).values(audit_head=tombstone.prev_hash))
    db.session.delete(db.session.get(CaseEvent, tombstone.id))
    db.session.commit()
    result = verify_all()
    assert result.broken_reference == people["closed"] and "no anonymisation tombstone" in result.reason


def test_a_case_whose_audit_trail_is_broken_is_not_anonymised(council):
    app, people = council
    case = case_of(people["closed"])
    db.session.execute(update(CaseEvent).where(CaseEvent.id == case.events[2].id).values(data={"forged": True}))
    db.session.commit()
    report = purge_expired(today=LATER)
    assert report.anonymised == []
    assert report.refused and report.refused[0][0] == people["closed"]
    assert case_of(people["closed"]).description != ""


def test_an_anonymised_case_is_frozen_but_still_readable(council):
    app, people = council
    purge_expired(today=LATER)
    case = case_of(people["closed"])
    hr = db.session.get(User, people["hr"])
    with pytest.raises(Conflict):
        perform(case, hr, "reopen", {"reason": "Look again"}, version=case.version)
    db.session.rollback()
    token = issue_api_token(hr, days=1)
    db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    for path in ("", "/events"):
        response = client.get(f"/api/v1/cases/{people['closed']}{path}", headers=headers)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:500])
        body = response.get_data(as_text=True)
        assert [item for item in PERSONAL if item in body] == []
    pdf = case_report_pdf(case_of(people["closed"]), hr)
    assert verify_report(pdf).valid


def test_purge_expired_command(council):
    app, people = council
    db.session.execute(update(Case).where(Case.reference == people["closed"]).values(retention_until=date(2020, 1, 1)))
    db.session.commit()
    result = cli(app, "purge-expired")
    assert result.exit_code == 0, result.output
    assert f"Anonymised 1 case: {people['closed']}; deleted 1 evidence file." in result.output
    result = cli(app, "purge-expired")
    assert result.exit_code == 0 and "Anonymised 0 cases; deleted 0 evidence files." in result.output
    assert not db.session.scalar(
        select(func.count()).select_from(case_subjects).where(case_subjects.c.case_id == people["closed_id"])
    )
    assert not db.session.scalar(
        select(func.count()).select_from(Suspension).where(Suspension.case_id == people["closed_id"])
    )
    assert db.session.scalar(select(func.count()).select_from(Note).where(Note.case_id == people["closed_id"])) == 1
    assert db.session.scalar(select(func.count()).select_from(Referral).where(Referral.case_id == people["closed_id"]))
    assert db.session.scalar(select(func.count()).select_from(Evidence).where(Evidence.case_id == people["closed_id"]))
