"""POST /requests/<id>/filing/: record when and how a request was filed."""

from __future__ import annotations

import datetime
import itertools

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from requests_app.evidence.chain import keyed_digest
from requests_app.models import Attachment, Event, Submission, SubmissionStatus
from requests_app.wizard import plan_session
from tests.factories.accounts import PASSWORD
from tests.factories.images import png_bytes, png_declaring
from tests.factories.tracking import GERMAN_PLAN, ITEM, make_guide, make_person, track

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide():
    return make_guide()


def filing_form(**overrides):
    data = {
        "filed_at": "2025-01-31T14:30",
        "timezone": "Europe/Berlin",
        "reference": "REF-123",
        "confirmation_text": "We received your objection.",
        "token": "0123456789abcdef0123456789abcdef",
    }
    data.update(overrides)
    return data


def test_headline_sign_up_claim_the_plan_file_in_germany_on_31_january_2025_due_28_february_2025(client, guide):
    session = client.session
    session[plan_session.SESSION_KEY] = GERMAN_PLAN
    session.save()
    client.post("/accounts/signup/", {"email": "anna@example.org", "password1": PASSWORD, "password2": PASSWORD})
    user = User.objects.get(email="anna@example.org")
    EmailAddress.objects.filter(user=user).update(verified=True)
    assert client.post("/accounts/login/", {"login": "anna@example.org", "password": PASSWORD}).status_code == 302
    # The plan is made today; the objection was filed on 31 January 2025, long before.

    response = client.post("/requests/track/", {"item": ITEM})
    submission = Submission.objects.get(user=user)
    assert response["Location"] == f"/requests/{submission.pk}/"
    response = client.post(f"/requests/{submission.pk}/filing/", filing_form())
    assert response.status_code == 302
    page = client.get(f"/requests/{submission.pk}/").content.decode()
    assert "28 February 2025" in page
    assert "30 April 2025" in page  # the latest date if Meta extends
    submission.refresh_from_db()
    # The page counts in the person's zone (Berlin), which is a day ahead of UTC after 23:00 UTC.
    overdue = (submission.person_today() - datetime.date(2025, 2, 28)).days
    assert f"Overdue by {overdue} days (was due 28 February 2025)" in page
    assert submission.due_on == datetime.date(2025, 2, 28)
    dashboard = client.get("/requests/").content.decode()
    assert f"Overdue by {overdue} days (was due 28 February 2025)" in dashboard


def test_two_quick_clicks_record_one_filing(client, guide):
    user = make_person()
    submission = track(user)
    client.force_login(user)
    first = client.post(f"/requests/{submission.pk}/filing/", filing_form())
    second = client.post(f"/requests/{submission.pk}/filing/", filing_form())
    assert first.status_code == second.status_code == 302
    assert Event.objects.filter(submission_id=submission.pk, type="filed").count() == 1
    assert Event.objects.filter(submission_id=submission.pk).count() == 3


def test_a_second_filing_from_another_form_is_refused(client, guide):
    user = make_person()
    submission = track(user)
    client.force_login(user)
    client.post(f"/requests/{submission.pk}/filing/", filing_form())
    response = client.post(
        f"/requests/{submission.pk}/update/",
        {"what": "granted", "happened_on": "2025-02-01", "token": "1" * 32},
    )
    assert response.status_code == 302
    assert Event.objects.filter(submission_id=submission.pk, type="filed").count() == 1


def test_it_records_a_screenshot_with_the_filing(client, guide):
    user = make_person()
    submission = track(user)
    client.force_login(user)
    shot = SimpleUploadedFile("confirmation.png", png_bytes(), content_type="image/png")
    client.post(f"/requests/{submission.pk}/filing/", {**filing_form(), "screenshot": shot})
    attachment = Attachment.objects.get(submission=submission)
    assert attachment.content_type == "image/png"
    assert Event.objects.get(submission_id=submission.pk, type="attachment_added").data["attachment_hmac"] == (
        keyed_digest(Submission.objects.get(pk=submission.pk).evidence_key, attachment.sha256)
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"filed_at": "2099-01-01T10:00"}, "must be in the past"),
        ({"filed_at": "2018-05-24T23:59"}, "on or after 25 May 2018, when the GDPR began to apply"),
        ({"filed_at": "1970-01-01T00:00"}, "on or after 25 May 2018, when the GDPR began to apply"),
        ({"filed_at": "0001-01-01T00:00"}, "on or after 25 May 2018, when the GDPR began to apply"),
        ({"filed_at": "9999-12-31T23:59"}, "must be in the past"),
        ({"filed_at": "31 Jan"}, "Enter a real date and time"),
        ({"filed_at": ""}, "Enter the date and time you filed the request"),
        ({"timezone": "Mars/Olympus"}, "Select your time zone from the list"),
        ({"token": "x"}, "This form has expired"),
    ],
)
def test_it_answers_bad_input_at_the_field_and_keeps_what_was_typed(client, guide, overrides, message):
    user = make_person()
    submission = track(user)
    client.force_login(user)
    response = client.post(f"/requests/{submission.pk}/filing/", filing_form(**overrides))
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert 'value="REF-123"' in page
    assert "We received your objection." in page
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", b"hello", "must be a PNG, JPEG or WebP"),
        ("setup.png", b"MZ\x90\x00" + b"\x00" * 500, "not a PNG, JPEG or WebP image"),
        ("bomb.png", png_declaring(100_000, 100_000), "at most 50 megapixels"),
    ],
)
def test_a_bad_screenshot_is_refused_at_its_field_and_nothing_is_recorded(client, guide, name, data, message):
    user = make_person()
    submission = track(user)
    client.force_login(user)
    upload = SimpleUploadedFile(name, data, content_type="image/png")
    response = client.post(f"/requests/{submission.pk}/filing/", {**filing_form(), "screenshot": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'href="#id_screenshot"' in page
    assert 'value="REF-123"' in page
    assert Attachment.objects.count() == 0
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT


def test_get_redirects_to_the_request_page(client, guide):
    user = make_person()
    submission = track(user)
    client.force_login(user)
    response = client.get(f"/requests/{submission.pk}/filing/")
    assert response["Location"] == f"/requests/{submission.pk}/"


def test_long_pasted_text_is_refused_with_its_limit_never_cut_by_the_browser(client, guide):
    from requests_app.tracking.forms import TEXT_MAX

    user = make_person()
    submission = track(user)
    client.force_login(user)
    page = client.get(f"/requests/{submission.pk}/").content.decode()
    assert "maxlength" not in page
    # An otherwise valid filing (token included), so only the length can refuse it.
    response = client.post(f"/requests/{submission.pk}/filing/", filing_form(confirmation_text="x" * (TEXT_MAX + 1)))
    assert response.status_code == 400
    assert f"The confirmation message must be {TEXT_MAX} characters or fewer" in response.content.decode()
    submission.refresh_from_db()
    assert submission.filed_at is None
    assert "x" * (TEXT_MAX + 1) in response.content.decode()  # what was typed is kept


PEOPLE = itertools.count()
OUTSIDE = st.one_of(
    st.datetimes(min_value=datetime.datetime(1, 1, 1), max_value=datetime.datetime(2018, 5, 24, 23, 59)),
    st.datetimes(min_value=datetime.datetime(2027, 1, 1), max_value=datetime.datetime(9999, 12, 31, 23, 59)),
)


@pytest.mark.slow  # hypothesis
@given(filed=OUTSIDE, zone=st.sampled_from(["Europe/Berlin", "Pacific/Kiritimati", "America/Los_Angeles", "UTC"]))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_date_outside_the_range_is_refused_at_the_field_and_nothing_is_recorded(client, guide, filed, zone):
    # One database for all the examples: each gets a person of its own.
    user = make_person(f"person-{next(PEOPLE)}@example.org")
    submission = track(user)
    client.force_login(user)
    response = client.post(
        f"/requests/{submission.pk}/filing/", filing_form(filed_at=filed.strftime("%Y-%m-%dT%H:%M"), timezone=zone)
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_filed_at"' in page
    assert f'value="{filed:%Y-%m-%dT%H:%M}"' in page  # what was typed is kept
    assert f'<option value="{zone}" selected>' in page
    assert 'value="REF-123"' in page
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT
    assert Event.objects.filter(submission_id=submission.pk).count() == 1
