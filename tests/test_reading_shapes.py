"""The new document shapes as a reader sees them: page marks, tables, resolutions' preambles, annexes,
corrigenda and addenda, masthead metadata; and the small things: links in footnotes, the 404 page,
the favicon, a search box on every document page.

Rows are written with the new fields set directly (pages, sections, table text), as the importer
will store them.
"""

from __future__ import annotations

import re

import pytest

from archive.ingest.store import import_text
from archive.models import BlockKind, Document, Footnote, Paragraph
from tests.test_reading_pages import page_text, report_text


def block_html(content: str, anchor: str) -> str:
    return re.split(r'<div class="(?:block |page-mark)', content.split(f'id="{anchor}"', 1)[1], maxsplit=1)[0]


# --- official pages --------------------------------------------------------------------------------


def test_page_boundaries_are_marked_where_a_new_page_begins(client, db):
    doc = import_text(report_text(6), symbol="S/2024/80").document
    pages = {"h1": 1, "h2": 1, "p1": 1, "p2": 1, "p3": 2, "p4": 2, "p5": 3, "p6": None}
    for anchor, page in pages.items():
        Paragraph.objects.filter(document=doc, anchor=anchor).update(page=page)
    content = client.get("/documents/S/2024/80/").content.decode()
    marks = re.findall(
        r'<div class="page-mark" id="page-(\d+)"><span class="page-mark__label">第 (\d+) 页</span>', content
    )
    # Page 1 holds the title (the page's heading), so the first mark is where page 2 begins.
    assert marks == [("2", "2"), ("3", "3")]
    # Each mark stands right before the first block that begins on its page.
    assert re.search(r'id="page-2"[^>]*>.*?</div>\s*<div class="block block--paragraph" id="p3">', content, re.S)
    assert 'id="page-4"' not in content, "no page invented for a block without one"


def test_no_page_evidence_no_page_marks(client, seeds):
    content = client.get("/documents/S/2018/1183/").content.decode()
    lines = re.search(r'<script id="cite-lines" type="application/json">(.*?)</script>', content).group(1)
    assert "page-mark" not in content and "页" not in lines, "nothing said about pages"


def test_every_locator_carries_the_page(client, db):
    doc = import_text(report_text(3), symbol="S/2024/81").document
    Paragraph.objects.filter(document=doc, anchor="p2").update(page=4)
    Footnote.objects.filter(document=doc, number="1").update(page=1)
    text = page_text(client.get("/documents/S/2024/81/p2/"))
    assert "S/2024/81，第 2 段（第 4 页），http://testserver/documents/S/2024/81/p2/" in text
    assert "正式文本第 4 页" in text
    data = client.get("/api/documents/S/2024/81/").json()
    assert data["footnotes"][0]["page"] == 1 and data["footnotes"][0]["locator"] == "脚注 1（第 1 页）"


# --- tables ----------------------------------------------------------------------------------------


def test_a_table_with_columns_is_an_html_table_of_escaped_cells(client, db):
    doc = import_text(report_text(2), symbol="S/2024/82").document
    table = "特派团\t警察人数\n联海综合办\t<b>42</b>\n联刚稳定团\t见 S/2016/952，第 60 段"
    p = doc.paragraphs.get(anchor="p2")
    Paragraph.objects.filter(pk=p.pk).update(kind=BlockKind.TABLE, number="", text=table)
    start = table.index("S/2016/952")
    p.citations.all().delete()
    hub = Document.objects.get(symbol="S/2016/952")
    p.citations.create(
        cited_symbol=hub.symbol,
        kind="document",
        pinpoint="60",
        matched_text=hub.symbol,
        start=start,
        end=start + 10,
        target=hub,
    )
    content = client.get("/documents/S/2024/82/").content.decode()
    cell = block_html(content, "p2")
    assert '<table class="data-table"><tbody><tr><td>特派团</td><td>警察人数</td></tr>' in cell
    assert "<td>&lt;b&gt;42&lt;/b&gt;</td>" in cell, "cell text escaped"
    assert '<td>见 <a class="cite" href="/documents/S/2016/952/#p60" title="S/2016/952，60">S/2016/952</a>' in cell
    assert 'class="block__text block__table"' in cell and 'tabindex="0"' in cell, "scrolls in its own box"


def test_a_table_without_columns_stays_preformatted(client, db):
    doc = import_text(report_text(2), symbol="S/2024/83").document
    Paragraph.objects.filter(document=doc, anchor="p2").update(kind=BlockKind.TABLE, number="", text="甲  乙\n丙  <丁>")
    content = client.get("/documents/S/2024/83/").content.decode()
    assert '<pre class="block__text block__pre" lang="zh-Hans" tabindex="0">甲  乙\n丙  &lt;丁&gt;</pre>' in content


# --- resolutions and annexes ----------------------------------------------------------------------


def test_preambular_and_operative_paragraphs_are_named_as_cited(client, db):
    doc = import_text(report_text(3), symbol="S/RES/2999(2024)").document
    Paragraph.objects.filter(document=doc, anchor="p1").update(kind=BlockKind.PREAMBULAR, anchor="pp1")
    assert "S/RES/2999(2024)，序言部分第 1 段" in page_text(client.get("/documents/S/RES/2999(2024)/pp1/"))
    assert "S/RES/2999(2024)，第 2 段" in page_text(client.get("/documents/S/RES/2999(2024)/p2/"))


def test_the_table_of_contents_shows_the_annexes(client, seeds):
    doc = seeds["004"]
    first = doc.paragraphs.get(anchor="h2").position
    doc.paragraphs.filter(position__gte=first).update(section="annex1")
    content = client.get(doc.get_absolute_url()).content.decode()
    toc = content.split('id="toc-heading"')[1].split("</nav>")[0]
    entries = re.findall(r'<li class="toc__item toc__item--level(\d)"><a href="#(\w+)">([^<]+)</a>', toc)
    assert entries[0][:2] == ("2", "h2") and entries[0][2].startswith("附件一")
    assert all(level in ("3", "4") for level, _a, _t in entries[1:]), "the annex's headings sit below it"


# --- corrigenda, revisions, addenda ---------------------------------------------------------------


def test_a_corrigendum_hub_links_to_its_document_which_lists_it(client, seeds):
    text = report_text(2).replace("S/2018/1183，第 12 段", "S/2018/1183/Corr.1")
    import_text(text.replace("A/66/615", "S/2018/1183/Add.1"), symbol="S/2024/84")
    hub = client.get("/documents/S/2018/1183/Corr.1/").content.decode()
    assert "本库没有收录这份文件的全文" in hub
    assert re.search(r'这是以下文件的更正：<a class="symbol" href="/documents/S/2018/1183/">S/2018/1183</a>', hub)
    parent = client.get("/documents/S/2018/1183/").content.decode()
    listed = re.findall(r'<li><a class="symbol" href="([^"]+)">([^<]+)</a> <span class="muted">([^<]+)</span>', parent)
    assert listed == [
        ("/documents/S/2018/1183/Add.1/", "S/2018/1183/Add.1", "增编"),
        ("/documents/S/2018/1183/Corr.1/", "S/2018/1183/Corr.1", "更正"),
    ]


def test_a_revision_of_a_document_the_archive_lacks_entirely_points_nowhere(client, db):
    import_text(report_text(2).replace("S/2018/1183，第 12 段", "S/2022/892/Rev.1"), symbol="S/2024/85")
    hub = client.get("/documents/S/2022/892/Rev.1/").content.decode()
    assert "这是以下文件的" not in hub, "no link to a page that does not exist"
    import_text(report_text(2).replace("S/2018/1183，第 12 段", "S/2022/892"), symbol="S/2024/86")
    hub = client.get("/documents/S/2022/892/Rev.1/").content.decode()
    assert '这是以下文件的订正本：<a class="symbol" href="/documents/S/2022/892/">' in hub, "the parent is a hub now"


# --- masthead metadata ---------------------------------------------------------------------------


def test_issue_date_and_original_language_on_the_page_and_in_the_api(client, seeds):
    import datetime

    Document.objects.filter(pk=seeds["002"].pk).update(issued_on=datetime.date(2019, 1, 3), original_language="en")
    text = page_text(client.get("/documents/S/2018/1183/"))
    assert "印发日期 2019年1月3日" in text and "原文 英文" in text
    data = client.get("/api/documents/S/2018/1183/").json()
    assert data["issued_on"] == "2019-01-03" and data["original_language"] == "en"
    listed = client.get("/api/documents/").json()["results"]
    assert next(d for d in listed if d["symbol"] == "S/2018/1183")["issued_on"] == "2019-01-03"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Original English" in page_text(client.get("/documents/S/2018/1183/"))


# --- links in footnotes ---------------------------------------------------------------------------


def test_web_addresses_in_footnotes_are_escaped_nofollow_links(client, db):
    doc = import_text(report_text(3), symbol="S/2024/87").document
    doc.footnotes.get(number="2").citations.all().delete()
    Footnote.objects.filter(document=doc, number="2").update(
        text='见 https://peacekeeping.un.org/zh/a?b=1&c="x"。'
        "另见（https://undocs.org/zh/S/RES/2645(2022)）和 javascript:alert(1)"
    )
    content = client.get("/documents/S/2024/87/").content.decode()
    note = content.split('<li class="footnote" id="fn2">')[1].split("</li>")[0]
    links = re.findall(r'<a class="url" href="([^"]+)" rel="nofollow">([^<]+)</a>', note)
    assert links == [
        ("https://peacekeeping.un.org/zh/a?b=1&amp;c=", "https://peacekeeping.un.org/zh/a?b=1&amp;c="),
        ("https://undocs.org/zh/S/RES/2645(2022)", "https://undocs.org/zh/S/RES/2645(2022)"),
    ]
    assert 'href="javascript' not in note


# --- the 404 page, the favicon, searching one document ---------------------------------------------


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_symbol_gets_the_archives_own_404_in_every_setting(client, db, settings, debug):
    settings.DEBUG = debug
    for url in ("/documents/S/9999/1/", "/documents/S/9999/1/p3/"):
        response = client.get(url)
        assert response.status_code == 404
        content = response.content.decode()
        assert "找不到页面" in content and "Traceback" not in content and "URLconf" not in content
        assert 'href="https://undocs.org/zh/S/9999/1"' in content
        assert '<input id="notfound-search-q" type="search" name="q" value="S/9999/1">' in content
    assert client.get("/documents/S/2018/1183/p999/").status_code == 404


def test_a_favicon_for_every_page_and_for_browsers_that_ask_for_one(client, db):
    content = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', content).group(1)
    assert client.get(icon).status_code == 200
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == icon


def test_a_document_page_offers_a_search_in_that_document(client, seeds):
    content = client.get(seeds["001"].get_absolute_url()).content.decode()
    form = content.split('<form class="document-search"')[1].split("</form>")[0]
    assert 'action="/search/"' in form
    assert f'<input type="hidden" name="document" value="id/{seeds["001"].public_id}">' in form
    assert 'name="q"' in form
