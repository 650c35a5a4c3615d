"""One locator for every block: citation lines, BibTeX/RIS/CSL, hubs, search hits, the API, copying.

The convention (archive/labels.py, and the search help page): official numbers first (第 12 段,
附件一第 2 段, 序言部分第 3 段); an unnumbered block is 第 n 自然段, n being its permanent anchor's
counter; the official page follows when known; headings are named by their page or their words.
"""

from __future__ import annotations

import json
import re

import bibtexparser
import pytest
import rispy
from django.utils import translation

from archive import labels
from archive.ingest.store import import_text
from archive.models import BlockKind, Document, Footnote, Paragraph
from tests import test_search_fixtures as fx
from tests.test_reading_pages import page_text

fresh_index = fx.fresh_index
indexed_seeds = fx.indexed_seeds

LETTER = """2024 年 3 月 1 日秘书长给安全理事会主席的信

我谨提及安全理事会第 2645(2022)号决议。

第二段，说明联合国海地综合办事处的工作。

第三段，说明今后的安排。

安东尼奥·古特雷斯(签名)
"""


def block(**fields) -> Paragraph:
    """An unsaved block of an unsaved document (labels need no database)."""
    doc = Document(symbol=fields.pop("symbol", "S/2022/747"), title="信")
    values = {"kind": BlockKind.PARAGRAPH, "number": "", "label": "", "section": "", "page": None, "text": "文字"}
    return Paragraph(document=doc, **{**values, **fields})


# --- the convention, block by block --------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, chinese, english",
    [
        ({"anchor": "p12", "number": "12"}, "第 12 段", "para. 12"),
        ({"anchor": "p12", "number": "12", "page": 4}, "第 12 段（第 4 页）", "para. 12 (p. 4)"),
        ({"anchor": "p7-a", "kind": BlockKind.SUBPARAGRAPH, "label": "(a)"}, "第 7(a) 段", "para. 7(a)"),
        ({"anchor": "b5"}, "第 5 自然段", "unnumbered para. 5"),
        ({"anchor": "b3", "page": 2}, "第 3 自然段（第 2 页）", "unnumbered para. 3 (p. 2)"),
        ({"anchor": "b9", "kind": BlockKind.SIGNATURE}, "第 9 自然段", "unnumbered para. 9"),
        ({"anchor": "b4", "kind": BlockKind.TABLE, "page": 3}, "第 4 自然段（第 3 页）", "unnumbered para. 4 (p. 3)"),
        ({"anchor": "pp3", "kind": BlockKind.PREAMBULAR, "number": "3"}, "序言部分第 3 段", "preambular para. 3"),
        ({"anchor": "annex1-p2", "number": "2", "section": "annex1"}, "附件一第 2 段", "annex I, para. 2"),
        # A cover letter's annex served as p3 (seed 004): still named as the annex's paragraph.
        (
            {"anchor": "p3", "number": "3", "section": "annex1", "page": 5},
            "附件一第 3 段（第 5 页）",
            "annex I, para. 3 (p. 5)",
        ),
        ({"anchor": "enclosure2-p1", "number": "1", "section": "enclosure2"}, "附文二第 1 段", "enclosure II, para. 1"),
        ({"anchor": "h2", "kind": BlockKind.HEADING, "page": 2, "text": "当前安全形势"}, "第 2 页", "p. 2"),
        (
            {"anchor": "h2", "kind": BlockKind.HEADING, "text": "当前安全形势"},
            "小标题“当前安全形势”",
            'heading "当前安全形势"',
        ),
        ({"anchor": "h1", "kind": BlockKind.TITLE}, "标题", "title"),
    ],
)
def test_every_kind_of_block_has_a_locator_in_both_languages(fields, chinese, english):
    p = block(**fields)
    assert labels.locator(p) == chinese
    with translation.override("en"):
        assert labels.locator(p) == english


def test_a_long_heading_is_named_by_its_first_words():
    p = block(anchor="h4", kind=BlockKind.HEADING, text="进一步加强联合国海地综合办事处警察部分，提高其核定上限")
    assert labels.locator(p) == "小标题“进一步加强联合国海地综合办事处警察部分…”"


def test_citation_lines_name_the_document_and_never_stop_at_it():
    assert labels.citation_line(block(anchor="b2", page=2)) == "S/2022/747，第 2 自然段（第 2 页）"
    assert labels.citation_line(block(anchor="p12", number="12", symbol="S/2018/1183", page=4)) == (
        "S/2018/1183，第 12 段（第 4 页）"
    )
    fn = Footnote(document=Document(symbol="S/2018/1183"), number="3", page=4, anchor="fn3")
    assert labels.citation_line(fn) == "S/2018/1183，脚注 3（第 4 页）"
    with translation.override("en"):
        assert labels.citation_line(block(anchor="b4")) == "S/2022/747, unnumbered para. 4"
        assert labels.with_url("S/2022/747, para. 4", "https://x/") == "S/2022/747, para. 4, https://x/"


@pytest.mark.parametrize(
    "pinpoint, chinese, english",
    [
        ("60", "第 60 段", "para. 60"),
        ("29-47", "第 29-47 段", "paras. 29–47"),
        ("53,54,57", "第 53、54、57 段", "paras. 53, 54 and 57"),
        ("4,5", "第 4、5 段", "paras. 4 and 5"),
        ("附件一", "附件一", "annex I"),
        ("附件二:2", "附件二第 2 段", "annex II, para. 2"),
        ("附文:3", "附文一第 3 段", "enclosure I, para. 3"),
        ("序言:3", "序言部分第 3 段", "preambular para. 3"),
        ("摘要", "摘要", "summary"),
    ],
)
def test_pinpoints_read_as_a_person_says_them(pinpoint, chinese, english):
    assert labels.pinpoint_label(pinpoint) == chinese
    with translation.override("en"):
        assert labels.pinpoint_label(pinpoint) == english


def test_several_pinpoints_of_one_place_make_one_phrase():
    assert labels.pinpoints_label(["4", "5"]) == "第 4、5 段"
    assert labels.pinpoints_label(["4", "附件一:2", "5"]) == "第 4、5 段、附件一第 2 段"
    with translation.override("en"):
        assert labels.pinpoints_label(["4", "5"]) == "paras. 4 and 5"
        assert labels.pinpoints_label(["53", "54", "57"]) == "paras. 53, 54 and 57"


# --- the seeds: an unnumbered block of S/2022/747 everywhere it is named -------------------------


def test_an_unnumbered_block_of_the_letter_carries_its_locator_in_every_citation(client, seeds):
    b5 = seeds["000"].paragraphs.get(anchor="b5")
    Paragraph.objects.filter(pk=b5.pk).update(page=2)
    page = client.get("/documents/S/2022/747/b5/")
    content = page.content.decode()
    text = page_text(page)
    assert "S/2022/747，第 5 自然段（第 2 页），http://testserver/documents/S/2022/747/b5/" in text
    assert '<h1 id="paragraph-title" lang="zh-Hans">S/2022/747，第 5 自然段（第 2 页）</h1>' in content
    assert ": S/2022/747, 第 5 自然段（第 2 页）[R/OL]" in text, "GB/T 7714"
    assert "S/2022/747, October 8, 2022, unnumbered para. 5 (p. 2), http://testserver/" in text, "Chicago"

    bib = bibtexparser.parse_string(client.get("/documents/S/2022/747/b5/cite.bib").content.decode())
    assert bib.entries[0].fields_dict["note"].value == "第 5 自然段（第 2 页）"
    (ris,) = rispy.loads(client.get("/documents/S/2022/747/b5/cite.ris").content.decode())
    assert ris["section"] == "第 5 自然段（第 2 页）"
    (csl,) = json.loads(client.get("/documents/S/2022/747/b5/cite.json").content)
    assert csl["section"] == "第 5 自然段（第 2 页）"


def test_without_a_page_the_ordinal_alone_and_no_bare_url(client, seeds):
    text = page_text(client.get("/documents/S/2022/747/b5/"))
    assert "S/2022/747，第 5 自然段，http://testserver/documents/S/2022/747/b5/" in text
    assert "S/2022/747，http" not in text


def test_the_reading_view_shows_the_ordinal_of_unnumbered_blocks(client, seeds):
    content = client.get("/documents/S/2022/747/").content.decode()
    block = content.split('id="b5">')[1].split('<div class="block')[0]
    assert '<span aria-hidden="true">[5]</span><span class="visually-hidden">第 5 自然段</span>' in block
    numbered = (
        client.get("/documents/S/2018/1183/").content.decode().split('id="p12">')[1].split('<div class="block')[0]
    )
    assert "block__ordinal" not in numbered, "numbered paragraphs show their own number only"


def test_copy_with_citation_lines_carry_the_locator(client, seeds):
    content = client.get("/documents/S/2022/747/").content.decode()
    lines = json.loads(re.search(r'<script id="cite-lines" type="application/json">(.*?)</script>', content).group(1))
    assert lines["b5"] == "S/2022/747，第 5 自然段，http://testserver/documents/S/2022/747/b5/"
    assert lines["h2"] == "S/2022/747，小标题“当前安全形势”，http://testserver/documents/S/2022/747/h2/"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    content = client.get("/documents/S/2022/747/").content.decode()
    lines = json.loads(re.search(r'<script id="cite-lines" type="application/json">(.*?)</script>', content).group(1))
    assert lines["b5"] == "S/2022/747, unnumbered para. 5, http://testserver/documents/S/2022/747/b5/"


def test_hubs_list_unnumbered_citers_by_their_locator(client, seeds):
    content = client.get("/documents/S/RES/2645(2022)/").content.decode()
    section = content.split('id="cited-by-heading"')[1]
    places = re.findall(r'<a class="citing-place__link" href="/documents/S/2022/747/#(b\d+)">([^<]+)</a>', section)
    assert places and all(label == f"第 {anchor[1:]} 自然段" for anchor, label in places)
    assert "S/2022/747，段落" not in content


def test_the_json_api_gives_each_block_its_locator_and_page(client, seeds):
    Paragraph.objects.filter(document=seeds["002"], anchor="p12").update(page=4)
    data = client.get("/api/documents/S/2018/1183/").json()
    p12 = next(p for p in data["paragraphs"] if p["anchor"] == "p12")
    assert p12["locator"] == "第 12 段（第 4 页）" and p12["page"] == 4
    assert p12["citation"] == "S/2018/1183，第 12 段（第 4 页）"
    summary = next(p for p in data["paragraphs"] if p["anchor"] == "b1")
    assert summary["locator"] == "第 1 自然段" and summary["page"] is None
    assert data["footnotes"][0]["locator"] == "脚注 1"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    data = client.get("/api/documents/S/2018/1183/").json()
    assert next(p for p in data["paragraphs"] if p["anchor"] == "p12")["locator"] == "para. 12 (p. 4)"


def test_english_lists_of_pinpoints_use_english_words(client, seeds):
    import_text(LETTER.replace("第 2645(2022)号决议", "报告(S/2018/1183，第 4 段和第 5 段)"), symbol="S/2024/61")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    content = client.get("/documents/S/2018/1183/").content.decode()
    where = content.split('class="cited-by"')[1]
    assert re.search(r'<a href="#p4">paras\. 4 and 5</a>', where)
    assert "S/2024/61, unnumbered para. 1" in page_text(where) or "unnumbered para." in page_text(where)


# --- ordinals never change once served -----------------------------------------------------------


def test_a_reimport_with_a_block_inserted_before_keeps_every_served_locator(client, db):
    doc = import_text(LETTER, symbol="S/2024/60").document
    served = {p.anchor: labels.citation_line(p) for p in doc.paragraphs.current().exclude(kind=BlockKind.TITLE)}
    assert served["b2"] == "S/2024/60，第 2 自然段"
    corrected = LETTER.replace("我谨提及", "首先插入的一段新文字，此前漏收。\n\n我谨提及")
    import_text(corrected, symbol="S/2024/60", replace=True)
    now = {p.anchor: p for p in doc.paragraphs.current()}
    for anchor, line in served.items():
        assert labels.citation_line(now[anchor]) == line, anchor
        assert line in page_text(client.get(f"/documents/S/2024/60/{anchor}/"))
    (new,) = [p for p in now.values() if p.text.startswith("首先插入")]
    assert labels.locator(new) == f"第 {len(served) + 1} 自然段", "the next unused number, not one already served"


# --- search hits ----------------------------------------------------------------------------------


def test_search_hits_are_labelled_with_the_locator(client, indexed_seeds):
    content = client.get("/search/", {"q": "太子港", "document": "S/2022/747"}).content.decode()
    hits = re.findall(r'<a class="hit__where" href="/documents/S/2022/747/\?hl=[^"#]*#(b\d+)">([^<]+)</a>', content)
    assert hits and all(label == f"第 {anchor[1:]} 自然段" for anchor, label in hits)
