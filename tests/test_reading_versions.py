"""Reading a document held in Chinese and English: the Chinese pages as they were, the "原文" beside each
block, the parallel view, the paragraph page with both texts, and the language of every fragment.

The English rows are written by ``tests.versions`` exactly as ISSUE15's data contract describes them
(the English importer is another branch); the English texts are the tests' own.
"""

from __future__ import annotations

import difflib
import json
import re

import lxml.html
import pytest
from django.core.cache import cache

from archive.ingest.store import import_text
from archive.models import Document, Paragraph
from tests.test_reading_pages import page_text, report_text
from tests.versions import (
    POLICING_TITLE,
    REPORT_TITLE,
    WORKING_GROUP_TITLE,
    En,
    add_english,
    add_policing_english,
    add_report_english,
    add_working_group_english,
)

URL = "/documents/S/2024/90/"

# What an English version adds to a Chinese page; everything else must stay as it was.
ADDED = [
    "//details[contains(@class, 'original')]",
    "//nav[@class='view-switch']",
    "//p[@class='document__title-en']",
    "//p[@class='cite-version__title']",
    "//div[@class='cite-version']",
    "//section[@class='standalone__version']",
    "//div[@class='cite-this__version']",
    # Not the version's: a CSRF token is masked anew on every response.
    "//input[@name='csrfmiddlewaretoken']",
]


def tree(content: str):
    return lxml.html.fromstring(content)


def without_english(content: str) -> tuple[str, dict]:
    """The page with the parts an English version adds taken out, and its Chinese copy-with-citation lines."""
    root = tree(content)
    for path in ADDED:
        for element in root.xpath(path):
            element.drop_tree()
    lines = {}
    for script in root.xpath("//script[@id='cite-lines']"):
        lines = {k: v for k, v in json.loads(script.text).items() if not k.startswith("en:")}
        script.drop_tree()
    return re.sub(r"\s+", " ", lxml.html.tostring(root, encoding="unicode")), lines


def assert_same(after: tuple[str, dict], before: tuple[str, dict], url: str) -> None:
    """``without_english`` results equal; a failure shows the lines that differ."""
    if after != before:
        lines = [page.replace("> <", ">\n<").splitlines() for page in (before[0], after[0])]
        diff = "\n".join(difflib.unified_diff(*lines, lineterm="", n=1))
        pytest.fail(f"{url} changed:\n{diff}\n{before[1]}\n{after[1]}")


@pytest.fixture
def report(db):
    return import_text(report_text(4), symbol="S/2024/90").document


@pytest.fixture
def policing(seeds):
    return seeds["002"]


def texts_with_lang(content: str, fragment: str) -> list[str]:
    """The nearest ``lang`` of every text node of the page containing ``fragment``."""
    found = []
    for node in tree(content).xpath("//text()[contains(., $f)]", f=fragment):
        element = node.getparent()
        langs = element.xpath("ancestor-or-self::*[@lang][1]/@lang")
        found.append(langs[0] if langs else "")
    return found


# --- the Chinese pages stay what they were ------------------------------------------------------------


def test_chinese_pages_are_the_same_with_an_english_version(client, report):
    urls = [URL, f"{URL}p1/", f"{URL}p4/", f"{URL}?view=parallel"]
    before = [without_english(client.get(url).content.decode()) for url in urls]
    add_report_english(report)
    after = [without_english(client.get(url).content.decode()) for url in urls]
    for url, old, new in zip(urls[:3], before[:3], after[:3], strict=True):
        assert_same(new, old, url)
    # Asked for before a version existed, the parallel view was the normal page (but for the address
    # the language switch comes back to).
    assert before[3][0].replace("?view=parallel", "") == before[0][0]
    assert 'class="pair"' in after[3][0]


def test_the_document_pages_lists_and_counts_are_the_archives_chinese_ones(client, policing, report):
    """A letter held in both languages cites what it cites once: hubs, cited-by, counts, feeds, sitemaps."""
    letter = import_text(
        "2024 年 3 月 1 日秘书长给安全理事会主席的信\n\n我谨提及我的报告(S/2018/1183，第 12 段)。\n",
        symbol="S/2024/91",
    ).document
    urls = [
        "/",
        "/resolutions/",
        "/resolutions/?sort=-count",
        "/documents/S/2018/1183/",
        "/documents/S/2018/1183/p12/",
        "/documents/S/RES/2645(2022)/",
        "/documents/S/2016/952/",
    ]
    before = [without_english(client.get(url).content.decode()) for url in urls]
    feed_before = client.get("/feeds/cited-by/S/2018/1183/").content.decode()
    sitemap_before = client.get("/sitemap-paragraphs.xml").content.decode()
    api_before = client.get("/api/documents/S/2018/1183/").json()
    add_english(
        letter,
        "Letter dated 1 March 2024 from the Secretary-General addressed to the President of the Security Council",
        [
            ("h1", "Letter dated 1 March 2024 from the Secretary-General"),
            En("b1", "I refer to my report (S/2018/1183, para. 12).", cites=[("S/2018/1183", "S/2018/1183", "12")]),
        ],
    )
    add_report_english(report)
    add_policing_english(policing)
    after = [without_english(client.get(url).content.decode()) for url in urls]
    for url, old, new in zip(urls, before, after, strict=True):
        assert_same(new, old, url)
    # The letter cites S/2018/1183 in both its texts, and is counted once.
    assert "本库中有 2 处段落引用了此文件" in page_text(client.get("/documents/S/2018/1183/"))
    assert "被引 2" in client.get("/documents/S/2018/1183/").content.decode().split('id="p12"')[1][:3000]
    assert feed_before.count("<entry>") == client.get("/feeds/cited-by/S/2018/1183/").content.decode().count("<entry>")
    loc = re.compile(r"<loc>(.*?)</loc>")
    assert loc.findall(client.get("/sitemap-paragraphs.xml").content.decode()) == loc.findall(sitemap_before)
    api_after = client.get("/api/documents/S/2018/1183/").json()
    assert api_after["cited_by"] == api_before["cited_by"]
    assert [p["cited_by_count"] for p in api_after["paragraphs"]] == [
        p["cited_by_count"] for p in api_before["paragraphs"]
    ]


# --- the normal view: "原文" in place -----------------------------------------------------------------


def test_each_chinese_block_with_a_partner_shows_the_english_text_in_place(client, report):
    add_report_english(report)
    content = client.get(URL).content.decode()
    root = tree(content)
    p1 = root.get_element_by_id("p1")
    (original,) = p1.xpath(".//details[@class='original']")
    assert original.get("open") is None, "closed until the reader opens it"
    assert original.xpath("string(summary)").startswith("英文本")
    english = original.xpath(".//p[@lang='en']")[0]
    assert english.text_content().startswith("Security Council resolution 2645 (2022) asked me to report.")
    # Its citations link like the Chinese ones, its marker leads to footnote 1, whose English text is there.
    links = english.xpath(".//a[@class='cite']/@href")
    assert links == ["/documents/S/RES/2645(2022)/", "/documents/S/2018/1183/#p12"]
    assert english.xpath(".//a[@class='fnref']/@href") == ["#fn1"]
    note = root.get_element_by_id("fn1").xpath(".//details[@class='original original--footnote']//p[@lang='en']")
    assert note[0].text_content() == "See resolution 2382 (2017)."
    # A Chinese paragraph without an English partner has nothing to open; the title is the <h1>, with
    # the English title under it; an English-only paragraph is read in the parallel view.
    assert not root.get_element_by_id("p4").xpath(".//details")
    assert root.xpath("string(//p[@class='document__title-en'])") == REPORT_TITLE
    assert "only the English text has" not in content
    # The copy-with-citation lines know the English text's own.
    lines = json.loads(root.get_element_by_id("cite-lines").text)
    assert lines["en:p1"] == "S/2024/90, para. 1, http://testserver/documents/S/2024/90/p1/"
    assert lines["p1"] == "S/2024/90，第 1 段，http://testserver/documents/S/2024/90/p1/"


def test_the_english_text_is_named_original_when_it_is_the_original(client, report):
    Document.objects.filter(pk=report.pk).update(original_language="en")
    add_report_english(Document.objects.get(pk=report.pk))
    summary = tree(client.get(URL).content.decode()).xpath("string(//div[@id='p1']//summary)")
    assert summary.startswith("原文")


def test_the_view_switch_links_both_ways(client, report):
    assert 'class="view-switch"' not in client.get(URL).content.decode(), "no English text, no switch"
    add_report_english(report)
    normal = tree(client.get(URL).content.decode())
    assert normal.xpath("//nav[@class='view-switch']//a[@aria-current='page']/@href") == [URL]
    assert normal.xpath("//a[@data-parallel-view]/@href") == ["?view=parallel"]
    parallel = tree(client.get(f"{URL}?view=parallel").content.decode())
    assert parallel.xpath("//nav[@class='view-switch']//a[@aria-current='page']/@href") == ["?view=parallel"]
    assert parallel.xpath("//link[@rel='canonical']/@href") == [f"http://testserver{URL}"]


# --- the parallel view ----------------------------------------------------------------------------------


def rows(content: str) -> list[tuple[str, str, str]]:
    """(row anchor, Chinese cell's text, English cell's text) for every row of the parallel view."""
    out = []
    for row in tree(content).xpath("//div[@class='pair']"):
        zh, en = row.xpath("./div[contains(@class, 'pair__cell')]")
        text = ".//*[contains(@class, 'block__text')]"
        out.append(
            (
                row.get("id"),
                " ".join(e.text_content() for e in zh.xpath(text)),
                " ".join(e.text_content() for e in en.xpath(text)),
            )
        )
    return out


def test_the_parallel_view_pairs_blocks_by_anchor_in_reading_order(client, report):
    add_report_english(report)
    content = client.get(f"{URL}?view=parallel").content.decode()
    found = rows(content)
    assert [r[0] for r in found] == ["h2", "p1", "p2", "en1", "p3", "p4"]
    by_anchor = {a: (zh, en) for a, zh, en in found}
    assert by_anchor["h2"] == ("一. 导言", "I. Introduction")
    assert by_anchor["p1"][0].startswith("安全理事会") and by_anchor["p1"][1].startswith("Security Council")
    # Unpaired blocks of either side stand in their reading order with an empty cell opposite.
    assert by_anchor["en1"] == ("", "A sentence that only the English text has.")
    assert by_anchor["p4"] == ("第 4 段，没有引用。", "")
    root = tree(content)
    assert root.xpath("//div[@id='en1']/div[1]/@class") == ["pair__cell pair__cell--zh pair__cell--empty"]
    # The two headings of a row are one level in both columns; the title is the page's <h1>.
    assert root.xpath("//div[@id='h2']//h2/@lang") == ["zh-Hans", "en"]
    assert "h1" not in [r[0] for r in found]
    assert root.xpath("string(//h1)") == report.title
    assert root.xpath("string(//p[@class='document__title-en'])") == REPORT_TITLE


def test_the_parallel_view_has_the_footnotes_of_both_texts_in_rows(client, report):
    add_report_english(report)
    root = tree(client.get(f"{URL}?view=parallel").content.decode())
    notes = root.xpath("//li[@class='footnote-pair']")
    assert [n.get("id") for n in notes] == ["fn1", "fn2"]
    assert [t.text_content() for t in notes[0].xpath(".//span[@class='footnote__text']")] == [
        "见第 2382(2017)号决议。",
        "See resolution 2382 (2017).",
    ]
    # Both languages' markers lead to the row, and each footnote back to its own marker.
    assert root.xpath("//div[@id='p1']//a[@class='fnref']/@href") == ["#fn1", "#fn1"]
    assert notes[0].xpath(".//a[@class='footnote__back']/@href") == ["#fnref1-p1", "#fnref1-en-p1"]


@pytest.mark.parametrize("view", ["", "?view=parallel"])
def test_every_id_on_the_page_is_unique_and_every_fragment_link_lands(client, report, view):
    add_report_english(report)
    root = tree(client.get(URL + view).content.decode())
    ids = root.xpath("//@id")
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    fragments = {href[1:] for href in root.xpath("//a/@href") if href.startswith("#")}
    assert fragments <= set(ids), fragments - set(ids)


def test_anchors_and_canonical_names_land_on_the_pair(client, seeds):
    """Seed 004: a cover letter whose annex numbers its paragraphs (annex1-p2 answers for p2)."""
    letter = seeds["004"]
    add_working_group_english(letter)
    root = tree(client.get(f"{letter.get_absolute_url()}?view=parallel").content.decode())
    (row,) = root.xpath("//div[@class='pair'][@id='p2']")
    assert row.xpath("./span[@class='block__alias']/@id") == ["annex1-p2"]
    assert row.xpath("string(./div[2]//p)").startswith("The Permanent Representative of Tunisia")
    # The annex's first block answers to the annex's name, in its row too.
    assert root.xpath("//div[@class='pair'][span/@id='annex1']/@id") == ["h2"]
    assert root.xpath("string(//div[@id='b1']/div[2]//p)").startswith("I have the honour to transmit")


def test_an_english_block_without_a_chinese_partner_is_read_in_the_parallel_view(client, report):
    add_report_english(report)
    response = client.get(f"{URL}en1/")
    assert response.status_code == 302 and response["Location"] == f"{URL}?view=parallel#en1"
    assert client.get(f"{URL}en9/").status_code == 404


# --- the paragraph page -------------------------------------------------------------------------------


def test_the_paragraph_page_shows_both_texts_and_both_citation_lines(client, policing):
    Paragraph.objects.filter(document=policing, language="zh", anchor="p12").update(page=4)
    add_policing_english(Document.objects.get(pk=policing.pk))
    content = client.get("/documents/S/2018/1183/p12/").content.decode()
    root = tree(content)
    assert root.xpath("string(//h1)") == "S/2018/1183，第 12 段（第 4 页）"
    assert root.get_element_by_id("paragraph-text").text_content().startswith("上述情况表明")
    english = root.get_element_by_id("paragraph-text-en")
    assert english.get("lang") == "en" and english.text_content().startswith("A piecemeal approach")
    assert english.xpath(".//a[@class='cite']/@href") == ["/documents/A/RES/72/262C/"]
    assert root.xpath("string(//section[@class='standalone__version']/p[@lang='en'])") == POLICING_TITLE
    assert root.get_element_by_id("citation-line").text_content() == (
        "S/2018/1183，第 12 段（第 4 页），http://testserver/documents/S/2018/1183/p12/"
    )
    assert root.get_element_by_id("citation-line-en").text_content() == (
        "S/2018/1183, para. 12 (p. 4), http://testserver/documents/S/2018/1183/p12/"
    )


def test_the_paragraph_page_lists_the_english_partners_footnotes(client, policing):
    add_policing_english(policing)
    root = tree(client.get("/documents/S/2018/1183/p9/").content.decode())
    # The Chinese footnote 2 and the English one, each with its own id and back-link.
    assert root.get_element_by_id("fn2").xpath("string(.//span[@class='footnote__text'])").startswith("联合国：")
    english = root.get_element_by_id("en-fn2")
    assert english.xpath("string(.//span[@lang='en'])").startswith("United Nations, “Improving security")
    assert root.get_element_by_id("paragraph-text-en").xpath(".//a[@class='fnref']/@href") == ["#en-fn2"]
    assert english.xpath(".//a[@class='footnote__back']/@href") == ["#fnref2-en-p9"]


def test_a_document_without_a_symbol_is_cited_in_english_by_its_english_title(client, seeds):
    letter = seeds["004"]
    add_working_group_english(letter)
    root = tree(client.get(f"{letter.get_absolute_url()}b1/").content.decode())
    assert root.get_element_by_id("citation-line-en").text_content() == (
        f"{WORKING_GROUP_TITLE}, unnumbered para. 1, http://testserver/documents/id/{letter.public_id}/b1/"
    )
    assert root.get_element_by_id("citation-line").text_content().startswith(f"{letter.title}，第 1 自然段，")


def test_a_paragraph_the_english_text_lacks_has_no_english_section(client, report):
    add_report_english(report)
    content = client.get(f"{URL}p4/").content.decode()
    assert "standalone__version" not in content and "citation-line-en" not in content
    # Its neighbours are the Chinese blocks before and after it, not an English one.
    root = tree(client.get(f"{URL}p3/").content.decode())
    assert root.xpath("//a[@rel='next']/@href") == [f"{URL}p4/"]
    assert root.xpath("//a[@rel='prev']/@href") == [f"{URL}p2/"]


# --- language marking -------------------------------------------------------------------------------


@pytest.mark.parametrize("interface", ["zh-hans", "en"])
def test_every_fragment_is_marked_with_its_language(client, report, interface):
    add_report_english(report)
    client.post("/i18n/setlang/", {"language": interface, "next": URL})
    english, chinese = "asked me to report", "请我提交报告"
    for url in (URL, f"{URL}?view=parallel", f"{URL}p1/"):
        content = client.get(url).content.decode()
        assert set(texts_with_lang(content, english)) == {"en"}, url
        assert set(texts_with_lang(content, chinese)) == {"zh-Hans"}, url
        assert set(texts_with_lang(content, "See resolution 2382 (2017)")) <= {"en"}, url
        assert set(texts_with_lang(content, REPORT_TITLE)) == {"en"}, url


# --- queries and the cache ----------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["", "?view=parallel"])
@pytest.mark.parametrize("paragraphs", [4, 60])
def test_the_document_page_costs_the_same_queries_with_or_without_an_english_version(
    client, db, django_assert_num_queries, view, paragraphs
):
    plain = import_text(report_text(paragraphs), symbol="S/2024/80").document
    both = import_text(report_text(paragraphs, date="2024 年 1 月 2 日"), symbol="S/2024/81").document
    add_english(
        both,
        REPORT_TITLE,
        [
            *(
                (f"p{n}", f"Paragraph {n} in English.{{1}}" if n == 1 else f"Paragraph {n}.")
                for n in range(1, paragraphs + 1)
            )
        ],
        [("1", "See resolution 2382 (2017)."), ("2", "See A/66/615.")],
    )
    for doc in (plain, both):
        cache.clear()
        # Rendering: the document; who cites it; corrigenda; its English text; its footnotes with their
        # citations (2); its blocks with their markers and citations (3), both languages together.
        with django_assert_num_queries(9):
            assert client.get(doc.get_absolute_url() + view).status_code == 200
        # From the cache: the document, who cites it, corrigenda (its English text is cached too).
        with django_assert_num_queries(3):
            assert client.get(doc.get_absolute_url() + view).status_code == 200


@pytest.mark.parametrize("anchor", ["p1", "p4"])
def test_the_paragraph_page_costs_the_same_queries_with_or_without_an_english_version(
    client, db, django_assert_num_queries, anchor
):
    plain = import_text(report_text(4), symbol="S/2024/80").document
    both = import_text(report_text(4, date="2024 年 1 月 2 日"), symbol="S/2024/81").document
    add_report_english(both)
    for doc in (plain, both):
        with django_assert_num_queries(10 if anchor == "p1" else 9):
            assert client.get(f"{doc.get_absolute_url()}{anchor}/").status_code == 200


def test_the_two_views_are_cached_apart_and_every_version_change_shows_at_once(client, report):
    normal = client.get(URL).content.decode()
    add_report_english(report)
    assert 'class="original"' in client.get(URL).content.decode(), "a new version renews the page"
    parallel = client.get(f"{URL}?view=parallel").content.decode()
    assert 'class="pair"' in parallel and 'class="pair"' not in client.get(URL).content.decode()
    # A correction of an English block, of its footnote, of the version's title.
    block = Paragraph.objects.get(document=report, language="en", anchor="p3")
    block.text = "Paragraph 3, corrected."
    block.save()
    assert "Paragraph 3, corrected." in client.get(URL).content.decode()
    assert "Paragraph 3, corrected." in client.get(f"{URL}?view=parallel").content.decode()
    version = report.versions.get()
    version.title = "Report of the Secretary-General (corrected title)"
    version.save()
    assert "(corrected title)" in client.get(f"{URL}?view=parallel").content.decode()
    # The version removed: the page is the Chinese page it was.
    version.delete()
    Paragraph.objects.filter(document=report, language="en").delete()
    assert without_english(client.get(URL).content.decode()) == without_english(normal)
    assert 'class="pair"' not in client.get(f"{URL}?view=parallel").content.decode()
