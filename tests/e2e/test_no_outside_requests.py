"""No request leaves the app's own origin: fonts, icons and scripts are served by the app
itself (a council network may block outside hosts, and each outside request tells a third
party who is using the app, a UK GDPR concern). Every page is opened at desktop and phone
widths; any request to another origin is blocked and fails the test, naming it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import wait_until_idle

# Every page in the menu, by its address (the Home page is the root).
PAGE_PATHS = ["", "spend", "data", "directory", "providers", "outcomes", "action-plan", "admin",
              "self-assessment", "tender", "sroi", "full-cost", "accessibility", "privacy"]


@pytest.mark.parametrize("width", [1280, 390])
def test_every_page_stays_on_its_own_origin(browser, app_server, width):
    own = urlsplit(app_server)
    outside: list[str] = []

    def guard(route):
        url = urlsplit(route.request.url)
        if url.scheme in ("data", "blob") or (url.scheme, url.netloc) == (own.scheme, own.netloc) or (
            url.scheme in ("ws", "wss") and url.netloc == own.netloc
        ):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    context.route("**/*", guard)
    page = context.new_page()
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    try:
        for path in PAGE_PATHS:
            page.goto(f"{app_server}/{path}")
            wait_until_idle(page)
    finally:
        context.close()
    assert seen, "the browser made no requests at all: the test did not really run"
    assert not outside, "Requests left the app's origin:\n" + "\n".join(sorted(set(outside)))
