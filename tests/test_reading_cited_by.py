"""Cited by, paragraph by paragraph: who cites this paragraph (by pin-point), counted on every block."""

from __future__ import annotations

import re

from archive.ingest.store import import_text
from archive.models import Citation, Paragraph
from tests.test_reading_pages import page_text

LETTER = """2024 年 5 月 2 日秘书长给安全理事会主席的信

我谨提及我关于联合国警务工作的报告(S/2018/1183，第 11 段)。

另一段，与报告无关。

安东尼奥·古特雷斯(签名)
"""


def cited_count(content: str, anchor: str) -> str | None:
    """The "被引 n" link on the block ``anchor`` of a document page, or None."""
    chunk = content.split(f'id="{anchor}"', 1)[1].split('<div class="block', 1)[0]
    m = re.search(r'<a class="block__cited" href="([^"]+)">([^<]+)<', chunk)
    return m and f"{m.group(2)} → {m.group(1)}"


def test_the_paragraph_page_lists_a_letter_citing_it_by_number(client, seeds):
    before = client.get("/documents/S/2018/1183/p11/").content.decode()
    assert "本库中尚无文件按段落号引用本段。" in before
    import_text(LETTER, symbol="S/2024/70")
    response = client.get("/documents/S/2018/1183/p11/")
    section = response.content.decode().split('id="cited-by-heading"')[1].split("</section>")[0]
    assert "引用本段的文件" in response.content.decode()
    assert 'href="/documents/S/2024/70/"' in section
    assert 'href="/documents/S/2024/70/#b1">第 1 自然段</a>' in section, "the citing paragraph, by its locator"
    excerpt = re.search(r'<blockquote class="citing-place__excerpt"[^>]*>(.*?)</blockquote>', section, re.S).group(1)
    assert "<mark>S/2018/1183，第 11 段</mark>" in excerpt or "<mark>S/2018/1183</mark>" in excerpt
    assert "我谨提及我关于联合国警务工作的报告" in excerpt, "with the citing sentence"
    # Other paragraphs of the report are not cited by the letter.
    assert "S/2024/70" not in client.get("/documents/S/2018/1183/p12/").content.decode()


def test_the_document_page_counts_citers_on_each_cited_paragraph(client, seeds):
    import_text(LETTER, symbol="S/2024/70")
    import_text(LETTER.replace("5 月 2 日", "6 月 3 日").replace("第 11 段", "第 11 段和第 12 段"), symbol="S/2024/71")
    content = client.get("/documents/S/2018/1183/").content.decode()
    assert cited_count(content, "p11") == "被引 2 → /documents/S/2018/1183/p11/#cited-by-heading"
    assert cited_count(content, "p12") == "被引 1 → /documents/S/2018/1183/p12/#cited-by-heading"
    assert cited_count(content, "p13") is None, "no count where nothing cites"
    # The link opens the list it counts.
    listed = client.get("/documents/S/2018/1183/p11/").content.decode().split('id="cited-by-heading"')[1]
    assert len(re.findall(r'<li class="citing-document"', listed)) == 2


def test_a_range_counts_for_every_paragraph_in_it(client, seeds):
    import_text(LETTER.replace("第 11 段", "第 29-31 段"), symbol="S/2024/72")
    content = client.get("/documents/S/2018/1183/").content.decode()
    assert [bool(cited_count(content, f"p{n}")) for n in (28, 29, 30, 31, 32)] == [False, True, True, True, False]
    listed = page_text(client.get("/documents/S/2018/1183/p30/"))
    assert "S/2024/72" in listed and re.search(r"引用：\s*第 29-31 段", listed)


def test_the_api_carries_the_count_per_paragraph(client, seeds):
    import_text(LETTER.replace("第 11 段", "第 11-12 段"), symbol="S/2024/73")
    data = client.get("/api/documents/S/2018/1183/").json()
    counts = {p["anchor"]: p["cited_by_count"] for p in data["paragraphs"]}
    assert counts["p11"] == counts["p12"] == 1 and counts["p13"] == 0


def test_hub_pin_point_index_follows_the_grammar(client, seeds):
    # A range, and (as the importer now stores them) an annex paragraph and a whole annex.
    text = LETTER.replace("(S/2018/1183，第 11 段)", "(S/2020/5，第 2-3 段；S/2020/5，附件一；S/2020/5，附件二)")
    import_text(text, symbol="S/2024/74")
    whole, other = Citation.objects.filter(cited_symbol="S/2020/5", pinpoint="附件一"), "附件二"
    Citation.objects.filter(cited_symbol="S/2020/5", pinpoint=other).update(pinpoint="附件二:4")
    content = client.get("/documents/S/2020/5/").content.decode()
    index = content.split('id="by-pinpoint-heading"')[1].split("</section>")[0]
    ids = re.findall(r'<li id="([^"]+)">\s*<span class="by-pinpoint__number">([^<]+)</span>', index)
    assert whole.exists()
    assert ids == [("p2", "第 2 段"), ("p3", "第 3 段"), ("annex1", "附件一"), ("annex2-p4", "附件二第 4 段")]
    for c in Citation.objects.filter(cited_symbol="S/2020/5"):
        anchor = c.target_url().split("#")[1]
        assert f'<li id="{anchor}">' in index, "each citation's link lands on its entry"


def annexed(doc, symbol):
    """Seed 004 as the importer now stores it: the report after the cover letter is annex 1, its
    paragraphs still served as p1… (the main body has no numbered paragraphs of its own)."""
    first = doc.paragraphs.get(anchor="h2").position
    doc.paragraphs.filter(position__gte=first).update(section="annex1")
    doc.symbol = symbol
    doc.save()


def test_annex_paragraphs_served_as_p_answer_to_their_canonical_name(client, seeds):
    annexed(seeds["004"], "S/2021/1000")
    import_text(LETTER.replace("S/2018/1183，第 11 段", "S/2021/1000，附件，第 3 段"), symbol="S/2024/75")
    Citation.objects.filter(cited_symbol="S/2021/1000").update(pinpoint="附件一:3")
    citation = Citation.objects.select_related("target").get(cited_symbol="S/2021/1000")
    assert citation.target_url() == "/documents/S/2021/1000/#annex1-p3"
    content = client.get("/documents/S/2021/1000/").content.decode()
    block = content.split('id="p3">', 1)[1].split('<div class="block', 1)[0]
    assert '<span class="block__alias" id="annex1-p3"></span>' in block, "#annex1-p3 lands on it"
    assert cited_count(content, "p3") == "被引 1 → /documents/S/2021/1000/p3/#cited-by-heading"
    assert "S/2024/75" in client.get("/documents/S/2021/1000/p3/").content.decode()
    response = client.get("/documents/S/2021/1000/annex1-p3/")
    assert response.status_code == 302 and response["Location"] == "/documents/S/2021/1000/p3/"
    response = client.get("/documents/S/2021/1000/annex1-p3/cite.bib")
    assert response.status_code == 302 and response["Location"] == "/documents/S/2021/1000/p3/cite.bib"
    assert client.get("/documents/S/2021/1000/annex1-p999/").status_code == 404


def test_a_whole_annex_pinpoint_lands_on_the_annex_and_counts_there(client, seeds):
    annexed(seeds["004"], "S/2021/1000")
    import_text(LETTER.replace("S/2018/1183，第 11 段", "S/2021/1000，附件"), symbol="S/2024/76")
    assert Citation.objects.get(cited_symbol="S/2021/1000").target_url() == "/documents/S/2021/1000/#annex1"
    content = client.get("/documents/S/2021/1000/").content.decode()
    assert re.search(r'<span class="block__alias" id="annex1"></span>\s*<h2 id="h2"', content)
    heading = content.split('<span class="block__alias" id="annex1">')[1].split('<div class="block')[0]
    assert '<a class="block__cited" href="/documents/S/2021/1000/h2/#cited-by-heading">被引 1' in heading
    assert client.get("/documents/S/2021/1000/annex1/")["Location"] == "/documents/S/2021/1000/h2/"
    assert "S/2024/76" in client.get("/documents/S/2021/1000/h2/").content.decode()


def test_a_paragraph_page_without_citers_by_number_says_nothing_about_them(client, seeds):
    content = client.get("/documents/S/2022/747/b5/").content.decode()
    assert 'id="cited-by-heading"' not in content, "unnumbered blocks are not pin-pointed"
    assert Paragraph.objects.get(document=seeds["000"], anchor="b5")
