"""web.downloads: every download is an attachment kept out of every cache; middleware adds the rest."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from requests_app.web.downloads import download
from tests.factories.tracking import file, make_guide, make_person, track


def test_it_is_an_attachment_with_its_name_and_type():
    response = download(b"%PDF-1.7 ...", content_type="application/pdf", filename="opt-out-plan.pdf")
    assert response.content == b"%PDF-1.7 ..."
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="opt-out-plan.pdf"'


def test_no_cache_stores_it():
    cache_control = download(b"x", content_type="text/plain", filename="x.txt")["Cache-Control"]
    assert {"no-cache", "no-store", "must-revalidate", "private", "max-age=0"} <= {
        part.strip() for part in cache_control.split(",")
    }


@pytest.mark.django_db
def test_through_the_site_it_is_never_sniffed_and_says_its_length(client):
    make_guide()
    person = make_person()
    submission = file(track(person), now=datetime.datetime(2025, 2, 2, tzinfo=datetime.UTC))
    client.force_login(person)
    response = client.get(reverse("tracking:deadline_ics", args=[submission.pk]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(response.content))
    assert response["Content-Disposition"].startswith('attachment; filename="deadline-')
