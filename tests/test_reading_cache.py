"""The document page's rendered text is cached, and never served after anything it shows has changed.

Each test reads a page once (filling the cache), changes something through the librarian's own
code paths, and reads again.  Changes whose stamp is renewed after the commit run their on-commit
hooks (``django_capture_on_commit_callbacks``), as they do in production.
"""

from __future__ import annotations

import re

import pytest

from archive.ingest.store import change_symbol, import_text, reparse, update_block_text, update_footnote_text
from archive.models import Document, Paragraph
from tests.test_reading_pages import report_text

URL = "/documents/S/2024/90/"


def body(client, url: str = URL, **extra) -> str:
    """The cached part of the page: from the table of contents to the end of the footnotes."""
    content = client.get(url, **extra).content.decode()
    return content.split('<nav class="toc"', 1)[1].split('<section class="citation-map"', 1)[0]


@pytest.fixture
def report(db):
    return import_text(report_text(4), symbol="S/2024/90").document


def test_a_second_reading_comes_from_the_cache_with_the_same_text(client, report, django_assert_max_num_queries):
    first = body(client)
    with django_assert_max_num_queries(4):  # the document, who cites it, their sentences, its corrigenda
        second = body(client)
    assert second == first


def test_a_librarians_correction_of_a_block_shows_at_once(client, report):
    body(client)
    update_block_text(report.paragraphs.get(anchor="p3"), "第 3 段，已由馆员校对。")
    assert "第 3 段，已由馆员校对。" in body(client)


def test_a_correction_of_a_footnote_shows_at_once(client, report):
    body(client)
    update_footnote_text(report.footnotes.get(number="2"), "此脚注已由馆员校对。")
    assert "此脚注已由馆员校对。" in body(client)


def test_a_reimport_and_a_reparse_show_the_new_text(client, report, django_capture_on_commit_callbacks):
    body(client)
    import_text(report_text(4).replace("第 4 段，没有引用", "第 4 段，重新导入"), symbol="S/2024/90", replace=True)
    assert "第 4 段，重新导入" in body(client)
    # A re-parse touches only blocks; its stamp is renewed once the transaction commits.
    Paragraph.objects.filter(document=report, anchor="p4").update(text="旧的解析结果")
    with django_capture_on_commit_callbacks(execute=True):
        reparse(Document.objects.get(pk=report.pk))
    assert "旧的解析结果" not in body(client) and "第 4 段，重新导入" in body(client)


def test_a_new_symbol_moves_every_permalink(client, report):
    body(client)
    change_symbol(report, "S/2024/91")
    text = body(client, "/documents/S/2024/91/")
    assert 'data-share="/documents/S/2024/91/p2/"' in text and "S/2024/90" not in text


def test_links_follow_a_cited_document_that_changes_symbol_or_gets_its_text(
    client, report, django_capture_on_commit_callbacks
):
    assert 'href="/documents/A/66/615/"' in body(client)
    hub = Document.objects.get(symbol="A/66/615")
    with django_capture_on_commit_callbacks(execute=True):
        change_symbol(hub, "A/66/616")
    text = body(client)
    assert 'href="/documents/A/66/616/"' in text and 'href="/documents/A/66/615/"' not in text
    # The citation graph draws a cited hub dashed, and solid once its text is imported.
    page = client.get(URL).content.decode()
    assert 'class="chart__node chart__node--hub" href="/documents/A/66/616/"' in page
    with django_capture_on_commit_callbacks(execute=True):
        import_text(report_text(2, date="2011 年 1 月 1 日"), symbol="A/66/616")
    page = client.get(URL).content.decode()
    assert 'class="chart__node" href="/documents/A/66/616/"' in page


def test_each_language_gets_its_own_rendering(client, report):
    assert "第 2 段的链接" in body(client)
    client.post("/i18n/setlang/", {"language": "en", "next": URL})
    english = body(client)
    assert "Link to para. 2" in english and "第 2 段的链接" not in english
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": URL})
    assert "第 2 段的链接" in body(client)


def test_a_new_citing_document_updates_the_counts(client, report):
    assert "block__cited" not in body(client)
    import_text(
        report_text(2, date="2024 年 9 月 1 日").replace("S/2018/1183，第 12 段", "S/2024/90，第 3 段"),
        symbol="S/2024/92",
    )
    text = body(client)
    assert re.search(r'<a class="block__cited" href="/documents/S/2024/90/p3/#cited-by-heading">被引 1', text)


def test_search_highlights_are_rendered_fresh(client, report):
    body(client)
    assert "<mark>引用</mark>" in body(client, f"{URL}?hl=引用")
    assert "<mark>" not in body(client)


# --- a constant number of queries, however long the document and however much it is cited ----------


@pytest.mark.parametrize("paragraphs", [3, 120])
@pytest.mark.parametrize("cited", [False, True])
def test_document_page_uses_a_constant_number_of_queries(
    client, db, django_assert_num_queries, settings, paragraphs, cited
):
    import_text(report_text(paragraphs), symbol="S/2024/20")
    if cited:
        for n in range(3):
            citing = report_text(2, date=f"2024 年 2 月 {n + 1} 日").replace(
                "S/2018/1183，第 12 段", "S/2024/20，第 2-3 段"
            )
            import_text(citing, symbol=f"S/2024/{21 + n}")
    # Rendering: the document; who cites it and their sentences; corrigenda; its English text; then
    # its footnotes and their citations with the cited documents (2), its blocks with their markers
    # and citations (3).
    # Who cites it: plain values for the counts, the citing documents, the places shown (3).
    with django_assert_num_queries(12 if cited else 9):
        response = client.get("/documents/S/2024/20/")
    content = response.content.decode()
    assert response.status_code == 200 and f'id="p{paragraphs}"' in content
    assert ("被引 3" in content) is cited
    # From the cache: the document, who cites it (and their sentences), corrigenda (whether it has an
    # English text is cached too).
    with django_assert_num_queries(6 if cited else 3):
        assert client.get("/documents/S/2024/20/").status_code == 200
