"""Deleting an account leaves no row, in any table, that names the person."""

from __future__ import annotations

import io

import pytest
from django.apps import apps

from requests_app.models import Event
from requests_app.tracking import uploads
from requests_app.tracking.services import add_attachment, new_token
from tests.factories.accounts import PASSWORD
from tests.factories.images import png_bytes
from tests.factories.tracking import file, make_guide, make_person, track

pytestmark = pytest.mark.django_db

# Everything that names Anna: her address, her name, her handle, her words, her reference.
TRACES = ["anna@example.org", "Anna Muster", "@anna_cats", "Meine Fotos zeigen", "REF-123"]


def rows_mentioning(needles: list[str]) -> list[str]:
    found = []
    for model in apps.get_models():
        for row in model._base_manager.all().values():
            text = repr(row)
            found += [f"{model._meta.label}: {needle}" for needle in needles if needle in text]
    return found


def test_deleting_the_account_leaves_no_row_that_names_the_person(client):
    make_guide()
    user = make_person()
    submission = file(track(user))
    add_attachment(
        submission=submission,
        image=uploads.clean_image(io.BytesIO(png_bytes()), "proof.png"),
        token=new_token(),
    )
    client.post("/accounts/login/", {"login": "anna@example.org", "password": PASSWORD})
    client.get("/plan/")
    events_before = Event.objects.count()
    assert rows_mentioning(TRACES), "the test must first see the traces it then expects gone"

    response = client.post("/account/delete/", {"password": PASSWORD})
    assert response.status_code == 200

    assert rows_mentioning(TRACES) == []
    # The evidence log stays (facts and hashes only), so records already downloaded still verify.
    assert Event.objects.count() == events_before
