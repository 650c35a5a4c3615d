"""The reading pages in a real browser: links, anchors, language, accessibility, phone and print."""

from __future__ import annotations

import contextlib
import os

import pytest
from django.core.management import call_command

from tests.browser.conftest import axe_violations
from tests.conftest import MANIFEST

pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server, transactional_db):
    """The live site holding the seeds, like the shared ``site`` fixture but safe from the index writer.

    The search index writer reads the database from a background thread; with the live server's
    shared-cache SQLite a concurrent read makes the import (or the flush after the test) fail with
    "database table is locked".  These tests do not search, so the seeds are imported with the
    writer paused and the writer is left idle before the database is flushed.
    """
    from search import indexing

    paused = getattr(indexing.queue, "paused", contextlib.nullcontext)
    with paused():
        call_command("import_documents", str(MANIFEST), stdout=open(os.devnull, "w"))
    yield live_server.url
    getattr(indexing.queue, "wait_idle", lambda timeout: True)(60)


def target_state(tab) -> dict:
    """The element the URL fragment names: its id, whether it is :target, and whether it is on screen."""
    return tab.evaluate(
        """() => {
            const id = decodeURIComponent(location.hash.slice(1));
            const el = document.getElementById(id);
            if (!el) return {id, found: false};
            const box = el.getBoundingClientRect();
            return {
                id,
                found: true,
                isTarget: el === document.querySelector(':target'),
                inView: box.top >= 0 && box.top < window.innerHeight && box.bottom > 0,
            };
        }"""
    )


def test_follow_a_citation_to_its_hub_and_a_cited_by_link_back_to_the_paragraph(site, page):
    page.goto(f"{site}/documents/S/2018/1183/")
    # Paragraph 18 cites S/2016/952, 第 60 段: the link lands on the hub, on the entry for paragraph 60.
    page.locator('#p18 a.cite[href="/documents/S/2016/952/#p60"]').click()
    page.wait_for_url("**/documents/S/2016/952/#p60")
    assert page.locator("h1").inner_text() == "S/2016/952"
    assert "本库没有收录这份文件的全文" in page.locator(".hub-notice").inner_text()
    assert target_state(page) == {"id": "p60", "found": True, "isTarget": True, "inView": True}

    # From the hub's cited-by list back to the exact citing paragraph, in context.
    page.locator('.citing-place__link[href="/documents/S/2018/1183/#p18"]').first.click()
    page.wait_for_url("**/documents/S/2018/1183/#p18")
    assert target_state(page) == {"id": "p18", "found": True, "isTarget": True, "inView": True}
    assert page.locator("#p18 .block__num").inner_text() == "18."


def test_resolution_hub_lists_the_letter_that_cites_it(site, page):
    page.goto(f"{site}/documents/S/2022/747/")
    page.locator('a.cite[href="/documents/S/RES/2645(2022)/"]').first.click()
    page.wait_for_url("**/documents/S/RES/2645(2022)/")
    link = page.locator(".citing-place__link").first
    href = link.get_attribute("href")
    assert href.startswith("/documents/S/2022/747/#")
    link.click()
    page.wait_for_url(f"**{href}")
    state = target_state(page)
    assert state["found"] and state["isTarget"] and state["inView"] and state["id"] == href.split("#")[1]
    assert "2645(2022)" in page.locator(f"#{state['id']}").inner_text()


def test_footnote_marker_and_back_link(site, page):
    page.goto(f"{site}/documents/S/2018/1183/")
    page.locator('#p4 a.fnref[href="#fn1"]').click()
    assert target_state(page)["id"] == "fn1" and target_state(page)["inView"]
    page.locator("#fn1 a.footnote__back").click()
    state = target_state(page)
    assert state["id"] == "fnref1-p4" and state["inView"]


def test_permalink_moves_to_the_anchor_and_copies_the_paragraph_url(site, page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{site}/documents/S/2018/1183/")
    page.locator("#p12 a.permalink").click()
    page.wait_for_url("**/documents/S/2018/1183/#p12")
    page.wait_for_function("document.getElementById('copy-status').textContent.length > 0")
    assert page.evaluate("navigator.clipboard.readText()") == f"{site}/documents/S/2018/1183/p12/"
    assert f"{site}/documents/S/2018/1183/p12/" in page.locator("#copy-status").inner_text()


def test_standalone_paragraph_page(site, page):
    page.goto(f"{site}/documents/S/2018/1183/p12/")
    assert page.locator("h1").inner_text() == "S/2018/1183，第 12 段"
    assert page.locator("#citation-line").inner_text() == f"S/2018/1183，第 12 段，{site}/documents/S/2018/1183/p12/"
    assert page.locator('meta[property="og:description"]').get_attribute("content").startswith("上述情况表明")
    assert page.locator("link[rel=canonical]").get_attribute("href") == f"{site}/documents/S/2018/1183/p12/"
    assert page.locator("button.copy-button").is_visible(), "the copy button appears when JS runs"
    page.locator("a[rel=next]").click()
    page.wait_for_url("**/documents/S/2018/1183/p13/")
    page.get_by_role("link", name="在全文中查看此段").click()
    page.wait_for_url("**/documents/S/2018/1183/#p13")
    assert target_state(page) == {"id": "p13", "found": True, "isTarget": True, "inView": True}


def test_switch_language(site, page):
    page.goto(f"{site}/documents/S/2018/1183/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url == f"{site}/documents/S/2018/1183/", "the switch returns to the same page"
    assert page.get_by_role("heading", name="Cited by").is_visible()
    assert page.get_by_role("link", name="Documents", exact=True).is_visible()
    page.get_by_role("button", name="中文").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"


def test_skip_link_is_the_first_thing_a_keyboard_reaches(site, page):
    page.goto(f"{site}/documents/S/2018/1183/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/documents/S/2018/1183/",
        "/documents/S/2016/952/",
        "/documents/S/2018/1183/p15/",
        "/resolutions/",
        "/documents/",
        "/documents/S/1999/1/",
    ],
)
def test_axe_finds_no_accessibility_violations(site, page, path):
    page.goto(f"{site}{path}")
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


def test_axe_finds_no_violations_in_english_either(site, page):
    page.goto(f"{site}/documents/S/2018/1183/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


def test_document_page_fits_a_phone_screen(site, page):
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/documents/S/2018/1183/", "/documents/S/2016/952/", "/documents/S/2018/1183/p15/", "/"):
        page.goto(f"{site}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
        assert page.locator("#site-search-q").is_visible()


def test_print_keeps_paragraph_numbers_and_the_permanent_url(site, page):
    page.goto(f"{site}/documents/S/2018/1183/")
    page.emulate_media(media="print")
    assert page.locator("#p12 .block__num").is_visible()
    assert page.locator(".document__permalink").inner_text().endswith(f"{site}/documents/S/2018/1183/")
    assert page.locator(".document__permalink").is_visible()
    assert not page.locator(".site-nav").is_visible() and not page.locator("#p12 a.permalink").is_visible()
