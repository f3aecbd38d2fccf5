"""POST /requests/<id>/attachments/ and the filing's screenshot: refused before any decoding when the
request is full or the file too large, and limited per person and per address (#16)."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from requests_app.evidence.chain import keyed_digest
from requests_app.models import Attachment, Event, Submission, SubmissionStatus
from requests_app.tracking import uploads
from requests_app.tracking.services import add_attachment, new_token
from tests.factories.images import png_bytes, screenshot_png
from tests.factories.tracking import file, make_guide, make_person, track

pytestmark = pytest.mark.django_db
LIMITED = "You have added a lot of screenshots in a short time"


@pytest.fixture(autouse=True)
def _guide():
    make_guide()


def forbid_decoding(monkeypatch) -> list:
    """From now on, Pillow's `Image.open` as uploads.py calls it fails the test (and says it was called)."""
    opened = []

    def refuse(*args, **kwargs):
        opened.append(args)
        raise AssertionError("the upload was decoded")

    monkeypatch.setattr(uploads.Image, "open", refuse)
    return opened


def shot(number: int = 0, data: bytes | None = None, name: str = "s.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data or png_bytes(color=(number % 256, 0, 0)), content_type="image/png")


def upload(client, submission, number: int = 0, **kwargs):
    data = {"image": shot(number), "token": new_token()}
    return client.post(f"/requests/{submission.pk}/attachments/", data, **kwargs)


def another_request(submission):
    """A second request of the same person, as it stands."""
    copy = Submission.objects.get(pk=submission.pk)
    copy.pk, copy.plan_item_key = None, f"copy-{Submission.objects.count()}"
    copy.save(force_insert=True)
    return copy


def full_request(user):
    submission = file(track(user))
    for number in range(uploads.MAX_FILES_PER_SUBMISSION):
        image = uploads.clean_image(SimpleUploadedFile("s.png", png_bytes(color=(number, 1, 1))), "s.png")
        add_attachment(submission=submission, image=image, token=new_token())
    return submission


# --- checks before decoding -----------------------------------------------------------------------


def test_an_upload_to_a_full_request_is_refused_before_it_is_decoded(client, monkeypatch):
    user = make_person()
    submission = full_request(user)
    client.force_login(user)
    no_decoding = forbid_decoding(monkeypatch)
    response = upload(client, submission)
    assert response.status_code == 400
    assert "A request can have at most 10 screenshots" in response.content.decode()
    assert no_decoding == []
    assert submission.attachments.count() == 10


def test_an_upload_over_10_mb_is_refused_before_it_is_decoded(client, monkeypatch):
    user = make_person()
    submission = file(track(user))
    client.force_login(user)
    big = png_bytes() + b"\0" * uploads.MAX_BYTES
    no_decoding = forbid_decoding(monkeypatch)
    response = client.post(f"/requests/{submission.pk}/attachments/", {"image": shot(data=big), "token": new_token()})
    assert response.status_code == 400
    assert "smaller than 10 MB" in response.content.decode()
    assert no_decoding == []
    assert not Attachment.objects.exists()


def test_a_filing_screenshot_for_a_full_request_is_refused_before_it_is_decoded(client, monkeypatch):
    user = make_person()
    submission = track(user)
    for number in range(uploads.MAX_FILES_PER_SUBMISSION):
        image = uploads.clean_image(SimpleUploadedFile("s.png", png_bytes(color=(number, 1, 1))), "s.png")
        add_attachment(submission=submission, image=image, token=new_token())
    data = {
        "filed_at": "2025-01-31T14:30",
        "timezone": "Europe/Berlin",
        "screenshot": shot(),
        "token": new_token(),
    }
    client.force_login(user)
    no_decoding = forbid_decoding(monkeypatch)
    response = client.post(f"/requests/{submission.pk}/filing/", data)
    assert response.status_code == 400
    assert "A request can have at most 10 screenshots" in response.content.decode()
    assert no_decoding == []
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT


# --- what is stored, and its hash ---------------------------------------------------------------


def test_a_large_screenshot_is_stored_scaled_with_the_hash_of_what_is_stored(client):
    user = make_person()
    submission = file(track(user))
    client.force_login(user)
    data = {"image": shot(data=screenshot_png((4000, 3000))), "token": new_token()}
    response = client.post(f"/requests/{submission.pk}/attachments/", data)
    assert response.status_code == 302
    attachment = Attachment.objects.get(submission=submission)
    content = bytes(attachment.content)
    assert Image.open(io.BytesIO(content)).size == (attachment.width, attachment.height) == (2000, 1500)
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    event = Event.objects.get(submission_id=submission.pk, type="attachment_added")
    assert event.data["attachment_hmac"] == keyed_digest(submission.evidence_key, attachment.sha256)
    assert (event.data["width"], event.data["height"], event.data["size"]) == (2000, 1500, len(content))
    # The download is the stored bytes, so its hash is the one the evidence record states.
    downloaded = client.get(f"/requests/{submission.pk}/attachments/{attachment.pk}").content
    assert hashlib.sha256(downloaded).hexdigest() == attachment.sha256


# --- the rate limit -----------------------------------------------------------------------------


def test_a_person_may_add_ten_screenshots_a_minute_then_is_asked_to_wait(client):
    user = make_person()
    first = file(track(user))
    second = another_request(first)
    client.force_login(user)
    for number in range(10):
        assert upload(client, first, number).status_code == 302
    response = upload(client, second, 10)
    assert response.status_code == 429
    page = response.content.decode()
    assert LIMITED in page
    assert 'href="#id_image"' in page  # the reason is at the file field, in the error summary
    assert second.attachments.count() == 0  # nothing kept
    assert first.attachments.count() == 10


def test_the_limit_does_not_decode_the_refused_file(client, settings, monkeypatch):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "upload_screenshot": "1/m/user"}
    user = make_person()
    submission = file(track(user))
    client.force_login(user)
    assert upload(client, submission, 1).status_code == 302
    opened = []
    monkeypatch.setattr(uploads.Image, "open", lambda *args: opened.append(args))
    assert upload(client, submission, 2).status_code == 429
    assert opened == []


def test_another_person_is_not_limited_by_the_first(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "upload_screenshot": "2/m/user,10/m/ip"}
    anna, ben = make_person(), make_person("ben@example.org")
    anna_request, ben_request = file(track(anna)), file(track(ben))
    client.force_login(anna)
    assert [upload(client, anna_request, n).status_code for n in range(3)] == [302, 302, 429]
    client.force_login(ben)
    assert [upload(client, ben_request, n).status_code for n in range(3)] == [302, 302, 429]


def test_one_address_is_limited_across_people_and_another_address_is_not(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "upload_screenshot": "10/m/user,3/m/ip"}
    people = [make_person(f"p{n}@example.org") for n in range(3)]
    requests = [file(track(person)) for person in people]
    client.force_login(people[0])
    assert [upload(client, requests[0], n).status_code for n in range(2)] == [302, 302]
    client.force_login(people[1])
    assert upload(client, requests[1], 2).status_code == 302
    assert upload(client, requests[1], 3).status_code == 429  # the address's fourth
    assert upload(client, requests[1], 4, REMOTE_ADDR="192.0.2.7").status_code == 302
    client.force_login(people[2])
    assert upload(client, requests[2], 5).status_code == 429
    assert Attachment.objects.count() == 4


def test_a_post_without_a_file_is_not_counted(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "upload_screenshot": "1/m/user"}
    user = make_person()
    submission = file(track(user))
    client.force_login(user)
    for _ in range(3):
        response = client.post(f"/requests/{submission.pk}/attachments/", {"token": new_token()})
        assert response.status_code == 400
        assert "Choose a screenshot to add" in response.content.decode()
    assert upload(client, submission).status_code == 302


def test_a_filing_with_a_screenshot_counts_and_is_refused_over_the_limit(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "upload_screenshot": "1/m/user"}
    user = make_person()
    draft = track(user)
    filed = file(another_request(draft))
    client.force_login(user)
    assert upload(client, filed).status_code == 302
    data = {"filed_at": "2025-01-31T14:30", "timezone": "Europe/Berlin", "screenshot": shot(), "token": new_token()}
    response = client.post(f"/requests/{draft.pk}/filing/", data)
    assert response.status_code == 429
    assert LIMITED in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == SubmissionStatus.DRAFT
    assert not draft.attachments.exists()
    # Without a screenshot the filing is recorded: only uploads are limited.
    data = {"filed_at": "2025-01-31T14:30", "timezone": "Europe/Berlin", "token": new_token()}
    assert client.post(f"/requests/{draft.pk}/filing/", data).status_code == 302


def test_the_limits_are_set_per_person_and_per_address(settings):
    rates = settings.ACCOUNT_RATE_LIMITS["upload_screenshot"].split(",")
    assert {rate.rsplit("/", 1)[1] for rate in rates} == {"user", "ip"}


def test_an_upload_refused_for_a_full_request_is_not_counted(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "upload_screenshot": "1/m/user"}
    user = make_person()
    full = full_request(user)
    client.force_login(user)
    for number in range(3):
        assert upload(client, full, number).status_code == 400
    empty = another_request(full)  # the same request's facts, without its screenshots
    assert upload(client, empty).status_code == 302
