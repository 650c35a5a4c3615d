"""The English text beside the Chinese in a real browser: the parallel view's rows on a desktop and its
stacked pairs on a 390 px phone, a shared anchor landing on its pair, the "原文" toggle, and axe."""

from __future__ import annotations

import pytest

from archive.models import Document, Paragraph
from tests.browser import test_reading_browser as reading
from tests.browser.conftest import axe_violations
from tests.versions import add_policing_english

pytestmark = pytest.mark.browser

site = reading.site

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PARALLEL = "/documents/S/2018/1183/?view=parallel"


@pytest.fixture
def bilingual(site):
    """S/2018/1183 with some of its text in English (tests.versions), page marks on a few blocks."""
    doc = Document.objects.get(symbol="S/2018/1183")
    Paragraph.objects.filter(document=doc, language="zh", anchor__in=["p9", "p12"]).update(page=4)
    add_policing_english(Document.objects.get(pk=doc.pk))
    return site


def cells(tab, anchor: str) -> list[dict]:
    """The two cells of a row of the parallel view: their boxes, and whether they hold text."""
    return tab.evaluate(
        """(anchor) => Array.from(document.getElementById(anchor).querySelectorAll(':scope > .pair__cell'))
            .map(cell => { const b = cell.getBoundingClientRect();
                           return {top: b.top, bottom: b.bottom, left: b.left, right: b.right,
                                   empty: cell.classList.contains('pair__cell--empty'),
                                   visible: b.height > 0}; })""",
        anchor,
    )


def scrolls_sideways(tab) -> bool:
    return tab.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")


def test_on_a_desktop_each_pair_is_one_row_chinese_left_english_right(bilingual, page):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{bilingual}{PARALLEL}")
    for anchor in ("h3", "p1", "p3", "p9", "p12"):
        zh, en = cells(page, anchor)
        assert abs(zh["top"] - en["top"]) < 1, f"{anchor}: the two cells share the row's top"
        assert zh["right"] <= en["left"], f"{anchor}: Chinese left, English right"
    # A Chinese paragraph the English text lacks: its row holds an empty cell on the right.
    zh, en = cells(page, "p5")
    assert en["empty"] and not zh["empty"]
    # The next row starts below the taller of the two cells of the row before.
    first, second = cells(page, "p1"), cells(page, "p2")
    assert min(c["top"] for c in second) >= max(c["bottom"] for c in first) - 1
    assert not scrolls_sideways(page)


def test_a_shared_anchor_lands_on_the_pair(bilingual, page):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{bilingual}{PARALLEL}#p12")
    assert reading.target_state(page) == {"id": "p12", "found": True, "isTarget": True, "inView": True}
    assert page.locator("#p12 .pair__cell--en").inner_text().startswith("12.")
    assert "A piecemeal approach" in page.locator("#p12 .pair__cell--en").inner_text()
    # A canonical pin-point name lands there too, and so do the English footnote's marker and row.
    page.locator('#p9 .pair__cell--en a.fnref[href="#fn2"]').click()
    assert reading.target_state(page)["id"] == "fn2"
    assert "Improving security" in page.locator("#fn2").inner_text()


def test_on_a_phone_the_pairs_are_stacked_without_sideways_scrolling(bilingual, page):
    page.set_viewport_size(PHONE)
    page.goto(f"{bilingual}{PARALLEL}")
    assert not scrolls_sideways(page)
    for anchor in ("p1", "p9", "p12"):
        page.locator(f"#{anchor}").scroll_into_view_if_needed()
        zh, en = cells(page, anchor)
        assert en["top"] >= zh["bottom"] - 1, f"{anchor}: the English block under the Chinese one"
        assert en["left"] >= 0 and en["right"] <= PHONE["width"] and zh["right"] <= PHONE["width"]
    # An empty cell takes no room on a phone.
    assert cells(page, "p5")[1]["visible"] is False
    assert not scrolls_sideways(page)
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in axe_violations(page)] == []


def test_the_original_opens_in_place_without_leaving_the_normal_view(bilingual, page):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{bilingual}/documents/S/2018/1183/")
    english = page.locator("#p12 .original__text")
    assert not english.is_visible(), "closed until asked for"
    page.locator("#p12 details.original summary").click()
    assert english.is_visible() and "A piecemeal approach" in english.inner_text()
    assert english.locator("p").get_attribute("lang") == "en"
    assert page.url.endswith("/documents/S/2018/1183/")
    # Opened, it is still clean for axe; and the phone keeps it within the screen.
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in axe_violations(page)] == []
    page.set_viewport_size(PHONE)
    assert not scrolls_sideways(page)


def test_the_view_switch_goes_to_the_parallel_view_and_back(bilingual, page):
    page.goto(f"{bilingual}/documents/S/2018/1183/")
    page.get_by_role("link", name="中英对照").click()
    page.wait_for_url("**/documents/S/2018/1183/?view=parallel")
    assert page.locator(".pair").count() > 50
    page.get_by_role("link", name="中文本").click()
    page.wait_for_url("**/documents/S/2018/1183/")
    assert page.locator(".pair").count() == 0


@pytest.mark.parametrize("path", [PARALLEL, "/documents/S/2018/1183/p12/", "/documents/S/2018/1183/p9/"])
def test_axe_finds_no_violations_with_both_texts(bilingual, page, path):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{bilingual}{path}")
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
