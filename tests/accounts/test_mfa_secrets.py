"""Two-factor secrets encrypted at rest (requests_app/accounts/mfa_secrets.py), its migration and rotate_mfa_secrets."""

from __future__ import annotations

import importlib
import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from cryptography.fernet import InvalidToken
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from requests_app.accounts import mfa_secrets, sealing
from tests.factories.accounts import PASSWORD, make_user, totp_code

OLD_KEY = "old-secret-key-" + "o" * 40
NEW_KEY = "new-secret-key-" + "n" * 40
PLAIN_SECRET = "JBSWY3DPEHPK3PXP"
PLAIN_SEED = "7365637265747365656473"

migration = importlib.import_module("requests_app.migrations.0009_seal_mfa_secrets")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _keys(settings, key: str, *fallbacks: str) -> None:
    settings.SECRET_KEY = key
    settings.SECRET_KEY_FALLBACKS = list(fallbacks)


# --- sealing -------------------------------------------------------------------------------------


def test_a_sealed_secret_opens_and_does_not_show_the_secret(settings):
    _keys(settings, OLD_KEY)
    token = mfa_secrets.seal(PLAIN_SECRET)
    assert PLAIN_SECRET not in token
    assert mfa_secrets.unseal(token) == PLAIN_SECRET
    assert mfa_secrets.seal(PLAIN_SECRET) != token, "a fresh IV each time: equal secrets look different"


def test_another_key_cannot_open_it_unless_it_is_a_fallback(settings):
    _keys(settings, OLD_KEY)
    token = mfa_secrets.seal(PLAIN_SECRET)
    _keys(settings, NEW_KEY)
    with pytest.raises(InvalidToken):
        mfa_secrets.unseal(token)
    _keys(settings, NEW_KEY, OLD_KEY)
    assert mfa_secrets.unseal(token) == PLAIN_SECRET


def test_resealing_moves_a_secret_to_the_current_key(settings):
    _keys(settings, OLD_KEY)
    token = mfa_secrets.seal(PLAIN_SECRET)
    _keys(settings, NEW_KEY, OLD_KEY)
    resealed = mfa_secrets.reseal(token)
    _keys(settings, NEW_KEY)
    assert mfa_secrets.unseal(resealed) == PLAIN_SECRET
    with pytest.raises(InvalidToken):
        mfa_secrets.reseal(token)


def test_a_plain_secret_is_never_taken_for_a_sealed_one(settings):
    _keys(settings, OLD_KEY)
    for value in (PLAIN_SECRET, PLAIN_SEED, "", "gAAAAA", "ünïcode", "not base64!", "ABCD" * 30):
        assert not sealing.looks_sealed(value)
    assert sealing.looks_sealed(mfa_secrets.seal(PLAIN_SECRET))
    assert sealing.looks_sealed(mfa_secrets.seal(""))


def test_a_sealed_secret_is_never_sealed_twice_even_when_no_key_opens_it(settings):
    _keys(settings, OLD_KEY)
    sealed = mfa_secrets.seal_plain(PLAIN_SECRET)
    assert mfa_secrets.unseal(sealed) == PLAIN_SECRET
    assert mfa_secrets.seal_plain(sealed) == sealed
    _keys(settings, NEW_KEY)
    assert mfa_secrets.seal_plain(sealed) == sealed, "sealed again, it could never be opened"


def test_resealing_a_plain_secret_seals_it(settings):
    """A server still on older code during a deploy may store one in the clear."""
    _keys(settings, NEW_KEY)
    assert mfa_secrets.unseal(mfa_secrets.reseal(PLAIN_SECRET)) == PLAIN_SECRET


def test_a_secret_no_key_opens_is_logged_without_it_and_refused(settings, caplog):
    _keys(settings, OLD_KEY)
    token = mfa_secrets.seal(PLAIN_SECRET)
    _keys(settings, NEW_KEY)
    with pytest.raises(InvalidToken):
        mfa_secrets.MFAAdapter().decrypt(token)
    assert "SECRET_KEY_FALLBACKS" in caplog.text
    assert token not in caplog.text


def test_it_changes_only_the_secret_fields_of_each_type():
    def upper(value: str) -> str:
        return value.upper()

    recovery = {"seed": "ab", "migrated_codes": ["cd", "ef"], "used_mask": 3}
    assert mfa_secrets.transform_secrets("recovery_codes", recovery, upper) == {
        "seed": "AB",
        "migrated_codes": ["CD", "EF"],
        "used_mask": 3,
    }
    assert recovery["seed"] == "ab", "the stored dict is not changed in place"
    assert mfa_secrets.transform_secrets("totp", {"secret": "ab", "other": "x"}, upper) == {
        "secret": "AB",
        "other": "x",
    }
    assert mfa_secrets.transform_secrets("webauthn", {"credential": "ab"}, upper) == {"credential": "ab"}
    assert mfa_secrets.transform_secrets("recovery_codes", {"used_mask": 0}, upper) == {"used_mask": 0}


# --- through allauth ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_activating_totp_stores_only_sealed_secrets(client):
    make_user()
    client.post("/accounts/login/", {"login": "alice@example.org", "password": PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/").content.decode()
    secret = re.search(r'id="authenticator_secret" value="([A-Z2-7]+)"', page).group(1)
    assert client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)}).status_code == 302

    totp = Authenticator.objects.get(type=Authenticator.Type.TOTP)
    assert secret not in str(totp.data)
    assert mfa_secrets.unseal(totp.data["secret"]) == secret
    recovery = Authenticator.objects.get(type=Authenticator.Type.RECOVERY_CODES)
    assert sealing.looks_sealed(recovery.data["seed"])
    assert len(RecoveryCodes(recovery).get_unused_codes()) == 10


@pytest.mark.django_db
def test_sign_in_with_totp_survives_a_key_rotation(client, settings):
    _keys(settings, OLD_KEY)
    user = make_user()
    TOTP.activate(user, PLAIN_SECRET)
    codes = RecoveryCodes.activate(user).get_unused_codes()

    def signs_in(step_offset: int) -> bool:
        client.logout()
        client.post("/accounts/login/", {"login": "alice@example.org", "password": PASSWORD})
        client.post("/accounts/2fa/authenticate/", {"code": totp_code(PLAIN_SECRET, step_offset=step_offset)})
        return client.get("/account/").status_code == 200

    assert signs_in(-1)
    _keys(settings, NEW_KEY, OLD_KEY)  # step 1: the new key, the old one as a fallback
    assert signs_in(0)
    with pytest.raises(CommandError, match="2 authenticator"):
        call_command("rotate_mfa_secrets", "--check")  # not yet: only the fallback opens them
    call_command("rotate_mfa_secrets")  # step 2
    call_command("rotate_mfa_secrets", "--check")
    _keys(settings, NEW_KEY)  # step 3: the old key dropped
    assert signs_in(1)
    recovery = Authenticator.objects.get(type=Authenticator.Type.RECOVERY_CODES)
    assert RecoveryCodes(recovery).get_unused_codes() == codes


@pytest.mark.django_db
def test_rotation_names_the_authenticators_no_key_opens(settings, capsys):
    _keys(settings, OLD_KEY)
    user = make_user()
    totp = TOTP.activate(user, PLAIN_SECRET).instance
    _keys(settings, NEW_KEY)
    with pytest.raises(CommandError, match=rf"1 authenticator\(s\) .*\(ids {totp.pk}\)"):
        call_command("rotate_mfa_secrets")
    assert Authenticator.objects.get(pk=totp.pk).data == totp.data, "left as it was, for the old key's return"
    _keys(settings, NEW_KEY, OLD_KEY)
    call_command("rotate_mfa_secrets")
    assert "Sealed the secrets of 1 authenticator(s)" in capsys.readouterr().out


@pytest.mark.django_db
def test_rotation_seals_a_secret_stored_in_the_clear(settings):
    _keys(settings, NEW_KEY)
    totp = Authenticator.objects.create(user=make_user(), type=Authenticator.Type.TOTP, data={"secret": PLAIN_SECRET})
    with pytest.raises(CommandError):
        call_command("rotate_mfa_secrets", "--check")
    call_command("rotate_mfa_secrets")
    totp.refresh_from_db()
    assert mfa_secrets.unseal(totp.data["secret"]) == PLAIN_SECRET
    call_command("rotate_mfa_secrets", "--check")


# --- the migration ------------------------------------------------------------------------------


class _SchemaEditor:
    connection = connection


@pytest.mark.django_db
def test_the_migration_seals_secrets_stored_in_the_clear_and_can_be_reversed():
    user = make_user()
    totp = Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": PLAIN_SECRET})
    recovery = Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": PLAIN_SEED, "migrated_codes": ["12345678"], "used_mask": 1},
    )

    migration.seal_stored_secrets(apps, _SchemaEditor())
    totp.refresh_from_db()
    recovery.refresh_from_db()
    assert mfa_secrets.unseal(totp.data["secret"]) == PLAIN_SECRET
    assert mfa_secrets.unseal(recovery.data["seed"]) == PLAIN_SEED
    assert [mfa_secrets.unseal(code) for code in recovery.data["migrated_codes"]] == ["12345678"]
    assert recovery.data["used_mask"] == 1
    sealed = totp.data

    migration.seal_stored_secrets(apps, _SchemaEditor())  # run again: nothing sealed twice
    totp.refresh_from_db()
    assert totp.data == sealed
    # Stored by this code between the migration and a rollback: already sealed, opened by the reverse.
    later = Authenticator.objects.create(
        user=make_user("bob@example.org"), type=Authenticator.Type.TOTP, data={"secret": mfa_secrets.seal("BOB")}
    )

    migration.open_stored_secrets(apps, _SchemaEditor())
    totp.refresh_from_db()
    recovery.refresh_from_db()
    assert totp.data == {"secret": PLAIN_SECRET}
    assert recovery.data == {"seed": PLAIN_SEED, "migrated_codes": ["12345678"], "used_mask": 1}
    later.refresh_from_db()
    assert later.data == {"secret": "BOB"}
