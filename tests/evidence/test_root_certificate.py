"""/verify/root.pem and /.well-known/opt-out-guide-evidence-root.pem: the roots the PDFs chain to."""

from __future__ import annotations

import pytest
from cryptography import x509
from django.urls import reverse

from requests_app.evidence.pdf_certificate import pem, signing_material
from tests.factories.tampering import other_material

URLS = ["evidence:root_certificate", "evidence:root_certificate_well_known"]


@pytest.mark.parametrize("name", URLS)
def test_it_publishes_the_current_root(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-pem-file"
    assert response["X-Content-Type-Options"] == "nosniff"
    certificates = x509.load_pem_x509_certificates(response.content)
    assert certificates == [signing_material().root]
    assert certificates[0] != signing_material().certificate  # the root, never the leaf or its key
    assert b"PRIVATE KEY" not in response.content


def test_retired_roots_follow_the_current_one(client, settings):
    retired = other_material(common_name="Retired").root
    settings.EVIDENCE_PDF_RETIRED_ROOTS = pem(retired)
    certificates = x509.load_pem_x509_certificates(client.get(reverse(URLS[0])).content)
    assert certificates == [signing_material().root, retired]


def test_it_refuses_other_methods(client):
    assert client.post(reverse(URLS[0])).status_code == 405


@pytest.mark.django_db
def test_the_verify_page_links_to_it(client):
    response = client.get(reverse("evidence:verify"))
    assert reverse("evidence:root_certificate_well_known") in response.content.decode()
