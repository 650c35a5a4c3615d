"""Search in a real browser: type a query, narrow it with a filter, open a hit at its paragraph."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def empty_index():
    """No index left over from other tests: the site's own imports must build it."""
    from search import glossary, indexing

    assert indexing.queue.wait_idle(60)
    shutil.rmtree(Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"]), ignore_errors=True)
    glossary.invalidate()
    yield
    indexing.queue.wait_idle(60)


@pytest.fixture
def search_site(empty_index, site):
    """The live site with the seeds, indexed by the after-commit writer exactly as in production."""
    from search import indexing

    assert indexing.queue.wait_idle(60), "the seeds were not indexed"
    return site


def hit_dates(page) -> list[str]:
    return page.locator(".hit time").evaluate_all("els => els.map(e => e.getAttribute('datetime'))")


def test_search_from_the_header_then_filter_by_year(search_site, page):
    page.goto(f"{search_site}/")
    page.fill("#site-search-q", "联合国警察")
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/search/?q=*")
    assert re.search(r"共 \d+ 条结果", page.locator(".search-count").inner_text())
    first = page.locator(".hit").first
    assert first.locator("mark").first.inner_text() == "联合国警察"
    assert first.locator(".symbol").count() == 1 and first.locator("time").count() == 1
    assert sorted(set(hit_dates(page))) != ["2018-12-31"]  # several documents before filtering
    assert axe_violations(page) == []

    page.locator(".facets a", has_text="2018").first.click()
    page.wait_for_url("**year_from=2018**")
    query = parse_qs(urlparse(page.url).query)
    assert query["year_from"] == ["2018"] and query["year_to"] == ["2018"]
    assert set(hit_dates(page)) == {"2018-12-31"}
    assert "年份：2018" in page.locator(".search-active").inner_text()


def test_a_hit_opens_the_document_at_its_paragraph(search_site, page):
    page.goto(f"{search_site}/search/?q=" + "“警务咨询委员会”")
    link = page.locator(".hit__title").first
    href = link.get_attribute("href")
    assert href and "hl=" in href and re.search(r"#[a-z]+\d+[a-z0-9-]*$", href)
    anchor = href.rsplit("#", 1)[1]
    link.click()
    page.wait_for_url(f"**/documents/S/2018/1183/**#{anchor}")
    state = page.evaluate(
        """(id) => {
            const el = document.getElementById(id);
            const box = el.getBoundingClientRect();
            return {text: el.innerText, inView: box.top >= 0 && box.top < window.innerHeight};
        }""",
        anchor,
    )
    assert state["inView"] and "警务咨询委员会" in state["text"]


def test_the_opened_paragraph_highlights_the_search_words(search_site, page):
    page.goto(f"{search_site}/search/?q=" + "“警务咨询委员会”")
    href = page.locator(".hit__title").first.get_attribute("href")
    anchor = href.rsplit("#", 1)[1]
    page.goto(search_site + href)
    assert page.locator(f"[id='{anchor}'] mark").first.inner_text() in ("警务咨询委员会", "警务")


def test_a_malformed_query_shows_a_note_not_an_error(search_site, page):
    response = page.goto(f"{search_site}/search/?q=" + "%22%E8%AD%A6%E5%AF%9F%20(%E6%B5%B7%E5%9C%B0%20OR")
    assert response.status == 200
    notes = page.locator(".search-notes").inner_text()
    assert "引号不成对" in notes and "括号不成对" in notes
    assert page.locator(".hit").count() > 0


def test_a_quoted_phrase_is_marked_whole_on_the_results_and_on_the_opened_page(search_site, page):
    page.goto(f"{search_site}/search/?q=" + "“维和人员的安全”")
    marks = page.locator(".hit__snippet mark").all_inner_texts()
    assert marks and set(marks) == {"维和人员的安全"}
    href = page.locator(".hit__title").first.get_attribute("href")
    page.goto(search_site + href)
    anchor = href.rsplit("#", 1)[1]
    assert page.locator(f"[id='{anchor}'] mark").first.inner_text() == "维和人员的安全"


def test_filters_that_exclude_everything_can_be_dropped_from_the_page(search_site, page):
    page.goto(f"{search_site}/search/?q=警察&year_from=2030")
    empty = page.locator(".search-empty")
    assert "筛选条件排除了全部结果" in empty.inner_text()
    assert axe_violations(page) == []
    empty.locator("a", has_text="去掉全部筛选条件").click()
    page.wait_for_url("**/search/?q=*")
    assert "year_from" not in page.url and page.locator(".hit").count() == 20
    bar = page.locator(".pagination").inner_text()
    assert "…" in bar and "下一页" in bar
