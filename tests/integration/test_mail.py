"""Sending the outbox to a real SMTP server, and queuing daily reminders of overdue deadlines."""

import logging
import socket
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from casework.models import Case, Notification, OutboxEmail, utcnow
from casework.services import mail, reminders

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Collector:
    """An SMTP handler that keeps every message it is given."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        return [message_from_bytes(e.original_content, policy=policy.default) for e in self.envelopes]


@pytest.fixture
def smtp_server(app, monkeypatch):
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT_SECONDS", 5)
    yield collector
    controller.stop()


@pytest.fixture
def no_server(app, monkeypatch):
    """MAIL_SERVER points at a port where nothing listens."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT_SECONDS", 5)


@pytest.fixture
def reported(db_session, make_user, make_department, make_case):
    """A reported case: its line manager and HR have mail waiting."""
    housing = make_department("Housing")
    manager = make_user("manager", department=housing)
    make_user("hr")
    subject = make_user(department=housing, line_manager=manager, password=None)
    case = make_case(make_user(department=housing), subjects=[subject])
    db_session.commit()
    return case


def unsent(db_session) -> list[OutboxEmail]:
    db_session.expire_all()
    return list(db_session.scalars(select(OutboxEmail).where(OutboxEmail.sent_at.is_(None)).order_by(OutboxEmail.id)))


def outbox(db_session) -> list[OutboxEmail]:
    db_session.expire_all()
    return list(db_session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)))


# --- sending ------------------------------------------------------------------------


def test_outbox_mail_reaches_a_real_smtp_server(app, db_session, reported, smtp_server):
    waiting = unsent(db_session)
    assert len(waiting) >= 2
    expected = sorted(e.to_address for e in waiting)

    report = mail.send_pending(now=T0)

    assert (report.sent, report.failed, report.given_up) == (len(waiting), 0, 0)
    assert sorted(rcpt for e in smtp_server.envelopes for rcpt in e.rcpt_tos) == expected
    message = smtp_server.messages[0]
    assert message["From"] == app.config["MAIL_FROM"]
    assert message["Subject"] == f"Casework: {reported.reference}"
    assert message["Message-ID"].startswith(f"<casework.{waiting[0].id}.") and message["Message-ID"].endswith(
        "@demo.invalid>"
    )
    assert message.get_content_type() == "text/plain"
    assert reported.reference in message.get_content()
    assert reported.description not in message.get_content()  # case details stay inside Casework
    assert all((e.sent_at, e.attempts, e.last_error) == (T0, 1, None) for e in outbox(db_session))


def test_each_email_is_sent_once_however_often_send_mail_runs(db_session, reported, smtp_server):
    first = mail.send_pending(now=T0)
    second = mail.send_pending(now=T0 + timedelta(minutes=5))
    third = mail.send_pending()
    assert first.sent > 0 and second.sent == third.sent == 0
    assert len(smtp_server.envelopes) == first.sent
    assert len({m["Message-ID"] for m in smtp_server.messages}) == first.sent


def test_a_failing_server_is_retried_with_growing_gaps_and_nothing_is_sent_twice(
    app, db_session, reported, no_server, monkeypatch
):
    count = len(unsent(db_session))
    report = mail.send_pending(now=T0)
    assert (report.sent, report.failed) == (0, count)
    rows = outbox(db_session)
    assert all(r.attempts == 1 and r.next_attempt_at == T0 + timedelta(minutes=1) for r in rows)
    assert all("ConnectionRefusedError" in r.last_error for r in rows)

    # Not due yet: nothing is tried
    assert mail.send_pending(now=T0 + timedelta(seconds=59)).failed == 0
    assert {r.attempts for r in outbox(db_session)} == {1}

    mail.send_pending(now=T0 + timedelta(minutes=1))
    rows = outbox(db_session)
    assert all(r.attempts == 2 and r.next_attempt_at == T0 + timedelta(minutes=3) for r in rows)
    mail.send_pending(now=T0 + timedelta(minutes=3))
    assert {r.next_attempt_at for r in outbox(db_session)} == {T0 + timedelta(minutes=7)}

    # The server comes back: each e-mail is delivered once
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
        assert mail.send_pending(now=T0 + timedelta(minutes=5)).sent == 0  # still backing off
        assert mail.send_pending(now=T0 + timedelta(minutes=7)).sent == count
        assert mail.send_pending(now=T0 + timedelta(hours=5)).sent == 0
    finally:
        controller.stop()
    assert len(collector.envelopes) == count
    assert all(r.sent_at == T0 + timedelta(minutes=7) and r.last_error is None for r in outbox(db_session))


def test_retry_gaps_are_capped(app):
    cap = app.config["MAIL_RETRY_MAX_MINUTES"]
    assert [mail.retry_delay(n, cap).total_seconds() / 60 for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]


def test_sending_gives_up_after_the_last_attempt(app, db_session, reported, no_server, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 2)
    count = len(unsent(db_session))
    assert mail.send_pending(now=T0).failed == count
    assert mail.send_pending(now=T0 + timedelta(minutes=1)).given_up == count
    rows = outbox(db_session)
    assert all(r.attempts == 2 and r.next_attempt_at is None and r.sent_at is None for r in rows)
    assert mail.send_pending(now=T0 + timedelta(days=1)) == mail.SendReport(0, 0, 0)


def test_a_row_claimed_by_another_sender_is_left_alone(app, db_session, reported):
    first = unsent(db_session)[0]
    assert mail._claim(first.id, T0, app.config) is not None
    assert mail._claim(first.id, T0, app.config) is None  # a second sender at the same moment
    report = mail.send_pending(now=T0 + timedelta(minutes=1))  # the first is still sending it
    assert report.sent == len(outbox(db_session)) - 1
    assert db_session.get(OutboxEmail, first.id).sent_at is None


def test_one_bad_message_does_not_stop_the_rest(db_session, reported, smtp_server):
    bad = unsent(db_session)[0]
    bad.subject = "Casework\nBcc: everyone@example.invalid"
    db_session.commit()
    report = mail.send_pending(now=T0)
    assert report.failed == 1 and report.sent == len(outbox(db_session)) - 1
    assert "linefeed" in db_session.get(OutboxEmail, bad.id).last_error
    assert not any("everyone@example.invalid" in e.rcpt_tos for e in smtp_server.envelopes)


def test_mail_for_a_rolled_back_change_is_never_sent(db_session, make_user, make_department, make_case, smtp_server):
    housing = make_department("Housing")
    manager = make_user("manager", department=housing)
    make_user("hr")
    subject = make_user(department=housing, line_manager=manager, password=None)
    reporter = make_user(department=housing)
    db_session.commit()

    make_case(reporter, subjects=[subject])
    assert db_session.scalar(select(func.count()).select_from(OutboxEmail)) > 0
    db_session.rollback()  # the report failed at its edge: outbox rows go with it

    assert mail.send_pending(now=T0).sent == 0
    assert smtp_server.envelopes == []


@pytest.fixture
def mail_log(caplog):
    """The test schema is built by `flask db upgrade` in this process, and
    migrations/env.py's fileConfig() disables loggers that already exist."""
    logger = logging.getLogger("casework.mail")
    disabled, logger.disabled = logger.disabled, False
    caplog.set_level(logging.INFO, logger="casework.mail")
    yield caplog
    logger.disabled = disabled


def test_without_a_mail_server_mail_is_logged_and_marked_sent(app, db_session, reported, mail_log, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    count = len(unsent(db_session))
    assert mail.send_pending(now=T0).sent == count
    logged = [r.getMessage() for r in mail_log.records if r.name == "casework.mail"]
    assert len(logged) == count
    assert all(reported.reference in line and "no MAIL_SERVER" in line for line in logged)
    assert unsent(db_session) == []


# --- reminders ----------------------------------------------------------------------


@pytest.fixture
def overdue(db_session, make_user, make_department, make_case):
    """A case whose next deadline passed at 12:00 UTC on 31 May 2026, owned by a manager."""
    housing = make_department("Housing")
    manager = make_user("manager", department=housing)
    subject = make_user(department=housing, line_manager=manager, password=None)
    case = make_case(make_user(department=housing), subjects=[subject], owner=manager)
    case.next_deadline_at = datetime(2026, 5, 31, 12, 0, tzinfo=UTC)
    db_session.flush()
    return case


def reminder_rows(db_session) -> list[OutboxEmail]:
    db_session.expire_all()
    return list(
        db_session.scalars(select(OutboxEmail).where(OutboxEmail.dedup_key.like("reminder:%")).order_by(OutboxEmail.id))
    )


def test_the_owner_is_reminded_once_a_day(db_session, overdue):
    assert reminders.send_reminders(now=T0) == 1
    assert reminders.send_reminders(now=T0 + timedelta(hours=3)) == 0
    rows = reminder_rows(db_session)
    assert [(r.to_address, r.dedup_key) for r in rows] == [
        (overdue.owner.email, f"reminder:{overdue.id}:2026-06-01:{overdue.owner_id}")
    ]
    assert rows[0].subject == f"Casework: {overdue.reference} is overdue"
    notices = db_session.scalars(
        select(Notification).where(Notification.user_id == overdue.owner_id, Notification.message.like("%deadline%"))
    ).all()
    assert len(notices) == 1

    assert reminders.send_reminders(now=T0 + timedelta(days=1)) == 1
    assert len(reminder_rows(db_session)) == 2


def test_a_day_is_a_london_day(db_session, overdue):
    late_evening = datetime(2026, 6, 1, 22, 30, tzinfo=UTC)  # 23:30 in London
    after_midnight = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)  # 00:30 on 2 June in London
    assert reminders.send_reminders(now=T0) == 1
    assert reminders.send_reminders(now=late_evening) == 0
    assert reminders.send_reminders(now=after_midnight) == 1
    assert reminder_rows(db_session)[-1].dedup_key.startswith(f"reminder:{overdue.id}:2026-06-02:")


def test_without_an_owner_hr_is_reminded_but_never_hr_the_case_is_about(
    db_session, make_user, make_department, make_case
):
    housing = make_department("Housing")
    hr_people = [make_user("hr"), make_user("hr")]
    hr_subject = make_user("hr", department=housing)
    left = make_user("hr")
    left.active = False
    case = make_case(make_user(department=housing), subjects=[hr_subject])
    case.next_deadline_at = datetime(2026, 5, 31, 12, 0, tzinfo=UTC)
    db_session.flush()
    assert reminders.send_reminders(now=T0) == 2
    assert sorted(r.to_address for r in reminder_rows(db_session)) == sorted(p.email for p in hr_people)


def test_an_owner_who_has_left_is_replaced_by_hr(db_session, overdue, make_user):
    hr = make_user("hr")
    overdue.owner.active = False
    db_session.flush()
    assert reminders.send_reminders(now=T0) == 1
    assert [r.to_address for r in reminder_rows(db_session)] == [hr.email]


def test_cases_not_yet_due_or_closed_are_not_reminded(db_session, overdue):
    assert reminders.send_reminders(now=datetime(2026, 5, 31, 11, 59, tzinfo=UTC)) == 0
    overdue.stage = "closed"
    db_session.flush()
    assert reminders.send_reminders(now=T0) == 0
    assert reminder_rows(db_session) == []


def test_a_real_deadline_becomes_a_reminder(db_session, make_user, make_department, make_case):
    """A personal data breach: the ICO decision is due 72 hours after the report."""
    housing = make_department("Housing")
    manager = make_user("manager", department=housing)
    subject = make_user(department=housing, line_manager=manager, password=None)
    case = make_case(make_user(department=housing), subjects=[subject], owner=manager, flags=["personal_data_involved"])
    assert case.next_deadline_at == case.created_at + timedelta(hours=72)
    assert reminders.send_reminders(now=case.created_at + timedelta(hours=71)) == 0
    assert reminders.send_reminders(now=case.created_at + timedelta(hours=73)) == 1


def test_overdue_cases_are_found_in_sql(db_session, overdue, make_case, make_user):
    make_case(make_user(), subjects=[make_user(password=None)])  # no deadline at all
    assert [c.id for c in reminders.overdue_cases(T0)] == [overdue.id]


# --- the commands -------------------------------------------------------------------


@pytest.fixture
def cli(app, db_session):
    runner = app.test_cli_runner()

    def run(*args):
        return runner.invoke(args=["casework", *args])

    return run


def test_send_reminders_and_send_mail_commands(db_session, overdue, cli, smtp_server):
    overdue.next_deadline_at = utcnow() - timedelta(hours=1)
    db_session.commit()

    first = cli("send-reminders")
    second = cli("send-reminders")
    assert (first.exit_code, second.exit_code) == (0, 0), first.output + second.output
    assert first.output.strip() == "Queued 1 reminder."
    assert second.output.strip() == "Queued 0 reminders."
    assert len(reminder_rows(db_session)) == 1

    waiting = len(unsent(db_session))
    sent = cli("send-mail")
    again = cli("send-mail")
    assert (sent.exit_code, again.exit_code) == (0, 0), sent.output + again.output
    assert sent.output.strip() == f"Sent {waiting} e-mails; 0 failed and will be tried again; 0 given up."
    assert again.output.strip() == "Sent 0 e-mails; 0 failed and will be tried again; 0 given up."
    assert len(smtp_server.envelopes) == waiting
    reminder = next(m for m in smtp_server.messages if m["Subject"].endswith("is overdue"))
    assert reminder["To"] == overdue.owner.email
    assert db_session.get(Case, overdue.id).reference in reminder.get_content()


def test_send_mail_reports_failures(db_session, reported, cli, no_server):
    waiting = len(unsent(db_session))
    result = cli("send-mail")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Sent 0 e-mails; {waiting} failed and will be tried again; 0 given up."
