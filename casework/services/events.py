"""A case's hash-chained audit trail: appending to it in the caller's transaction, and reading it."""

from sqlalchemy import inspect, select, update
from sqlalchemy.orm import selectinload

from ..domain.audit import GENESIS_HASH, canonical_event, chain_hash
from ..extensions import db
from ..models import Case, CaseEvent, User, utcnow


def record_event(
    case: Case,
    actor: User | None,
    action: str,
    *,
    from_stage: str | None = None,
    to_stage: str | None = None,
    data: dict | None = None,
) -> CaseEvent:
    """Append one event to the case's chain (design §6).

    The case row is locked first (PostgreSQL; SQLite writes one transaction at
    a time), so two transactions appending to one case queue up and each
    links to the event before it, even when neither changes the case itself.
    """
    if case.id is None:
        db.session.flush()
    db.session.execute(select(Case.id).where(Case.id == case.id).with_for_update(key_share=True))
    last = db.session.execute(
        select(CaseEvent.seq, CaseEvent.hash)
        .where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.seq.desc())
        .limit(1)
    ).first()
    seq, prev_hash = (last.seq + 1, last.hash) if last else (1, GENESIS_HASH)
    at = utcnow()
    data = data or {}
    actor_id = actor.id if actor is not None else None
    canonical = canonical_event(
        case_id=case.id,
        seq=seq,
        at=at,
        actor_id=actor_id,
        action=action,
        from_stage=from_stage,
        to_stage=to_stage,
        data=data,
    )
    event = CaseEvent(
        case=case,
        seq=seq,
        at=at,
        actor_id=actor_id,
        action=action,
        from_stage=from_stage,
        to_stage=to_stage,
        data=data,
        prev_hash=prev_hash,
        hash=chain_hash(prev_hash, canonical),
    )
    db.session.add(event)
    db.session.flush()
    # The case remembers its latest hash, so removing events from the end shows too.
    # A plain UPDATE: the audit head is not a change a stale form should trip over.
    db.session.execute(update(Case).where(Case.id == case.id).values(audit_head=event.hash))
    return event


def case_events(case: Case) -> list[CaseEvent]:
    """The case's audit trail, oldest first, each event with who did it: what the case page's chronology
    and the API's events answer both read. The events already loaded with the case are used as they are."""
    if "events" not in inspect(case).unloaded:
        return list(case.events)
    return list(
        db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id)
            .options(selectinload(CaseEvent.actor))
            .order_by(CaseEvent.seq)
        ).all()
    )
