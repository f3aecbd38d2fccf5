"""The tracking journey in Chromium: sign in with a plan, track a request, record the filing, get the calendar file."""

from __future__ import annotations

import datetime
import os
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from icalendar import Calendar

from requests_app.accounts.sessions import SessionStore
from requests_app.letters.contract import format_date
from requests_app.models import Attachment, Plan, Submission
from requests_app.tracking import deadlines
from requests_app.wizard import plan_session
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.images import png_bytes
from tests.factories.tracking import GERMAN_PLAN, UK_ITEM, UK_PLAN, file, make_guide, track, uk_access_requests_pause

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR", "")


def assert_accessible(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def shoot(page, name):
    if not SCREENSHOTS:
        return
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_track_a_request_record_the_filing_and_download_the_calendar_file(live_server, page):
    make_guide()
    user = make_user("anna@example.org")
    # A visitor's plan in their session, claimed when they sign in.
    session = SessionStore()
    session[plan_session.SESSION_KEY] = GERMAN_PLAN
    session.create()
    host = live_server.url.split("//")[1].split(":")[0]
    page.context.add_cookies([{"name": "sessionid", "value": session.session_key, "domain": host, "path": "/"}])

    page.goto(live_server.url + "/accounts/login/?next=/requests/")
    page.get_by_label("Email").fill("anna@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/requests/")
    assert Plan.objects.get(user=user).data["answers"]["country"] == "germany"
    assert_accessible(page)

    page.locator("li", has_text="Object to Instagram").get_by_role("button", name="Track this request").click()
    page.wait_for_url("**/requests/*-*/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Object to Instagram")
    assert_accessible(page)

    berlin = ZoneInfo("Europe/Berlin")
    filed = (datetime.datetime.now(berlin) - datetime.timedelta(minutes=10)).replace(second=0, microsecond=0)
    page.get_by_label("When did you file it?").fill(filed.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Your time zone").select_option("Europe/Berlin")
    page.get_by_label("Reference or confirmation code (optional)").fill("REF-42")
    page.get_by_label("Screenshot of the confirmation (optional)").set_input_files(
        files=[{"name": "confirmation.png", "mimeType": "image/png", "buffer": png_bytes((300, 200))}]
    )
    page.get_by_role("button", name="Record filing").click()
    page.wait_for_url("**#deadlines")

    due = deadlines.due_date(filed.date(), deadlines.DeadlineRule(unit="months", amount=1, extension_amount=2))
    due_text = format_date(due, "en")
    assert page.locator(".due-date").first.inner_text() == due_text
    submission = Submission.objects.get(user=user)
    assert submission.due_on == due
    assert Attachment.objects.filter(submission=submission).count() == 1
    assert page.get_by_role("link", name="Screenshot 1").is_visible()
    assert_accessible(page)
    shoot(page, "request")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add the due date to your calendar").click()
    download = download_info.value
    assert download.suggested_filename == f"deadline-{due.isoformat()}.ics"
    with open(download.path(), "rb") as handle:
        event = Calendar.from_ical(handle.read()).walk("VEVENT")[0]
    assert event.get("dtstart").dt == due

    page.goto(live_server.url + "/requests/")
    assert page.get_by_text(f"Due on {due_text}").is_visible()
    assert_accessible(page)
    shoot(page, "dashboard")


def test_a_bad_screenshot_is_refused_and_the_form_keeps_what_was_typed(live_server, page):
    make_guide()
    user = make_user("anna@example.org")
    Plan.objects.create(user=user, data=GERMAN_PLAN)
    page.goto(live_server.url + "/accounts/login/?next=/requests/")
    page.get_by_label("Email").fill("anna@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/requests/")
    page.locator("li", has_text="Object to Instagram").get_by_role("button", name="Track this request").click()
    page.wait_for_url("**/requests/*-*/")
    now = datetime.datetime.now(ZoneInfo("Europe/Berlin")) - datetime.timedelta(minutes=5)
    page.get_by_label("When did you file it?").fill(now.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Reference or confirmation code (optional)").fill("REF-KEPT")
    page.get_by_label("Screenshot of the confirmation (optional)").set_input_files(
        files=[{"name": "setup.png", "mimeType": "image/png", "buffer": b"MZ\x90\x00" + b"\x00" * 100}]
    )
    page.get_by_role("button", name="Record filing").click()
    assert page.get_by_role("alert").get_by_text("not a PNG, JPEG or WebP image").is_visible()
    assert page.get_by_label("Reference or confirmation code (optional)").input_value() == "REF-KEPT"
    assert_accessible(page)
    shoot(page, "filing-error")
    assert Submission.objects.get(user=user).status == "draft"


def sign_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/?next=/requests/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/requests/")


def test_a_person_in_germany_records_an_objection_filed_on_31_january_2025_and_sees_it_overdue(live_server, page):
    """The issue's journey: the plan made today, the objection filed long before."""
    make_guide()
    user = make_user("anna@example.org")
    Plan.objects.create(user=user, data=GERMAN_PLAN)
    sign_in(page, live_server, "anna@example.org")
    page.locator("li", has_text="Object to Instagram").get_by_role("button", name="Track this request").click()
    page.wait_for_url("**/requests/*-*/")
    page.get_by_label("When did you file it?").fill("2025-01-31T14:30")
    page.get_by_label("Your time zone").select_option("Europe/Berlin")
    page.get_by_role("button", name="Record filing").click()
    page.wait_for_url("**#deadlines")

    assert page.locator(".due-date").first.inner_text() == "28 February 2025"
    overdue = (datetime.datetime.now(ZoneInfo("Europe/Berlin")).date() - datetime.date(2025, 2, 28)).days
    assert page.get_by_text(f"Overdue by {overdue} days (was due 28 February 2025)").is_visible()
    summary = page.locator(".summary-list").first
    assert "31 January 2025, 14:30 (Europe/Berlin)" in summary.inner_text()
    assert "Recorded here" in summary.inner_text()
    assert page.get_by_text("Deadlines count from the day you filed, 31 January 2025").is_visible()
    assert_accessible(page)
    shoot(page, "request-filed-long-ago")

    page.goto(live_server.url + "/requests/")
    assert page.locator(".tag-red", has_text="Overdue").is_visible()
    assert page.get_by_text(f"Overdue by {overdue} days (was due 28 February 2025)").is_visible()
    assert page.get_by_text("Filed on 31 January 2025, recorded here on").is_visible()
    assert_accessible(page)
    shoot(page, "dashboard-filed-long-ago")


def test_a_filing_date_before_the_gdpr_is_refused_at_the_field(live_server, page):
    make_guide()
    user = make_user("anna@example.org")
    Plan.objects.create(user=user, data=GERMAN_PLAN)
    sign_in(page, live_server, "anna@example.org")
    page.locator("li", has_text="Object to Instagram").get_by_role("button", name="Track this request").click()
    page.wait_for_url("**/requests/*-*/")
    page.get_by_label("When did you file it?").fill("2018-05-24T23:00")
    page.get_by_label("Reference or confirmation code (optional)").fill("REF-OLD")
    page.get_by_role("button", name="Record filing").click()
    message = "The date you filed must be on or after 25 May 2018, when the GDPR began to apply"
    assert page.get_by_role("alert").get_by_role("link", name=message).is_visible()
    assert page.get_by_label("When did you file it?").input_value() == "2018-05-24T23:00"
    assert page.get_by_label("Reference or confirmation code (optional)").input_value() == "REF-OLD"
    assert_accessible(page)
    assert Submission.objects.get(user=user).status == "draft"


def test_a_uk_access_request_paused_for_clarification_shows_its_moved_due_date(live_server, page, monkeypatch):
    make_guide()
    uk_access_requests_pause(monkeypatch)
    user = make_user("sam@example.org")
    Plan.objects.create(user=user, data=UK_PLAN)
    submission = file(track(user, item=UK_ITEM), when=datetime.datetime(2026, 3, 2, 10, 0), zone="Europe/London")
    sign_in(page, live_server, "sam@example.org")
    page.goto(live_server.url + f"/requests/{submission.pk}/")

    page.get_by_label("They asked me for clarification (the deadline pauses)").check()
    page.get_by_label("When?").fill("2026-03-03")
    page.get_by_label("Their reply (optional)").fill("Which chats do you want a copy of?")
    page.get_by_role("button", name="Record", exact=True).click()
    page.wait_for_url("**#timeline")
    assert page.locator(".tag", has_text="Paused").first.is_visible()
    assert page.get_by_text("The company asked for clarification on 3 March 2026: the deadline is paused").is_visible()
    assert page.get_by_role("link", name="Add the due date to your calendar").count() == 0
    assert_accessible(page)
    shoot(page, "request-paused")

    page.get_by_label("I answered their request for clarification (the deadline runs again)").check()
    page.get_by_label("When?").fill("2026-03-12")
    page.get_by_role("button", name="Record", exact=True).click()
    page.wait_for_url("**#timeline")
    assert page.locator(".due-date").first.inner_text() == "13 April 2026"
    explained = page.locator("#clarification")
    assert (
        "The company asked for clarification on 3 March 2026; the deadline was paused for 10 days, "
        "until you answered on 12 March 2026." in explained.inner_text()
    )
    assert "Without the pause the answer would have been due on 2 April 2026." in explained.inner_text()
    assert_accessible(page)
    shoot(page, "request-pause-explained")
    submission.refresh_from_db()
    assert submission.due_on == datetime.date(2026, 4, 13)


def test_the_dashboard_and_a_request_fit_360_px_and_pass_axe_in_every_language(live_server, page):
    from django.conf import settings

    make_guide()
    user = make_user("anna@example.org")
    Plan.objects.create(user=user, data=GERMAN_PLAN)
    submission = file(track(user))
    sign_in(page, live_server, "anna@example.org")
    page.set_viewport_size({"width": 360, "height": 740})
    for code, _name in settings.LANGUAGES:
        for path in ("/requests/", f"/requests/{submission.pk}/"):
            page.goto(f"{live_server.url}{path}?lang={code}")
            assert page.locator("html").get_attribute("lang") == code
            page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 360, (code, path, width)
            assert_accessible(page)
