"""Long documents and large archives are indexed, checked and rebuilt a bounded slice at a time.

Issue 16: a published 3,000-paragraph report was read with its document's raw text once per
paragraph, indexed twice per import, and a failed rebuild left an empty index.  The memory and
time figures are in BENCHMARKS.md (``python -m bench.memory``); here, what they rest on: a
constant number of queries per chunk of blocks, raw text never read, an import written once,
drift and rebuild correct in tiny slices, and a failed rebuild that keeps the old index.
"""

from __future__ import annotations

import math

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from haystack import connections

from archive.ingest.store import import_text
from archive.models import Document, DocumentStatus, Footnote, Paragraph
from search import backends, indexing
from search.engine import SearchParams, run
from search.management.commands import index_drift
from search.management.commands.generate_corpus import Generator, seed_sentences
from tests import test_search_fixtures as fx
from tests.test_search_fixtures import build_index, wait_for_index

fresh_index = fx.fresh_index
indexed_seeds = fx.indexed_seeds


def long_report(symbol: str, paragraphs: int) -> str:
    return Generator(16, seed_sentences(), 2001, 2024).long_report(symbol, paragraphs)


def count(q: str) -> int:
    return run(SearchParams(q=q)).total


def drift_report() -> str:
    from io import StringIO

    out = StringIO()
    call_command("index_drift", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("paragraphs", [300, 3000])
def test_indexing_a_long_report_reads_blocks_in_chunks_without_the_raw_text(db, fresh_index, paragraphs):
    doc = import_text(long_report("S/2099/1", paragraphs), symbol="S/2099/1").document
    blocks = Paragraph.objects.filter(document=doc, is_current=True).count()
    notes = Footnote.objects.filter(document=doc).count()
    assert blocks > paragraphs and notes > paragraphs // 20
    with CaptureQueriesContext(connection) as queries:
        written = indexing.write_documents([doc.pk])
    assert written == blocks + notes
    # Per index: one query for the blocks (read in chunks from one cursor) and one for the cited
    # symbols of each chunk, however many paragraphs the report has.
    chunks = math.ceil(blocks / indexing.ENTRY_CHUNK) + math.ceil(notes / indexing.ENTRY_CHUNK)
    assert len(queries) == 2 + chunks
    assert not [q["sql"] for q in queries if "raw_text" in q["sql"]]
    assert count("symbol:S/2099/1") == blocks + notes


def test_a_published_long_report_is_indexed_once_on_import(transactional_db, fresh_index):
    build_index()
    doc = import_text(long_report("S/2099/2", 600), symbol="S/2099/2").document
    wait_for_index(60)
    entries = Paragraph.objects.filter(document=doc, is_current=True).count() + doc.footnotes.count()
    ix = connections[indexing.USING].get_backend().reading_index()
    # One commit notifies twice (post_save and documents_changed); written twice, the first
    # copy stayed in the index as deleted entries (and the import cost twice the time).
    assert ix.doc_count() == entries
    assert ix.doc_count_all() == entries


def test_drift_found_and_repaired_in_slices_of_a_few_entries(db, seeds, fresh_index, monkeypatch):
    import_text(long_report("S/2099/3", 120), symbol="S/2099/3")
    build_index()
    monkeypatch.setattr(index_drift, "ENTRIES_PER_SLICE", 40)
    monkeypatch.setattr(indexing, "ENTRY_CHUNK", 7)
    slices = []
    entries = index_drift.index_entries
    monkeypatch.setattr(index_drift, "index_entries", lambda ids: slices.append(ids) or entries(ids))
    assert "索引与数据库一致" in drift_report()
    # A slice at a time (here each document alone: every one holds more than 40 entries).
    assert len(slices) == Document.objects.with_text().count() == 6

    backend = connections[indexing.USING].get_backend()
    long = Document.objects.get(symbol="S/2099/3")
    backend.remove(long.paragraphs.get(anchor="p100"))  # missing
    Paragraph.objects.filter(pk=long.paragraphs.get(anchor="p7").pk).update(text="过时测试词语霜雪")  # stale
    Paragraph.objects.filter(pk=seeds["003"].paragraphs.get(anchor="p5").pk).update(is_current=False)  # orphan
    Document.objects.filter(pk=seeds["001"].pk).update(status=DocumentStatus.DRAFT)  # all its entries orphans
    orphans = seeds["001"].paragraphs.filter(is_current=True).count() + seeds["001"].footnotes.count() + 1
    report = drift_report()
    assert "索引缺少: 1" in report and "内容过时: 1" in report and f"索引多余: {orphans}" in report
    call_command("index_drift", repair=True, stdout=open("/dev/null", "w"))
    assert "索引与数据库一致" in drift_report()
    assert count("霜雪") == 1


def test_a_rebuild_in_small_batches_holds_exactly_the_database(db, seeds, fresh_index, monkeypatch):
    import_text(long_report("S/2099/4", 150), symbol="S/2099/4")
    monkeypatch.setattr(backends, "CHUNK", 13)
    call_command("rebuild_index", interactive=False, verbosity=0, batchsize=50)
    assert "索引与数据库一致" in drift_report()
    assert count("symbol:S/2099/4") > 150


def test_a_failed_rebuild_keeps_the_old_index_searchable(db, seeds, fresh_index, monkeypatch):
    build_index()
    before = count("警察")
    assert before > 0
    Paragraph.objects.filter(document=seeds["002"]).update(text="重建失败测试词语")
    prepare = backends.prepare_entries
    calls = []

    def fail_on_footnotes(index, iterable, convert):
        calls.append(index)
        if len(calls) > 1:  # the paragraphs went into the new index; then the memory runs out
            raise MemoryError
        return prepare(index, iterable, convert)

    monkeypatch.setattr(backends, "prepare_entries", fail_on_footnotes)
    monkeypatch.setattr("haystack.management.commands.update_index.time.sleep", lambda _s: None)
    with pytest.raises(CommandError, match="原有索引保持不变"):
        call_command("rebuild_index", interactive=False, verbosity=0)
    # Neither emptied nor half-built: the old entries, searchable as before.
    assert count("警察") == before
    assert count("重建失败测试词语") == 0
    monkeypatch.setattr(backends, "prepare_entries", prepare)
    build_index()
    assert count("重建失败测试词语") > 0
