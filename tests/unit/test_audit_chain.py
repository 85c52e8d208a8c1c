"""The hash chain of a case's audit trail (design §6): any change is detected."""

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from casework.domain.audit import GENESIS_HASH, canonical_event, chain_hash, first_break


@dataclass(frozen=True)
class Event:
    id: int
    case_id: int
    seq: int
    at: datetime
    actor_id: int | None
    action: str
    from_stage: str | None
    to_stage: str | None
    data: dict
    prev_hash: str
    hash: str


CONTENT = [
    # (actor_id, action, from_stage, to_stage, data)
    (7, "reported", None, "reported", {"kind": "breach", "subjects": ["a@council.invalid"], "flags": []}),
    (8, "take_ownership", "reported", "assessment", {}),
    (7, "information_added", None, None, {"note_id": 3}),
    (None, "reminder_sent", None, None, {"text": "Überfällig – “quoted”", "n": 1.5}),
    (9, "closed", "assessment", "closed", {"reason": "No further action", "nested": {"a": [1, 2]}}),
]


def make_chain(case_id: int = 42) -> list[Event]:
    events, prev = [], GENESIS_HASH
    start = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)
    for seq, (actor_id, action, from_stage, to_stage, data) in enumerate(CONTENT, start=1):
        fields = dict(
            case_id=case_id,
            seq=seq,
            at=start + timedelta(hours=seq),
            actor_id=actor_id,
            action=action,
            from_stage=from_stage,
            to_stage=to_stage,
            data=data,
        )
        digest = chain_hash(prev, canonical_event(**fields))
        events.append(Event(id=100 + seq, prev_hash=prev, hash=digest, **fields))
        prev = digest
    return events


def changed(field: str, value):
    """A different value of the same type for `field`."""
    return {
        "case_id": lambda v: v + 1,
        "seq": lambda v: v + 10,
        "at": lambda v: v + timedelta(microseconds=1),
        "actor_id": lambda v: 1 if v is None else (None if v == 9 else v + 1),
        "action": lambda v: v + "_edited",
        "from_stage": lambda v: "investigation" if v != "investigation" else None,
        "to_stage": lambda v: "closed" if v != "closed" else "outcome",
        "data": lambda v: {**v, "tampered": True},
        "prev_hash": lambda v: ("1" if v[0] != "1" else "2") + v[1:],
        "hash": lambda v: ("1" if v[0] != "1" else "2") + v[1:],
    }[field](value)


FIELDS = ["case_id", "seq", "at", "actor_id", "action", "from_stage", "to_stage", "data", "prev_hash", "hash"]


def test_an_untouched_chain_verifies():
    assert first_break(make_chain()) is None


def test_an_empty_chain_has_no_break():
    assert first_break([]) is None


def test_the_first_event_links_to_the_genesis_hash():
    assert make_chain()[0].prev_hash == GENESIS_HASH


def test_the_time_is_compared_in_utc():
    """The same instant written in another zone is the same event."""
    events = make_chain()
    events[0] = replace(events[0], at=events[0].at.astimezone(timezone(timedelta(hours=1))))
    assert first_break(events) is None


@pytest.mark.parametrize("index", range(len(CONTENT)))
@pytest.mark.parametrize("field", FIELDS)
def test_changing_any_field_of_any_event_is_detected(field, index):
    events = make_chain()
    events[index] = replace(events[index], **{field: changed(field, getattr(events[index], field))})
    found = first_break(events)
    assert found is not None
    assert found.event_id == events[index].id
    assert found.seq == events[index].seq


@pytest.mark.parametrize("index", range(len(CONTENT)))
def test_changing_a_nested_value_in_data_is_detected(index):
    events = make_chain()
    data = {key: (list(value) if isinstance(value, list) else value) for key, value in events[index].data.items()}
    data["extra"] = ["added"]
    events[index] = replace(events[index], data=data)
    assert first_break(events).event_id == events[index].id


@pytest.mark.parametrize("index", range(len(CONTENT) - 1))
def test_a_removed_event_is_detected(index):
    events = make_chain()
    removed = events.pop(index)
    found = first_break(events)
    assert found is not None
    assert found.seq == removed.seq + 1


def test_a_removed_event_is_detected_even_when_the_rest_are_renumbered():
    events = make_chain()
    del events[1]
    events = [replace(e, seq=n) for n, e in enumerate(events, start=1)]
    found = first_break(events)
    assert found is not None and found.seq == 2


def test_reordered_events_are_detected():
    events = make_chain()
    events[1], events[2] = events[2], events[1]
    found = first_break(events)
    assert found is not None and found.event_id == events[1].id


def test_reordered_events_with_swapped_numbers_are_detected():
    events = make_chain()
    second, third = events[1], events[2]
    events[1], events[2] = replace(third, seq=2), replace(second, seq=3)
    found = first_break(events)
    assert found is not None and found.seq == 2


def test_an_event_copied_from_another_case_is_detected():
    events = make_chain(case_id=42)
    events[2] = make_chain(case_id=43)[2]
    assert first_break(events) is not None


def test_a_chain_recomputed_after_an_edit_still_breaks_at_the_next_stored_hash():
    """Rewriting one event's hash to match its new content breaks the link from the next event."""
    events = make_chain()
    edited = replace(events[1], action="closed")
    fields = {
        f: getattr(edited, f) for f in ("case_id", "seq", "at", "actor_id", "action", "from_stage", "to_stage", "data")
    }
    events[1] = replace(edited, hash=chain_hash(edited.prev_hash, canonical_event(**fields)))
    found = first_break(events)
    assert found is not None and found.seq == 3
