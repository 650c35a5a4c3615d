"""Citing in a real browser: the SVG pictures render and link, the Cite panel copies, and axe is content."""

from __future__ import annotations

import pytest

from tests.browser import test_reading_browser as reading
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

# The reading tests' live site: seeds imported with the search index writer paused (see there).
site = reading.site


def box(locator) -> dict:
    result = locator.bounding_box()
    assert result is not None, "not rendered"
    return result


def test_citation_graph_renders_and_every_node_is_a_link(site, page):
    page.goto(f"{site}/documents/S/2018/1183/")
    graph = page.locator(".chart--graph .chart__svg--wide")
    graph.scroll_into_view_if_needed()
    assert graph.is_visible()
    size = box(graph)
    # Two columns (nothing in the archive cites S/2018/1183): this document and the 19 it cites.
    assert size["width"] == 460 and size["height"] > 400
    nodes = page.locator(".chart--graph .chart__svg--wide a.chart__node")
    assert nodes.count() == 20
    # Each label fits its box in the real font (the server only estimates text widths).
    overflow = page.evaluate(
        """() => [...document.querySelectorAll('.chart--graph .chart__svg--wide a.chart__node')].filter(a => {
            const rect = a.querySelector('rect').getBBox();
            const label = a.querySelector('text').getBBox();
            return rect.width === 0 || label.x + label.width > rect.x + rect.width;
        }).length"""
    )
    assert overflow == 0
    page.locator('.chart__svg--wide a.chart__node[href="/documents/S/2016/952/"]').click()
    page.wait_for_url("**/documents/S/2016/952/")
    assert page.locator("h1").inner_text() == "S/2016/952"


def test_graph_of_a_cited_document_has_three_columns_and_a_timeline(site, page):
    import contextlib

    from search import indexing
    from tests.test_reading_pages import import_text, report_text

    later = report_text(2, date="2024 年 2 月 1 日").replace("S/RES/2382(2017)", "S/2018/1183")
    with getattr(indexing.queue, "paused", contextlib.nullcontext)():
        import_text(later, symbol="S/2024/21")
    page.goto(f"{site}/documents/S/2018/1183/")
    wide = page.locator(".chart--graph.chart--wide .chart__svg--wide")
    assert wide.locator("a.chart__node").count() == 21
    citing, center = (
        box(wide.locator('a.chart__node[href="/documents/S/2024/21/"] rect')),
        box(wide.locator("a.chart__node--center rect")),
    )
    assert citing["x"] + citing["width"] < center["x"], "who cites it stands left of it"
    assert page.locator(".chart--timeline rect.chart__bar").count() == 1
    wide.locator('a.chart__node[href="/documents/S/2024/21/"]').click()
    page.wait_for_url("**/documents/S/2024/21/")


def test_graph_nodes_are_reachable_by_keyboard(site, page):
    page.goto(f"{site}/documents/S/2018/1183/")
    page.locator('.chart__svg--wide a.chart__node[href="/documents/S/RES/2382(2017)/"]').focus()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").startswith("S/RES/2382(2017)：")
    page.keyboard.press("Enter")
    page.wait_for_url("**/documents/S/RES/2382(2017)/")


def test_hub_timeline_renders_and_a_bar_jumps_to_that_years_citing_document(site, page):
    page.goto(f"{site}/documents/S/PRST/2001/3/")
    bars = page.locator(".chart--timeline rect.chart__bar")
    assert bars.count() == 2
    first, last = box(bars.nth(0)), box(bars.nth(1))
    assert first["height"] > 20 and first["height"] == pytest.approx(last["height"])
    assert last["x"] - first["x"] > 300, "2011 and 2021 stand ten years apart"
    page.locator('.chart--timeline a[aria-label="2011 年：1 份文件"]').click()
    state = reading.target_state(page)
    assert state["found"] and state["isTarget"] and state["inView"]
    assert page.locator(":target .citing-document__title a").inner_text() == "S/2011/817"


def test_cite_panel_opens_and_copies_gbt7714(site, page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{site}/documents/S/2018/1183/")
    gbt = page.locator("#cite-gbt")
    assert not gbt.is_visible(), "folded until asked for"
    page.get_by_text("引用本文件", exact=True).click()
    assert gbt.is_visible()
    assert gbt.inner_text().startswith("联合国秘书长. 秘书长关于联合国警务工作的报告: S/2018/1183[R/OL]. (2018-12-31)[")
    page.locator('button[data-copy-target="cite-gbt"]').click()
    page.wait_for_function("document.getElementById('copy-status').textContent.length > 0")
    assert page.evaluate("navigator.clipboard.readText()") == gbt.inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="BibTeX").click()
    assert download.value.suggested_filename == "S-2018-1183.bib"


def test_copy_a_paragraph_with_its_citation(site, page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{site}/documents/S/2018/1183/p12/")
    page.get_by_role("button", name="复制本段及引文").click()
    page.wait_for_function("document.getElementById('copy-status').textContent.length > 0")
    text, citation = page.evaluate("navigator.clipboard.readText()").split("\n")
    assert text.startswith("上述情况表明")
    assert citation == f"S/2018/1183，第 12 段，{site}/documents/S/2018/1183/p12/"


@pytest.mark.parametrize(
    ("path", "anchor", "expected"),
    [
        ("/documents/S/2018/1183/", "p12", "S/2018/1183，第 12 段，{site}/documents/S/2018/1183/p12/"),
        ("/documents/S/2018/1183/p12/", "p12", "S/2018/1183，第 12 段，{site}/documents/S/2018/1183/p12/"),
    ],
)
def test_copying_from_a_paragraph_attaches_its_citation(site, page, path, anchor, expected):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{site}{path}")
    page.evaluate(
        """(anchor) => {
            const text = document.querySelector(`#${anchor} .block__text`);
            const range = document.createRange();
            range.setStart(text.firstChild, 0);
            range.setEnd(text.firstChild, 6);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
        }""",
        anchor,
    )
    page.keyboard.press("Control+C")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == "上述情况表明\n\n" + expected.format(site=site)


@pytest.mark.parametrize(
    "path",
    ["/documents/S/2018/1183/", "/documents/S/PRST/2001/3/", "/documents/S/2018/1183/p12/", "/"],
)
def test_axe_finds_no_violations_with_the_panels_open(site, page, path):
    page.goto(f"{site}{path}")
    for summary in page.locator("details > summary").all():
        summary.click()
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


def test_pictures_fit_a_phone_screen(site, page):
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/documents/S/2018/1183/", "/documents/S/PRST/2001/3/"):
        page.goto(f"{site}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
        svg = page.locator(".chart svg:visible").first
        svg.scroll_into_view_if_needed()
        assert box(svg)["width"] > 300
