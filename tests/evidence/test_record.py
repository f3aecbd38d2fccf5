"""The signed evidence record: any change to it is detected, its signature binds everything, its facts are checked."""

from __future__ import annotations

import base64
import copy
import hashlib
import json

import pytest
from cryptography.hazmat.primitives import serialization
from hypothesis import given, settings
from hypothesis import strategies as st

from requests_app.evidence.canonical import MAX_RECORD_BYTES, canonical_json
from requests_app.evidence.chain import EVENT_TYPES, GENESIS, chain, event_hash, make_event, verify_chain
from requests_app.evidence.keys import key_id, public_key_pem, trusted_keys
from requests_app.evidence.record import build_record, record_bytes, verify_record
from tests.factories.records import (
    ATTACKER_KEY,
    JSON_VALUES,
    LETTER,
    OTHER_SUBMISSION,
    SITE_KEY,
    START,
    SUBMISSION,
    TRUSTED,
    make_events,
    make_facts,
    make_record,
)


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


@pytest.mark.slow  # mutation
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


@pytest.mark.slow  # hypothesis
@given(JSON_VALUES)
@settings(max_examples=300)
def test_it_never_raises_on_arbitrary_json(value):
    verdict = verify_record(json.dumps(value).encode(), TRUSTED)
    assert not verdict.ok


@pytest.mark.slow  # hypothesis
@given(st.binary(max_size=200))
@settings(max_examples=300)
def test_it_never_raises_on_arbitrary_bytes(data):
    assert not verify_record(data, TRUSTED).ok


@pytest.mark.slow  # hypothesis
@given(st.data())
@settings(max_examples=200)
def test_it_never_raises_on_a_record_with_a_part_replaced(data):
    record = make_record()
    section = data.draw(st.sampled_from(["format", "submission", "events", "head", "signature"]))
    record[section] = data.draw(JSON_VALUES)
    verdict = verify_record(record, TRUSTED)
    assert not verdict.ok
