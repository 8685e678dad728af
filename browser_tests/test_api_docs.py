"""#11 acceptance: /api/v1/docs renders in Chromium with no request leaving 127.0.0.1 (Swagger
UI's files are served by WuyeDesk itself, under the strict CSP)."""

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def test_api_docs_render_offline(page, live_server, browser_world):
    requested, violations = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    # By its address, so that any request elsewhere shows; no login: the document is public.
    base = live_server.url.replace("//localhost:", "//127.0.0.1:")

    page.goto(f"{base}/api/v1/docs")

    # An operation of the document is on the page: Swagger UI ran and read openapi.json
    # (a document of ~250 KB, built on each request: given time on a busy machine).
    operation = page.locator(".opblock-summary-path", has_text="/api/v1/auth/token").first
    operation.wait_for(timeout=60_000)
    assert page.locator(".opblock").count() > 50
    hosts = {urlsplit(url).hostname for url in requested if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"}, requested
    assert any(url.endswith("/api/v1/openapi.json") for url in requested)
    assert any("/static/ninja/swagger-ui-bundle" in url for url in requested)
    assert not violations, violations
