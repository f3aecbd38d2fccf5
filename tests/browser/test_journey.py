"""From the landing page to a plan and its PDF, in Chromium, with axe on every page."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# The elements that stick out of a narrow viewport, to say what broke the layout.
WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 || e.scrollWidth > 360)
  .map(e => e.tagName + '.' + e.className + ' ' + e.scrollWidth + ' ' + e.getBoundingClientRect().right)"""
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(autouse=True)
def shipped_guide():
    call_command("load_guide", stdout=io.StringIO())


@pytest.fixture
def foreign_requests(page, live_server):
    """Every request the page makes to another origin (there must be none)."""
    foreign = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((live_server.url, "data:")) else foreign.append(r.url),
    )
    return foreign


def assert_accessible(page: Page) -> None:
    page.wait_for_function("() => window.htmx")
    results = Axe().run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def tab_to(page: Page, selector: str, limit: int = 120) -> None:
    """Press Tab until the element is focused: proves it is reachable by keyboard (the header's nine
    language buttons come first)."""
    target = page.locator(selector).first
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} not reachable with Tab on {page.url}")


def continue_(page: Page) -> None:
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("^(Continue|Weiter)$")).click()


def answer_where(page: Page, country: str, state: str | None = None) -> None:
    page.get_by_label(re.compile("Where do you live|Wo wohnen Sie")).select_option(label=country)
    continue_(page)
    if state:
        page.locator("#id_us_state").select_option(label=state)
        continue_(page)


def test_uk_person_with_facebook_and_two_instagram_accounts_by_keyboard(live_server, page, foreign_requests, tmp_path):
    page.goto(live_server.url + "/")
    assert_accessible(page)
    tab_to(page, "a.button-start")
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/start/where/")

    assert_accessible(page)
    tab_to(page, "#id_country")
    page.keyboard.type("United Kingdom")
    tab_to(page, "button[type=submit]:text('Continue')")
    page.keyboard.press("Enter")

    expect(page).to_have_url(live_server.url + "/start/platforms/")
    assert_accessible(page)
    for value in ("facebook", "instagram"):
        tab_to(page, f"input[value={value}]")
        page.keyboard.press("Space")
    tab_to(page, "button[type=submit]:text('Continue')")
    page.keyboard.press("Enter")

    expect(page).to_have_url(live_server.url + "/start/accounts/")
    assert_accessible(page)
    tab_to(page, "#id_has_facebook_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_count_facebook")
    page.keyboard.type("1")
    tab_to(page, "#id_has_instagram_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_count_instagram")
    page.keyboard.type("2")
    tab_to(page, "button[type=submit]:text('Continue')")
    page.keyboard.press("Enter")

    expect(page).to_have_url(live_server.url + "/start/situation/")
    assert_accessible(page)
    tab_to(page, "input[value=public_posts]")
    page.keyboard.press("Space")
    tab_to(page, "button[type=submit]:text('Continue')")
    page.keyboard.press("Enter")

    expect(page).to_have_url(live_server.url + "/start/details/")
    assert_accessible(page)
    # An error first: the summary takes focus and links to the field.
    tab_to(page, "button[type=submit]:text('Continue')")
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_be_focused()
    assert_accessible(page)
    for selector, text in [
        ("#id_name", "Alex Example"),
        ("#id_email", "alex@example.org"),
        ("#id_handle_facebook_1", "facebook.com/alex"),
        ("#id_handle_instagram_1", "@alex"),
        ("#id_handle_instagram_2", "@alex_cats"),
        ("#id_explanation", "My photos show my children."),
    ]:
        tab_to(page, selector)
        page.keyboard.type(text)
    tab_to(page, "button[type=submit]:text('Continue')")
    page.keyboard.press("Enter")

    expect(page).to_have_url(live_server.url + "/start/check/")
    assert_accessible(page)
    expect(page.locator(".summary-list")).to_contain_text("Instagram: 2 accounts")
    tab_to(page, "a:text('Continue to your plan')")
    page.keyboard.press("Enter")

    expect(page).to_have_url(live_server.url + "/plan/")
    assert_accessible(page)
    instagram_form = page.locator('a[href="https://help.instagram.com/contact/767264225370182"]')
    facebook_form = page.locator('a[href="https://www.facebook.com/help/contact/712876720715583"]')
    expect(instagram_form.first).to_have_attribute("target", "_blank")
    assert instagram_form.count() >= 2
    assert facebook_form.count() >= 1
    body = page.locator("main").inner_text()
    for text in ("Alex Example", "alex@example.org", "@alex_cats", "My photos show my children.", "United Kingdom"):
        assert text in body
    assert page.locator("article.plan-item h3", has_text="@alex_cats").count() == 1

    # Tick a step done with htmx, by keyboard: focus stays on the toggle, progress updates.
    first_toggle = page.locator(".task-form button").first
    toggle_id = first_toggle.get_attribute("id")
    progress_before = page.locator("#plan-progress").inner_text()
    tab_to(page, f"[id='{toggle_id}']")
    page.keyboard.press("Enter")
    expect(page.locator(f"[id='{toggle_id}']")).to_have_text("Mark as not done")
    expect(page.locator("#plan-progress")).not_to_have_text(progress_before)
    expect(page.locator(f"[id='{toggle_id}']")).to_be_focused()
    assert_accessible(page)

    with page.expect_download() as download_info:
        tab_to(page, "a:text('Download your plan as a PDF')")
        page.keyboard.press("Enter")
    download = download_info.value
    path = tmp_path / "plan.pdf"
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")
    assert foreign_requests == []


def test_the_same_journey_in_german(live_server, page, foreign_requests):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Deutsch").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    assert_accessible(page)
    page.get_by_role("button", name="Jetzt starten").first.click()
    answer_where(page, "Vereinigtes Königreich")
    page.get_by_label("Facebook").check()
    page.get_by_label("Instagram").check()
    continue_(page)
    page.locator("#id_has_facebook_0").check()
    page.locator("#id_count_facebook").fill("1")
    page.locator("#id_has_instagram_0").check()
    page.locator("#id_count_instagram").fill("2")
    continue_(page)
    page.locator("input[value=public_posts]").check()
    continue_(page)
    page.locator("#id_name").fill("Erika Mustermann")
    page.locator("#id_email").fill("erika@example.org")
    page.locator("#id_handle_facebook_1").fill("facebook.com/erika")
    page.locator("#id_handle_instagram_1").fill("@erika")
    page.locator("#id_handle_instagram_2").fill("@erika_katzen")
    page.locator("#id_explanation").fill("Meine Fotos zeigen meine Kinder.")
    continue_(page)
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Prüfen Sie Ihre Antworten")
    page.get_by_role("button", name="Weiter zu Ihrem Plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihr Plan")
    assert_accessible(page)
    main = page.locator("main").inner_text()
    assert "Erika Mustermann" in main
    assert "@erika_katzen" in main
    assert "Vereinigtes Königreich" in main
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ihren Plan als PDF herunterladen").click()
    assert download_info.value.suggested_filename == "opt-out-plan.pdf"
    assert foreign_requests == []


def test_a_person_in_texas_gets_no_letter_citing_gdpr(live_server, page, foreign_requests):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/start/")
    answer_where(page, "United States", state="Texas")
    page.get_by_label("Facebook").check()
    continue_(page)
    page.locator("#id_has_facebook_0").check()
    page.locator("#id_count_facebook").fill("1")
    continue_(page)
    page.locator("input[value=in_others_posts]").check()
    continue_(page)
    page.locator("#id_name").fill("Tex Example")
    page.locator("#id_email").fill("tex@example.org")
    page.locator("#id_handle_facebook_1").fill("facebook.com/tex")
    continue_(page)
    assert_accessible(page)
    page.get_by_role("button", name="Continue to your plan").click()
    expect(page).to_have_url(live_server.url + "/plan/")
    assert_accessible(page)
    letters = " ".join(page.locator("pre.letter").all_inner_texts())
    assert "Tex Example" in letters
    assert "GDPR" not in letters
    assert "Object to" not in page.locator("main").inner_text()
    # Usable at 360 px: nothing wider than the viewport.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360, page.evaluate(WIDE)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "plan-texas-360.png", full_page=False)
    assert foreign_requests == []


def test_a_person_with_no_account_gets_the_third_party_route(live_server, page, foreign_requests):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/start/")
    answer_where(page, "Germany")
    page.get_by_label("None of these").check()
    continue_(page)
    page.locator("input[value=in_others_posts]").check()
    continue_(page)
    page.locator("#id_name").fill('<img src=x onerror="document.title=1">Nina')
    page.locator("#id_email").fill("nina@example.org")
    continue_(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "check-360.png", full_page=True)
    page.get_by_role("button", name="Continue to your plan").click()
    assert_accessible(page)
    groups = page.locator(".plan-group > h2").all_inner_texts()
    assert groups == ["For everyone"]
    expect(page.locator('a[href="https://www.facebook.com/help/contact/1266025207620918"]').first).to_be_visible()
    # The typed markup is text, never an element.
    assert page.locator("main img").count() == 0
    assert '<img src=x onerror="document.title=1">Nina' in page.locator("main").inner_text()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360, page.evaluate(WIDE)
    page.screenshot(path=SCREENSHOTS / "plan-no-account-360.png", full_page=True)
    assert foreign_requests == []


def test_wrong_answers_show_errors_that_pass_axe(live_server, page, foreign_requests):
    page.goto(live_server.url + "/start/where/")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: "))
    assert_accessible(page)
    page.locator(".error-summary a").first.click()
    expect(page.locator("#id_country")).to_be_focused()
    assert foreign_requests == []
