from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_landing_page_is_accessible_and_self_contained(live_server, page):
    foreign = []
    page.on(
        "request",
        lambda r: None if r.url.startswith(live_server.url) or r.url.startswith("data:") else foreign.append(r.url),
    )
    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", level=1).is_visible()
    page.wait_for_function("() => window.htmx")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert foreign == []
