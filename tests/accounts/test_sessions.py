"""Sessions sealed at rest (requests_app/accounts/sessions.py and sealing.py)."""

from __future__ import annotations

import logging

import pytest
from cryptography.fernet import InvalidToken
from django.contrib.sessions.backends import db as django_db
from django.contrib.sessions.models import Session

from requests_app.accounts import sealing
from requests_app.accounts.sessions import PURPOSE, SessionStore
from tests.factories.guide import make_answers, make_meta_guide, store_answers

OLD_KEY = "old-secret-key-" + "o" * 40
NEW_KEY = "new-secret-key-" + "n" * 40


def _stored(client) -> str:
    return Session.objects.get(session_key=client.session.session_key).session_data


@pytest.mark.django_db
def test_a_visitors_answers_are_stored_sealed_and_read_back(client):
    make_meta_guide()
    answers = make_answers(name="Anna Beispiel", email="anna@example.org")
    store_answers(client, answers)
    stored = _stored(client)
    assert sealing.looks_sealed(stored)
    for secret in ("Anna Beispiel", "anna@example.org", "Anna", "anna", "children", "germany"):
        assert secret not in stored
    page = client.get("/start/details/").content.decode()
    assert 'value="Anna Beispiel"' in page
    assert 'value="anna@example.org"' in page


@pytest.mark.django_db
def test_a_session_stored_before_sealing_is_read_and_sealed_when_saved(client, settings):
    legacy = django_db.SessionStore()
    legacy["answer"] = "kept"
    legacy.create()
    raw = Session.objects.get(session_key=legacy.session_key).session_data
    assert not sealing.looks_sealed(raw), "Django's engine signs, it does not seal"

    session = SessionStore(legacy.session_key)
    assert session["answer"] == "kept"
    session["more"] = 1
    session.save()
    stored = Session.objects.get(session_key=legacy.session_key).session_data
    assert sealing.looks_sealed(stored)
    assert SessionStore(legacy.session_key).load() == {"answer": "kept", "more": 1}


@pytest.mark.django_db
def test_a_changed_session_reads_as_empty_and_is_reported(caplog):
    session = SessionStore()
    session["answer"] = "kept"
    session.create()
    row = Session.objects.get(session_key=session.session_key)
    token = bytearray(row.session_data.encode())
    token[-5] = ord("A") if token[-5] != ord("A") else ord("B")  # one character of the HMAC
    row.session_data = token.decode()
    row.save()
    with caplog.at_level(logging.WARNING, logger="django.security.SuspiciousSession"):
        assert SessionStore(session.session_key).load() == {}
    assert "Session data corrupted" in caplog.text
    assert "kept" not in caplog.text


@pytest.mark.django_db
def test_a_session_survives_a_key_rotation_while_the_old_key_is_a_fallback(settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD_KEY, []
    session = SessionStore()
    session["answer"] = "kept"
    session.create()
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    assert SessionStore(session.session_key).load() == {"answer": "kept"}
    settings.SECRET_KEY_FALLBACKS = []
    assert SessionStore(session.session_key).load() == {}


def test_each_purpose_and_each_key_has_its_own_cipher(settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD_KEY, []
    keys = {
        sealing.derive_key(OLD_KEY, PURPOSE),
        sealing.derive_key(OLD_KEY, b"another purpose"),
        sealing.derive_key(NEW_KEY, PURPOSE),
    }
    assert len(keys) == 3
    token = sealing.seal(PURPOSE, b"data")
    assert sealing.unseal(PURPOSE, token) == b"data"
    with pytest.raises(InvalidToken):
        sealing.unseal(b"another purpose", token)
