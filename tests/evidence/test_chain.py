"""The hash chain: events made in UTC, chained from the genesis hash, and every break found and named."""

from __future__ import annotations

import datetime
import hashlib

import pytest

from requests_app.evidence.canonical import canonical_json
from requests_app.evidence.chain import GENESIS, chain, event_hash, make_event, verify_chain
from tests.factories.records import OTHER_SUBMISSION, START, SUBMISSION, make_events


def test_it_makes_events_in_utc_with_microseconds():
    berlin = datetime.timezone(datetime.timedelta(hours=1))
    event = make_event(
        seq=0, event_type="created", at=datetime.datetime(2025, 1, 31, 10, 15, tzinfo=berlin), submission=SUBMISSION
    )
    assert event == {
        "seq": 0,
        "type": "created",
        "at": "2025-01-31T09:15:00.000000Z",
        "submission": SUBMISSION,
        "data": {},
    }


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"event_type": "deleted"}, "unknown type 'deleted'"),
        ({"seq": -1}, "seq is not a whole number"),
        ({"submission": "not-a-uuid"}, "submission is not a UUID"),
        ({"data": {"amount": 1.5}}, "data cannot be hashed"),
        ({"at": datetime.datetime(2025, 1, 31, 9, 15)}, "timezone-aware"),
    ],
)
def test_it_refuses_malformed_events(fields, message):
    arguments = {"seq": 0, "event_type": "created", "at": START, "submission": SUBMISSION, "data": {}} | fields
    with pytest.raises(ValueError, match=message):
        make_event(**arguments)


def test_it_chains_from_the_genesis_hash():
    events = make_events(3)
    chained = chain(events)
    assert GENESIS == b"\x00" * 32
    assert chained[0].prev == GENESIS
    for i, item in enumerate(chained):
        prev = GENESIS if i == 0 else chained[i - 1].hash
        assert item.prev == prev
        assert item.hash == hashlib.sha256(b"\x00" + prev + canonical_json(events[i])).digest()


def test_it_keeps_the_hash_format_stable():
    """Records already printed in PDFs must keep verifying: this known answer must never change."""
    event = {"seq": 0, "type": "created", "at": "2025-01-31T09:15:00.000000Z", "submission": SUBMISSION, "data": {}}
    assert event_hash(GENESIS, event).hex() == "2576945486d67770504a4f4c38e8ecf2b6b030eaf655ec24cca2394c4ee13a07"


def test_it_hashes_only_the_event_content():
    event = make_events(1)[0]
    stored = chain([event])[0].as_dict()
    assert event_hash(GENESIS, stored) == event_hash(GENESIS, event)
    with pytest.raises(ValueError, match="unexpected field 'note'"):
        event_hash(GENESIS, {**event, "note": "extra"})


def test_it_refuses_a_short_previous_hash():
    with pytest.raises(ValueError, match="32 bytes"):
        event_hash(b"\x00" * 31, make_events(1)[0])


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda events: events[1].update(seq=5), "event 1: seq 5 out of order"),
        (lambda events: events[1].update(submission=OTHER_SUBMISSION), "event 1: belongs to another submission"),
        (lambda events: events[2].update(hash="0" * 64), "event 2: stored hash does not match"),
        (lambda events: events[0].update(prev="1" * 64), "event 0: stored prev does not match"),
    ],
)
def test_it_refuses_to_chain_a_broken_history(tamper, message):
    events = [item.as_dict() for item in chain(make_events(4))]
    tamper(events)
    with pytest.raises(ValueError, match=message):
        chain(events)


def test_it_accepts_stored_hashes_that_match():
    stored = [item.as_dict() for item in chain(make_events(4))]
    assert [item.hash for item in chain(stored)] == [item.hash for item in chain(make_events(4))]


def chained_dicts(n: int = 20) -> list[dict]:
    return [item.as_dict() for item in chain(make_events(n))]


def test_it_verifies_an_intact_chain():
    events = chained_dicts()
    verdict = verify_chain(events, expected_head=bytes.fromhex(events[-1]["hash"]), expected_length=20)
    assert verdict.ok
    assert verdict.problems == []


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (lambda e: e[3]["data"].update(status="granted"), ["event 3: hash does not match its content"]),
        (
            lambda e: e[2].update(seq=5),
            ["event 2: seq 5 out of order (expected 2)", "event 2: hash does not match its content"],
        ),
        (
            lambda e: e[4].update(prev=e[2]["hash"]),
            ["event 4: previous hash does not match event 3", "event 4: hash does not match its content"],
        ),
        (
            lambda e: e[0].update(prev="ab" * 32),
            ["event 0: previous hash is not the genesis hash", "event 0: hash does not match its content"],
        ),
        (lambda e: e[1].update(type="x"), ["event 1: unknown type 'x'"]),
        (lambda e: e[1].update(hash="AB" * 32), ["event 1: hash is not 64 lowercase hex digits"]),
        (
            lambda e: e[1].update(at="2025-02-01 09:15:07"),
            ["event 1: time is not UTC ISO-8601 with microseconds and Z"],
        ),
        (lambda e: e[1].update(note="x"), ["event 1: unexpected field 'note'"]),
        (lambda e: e[1].pop("data"), ["event 1: missing field 'data'"]),
        (lambda e: e.__setitem__(1, "event"), ["event 1: is not an object"]),
        (lambda e: e.clear(), ["chain is empty"]),
    ],
)
def test_it_names_what_is_wrong_with_a_chain(tamper, expected):
    events = chained_dicts(6)
    tamper(events)
    verdict = verify_chain(events)
    assert not verdict.ok
    assert verdict.problems == expected


def test_it_refuses_a_chain_that_is_not_a_list():
    assert verify_chain({"events": []}).problems == ["events are not a list"]


def test_it_refuses_events_of_another_submission():
    events = chained_dicts(3)
    assert verify_chain(events, submission=SUBMISSION).ok
    verdict = verify_chain(events, submission=OTHER_SUBMISSION)
    assert f"event 0: belongs to submission {SUBMISSION}, not {OTHER_SUBMISSION}" in verdict.problems


def test_it_needs_the_signed_head_to_see_a_truncated_tail():
    events = chained_dicts()
    head = bytes.fromhex(events[-1]["hash"])
    truncated = events[:15]
    # On its own a prefix of a chain is a valid chain ...
    assert verify_chain(truncated).ok
    # ... the signed head and length are what give the cut away.
    verdict = verify_chain(truncated, expected_head=head, expected_length=20)
    assert verdict.problems == [
        "chain has 15 events, the head says 20",
        "the last event's hash does not match the head",
    ]
