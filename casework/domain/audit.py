"""The hash chain of a case's audit trail (design §6).

Each event's hash is sha256(previous hash + canonical JSON of the event), so
altering, removing or reordering any event breaks every hash after it.

Retention (design §6) anonymises a closed case: the personal content of its
events is removed, so their hashes can no longer be recomputed. Each such event
keeps its seq, time, action, stages, prev_hash and hash and is marked redacted
(its data names the fields removed, never their values); a tombstone event
("anonymised") appended after them records the head before the redaction and
a digest of the redacted events as they now stand. The chain still links from
the first event to the head, every unredacted event is checked as before, and
the redacted ones are checked against the tombstone that seals them: a
redaction with no tombstone, or any later change to a redacted event, is a
break.
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


# --- redaction (retention) -------------------------------------------------------

REDACTED_KEY = "_redacted"  # in a redacted event's data: the names of the fields removed
TOMBSTONE_ACTION = "anonymised"

# Fields of event data that statistics need and that say nothing about a person:
# codes, dates, counts and ids of rows. Everything else (e-mails, names,
# reasons, free text, URLs, file names, hashes of files) is removed.
KEEP_WHEN_REDACTED = frozenset(
    {
        "kind",
        "source",
        "categories",
        "platform",
        "flags",
        "finding",
        "sanction",
        "rights_decision",
        "content_removed",
        "live_until",
        "appeal_due_on",
        "agency",
        "status",
        "from_status",
        "decision",
        "retention_until",
        "next_review_on",
        "resumed_stage",
        "rights_suspended",
        "rights_restored",
        "accounts",
        "evidence_id",
        "note_id",
        "referral_id",
        "interviewee_role",
        "content_type",
        "size",
        "letter",
        "on",
        # Acceptable Use of Social Media Policy 2 and 3: where a report went stays in the statistics
        "route",
        "from_route",
        "scope",
        "whistleblowing",
        "lado_referral_id",
    }
)


def redact_data(data: dict | None) -> dict:
    """The event's data with only the non-personal fields kept, and the names of those removed."""
    data = data or {}
    kept = {key: value for key, value in data.items() if key in KEEP_WHEN_REDACTED}
    kept[REDACTED_KEY] = sorted(key for key in data if key not in KEEP_WHEN_REDACTED)
    return kept


def canonical_of(event) -> str:
    """The canonical JSON of a stored event (an object with the CaseEvent attributes)."""
    return canonical_event(
        case_id=event.case_id,
        seq=event.seq,
        at=event.at,
        actor_id=event.actor_id,
        action=event.action,
        from_stage=event.from_stage,
        to_stage=event.to_stage,
        data=event.data or {},
    )


def is_redacted(data: dict | None) -> bool:
    return isinstance(data, dict) and REDACTED_KEY in data


def redaction_digest(events) -> str:
    """SHA-256 over the redacted events exactly as they are stored (every column, in seq order)."""
    digest = hashlib.sha256()
    for event in events:
        canonical = canonical_of(event)
        digest.update(f"{event.prev_hash}|{event.hash}|{canonical}\n".encode())
    return digest.hexdigest()


def tombstone_seals(tombstone_data: dict, redacted: list) -> bool:
    """Does this tombstone's data seal exactly these redacted events?"""
    return (
        bool(redacted)
        and tombstone_data.get("redacted_from_seq") == redacted[0].seq
        and tombstone_data.get("redacted_through_seq") == redacted[-1].seq
        and tombstone_data.get("head_before") == redacted[-1].hash
        and tombstone_data.get("redacted_digest") == redaction_digest(redacted)
    )


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    event_id: int
    reason: str


def first_break(events) -> ChainBreak | None:
    """The first event of one case's chain that does not verify, or None.

    `events` are objects with the CaseEvent attributes, in seq order. Redacted
    events must be followed by the tombstone that seals them (module docstring).
    """
    prev = GENESIS_HASH
    expected_seq = 1
    redacted: list = []  # redacted events not yet sealed by a tombstone
    for event in events:
        if event.seq != expected_seq:
            return ChainBreak(event.seq, event.id, f"expected event {expected_seq}, found {event.seq}")
        if event.prev_hash != prev:
            return ChainBreak(event.seq, event.id, "previous hash does not match")
        if is_redacted(event.data):
            redacted.append(event)
            prev = event.hash
            expected_seq += 1
            continue
        canonical = canonical_of(event)
        if chain_hash(prev, canonical) != event.hash:
            return ChainBreak(event.seq, event.id, "content does not match its hash")
        if redacted:
            if event.action != TOMBSTONE_ACTION or not tombstone_seals(event.data or {}, redacted):
                return ChainBreak(
                    redacted[0].seq, redacted[0].id, "redacted events are not sealed by the anonymisation tombstone"
                )
            redacted = []
        prev = event.hash
        expected_seq += 1
    if redacted:
        return ChainBreak(redacted[0].seq, redacted[0].id, "redacted events have no anonymisation tombstone")
    return None
