"""The /plan/ page: the tailored task list, request text, progress with and without htmx."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from requests_app.models import LetterTemplate, StepText
from tests.factories.guide import make_action, make_answers, make_letter, make_meta_guide, store_answers

pytestmark = pytest.mark.django_db

OBJECTION_STEP = "object-ai-instagram#2:object-ai-instagram-1"


@pytest.fixture
def guide():
    return make_meta_guide()


def test_it_sends_a_visitor_without_a_plan_to_the_wizard(client, guide):
    response = client.get("/plan/")
    assert response.status_code == 302
    assert response["Location"] == "/start/"


def test_it_sends_a_visitor_with_unfinished_answers_to_the_wizard(client, guide):
    store_answers(client, make_answers(name=""))
    assert client.get("/plan/")["Location"] == "/start/"


def test_it_lists_the_plan_by_platform_with_progress(client, guide):
    store_answers(client, make_answers())
    response = client.get("/plan/")
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    headings = re.findall(r'<h2 id="group-([a-z-]+)">', html)
    assert headings == ["facebook", "instagram", "everyone"]
    # Facebook: objection (2 steps) + off-Meta (1); Instagram: 2 objections (2 each) + off-Meta (1); third party (1).
    assert "You have completed 0 of 9 steps." in html
    assert "Opt-Out Guide sends nothing to Meta." in html
    assert "Last checked on 26 May 2025." in html


def test_it_shows_one_objection_per_account_with_the_persons_details(client, guide):
    store_answers(client, make_answers())
    html = client.get("/plan/").content.decode()
    assert html.count("Object to Instagram using your information for AI") == 2
    assert "account 2: <bdi>@anna_cats</bdi>" in html
    assert "Objection under GDPR Art. 21(1): Instagram account @anna_cats" in html
    assert "To Meta Platforms Ireland Limited," in html
    assert "Name: Anna Muster" in html
    assert "My posts show my children." in html


def test_it_lays_out_the_official_form_field_by_field(client, guide):
    store_answers(client, make_answers())
    html = client.get("/plan/").content.decode()
    assert re.search(r"<dt[^>]*>Country of residence</dt>\s*<dd>\s*<pre class=\"letter\"[^>]*>Germany</pre>", html)
    assert re.search(r"<dt[^>]*>Email address</dt>\s*<dd>\s*<pre class=\"letter\"[^>]*>anna@example.org</pre>", html)
    assert 'data-copy-target="item-object-ai-instagram.2-field-3"' in html
    # Copy buttons stay hidden until site.js finds a clipboard.
    assert re.search(r'<button type="button"[^>]*data-copy-target="[^"]+"[^>]*hidden>', html)


def test_it_links_official_forms_in_a_new_tab_and_says_so(client, guide):
    store_answers(client, make_answers())
    html = client.get("/plan/").content.decode()
    link = (
        '<a href="https://help.instagram.com/contact/767264225370182" target="_blank" rel="noopener noreferrer">'
        'Open the official form <span class="new-tab">(opens in a new tab)</span></a>'
    )
    assert link in html
    assert 'target="_blank"' in html
    assert all('rel="noopener' in tag for tag in re.findall(r"<a [^>]*target=\"_blank\"[^>]*>", html))


def test_it_shows_the_caveat_of_the_whatsapp_form(client, guide):
    store_answers(client, make_answers(platforms=["whatsapp"], accounts={"whatsapp": 1}, handles={"whatsapp": ["+49"]}))
    html = client.get("/plan/").content.decode()
    assert "https://www.whatsapp.com/contact/forms/382532939919295" in html
    assert "this general data rights form is unverified" in html


def test_it_gives_texas_no_letter_citing_gdpr(client, guide):
    store_answers(
        client,
        make_answers(
            country="us",
            us_state="us-texas",
            platforms=["facebook"],
            accounts={"facebook": 1},
            handles={"facebook": ["fb"]},
        ),
    )
    html = client.get("/plan/").content.decode()
    assert "Ask about information from other people used for AI" in html
    assert "Title of off-meta-activity-facebook" in html
    assert "GDPR" not in html
    assert "Object to Facebook" not in html


def test_it_gives_a_person_without_accounts_the_third_party_route(client, guide):
    store_answers(client, make_answers(platforms=[], accounts={}, handles={}, situations=["in_others_posts"]))
    html = client.get("/plan/").content.decode()
    assert re.findall(r'<h2 id="group-([a-z-]+)">', html) == ["everyone"]
    assert "https://www.facebook.com/help/contact/1266025207620918" in html
    assert "I, Anna Muster, ask what information" in html


def test_it_names_the_authority(client, guide):
    store_answers(client, make_answers())
    html = client.get("/plan/").content.decode()
    assert "you can complain to Data Protection Commission (Ireland)" in html


def test_it_writes_the_letter_in_the_persons_language(client, guide):
    store_answers(client, make_answers())
    html = client.get("/plan/", headers={"accept-language": "de"}).content.decode()
    assert "Widerspruch nach Art. 21 Abs. 1 GDPR: Instagram-Konto @anna_cats" in html
    assert "Wohnsitzland" in html
    assert '<pre class="letter" id="item-object-ai-facebook.1-field-1"' in html
    assert ">Deutschland</pre>" in html


def test_it_never_turns_typed_text_into_markup(client, guide):
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    store_answers(
        client, make_answers(name=evil, explanation=evil, handles={"facebook": [evil], "instagram": ["a", "b"]})
    )
    html = client.get("/plan/").content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_offers_a_mailto_link_for_requests_filed_by_email(client, guide):
    action = make_action(
        "email-request", kind="request", filing_method="email", email_to="privacy@example.org", audience="anyone"
    )
    make_letter(action, subject="Ask & tell", body="Dear team,\nI am {{ person.name }}.")
    store_answers(client, make_answers(name="Zoë & Co"))
    html = client.get("/plan/").content.decode()
    mailto = re.search(r'href="(mailto:[^"]+)"', html).group(1).replace("&amp;", "&")
    assert mailto.startswith("mailto:privacy@example.org?subject=Ask%20%26%20tell&body=")
    assert unquote(mailto.split("&body=")[1]) == "Dear team,\nI am Zoë & Co."


def test_it_still_shows_the_plan_when_a_letter_template_is_broken(client, guide):
    LetterTemplate.objects.filter(action__slug="object-ai-instagram", language="en").update(body="{{ person.nmae }}")
    store_answers(client, make_answers())
    response = client.get("/plan/")
    assert response.status_code == 200
    assert "The prefilled text for this request could not be produced." in response.content.decode()


def test_it_ticks_a_step_done_without_javascript(client, guide):
    store_answers(client, make_answers())
    response = client.post("/plan/progress/", {"step": OBJECTION_STEP, "done": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/plan/#step-object-ai-instagram.2.object-ai-instagram-1"
    html = client.get("/plan/").content.decode()
    assert "You have completed 1 of 9 steps." in html
    assert client.session["plan"]["done"] == [OBJECTION_STEP]


def test_it_unticks_a_step(client, guide):
    store_answers(client, make_answers(), done=[OBJECTION_STEP])
    client.post("/plan/progress/", {"step": OBJECTION_STEP, "done": "0"})
    assert client.session["plan"]["done"] == []


def test_it_returns_only_the_step_fragment_to_htmx(client, guide):
    store_answers(client, make_answers())
    response = client.post("/plan/progress/", {"step": OBJECTION_STEP, "done": "1"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<li class="task" id="step-object-ai-instagram.2.object-ai-instagram-1">')
    assert "Mark as not done" in html
    assert '<p id="plan-progress" class="progress" hx-swap-oob="true">' in html
    assert "You have completed 1 of 9 steps." in html


def test_it_refuses_a_step_that_is_not_in_the_plan(client, guide):
    store_answers(client, make_answers())
    assert client.post("/plan/progress/", {"step": "complaint-dpc:complaint-dpc-1", "done": "1"}).status_code == 404
    assert client.session["plan"]["done"] == []


def test_it_refuses_progress_without_a_plan(client, guide):
    response = client.post("/plan/progress/", {"step": OBJECTION_STEP, "done": "1"}, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == "/start/"
    assert client.post("/plan/progress/", {"step": OBJECTION_STEP})["Location"] == "/start/"


def test_it_refuses_get_on_progress(client, guide):
    assert client.get("/plan/progress/").status_code == 405


def test_its_queries_do_not_grow_with_the_plan(client, guide, django_assert_num_queries):
    store_answers(client, make_answers())
    client.get("/plan/")  # the guide snapshot is now kept (content.load_content)
    # The session and the guide's version (its snapshot is kept); nothing written.
    with django_assert_num_queries(2):
        small = client.get("/plan/")
    for number in range(12):
        make_action(f"extra-{number}", kind="info", audience="anyone", steps=4)
    StepText.objects.filter(step__action__slug="object-ai-instagram", language="en").update(body="More **steps**")
    client.get("/plan/")  # a fresh snapshot of the grown guide
    with django_assert_num_queries(2):
        large = client.get("/plan/")
    assert large.content.decode().count('class="task"') == small.content.decode().count('class="task"') + 48


def _emailed_letter(client, body: str, name: str) -> str:
    """The body of the mailto link of a one-letter plan whose person gave `name`."""
    action = make_action(
        "email-request", kind="request", filing_method="email", email_to="p@example.org", audience="anyone"
    )
    make_letter(action, subject="Request", body=body)
    store_answers(client, make_answers(name=name))
    html = client.get("/plan/").content.decode()
    mailto = re.search(r'href="(mailto:[^"]+)"', html).group(1).replace("&amp;", "&")
    return unquote(mailto.split("&body=")[1])


def test_a_name_with_a_right_to_left_override_is_isolated_in_the_letter(client, guide):
    body = _emailed_letter(client, "I am {{ person.name }}, and I object.", "Anna \u202eSchmidt")
    # Inside FSI ... PDI the override ends with the name: ", and I object." reads as written.
    assert body == "I am \u2068Anna \u202eSchmidt\u2069, and I object."


def test_a_plain_name_carries_no_invisible_characters(client, guide):
    assert _emailed_letter(client, "I am {{ person.name }}.", "عبد الله") == "I am عبد الله."


# A lone surrogate cannot be stored (neither database driver encodes it); it reached pages only as a
# letter template's escape, which the sandbox refuses (tests/letters). Control characters can be stored.
@pytest.mark.parametrize("bad", ["Open \x1b[2J the form", "Open \x7f the form"])
def test_one_step_no_page_can_show_is_replaced_and_the_rest_of_the_plan_stands(client, guide, caplog, bad):
    """Admin and load_guide refuse such text; a row written past them must not break anyone's plan."""
    StepText.objects.filter(step__slug="object-ai-instagram-1", language="en").update(title=bad)
    store_answers(client, make_answers(name="Anna Muster"))

    response = client.get("/plan/")
    pdf = client.get("/plan.pdf")

    assert response.status_code == 200
    html = response.content.decode()
    assert "This part could not be shown." in html
    assert "Object to Facebook using your information for AI" in html  # the rest of the plan is there
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    warnings = [r.getMessage() for r in caplog.records if r.name == "requests_app.guide.content"]
    assert any("step object-ai-instagram-1 title" in message for message in warnings)
    assert not any("Anna" in r.getMessage() for r in caplog.records)


def test_an_alternative_step_has_no_checkbox_and_the_plan_can_reach_every_step(client, guide):
    step = StepText.objects.get(step__slug="object-ai-instagram-1", language="en").step
    type(step).objects.filter(pk=step.pk).update(alternative=True)
    store_answers(client, make_answers())
    html = client.get("/plan/").content.decode()
    # The two Instagram accounts' copies of the step are alternatives now: 9 steps less 2.
    assert "You have completed 0 of 7 steps." in html
    assert html.count('class="task task-alternative"') == 2
    assert "Another way" in html
    assert len(re.findall(r'id="step-[^"]+-toggle"', html)) == 7  # "Mark as done" on the counted steps only
    assert client.get("/plan.pdf").status_code == 200


def test_the_shipped_objections_can_be_completed_without_their_alternatives(client):
    from django.core.management import call_command

    call_command("load_guide", stdout=__import__("io").StringIO())
    store_answers(
        client, make_answers(platforms=["instagram"], accounts={"instagram": 1}, handles={"instagram": ["@a"]})
    )
    html = client.get("/plan/").content.decode()
    assert "Another way" in html
    assert 'class="task task-alternative"' in html
