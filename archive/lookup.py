"""Find the document a URL names, or the redirect that keeps an old URL working.

URLs are a public contract: a permanent-id URL redirects to the symbol URL once a symbol is
known, an old symbol redirects to the current one, and a symbol typed loosely (case, spaces,
full-width characters) redirects to its canonical spelling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.http import Http404

from archive.ingest.symbols import symbol_lookup_key
from archive.models import Document, SymbolAlias


@dataclass
class Lookup:
    document: Document | None = None
    # Set when the request must be answered by a permanent redirect to the document's canonical URL.
    redirect: bool = False


class Withdrawn(Http404):
    """The URL names a document that was published once and withdrawn since (answered with 410)."""

    def __init__(self, document: Document) -> None:
        super().__init__(document.url_key)
        self.document = document


ID_PREFIX = "id/"


# No symbol or id holds a control character, and PostgreSQL refuses NUL in a query outright.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _find(ref: str, qs) -> Lookup:
    if _CONTROL.search(ref):
        raise Http404(ref)
    if ref.startswith(ID_PREFIX):
        doc = qs.filter(public_id=ref[len(ID_PREFIX) :].strip("/")).first()
        if doc is None:
            raise Http404(ref)
        return Lookup(doc, redirect=bool(doc.symbol))
    key = symbol_lookup_key(ref)
    doc = qs.filter(symbol=key).first()
    if doc is not None:
        return Lookup(doc, redirect=key != ref)
    alias = SymbolAlias.objects.filter(symbol=key).values_list("document_id", flat=True).first()
    if alias is not None:
        doc = qs.filter(pk=alias).first()
        if doc is not None:
            return Lookup(doc, redirect=True)
    raise Http404(ref)


def find_document(ref: str, queryset=None) -> Lookup:
    """Resolve ``ref`` (a symbol or ``id/<public_id>``) against ``queryset``; raise Http404 if nothing matches.

    Without ``queryset``, what readers may open (a draft filling a cited hub is that hub to them:
    ``archive.models.readers_view``).  A URL that was public once keeps an answer: a withdrawn
    document raises :class:`Withdrawn`.
    """
    if queryset is not None:
        return _find(ref, queryset)
    try:
        return _find(ref, Document.objects.for_reading())
    except Http404:
        try:
            found = _find(ref, Document.objects.with_text())
        except Http404:
            raise Http404(ref) from None
        doc = found.document
        if doc.is_withdrawn:
            raise Withdrawn(doc) from None
        raise
