"""Compare the search index with the database; ``--repair`` rewrites what differs.

    python manage.py index_drift            # report only (exit status 0)
    python manage.py index_drift --repair   # fix: reindex affected documents, drop orphans

Three kinds of drift: an entry the database shows but the index lacks (missing), an entry the
index holds for a block that is gone, retired or unpublished (orphan), and an entry whose
content fingerprint differs from the database's (stale: an edit that never reached the index).
Repairs go through the same locked writer as live updates, so the site can keep running.

The comparison runs a slice of documents at a time (ranges of document ids holding at most
:data:`ENTRIES_PER_SLICE` entries): the database's entries of the slice against the index's, so
memory holds one slice's fingerprints, a number per document and the documents to repair —
never the whole archive's entries, whatever its size.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.utils.translation import gettext as _

from search import indexing
from search.backends import SearchUnavailable, StaleIndex, chunked

EXAMPLES = 10
# Entries (database side) compared at a time; a document is never split between slices.
ENTRIES_PER_SLICE = 20000


def database_entries(doc_range: tuple[int, int] | None = None) -> dict[str, tuple[str, int]]:
    """index id → (digest, document id) for what should be searchable (of documents in ``doc_range``)."""
    expected: dict[str, tuple[str, int]] = {}
    for index in indexing.block_indexes():
        rows = index.index_queryset()
        if doc_range is not None:
            rows = rows.filter(document_id__gte=doc_range[0], document_id__lte=doc_range[1])
        for objs in chunked(rows.iterator(chunk_size=indexing.ENTRY_CHUNK), indexing.ENTRY_CHUNK):
            index.attach_citations(objs)  # one query per chunk, not one per block
            for block in objs:
                data = index.full_prepare(block)
                expected[data["id"]] = (data["digest"], block.document_id)
    return expected


def index_entries(doc_ids: list[int] | None = None) -> tuple[dict[str, tuple[str, int]], list[str]]:
    """index id → (digest, document id) of what the index holds (of ``doc_ids``), and ids found more than once."""
    found: dict[str, tuple[str, int]] = {}
    duplicates: list[str] = []
    for fields in indexing.backend().stored_entries(doc_ids):
        key = fields.get("id", "")
        if key in found:
            duplicates.append(key)
        found[key] = (fields.get("digest", ""), int(fields.get("doc_id") or 0))
    return found, duplicates


def slices(entry_counts: dict[int, int], limit: int) -> Iterator[list[int]]:
    """Document ids in order, cut into runs holding at most ``limit`` entries (a larger document alone)."""
    run: list[int] = []
    held = 0
    for doc_id in sorted(entry_counts):
        if run and held + entry_counts[doc_id] > limit:
            yield run
            run, held = [], 0
        run.append(doc_id)
        held += entry_counts[doc_id]
    if run:
        yield run


def database_counts() -> Counter[int]:
    """Entries each indexable document should have (one query per index, a row per document)."""
    counts: Counter[int] = Counter()
    for index in indexing.block_indexes():
        rows = index.index_queryset().order_by().values("document_id").annotate(n=Count("pk"))
        counts.update(dict(rows.values_list("document_id", "n")))
    return counts


@dataclass
class Drift:
    """What differs, counted; the first keys of each kind; the documents a repair rewrites."""

    expected: int = 0
    held: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    documents: set[int] = field(default_factory=set)

    def add(self, kind: str, keys: list[str]) -> None:
        self.counts[kind] += len(keys)
        shown = self.examples.setdefault(kind, [])
        shown += sorted(keys)[: EXAMPLES - len(shown)]


def compare(limit: int | None = None) -> Drift:
    """Compare database and index a slice of documents at a time (StaleIndex, SearchUnavailable as the index says)."""
    drift = Drift()
    indexed = indexing.backend().indexed_document_ids()
    counts = database_counts()
    for doc_id in indexed - counts.keys():
        counts[doc_id] = 0  # entries of a document that is gone or unpublished: all orphans
    for run in slices(counts, limit or ENTRIES_PER_SLICE):
        expected = database_entries((run[0], run[-1]))
        actual, duplicates = index_entries([d for d in run if d in indexed])
        missing = [k for k in expected if k not in actual]
        orphans = [k for k in actual if k not in expected]
        stale = [k for k in expected if k in actual and actual[k][0] != expected[k][0]]
        drift.expected += len(expected)
        drift.held += len(actual) + len(duplicates)
        for kind, keys in (("missing", missing), ("orphans", orphans), ("stale", stale), ("duplicates", duplicates)):
            drift.add(kind, keys)
        # Rewriting a document drops all its entries and writes its current ones: that repairs
        # every kind, an orphan of a document that is gone included.
        drift.documents |= {expected[k][1] for k in missing + stale if k in expected}
        drift.documents |= {actual[k][1] for k in orphans + duplicates if k in actual}
    return drift


class Command(BaseCommand):
    help = _("报告检索索引与数据库之间的差异；加 --repair 修复。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repair", action="store_true", help=_("重新索引有差异的文件，删除多余条目"))

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            drift = compare()
        except StaleIndex:
            # Repairing entry by entry would mix two analyses in one index: only a rebuild helps.
            raise CommandError(
                _("检索索引由旧版本写入，格式已过时：请运行 manage.py rebuild_index --noinput 重建。")
            ) from None
        except SearchUnavailable:
            if not opts["repair"]:
                raise CommandError(_("检索索引不存在或无法读取；请运行 --repair 或 rebuild_index。")) from None
            self.stdout.write(_("检索索引不存在或无法读取，正在按数据库重建……"))
            drift = Drift(expected=sum(database_counts().values()))
            drift.counts["missing"] = drift.expected
            drift.documents = set(indexing.indexable_document_ids())

        totals = {"db": drift.expected, "ix": drift.held}
        self.stdout.write(_("数据库应有 %(db)d 个条目，索引中有 %(ix)d 个。") % totals)
        for label, kind in (
            (_("索引缺少"), "missing"),
            (_("索引多余"), "orphans"),
            (_("内容过时"), "stale"),
            (_("重复条目"), "duplicates"),
        ):
            self.stdout.write(f"{label}: {drift.counts[kind]}")
            for key in drift.examples.get(kind, []):
                self.stdout.write(f"  {key}")
        if not drift.documents:
            self.stdout.write(_("索引与数据库一致。"))
            return
        if not opts["repair"]:
            self.stdout.write(_("运行 index_drift --repair 修复。"))
            return

        doc_list = sorted(drift.documents)
        written = 0
        for part in chunked(doc_list, indexing.CHUNK):
            written += indexing.write_documents(part)
        self.stdout.write(
            _("已修复：重新索引 %(docs)d 份文件（%(n)d 个条目），删除 %(orphans)d 个多余条目。")
            % {"docs": len(doc_list), "n": written, "orphans": drift.counts["orphans"]}
        )
