"""Reader-facing HTML pages: home, lists, the resolution index, documents, hubs and single paragraphs.

URLs are a public contract (see ``archive.lookup``): every page that names a document first asks
:func:`find_document`, which also decides when an old or loosely typed URL must redirect (301) to
the canonical one.  Query logic lives in the QuerySets; this module turns rows into small view
models (rendered HTML, labels, groupings) so templates stay free of logic and of queries.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.cited_by import build_cited_by, light
from archive.labels import block_label, citation_line
from archive.lookup import Withdrawn, find_document
from archive.models import (
    BlockKind,
    Citation,
    Document,
    DocumentType,
    Footnote,
    Paragraph,
)
from archive.render import Highlight, Marker, citation_links, footnote_markers, render_text
from search.highlight import hl_spans

# --- headings ------------------------------------------------------------------------------------

# UN reports number chapters 一. 二. ..., sections A. B. ..., and sometimes sub-sections 1. 2. ...
_CHAPTER = re.compile(r"^[一二三四五六七八九十]+\s*[.．、]")
_SECTION = re.compile(r"^[A-Z]\s*[.．]")
_SUBSECTION = re.compile(r"^[0-9]+\s*[.．]")


def heading_levels(texts: Sequence[str]) -> list[int]:
    """HTML heading levels (2-4) for a document's headings, never skipping a level (h1 is the title).

    An unnumbered heading sits one level below the last numbered one (003: '秘书处、部队派遣国和
    安理会成员交换意见' under 'B. 第一次实质性会议'), or at the top when nothing is numbered yet.
    """
    levels: list[int] = []
    previous = 1
    numbered: int | None = None
    for text in texts:
        text = text.strip()
        if _CHAPTER.match(text):
            level = numbered = 2
        elif _SECTION.match(text) or _SUBSECTION.match(text):
            level = numbered = 3
        else:
            level = min(numbered + 1, 4) if numbered else 2
        level = min(level, previous + 1)
        levels.append(level)
        previous = level
    return levels


# --- view models ---------------------------------------------------------------------------------


@dataclass
class BlockView:
    paragraph: Paragraph
    html: SafeString
    label: str
    heading_level: int | None = None
    # The document's title block is the page's <h1>, so it is not repeated in the body.
    is_page_title: bool = False


@dataclass
class FootnoteView:
    footnote: Footnote
    html: SafeString
    backrefs: list[Marker] = field(default_factory=list)


def _footnote_href(fn: Footnote) -> str:
    return f"#{fn.anchor}"


def build_blocks(
    doc: Document, paragraphs: Iterable[Paragraph], footnotes: dict[int, Footnote], hl: str = ""
) -> tuple[list[BlockView], dict[str, list[Marker]]]:
    """Render every block; also return, per footnote anchor, the markers that point to it (for back-links).

    ``hl`` is the search words a reader arrived with (``?hl=``): they are marked wherever they occur.
    """
    views: list[BlockView] = []
    markers_by_footnote: dict[str, list[Marker]] = defaultdict(list)
    rows = list(paragraphs)
    headings = [p for p in rows if p.kind in (BlockKind.HEADING, BlockKind.TITLE)]
    title_block = None
    if rows and rows[0].kind == BlockKind.TITLE and _same(rows[0].text, doc.title):
        title_block = rows[0]
    body_headings = [p for p in headings if p is not title_block]
    heading_texts = [p.text for p in body_headings]
    levels = {p.pk: level for p, level in zip(body_headings, heading_levels(heading_texts), strict=True)}
    for p in rows:
        markers = footnote_markers(p.footnote_refs.all(), footnotes, p.anchor, _footnote_href)
        for m in markers:
            markers_by_footnote[m.footnote_anchor].append(m)
        lights = [Highlight(start, end) for start, end in hl_spans(p.text, hl)] if hl else []
        html = render_text(p.text, citation_links(p.citations.all()), markers, lights)
        views.append(BlockView(p, html, block_label(p), levels.get(p.pk), p is title_block))
    return views, markers_by_footnote


def _same(a: str, b: str) -> bool:
    return re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b)


def build_footnotes(footnotes: Iterable[Footnote], markers: dict[str, list[Marker]]) -> list[FootnoteView]:
    return [
        FootnoteView(fn, render_text(fn.text, citation_links(fn.citations.all())), markers.get(fn.anchor, []))
        for fn in footnotes
    ]


# --- pages ---------------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    documents = Document.objects.published().with_text()
    context = {
        "document_count": documents.count(),
        "paragraph_count": Paragraph.objects.published().current().count(),
        "citation_count": Citation.objects.published().count(),
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


def document_by_id(request: HttpRequest, public_id: str) -> HttpResponse:
    return document_detail(request, f"id/{public_id}")


def withdrawn(request: HttpRequest, doc: Document) -> HttpResponse:
    """The answer at a URL whose document was published once and withdrawn since: 410, with what it was."""
    return render(request, "archive/document_withdrawn.html", {"document": doc}, status=410)


def document_detail(request: HttpRequest, ref: str) -> HttpResponse:
    try:
        found = find_document(ref, hub_view=True)
    except Withdrawn as gone:
        return withdrawn(request, gone.document)
    doc = found.document
    if found.redirect:
        return redirect(doc.get_absolute_url(), permanent=True)
    cited_by = build_cited_by(light(Citation.objects.cited_by(doc)), request.GET.get("cited_page") or 1)
    if not doc.has_text or found.as_hub:
        return render(request, "archive/document_hub.html", {"document": doc, "cited_by": cited_by})
    footnotes = list(doc.footnotes.prefetch_related("citations__target"))
    paragraphs = doc.paragraphs.current().in_reading_order().for_rendering()
    hl = request.GET.get("hl", "")[:200]
    blocks, markers = build_blocks(doc, paragraphs, {fn.pk: fn for fn in footnotes}, hl)
    context = {
        "document": doc,
        "blocks": blocks,
        "title_block": next((b for b in blocks if b.is_page_title), None),
        "toc": [b for b in blocks if b.heading_level],
        "footnotes": build_footnotes(footnotes, markers),
        "cited_by": cited_by,
    }
    return render(request, "archive/document_detail.html", context)


def paragraph_detail(request: HttpRequest, ref: str, anchor: str) -> HttpResponse:
    """One block standing alone: the page a shared link opens, with previews for chat apps."""
    try:
        found = find_document(ref)
    except Withdrawn as gone:
        return withdrawn(request, gone.document)
    doc = found.document
    paragraph = doc.paragraphs.for_rendering().with_footnotes().filter(anchor=anchor).first()
    if paragraph is None:
        footnote = doc.footnotes.filter(anchor=anchor).first()
        if footnote is None:
            raise Http404(anchor)
        # Footnotes have no page of their own; they are read in the document.
        return redirect(footnote.get_absolute_url())
    paragraph.document = doc
    if found.redirect:
        return redirect(paragraph.get_permalink(), permanent=True)
    # A footnote marked twice in the block comes back twice through the many-to-many.
    footnotes = list({fn.pk: fn for fn in paragraph.footnotes.all()}.values())
    blocks, markers = build_blocks(doc, [paragraph], {fn.pk: fn for fn in footnotes})
    siblings = Paragraph.objects.current()
    previous = next_block = None
    if paragraph.is_current:
        previous = siblings.before(paragraph).last()
        next_block = siblings.after(paragraph).first()
    for neighbour in (previous, next_block):
        if neighbour is not None:
            neighbour.document = doc
    context = {
        "document": doc,
        "paragraph": paragraph,
        "item": blocks[0],
        "footnotes": build_footnotes(footnotes, markers),
        "citations": [*paragraph.citations.all(), *(c for fn in footnotes for c in fn.citations.all())],
        "citation_line": citation_line(paragraph),
        "permalink": request.build_absolute_uri(paragraph.get_permalink()),
        "previous": previous,
        "next": next_block,
    }
    return render(request, "archive/paragraph_detail.html", context)
