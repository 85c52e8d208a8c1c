"""Retention redacts a case's audit events and seals them with a tombstone (casework.domain.audit)."""

from dataclasses import replace
from datetime import timedelta

import pytest

from casework.domain.audit import (
    REDACTED_KEY,
    TOMBSTONE_ACTION,
    canonical_event,
    chain_hash,
    first_break,
    redact_data,
    redaction_digest,
)

from .test_audit_chain import FIELDS, Event, changed, make_chain


def redact_and_seal(events: list[Event]) -> list[Event]:
    """What purge-expired does: redact every event, then append the tombstone that seals them."""
    redacted = [replace(e, data=redact_data(e.data), actor_id=None if e.actor_id == 7 else e.actor_id) for e in events]
    last = redacted[-1]
    data = {
        "removed": {"subjects": 1},
        "redacted_from_seq": redacted[0].seq,
        "redacted_through_seq": last.seq,
        "head_before": last.hash,
        "redacted_digest": redaction_digest(redacted),
    }
    fields = dict(
        case_id=last.case_id,
        seq=last.seq + 1,
        at=last.at + timedelta(days=2200),
        actor_id=None,
        action=TOMBSTONE_ACTION,
        from_stage="closed",
        to_stage="closed",
        data=data,
    )
    tombstone = Event(
        id=last.id + 1, prev_hash=last.hash, hash=chain_hash(last.hash, canonical_event(**fields)), **fields
    )
    return [*redacted, tombstone]


def test_redaction_keeps_codes_and_names_what_it_removed():
    data = {"kind": "breach", "subjects": ["a@council.invalid"], "reason": "Posted an address", "finding": "upheld"}
    assert redact_data(data) == {"kind": "breach", "finding": "upheld", REDACTED_KEY: ["reason", "subjects"]}
    assert redact_data({}) == {REDACTED_KEY: []}
    assert redact_data({"text": "Überfällig", "nested": {"a": 1}}) == {REDACTED_KEY: ["nested", "text"]}


def test_a_redacted_chain_sealed_by_its_tombstone_verifies():
    chain = redact_and_seal(make_chain())
    assert all(REDACTED_KEY in e.data for e in chain[:-1])
    assert first_break(chain) is None
    # and events appended after the tombstone verify as usual
    last = chain[-1]
    fields = dict(
        case_id=last.case_id,
        seq=last.seq + 1,
        at=last.at,
        actor_id=3,
        action="legal_hold_set",
        from_stage="closed",
        to_stage="closed",
        data={"on": True},
    )
    after = Event(id=last.id + 1, prev_hash=last.hash, hash=chain_hash(last.hash, canonical_event(**fields)), **fields)
    assert first_break([*chain, after]) is None


@pytest.mark.parametrize("field", [f for f in FIELDS if f not in ("hash", "prev_hash", "seq")])
def test_changing_any_redacted_event_after_sealing_is_caught(field):
    chain = redact_and_seal(make_chain())
    index = 2
    chain[index] = replace(chain[index], **{field: changed(field, getattr(chain[index], field))})
    broken = first_break(chain)
    assert broken is not None and broken.seq == 1, field


def test_redaction_without_a_tombstone_is_a_break():
    chain = redact_and_seal(make_chain())[:-1]
    broken = first_break(chain)
    assert broken is not None and "no anonymisation tombstone" in broken.reason


def test_a_tombstone_must_seal_exactly_the_redacted_events():
    original = make_chain()
    # Only some events redacted, the tombstone claiming all of them
    sealed = redact_and_seal(original)
    partly = [original[0], *sealed[1:]]
    assert first_break(partly) is not None
    # An ordinary event cannot stand in for the tombstone
    chain = redact_and_seal(original)
    fake = replace(chain[-1], action="closed")
    fake = replace(
        fake,
        hash=chain_hash(
            fake.prev_hash,
            canonical_event(
                case_id=fake.case_id,
                seq=fake.seq,
                at=fake.at,
                actor_id=fake.actor_id,
                action=fake.action,
                from_stage=fake.from_stage,
                to_stage=fake.to_stage,
                data=fake.data,
            ),
        ),
    )
    assert "not sealed" in first_break([*chain[:-1], fake]).reason
