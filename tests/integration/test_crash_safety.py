"""An action interrupted mid-transaction leaves nothing behind (issue 6, Reliability 2).

A failure is injected after the action's audit event is written (in the
deadline refresh that follows it), on a database of the test's own where
commit and rollback are real: afterwards the case, its events, notes,
notifications, outbox, audit head and reference counter are exactly as
before, the outbox sends nothing for the change that was rolled back, and
the action can then be done for real. Two senders running `send-mail` at once
send each e-mail exactly once (test_mail.py covers retries and back-off).
"""

import threading
import time

import pytest
from sqlalchemy import func, select

from casework.extensions import db
from casework.models import (
    AccessLog,
    Case,
    CaseEvent,
    Note,
    Notification,
    OutboxEmail,
    ReferenceCounter,
    Suspension,
    User,
)
from casework.services import cases as case_service
from casework.services import mail
from casework.services import workflow as workflow_service
from casework.services.audit import verify_all
from casework.services.users import issue_api_token

from .fresh_database import fresh_app, populate, report_input_for

START = {"investigator": "investigator@test.invalid", "no_suspension_reason": "The post was taken down at once."}


class PowerCut(RuntimeError):
    pass


def snapshot(app) -> dict:
    """Everything an action could change, read from the database."""
    with app.app_context():
        counts = {
            model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Case, CaseEvent, Note, Notification, OutboxEmail, Suspension, AccessLog)
        }
        cases = db.session.execute(
            select(
                Case.reference,
                Case.stage,
                Case.version,
                Case.owner_id,
                Case.investigator_id,
                Case.audit_head,
                Case.next_deadline_at,
            ).order_by(Case.id)
        ).all()
        counters = db.session.execute(select(ReferenceCounter.year, ReferenceCounter.last_number)).all()
        unsent = db.session.scalar(select(func.count()).select_from(OutboxEmail).where(OutboxEmail.sent_at.is_(None)))
        db.session.remove()
        return {"counts": counts, "cases": [tuple(c) for c in cases], "counters": sorted(counters), "unsent": unsent}


class Recorder:
    """Stands in for the mail transport and keeps what it was asked to send."""

    sent: list = []
    delay = 0.0

    def send(self, message):
        time.sleep(self.delay)
        Recorder.sent.append(message)

    def close(self):
        pass


@pytest.fixture
def recorder(monkeypatch):
    Recorder.sent = []
    Recorder.delay = 0.0
    monkeypatch.setattr(mail, "LogTransport", Recorder)
    return Recorder


@pytest.fixture
def council(tmp_path):
    with fresh_app(tmp_path, "crash") as app:
        yield app, populate(app)


def send_all(app) -> int:
    with app.app_context():
        report = mail.send_pending()
        db.session.remove()
        return report.sent


def explode_after_event(monkeypatch, module, seen: list):
    """Make `module.refresh_next_deadline` (called after record_event) fail, noting what the transaction held."""

    def explode(case):
        seen.append(db.session.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id)))
        raise PowerCut("the server died after the event was written")

    monkeypatch.setattr(module, "refresh_next_deadline", explode)


def test_an_action_failing_after_its_event_leaves_no_partial_state(council, monkeypatch, recorder):
    app, people = council
    send_all(app)  # the mail of the committed changes goes; the outbox is now empty
    recorder.sent.clear()
    before = snapshot(app)
    seen: list = []
    explode_after_event(monkeypatch, workflow_service, seen)

    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == people["open"]))
        events_before = len(case.events)
        with pytest.raises(PowerCut):
            workflow_service.perform(
                case,
                db.session.get(User, people["hr"]),
                "start_investigation",
                START,
                version=case.version,
            )
        db.session.rollback()
        db.session.remove()
    assert seen == [events_before + 1], "the failure came after the event was written"

    assert snapshot(app) == before
    assert send_all(app) == 0 and recorder.sent == [], "mail was sent for a change that was rolled back"
    with app.app_context():
        assert verify_all().intact
        db.session.remove()

    monkeypatch.undo()  # the same action, on the same version, now goes through
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == people["open"]))
        workflow_service.perform(
            case,
            db.session.get(User, people["hr"]),
            "start_investigation",
            START,
            version=case.version,
        )
        db.session.commit()
        assert case.stage == "investigation"
        assert verify_all().intact
        db.session.remove()


def test_a_request_failing_after_its_event_answers_500_and_changes_nothing(council, monkeypatch, recorder):
    app, people = council
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error becomes a 500
    with app.app_context():
        token = issue_api_token(db.session.get(User, people["hr"]), days=1)
        db.session.commit()
        version = db.session.scalar(select(Case.version).where(Case.reference == people["open"]))
        db.session.remove()
    send_all(app)
    recorder.sent.clear()
    before = snapshot(app)
    seen: list = []
    explode_after_event(monkeypatch, workflow_service, seen)

    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    response = client.post(
        f"/api/v1/cases/{people['open']}/actions",
        json={"action": "start_investigation", "version": version, **START},
        headers=headers,
    )
    assert response.status_code == 500
    assert seen, "the failure came after the event was written"
    after = snapshot(app)
    # The token's last use is not committed either: the whole request is one transaction
    assert after == before
    assert send_all(app) == 0 and recorder.sent == []

    monkeypatch.undo()
    response = client.post(
        f"/api/v1/cases/{people['open']}/actions",
        json={"action": "start_investigation", "version": version, **START},
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()  # the failed attempt used up nothing: same version
    assert response.get_json()["stage"] == "investigation"


def test_a_report_failing_after_its_event_uses_no_reference_and_sends_nothing(council, monkeypatch, recorder):
    app, people = council
    send_all(app)
    recorder.sent.clear()
    before = snapshot(app)
    seen: list = []
    explode_after_event(monkeypatch, case_service, seen)

    with app.app_context():
        with pytest.raises(PowerCut):
            case_service.report_case(db.session.get(User, people["reporter"]), report_input_for("lost report"))
        db.session.rollback()
        db.session.remove()
    assert seen == [1]
    assert snapshot(app) == before
    assert send_all(app) == 0 and recorder.sent == []

    monkeypatch.undo()
    with app.app_context():
        case = case_service.report_case(db.session.get(User, people["reporter"]), report_input_for("kept report"))
        db.session.commit()
        last = max(number for _, number in before["counters"])
        assert case.reference.endswith(f"-{last + 1:05d}"), "the failed report used up a reference"
        db.session.remove()
    assert send_all(app) > 0


def test_two_senders_at_once_send_each_email_once(council, recorder):
    app, _ = council
    with app.app_context():
        waiting = db.session.scalar(select(func.count()).select_from(OutboxEmail).where(OutboxEmail.sent_at.is_(None)))
        db.session.remove()
    assert waiting >= 5
    recorder.delay = 0.02  # long enough for the senders to overlap
    barrier = threading.Barrier(3, timeout=30)
    reports: list = []

    def sender():
        with app.app_context():
            barrier.wait()
            reports.append(mail.send_pending())
            db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
        assert not thread.is_alive()

    ids = [message["Message-ID"] for message in recorder.sent]
    assert len(ids) == len(set(ids)) == waiting, "an e-mail was sent twice, or not at all"
    assert sum(report.sent for report in reports) == waiting
    with app.app_context():
        assert not db.session.scalar(select(func.count()).select_from(OutboxEmail).where(OutboxEmail.sent_at.is_(None)))
        db.session.remove()
    assert send_all(app) == 0
