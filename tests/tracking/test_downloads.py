"""GET /requests/<id>/attachments/<id> and /requests/<id>/deadline.ics: private downloads."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from icalendar import Calendar

from requests_app.models import Attachment
from requests_app.tracking import uploads
from requests_app.tracking.services import add_attachment, new_token
from tests.factories.images import png_bytes
from tests.factories.tracking import file, make_guide, make_person, track

pytestmark = pytest.mark.django_db


def test_it_serves_a_screenshot_to_its_owner_as_a_download(client):
    make_guide()
    user = make_person()
    submission = file(track(user))
    image = uploads.clean_image(io.BytesIO(png_bytes()), "a.png")
    attachment, _ = add_attachment(submission=submission, image=image, token=new_token())
    client.force_login(user)
    response = client.get(f"/requests/{submission.pk}/attachments/{attachment.pk}")
    assert response.status_code == 200
    assert response.content == image.content
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_it_adds_at_most_ten_screenshots(client):
    make_guide()
    user = make_person()
    submission = file(track(user))
    client.force_login(user)
    for number in range(11):
        shot = SimpleUploadedFile("s.png", png_bytes(color=(number, 0, 0)), content_type="image/png")
        response = client.post(f"/requests/{submission.pk}/attachments/", {"image": shot, "token": f"{number:032x}"})
    assert Attachment.objects.filter(submission=submission).count() == 10
    assert response.status_code == 400
    assert "A request can have at most 10 screenshots" in response.content.decode()
    assert "Add a screenshot" not in client.get(f"/requests/{submission.pk}/").content.decode()


def test_a_bad_upload_is_refused_at_the_field(client):
    make_guide()
    user = make_person()
    submission = file(track(user))
    client.force_login(user)
    shot = SimpleUploadedFile("evil.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post(f"/requests/{submission.pk}/attachments/", {"image": shot, "token": "7" * 32})
    assert response.status_code == 400
    assert 'href="#id_image"' in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_calendar_file_has_the_due_date_and_a_reminder_and_no_personal_data(client):
    make_guide()
    user = make_person()
    submission = file(track(user))
    client.force_login(user)
    response = client.get(f"/requests/{submission.pk}/deadline.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == 'attachment; filename="deadline-2025-02-28.ics"'
    assert "no-store" in response["Cache-Control"]
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.get("dtstart").dt == datetime.date(2025, 2, 28)
    assert str(event.get("summary")) == "Meta Platforms Ireland Limited must answer your request (Instagram)"
    alarm = event.walk("VALARM")[0]
    assert alarm.get("trigger").dt == datetime.timedelta(days=-3)
    text = response.content.decode()
    for personal in ("anna", "Anna", "REF-123", "@anna_cats"):
        assert personal not in text


def test_an_extended_request_gets_the_extended_date(client):
    make_guide()
    user = make_person()
    submission = file(track(user))
    submission.extended = True
    submission.save(update_fields=["extended"])
    client.force_login(user)
    event = Calendar.from_ical(client.get(f"/requests/{submission.pk}/deadline.ics").content).walk("VEVENT")[0]
    assert event.get("dtstart").dt == datetime.date(2025, 4, 30)


def test_a_draft_has_no_calendar_file(client):
    make_guide()
    user = make_person()
    submission = track(user)
    client.force_login(user)
    assert client.get(f"/requests/{submission.pk}/deadline.ics").status_code == 404
