"""Evidence: canonical JSON, the hash chain, signing keys and the signed record."""

from __future__ import annotations

import base64
import copy
import datetime
import decimal
import hashlib
import json
import os
import stat
import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed448 import Ed448PrivateKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given, settings
from hypothesis import strategies as st

from requests_app.evidence.canonical import MAX_RECORD_BYTES, CanonicalJSONError, canonical_json
from requests_app.evidence.chain import EVENT_TYPES, GENESIS, chain, event_hash, make_event, verify_chain
from requests_app.evidence.keys import key_id, load_signing_key, private_key_pem, public_key_pem, trusted_keys
from requests_app.evidence.record import build_record, record_bytes, verify_record
from tests.factories.processes import run_production_python

SUBMISSION = "0b7f3c5e-8d2a-4c1e-9f6b-3a5d7e9c1b2f"
OTHER_SUBMISSION = "5a1e2f3d-4c5b-4a69-8877-665544332211"
START = datetime.datetime(2025, 1, 31, 9, 15, 0, 123456, tzinfo=datetime.UTC)
LETTER = "Dear Meta,\n\nI object under Art. 21 GDPR to the use of my posts to train AI.\n\nJürgen Müller\n"
# One fixed seed, so that failures reproduce; never a real site key.
SITE_KEY = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"opt-out-guide test site key").digest())
ATTACKER_KEY = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"someone else's key").digest())
TRUSTED = trusted_keys(SITE_KEY)


def make_events(n: int = 20, submission: str = SUBMISSION) -> list[dict]:
    """A plausible history: facts and hashes only, no personal text."""
    events = []
    for seq in range(n):
        event_type = "created" if seq == 0 else EVENT_TYPES[1 + (seq - 1) % (len(EVENT_TYPES) - 1)]
        data = {
            "letter_sha256": hashlib.sha256(LETTER.encode()).hexdigest(),
            "status": ["draft", "filed", "acknowledged", "escalated"][seq % 4],
            "attachments": seq // 3,
        }
        if event_type == "attachment_added":
            data["attachment_sha256"] = hashlib.sha256(f"screenshot {seq}".encode()).hexdigest()
        at = START + datetime.timedelta(days=seq, seconds=seq * 7)
        events.append(make_event(seq=seq, event_type=event_type, at=at, submission=submission, data=data))
    return events


def make_facts(**overrides) -> dict:
    facts = {
        "id": SUBMISSION,
        "platform": "instagram",
        "action": "object-ai-training",
        "legal_basis": "GDPR Art. 21",
        "official_form_url": "https://help.instagram.com/contact/767264225370182",
        "content_version": "2025-05-21",
        "filed_at": "2025-01-31T09:15:00.123456Z",
        "filed_at_local": "2025-01-31T10:15:00.123456+01:00",
        "time_zone": "Europe/Berlin",
        "reference": "IG-48151623",
        "status": "filed",
        "due_date": "2025-02-28",
        "extended_due_date": "2025-04-30",
        "text": LETTER,
        # A control character, which canonical JSON writes as a \u escape whose hex is case-insensitive.
        "form_fields": {"email": "j.mueller@example.org", "country": "DE", "note": "tab\tand \x1f"},
    }
    facts.update(overrides)
    return facts


def make_record(**fact_overrides) -> dict:
    return build_record(facts=make_facts(**fact_overrides), events=make_events(), private_key=SITE_KEY)


# --- canonical JSON -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"b": 1, "a": [True, False, None]}, b'{"a":[true,false,null],"b":1}'),
        ({"z": {"y": 2, "x": 1}, "": 0}, b'{"":0,"z":{"x":1,"y":2}}'),
        (("a", 1), b'["a",1]'),
        ({}, b"{}"),
        ([], b"[]"),
        (-0, b"0"),
        (2**53 - 1, b"9007199254740991"),
        ("Jürgen", '"Jürgen"'.encode()),
        ('line\nbreak\ttab "quote" back\\slash', b'"line\\nbreak\\ttab \\"quote\\" back\\\\slash"'),
        ("\x07\x1f\x7f", b'"\\u0007\\u001f\x7f"'),
        ("\u2028", '"\u2028"'.encode()),
        # RFC 8785 3.2.3 sorts by UTF-16 code units: U+1F600 (D83D DE00) before U+FB01.
        ({"\ufb01": 1, "\U0001f600": 2}, '{"\U0001f600":2,"\ufb01":1}'.encode()),
    ],
)
def test_it_writes_canonical_json(value, expected):
    assert canonical_json(value) == expected


def test_it_ignores_key_order_and_escaping():
    escaped = json.loads('{"\\u00e9t\\u00e9": "caf\\u00e9", "a": [1, 2]}')
    literal = json.loads('{"a":[1,2],"été":"café"}')
    assert canonical_json(escaped) == canonical_json(literal) == '{"a":[1,2],"été":"café"}'.encode()


def test_it_keeps_different_unicode_forms_apart():
    """No normalisation: NFC and NFD "é" are different text, so they must hash differently."""
    assert canonical_json("\u00e9") != canonical_json("e\u0301")


@pytest.mark.parametrize(
    "value",
    [
        1.0,
        0.5,
        float("nan"),
        float("inf"),
        {"amount": 9.99},
        [1, 2.5],
        2**53,
        -(2**53),
        decimal.Decimal("1"),
        datetime.date(2025, 1, 31),
        uuid.UUID(SUBMISSION),
        {"a"},
        b"bytes",
        {1: "integer key"},
        "\ud800",
        object(),
    ],
)
def test_it_refuses_what_json_cannot_carry_exactly(value):
    with pytest.raises(CanonicalJSONError):
        canonical_json(value)


def test_it_refuses_very_deep_nesting():
    deep: list = []
    for _ in range(100):
        deep = [deep]
    with pytest.raises(CanonicalJSONError, match="nested"):
        canonical_json(deep)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@given(JSON_VALUES)
@settings(max_examples=500)
def test_it_round_trips_json_values(value):
    encoded = canonical_json(value)
    assert json.loads(encoded) == value
    assert canonical_json(json.loads(encoded)) == encoded


@given(st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=8))
@settings(max_examples=300)
def test_it_does_not_depend_on_insertion_order(value):
    assert canonical_json(dict(reversed(list(value.items())))) == canonical_json(value)


# --- events and the chain -----------------------------------------------------------------------


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


# --- tampering with a signed record ------------------------------------------------------------


def changed_values(name: str, value):
    """Every plausible single-field change: each is still well-formed, so only the hashes can tell."""
    if name == "seq":
        return [value + 1, value - 1 if value else 1]
    if name == "type":
        return [t for t in EVENT_TYPES if t != value][:3]
    if name == "at":
        return [value[:-2] + ("0" if value[-2] != "0" else "1") + "Z", "2030-01-01T00:00:00.000000Z"]
    if name == "submission":
        return [OTHER_SUBMISSION]
    if name == "data":
        changes = [{**value, "extra": "x"}, {}]
        for key, item in value.items():
            changes.append({**value, key: (item + 1) if isinstance(item, int) else item[::-1] + "0"})
            changes.append({k: v for k, v in value.items() if k != key})
        return changes
    if name in ("prev", "hash"):
        return [("1" if value[0] != "1" else "2") + value[1:], value[:-1] + ("a" if value[-1] != "a" else "b")]
    raise AssertionError(name)


def assert_rejected(record: dict) -> None:
    verdict = verify_record(record, TRUSTED)
    assert not verdict.ok
    assert verdict.problems


def test_it_verifies_an_intact_record():
    record = make_record()
    verdict = verify_record(record_bytes(record), TRUSTED)
    assert verdict.ok, verdict.problems
    assert verdict.problems == []
    assert verdict.trusted_key
    assert verdict.signature_valid
    assert verdict.summary == {
        "submission": SUBMISSION,
        "platform": "instagram",
        "action": "object-ai-training",
        "filed_at": "2025-01-31T09:15:00.123456Z",
        "events": 20,
        "head": record["head"]["hash"],
        "key_id": key_id(SITE_KEY.public_key()),
        "text_included": True,
    }
    assert record["submission"]["text_sha256"] == hashlib.sha256(LETTER.encode()).hexdigest()
    assert record["signature"]["public_key"] == public_key_pem(SITE_KEY)


def test_it_verifies_the_record_as_a_dict_or_as_pretty_printed_json():
    record = make_record()
    assert verify_record(record, TRUSTED).ok
    assert verify_record(json.dumps(record, indent=2, ensure_ascii=True), TRUSTED).ok


def test_it_detects_every_single_field_change_in_every_event():
    record = make_record()
    cases = 0
    for index, event in enumerate(record["events"]):
        for name, value in event.items():
            for changed in changed_values(name, value):
                tampered = copy.deepcopy(record)
                tampered["events"][index][name] = changed
                assert not verify_chain(tampered["events"], submission=SUBMISSION).ok or name == "submission"
                assert_rejected(tampered)
                cases += 1
    assert cases > 20 * 7 * 2


def test_it_detects_a_changed_submission_id_across_the_whole_chain():
    """Rewriting every event's submission re-hashes nothing, so the chain itself catches it."""
    record = make_record()
    for event in record["events"]:
        event["submission"] = OTHER_SUBMISSION
    assert_rejected(record)


@pytest.mark.parametrize("index", range(20))
def test_it_detects_a_deleted_event(index):
    record = make_record()
    del record["events"][index]
    assert_rejected(record)


@pytest.mark.parametrize("index", range(21))
def test_it_detects_an_inserted_event(index):
    """The forged event is chained correctly onto its predecessor; what follows cannot be."""
    record = make_record()
    prev = GENESIS if index == 0 else bytes.fromhex(record["events"][index - 1]["hash"])
    forged = make_event(
        seq=index, event_type="reply_recorded", at=START, submission=SUBMISSION, data={"status": "granted"}
    )
    forged = {**forged, "prev": prev.hex(), "hash": event_hash(prev, forged).hex()}
    record["events"].insert(index, forged)
    assert_rejected(record)


@pytest.mark.parametrize("index", range(20))
def test_it_detects_a_duplicated_event(index):
    record = make_record()
    record["events"].insert(index, copy.deepcopy(record["events"][index]))
    assert_rejected(record)


def test_it_detects_any_two_events_swapped():
    record = make_record()
    for i in range(20):
        for j in range(i + 1, 20):
            tampered = copy.deepcopy(record)
            events = tampered["events"]
            events[i], events[j] = events[j], events[i]
            assert_rejected(tampered)


@pytest.mark.parametrize("keep", range(20))
def test_it_detects_a_truncated_chain(keep):
    record = make_record()
    del record["events"][keep:]
    assert_rejected(record)


def test_it_detects_a_rechained_forgery_by_its_signature():
    """Someone who rewrites an event and recomputes every hash and the head still cannot sign."""
    record = make_record()
    events = [{k: v for k, v in e.items() if k not in ("prev", "hash")} for e in record["events"]]
    events[5]["data"]["status"] = "granted"
    rechained = [item.as_dict() for item in chain(events)]
    record["events"] = rechained
    record["head"]["hash"] = rechained[-1]["hash"]
    assert verify_chain(rechained).ok
    verdict = verify_record(record, TRUSTED)
    assert not verdict.ok
    assert verdict.problems == [
        "signature: does not match the record (changed after signing, or signed with another key)"
    ]


def one_character_changes(c: str) -> list[str]:
    """Replacements that keep the character's class (a digit for a digit, hex for hex) where possible."""
    for alphabet in ("0123456789", "abcdef", "ghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
        if c in alphabet:
            same_class = alphabet[(alphabet.index(c) + 1) % len(alphabet)]
            # Upper-case hex as well: the same number in a \u escape, a different string in a hash.
            return [same_class, c.upper()] if alphabet == "abcdef" else [same_class]
    return [chr(0x21 + (ord(c) - 0x21 + 1) % 94)]


def semantic(document: bytes) -> str:
    return json.dumps(json.loads(document), sort_keys=True)


def test_it_detects_one_character_changed_anywhere():
    original = record_bytes(make_record())
    baseline = semantic(original)
    assert verify_record(original, TRUSTED).ok
    changed = detected = invalid = identical = 0
    for position, byte in enumerate(original):
        if not 0x20 <= byte < 0x7F:
            continue
        for replacement in one_character_changes(chr(byte)):
            mutated = original[:position] + replacement.encode() + original[position + 1 :]
            try:
                meaning = semantic(mutated)
            except ValueError:
                invalid += 1
                # Not a question of detection, but broken JSON must still get a verdict, not an exception.
                assert not verify_record(mutated, TRUSTED).ok
                continue
            if meaning == baseline:
                identical += 1
                # The same JSON written differently is the same evidence.
                assert verify_record(mutated, TRUSTED).ok
                continue
            changed += 1
            detected += not verify_record(mutated, TRUSTED).ok
    assert detected == changed
    assert changed > 5000
    assert invalid > 500
    assert identical == 1  # "\u001f" written "\u001F"


# --- signatures and keys ------------------------------------------------------------------------


def test_it_rejects_a_record_resigned_with_another_key():
    facts = make_facts(status="granted")
    forged = build_record(facts=facts, events=make_events(), private_key=ATTACKER_KEY)
    verdict = verify_record(forged, TRUSTED)
    assert verdict.signature_valid
    assert not verdict.trusted_key
    assert not verdict.ok
    assert verdict.problems == [
        f"signature: made with key {key_id(ATTACKER_KEY)}, which is not one of this site's keys"
    ]


def test_it_accepts_a_record_signed_with_a_retired_site_key():
    old = build_record(facts=make_facts(), events=make_events(), private_key=ATTACKER_KEY)
    assert verify_record(old, trusted_keys(SITE_KEY, ATTACKER_KEY)).ok


def test_it_rejects_another_keys_signature_under_the_site_public_key():
    record = make_record()
    forged = build_record(facts=make_facts(status="granted"), events=make_events(), private_key=ATTACKER_KEY)
    record["submission"] = forged["submission"]
    record["signature"]["value"] = forged["signature"]["value"]
    verdict = verify_record(record, TRUSTED)
    assert verdict.trusted_key
    assert not verdict.signature_valid
    assert not verdict.ok


def test_it_rejects_a_public_key_that_does_not_match_its_id():
    record = make_record()
    record["signature"]["public_key"] = public_key_pem(ATTACKER_KEY)
    verdict = verify_record(record, TRUSTED)
    assert "signature: key id does not match the public key" in verdict.problems
    assert not verdict.ok


def test_it_does_not_accept_a_head_signature_as_a_record_signature():
    # A signature over the chain head alone (the same facts without the record's "format" and
    # facts digest) must never pass as the record's signature.
    record = make_record()
    head_payload = canonical_json(
        {"alg": "Ed25519", "head": record["head"]["hash"], "length": 20, "submission": SUBMISSION}
    )
    record["signature"]["value"] = base64.b64encode(SITE_KEY.sign(head_payload)).decode()
    assert not verify_record(record, TRUSTED).signature_valid


@pytest.mark.parametrize(
    "change",
    [
        {"submission": OTHER_SUBMISSION},
        {"head_hash": hashlib.sha256(b"other").digest()},
        {"length": 19},
        {"public_key": ATTACKER_KEY.public_key()},
    ],
)
def test_it_rejects_a_record_signature_for_anything_else(change):
    record = make_record()
    if "submission" in change:
        record["submission"]["id"] = change["submission"]
    if "head_hash" in change:
        record["head"]["hash"] = change["head_hash"].hex()
    if "length" in change:
        record["head"]["length"] = change["length"]
    if "public_key" in change:
        record["signature"]["public_key"] = public_key_pem(change["public_key"])
        record["signature"]["key_id"] = key_id(change["public_key"])
    assert not verify_record(record, TRUSTED).signature_valid


@pytest.mark.parametrize("mangle", ["not base64!", "", "AAAA", "non-canonical"])
def test_it_rejects_a_malformed_record_signature(mangle):
    record = make_record()
    signature = record["signature"]["value"]
    if mangle == "non-canonical":
        # The last character before "==" carries 4 spare bits: flipping one decodes to the same bytes.
        last = signature[-3]
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        mangle = signature[:-3] + alphabet[alphabet.index(last) ^ 1] + "=="
        assert base64.b64decode(mangle) == base64.b64decode(signature)
    record["signature"]["value"] = mangle
    verdict = verify_record(record, TRUSTED)
    assert not verdict.signature_valid
    assert "signature: value is not a base64 Ed25519 signature" in verdict.problems


def test_it_names_keys_by_their_public_key():
    raw = SITE_KEY.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert key_id(SITE_KEY.public_key()) == hashlib.sha256(raw).hexdigest()[:16]
    assert key_id(SITE_KEY) == key_id(SITE_KEY.public_key())
    assert key_id(SITE_KEY) != key_id(ATTACKER_KEY)
    assert public_key_pem(SITE_KEY).startswith("-----BEGIN PUBLIC KEY-----\n")


# --- record contents ----------------------------------------------------------------------------


def test_it_verifies_a_record_whose_text_was_withheld():
    """After the person deletes their letter, the record keeps its SHA-256 and still verifies."""
    digest = hashlib.sha256(LETTER.encode()).hexdigest()
    record = make_record(text=None, text_sha256=digest)
    verdict = verify_record(record, TRUSTED)
    assert verdict.ok, verdict.problems
    assert verdict.summary["text_included"] is False


def test_it_detects_text_removed_after_signing():
    record = make_record()
    record["submission"]["text"] = None
    assert_rejected(record)


def test_it_detects_text_that_does_not_match_its_hash():
    record = make_record()
    record["submission"]["text"] = LETTER + "P.S."
    verdict = verify_record(record, TRUSTED)
    assert "submission: the text does not match its SHA-256" in verdict.problems


@pytest.mark.parametrize(
    ("facts", "events", "message"),
    [
        (make_facts(text="changed", text_sha256="0" * 64), make_events(), "text does not match"),
        (make_facts(text=None), make_events(), "missing 'text_sha256'"),
        ({k: v for k, v in make_facts().items() if k != "platform"}, make_events(), "missing 'platform'"),
        (make_facts(id="123"), make_events(), "id is not a UUID"),
        (make_facts(fee=1.5), make_events(), "cannot be hashed"),
        (make_facts(), [], "at least one event"),
        (make_facts(), make_events(3, submission=OTHER_SUBMISSION), "belongs to another submission"),
        (make_facts(), make_events(3)[1:], "out of order"),
    ],
)
def test_it_refuses_to_sign_what_would_not_verify(facts, events, message):
    with pytest.raises(ValueError, match=message):
        build_record(facts=facts, events=events, private_key=SITE_KEY)


def test_it_does_not_share_the_callers_facts():
    facts = make_facts()
    record = build_record(facts=facts, events=make_events(), private_key=SITE_KEY)
    facts["form_fields"]["email"] = "changed@example.org"
    assert verify_record(record, TRUSTED).ok


HUGE_NUMBER = b'{"format": ' + b"9" * 5000 + b"}"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"", "not valid JSON"),
        (b"not json", "not valid JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[]", "record is not a JSON object"),
        (b'"a string"', "record is not a JSON object"),
        (b"{}", "record: missing 'format'"),
        (b'{"format": 1e400}', "is not an integer"),
        (b'{"format": NaN}', "NaN is not JSON"),
        (HUGE_NUMBER, "too large"),
        (b'{"a": 1, "a": 2}', "duplicate key 'a'"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b" " * (MAX_RECORD_BYTES + 1), "larger than"),
        (
            b'{"format": "opt-out-guide/evidence/v1", "submission": [], "events": {}, "head": 1, "signature": ""}',
            "is not an object",
        ),
    ],
)
def test_it_gives_a_verdict_for_malformed_input(document, message):
    verdict = verify_record(document, TRUSTED)
    assert not verdict.ok
    assert any(message in problem for problem in verdict.problems), verdict.problems


def test_it_gives_a_verdict_for_a_dict_with_floats():
    record = make_record()
    record["head"]["length"] = 20.0
    verdict = verify_record(record, TRUSTED)
    assert not verdict.ok
    assert "float" in verdict.problems[0]


def test_it_reports_a_wrong_format_and_stray_fields():
    record = make_record()
    record["format"] = "opt-out-guide/evidence/v2"
    record["comment"] = "hello"
    verdict = verify_record(record, TRUSTED)
    assert "record: format is 'opt-out-guide/evidence/v2', expected 'opt-out-guide/evidence/v1'" in verdict.problems
    assert "record: unexpected field 'comment'" in verdict.problems


@given(JSON_VALUES)
@settings(max_examples=300)
def test_it_never_raises_on_arbitrary_json(value):
    verdict = verify_record(json.dumps(value).encode(), TRUSTED)
    assert not verdict.ok


@given(st.binary(max_size=200))
@settings(max_examples=300)
def test_it_never_raises_on_arbitrary_bytes(data):
    assert not verify_record(data, TRUSTED).ok


@given(st.data())
@settings(max_examples=200)
def test_it_never_raises_on_a_record_with_a_part_replaced(data):
    record = make_record()
    section = data.draw(st.sampled_from(["format", "submission", "events", "head", "signature"]))
    record[section] = data.draw(JSON_VALUES)
    verdict = verify_record(record, TRUSTED)
    assert not verdict.ok


# --- loading the signing key --------------------------------------------------------------------

KEY_SETTINGS = ("EVIDENCE_SIGNING_KEY", "EVIDENCE_SIGNING_KEY_FILE")


@pytest.fixture
def no_key_configured(settings, monkeypatch, tmp_path):
    """Nothing configured, production-like: each test turns on exactly one source."""
    for name in KEY_SETTINGS:
        setattr(settings, name, "")
        monkeypatch.delenv(name, raising=False)
    settings.DEBUG = False
    settings.BASE_DIR = tmp_path
    return settings


def raw_public(key) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


SEED = hashlib.sha256(b"configured seed").digest()
SEED_B64 = base64.b64encode(SEED).decode()
SEED_KEY = Ed25519PrivateKey.from_private_bytes(SEED)
SEED_PEM = private_key_pem(SEED_KEY)


def key_in_a_fresh_process(**environment: str) -> bytes:
    """The raw public key a production process started with `environment` signs with."""
    code = (
        "import django; django.setup(); from requests_app.evidence.keys import load_signing_key; "
        "from cryptography.hazmat.primitives import serialization as s; "
        "print(load_signing_key().public_key().public_bytes(s.Encoding.Raw, s.PublicFormat.Raw).hex())"
    )
    return bytes.fromhex(run_production_python(code, **environment).strip())


@pytest.mark.parametrize("value", [SEED_B64, SEED_PEM, f"  {SEED_B64}\n"])
@pytest.mark.parametrize("source", ["environment", "setting"])
def test_it_loads_the_key_from_evidence_signing_key(no_key_configured, source, value):
    if source == "environment":
        assert key_in_a_fresh_process(EVIDENCE_SIGNING_KEY=value) == raw_public(SEED_KEY)
        return
    no_key_configured.EVIDENCE_SIGNING_KEY = value
    assert raw_public(load_signing_key()) == raw_public(SEED_KEY)


def test_it_prefers_the_setting_to_the_environment(no_key_configured, monkeypatch):
    # The environment is read once, into settings, when the process starts: a key put in it later is not used.
    monkeypatch.setenv("EVIDENCE_SIGNING_KEY", private_key_pem(ATTACKER_KEY))
    no_key_configured.EVIDENCE_SIGNING_KEY = SEED_B64
    assert raw_public(load_signing_key()) == raw_public(SEED_KEY)


def test_it_prefers_the_key_to_the_key_file(no_key_configured, tmp_path):
    path = tmp_path / "other.pem"
    path.write_text(private_key_pem(ATTACKER_KEY))
    no_key_configured.EVIDENCE_SIGNING_KEY_FILE = str(path)
    no_key_configured.EVIDENCE_SIGNING_KEY = SEED_B64
    assert raw_public(load_signing_key()) == raw_public(SEED_KEY)


ED448_PEM = (
    Ed448PrivateKey.generate()
    .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    .decode()
)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not a key at all", "neither PEM nor base64"),
        (base64.b64encode(b"short").decode(), "decodes to 5 bytes"),
        ("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "not a readable"),
        (ED448_PEM, "not an Ed25519 private key"),
    ],
)
def test_it_refuses_a_bad_configured_key(no_key_configured, value, message):
    no_key_configured.EVIDENCE_SIGNING_KEY = value
    with pytest.raises(ImproperlyConfigured, match=message) as caught:
        load_signing_key()
    assert value.strip() not in str(caught.value)


@pytest.mark.parametrize("source", ["environment", "setting"])
def test_it_loads_the_key_from_a_file(no_key_configured, tmp_path, source):
    path = tmp_path / "signing.pem"
    path.write_text(SEED_PEM)
    if source == "environment":
        assert key_in_a_fresh_process(EVIDENCE_SIGNING_KEY_FILE=str(path)) == raw_public(SEED_KEY)
        return
    no_key_configured.EVIDENCE_SIGNING_KEY_FILE = str(path)
    assert raw_public(load_signing_key()) == raw_public(SEED_KEY)


def test_it_refuses_a_missing_key_file(no_key_configured, tmp_path):
    no_key_configured.EVIDENCE_SIGNING_KEY_FILE = str(tmp_path / "missing.pem")
    no_key_configured.DEBUG = True  # a broken explicit setting is never papered over by a dev key
    with pytest.raises(ImproperlyConfigured, match="cannot read"):
        load_signing_key()
    assert not (tmp_path / "var").exists()


def test_it_creates_and_reuses_a_development_key(no_key_configured, tmp_path):
    no_key_configured.DEBUG = True
    first = load_signing_key()
    path = tmp_path / "var" / "evidence_signing_key.pem"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert raw_public(load_signing_key()) == raw_public(first)
    assert os.listdir(tmp_path / "var") == ["evidence_signing_key.pem"]


def test_it_keeps_an_existing_development_key(no_key_configured, tmp_path):
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "evidence_signing_key.pem").write_text(SEED_PEM)
    no_key_configured.DEBUG = True
    assert raw_public(load_signing_key()) == raw_public(SEED_KEY)


def test_it_refuses_to_run_without_a_key_in_production(no_key_configured, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="No evidence signing key"):
        load_signing_key()
    assert not (tmp_path / "var").exists()
