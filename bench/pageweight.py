"""First-load page weight in Chromium: bytes on the wire and requests to other origins.

Each URL is opened in a fresh browser context (empty cache, no cookies), as a first visit. Every
response of the load (redirects, the page, its CSS, JavaScript, fonts and images) is summed with
`request.sizes()`: headers plus the body as transferred, that is compressed when the server
compressed it (whitenoise serves its pre-compressed .br or .gz files).
"""

from __future__ import annotations

import shutil
from urllib.parse import urlsplit

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def measure(urls: list[str]) -> dict[str, dict]:
    """{url: {"bytes", "body_bytes", "requests", "third_party", "resources": [(url, status, bytes, encoding)]}}."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            for url in urls:
                origin = urlsplit(url)[:2]
                context = browser.new_context()
                page = context.new_page()
                responses = []
                page.on("response", lambda response, seen=responses: seen.append(response))
                page.goto(url, wait_until="networkidle")
                resources = []
                third_party = []
                total = body = 0
                for response in responses:
                    if response.url.startswith("data:"):
                        continue
                    sizes = response.request.sizes()
                    size = sizes["responseHeadersSize"] + max(sizes["responseBodySize"], 0)
                    total += size
                    body += max(sizes["responseBodySize"], 0)
                    encoding = response.headers.get("content-encoding", "")
                    resources.append((response.url, response.status, size, encoding))
                    if urlsplit(response.url)[:2] != origin:
                        third_party.append(response.url)
                context.close()
                results[url] = {
                    "bytes": total,
                    "body_bytes": body,
                    "requests": len(resources),
                    "third_party": third_party,
                    "resources": resources,
                }
        finally:
            browser.close()
    return results
