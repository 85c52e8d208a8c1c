"""The hash chain of a case's audit trail (design §6).

Each event's hash is sha256(previous hash + canonical JSON of the event), so
altering, removing or reordering any event breaks every hash after it.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS_HASH = "0" * 64


def canonical_event(
    *,
    case_id: int,
    seq: int,
    at: datetime,
    actor_id: int | None,
    action: str,
    from_stage: str | None,
    to_stage: str | None,
    data: dict,
) -> str:
    """The event as canonical JSON: sorted keys, no spaces, UTC time to the microsecond."""
    return json.dumps(
        {
            "case_id": case_id,
            "seq": seq,
            "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor_id": actor_id,
            "action": action,
            "from_stage": from_stage,
            "to_stage": to_stage,
            "data": data,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )


def chain_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    event_id: int
    reason: str


def first_break(events) -> ChainBreak | None:
    """The first event of one case's chain that does not verify, or None.

    `events` are objects with the CaseEvent attributes, in seq order.
    """
    prev = GENESIS_HASH
    expected_seq = 1
    for event in events:
        if event.seq != expected_seq:
            return ChainBreak(event.seq, event.id, f"expected event {expected_seq}, found {event.seq}")
        if event.prev_hash != prev:
            return ChainBreak(event.seq, event.id, "previous hash does not match")
        canonical = canonical_event(
            case_id=event.case_id,
            seq=event.seq,
            at=event.at,
            actor_id=event.actor_id,
            action=event.action,
            from_stage=event.from_stage,
            to_stage=event.to_stage,
            data=event.data or {},
        )
        if chain_hash(prev, canonical) != event.hash:
            return ChainBreak(event.seq, event.id, "content does not match its hash")
        prev = event.hash
        expected_seq += 1
    return None
