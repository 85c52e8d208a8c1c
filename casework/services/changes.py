"""What changed on a case since a form was opened, so a person whose form met a newer version
of the case can see the changes and send what they typed again (design §6: never a lost update)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, inspect, select

from ..domain.policy import event_label
from ..extensions import db
from ..models import Case, CaseEvent
from ..reports.event_details import describe
from .exports import _names as names_for  # the same names as the case report

# Shown when a form does not say which event it was opened on
LATEST_WHEN_UNKNOWN = 5


@dataclass(frozen=True)
class Change:
    at: datetime
    actor: str
    what: str
    details: str


def last_event_seq(case: Case) -> int:
    """The number of the case's latest audit event (0 before any): what a form remembers it was opened on.

    From the case's events when the page loaded them already, else from the database."""
    if "events" not in inspect(case).unloaded:
        return max((event.seq for event in case.events), default=0)
    return db.session.scalar(select(func.max(CaseEvent.seq)).where(CaseEvent.case_id == case.id)) or 0


def changes_since(case: Case, seq: int | None) -> list[Change]:
    """The case's audit events after event `seq`, oldest first, in words. Without `seq`, the latest few."""
    query = select(CaseEvent).where(CaseEvent.case_id == case.id)
    if seq is None:
        events = list(
            reversed(db.session.scalars(query.order_by(CaseEvent.seq.desc()).limit(LATEST_WHEN_UNKNOWN)).all())
        )
    else:
        events = list(db.session.scalars(query.where(CaseEvent.seq > seq).order_by(CaseEvent.seq)).all())
    names = names_for(case)
    return [
        Change(
            at=event.at,
            actor=event.actor.name if event.actor else "System",
            what=event_label(event.action),
            details=describe(event.action, event.data, names),
        )
        for event in events
    ]
