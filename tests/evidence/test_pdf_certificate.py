"""Where the PDF signing certificate comes from: settings, files, or a development CA under var/."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from requests_app.evidence.pdf_certificate import key_pem, load_material, pem, trusted_tsa_roots
from tests.factories.tampering import other_material


@pytest.fixture
def unconfigured(settings, tmp_path):
    settings.EVIDENCE_PDF_CERT = settings.EVIDENCE_PDF_KEY = ""
    settings.EVIDENCE_PDF_CERT_FILE = settings.EVIDENCE_PDF_KEY_FILE = ""
    settings.BASE_DIR = tmp_path
    return settings


def test_production_without_a_certificate_refuses(unconfigured):
    unconfigured.DEBUG = False
    with pytest.raises(ImproperlyConfigured, match="No PDF signing certificate"):
        load_material()


def test_development_makes_a_ca_once_under_var_with_private_files(unconfigured, tmp_path):
    unconfigured.DEBUG = True
    first = load_material()
    second = load_material()
    assert first.certificate == second.certificate
    assert first.root != first.certificate
    assert first.certificate.issuer == first.root.subject
    for name in ("chain.pem", "leaf-key.pem"):
        assert (tmp_path / "var" / "evidence_pdf" / name).stat().st_mode & 0o777 == 0o600


def test_it_reads_files(unconfigured, tmp_path):
    material = other_material()
    (tmp_path / "chain.pem").write_text(pem(material.certificate, *material.chain))
    (tmp_path / "key.pem").write_text(key_pem(material.key))
    unconfigured.EVIDENCE_PDF_CERT_FILE = str(tmp_path / "chain.pem")
    unconfigured.EVIDENCE_PDF_KEY_FILE = str(tmp_path / "key.pem")
    assert load_material().certificate == material.certificate


def test_an_unreadable_file_is_named(unconfigured, tmp_path):
    unconfigured.EVIDENCE_PDF_CERT_FILE = str(tmp_path / "missing.pem")
    unconfigured.EVIDENCE_PDF_KEY = key_pem(other_material().key)
    with pytest.raises(ImproperlyConfigured, match="EVIDENCE_PDF_CERT_FILE: cannot read"):
        load_material()


def test_a_key_that_is_not_the_leafs_is_refused(unconfigured):
    material = other_material()
    unconfigured.EVIDENCE_PDF_CERT = pem(material.certificate, *material.chain)
    unconfigured.EVIDENCE_PDF_KEY = key_pem(other_material().key)
    with pytest.raises(ImproperlyConfigured, match="is not the key of the first certificate"):
        load_material()


@pytest.mark.parametrize("value", ["not pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"])
def test_garbage_certificates_are_refused_without_quoting_them(unconfigured, value):
    unconfigured.EVIDENCE_PDF_CERT = value
    unconfigured.EVIDENCE_PDF_KEY = key_pem(other_material().key)
    with pytest.raises(ImproperlyConfigured) as error:
        load_material()
    assert "AAAA" not in str(error.value)


def test_garbage_keys_are_refused_without_quoting_them(unconfigured):
    material = other_material()
    unconfigured.EVIDENCE_PDF_CERT = pem(material.certificate)
    unconfigured.EVIDENCE_PDF_KEY = "-----BEGIN PRIVATE KEY-----\nSECRET\n-----END PRIVATE KEY-----"
    with pytest.raises(ImproperlyConfigured) as error:
        load_material()
    assert "SECRET" not in str(error.value)


def test_no_tsa_roots_by_default(settings):
    settings.EVIDENCE_TSA_ROOTS = ""
    assert trusted_tsa_roots() == []
