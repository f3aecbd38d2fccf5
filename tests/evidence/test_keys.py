"""The site's signing key: where it comes from, and refusals that never quote it."""

from __future__ import annotations

import base64
import hashlib
import os
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed448 import Ed448PrivateKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured

from requests_app.evidence.keys import private_key_pem
from requests_app.evidence.signing_key import load_signing_key
from tests.factories.processes import run_production_python
from tests.factories.records import ATTACKER_KEY

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
        "import django; django.setup(); from requests_app.evidence.signing_key import load_signing_key; "
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
