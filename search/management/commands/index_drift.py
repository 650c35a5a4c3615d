"""Compare the search index with the database; ``--repair`` rewrites what differs.

    python manage.py index_drift            # report only (exit status 0)
    python manage.py index_drift --repair   # fix: reindex affected documents, drop orphans

Three kinds of drift: an entry the database shows but the index lacks (missing), an entry the
index holds for a block that is gone, retired or unpublished (orphan), and an entry whose
content fingerprint differs from the database's (stale: an edit that never reached the index).
Repairs go through the same locked writer as live updates, so the site can keep running.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from search import indexing
from search.backends import SearchUnavailable, StaleIndex

EXAMPLES = 10
CHUNK = 2000


def database_entries() -> dict[str, tuple[str, int]]:
    """index id → (digest, document id) for everything that should be searchable."""
    expected: dict[str, tuple[str, int]] = {}
    for index in indexing.block_indexes():
        chunk: list = []
        for obj in [*index.index_queryset().iterator(chunk_size=CHUNK), None]:
            if obj is not None:
                chunk.append(obj)
                if len(chunk) < CHUNK:
                    continue
            index.attach_citations(chunk)  # one query per chunk, not one per block
            for block in chunk:
                data = index.full_prepare(block)
                expected[data["id"]] = (data["digest"], block.document_id)
            chunk = []
    return expected


def index_entries() -> tuple[dict[str, tuple[str, int]], list[str]]:
    """index id → (digest, document id) of what the index holds, and ids found more than once."""
    found: dict[str, tuple[str, int]] = {}
    duplicates: list[str] = []
    for fields in indexing.backend().stored_entries():
        key = fields.get("id", "")
        if key in found:
            duplicates.append(key)
        found[key] = (fields.get("digest", ""), int(fields.get("doc_id") or 0))
    return found, duplicates


class Command(BaseCommand):
    help = _("报告检索索引与数据库之间的差异；加 --repair 修复。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repair", action="store_true", help=_("重新索引有差异的文件，删除多余条目"))

    def handle(self, *args: Any, **opts: Any) -> None:
        expected = database_entries()
        try:
            actual, duplicates = index_entries()
        except StaleIndex:
            # Repairing entry by entry would mix two analyses in one index: only a rebuild helps.
            raise CommandError(
                _("检索索引由旧版本写入，格式已过时：请运行 manage.py rebuild_index --noinput 重建。")
            ) from None
        except SearchUnavailable:
            if not opts["repair"]:
                raise CommandError(_("检索索引不存在或无法读取；请运行 --repair 或 rebuild_index。")) from None
            self.stdout.write(_("检索索引不存在或无法读取，正在按数据库重建……"))
            actual, duplicates = {}, []

        missing = sorted(k for k in expected if k not in actual)
        orphans = sorted(k for k in actual if k not in expected)
        stale = sorted(k for k in expected if k in actual and actual[k][0] != expected[k][0])
        self.stdout.write(
            _("数据库应有 %(db)d 个条目，索引中有 %(ix)d 个。") % {"db": len(expected), "ix": len(actual)}
        )
        for label, keys in (
            (_("索引缺少"), missing),
            (_("索引多余"), orphans),
            (_("内容过时"), stale),
            (_("重复条目"), duplicates),
        ):
            self.stdout.write(f"{label}: {len(keys)}")
            for key in keys[:EXAMPLES]:
                self.stdout.write(f"  {key}")
        drift = bool(missing or orphans or stale or duplicates)
        if not drift:
            self.stdout.write(_("索引与数据库一致。"))
            return
        if not opts["repair"]:
            self.stdout.write(_("运行 index_drift --repair 修复。"))
            return

        docs: set[int] = {expected[k][1] for k in missing + stale}
        docs |= {expected[k][1] for k in duplicates if k in expected}
        doc_list = sorted(docs)
        written = 0
        for start in range(0, max(len(doc_list), 1), indexing.CHUNK):
            part = doc_list[start : start + indexing.CHUNK]
            written += indexing.write_documents(part, orphans if start == 0 else ())
        self.stdout.write(
            _("已修复：重新索引 %(docs)d 份文件（%(n)d 个条目），删除 %(orphans)d 个多余条目。")
            % {"docs": len(doc_list), "n": written, "orphans": len(orphans)}
        )
