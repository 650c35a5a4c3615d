"""Atom feeds: new documents, new documents citing a given document, new results of a saved search.

Built on ``django.contrib.syndication``.  Entry ids are the permanent-id URLs of documents (a
symbol may still be assigned later) and the permanent pages of paragraphs, so a feed reader never
shows the same entry twice.  Summaries are HTML built from escaped stored text.  Every text a feed
writes is cut down to the characters XML 1.0 allows: a query typed with control characters, or a
stored title carrying one, must not turn the whole feed into an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, SyndicationFeed
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.cited_by import CitingDocument, build_cited_by, light, show
from archive.labels import document_label, in_document
from archive.models import Citation, Document

if TYPE_CHECKING:  # search is an app built on this one; only its types are needed here
    from search.engine import Hit, Outcome

FEED_SIZE = 50
# What XML 1.0 cannot carry: C0 controls other than tab and line breaks, lone surrogates, U+FFFE/F.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(value: Any) -> Any:
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, list | tuple):
        return type(value)(_xml_text(v) for v in value)
    return value


class _AtomFeed(Feed):
    """An Atom feed; the views make one per request, because entry ids need the request's host."""

    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Atom ids must be absolute IRIs, and syndication makes only links absolute.
        self.absolute = request.build_absolute_uri
        return super().__call__(request, *args, **kwargs)

    def get_feed(self, obj: Any, request: HttpRequest) -> SyndicationFeed:
        # Django's XML writer refuses control characters with an exception (a 500): drop them.
        feed = super().get_feed(obj, request)
        feed.feed = {key: _xml_text(value) for key, value in feed.feed.items()}
        feed.items = [{key: _xml_text(value) for key, value in item.items()} for item in feed.items]
        return feed


def _document_id_url(doc: Document) -> str:
    return reverse("document_by_id", kwargs={"public_id": doc.public_id})


def _document_heading(doc: Document) -> str:
    return f"{doc.symbol} {doc.title}".strip() if doc.symbol else doc.title or doc.public_id


def _document_summary(doc: Document) -> SafeString:
    date = doc.date.isoformat() if doc.date else _("日期不详")
    return format_html("<p>{} · {} · {}</p>", doc.symbol or _("无文号"), date, doc.get_doc_type_display())


# --- new documents -------------------------------------------------------------------------------


class NewDocumentsFeed(_AtomFeed):
    title = gettext_lazy("维和文献库：新收录的文件")
    subtitle = gettext_lazy("本库新收录的联合国维持和平行动文件，最新在前。")

    def link(self) -> str:
        return reverse("document_list")

    def items(self):
        return Document.objects.published().with_text().newly_added().defer("raw_text")[:FEED_SIZE]

    def item_title(self, doc: Document) -> str:
        return _document_heading(doc)

    def item_description(self, doc: Document) -> SafeString:
        return _document_summary(doc)

    def item_link(self, doc: Document) -> str:
        return doc.get_absolute_url()

    def item_guid(self, doc: Document) -> str:
        return self.absolute(_document_id_url(doc))

    def item_pubdate(self, doc: Document) -> datetime:
        return doc.created_at

    def item_updateddate(self, doc: Document) -> datetime:
        return doc.updated_at


# --- new documents citing a document -------------------------------------------------------------


class CitedByFeed(_AtomFeed):
    """One entry per citing document, with the sentences that make the citations."""

    def get_object(self, request: HttpRequest, document: Document) -> Document:
        return document

    def title(self, doc: Document) -> str:
        return _("引用 %(doc)s 的新文件") % {"doc": document_label(doc)}

    def subtitle(self, doc: Document) -> str:
        return _("维和文献库中新收录的、引用 %(doc)s 的文件，最新在前。") % {"doc": document_label(doc)}

    def link(self, doc: Document) -> str:
        return doc.get_absolute_url()

    def items(self, doc: Document) -> list[CitingDocument]:
        cited_by = build_cited_by(light(Citation.objects.cited_by(doc)))
        newest = sorted(cited_by.documents, key=lambda g: (g.document.created_at, g.document.pk), reverse=True)
        show(cited_by, newest[:FEED_SIZE])
        return newest[:FEED_SIZE]

    def item_title(self, group: CitingDocument) -> str:
        return _document_heading(group.document)

    def item_description(self, group: CitingDocument) -> SafeString:
        places = format_html_join(
            "",
            "<p><strong>{}</strong>：{}</p>",
            ((place.label, SafeString(" … ".join(place.excerpts))) for place in group.places),
        )
        return format_html("{}{}", _document_summary(group.document), places)

    def item_link(self, group: CitingDocument) -> str:
        first = group.places[0] if group.places else None
        if first is not None and first.paragraph is not None:
            return first.paragraph.get_absolute_url()
        return group.document.get_absolute_url()

    def item_guid(self, group: CitingDocument) -> str:
        return self.absolute(_document_id_url(group.document))

    def item_pubdate(self, group: CitingDocument) -> datetime:
        return group.document.created_at

    def item_updateddate(self, group: CitingDocument) -> datetime:
        return group.document.updated_at


# --- new results of a saved search ---------------------------------------------------------------


@dataclass
class SavedSearch:
    """A search run for a feed: its query string (for links) and the search engine's outcome."""

    querystring: str
    outcome: Outcome


class SearchFeed(_AtomFeed):
    """The newest paragraphs and footnotes matching a search, as ``/search/`` would list them."""

    def get_object(self, request: HttpRequest, saved: SavedSearch) -> SavedSearch:
        return saved

    def title(self, saved: SavedSearch) -> str:
        q = saved.outcome.params.q or saved.outcome.params.cites or ""
        return _("维和文献库检索：%(q)s") % {"q": q} if q else _("维和文献库检索")

    def subtitle(self, saved: SavedSearch) -> str:
        return _("符合此检索条件的段落，所属文件最新在前。")

    def link(self, saved: SavedSearch) -> str:
        return reverse("search") + saved.querystring

    def feed_url(self, saved: SavedSearch) -> str:
        # The default is the request's path, which would drop the search itself.
        return reverse("search_feed") + saved.querystring

    def items(self, saved: SavedSearch) -> list[Hit]:
        return list(saved.outcome.hits)

    def item_title(self, hit: Hit) -> str:
        return in_document(hit.document, hit.label)

    def item_description(self, hit: Hit) -> SafeString:
        return format_html("{}<p>{}</p>", _document_summary(hit.document), hit.snippet)

    def item_link(self, hit: Hit) -> str:
        return hit.block.get_absolute_url()

    def item_guid(self, hit: Hit) -> str:
        block = hit.block
        return self.absolute(block.get_permalink() if hit.kind == "paragraph" else block.get_absolute_url())

    def item_pubdate(self, hit: Hit) -> datetime:
        return hit.document.created_at

    def item_updateddate(self, hit: Hit) -> datetime:
        return hit.document.updated_at
