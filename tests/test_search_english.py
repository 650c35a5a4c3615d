"""English text in the index: an English query finds English paragraphs, `lang:` picks a version.

S/2018/1183 (seed 002) with the tests' own English text of it (tests/data/shapes_en), as a
librarian adds it; the English words are indexed whole and lower-cased, and a quoted English phrase
is those words in that order, as a Chinese one is.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.ingest.store import import_version
from archive.models import Paragraph
from search import engine
from tests import test_search_fixtures as fx
from tests.test_search_fixtures import build_index

from .test_versions_store import REPORT_EN

fresh_index = fx.fresh_index

SEARCH = reverse("search")
API = reverse("api_search")


@pytest.fixture
def bilingual(seeds, fresh_index):
    """The seeds, S/2018/1183 with its English text beside the Chinese, indexed."""
    import_version(seeds["002"], REPORT_EN)
    build_index()
    return seeds


def run(q: str) -> engine.Outcome:
    return engine.run(engine.SearchParams(q=q, per_page=200))


def english_blocks_containing(pattern: str) -> set[str]:
    """Brute force over the stored English text: anchors of the current blocks matching ``pattern``."""
    rx = re.compile(pattern, re.IGNORECASE)
    rows = Paragraph.objects.current().in_language("en").values_list("anchor", "text")
    return {a for a, t in rows if rx.search(t)}


def test_an_english_word_finds_the_english_paragraphs_that_use_it(bilingual):
    out = run("police")
    english = {h.block.anchor for h in out.hits if h.language == "en" and h.kind == "paragraph"}
    assert english == english_blocks_containing(r"\bpolice\b")
    assert len(english) > 10, "the issue: `police` used to find only a URL"
    assert all(h.document.symbol == "S/2018/1183" for h in out.hits if h.language == "en")


def test_english_words_are_whole_words_and_any_case(bilingual):
    # "police" is not found inside "policing"; capitals do not matter.
    assert {h.block.anchor for h in run("Police").hits} == {h.block.anchor for h in run("police").hits}
    policing = {h.block.anchor for h in run("policing").hits if h.kind == "paragraph"}
    assert policing == english_blocks_containing(r"\bpolicing\b")
    assert policing - english_blocks_containing(r"\bpolice\b"), "some paragraphs say policing, not police"


def test_a_quoted_english_phrase_is_those_words_in_that_order(bilingual):
    out = run('"of the Police Division"')
    found = {h.block.anchor for h in out.hits if h.kind == "paragraph"}
    assert found and found == english_blocks_containing(r"\bof the police division\b")
    assert not run('"Division of the Police"').total
    assert "<mark>of the Police Division</mark>" in str(out.hits[0].snippet)


def test_lang_filter_keeps_one_version(bilingual):
    both = run("police")
    english = run("lang:en police")
    chinese = run("lang:zh police")
    assert english.total + chinese.total == both.total
    assert english.total and all(h.language == "en" for h in english.hits)
    assert all(h.language == "zh" for h in chinese.hits)
    # The Chinese text holds "police" only in a URL or a Latin name, never as the English word of a paragraph.
    assert chinese.total < english.total
    # Named in Chinese too, and on its own: every English block of the archive.
    assert run("语言:英文 police").total == english.total
    assert run("lang:en").total == Paragraph.objects.current().in_language("en").count() + sum(
        1 for _ in bilingual["002"].footnotes.filter(language="en")
    )


def test_a_chinese_query_finds_chinese_text_only(bilingual):
    assert all(h.language == "zh" for h in run("警察").hits)


def test_an_unknown_language_is_said_and_ignored(client, bilingual):
    out = run("lang:fr police")
    assert out.total == run("police").total
    assert any("fr" in n and "en" in n for n in out.notes)
    response = client.get(SEARCH, {"q": "lang:fr police"})
    assert response.status_code == 200 and "未知的语言" in response.content.decode()
    english = client.get(SEARCH, {"q": "lang:fr police"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Unknown language “fr”" in english.content.decode()


def test_an_english_hit_shows_its_chinese_partner_and_opens_the_parallel_view(client, bilingual):
    html = client.get(SEARCH, {"q": "lang:en police"}).content.decode()
    hit = re.search(r'<li class="hit">.*?</li>', html, re.S).group(0)
    assert 'lang="en"' in hit and "<mark>" in hit
    partner = re.search(r'<p class="hit__partner" lang="zh-Hans">(.*?)</p>', hit, re.S)
    href = re.search(r'class="hit__where" href="([^"]+)"', hit).group(1)
    assert re.match(r"/documents/S/2018/1183/\?view=parallel&amp;hl=police#p\d+", href)
    anchor = href.rsplit("#", 1)[1]
    chinese = Paragraph.objects.current().in_language("zh").get(document=bilingual["002"], anchor=anchor)
    assert chinese.text[:40] in partner.group(1)
    assert client.get(href.replace("&amp;", "&")).status_code == 200


def test_the_api_gives_each_hit_its_language_and_partner(client, bilingual):
    data = client.get(API, {"q": "lang:en police"}).json()
    first = data["results"][0]
    assert first["language"] == "en"
    partner = Paragraph.objects.get(document=bilingual["002"], language="zh", anchor=first["anchor"])
    assert first["partner"] == {"language": "zh", "text": partner.text}
    chinese = client.get(API, {"q": "警察"}).json()["results"][0]
    assert chinese["language"] == "zh" and chinese["partner"] is None


def test_a_page_of_english_hits_costs_one_query_more_than_a_chinese_page_whatever_its_length(client, bilingual):
    def queries(q: str) -> int:
        client.get(SEARCH, {"q": q})  # warm the session, glossary and locale
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(SEARCH, {"q": q}).content.decode().count('class="hit"') == 20
        return len(ctx.captured_queries)

    # Twenty partners are fetched together: one query for the page, not one per hit.
    assert queries("lang:en police") == queries("警察") + 1
