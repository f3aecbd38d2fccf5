"""{% fragment %}: rendered once per key, never stale, never another request's token (templatetags/fragments.py)."""

from __future__ import annotations

import re

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.template import Context, Engine, RequestContext, TemplateSyntaxError
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.csp import LazyNonce

from requests_app.models import Step
from requests_app.templatetags import fragments
from requests_app.templatetags.fragments import CSRF_PLACEHOLDER, NONCE_PLACEHOLDER, FragmentStore
from tests.factories.guide import make_answers, make_meta_guide, store_answers

TEMPLATES = {
    "two.html": "{% load fragments %}[{% fragment %}{{ first }}{% endfragment %}|{% fragment %}{{ second }}{% endfragment %}]",
    "vary.html": "{% load fragments %}{% fragment key %}{{ key }}:{{ other }}{% endfragment %}",
    "tokens.html": (
        "{% load fragments %}{% fragment %}<form>{% csrf_token %}</form>"
        '<script nonce="{{ csp_nonce }}"></script>{% endfragment %}'
    ),
    "i18n.html": '{% load fragments i18n %}{% fragment %}{% translate "Sign in" %}{% endfragment %}',
}


@pytest.fixture
def engine() -> Engine:
    return Engine(
        loaders=[("django.template.loaders.locmem.Loader", TEMPLATES)],
        libraries={"fragments": "requests_app.templatetags.fragments", "i18n": "django.templatetags.i18n"},
        context_processors=["django.template.context_processors.csrf", "django.template.context_processors.csp"],
    )


@pytest.fixture(autouse=True)
def _empty_store():
    fragments.store.clear()
    yield
    fragments.store.clear()


def bare_engine() -> Engine:
    """An engine with nothing but the fragment tag."""
    return Engine(libraries={"fragments": "requests_app.templatetags.fragments"})


def render(engine: Engine, name: str, **context) -> str:
    return engine.get_template(name).render(Context(context))


def test_it_reuses_a_fragment_for_the_same_key(engine):
    assert render(engine, "vary.html", key="a", other=1) == "a:1"
    # `other` is not in the key: the fragment is the one rendered first (as documented).
    assert render(engine, "vary.html", key="a", other=2) == "a:1"
    assert render(engine, "vary.html", key="b", other=2) == "b:2"


def test_two_fragments_of_one_template_never_share_an_entry(engine):
    assert render(engine, "two.html", first="head", second="foot") == "[head|foot]"
    assert render(engine, "two.html", first="head", second="foot") == "[head|foot]"


def test_the_same_fragment_compiled_again_is_the_same_entry(engine):
    render(engine, "vary.html", key="a", other=1)
    fresh = Engine(
        loaders=[("django.template.loaders.locmem.Loader", TEMPLATES)],
        libraries={"fragments": "requests_app.templatetags.fragments"},
    )
    assert render(fresh, "vary.html", key="a", other=2) == "a:1"
    assert len(fragments.store) == 1


def test_fragments_of_templates_from_strings_are_told_apart():
    first = bare_engine().from_string("{% load fragments %}{% fragment %}one{% endfragment %}")
    second = bare_engine().from_string("{% load fragments %}{% fragment %}two{% endfragment %}")
    assert first.render(Context()) == "one"
    assert second.render(Context()) == "two"


def test_the_language_is_always_part_of_the_key(engine):
    with translation.override("en"):
        assert render(engine, "i18n.html") == "Sign in"
    with translation.override("de"):
        assert render(engine, "i18n.html") == "Anmelden"
    with translation.override("en"):
        assert render(engine, "i18n.html") == "Sign in"


def test_each_request_gets_its_own_csrf_token_and_nonce(engine, settings):
    settings.SECURE_CSP = {"default-src": ["'self'"], "script-src": ["'self'", "'nonce'"]}
    template = engine.get_template("tokens.html")
    seen = []
    for _ in range(3):
        request = RequestFactory().get("/")
        request._csp_nonce = LazyNonce()  # as ContentSecurityPolicyMiddleware does
        html = template.render(RequestContext(request, {}))
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        nonce = re.search(r'nonce="([^"]*)"', html)[1]
        assert CSRF_PLACEHOLDER not in html
        assert NONCE_PLACEHOLDER not in html
        assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]  # this request's own secret
        assert nonce == str(request._csp_nonce)
        seen.append((token, nonce))
    assert len(set(seen)) == 3
    assert len(fragments.store) == 1


def test_without_a_request_the_tokens_render_as_they_would_uncached(engine):
    assert render(engine, "tokens.html") == '<form></form><script nonce=""></script>'


def test_a_value_that_cannot_be_a_key_renders_uncached(engine):
    assert render(engine, "vary.html", key=["a"], other=1) == "[&#x27;a&#x27;]:1"
    assert render(engine, "vary.html", key=["a"], other=2) == "[&#x27;a&#x27;]:2"
    assert len(fragments.store) == 0


def test_it_needs_its_end_tag():
    with pytest.raises(TemplateSyntaxError):
        bare_engine().from_string("{% load fragments %}{% fragment %}never closed")


def test_the_store_forgets_the_least_recently_used():
    store = FragmentStore(2)
    store.put("a", "A")
    store.put("b", "B")
    assert store.get("a") == "A"  # now b is the oldest
    store.put("c", "C")
    assert store.get("b") is None
    assert (store.get("a"), store.get("c")) == ("A", "C")
    assert len(store) == 2


# The plan's steps, which are fragments.


@pytest.mark.django_db
def test_a_plan_step_edited_in_the_guide_shows_at_once(client):
    make_meta_guide()
    store_answers(client, make_answers())
    step = Step.objects.filter(action__slug="object-ai-instagram").first()
    assert "objection form, edited" not in client.get("/plan/").content.decode()  # the step's fragment is kept
    step.set_text("en", title="Open Meta's objection form, edited")  # a history record: the guide's version moves on
    html = client.get("/plan/").content.decode()
    assert "Open Meta&#x27;s objection form, edited" in html


@pytest.mark.django_db
def test_two_visitors_each_tick_a_step_with_their_own_token():
    make_meta_guide()
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        store_answers(visitor, make_answers())
        html = visitor.get("/plan/").content.decode()
        form = re.search(r'<form method="post" action="/plan/progress/".*?</form>', html, re.S)[0]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
        step = re.search(r'name="step" value="([^"]+)"', form)[1]
        response = visitor.post("/plan/progress/", {"csrfmiddlewaretoken": token, "step": step, "done": "1"})
        assert response.status_code == 302, response.status_code
        assert "Done</strong>" in visitor.get("/plan/").content.decode()


def test_with_if_it_is_kept_only_while_the_condition_holds():
    engine = bare_engine()
    template = engine.from_string(
        "{% load fragments %}{% fragment key if shared %}{{ key }}:{{ other }}{% endfragment %}"
    )
    assert template.render(Context({"key": "a", "other": 1, "shared": False})) == "a:1"
    assert len(fragments.store) == 0
    assert template.render(Context({"key": "a", "other": 2, "shared": False})) == "a:2"
    assert template.render(Context({"key": "a", "other": 3, "shared": True})) == "a:3"
    assert template.render(Context({"key": "a", "other": 4, "shared": True})) == "a:3"
    assert template.render(Context({"key": "a", "other": 5})) == "a:5"  # a missing condition is false


@pytest.mark.parametrize("source", ["{% fragment a if %}", "{% fragment a if b c %}", "{% fragment if a b %}"])
def test_if_takes_exactly_one_value(source):
    with pytest.raises(TemplateSyntaxError):
        bare_engine().from_string("{% load fragments %}" + source + "{% endfragment %}")


# The wizard's questions, whose unsubmitted pages are fragments.


@pytest.mark.django_db
def test_a_question_page_is_shared_but_never_what_someone_submitted():
    make_meta_guide()
    first, second = Client(), Client()
    assert '<option value="" selected>' in first.get("/start/where/").content.decode()
    response = first.post("/start/where/", {"country": "not-a-country"})
    assert "Select a country from the list" in response.content.decode()
    assert "Select a country from the list" not in second.get("/start/where/").content.decode()
    first.post("/start/where/", {"country": "germany"})
    assert '<option value="germany" selected>' in first.get("/start/where/").content.decode()
    assert '<option value="germany" selected>' not in second.get("/start/where/").content.decode()


@pytest.mark.django_db
def test_the_accounts_question_shows_the_platforms_each_person_chose():
    make_meta_guide()
    pages = {}
    for platforms in (["facebook"], ["instagram"]):
        visitor = Client()
        store_answers(visitor, {"country": "germany", "platforms": platforms})
        pages[platforms[0]] = visitor.get("/start/accounts/").content.decode()
    assert 'name="has_facebook"' in pages["facebook"]
    assert 'name="has_instagram"' not in pages["facebook"]
    assert 'name="has_instagram"' in pages["instagram"]


@pytest.mark.django_db
def test_the_details_question_is_never_shared():
    make_meta_guide()
    seen = {}
    for name in ("Anna Muster", "Bea Beispiel"):
        visitor = Client()
        store_answers(visitor, make_answers(name=name, email=f"{name.split()[0].lower()}@example.org"))
        seen[name] = visitor.get("/start/details/").content.decode()
    assert "Anna Muster" in seen["Anna Muster"]
    assert "Anna Muster" not in seen["Bea Beispiel"]
    assert "Bea Beispiel" in seen["Bea Beispiel"]
    assert "anna@example.org" not in seen["Bea Beispiel"]
    # Nor kept in memory: what a person typed stays out of the process's fragments.
    assert not any("Anna Muster" in html or "Bea Beispiel" in html for html in fragments.store._items.values())
