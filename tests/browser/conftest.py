"""Browser tests: the real site served by Django's live server, driven in Debian's headless Chromium.

Outside CI a machine without Chromium skips these tests (and says so); in CI (CI=true) a missing
browser is a failure, because .ci/run installs it.
"""

from __future__ import annotations

import os
import shutil

import pytest
from django.core.management import call_command

from tests.conftest import MANIFEST

# Playwright's sync API keeps an event loop running in the test thread; Django's ORM would refuse
# to run there.  The tests only touch the database through fixtures, never concurrently.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def _browser():
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run must install it")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, transactional_db) -> str:
    """Base URL of a live server holding the five seed documents (and their search index)."""
    call_command("import_documents", str(MANIFEST), stdout=open(os.devnull, "w"))
    return live_server.url


@pytest.fixture
def page(_browser):
    """A fresh browser tab (Chinese locale); any request leaving 127.0.0.1 fails the test."""
    context = _browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    external: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")):
            route.continue_()
        else:
            external.append(url)
            route.abort()

    context.route("**/*", guard)
    tab = context.new_page()
    # The Content-Security-Policy forbids inline script and style; a page that relies on them is broken.
    refused: list[str] = []
    tab.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    yield tab
    context.close()
    assert not external, f"external requests attempted: {external}"
    assert not refused, f"blocked by the Content-Security-Policy: {refused}"


def axe_violations(tab) -> list[dict]:
    """Run axe-core (bundled with axe-playwright-python, no network) on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(tab)
    return results.response["violations"]
