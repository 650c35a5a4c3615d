"""Management commands and haystack's own API on our backend: generate_corpus, signals, {% highlight %}."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.template import Context, Template
from haystack.query import SearchQuerySet

from archive.models import Abbreviation, Citation, Document, DocumentType, Paragraph
from archive.signals import documents_removed
from search import analyzers
from search.engine import SearchParams, run
from tests import test_search_fixtures as fx

# Shared fixtures (defined once in test_search_fixtures).
fresh_index = fx.fresh_index
indexed_seeds = fx.indexed_seeds


def generated() -> list[tuple[str, str, str, int]]:
    docs = Document.objects.with_text().exclude(symbol__in=["S/2022/747", "S/2018/1183", "S/2011/817"])
    docs = docs.exclude(symbol=None).order_by("symbol")
    return [(d.symbol, d.title, d.doc_type, d.paragraphs.count()) for d in docs]


def test_generate_corpus_stores_varied_realistic_documents_through_the_importer(db, seeds, fresh_index):
    out = io.StringIO()
    call_command("generate_corpus", documents=30, seed=7, stdout=out)
    docs = generated()
    assert len(docs) == 30
    assert len({t for _s, _t, t, _n in docs}) >= 3  # letters, reports, resolutions …
    assert all(t in DocumentType.values for _s, _t, t, _n in docs)
    assert any("/RES/" in s for s, *_ in docs)
    assert min(n for *_x, n in docs) >= 4 and max(n for *_x, n in docs) >= 20
    new = Document.objects.filter(symbol__in=[s for s, *_ in docs])
    # Through the real storing code: paragraphs with anchors, citations with pin-points, hubs.
    assert Paragraph.objects.filter(document__in=new, anchor__regex=r"^p\d+$").exists()
    assert Citation.objects.filter(paragraph__document__in=new).count() > 30
    assert Citation.objects.filter(paragraph__document__in=new).exclude(pinpoint="").exists()
    assert len({d.date.year for d in new}) > 5
    # And indexed: a sentence taken from a generated document is found in it.
    p = Paragraph.objects.filter(document__in=new, kind="paragraph").first()
    word = next(w for w in analyzers.query_words(p.text) if len(w) > 1)
    outcome = run(SearchParams(q=f"symbol:{p.document.symbol} {word}"))
    assert outcome.total >= 1 and {h.document for h in outcome.hits} == {p.document}


def test_generate_corpus_is_deterministic_for_a_seed(db, seeds, fresh_index):
    call_command("generate_corpus", documents=5, seed=3, no_index=True, stdout=io.StringIO())
    first = generated()
    Document.objects.filter(symbol__in=[s for s, *_ in first]).delete()
    Abbreviation.objects.all().delete()
    call_command("generate_corpus", documents=5, seed=3, no_index=True, stdout=io.StringIO())
    assert generated() == first


def test_documents_removed_signal_drops_the_named_entries(transactional_db, fresh_index):
    from archive.ingest.store import import_text

    doc = import_text("信\n\n1. 将被移除的段落含有词语云雾山川。\n", symbol="S/2035/1").document
    fx.wait_for_index()
    assert run(SearchParams(q="云雾山川")).total == 1
    p = doc.paragraphs.get(anchor="p1")
    documents_removed.send(sender=Document, paragraph_keys=[f"archive.paragraph.{p.pk}"])
    fx.wait_for_index()
    assert run(SearchParams(q="云雾山川")).total == 0


def test_haystacks_own_search_api_and_highlight_tag_work_on_our_backend(indexed_seeds):
    results = SearchQuerySet().filter(content="联合国警察")
    assert results.count() > 20
    first = results[0]
    assert first.model_name in ("paragraph", "footnote")
    assert first.title and first.url.startswith("/documents/")
    html = Template("{% load highlight %}{% highlight text with q %}").render(
        Context({"text": "聯合國警察和维持和平行动", "q": "联合国警察"})
    )
    assert "<mark>聯合國警察</mark>" in html and "<script" not in html
