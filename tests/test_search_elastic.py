"""The Elasticsearch path, as far as it can be shown without an Elasticsearch server.

Same tokens and same query decisions as Whoosh, a mapping that accepts every entry we write, the
request that carries the facets, and a site that keeps reading when Elasticsearch is down.  The
tests against a live server are in test_search_elastic_live.py (they run when SEARCH_URL is set).
"""

from __future__ import annotations

import socket
from collections import Counter

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.urls import reverse

from archive.ingest.store import import_text
from archive.models import Footnote, Paragraph
from config.settings.base import elasticsearch_connection
from search import analyzers, indexing
from search.compiler import Compiler, WhooshBuilder
from search.elastic.backend import GRAMS, PARTS, TEXT, index_mapping, index_settings, segmented
from search.elastic.query import ElasticBuilder
from search.elastic.search import read_counts, request_body, words_to_look_up
from search.engine import SearchParams
from search.glossary import current as current_glossary
from search.query import parse_query
from tests import test_search_fixtures as fx
from tests.conftest import LETTER, SEEDS, parsed_seed

fresh_index = fx.fresh_index
indexed_seeds = fx.indexed_seeds
use_elasticsearch = fx.use_elasticsearch


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- configuration ---------------------------------------------------------------------------------


def test_search_url_selects_the_elasticsearch_backend_and_index():
    conn = elasticsearch_connection("https://reader:secret@es.internal:9200/archive")
    assert conn["ENGINE"] == "search.elastic.JiebaElasticsearchEngine"
    assert conn["URL"] == "https://reader:secret@es.internal:9200/"
    assert conn["INDEX_NAME"] == "archive"


@pytest.mark.parametrize("url", ["es.internal:9200/archive", "http://es.internal:9200/", "http://es:9200/Archive/x"])
def test_a_search_url_without_scheme_or_index_name_stops_start_up(url):
    with pytest.raises(ImproperlyConfigured, match="SEARCH_URL"):
        elasticsearch_connection(url)


# --- the same tokens -------------------------------------------------------------------------------


def whoosh_entry(text: str) -> dict:
    """The fields Whoosh's writer derives from a block's text (what search.writers stores)."""
    a = analyzers.analyze(text)
    return {"terms": Counter(a.terms), "stream": a.column.decode()}


def unpair(pairs: list[str]) -> str:
    return "".join(p[0] for p in pairs) + pairs[-1][1]


def pairs_in_a_row(block_pairs: list[str], needle: str) -> bool:
    """Elasticsearch's match_phrase (slop 0) over whitespace tokens, one position per pair."""
    wanted = [needle[i : i + 2] for i in range(len(needle) - 1)]
    if not wanted:
        return any(p.startswith(needle) for p in block_pairs)  # the prefix query
    return any(block_pairs[i : i + len(wanted)] == wanted for i in range(len(block_pairs) - len(wanted) + 1))


@pytest.mark.parametrize("seed", SEEDS)
def test_elasticsearch_receives_exactly_the_tokens_whoosh_indexes(seed):
    """Words and parts as Whoosh counts them, and the character pairs of Whoosh's phrase stream."""
    blocks = [*parsed_seed(seed).blocks, *parsed_seed(seed).footnotes]
    assert blocks
    for block in blocks:
        whoosh = whoosh_entry(block.text)
        entry = segmented({TEXT: block.text})
        assert Counter(entry[TEXT].split()) + Counter(entry[PARTS].split()) == whoosh["terms"]
        assert unpair(entry[GRAMS].split(" ")) == whoosh["stream"]
        assert all(" " not in w for w in entry[TEXT].split() + entry[PARTS].split())


@pytest.mark.parametrize("seed", SEEDS)
def test_a_phrase_over_character_pairs_finds_exactly_the_blocks_whose_stream_contains_it(seed):
    """What Elasticsearch's match_phrase answers equals Whoosh's substring test on the stream."""
    blocks = [b.text for b in (*parsed_seed(seed).blocks, *parsed_seed(seed).footnotes)]
    needles = {analyzers.needle(t) for t in ("的", "警察的能力", "维和人员的安全", "第2518(2020)号决议", "安全理事会")}
    for text in blocks[::3]:  # and phrases taken from the blocks themselves, across their punctuation
        s = analyzers.needle(text)
        needles |= {s[i : i + n].strip("|") for i in range(0, len(s), 37) for n in (1, 2, 5, 11)}
    needles.discard("")
    for text in blocks:
        pairs = segmented({TEXT: text})[GRAMS].split(" ")
        stream = whoosh_entry(text)["stream"]
        for needle in needles:
            assert pairs_in_a_row(pairs, needle) == (needle in stream), (needle, text[:40])


def test_the_mapping_cuts_text_only_at_spaces_and_keeps_filters_exact():
    mapping = index_mapping()["properties"]
    analyzer = mapping[TEXT]["analyzer"]
    assert index_settings()["analysis"]["analyzer"][analyzer]["tokenizer"] == "whitespace"
    assert mapping[PARTS]["analyzer"] == analyzer
    for name in ("cites", "symbol", "doc_type", "doc_id", "lang"):
        assert mapping[name]["type"] == "keyword"
    assert mapping["year"]["type"] == "integer"


def test_every_entry_the_site_writes_fits_the_strict_mapping(seeds, use_elasticsearch):
    # Preparing entries needs no server: only sending them does.
    be = use_elasticsearch(f"http://127.0.0.1:{closed_port()}/archive-test")
    mapping = index_mapping()
    assert mapping["dynamic"] == "strict"
    docs = []
    for index in indexing.block_indexes():
        docs += be.prepare_documents(index, index.index_queryset())
    assert len(docs) > 400
    assert set().union(*(d.keys() for d in docs)) <= set(mapping["properties"])
    for entry in docs[:50]:
        model = Paragraph if entry["django_ct"] == "archive.paragraph" else Footnote
        original = model.objects.get(pk=entry["django_id"]).text
        words, parts = analyzers.index_terms(original)
        assert entry[TEXT].split() == words and entry[PARTS].split() == parts


# --- the same query decisions ----------------------------------------------------------------------


QUERIES = [
    "联海综合办",
    '"性剥削和性虐待"',
    "维持和平 警察 NOT 海地",
    "(海地 OR 马里) AND 警察",
    "联合国警察 year:2015-2018",
    "cites:2645(2022) 警务",
    "警务咨询委员会",
    "马利克",
]


@pytest.mark.parametrize("raw", QUERIES)
def test_both_engines_look_for_the_same_words(indexed_seeds, raw):
    """Given the same answers about which words the index holds, Elasticsearch's query asks for
    the same words, phrases and glossary forms as Whoosh's (highlighting shows them to readers)."""
    root = parse_query(raw).root
    backend = indexing.backend()
    with backend.searcher() as searcher:
        reader = searcher.reader()
        whoosh = Compiler(WhooshBuilder(reader), current_glossary(), lambda key: None).compile(root)
        asked = words_to_look_up(root)
        known = {w: reader.doc_frequency(TEXT, w) > 0 for w in asked}
    elastic = Compiler(ElasticBuilder(known), current_glossary(), lambda key: None).compile(root)
    assert elastic.highlight == whoosh.highlight
    assert elastic.expansions == whoosh.expansions
    assert (elastic.query is None) == (whoosh.query is None)


def _leaves(q, kind: str) -> list:
    if isinstance(q, dict):
        found = [q[kind]] if kind in q else []
        return found + [x for v in q.values() for x in _leaves(v, kind)]
    if isinstance(q, list):
        return [x for v in q for x in _leaves(v, kind)]
    return []


def test_an_abbreviation_also_searches_the_full_name(indexed_seeds):
    root = parse_query("联海综合办").root
    compiled = Compiler(ElasticBuilder(), current_glossary(), lambda key: None).compile(root)
    texts = {unpair(p[GRAMS]["query"].split(" ")) for p in _leaves(compiled.query, "match_phrase")}
    texts |= {t[TEXT] for t in _leaves(compiled.query, "term") if TEXT in t}
    assert {"联合国海地综合办事处", "联海综合办"} <= texts


def test_phrases_prefixes_and_titles_become_pairs_prefix_and_document_clauses(db):
    b = ElasticBuilder({})
    q = (
        Compiler(b, current_glossary(), lambda key: None, lambda kind, text: {7, 3})
        .compile(parse_query('"维和人员的安全" 海* title:警务').root)
        .query
    )
    assert {GRAMS: {"query": "维和 和人 人员 员的 的安 安全", "slop": 0}} in _leaves(q, "match_phrase")
    assert {TEXT: "海"} in _leaves(q, "prefix") and {PARTS: "海"} in _leaves(q, "prefix")
    assert {"doc_id": ["3", "7"]} in _leaves(q, "terms")
    one = Compiler(b, current_glossary(), lambda key: None).compile(parse_query('"书"').root).query
    assert one == {"prefix": {GRAMS: "书"}}


def test_exclusions_and_fields_become_exact_clauses(db):
    root = parse_query("警察 NOT 海地 year:2016-2018 type:report lang:英文").root
    q = Compiler(ElasticBuilder({"警察": True, "海地": True}), current_glossary(), lambda key: None).compile(root).query
    excluded = _leaves(q, "must_not")
    assert any(_leaves(e, "term") and {TEXT: "海地"} in _leaves(e, "term") for e in excluded)
    assert {"year": {"gte": 2016, "lte": 2018}} in _leaves(q, "range")
    assert {"doc_type": "report"} in _leaves(q, "term")
    assert {"lang": "en"} in _leaves(q, "term")


@pytest.mark.parametrize("raw", ["NOT", "((((警察", "警察" * 1000, "cites:xyz", "year:明年 警察", "\x00\u200b"])
def test_malformed_queries_compile_to_something_elasticsearch_accepts(db, raw):
    parsed = parse_query(raw)
    compiled = Compiler(ElasticBuilder(), current_glossary(), lambda key: None).compile(parsed.root)
    assert compiled.query is None or isinstance(compiled.query, dict)
    assert parsed.notes or compiled.notes


# --- the request and the facets --------------------------------------------------------------------


def test_each_facet_ignores_its_own_filter_and_the_hits_obey_both():
    params = SearchParams(q="警察", year_from=2016, year_to=2018, doc_type="report", sort="newest", page=3)
    text_q = {"term": {TEXT: "警察"}}
    body = request_body(text_q, [("cites", "S/RES/2645(2022)")], params)
    year = {"range": {"year": {"gte": 2016, "lte": 2018}}}
    doc_type = {"term": {"doc_type": "report"}}
    assert body["query"]["bool"] == {"must": [text_q], "filter": [{"term": {"cites": "S/RES/2645(2022)"}}]}
    assert body["post_filter"] == {"bool": {"filter": [year, doc_type]}}
    assert body["aggs"]["years"]["filter"] == {"bool": {"filter": [doc_type]}}
    assert body["aggs"]["types"]["filter"] == {"bool": {"filter": [year]}}
    assert body["aggs"]["cites"]["filter"] == {"bool": {"filter": [year, doc_type]}}
    assert body["sort"][0] == {"sortdate": "desc"} and body["from"] == 40 and body["size"] == 20


def test_relevance_needs_words_otherwise_results_come_newest_first():
    assert request_body({"term": {TEXT: "警察"}}, [], SearchParams(q="警察"))["sort"][0] == "_score"
    assert request_body(None, [("cites", "S/2016/952")], SearchParams())["sort"][0] == {"sortdate": "desc"}
    assert request_body(None, [], SearchParams(sort="oldest"))["sort"][0] == {"sortdate": "asc"}


def test_counts_are_read_from_the_aggregations():
    raw = {
        "hits": {"total": {"value": 42, "relation": "eq"}, "hits": []},
        "aggregations": {
            "years": {
                "doc_count": 42,
                "values": {"buckets": [{"key": 2018, "doc_count": 30}, {"key": 0, "doc_count": 2}]},
            },
            "types": {"doc_count": 42, "values": {"buckets": [{"key": "report", "doc_count": 40}]}},
            "cites": {"doc_count": 42, "values": {"buckets": [{"key": "S/2016/952", "doc_count": 9}]}},
        },
    }
    total, years, types, cites = read_counts(raw)
    assert (total, years, types, cites) == (42, {2018: 30, 0: 2}, {"report": 40}, {"S/2016/952": 9})


# --- Elasticsearch down ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_with_elasticsearch_down_reading_works_search_says_unavailable_and_imports_still_land(
    client, seeds, use_elasticsearch
):
    use_elasticsearch(f"http://127.0.0.1:{closed_port()}/archive-test")
    doc = seeds["002"]
    assert client.get(doc.get_absolute_url()).status_code == 200

    page = client.get(reverse("search"), {"q": "警察"})
    assert page.status_code == 503 and "检索暂时不可用" in page.content.decode()
    api = client.get(reverse("api_search"), {"q": "警察"})
    assert api.status_code == 503 and api.json()["error"]

    with pytest.raises(CommandError, match="索引"):
        call_command("index_drift", stdout=open("/dev/null", "w"))

    # A librarian's import is not held up: the database has it, the index queue keeps retrying.
    failures = indexing.queue.failures
    imported = import_text(LETTER.replace("2024 年 3 月 1 日", "2024 年 3 月 2 日"), symbol="S/2024/901")
    assert client.get(imported.document.get_absolute_url()).status_code == 200
    for _ in range(100):
        if indexing.queue.failures > failures:
            break
        indexing.queue.wait_idle(0.1)
    assert indexing.queue.failures > failures
