"""The standalone verifier accepts genuine records made by the site's code and rejects forgeries,
saying what fails; it needs nothing but the standard library and cryptography (pyHanko for a PDF)."""

from __future__ import annotations

import ast
import copy
import sys

import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from requests_app.evidence.export import export_evidence, pack_bytes
from requests_app.evidence.pdf import render_evidence_pdf
from requests_app.evidence.record import build_record, record_bytes, verify_record
from tests.factories import evidence as site
from tests.factories.records import (
    ATTACKER_KEY,
    JSON_VALUES,
    SITE_KEY,
    TRUSTED,
    make_events,
    make_facts,
    make_record,
)
from tests.factories.tracking import make_guide
from tests.factories.verifier import (
    VERIFIER,
    json_file,
    key_file,
    load_verifier,
    run_in_process,
    run_verifier,
)

verifier = load_verifier()


@pytest.fixture
def site_key(tmp_path):
    return key_file(tmp_path, SITE_KEY)


def check(tmp_path, record, *keys) -> object:
    """The verifier run in process on `record` written to a file, against `keys` (default: the site key)."""
    path = json_file(tmp_path, record_bytes(record) if isinstance(record, dict) else record)
    args = [path]
    for key in keys or (key_file(tmp_path, SITE_KEY),):
        args += ["--public-key", key]
    return run_in_process(verifier, *args)


def test_it_accepts_a_genuine_record_run_on_its_own(tmp_path, site_key):
    path = json_file(tmp_path, record_bytes(make_record()))
    result = run_verifier(path, "--public-key", site_key, cwd=tmp_path)
    assert result.code == 0, result.output
    assert "FAIL" not in result.output
    assert "PASS  hash chain" in result.output
    assert "PASS  Ed25519 signature" in result.output
    assert result.output.rstrip().endswith("VALID")


def test_it_rejects_a_one_character_forgery_run_on_its_own(tmp_path, site_key):
    data = record_bytes(make_record())
    forged = data.replace(b"IG-48151623", b"IG-48151624")
    assert forged != data
    result = run_verifier(json_file(tmp_path, forged), "--public-key", site_key, cwd=tmp_path)
    assert result.code == 1
    assert "FAIL  Ed25519 signature over the head and the facts: does not match the record" in result.output
    assert result.output.rstrip().endswith("NOT VALID")


def test_a_changed_letter_fails_its_hash_and_the_signature(tmp_path):
    record = make_record()
    record["submission"]["text"] = record["submission"]["text"].replace("Art. 21", "Art. 22")
    result = check(tmp_path, record)
    assert result.code == 1
    assert "the text does not match its SHA-256" in result.output
    assert "does not match the record" in result.output


def test_a_reordered_event_is_rejected(tmp_path):
    record = make_record()
    events = record["events"]
    events[3], events[4] = events[4], events[3]
    result = check(tmp_path, record)
    assert result.code == 1
    assert "FAIL  hash chain" in result.output
    assert "event 3: seq 4 out of order (expected 3)" in result.output
    assert "event 3: prev is not event 2's hash" in result.output


def test_a_removed_event_is_rejected(tmp_path):
    record = make_record()
    del record["events"][5]
    result = check(tmp_path, record)
    assert result.code == 1
    assert "event 5: seq 6 out of order (expected 5)" in result.output
    assert "the chain has 19 events, the head says 20" in result.output


def test_a_removed_last_event_is_caught_by_the_signed_head(tmp_path):
    record = make_record()
    record["events"].pop()
    result = check(tmp_path, record)
    assert result.code == 1
    assert "the chain has 19 events, the head says 20" in result.output
    assert "the last event's hash is not the head" in result.output


def test_an_event_changed_and_rehashed_fails_the_signature(tmp_path):
    """Rechaining every hash after an edit keeps the chain whole, so only the signature can tell."""
    record = make_record()
    events = [{k: v for k, v in e.items() if k not in ("prev", "hash")} for e in record["events"]]
    events[2]["data"]["status"] = "refused"
    rebuilt = build_record(facts=record["submission"], events=events, private_key=ATTACKER_KEY)
    rebuilt["signature"] = record["signature"]
    result = check(tmp_path, rebuilt)
    assert result.code == 1
    assert "PASS  hash chain" in result.output
    assert "does not match the record" in result.output


def test_a_record_signed_with_another_key_is_not_trusted(tmp_path):
    forged = build_record(facts=make_facts(), events=make_events(), private_key=ATTACKER_KEY)
    result = check(tmp_path, forged)
    assert result.code == 1
    assert "PASS  Ed25519 signature" in result.output  # intact, but by someone else
    assert "which is not among the --public-key files" in result.output


def test_a_genuine_record_checked_against_a_wrong_key_is_rejected(tmp_path):
    result = check(tmp_path, make_record(), key_file(tmp_path, ATTACKER_KEY, "other.pem"))
    assert result.code == 1
    assert "FAIL  signing key is a trusted key" in result.output


def test_a_retired_key_among_several_is_trusted(tmp_path):
    keys = key_file(tmp_path, ATTACKER_KEY, "current.pem"), key_file(tmp_path, SITE_KEY, "retired.pem")
    result = check(tmp_path, make_record(), *keys)
    assert result.code == 0, result.output


@pytest.mark.parametrize("cut", [1, 4, 20])
def test_a_truncated_signature_is_rejected(tmp_path, cut):
    record = make_record()
    record["signature"]["value"] = record["signature"]["value"][:-cut]
    result = check(tmp_path, record)
    assert result.code == 1
    assert "value is not a base64 Ed25519 signature" in result.output


def test_a_signature_with_other_spare_bits_is_rejected(tmp_path):
    """base64 of 64 bytes ends with 2 spare bits; another last character decodes alike but is refused."""
    record = make_record()
    value = record["signature"]["value"]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    index = alphabet.index(value[-3])
    sibling = alphabet[index ^ 1]  # differs only in a spare bit
    record["signature"]["value"] = value[:-3] + sibling + value[-2:]
    assert verifier.base64.b64decode(record["signature"]["value"]) == verifier.base64.b64decode(value)
    result = check(tmp_path, record)
    assert result.code == 1
    assert "value is not a base64 Ed25519 signature" in result.output


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"this is not JSON", "not valid JSON (Expecting value at line 1 column 1)"),
        (b'{"format": 1.5}', "number 1.5 is not an integer"),
        (b'{"a": 1, "a": 2}', "duplicate key 'a'"),
        (b'{"a": NaN}', "NaN is not JSON"),
        (b'{"a": 12345678901234567}', "number 12345678901234567 is too large"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_input_that_is_not_strict_json_is_refused(tmp_path, content, reason):
    result = check(tmp_path, content)
    assert result.code == 1
    assert f"FAIL  input: {reason}" in result.output


def test_a_json_value_that_is_not_a_record_is_rejected(tmp_path):
    result = check(tmp_path, b"[1, 2]")
    assert result.code == 1
    assert "the record is not a JSON object" in result.output


def test_an_unknown_field_or_format_is_rejected(tmp_path):
    record = make_record()
    record["format"] = "opt-out-guide/evidence/v2"
    record["note"] = "added"
    result = check(tmp_path, record)
    assert "format is 'opt-out-guide/evidence/v2'" in result.output
    assert "unexpected field 'note'" in result.output


def test_a_missing_or_unreadable_key_file_is_a_clear_failure(tmp_path):
    record_path = json_file(tmp_path, record_bytes(make_record()))
    missing = run_in_process(verifier, record_path, "--public-key", tmp_path / "nope.pem")
    assert missing.code == 1
    assert "cannot read public key" in missing.output
    (tmp_path / "bad.pem").write_text("not a key")
    bad = run_in_process(verifier, record_path, "--public-key", tmp_path / "bad.pem")
    assert "is not a readable PEM public key" in bad.output


def test_it_requires_a_public_key(tmp_path):
    result = run_verifier(json_file(tmp_path, record_bytes(make_record())), cwd=tmp_path)
    assert result.code == 2
    assert "--public-key" in result.output


def test_a_pack_is_checked_record_by_record(tmp_path):
    good, forged = make_record(), make_record()
    forged["submission"]["status"] = "answered"
    result = check(tmp_path, pack_bytes([good, forged]))
    assert result.code == 1
    assert "record 1 of 2" in result.output
    assert "record 2 of 2" in result.output
    first, second = result.output.split("record 2 of 2")
    assert "FAIL" not in first
    assert "does not match the record" in second
    assert check(tmp_path, pack_bytes([good, good])).code == 0


@pytest.mark.django_db
@pytest.mark.slow  # renders two PDFs
def test_it_reads_the_record_out_of_real_evidence_pdfs(tmp_path, settings):
    site.use_site_key(settings)
    make_guide()
    submission = site.filed_request(screenshots=1)
    items = export_evidence(submission.user, [submission.pk])
    links = {"verify_url": "http://testserver/verify/", "key_url": "http://testserver/k.pem"}
    single = tmp_path / "evidence.pdf"
    single.write_bytes(render_evidence_pdf(items, pack=False, **links))
    pack = tmp_path / "pack.pdf"
    pack.write_bytes(render_evidence_pdf(export_evidence(submission.user), pack=True, **links))
    key = key_file(tmp_path, site.SITE_KEY)
    result = run_verifier(single, "--public-key", key, cwd=tmp_path)
    assert result.code == 0, result.output
    assert "(embedded evidence.json)" in result.output
    result = run_verifier(pack, "--public-key", key, cwd=tmp_path)
    assert result.code == 0, result.output
    assert "(embedded evidence-pack.json)" in result.output
    other = run_verifier(single, "--public-key", key_file(tmp_path, site.OTHER_KEY, "other.pem"), cwd=tmp_path)
    assert other.code == 1
    assert "FAIL  signing key is a trusted key" in other.output


def test_a_pdf_without_a_record_is_refused(tmp_path, site_key):
    path = tmp_path / "plain.pdf"
    with pikepdf.new() as document:
        document.add_blank_page()
        document.save(path)
    result = run_in_process(verifier, path, "--public-key", site_key)
    assert result.code == 1
    assert "FAIL  input:" in result.output


def test_without_pyhanko_a_pdf_is_refused_with_what_to_install(tmp_path, site_key, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyhanko", None)
    monkeypatch.setitem(sys.modules, "pyhanko.pdf_utils.reader", None)
    path = tmp_path / "some.pdf"
    path.write_bytes(b"%PDF-1.7\n")
    result = run_in_process(verifier, path, "--public-key", site_key)
    assert result.code == 1
    assert "reading a PDF needs pyHanko: pip install pyhanko==0.38.0" in result.output


def test_it_imports_only_the_standard_library_and_cryptography():
    """At module level nothing but stdlib and cryptography; pyHanko only inside a function."""
    tree = ast.parse(VERIFIER.read_text())
    top_level, anywhere = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports"
            names = {node.module.split(".")[0]}
        else:
            continue
        anywhere |= names
        if node in tree.body:
            top_level |= names
    allowed = set(sys.stdlib_module_names) | {"__future__"}
    assert top_level - allowed == {"cryptography"}
    assert anywhere - allowed == {"cryptography", "pyhanko"}
    assert "requests_app" not in anywhere
    assert "django" not in anywhere


# --- the verifier and the site agree ------------------------------------------------------------

EXTRA_FACTS = st.dictionaries(
    st.text(min_size=1, max_size=10).filter(lambda name: name not in ("id", "text", "text_sha256")),
    JSON_VALUES,
    max_size=4,
)


def _mutations(record: dict) -> st.SearchStrategy:
    """A path into the record (list of keys/indexes) and a new value for it, or one character changed."""
    paths = []

    def walk(value, path):
        paths.append(path)
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, [*path, key])
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, [*path, index])

    walk(record, [])
    return st.one_of(
        st.just(None),
        st.tuples(st.sampled_from(paths[1:]), JSON_VALUES | st.sampled_from(["", 0, "x", True])),
    )


def _apply(record: dict, mutation) -> dict:
    if mutation is None:
        return record
    path, value = mutation
    changed = copy.deepcopy(record)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def _verifier_ok(data: bytes) -> bool:
    try:
        value = verifier.parse_strict(data)
    except verifier.Refused:
        return False
    return all(c.ok for _label, checks in verifier.check_document(value, TRUSTED) for c in checks)


@pytest.mark.slow  # hypothesis: hundreds of records
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), extra=EXTRA_FACTS, length=st.integers(1, 6))
def test_the_verifier_and_the_site_agree_on_every_record(data, extra, length):
    record = build_record(facts={**make_facts(), **extra}, events=make_events(length), private_key=SITE_KEY)
    mutated = _apply(record, data.draw(_mutations(record)))
    try:
        encoded = record_bytes(mutated)
    except ValueError:
        return  # not JSON at all (a float drawn): neither side can be given it as a file
    if data.draw(st.booleans()):
        index = data.draw(st.integers(0, len(encoded) - 1))
        encoded = encoded[:index] + bytes([data.draw(st.integers(32, 126))]) + encoded[index + 1 :]
    site_ok = verify_record(encoded, TRUSTED).ok
    assert _verifier_ok(encoded) == site_ok
    if encoded == record_bytes(record):
        assert site_ok


# --- docs/EVIDENCE.md's worked example ----------------------------------------------------------

DOCS = VERIFIER.parents[1] / "docs"


def test_the_documented_example_is_what_the_site_writes_and_it_verifies(tmp_path):
    import datetime
    import hashlib

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from requests_app.evidence.chain import keyed_digest, make_event
    from requests_app.evidence.keys import public_key_pem

    key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"opt-out-guide documentation example key").digest())
    submission, evidence_key = "0b7f3c5e-8d2a-4c1e-9f6b-3a5d7e9c1b2f", "00" * 32
    text = "Dear Meta,\nI object to the use of my data to train AI.\nJürgen Müller"
    start = datetime.datetime(2025, 1, 31, 9, 15, 0, 123456, tzinfo=datetime.UTC)
    events = [
        make_event(seq=0, event_type="created", at=start, submission=submission, data={}),
        make_event(
            seq=1,
            event_type="letter_frozen",
            at=start + datetime.timedelta(seconds=5),
            submission=submission,
            data={"letter_hmac": keyed_digest(evidence_key, text)},
        ),
    ]
    facts = {
        "id": submission,
        "platform": "Instagram",
        "action": "Object to AI training",
        "text": text,
        "evidence_key": evidence_key,
        "filed_at": None,
    }
    example = (DOCS / "evidence-example" / "evidence.json").read_bytes()
    pem = (DOCS / "evidence-example" / "key.pem").read_text()
    assert record_bytes(build_record(facts=facts, events=events, private_key=key)) == example
    assert public_key_pem(key) == pem
    spec = (DOCS / "EVIDENCE.md").read_text()
    assert example.decode() in spec
    assert pem in spec
    result = run_verifier(
        DOCS / "evidence-example" / "evidence.json", "--public-key", DOCS / "evidence-example" / "key.pem", cwd=tmp_path
    )
    assert result.code == 0, result.output


def test_the_documented_hand_check_runs(monkeypatch, capsys):
    spec = (DOCS / "EVIDENCE.md").read_text()
    code = spec.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(DOCS.parent)
    exec(compile(code, "EVIDENCE.md", "exec"), {})  # noqa: S102 (our own documentation's example)
    assert capsys.readouterr().out == "intact\n"
