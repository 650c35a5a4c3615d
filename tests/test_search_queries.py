"""Searching the seed documents through /search/ and /api/search/: what a reader types and sees."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from archive.models import Abbreviation, Citation, Document, Paragraph
from search.engine import SearchParams, run
from tests import test_search_fixtures as fx
from tests.test_search_fixtures import build_index

# Shared fixtures (defined once in test_search_fixtures).
fresh_index = fx.fresh_index
indexed_seeds = fx.indexed_seeds

SEARCH = reverse("search")
API = reverse("api_search")


def api(client, **params) -> dict:
    response = client.get(API, params)
    assert response.status_code == 200
    return response.json()


def all_hits(client, **params) -> list[dict]:
    """Every hit of a search (following "next"), as the API returns them."""
    data = api(client, **params)
    hits = list(data["results"])
    page = 1
    while data["next"]:
        page += 1
        data = api(client, **params, page=page)
        hits += data["results"]
    assert len(hits) == data["count"]
    return hits


def block_text(hit: dict) -> str:
    doc = Document.objects.get(symbol=hit["symbol"]) if hit["symbol"] else Document.objects.get(title=hit["title"])
    if hit["kind"] == "footnote":
        return doc.footnotes.get(anchor=hit["anchor"]).text
    return doc.paragraphs.get(anchor=hit["anchor"]).text


def plain(snippet: str) -> str:
    return re.sub(r"</?mark>", "", snippet)


# --- the page --------------------------------------------------------------------------------------


def test_a_hit_shows_title_symbol_date_snippet_and_links_to_the_paragraph(client, indexed_seeds):
    response = client.get(SEARCH, {"q": "警务咨询委员会"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "秘书长关于联合国警务工作的报告" in html and "S/2018/1183" in html
    assert 'datetime="2018-12-31"' in html
    assert "<mark>警务</mark>" in html or "<mark>警务咨询委员会</mark>" in html
    link = re.search(r'class="hit__title" href="([^"]+)"', html).group(1)
    assert link.startswith("/documents/S/2018/1183/?hl=") and re.search(r"#p\d+$", link)
    assert re.search(r"共 \d+ 条结果", html)


def test_the_api_returns_the_documented_shape(client, indexed_seeds):
    data = api(client, q="联合国警察")
    assert set(data) >= {"count", "next", "results"}
    assert data["count"] > 20 and data["next"].endswith("page=2")
    hit = data["results"][0]
    assert set(hit) >= {"symbol", "title", "date", "anchor", "url", "snippet"}
    assert hit["url"].startswith("http://testserver/documents/") and hit["url"].endswith("#" + hit["anchor"])
    assert "<mark>" in hit["snippet"]
    page2 = api(client, q="联合国警察", page=2)
    assert {h["url"] for h in page2["results"]}.isdisjoint({h["url"] for h in data["results"]})


def test_footnotes_are_found_and_link_to_their_anchor(client, indexed_seeds):
    hits = all_hits(client, q="世界银行")
    footnotes = [h for h in hits if h["kind"] == "footnote"]
    assert footnotes and footnotes[0]["anchor"] == "fn1" and footnotes[0]["symbol"] == "S/2018/1183"


def test_search_page_uses_a_fixed_number_of_queries(client, indexed_seeds, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):  # glossary, two block fetches, session/locale odds and ends
        response = client.get(SEARCH, {"q": "警察"})
    assert response.content.decode().count('class="hit"') == 20


# --- Chinese -----------------------------------------------------------------------------------------


def test_abbreviation_finds_paragraphs_that_only_use_the_full_name_and_back(client, indexed_seeds):
    short_hits = all_hits(client, q="联海综合办")
    full_hits = all_hits(client, q="联合国海地综合办事处")
    short_texts = [block_text(h) for h in short_hits]
    full_texts = [block_text(h) for h in full_hits]
    assert any("联海综合办" not in t and "联合国海地综合办事处" in t for t in short_texts)
    assert any("联合国海地综合办事处" not in t and "联海综合办" in t for t in full_texts)
    assert {h["url"] for h in short_hits} == {h["url"] for h in full_hits}
    page = client.get(SEARCH, {"q": "联海综合办"}).content.decode()
    assert "同时检索了简称和全称" in page


def test_librarians_can_switch_a_glossary_pair_off(client, indexed_seeds):
    before = api(client, q="联海综合办")["count"]
    Abbreviation.objects.filter(short="联海综合办").update(is_active=False)
    from search import glossary

    glossary.invalidate()  # what the admin's save signal does; update() sends none
    after = api(client, q="联海综合办")["count"]
    assert after < before
    assert after == Paragraph.objects.current().filter(text__contains="联海综合办").count()


def test_traditional_characters_find_simplified_text(client, indexed_seeds):
    simplified = all_hits(client, q="联合国警察")
    traditional = all_hits(client, q="聯合國警察")
    assert simplified and [h["url"] for h in traditional] == [h["url"] for h in simplified]
    assert "<mark>联合国警察</mark>" in traditional[0]["snippet"]


def test_parts_of_un_terms_are_found_inside_the_whole_term(client, indexed_seeds):
    hits = all_hits(client, q="理事会")
    texts = [block_text(h) for h in hits]
    assert any("安全理事会" in t for t in texts)
    assert all("理事会" in t for t in texts)


def test_phrase_in_quotes_requires_the_words_together_and_in_order(client, indexed_seeds):
    phrase = all_hits(client, q='"性剥削和性虐待"')
    chinese_quotes = all_hits(client, q="“性剥削和性虐待”")
    assert phrase and [h["url"] for h in chinese_quotes] == [h["url"] for h in phrase]
    assert all("性剥削和性虐待" in block_text(h) for h in phrase)
    loose = all_hits(client, q="警察 部队")
    tight = all_hits(client, q='"警察部队"')
    assert 0 < len(tight) < len(loose)
    assert all("警察部队" in block_text(h) for h in tight)


def test_boolean_operators(client, indexed_seeds):
    either = {h["url"] for h in all_hits(client, q="马里 OR 苏丹")}
    mali = {h["url"] for h in all_hits(client, q="马里")}
    sudan = {h["url"] for h in all_hits(client, q="苏丹")}
    assert either == mali | sudan and mali and sudan
    police_not_haiti = all_hits(client, q="警察 NOT 海地")
    assert police_not_haiti and all("海地" not in block_text(h) for h in police_not_haiti)
    both = all_hits(client, q="警察 AND 海地")
    assert all("警察" in block_text(h) and "海地" in block_text(h) for h in both)


# --- symbols and resolutions -------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["S/2018/1183", "s/2018/1183", " S/2018/1183 ", "Ｓ／２０１８／１１８３"])
def test_a_symbol_goes_straight_to_the_document(client, indexed_seeds, q):
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 302 and response["Location"] == "/documents/S/2018/1183/"


@pytest.mark.parametrize("q", ["2645(2022)", "第2645(2022)号决议", "第 2645 (2022)号决议", "S/RES/2645(2022) "])
def test_a_resolution_finds_the_paragraphs_that_cite_it(client, indexed_seeds, q):
    citing = set(
        Citation.objects.filter(cited_symbol="S/RES/2645(2022)", paragraph__is_current=True).values_list(
            "paragraph__document_id", "paragraph__anchor"
        )
    )
    response = client.get(SEARCH, {"q": q})
    if response.status_code == 302:  # S/RES/… is a symbol: its (hub) page lists the citing paragraphs
        assert response["Location"] == "/documents/S/RES/2645(2022)/"
        return
    hits = all_hits(client, q=q)
    assert {(Document.objects.get(symbol=h["symbol"]).pk, h["anchor"]) for h in hits} == citing


def test_symbol_and_year_prefixes(client, indexed_seeds):
    in_doc = all_hits(client, q="symbol:S/2011/817 和平")
    assert in_doc and {h["symbol"] for h in in_doc} == {"S/2011/817"}
    in_2018 = all_hits(client, q="year:2018 警察")
    assert in_2018 and {h["date"][:4] for h in in_2018} == {"2018"}
    span = all_hits(client, q="year:2021-2022 警察")
    assert span and {h["date"][:4] for h in span} <= {"2021", "2022"}


# --- filters, facets, sorting ------------------------------------------------------------------------


def test_year_range_filter_and_its_counts(client, indexed_seeds):
    everything = all_hits(client, q="警察")
    filtered = all_hits(client, q="警察", year_from=2018, year_to=2021)
    assert filtered and len(filtered) < len(everything)
    assert all(2018 <= int(h["date"][:4]) <= 2021 for h in filtered)
    outcome = run(SearchParams(q="警察"))
    counts = {int(f.value): f.count for f in outcome.years}
    assert counts[2018] == sum(1 for h in everything if h["date"].startswith("2018"))
    assert sum(counts.values()) == outcome.total


def test_type_cites_and_document_filters(client, indexed_seeds):
    reports = all_hits(client, q="警察", type="report")
    assert reports and {h["symbol"] for h in reports} == {"S/2018/1183"}
    citing = all_hits(client, q="警察", cites="S/RES/2382(2017)")
    assert citing
    for h in citing:
        doc = Document.objects.get(symbol=h["symbol"])
        assert Citation.objects.filter(
            paragraph__document=doc, paragraph__anchor=h["anchor"], cited_symbol="S/RES/2382(2017)"
        ).exists()
    in_doc = all_hits(client, q="警察", document="s/2018/1183")
    assert in_doc and {h["symbol"] for h in in_doc} == {"S/2018/1183"}
    filter_only = all_hits(client, cites="2645(2022)")
    assert (
        len(filter_only)
        == Citation.objects.filter(cited_symbol="S/RES/2645(2022)").values("paragraph").distinct().count()
    )


def test_filters_are_offered_with_counts_on_the_page(client, indexed_seeds):
    html = client.get(SEARCH, {"q": "警察"}).content.decode()
    assert re.search(
        r'href="\?q=%E8%AD%A6%E5%AF%9F&amp;year_from=2018&amp;year_to=2018">2018</a> <span class="count">\d+', html
    )
    assert re.search(r'type=report">报告</a> <span class="count">\d+', html)
    assert "S/RES/2382(2017)" in html


def test_sort_by_newest_and_oldest(client, indexed_seeds):
    newest = [h["date"] for h in all_hits(client, q="警察", sort="newest")]
    oldest = [h["date"] for h in all_hits(client, q="警察", sort="oldest")]
    assert newest == sorted(newest, reverse=True) and oldest == sorted(oldest)
    assert newest[0] == "2025-02-24" and oldest[0] == "2011-12-30"


# --- the unexpected --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        '"未闭合的引号 警察',
        "(海地 OR 马里",
        "警察))",
        "AND",
        "OR OR OR",
        "NOT 警察",
        "警察 NOT",
        "year:abc 警察",
        "type:xyz",
        "symbol:",
        "警察" * 1000,
        "警察\x00\x1b[31m海地",
        "\u202e\u200b警察",
        "<script>alert(1)</script>",
        "*?~^{}[]:\\",
        "第(号决议",
        "S/RES/0(2022)",
    ],
)
def test_malformed_queries_get_a_best_effort_search_never_an_error(client, indexed_seeds, q):
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert api(client, q=q)["count"] >= 0


def test_malformed_query_gets_a_note_in_the_interface_language(client, indexed_seeds):
    html = client.get(SEARCH, {"q": '"警察'}).content.decode()
    assert "引号不成对" in html
    english = client.get(SEARCH, {"q": '"警察'}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Unbalanced quotation mark" in english


def test_bad_filter_values_are_ignored_with_a_note(client, indexed_seeds):
    response = client.get(SEARCH, {"q": "警察", "year_from": "明年", "page": "x", "sort": "zzz", "type": "nope"})
    html = response.content.decode()
    assert response.status_code == 200 and "年份“明年”无效" in html and 'class="hit"' in html


def test_no_results_says_so_and_suggests_the_other_form_or_a_looser_query(client, indexed_seeds):
    html = client.get(SEARCH, {"q": '"警察 马里 维和"'}).content.decode()
    assert "没有找到结果" in html
    assert "去掉引号" in html
    html = client.get(SEARCH, {"q": "联海 不存在的词"}).content.decode()
    assert "没有找到结果" in html and "联海综合办" in html


def test_draft_documents_and_retired_paragraphs_are_not_searchable(client, db, fresh_index):
    from archive.ingest.store import import_text

    import_text("某份草稿\n\n1. 草稿中的独特词语甲乙丙联络处。\n", symbol="S/2030/1", status="draft")
    doc = import_text("公开文件\n\n1. 第一段。\n\n2. 最初版本的独特段落联络处。\n", symbol="S/2030/2").document
    import_text("公开文件\n\n1. 修改后的内容。\n", symbol="S/2030/2", replace=True)
    build_index()
    assert api(client, q="甲乙丙")["count"] == 0
    assert api(client, q="最初版本")["count"] == 0
    assert doc.paragraphs.filter(is_current=False).exists()
    assert api(client, q="修改后")["count"] == 1


def test_the_search_help_page_explains_the_syntax_in_chinese(client, db):
    html = client.get(reverse("search_help")).content.decode()
    for example in (
        "维持和平 警察",
        "性剥削和性虐待",
        "海地 OR 马里",
        "警察 NOT 海地",
        "symbol:S/2018/1183",
        "year:2015-2018",
        "2645(2022)",
        "联海综合办",
        "聯合國警察",
    ):
        assert example in html


def test_a_symbol_with_filters_searches_the_document_and_what_cites_it(client, indexed_seeds):
    hits = all_hits(client, q="S/2018/1183", year_from=2018, year_to=2018)
    assert hits and {h["symbol"] for h in hits} == {"S/2018/1183"}
    absent = client.get(SEARCH, {"q": "S/2016/9999"}).content.decode()
    assert "本库没有文号为 S/2016/9999 的文件" in absent


# --- exact phrases and clean highlights (issue 13) ----------------------------------------------------


def folded_stream(text: str) -> str:
    from search import analyzers

    return analyzers.stream(text)


@pytest.mark.parametrize("phrase", ["警察的能力", "维和人员的安全", "所作的努力"])
def test_a_quoted_phrase_finds_exactly_those_words_in_that_order(client, indexed_seeds, phrase):
    hits = all_hits(client, q=f'"{phrase}"')
    assert hits
    assert all(phrase in folded_stream(block_text(h)) for h in hits)
    # Every block that has the phrase is found, not only some.
    having = [p for p in Paragraph.objects.current() if phrase in folded_stream(p.text)]
    assert len(hits) == len(having)


def test_a_phrase_does_not_match_the_same_words_without_its_function_word(client, indexed_seeds):
    without = all_hits(client, q='"维和人员安全"')  # 维和人员安全和保障 …
    with_de = {h["url"] for h in all_hits(client, q='"维和人员的安全"')}
    only_without = [h for h in without if "维和人员的安全" not in block_text(h)]
    assert only_without and with_de
    assert not {h["url"] for h in only_without} & with_de


def test_a_phrase_is_marked_whole_and_function_characters_never_alone(client, indexed_seeds):
    data = api(client, q='"维和人员的安全"')
    snippets = [h["snippet"] for h in data["results"]]
    assert all("<mark>维和人员的安全</mark>" in s for s in snippets)
    assert not any("<mark>的</mark>" in s or "<mark>安全</mark>" in s for s in snippets)
    words = api(client, q="警察的能力")["results"]  # unquoted: three words, 的 among them
    assert words and not any("<mark>的</mark>" in h["snippet"] for h in words)


def test_a_word_is_not_marked_inside_a_longer_word_when_the_block_has_it_whole(client, indexed_seeds):
    from search import analyzers

    checked = 0
    for hit in all_hits(client, q="安全"):
        text = block_text(hit)
        whole = any(w == "安全" and is_whole for w, is_whole, _s, _e in analyzers.tokens_with_offsets(text))
        if whole and "安全理事会" in text:
            checked += 1
            assert "<mark>安全</mark>理事会" not in hit["snippet"], hit["snippet"]
            assert "<mark>安全</mark>" in hit["snippet"]
    assert checked


def test_the_reading_page_link_carries_the_phrase_whole(client, indexed_seeds):
    html = client.get(SEARCH, {"q": '"维和人员的安全"'}).content.decode()
    link = re.search(r'class="hit__title" href="([^"]+)"', html).group(1)
    from urllib.parse import parse_qs, unquote, urlparse

    assert parse_qs(urlparse(unquote(link.replace("&amp;", "&"))).query)["hl"] == ['"维和人员的安全"']


# --- title:, prefixes and syntax from elsewhere ---------------------------------------------------------


def test_title_field_searches_the_documents_titles(client, indexed_seeds):
    hits = all_hits(client, q="title:警务")
    assert hits and {h["title"] for h in hits} == {"秘书长关于联合国警务工作的报告"}
    assert {h["symbol"] for h in all_hits(client, q='title:"维持和平行动工作组" 部队')} <= {"S/2011/817", None}
    assert api(client, q="title:警务 维持和平")["count"] < api(client, q="维持和平")["count"]


def test_a_prefix_finds_every_indexed_word_starting_with_it(client, indexed_seeds):
    hits = all_hits(client, q="海*")
    assert hits and not api(client, q="海*")["notes"]
    assert all(re.search(r"海", block_text(h)) for h in hits)
    assert {h["url"] for h in all_hits(client, q="海地")} <= {h["url"] for h in hits}
    assert "<mark>海地" in api(client, q="海*")["results"][0]["snippet"]


def test_syntax_this_search_does_not_have_is_named_and_the_rest_searched(client, indexed_seeds):
    html = client.get(SEARCH, {"q": "author:古特雷斯"}).content.decode()
    assert "不支持字段“author:”" in html and 'class="hit"' in html
    html = client.get(SEARCH, {"q": "警?察"}).content.decode()
    assert "不支持“?”" in html and 'class="hit"' in html
