"""Search on a live Elasticsearch 7: runs when SEARCH_URL names one, is skipped (saying so) otherwise.

    SEARCH_URL=http://127.0.0.1:9200/archive make test

Each test works in a throw-away index beside the one SEARCH_URL names (``archive-test-<random>``)
and deletes it afterwards; the configured index is never touched.  The seeds are indexed in both
engines, and Elasticsearch must find what Whoosh finds.
"""

from __future__ import annotations

import os
import uuid
from io import StringIO
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.ingest.store import import_text, set_status
from archive.models import DocumentStatus
from search import indexing
from search.engine import SearchParams, run
from tests import test_search_fixtures as fx
from tests.conftest import LETTER

SEARCH_URL = os.environ.get("SEARCH_URL", "").strip()

pytestmark = [
    pytest.mark.skipif(
        not SEARCH_URL,
        reason="SEARCH_URL is not set: these tests need a live Elasticsearch 7 "
        "(e.g. SEARCH_URL=http://127.0.0.1:9200/archive); none can run on the build machines",
    ),
    pytest.mark.django_db(transaction=True),
]

fresh_index = fx.fresh_index
indexed_seeds = fx.indexed_seeds
use_elasticsearch = fx.use_elasticsearch

QUERIES = [
    "联海综合办",
    "联合国海地综合办事处",
    '"性剥削和性虐待"',
    "维持和平 警察 NOT 海地",
    "(海地 OR 马里) AND 警察",
    "警务咨询委员会",
    "cites:S/2016/952",
    "year:2018 警察",
    "type:report 妇女",
]


def drift_report() -> str:
    out = StringIO()
    call_command("index_drift", stdout=out)
    return out.getvalue()


@pytest.fixture
def elastic(use_elasticsearch, indexed_seeds):
    """The seeds indexed in Whoosh (by ``indexed_seeds``) and in a throw-away Elasticsearch index."""
    parts = urlsplit(SEARCH_URL)
    name = f"{parts.path.strip('/')}-test-{uuid.uuid4().hex[:8]}"
    be = use_elasticsearch(urlunsplit((parts.scheme, parts.netloc, "/" + name, "", "")))
    call_command("rebuild_index", using=[indexing.USING], interactive=False, verbosity=0)
    yield be
    be.clear()


def search_on(using: str, monkeypatch, **params) -> object:
    with monkeypatch.context() as m:
        m.setattr(indexing, "USING", using)
        return run(SearchParams(**params))


@pytest.mark.parametrize("q", QUERIES)
def test_elasticsearch_finds_what_whoosh_finds(elastic, monkeypatch, q):
    es_using = indexing.USING
    whoosh = search_on("default", monkeypatch, q=q, sort="oldest", per_page=100)
    es = search_on(es_using, monkeypatch, q=q, sort="oldest", per_page=100)
    assert whoosh.total > 0, f"the seeds should answer {q!r}"
    assert es.total == whoosh.total
    assert [h.url for h in es.hits] == [h.url for h in whoosh.hits]
    for facet in ("years", "types", "cites"):
        assert [(f.value, f.count) for f in getattr(es, facet)] == [
            (f.value, f.count) for f in getattr(whoosh, facet)
        ], facet


def test_facet_filters_narrow_hits_but_not_their_own_counts(elastic, monkeypatch):
    es_using = indexing.USING
    unfiltered = search_on(es_using, monkeypatch, q="警察")
    by_year = search_on(es_using, monkeypatch, q="警察", year_from=2018, year_to=2018)
    assert 0 < by_year.total < unfiltered.total
    assert [(f.value, f.count) for f in by_year.years] == [(f.value, f.count) for f in unfiltered.years]
    assert all(h.document.date.year == 2018 for h in by_year.hits)


def test_the_search_page_and_api_answer_from_elasticsearch(client, elastic):
    page = client.get(reverse("search"), {"q": "联海综合办"})
    assert page.status_code == 200 and "<mark>" in page.content.decode()
    data = client.get(reverse("api_search"), {"q": "联海综合办"}).json()
    assert data["count"] > 0


def test_imports_edits_and_withdrawals_reach_the_index(client, elastic):
    letter = LETTER.replace("联合国海地综合办事处", "联合国马里稳定团")
    result = import_text(letter, symbol="S/2024/902")
    assert indexing.queue.wait_idle(30)
    found = client.get(reverse("api_search"), {"q": "symbol:S/2024/902"}).json()
    assert found["count"] > 0
    set_status([result.document], DocumentStatus.DRAFT)
    assert indexing.queue.wait_idle(30)
    assert client.get(reverse("api_search"), {"q": "马里稳定团 year:2024"}).json()["count"] == 0
    assert "一致" in drift_report()


def test_drift_is_found_and_repaired(elastic):
    victim = next(iter(elastic.stored_entries()))["id"]
    elastic.conn.delete(index=elastic.index_name, id=victim, refresh=True)
    report = drift_report()
    assert "索引缺少: 1" in report
    call_command("index_drift", "--repair", stdout=StringIO())
    assert "一致" in drift_report()


def test_a_deleted_index_makes_search_unavailable_until_rebuilt(client, elastic, seeds):
    elastic.clear()
    assert client.get(seeds["002"].get_absolute_url()).status_code == 200
    assert client.get(reverse("search"), {"q": "警察"}).status_code == 503
    call_command("rebuild_index", using=[indexing.USING], interactive=False, verbosity=0)
    assert client.get(reverse("search"), {"q": "警察"}).status_code == 200
