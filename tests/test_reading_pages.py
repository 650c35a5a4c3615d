"""The reading pages as a reader gets them: documents, hubs, single paragraphs, lists, errors."""

from __future__ import annotations

import html
import re

import pytest

from archive.ingest.store import import_text
from archive.models import Citation, Document


def report_text(paragraphs: int, date: str = "2024 年 1 月 1 日") -> str:
    """A report with ``paragraphs`` numbered paragraphs, two footnotes and citations in both.

    Written in the PDF layout of seed 002: blocks end with a space and are separated by blank lines.
    """
    body = [" 1. 安全理事会第 2645(2022)号决议请我提交报告。1 这是第二句(S/2018/1183，第 12 段)。 "]
    for n in range(2, paragraphs + 1):
        body.append(f" {n}. 第 {n} 段提及 S/2016/952，第 {n} 段。2 " if n == 2 else f" {n}. 第 {n} 段，没有引用。 ")
    footnotes = [" __________________ ", " 1 见第 2382(2017)号决议。 ", " 2 见 A/66/615。 "]
    return "\n\n".join([f"{date} 秘书长的报告 ", " 一. 导言 ", *body, *footnotes]) + "\n"


def page_text(response) -> str:
    """The page as text (tags removed, entities decoded), whitespace collapsed."""
    markup = response if isinstance(response, str) else response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", "", markup, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


# --- the document page -------------------------------------------------------------------------


def test_document_page_shows_metadata_toc_and_numbered_blocks(client, seeds):
    response = client.get("/documents/S/2018/1183/")
    assert response.status_code == 200
    content = response.content.decode()
    text = page_text(response)
    assert "秘书长关于联合国警务工作的报告" in text and "S/2018/1183" in text
    assert "2018年12月31日" in text and "报告" in text
    assert 'href="https://undocs.org/zh/S/2018/1183"' in content
    # Table of contents: one entry per heading, each pointing at the heading's anchor.
    toc = content.split('id="toc-heading"')[1].split("</nav>")[0]
    assert '<a href="#h3">一. 导言</a>' in toc and "A. 全系统服务提供者" in toc
    assert re.search(r'<h2 id="h3" [^>]*>一\. 导言</h2>', content)
    # Numbered paragraph 12 shows its number and a keyboard-reachable permalink to #p12.
    block = content.split('id="p12"')[1].split('<div class="block')[0]
    assert '<span class="block__num">12.</span>' in block
    assert '<a class="permalink" href="#p12" data-share="/documents/S/2018/1183/p12/">' in block


def test_every_citation_in_the_text_links_inside_the_archive(client, seeds):
    doc = seeds["002"]
    content = client.get(doc.get_absolute_url()).content.decode()
    cites = re.findall(r'<a class="cite" href="([^"]+)"', content)
    expected = {c.target_url() for c in Citation.objects.filter(paragraph__document=doc).select_related("target")}
    expected |= {c.target_url() for c in Citation.objects.filter(footnote__document=doc).select_related("target")}
    assert set(cites) == expected
    assert all(href.startswith("/documents/") for href in cites)
    assert "/documents/S/2016/952/#p60" in cites, "a pin-point goes to the cited paragraph"
    assert "/documents/S/RES/2382(2017)/" in cites, "no pin-point: the cited document (a hub here)"


def test_footnote_markers_and_footnotes_link_to_each_other(client, seeds):
    content = client.get("/documents/S/2018/1183/").content.decode()
    marker = re.search(r'<sup><a class="fnref" href="#fn1" id="(fnref1-p\d+)">1</a></sup>', content)
    assert marker, "the marker of footnote 1 links to it"
    footnote = content.split('<li class="footnote" id="fn1">')[1].split("</li>")[0]
    assert "联合国和世界银行" in footnote
    assert f'href="#{marker.group(1)}"' in footnote, "and the footnote links back to its marker"


def test_cited_by_lists_citing_paragraphs_with_their_sentence(client, seeds):
    import_text(report_text(3), symbol="S/2024/10")
    content = client.get("/documents/S/2018/1183/").content.decode()
    section = content.split('id="cited-by-heading"')[1]
    assert 'href="/documents/S/2024/10/"' in section
    assert 'href="/documents/S/2024/10/#p1"' in section, "link to the citing paragraph in its document"
    assert 'href="/documents/S/2024/10/p1/"' in section, "and to its standalone page"
    excerpt = re.search(r'<blockquote class="citing-place__excerpt"[^>]*>(.*?)</blockquote>', section, re.S).group(1)
    assert "<mark>S/2018/1183</mark>" in excerpt
    assert "这是第二句" in excerpt and "请我提交报告" not in excerpt, "the sentence, not the whole paragraph"
    assert 'href="#p12"' in section, "the cited paragraph of this document is linked"


def test_citations_in_drafts_and_self_citations_are_not_cited_by(client, seeds):
    import_text(report_text(3), symbol="S/2024/11", status="draft")
    content = client.get("/documents/S/2018/1183/").content.decode()
    assert "S/2024/11" not in content
    assert "本库中尚无其他文件引用此文件" in content


# --- hubs ----------------------------------------------------------------------------------------


def test_hub_page_says_the_text_is_not_held_and_lists_citing_paragraphs_newest_first(client, seeds):
    import_text(report_text(3, date="2024 年 1 月 1 日"), symbol="S/2024/10")
    response = client.get("/documents/S/RES/2645(2022)/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "本库没有收录这份文件的全文" in content
    assert 'href="https://undocs.org/zh/S/RES/2645(2022)"' in content
    citing = re.findall(r'<h3 class="citing-document__title">\s*<a href="([^"]+)"', content)
    assert citing[:2] == ["/documents/S/2024/10/", "/documents/S/2022/747/"], "newest citing document first"
    years = dict(re.findall(r'<tr><th scope="row">(\d{4})</th><td>(\d+)</td></tr>', content))
    s2022_747 = Citation.objects.filter(target__symbol="S/RES/2645(2022)", paragraph__document=seeds["000"])
    assert years == {"2024": "1", "2022": str(s2022_747.values("paragraph").distinct().count())}


def test_hub_anchors_the_pinpointed_paragraphs_citations_land_on(client, seeds):
    content = client.get("/documents/S/2016/952/").content.decode()
    item = content.split('<li id="p60">')[1].split("</li>")[0]
    assert 'href="/documents/S/2018/1183/#p18"' in item


def test_official_text_url_is_configurable(client, seeds, settings):
    settings.ARCHIVE_OFFICIAL_URL = "https://docs.example.org/{symbol}"
    content = client.get("/documents/S/RES/2645(2022)/").content.decode()
    assert 'href="https://docs.example.org/S/RES/2645(2022)"' in content
    assert "undocs.org/zh" not in content


def test_footnote_citations_count_as_cited_by_and_send_the_reader_to_the_marked_paragraph(client, seeds):
    content = client.get("/documents/S/RES/2185(2014)/").content.decode()
    # S/2018/1183 cites it in paragraph 15 and again in footnote 4, whose marker stands in paragraph 15.
    assert 'href="/documents/S/2018/1183/#p15"' in content
    assert "第 15 段，脚注 4" in content
    # Paragraphs 15 and 22 cite it; 15 twice (text and footnote), which still counts as one paragraph.
    assert re.findall(r'<tr><th scope="row">(\d{4})</th><td>(\d+)</td></tr>', content) == [("2018", "2")]


# --- the standalone paragraph page ------------------------------------------------------------


def test_paragraph_page_stands_alone(client, seeds):
    response = client.get("/documents/S/2018/1183/p15/")
    assert response.status_code == 200
    content = response.content.decode()
    text = page_text(response)
    p15 = seeds["002"].paragraphs.get(anchor="p15")
    shown = re.sub(r"\s+", "", page_text(re.sub(r"<sup>.*?</sup>", "", content)))
    assert re.sub(r"\s+", "", p15.text) in shown, "the text, footnote markers aside"
    assert "秘书长关于联合国警务工作的报告" in text and "2018年12月31日" in text
    assert "S/2018/1183，第 15 段，http://testserver/documents/S/2018/1183/p15/" in text, "ready-to-paste line"
    assert '<link rel="canonical" href="http://testserver/documents/S/2018/1183/p15/">' in content
    assert f'<meta property="og:description" content="{html.escape(p15.text)}">' in content
    assert '<meta property="og:title" content="S/2018/1183，第 15 段 — 秘书长关于联合国警务工作的报告">' in content
    assert '<meta name="twitter:card" content="summary">' in content
    assert 'href="/documents/S/2018/1183/#p15"' in content, "link to it in context"
    assert 'href="/documents/S/2018/1183/h6/" rel="prev"' in content, "the heading before it"
    assert 'href="/documents/S/2018/1183/p16/" rel="next"' in content
    # Its footnotes (4, 5, 6) and its citations come with it.
    for number in ("4", "5", "6"):
        assert f'id="fn{number}"' in content and f'href="#fn{number}"' in content
    assert "第2185(2014)号决议，序言部分第二十二和第二十三段" in shown
    assert 'href="/documents/S/RES/2447(2018)/"' in content


def test_retired_block_still_renders_with_a_note(client, db):
    last = " 3. 第 3 段，没有引用。 "
    original = report_text(3).replace(last, f"{last}\n\n 一个后来被删去的段落。 ")
    doc = import_text(original, symbol="S/2024/12").document
    retired = doc.paragraphs.get(text="一个后来被删去的段落。")
    import_text(report_text(3), symbol="S/2024/12", replace=True)
    retired.refresh_from_db()
    assert not retired.is_current
    response = client.get(retired.get_permalink())
    assert response.status_code == 200
    content = response.content.decode()
    assert "一个后来被删去的段落。" in content
    assert "现行文本中已不再包含它" in content and 'href="/documents/S/2024/12/"' in content
    assert "一个后来被删去的段落" not in client.get("/documents/S/2024/12/").content.decode()


def test_footnote_anchor_as_a_paragraph_url_goes_to_the_footnote_in_context(client, seeds):
    response = client.get("/documents/S/2018/1183/fn3/")
    assert response.status_code == 302 and response["Location"] == "/documents/S/2018/1183/#fn3"


# --- escaping --------------------------------------------------------------------------------------


def test_markup_in_a_document_is_shown_as_text(client, db):
    hostile = report_text(3).replace("没有引用", '<script>alert("x")</script><img src=x onerror=alert(1)>')
    import_text(hostile.replace("秘书长的报告", "秘书长的报告<b>粗</b>"), symbol="S/2024/13")
    for url in ("/documents/S/2024/13/", "/documents/S/2024/13/p3/"):
        content = client.get(url).content.decode()
        assert "<script>alert" not in content and "<img src=x" not in content and "<b>粗" not in content
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
        assert "onerror=alert(1)" in page_text(client.get(url))


# --- query counts ----------------------------------------------------------------------------------


# The document page's own query counts (rendered and from the cache): tests/test_reading_cache.py.


@pytest.mark.parametrize("citing_documents", [1, 12])
def test_hub_and_paragraph_pages_use_a_constant_number_of_queries(
    client, db, django_assert_num_queries, citing_documents
):
    for n in range(citing_documents):
        import_text(report_text(3, date=f"2024 年 1 月 {n + 1} 日"), symbol=f"S/2024/{30 + n}")
    # Each report cites S/RES/2382(2017) in a footnote: the hub also fetches the footnotes' markers,
    # the text of the footnotes on the page being read, and the resolution's corrigenda.  Who cites it
    # is read as plain values first (the counts), then the citing documents, then the rows shown.
    with django_assert_num_queries(7):
        assert client.get("/documents/S/RES/2382(2017)/").status_code == 200
    # The paragraph with its footnotes and citations, its neighbours, who cites it by number, and
    # whether the archive holds the English text.
    with django_assert_num_queries(10):
        assert client.get("/documents/S/2024/30/p1/").status_code == 200


# --- visibility and errors -------------------------------------------------------------------------


def test_draft_documents_are_invisible_to_readers(client, db):
    doc = import_text(report_text(2), symbol="S/2024/40", status="draft").document
    assert client.get("/documents/S/2024/40/").status_code == 404
    assert client.get("/documents/S/2024/40/p1/").status_code == 404
    assert client.get(f"/documents/id/{doc.public_id}/").status_code == 404
    assert "S/2024/40" not in client.get("/documents/").content.decode()
    assert "S/2024/40" not in client.get("/").content.decode()


def test_unknown_symbol_is_a_real_404_page_with_a_search_box(client, seeds, settings):
    settings.DEBUG = False
    response = client.get("/documents/S/1999/1/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "找不到页面" in content and "Traceback" not in content
    main = content.split('<main id="main"')[1]
    assert re.search(r'<form class="home-search" role="search" action="/search/" method="get"', main)
    assert 'name="q"' in main
    assert client.get("/documents/S/2018/1183/p999/").status_code == 404


# --- home and lists --------------------------------------------------------------------------------


def test_home_shows_holdings_newest_documents_and_a_search_box(client, seeds):
    response = client.get("/")
    text = page_text(response)
    content = response.content.decode()
    assert re.search(r"全文文件 5 ", text) and re.search(r"段落 \d{3} ", text)
    assert f"被引文件 {Document.objects.hubs().count()} " in text
    newest = re.findall(r'<a class="doc-item__title" href="([^"]+)"', content)
    assert newest[0] == seeds["001"].get_absolute_url(), "2025 letter first"
    assert newest[-1] == "/documents/S/2011/817/"
    assert 'action="/search/"' in content and 'id="home-search-q" type="search" name="q"' in content


def test_document_list_filters_by_year_and_type_and_sorts(client, seeds, settings):
    def listed(url):
        return re.findall(r'<a class="doc-item__title" href="([^"]+)"', client.get(url).content.decode())

    assert listed("/documents/?year=2018") == ["/documents/S/2018/1183/"]
    assert listed("/documents/?type=report") == ["/documents/S/2018/1183/"]
    assert len(listed("/documents/?type=letter")) == 4
    by_symbol = listed("/documents/?sort=symbol")
    assert by_symbol[:3] == ["/documents/S/2011/817/", "/documents/S/2018/1183/", "/documents/S/2022/747/"]
    assert listed("/documents/?sort=date")[0] == "/documents/S/2011/817/"
    assert listed("/documents/?sort=nonsense")[0] == seeds["001"].get_absolute_url(), "unknown sort: newest"
    settings.ARCHIVE_PAGE_SIZE = 2
    first, third = listed("/documents/?sort=symbol"), listed("/documents/?sort=symbol&page=3")
    assert len(first) == 2 and len(third) == 1
    assert '<a href="?sort=symbol&amp;page=2" rel="next">' in client.get("/documents/?sort=symbol").content.decode()


def test_symbols_sort_by_their_numbers_not_their_characters(client, db):
    for number in (1183, 99, 201):
        import_text(report_text(2, date="2018 年 5 月 1 日"), symbol=f"S/2018/{number}", reissue=True)
    import_text(report_text(2, date="2018 年 5 月 2 日"), status="published")  # no symbol: last

    def listed(url):
        return re.findall(r'<a class="doc-item__title" href="/documents/([^"]+)/"', client.get(url).content.decode())

    ours = [s for s in listed("/documents/?sort=symbol") if s.startswith(("S/2018/", "id/"))]
    assert ours[:3] == ["S/2018/99", "S/2018/201", "S/2018/1183"] and ours[3].startswith("id/")
    assert [s for s in listed("/documents/?sort=-symbol") if s.startswith("S/2018/")] == [
        "S/2018/1183",
        "S/2018/201",
        "S/2018/99",
    ]


def test_resolution_index_counts_citations_and_sorts_by_number(client, seeds):
    content = client.get("/resolutions/").content.decode()
    rows = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>.*?<td class="num">(\d+)</td>', content, re.S)
    symbols = [s for s, _ in rows]
    assert "S/PRST/2001/3" not in symbols and "S/2016/952" not in symbols, "resolutions only"
    sc = [s for s in symbols if s.startswith("S/RES/")]
    assert sc[0] == "S/RES/1353(2001)" and sc.index("S/RES/2185(2014)") < sc.index("S/RES/2645(2022)")
    counts = dict(rows)
    assert counts["S/RES/2382(2017)"] == str(Citation.objects.filter(target__symbol="S/RES/2382(2017)").count())
    by_count = client.get("/resolutions/?sort=-count").content.decode()
    most = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', by_count)
    assert most[0] == "S/RES/2382(2017)"


def test_server_error_page_needs_neither_database_nor_request_context(rf, db, django_assert_num_queries):
    from django.views.defaults import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/documents/S/2018/1183/"))
    content = response.content.decode()
    assert response.status_code == 500
    assert "服务器出了点问题" in content and 'href="/"' in content and "/static/archive/archive.css" in content


def test_a_much_cited_hub_lists_its_citing_documents_a_page_at_a_time(client, db, monkeypatch):
    monkeypatch.setattr("archive.cited_by.PER_PAGE", 3)
    monkeypatch.setattr("archive.cited_by.PINPOINT_PLACES", 2)
    for n in range(7):
        import_text(report_text(3, date=f"{2010 + n} 年 1 月 5 日"), symbol=f"S/{2010 + n}/40")
    first = client.get("/documents/S/RES/2382(2017)/").content.decode()
    listed = re.findall(r'<li class="citing-document" id="cited-by-', first)
    assert len(listed) == 3 and "S/2016/40" in first and "S/2010/40" not in first.split('class="cited-by"')[1]
    assert "共 7 份" in first and "cited_page=2#cited-by-heading" in first
    # The year table and the timeline still count all seven; a bar for a later page links to that page.
    assert first.count('<tr><th scope="row">') == 7
    oldest = Document.objects.get(symbol="S/2010/40")
    assert f"?cited_page=3#cited-by-{oldest.public_id}" in first
    last = client.get("/documents/S/RES/2382(2017)/", {"cited_page": 3}).content.decode()
    assert f'id="cited-by-{oldest.public_id}"' in last and "<mark>" in last
    assert client.get("/documents/S/RES/2382(2017)/", {"cited_page": "x"}).status_code == 200
    # Each report cites S/2016/952, 第 2 段: the pin-point index names a few places and counts the rest.
    pinned = client.get("/documents/S/2016/952/").content.decode()
    entry = pinned.split('<li id="p2">')[1].split("</li>")[0]
    assert entry.count("<a href=") == 2 and "另有 5 处" in entry


def test_a_url_with_control_characters_is_not_found_in_every_database(client, seeds):
    # PostgreSQL refuses NUL in a query: the lookup must not send one.
    for path in ("/documents/S%2F2018%2F1183%00/", "/documents/%00/", "/api/documents/%01/", "/documents/%00/p1/"):
        assert client.get(path).status_code == 404, path
