"""A 390 px phone: no sideways scrolling, the citation graph in its phone layout, quiet page marks,
and the "被引" count of a paragraph opening the list of who cites it."""

from __future__ import annotations

import contextlib

import pytest

from archive.models import Paragraph
from tests.browser import test_reading_browser as reading
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

site = reading.site

PHONE = {"width": 390, "height": 844}

LETTER = """2024 年 5 月 2 日秘书长给安全理事会主席的信

我谨提及我关于联合国警务工作的报告(S/2018/1183，第 11 段)和第 2382(2017)号决议。

安东尼奥·古特雷斯(签名)
"""


def scrolls_sideways(tab) -> bool:
    return tab.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")


@pytest.fixture
def cited_report(site):
    """S/2018/1183 with official pages on its blocks and a letter citing its paragraph 11."""
    from archive.ingest.store import import_text
    from search import indexing

    with getattr(indexing.queue, "paused", contextlib.nullcontext)():
        import_text(LETTER, symbol="S/2024/70")
    blocks = Paragraph.objects.filter(document__symbol="S/2018/1183", is_current=True).order_by("position")
    for index, block in enumerate(blocks):
        Paragraph.objects.filter(pk=block.pk).update(page=1 + index // 8)
    return site


def test_the_document_page_fits_a_phone_with_its_graph_and_page_marks(cited_report, page):
    page.set_viewport_size(PHONE)
    page.goto(f"{cited_report}/documents/S/2018/1183/")
    assert not scrolls_sideways(page)
    # The graph (three columns here: cited and citing) is drawn in its phone layout, which fits.
    wide, narrow = page.locator(".chart__svg--wide"), page.locator(".chart__svg--narrow")
    narrow.scroll_into_view_if_needed()
    assert narrow.is_visible() and not wide.is_visible()
    box = narrow.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert narrow.locator('a.chart__node[href="/documents/S/2024/70/"]').count() == 1
    assert not scrolls_sideways(page)
    # Page marks are there, smaller and quieter than the text they divide.
    mark = page.locator("#page-2")
    mark.scroll_into_view_if_needed()
    assert mark.is_visible() and mark.inner_text().strip() == "第 2 页"
    style = page.evaluate(
        """() => {
            const mark = getComputedStyle(document.getElementById('page-2'));
            const text = getComputedStyle(document.querySelector('#p12 .block__text'));
            return {mark: parseFloat(mark.fontSize), text: parseFloat(text.fontSize),
                    markColor: mark.color, textColor: text.color};
        }"""
    )
    assert style["mark"] < style["text"] * 0.8 and style["markColor"] != style["textColor"]
    assert [(v["id"], [n["html"][:160] for n in v["nodes"]][:3]) for v in axe_violations(page)] == []


def test_the_cited_count_opens_the_list_of_who_cites_the_paragraph(cited_report, page):
    page.set_viewport_size(PHONE)
    page.goto(f"{cited_report}/documents/S/2018/1183/")
    count = page.locator("#p11 a.block__cited")
    assert count.inner_text().startswith("被引 1")
    count.click()
    page.wait_for_url("**/documents/S/2018/1183/p11/#cited-by-heading")
    listed = page.locator("#cited-by-heading + .cited-by__summary + .cited-by__documents")
    assert listed.locator(".citing-document__title a").first.inner_text() == "S/2024/70"
    assert "第 11 段" in listed.inner_text()
    assert page.evaluate("() => document.querySelector(':target').id") == "cited-by-heading"
    assert not scrolls_sideways(page)
    assert [(v["id"], [n["html"][:160] for n in v["nodes"]][:3]) for v in axe_violations(page)] == []


def test_the_wide_graph_comes_back_on_a_wide_screen(cited_report, page):
    page.goto(f"{cited_report}/documents/S/2018/1183/")
    assert page.locator(".chart__svg--wide").is_visible()
    assert not page.locator(".chart__svg--narrow").is_visible()
