"""Checking every case's audit chain (`flask casework verify-audit`)."""

from dataclasses import dataclass

from sqlalchemy import select

from ..domain.audit import first_break
from ..extensions import db
from ..models import Case, CaseEvent

EVENT_COLUMNS = (
    CaseEvent.id,
    CaseEvent.case_id,
    CaseEvent.seq,
    CaseEvent.at,
    CaseEvent.actor_id,
    CaseEvent.action,
    CaseEvent.from_stage,
    CaseEvent.to_stage,
    CaseEvent.data,
    CaseEvent.prev_hash,
    CaseEvent.hash,
)


@dataclass
class AuditResult:
    cases_checked: int
    events_checked: int
    broken_reference: str | None = None
    broken_seq: int | None = None
    broken_event_id: int | None = None
    reason: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_reference is None


def verify_all() -> AuditResult:
    """Recompute every chain, case by case, and stop at the first broken event.

    Events are read as plain rows, so what is checked is what the database
    holds (not objects the session already has) and the caller's objects stay
    attached.
    """
    cases = db.session.execute(select(Case.id, Case.reference, Case.audit_head).order_by(Case.id)).all()
    events_checked = 0
    for number, (case_id, reference, audit_head) in enumerate(cases, start=1):
        events = db.session.execute(
            select(*EVENT_COLUMNS).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)
        ).all()
        events_checked += len(events)
        broken = first_break(events)
        if broken is None and not events:
            return AuditResult(number, events_checked, reference, 1, None, "the case has no events")
        if broken is not None:
            return AuditResult(number, events_checked, reference, broken.seq, broken.event_id, broken.reason)
        last = events[-1]
        if audit_head is not None and last.hash != audit_head:
            return AuditResult(
                number,
                events_checked,
                reference,
                last.seq + 1,
                None,
                "the case's latest event is missing: its chain ends before the recorded head",
            )
    return AuditResult(len(cases), events_checked)
