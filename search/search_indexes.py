"""What the search index holds: one entry per current paragraph and per footnote of a published document.

Two haystack indexes (Paragraph, Footnote) feed one Whoosh index with the same fields, so a query
ranks paragraphs and footnotes together and a hit always names the block a reader lands on.  Only
the block text is searched; document metadata rides along for filters, facets and sorting.
Field types are decided by ``search.backends.FIELD_SPECS``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from haystack import indexes

from archive.models import Citation, DocumentStatus, Footnote, Paragraph

# Footnotes sort after the body of their document when results are in reading order.
FOOTNOTE_POSITION_BASE = 100_000


# Every entry loads its document along, but not the document's raw text: tens of kilobytes per
# document, which a rebuild used to hold once per paragraph (most of its memory).
_DEFERRED = ("document__raw_text",)


class BlockIndex(indexes.SearchIndex):
    """Fields shared by paragraphs and footnotes; subclasses say which model and which rows."""

    text = indexes.CharField(document=True)
    doc_id = indexes.CharField()
    symbol = indexes.CharField(null=True)
    doc_type = indexes.CharField()
    status = indexes.CharField()
    kind = indexes.CharField()
    # The language of the block's text version (zh, en): what `lang:` filters on.
    lang = indexes.CharField()
    cites = indexes.MultiValueField()
    year = indexes.IntegerField()
    sortdate = indexes.IntegerField()
    # The document's id again, as a sort column (doc_id is an exact-match term).
    doc_key = indexes.IntegerField()
    position = indexes.IntegerField()
    title = indexes.CharField(indexed=False)
    date = indexes.CharField(indexed=False, null=True)
    anchor = indexes.CharField(indexed=False)
    url = indexes.CharField(indexed=False)
    # Fingerprint of everything above, so index_drift can tell a stale entry from a current one.
    digest = indexes.CharField(indexed=False)

    def prepare_text(self, obj: Any) -> str:
        return obj.text

    def prepare_doc_id(self, obj: Any) -> str:
        return str(obj.document_id)

    def prepare_doc_key(self, obj: Any) -> int:
        return obj.document_id

    def prepare_symbol(self, obj: Any) -> str | None:
        return obj.document.symbol

    def prepare_lang(self, obj: Any) -> str:
        return obj.language

    def prepare_doc_type(self, obj: Any) -> str:
        return obj.document.doc_type

    def prepare_status(self, obj: Any) -> str:
        return obj.document.status

    # The foreign key from Citation to this index's model.
    citing_field = ""

    def attach_citations(self, objs: Sequence[Any]) -> None:
        """Read the cited symbols of ``objs`` in one query (a prefetch costs 2.6 kB per object)."""
        cited: dict[int, set[str]] = {obj.pk: set() for obj in objs}
        if not cited:
            return
        # Unordered: the default order (by citing block) joins the blocks and their documents.
        rows = (
            Citation.objects.filter(**{f"{self.citing_field}__in": list(cited)})
            .order_by()
            .values_list(self.citing_field, "cited_symbol")
        )
        for pk, symbol in rows:
            cited[pk].add(symbol)
        for obj in objs:
            obj.search_cites = sorted(cited[obj.pk])

    def prepare_cites(self, obj: Any) -> list[str]:
        # Sorted and unique so the stored value is stable; one query here unless attached in bulk.
        found = getattr(obj, "search_cites", None)
        if found is None:
            found = sorted(set(obj.citations.values_list("cited_symbol", flat=True)))
        return found

    def prepare_year(self, obj: Any) -> int:
        return obj.document.date.year if obj.document.date else 0

    def prepare_sortdate(self, obj: Any) -> int:
        d = obj.document.date
        return d.year * 10000 + d.month * 100 + d.day if d else 0

    def prepare_title(self, obj: Any) -> str:
        return obj.document.title

    def prepare_date(self, obj: Any) -> str | None:
        return obj.document.date.isoformat() if obj.document.date else None

    def prepare_anchor(self, obj: Any) -> str:
        return obj.anchor

    def prepare_url(self, obj: Any) -> str:
        return obj.get_absolute_url()

    def prepare(self, obj: Any) -> dict[str, Any]:
        data = super().prepare(obj)
        data["digest"] = entry_digest(data)
        return data


def entry_digest(data: dict[str, Any]) -> str:
    """A short hash of an index entry's content fields (not its id or haystack's bookkeeping)."""
    parts = [f"{k}={data.get(k)!s}" for k in sorted(data) if k not in ("digest", "id", "django_ct", "django_id")]
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=10).hexdigest()


class ParagraphIndex(BlockIndex, indexes.Indexable):
    citing_field = "paragraph_id"

    def get_model(self) -> type[Paragraph]:
        return Paragraph

    def index_queryset(self, using: str | None = None) -> QuerySet[Paragraph]:
        return (
            Paragraph.objects.current()
            .filter(document__status=DocumentStatus.PUBLISHED)
            .select_related("document")
            .defer(*_DEFERRED)
        )

    def prepare_kind(self, obj: Paragraph) -> str:
        return "paragraph"

    def prepare_position(self, obj: Paragraph) -> int:
        return obj.position


class FootnoteIndex(BlockIndex, indexes.Indexable):
    citing_field = "footnote_id"

    def get_model(self) -> type[Footnote]:
        return Footnote

    def index_queryset(self, using: str | None = None) -> QuerySet[Footnote]:
        return (
            Footnote.objects.filter(document__status=DocumentStatus.PUBLISHED)
            .select_related("document")
            .defer(*_DEFERRED)
        )

    def prepare_kind(self, obj: Footnote) -> str:
        return "footnote"

    def prepare_position(self, obj: Footnote) -> int:
        return FOOTNOTE_POSITION_BASE + obj.position
