"""Reader-facing HTML pages: home, lists, the resolution index, documents, hubs and single paragraphs.

URLs are a public contract (see ``archive.lookup``): every page that names a document first asks
:func:`find_document`, which also decides when an old or loosely typed URL must redirect (301) to
the canonical one.  Query logic lives in the QuerySets; this module turns rows into small view
models (rendered HTML, labels, groupings) so templates stay free of logic and of queries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.cited_by import build_cited_by, light
from archive.ingest.symbols import symbol_lookup_key
from archive.labels import block_label, citation_line, supplement_kind, supplement_parents, version_line, with_url
from archive.lookup import Withdrawn, find_document
from archive.models import Citation, Document, DocumentType, Language, Paragraph, TextVersion
from archive.views.text import block_names, build_blocks, build_footnotes, document_text
from archive.views.versions import PARALLEL, reading_version, requested_view, version_heading

# --- pages ---------------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    documents = Document.objects.published().with_text()
    context = {
        "document_count": documents.count(),
        # The Chinese text's blocks and citations: an English version adds no paragraphs to the archive.
        "paragraph_count": Paragraph.objects.published().current().in_language().count(),
        "citation_count": Citation.objects.published().in_language().count(),
        "cited_count": Document.objects.for_reading().cited().count(),
        "newest": documents.newest_first()[:8],
        "years": list(documents.year_counts()),
        "types": _type_facets(documents),
    }
    return render(request, "archive/home.html", context)


_SORTS = {
    "-date": gettext_lazy("日期（新→旧）"),
    "date": gettext_lazy("日期（旧→新）"),
    "symbol": gettext_lazy("文号（A→Z）"),
    "-symbol": gettext_lazy("文号（Z→A）"),
}


def _paginate(request: HttpRequest, items: Sequence | object) -> Page:
    return Paginator(items, settings.ARCHIVE_PAGE_SIZE).get_page(request.GET.get("page"))


def _type_facets(documents) -> list[dict]:
    labels = dict(DocumentType.choices)
    return [
        dict(value=row["doc_type"], label=labels.get(row["doc_type"], row["doc_type"]), count=row["count"])
        for row in documents.type_counts()
    ]


def document_list(request: HttpRequest) -> HttpResponse:
    """Documents the archive holds, filtered by year and/or type, sorted by date or symbol."""
    all_documents = Document.objects.published().with_text()
    documents = all_documents
    year = request.GET.get("year", "")
    doc_type = request.GET.get("type", "")
    sort = request.GET.get("sort", "-date")
    if sort not in _SORTS:
        sort = "-date"
    if year.isdigit():
        documents = documents.in_year(int(year))
    else:
        year = ""
    if doc_type in DocumentType.values:
        documents = documents.of_type(doc_type)
    else:
        doc_type = ""
    context = {
        "page_obj": _paginate(request, documents.sorted_for_listing(sort)),
        "year": year,
        "doc_type": doc_type,
        "doc_type_label": DocumentType(doc_type).label if doc_type else "",
        "sort": sort,
        "sorts": _SORTS.items(),
        "years": list(all_documents.year_counts()),
        "types": _type_facets(all_documents),
    }
    return render(request, "archive/document_list.html", context)


_RESOLUTION_SORTS = {
    "symbol": gettext_lazy("文号"),
    "-date": gettext_lazy("年份（新→旧）"),
    "-count": gettext_lazy("被引次数"),
}
_SC_RES = re.compile(r"^S/RES/(?P<number>[0-9]+)\((?P<year>[0-9]{4})\)$")
_GA_RES = re.compile(r"^A/RES/(?P<session>[0-9]+)/(?P<number>[0-9]+)(?P<suffix>[A-Z]?)$")
# The General Assembly's n-th session opens in September of year 1945 + n.
_GA_FIRST_YEAR = 1945


@dataclass
class ResolutionRow:
    document: Document
    body: str
    year: int | None
    number: tuple[int, ...]


def _resolution_row(doc: Document) -> ResolutionRow:
    symbol = doc.symbol or ""
    if m := _SC_RES.match(symbol):
        return ResolutionRow(doc, _("安全理事会"), int(m["year"]), (0, int(m["number"])))
    if m := _GA_RES.match(symbol):
        session = int(m["session"])
        return ResolutionRow(doc, _("大会"), _GA_FIRST_YEAR + session, (1, session, int(m["number"])))
    return ResolutionRow(doc, "", doc.date.year if doc.date else None, (2,))


def resolution_index(request: HttpRequest) -> HttpResponse:
    """Every cited resolution with its citation count.

    Sorting is done in Python because symbols sort naturally only by their numbers (S/RES/999 comes
    before S/RES/2645); the set is bounded by the number of resolutions ever adopted.
    """
    sort = request.GET.get("sort", "symbol")
    if sort not in _RESOLUTION_SORTS:
        sort = "symbol"
    rows = [_resolution_row(d) for d in Document.objects.for_reading().resolutions().cited()]
    if sort == "-date":
        rows.sort(key=lambda r: (-(r.year or 0), r.number))
    elif sort == "-count":
        rows.sort(key=lambda r: (-r.document.citation_count, r.number))
    else:
        rows.sort(key=lambda r: r.number)
    context = {"page_obj": _paginate(request, rows), "sort": sort, "sorts": _RESOLUTION_SORTS.items()}
    return render(request, "archive/resolution_index.html", context)


_SYMBOL_LIKE = re.compile(r"[AS]/[0-9A-Za-z.()/-]{1,60}")


def not_found(request: HttpRequest, ref: str = "") -> HttpResponse:
    """The archive's own 404 page, in every setting (DEBUG too), offering a search for the symbol asked for."""
    context = {}
    symbol = symbol_lookup_key(ref) if ref else ""
    # Shaped like a symbol, even one the archive would refuse to store (S/9999/1): worth looking up.
    if _SYMBOL_LIKE.fullmatch(symbol):
        context = {"missing_symbol": symbol, "official_url": settings.ARCHIVE_OFFICIAL_URL.format(symbol=symbol)}
    return render(request, "404.html", context, status=404)


def document_by_id(request: HttpRequest, public_id: str) -> HttpResponse:
    return document_detail(request, f"id/{public_id}")


def withdrawn(request: HttpRequest, doc: Document) -> HttpResponse:
    """The answer at a URL whose document was published once and withdrawn since: 410, with what it was."""
    return render(request, "archive/document_withdrawn.html", {"document": doc}, status=410)


def _supplements(doc: Document) -> dict:
    """Corrigenda, revisions and addenda of ``doc``, and the document ``doc`` is one of (2 queries at most)."""
    if not doc.symbol:
        return {}
    context: dict = {}
    found = Document.objects.supplements_of(doc.symbol).defer("raw_text")
    context["supplements"] = [(d, supplement_kind(d.symbol)) for d in found]
    parents = supplement_parents(doc.symbol)
    if parents:
        known = {d.symbol: d for d in Document.objects.for_reading().filter(symbol__in=parents).defer("raw_text")}
        parent = next((known[s] for s in parents if s in known), None)
        if parent is not None:
            context |= {"supplement_of": parent, "supplement_kind": supplement_kind(doc.symbol)}
    return context


def document_detail(request: HttpRequest, ref: str) -> HttpResponse:
    try:
        found = find_document(ref)
    except Withdrawn as gone:
        return withdrawn(request, gone.document)
    except Http404:
        return not_found(request, ref)
    doc = found.document
    if found.redirect:
        return redirect(doc.get_absolute_url(), permanent=True)
    cited_by = build_cited_by(light(Citation.objects.cited_by(doc)), request.GET.get("cited_page") or 1)
    supplements = _supplements(doc)
    if not doc.has_text:
        return render(request, "archive/document_hub.html", {"document": doc, "cited_by": cited_by, **supplements})
    hl = request.GET.get("hl", "")[:200]
    version = reading_version(doc)
    view = requested_view(request.GET.get("view"), version)
    context = {
        "document": doc,
        "text": document_text(request, doc, cited_by, hl, view=view, version=version),
        "cited_by": cited_by,
        "version": version,
        "view": view,
        **supplements,
    }
    return render(request, "archive/document_detail.html", context)


def _aliased(doc: Document, name: str) -> Paragraph | None:
    """The current block that answers to a canonical name (``annex1-p3``, ``pp2``, ``annex1``), if any."""
    return doc.paragraphs.in_language().current().named(name).first()


def paragraph_detail(request: HttpRequest, ref: str, anchor: str) -> HttpResponse:
    """One block standing alone: the page a shared link opens, with previews for chat apps.

    Where the archive holds the English text, the page shows the English block of the same anchor
    too, with its own citation line and footnotes.
    """
    try:
        found = find_document(ref)
    except Withdrawn as gone:
        return withdrawn(request, gone.document)
    except Http404:
        return not_found(request, ref)
    doc = found.document
    if not doc.has_text:
        # A hub has no blocks, and neither has a draft filling one while readers see the hub.
        return not_found(request)
    version = reading_version(doc)
    languages = [Language.ZH, *([version.language] if version else [])]
    # Both languages' blocks of this anchor in one query, so the page costs the same with or without.
    rows = list(doc.paragraphs.in_languages(languages).for_rendering().with_footnotes().filter(anchor=anchor))
    paragraph = next((p for p in rows if p.language == Language.ZH), None)
    partner = next((p for p in rows if p.language != Language.ZH), None)
    if paragraph is None:
        if partner is not None:
            # An English block without a Chinese partner is read beside the Chinese text.
            return redirect(f"{doc.get_absolute_url()}?view={PARALLEL}#{anchor}")
        footnote = doc.footnotes.in_language().filter(anchor=anchor).first()
        if footnote is not None:
            # Footnotes have no page of their own; they are read in the document.
            return redirect(footnote.get_absolute_url())
        alias = _aliased(doc, anchor)
        if alias is None:
            return not_found(request)
        alias.document = doc
        return redirect(alias.get_permalink())
    paragraph.document = doc
    if found.redirect:
        return redirect(paragraph.get_permalink(), permanent=True)
    # A footnote marked twice in the block comes back twice through the many-to-many.
    footnotes = list({fn.pk: fn for fn in paragraph.footnotes.all()}.values())
    names = block_names(paragraph)
    if paragraph.section and _aliased(doc, paragraph.section) == paragraph:
        names.append(paragraph.section)
    cited_by = build_cited_by(light(Citation.objects.cited_by(doc)), request.GET.get("cited_page") or 1, names=names)
    blocks, markers = build_blocks(doc, [paragraph], {fn.pk: fn for fn in footnotes}, cited_by=cited_by)
    siblings = Paragraph.objects.current().in_language()
    previous = next_block = None
    if paragraph.is_current:
        previous = siblings.before(paragraph).last()
        next_block = siblings.after(paragraph).first()
    for neighbour in (previous, next_block):
        if neighbour is not None:
            neighbour.document = doc
    line = citation_line(paragraph)
    permalink = request.build_absolute_uri(paragraph.get_permalink())
    context = {
        "document": doc,
        "paragraph": paragraph,
        "item": blocks[0],
        "footnotes": build_footnotes(footnotes, markers),
        "citations": [*paragraph.citations.all(), *(c for fn in footnotes for c in fn.citations.all())],
        "citation_line": line,
        "citation_with_url": with_url(line, permalink),
        "permalink": permalink,
        "previous": previous,
        "previous_label": block_label(previous) if previous else "",
        "next": next_block,
        "next_label": block_label(next_block) if next_block else "",
        "cited_by": cited_by,
        # Pin-points name numbered paragraphs and whole annexes; other blocks are cited by link only.
        "pinpointable": len(names) > 1 or bool(paragraph.number) or bool(cited_by.documents),
    }
    if partner is not None:
        context |= _partner_context(doc, version, partner, permalink)
    return render(request, "archive/paragraph_detail.html", context)


def _partner_context(doc: Document, version: TextVersion, partner: Paragraph, permalink: str) -> dict:
    """The English block of a paragraph page: its text, citation line and footnotes (no query)."""
    partner.document = doc
    notes = list({fn.pk: fn for fn in partner.footnotes.all()}.values())
    # Its footnotes are listed under it with ids of their own (the Chinese fn3 is on the page too).
    views, markers = build_blocks(
        doc,
        [partner],
        {fn.pk: fn for fn in notes},
        title=version.title,
        marker_prefix="en-",
        footnote_href=lambda fn: f"#en-{fn.anchor}",
    )
    return {
        "version": version,
        "version_heading": version_heading(doc, version),
        "original": views[0],
        "original_footnotes": build_footnotes(notes, markers),
        "original_line": version_line(partner, version.title),
        "original_with_url": version_line(partner, version.title, permalink),
    }
