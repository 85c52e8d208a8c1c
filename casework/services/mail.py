"""Sending the e-mail outbox (`flask casework send-mail`).

OutboxEmail rows are written with the change that causes them
(casework.services.notify), so a change that is rolled back never sends mail.
Each row is claimed before it is sent: a conditional UPDATE that only one
sender can win, committed before the SMTP conversation. Several senders may
run at once and none sends a row another is sending or has sent. The one
window left is a crash after the SMTP server accepted a message and before
its `sent_at` was committed: after the claim runs out the message is sent
again, with the same Message-ID so mail systems can recognise it.

Without MAIL_SERVER each message is written to the log and counted as sent.
"""

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app
from sqlalchemy import or_, select, update

from ..extensions import db
from ..models import OutboxEmail, utcnow

log = logging.getLogger("casework.mail")

ERROR_MAX = 2000


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0  # will be tried again
    given_up: int = 0  # failed for the last time


def retry_delay(attempts: int, cap_minutes: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the first, second, third … failed attempt, at most `cap_minutes`."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), cap_minutes))


def _due(now: datetime, max_attempts: int):
    return (
        OutboxEmail.sent_at.is_(None),
        OutboxEmail.attempts < max_attempts,
        or_(OutboxEmail.next_attempt_at.is_(None), OutboxEmail.next_attempt_at <= now),
    )


def build_message(email, sender: str, now: datetime) -> EmailMessage:
    """A plain-text message whose Message-ID stays the same however often it is tried."""
    domain = sender.rpartition("@")[2] or "casework.invalid"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = f"<casework.{email.id}.{email.created_at:%Y%m%d%H%M%S%f}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    message.set_content(email.body)
    return message


class SmtpTransport:
    """One SMTP connection for a run, opened when first needed and opened again after a failure."""

    def __init__(self, config):
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        try:
            if self.connection is None:
                self.connection = self._connect()
            self.connection.send_message(message)
        except Exception:
            self.close()
            raise

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        connection = smtplib.SMTP(
            config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=config["MAIL_TIMEOUT_SECONDS"]
        )
        try:
            if config.get("MAIL_USE_TLS"):
                connection.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                connection.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        except Exception:
            connection.close()
            raise
        return connection

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except Exception:  # noqa: S110 (the connection is being dropped anyway)
                pass
            self.connection = None


class LogTransport:
    """No MAIL_SERVER: write each message to the log instead of sending it."""

    def send(self, message: EmailMessage) -> None:
        log.info(
            "E-mail not sent (no MAIL_SERVER) to %s, subject %r, Message-ID %s:\n%s",
            message["To"],
            message["Subject"],
            message["Message-ID"],
            message.get_content(),
        )

    def close(self) -> None:
        pass


def _claim(email_id: int, now: datetime, config):
    """Take the row for this sender and return what to send; None when another sender
    took it or it is no longer due. Commits, so no transaction is open while sending."""
    claimed = db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == email_id, *_due(now, config["MAIL_MAX_ATTEMPTS"]))
        .values(
            attempts=OutboxEmail.attempts + 1,
            next_attempt_at=now + timedelta(minutes=config["MAIL_CLAIM_MINUTES"]),
        )
        .execution_options(synchronize_session=False)
    )
    email = None
    if claimed.rowcount == 1:
        email = db.session.execute(
            select(
                OutboxEmail.id,
                OutboxEmail.to_address,
                OutboxEmail.subject,
                OutboxEmail.body,
                OutboxEmail.created_at,
                OutboxEmail.attempts,
            ).where(OutboxEmail.id == email_id)
        ).one()
    db.session.commit()
    return email


def _record(email_id: int, **values) -> None:
    db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == email_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def send_pending(now: datetime | None = None, limit: int = 500) -> SendReport:
    """Send up to `limit` e-mails that are due, oldest first. Commits as it goes."""
    now = now or utcnow()
    config = current_app.config
    report = SendReport()
    due_ids = db.session.scalars(
        select(OutboxEmail.id).where(*_due(now, config["MAIL_MAX_ATTEMPTS"])).order_by(OutboxEmail.id).limit(limit)
    ).all()
    db.session.commit()
    transport = SmtpTransport(config) if config.get("MAIL_SERVER") else LogTransport()
    try:
        for email_id in due_ids:
            email = _claim(email_id, now, config)
            if email is None:
                continue
            try:
                transport.send(build_message(email, config["MAIL_FROM"], now))
            except Exception as error:  # one bad message or server must not stop the rest
                _record_failure(email, error, now, config, report)
            else:
                _record(email.id, sent_at=now, next_attempt_at=None, last_error=None)
                report.sent += 1
    finally:
        transport.close()
    return report


def _record_failure(email, error: Exception, now: datetime, config, report: SendReport) -> None:
    last_error = f"{type(error).__name__}: {error}"[:ERROR_MAX]
    if email.attempts >= config["MAIL_MAX_ATTEMPTS"]:
        _record(email.id, next_attempt_at=None, last_error=last_error)
        report.given_up += 1
        log.error(
            "Gave up e-mail %s to %s after %s attempts: %s", email.id, email.to_address, email.attempts, last_error
        )
    else:
        next_attempt_at = now + retry_delay(email.attempts, config["MAIL_RETRY_MAX_MINUTES"])
        _record(email.id, next_attempt_at=next_attempt_at, last_error=last_error)
        report.failed += 1
        log.warning(
            "E-mail %s to %s failed (attempt %s), next try at %s: %s",
            email.id,
            email.to_address,
            email.attempts,
            next_attempt_at.isoformat(),
            last_error,
        )
