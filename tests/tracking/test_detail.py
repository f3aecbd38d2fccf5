"""GET /requests/<id>/: facts, the letter as filed, deadlines, timeline, screenshots and forms."""

from __future__ import annotations

import datetime

import pytest

from requests_app.tracking.services import REPLY_ONLY, new_token, record_update
from tests.factories.tracking import GERMAN_PLAN, file, make_guide, make_person, track

pytestmark = pytest.mark.django_db


def test_it_shows_a_filed_request(client):
    make_guide()
    user = make_person()
    submission = file(track(user))
    client.force_login(user)
    response = client.get(f"/requests/{submission.pk}/")
    page = response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    assert "The letter as filed" in page
    assert "I object under GDPR Art. 21(1)" in page
    assert "28 February 2025" in page
    assert "31 January 2025, 14:30 (Europe/Berlin)" in page
    assert f"/requests/{submission.pk}/deadline.ics" in page
    assert "Record what happened" in page
    assert "Record that you filed it" not in page


def test_a_draft_offers_the_filing_form_with_the_regions_time_zone(client):
    make_guide()
    user = make_person()
    submission = track(user)
    client.force_login(user)
    page = client.get(f"/requests/{submission.pk}/").content.decode()
    assert "Record that you filed it" in page
    assert '<option value="Europe/Berlin" selected>' in page
    assert "deadline.ics" not in page


def test_an_overdue_request_offers_a_complaint_to_both_authorities_and_a_reminder(client):
    make_guide()
    user = make_person()
    submission = file(track(user))
    client.force_login(user)
    page = client.get(f"/requests/{submission.pk}/").content.decode()
    assert "Data Protection Commission (Ireland)" in page
    assert "Federal Commissioner for Data Protection (BfDI)" in page
    assert "Prepare a reminder letter" in page
    response = client.post(
        f"/requests/{submission.pk}/escalate/", {"route": "complaint", "authority": "lead", "token": "3" * 32}
    )
    complaint = submission.escalations.get()
    assert response["Location"] == f"/requests/{complaint.pk}/"
    page = client.get(f"/requests/{complaint.pk}/").content.decode()
    assert "This escalates your request" in page
    assert "Data Protection Commission (Ireland)" in page


def test_a_request_within_its_deadline_offers_no_escalation(client):
    make_guide()
    user = make_person()
    submission = track(user)
    client.force_login(user)
    assert "Prepare a reminder letter" not in client.get(f"/requests/{submission.pk}/").content.decode()
    response = client.post(
        f"/requests/{submission.pk}/escalate/", {"route": "reminder", "token": "4" * 32}, follow=True
    )
    assert "once it is overdue or refused" in response.content.decode()
    assert not submission.escalations.exists()


def test_it_records_a_reply_and_shows_it_in_the_timeline(client):
    make_guide()
    user = make_person()
    submission = file(track(user))
    client.force_login(user)
    client.post(
        f"/requests/{submission.pk}/update/",
        {"what": "refused", "happened_on": "2025-02-05", "reply_text": "We will not stop.", "token": "5" * 32},
    )
    page = client.get(f"/requests/{submission.pk}/").content.decode()
    assert "We will not stop." in page
    assert "Status: Refused." in page


def test_a_bad_update_is_answered_at_the_field(client):
    make_guide()
    user = make_person()
    submission = file(track(user))
    client.force_login(user)
    response = client.post(
        f"/requests/{submission.pk}/update/",
        {"what": "", "happened_on": "2025-02-05", "reply_text": "kept text", "token": "6" * 32},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_what_0"' in page
    assert "kept text" in page


@pytest.mark.parametrize("events", [0, 8])
def test_its_query_count_does_not_grow_with_the_history(client, django_assert_num_queries, events):
    make_guide()
    user = make_person()
    submission = file(track(user), now=datetime.datetime(2025, 2, 1, tzinfo=datetime.UTC))
    for _ in range(events):
        record_update(
            submission=submission, what=REPLY_ONLY, happened_on=datetime.date(2025, 2, 1), note="n",
            reply_text="r", token=new_token(), now=datetime.datetime(2025, 2, 1, 12, tzinfo=datetime.UTC),
        )  # fmt: skip
    client.force_login(user)
    client.get(f"/requests/{submission.pk}/")  # the session's touch (requests_app.accounts.activity) is now done
    # Middleware: session, user. The page: submission, attachments, status changes, events,
    # escalations, complaint action, the region and the jurisdiction of its authorities (each with its
    # text rows joined).
    with django_assert_num_queries(10):
        client.get(f"/requests/{submission.pk}/")


def test_it_404s_for_an_unknown_id(client):
    make_guide()
    user = make_person(plan=GERMAN_PLAN)
    client.force_login(user)
    assert client.get("/requests/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_it_says_when_a_request_was_filed_as_stated_and_when_it_was_recorded_here(client):
    make_guide()
    user = make_person()
    recorded = datetime.datetime(2026, 12, 2, 17, 0, tzinfo=datetime.UTC)
    submission = file(track(user), when=datetime.datetime(2025, 1, 31, 14, 30), now=recorded)
    client.force_login(user)
    page = client.get(f"/requests/{submission.pk}/").content.decode()
    assert "<dt>Filed, as you stated it</dt><dd>31 January 2025, 14:30 (Europe/Berlin)</dd>" in page
    assert "<dt>Recorded here</dt><dd>2 December 2026, 18:00 (Europe/Berlin)</dd>" in page
    assert "Deadlines count from the day you filed, 31 January 2025, not from the day you recorded it here." in page


def test_a_request_recorded_the_day_it_was_filed_does_not_explain_the_difference(client):
    make_guide()
    user = make_person()
    recorded = datetime.datetime(2025, 1, 31, 16, 0, tzinfo=datetime.UTC)
    submission = file(track(user), when=datetime.datetime(2025, 1, 31, 14, 30), now=recorded)
    client.force_login(user)
    page = client.get(f"/requests/{submission.pk}/").content.decode()
    assert "<dt>Recorded here</dt><dd>31 January 2025, 17:00 (Europe/Berlin)</dd>" in page
    assert "not from the day you recorded it here" not in page


def test_a_typed_control_character_is_refused_at_its_field_and_nothing_is_recorded(client):
    make_guide()
    user = make_person()
    submission = file(track(user))
    client.force_login(user)
    changes = submission.status_changes.count()
    response = client.post(
        f"/requests/{submission.pk}/update/",
        {"what": "refused", "happened_on": "2025-02-05", "reply_text": "We \x1b[2J refuse.", "token": "7" * 32},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Line 1 holds an invisible control character (U+001B): remove it." in page
    assert "[2J refuse." in page  # what was typed is given back to correct
    assert submission.status_changes.count() == changes


def test_a_right_to_left_override_in_a_reply_cannot_reorder_the_page_after_it(client):
    make_guide()
    user = make_person()
    submission = file(track(user))
    client.force_login(user)
    client.post(
        f"/requests/{submission.pk}/update/",
        {"what": "refused", "happened_on": "2025-02-05", "reply_text": "No \u202eway", "token": "8" * 32},
    )
    page = client.get(f"/requests/{submission.pk}/").content.decode()
    assert '<div class="letter"><bdi>No \u202eway</bdi></div>' in page
