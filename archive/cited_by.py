""" "Cited by": who cites a document, where, and with which sentence — one page of it at a time.

A resolution can be cited by thousands of paragraphs.  The whole set is grouped (by citing
document, newest first, then by citing paragraph) from light rows — no paragraph text, no
document raw text — because the counts, the year table, the timeline and the pin-point index
describe all of it.  Only the citing documents on the page being read get their excerpts, which
need the paragraphs' text: one query per kind of block.

Pin-points are read through ``archive.ingest.pinpoints`` (the one grammar of ``Citation.pinpoint``):
a citation of ``第 29-47 段`` counts for every paragraph from 29 to 47, one of ``附件一:2`` for the
annex paragraph whose canonical anchor is ``annex1-p2``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from archive.ingest.pinpoints import canonical_anchor, first_anchor, parse_pinpoint
from archive.labels import anchor_label, block_label, in_document, locator, pinpoints_label, with_page
from archive.models import BlockKind, Citation, Document, Footnote, FootnoteReference, Paragraph
from archive.render import citing_excerpt

# Citing documents per page of the list.
PER_PAGE = 25
# Citing places listed under one pin-pointed paragraph on a hub page; the rest are counted.
PINPOINT_PLACES = 12
# Citing places listed under one citing document (in its reading order); the rest are counted.
PLACES_PER_DOCUMENT = 20


@dataclass
class CitingPlace:
    """One paragraph of a citing document, with the sentences in it that make the citations."""

    paragraph: Paragraph | None
    footnote: Footnote | None
    # ("p", paragraph id) or ("f", footnote id): which block of the citing document this is.
    key: tuple[str, int] = ("", 0)
    label: str = ""
    # The label with the citing document: 'S/2022/747，第 5 自然段（第 2 页）'.
    citation: str = ""
    excerpts: list[SafeString] = field(default_factory=list)
    # What of the cited document this place cites ('第 4、5 段'), and the anchor a link lands on.
    pinpoint: str = ""
    pinpoint_anchor: str = ""
    # The stored pin-points of its citations, and where each citation stands in the block's text.
    pins: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class CitingDocument:
    document: Document
    # The places shown (the first of the page being read); ``place_count`` counts them all.
    places: list[CitingPlace] = field(default_factory=list)
    place_count: int = 0

    @property
    def more_places(self) -> int:
        return self.place_count - len(self.places) if self.places else 0


@dataclass
class PinpointEntry:
    anchor: str
    label: str
    places: list[tuple[CitingDocument, CitingPlace]]
    more: int = 0


@dataclass
class CitedBy:
    documents: list[CitingDocument]
    place_count: int
    # (year or None, number of citing paragraphs), newest year first.
    by_year: list[tuple[int | None, int]]
    # Pin-pointed paragraphs of this document and the places citing them (hub pages anchor these).
    by_pinpoint: list[PinpointEntry]
    # Every place citing each canonical anchor (``p12``, ``annex1-p2``, ``pp3``), uncapped.
    by_anchor: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    # The citing documents shown now, with their excerpts.
    page: Page | None = None
    # Where the places come from, for the documents shown later (:func:`show`).
    citations: QuerySet | None = None
    names: Iterable[str] | None = None
    keys_of: dict[int, dict[tuple[str, int], None]] = field(default_factory=dict)

    def href(self, doc: Document) -> str:
        """Where the list shows ``doc``: an anchor on this page, or the page that holds it."""
        anchor = f"#cited-by-{doc.public_id}"
        if self.page is None:
            return anchor
        index = next((i for i, g in enumerate(self.documents) if g.document.pk == doc.pk), 0)
        number = index // self.page.paginator.per_page + 1
        return anchor if number == self.page.number else f"?cited_page={number}{anchor}"

    def count_for(self, names: Iterable[str]) -> int:
        """How many places cite a block answering to ``names`` (its anchor and canonical names)."""
        return len({key for name in names for key in self.by_anchor.get(name, ())})


def light(citations: QuerySet[Citation]) -> QuerySet[Citation]:
    """The citations without the texts that only excerpts need (see :func:`fill_excerpts`)."""
    return citations.defer(
        "paragraph__text",
        "footnote__text",
        "paragraph__document__raw_text",
        "footnote__document__raw_text",
    )


@lru_cache(maxsize=4096)
def _designated(pinpoint: str) -> tuple[tuple[str, int | None, str], ...]:
    """(section, number, canonical anchor) for every paragraph a pin-point designates, ranges expanded.

    Cached: a much-cited document is cited with the same few pin-points thousands of times.
    """
    parsed = parse_pinpoint(pinpoint)
    if parsed is None:
        return ()
    if not parsed.spans:
        return ((parsed.section, None, parsed.section),)
    return tuple((parsed.section, n, canonical_anchor(parsed.section, n)) for n in parsed.numbers)


_SECTION_ORDER = re.compile(r"^([a-z]+?)([0-9]*)$")


def _entry_order(key: tuple[str, int | None]) -> tuple:
    section, number = key
    m = _SECTION_ORDER.match(section)
    part, index = (m[1], int(m[2] or 0)) if m else (section, 0)
    # Main body first, then the preamble, then annexes and enclosures in their order.
    return (section != "", section != "preamble", part, index, number is not None, number or 0)


# A citing place: ("p", paragraph id) or ("f", footnote id).
PlaceKey = tuple[str, int]


@dataclass
class _Row:
    """One citation as the whole-set figures need it: plain values, no model instances."""

    key: PlaceKey
    # What counts as one citing paragraph: a footnote counts as the paragraph carrying its marker.
    counted: int | str
    document_id: int
    pinpoint: str


def _rows(citations: QuerySet[Citation]) -> list[_Row]:
    # The first paragraph carrying the footnote's marker, as ``fn.references.all()[0]`` is (its
    # references are all in its own document, so their order is the paragraphs' position).  Spelt
    # by position, not by the references' default order, which PostgreSQL joins for every row
    # through the paragraphs' and the documents' orderings (minutes on a test database).
    carrier = Subquery(
        FootnoteReference.objects.filter(footnote=OuterRef("footnote_id"))
        .order_by("paragraph__position", "offset")
        .values("paragraph_id")[:1]
    )
    values = (
        citations.prefetch_related(None)
        .annotate(_document=Coalesce("paragraph__document_id", "footnote__document_id"), _carrier=carrier)
        .values_list("paragraph_id", "footnote_id", "_carrier", "_document", "pinpoint")
    )
    return [
        _Row(("p", p) if p else ("f", f), p or c or f"fn{f}", d, pin or "") for p, f, c, d, pin in values.iterator(2000)
    ]


def _designates(pinpoint: str, names: set[str]) -> bool:
    """Whether the pin-point designates a block answering to one of ``names``."""
    return any(anchor in names for *_, anchor in _designated(pinpoint))


def build_cited_by(
    citations: QuerySet[Citation], page: int | str | None = None, names: Iterable[str] | None = None
) -> CitedBy:
    """Group citations (newest citing document first) by document, then by citing paragraph.

    The counts, the year table, the timeline and the pin-point index describe every citation, so
    they are computed from plain values; model rows (and excerpts) are made only for the places
    shown: the page's documents (with ``page``) and the first places under each pin-point.  With
    ``names``, only citations whose pin-point designates a block answering to one of them count.
    A citation in a footnote is shown with the footnote's sentence but sends the reader to the
    paragraph that carries the footnote's marker, where the footnote is read.
    """
    rows = _rows(citations)
    if names is not None:
        wanted = set(names)
        rows = [r for r in rows if _designates(r.pinpoint, wanted)]
    keys_of: dict[int, dict[PlaceKey, None]] = {}
    counted_of: dict[int | str, int] = {}
    designated: dict[tuple[str, int | None], tuple[str, dict[PlaceKey, int]]] = {}
    for r in rows:
        keys_of.setdefault(r.document_id, {})[r.key] = None
        counted_of.setdefault(r.counted, r.document_id)
        for section, number, anchor in _designated(r.pinpoint):
            designated.setdefault((section, number), (anchor, {}))[1].setdefault(r.key, r.document_id)
    by_pk = _citing_documents(citations) if rows else {}
    groups = {pk: CitingDocument(by_pk[pk], place_count=len(keys)) for pk, keys in keys_of.items()}
    years = Counter(by_pk[d].date.year if by_pk[d].date else None for d in counted_of.values())
    by_year = sorted(years.items(), key=lambda item: (item[0] is None, -(item[0] or 0)))
    by_anchor = {anchor: list(found) for anchor, found in designated.values()}
    result = CitedBy(list(groups.values()), len(counted_of), by_year, [], by_anchor)
    result.citations, result.names, result.keys_of = citations, names, keys_of
    ordered = sorted(designated.items(), key=lambda item: _entry_order(item[0]))
    shown = {key: doc_pk for _k, (_a, found) in ordered for key, doc_pk in list(found.items())[:PINPOINT_PLACES]}
    if page is not None:
        result.page = Paginator(result.documents, PER_PAGE).get_page(page)
    places = _places(result, shown, [g.document.pk for g in (result.page.object_list if result.page else ())])
    result.by_pinpoint = [
        PinpointEntry(
            anchor,
            anchor_label(*entry),
            [(groups[doc_pk], places[key]) for key, doc_pk in list(found.items())[:PINPOINT_PLACES] if key in places],
            max(0, len(found) - PINPOINT_PLACES),
        )
        for entry, (anchor, found) in ordered
    ]
    # Labels are for the places shown: the pin-point index's, and the page's (fill_excerpts).
    _label_places([pl for entry in result.by_pinpoint for _g, pl in entry.places])
    if result.page is not None:
        fill_excerpts(result.page.object_list)
    return result


# Every column of a citing document but its text, read through the citation's paragraph or footnote.
_DOCUMENT_FIELDS = [f.attname for f in Document._meta.concrete_fields if f.name != "raw_text"]


def _citing_documents(citations: QuerySet[Citation]) -> dict[int, Document]:
    """The citing documents (without their texts), by primary key.

    Read through the same joins as the citations themselves, once per document: the same set as an
    ``id IN (subquery)`` would give, without the subquery, which PostgreSQL with stale statistics
    answered in minutes.
    """
    columns = {
        f"_citing_{name}": Coalesce(f"paragraph__document__{name}", f"footnote__document__{name}")
        for name in _DOCUMENT_FIELDS
    }
    values = citations.prefetch_related(None).order_by().annotate(**columns).values_list(*columns).distinct()
    documents = (Document.from_db(citations.db, _DOCUMENT_FIELDS, row) for row in values)
    return {doc.pk: doc for doc in documents}


def show(cited_by: CitedBy, groups: Sequence[CitingDocument]) -> None:
    """Give these citing documents their places (and the places their excerpts), e.g. a feed's newest."""
    _places(cited_by, {}, [g.document.pk for g in groups if not g.places])
    fill_excerpts(groups)


def _places(cited_by: CitedBy, keys: dict[PlaceKey, int], document_ids: list[int]) -> dict[PlaceKey, CitingPlace]:
    """Model rows for the places named by ``keys`` and the first places of ``document_ids`` (one query,
    plus the footnotes' markers), attached in reading order to their documents' groups."""
    listed = {pk: list(cited_by.keys_of.get(pk, ()))[:PLACES_PER_DOCUMENT] for pk in document_ids}
    keys = [*keys, *(key for found in listed.values() for key in found)]
    if not keys:
        return {}
    wanted = Q(paragraph_id__in={pk for kind, pk in keys if kind == "p"})
    wanted |= Q(footnote_id__in={pk for kind, pk in keys if kind == "f"})
    citations = list(light(cited_by.citations).filter(wanted))
    if cited_by.names is not None:
        wanted = set(cited_by.names)
        citations = [c for c in citations if _designates(c.pinpoint, wanted)]
    places: dict[PlaceKey, CitingPlace] = {}
    for c in citations:
        key: PlaceKey = ("p", c.paragraph_id) if c.paragraph_id else ("f", c.footnote_id)
        place = places.get(key)
        if place is None:
            place = places[key] = _citing_place(c)
            place.key = key
        if (c.start, c.end) not in place.spans:
            place.spans.append((c.start, c.end))
        if c.pinpoint and c.pinpoint not in place.pins:
            place.pins.append(c.pinpoint)
    groups = {g.document.pk: g for g in cited_by.documents}
    for pk, found in listed.items():
        group = groups[pk]
        group.places = [places[key] for key in found if key in places]
        # Reading order; a footnote comes right after the paragraph carrying its marker.
        group.places.sort(key=lambda pl: (pl.paragraph.position if pl.paragraph else 1 << 30, pl.footnote is not None))
    return places


def fill_excerpts(groups: Sequence[CitingDocument]) -> None:
    """The sentences that make the citations, and the places' labels, for these citing documents only
    (three queries at most)."""
    _label_places([pl for g in groups for pl in g.places])
    wanted = [pl for g in groups for pl in g.places if not pl.excerpts]
    paragraph_ids = {pl.paragraph.pk for pl in wanted if pl.footnote is None}
    footnote_ids = {pl.footnote.pk for pl in wanted if pl.footnote}
    texts: dict[tuple[str, int], str] = {}
    if paragraph_ids:
        texts |= {("p", pk): t for pk, t in Paragraph.objects.filter(pk__in=paragraph_ids).values_list("pk", "text")}
    if footnote_ids:
        texts |= {("f", pk): t for pk, t in Footnote.objects.filter(pk__in=footnote_ids).values_list("pk", "text")}
    for pl in wanted:
        text = texts.get(("f", pl.footnote.pk) if pl.footnote else ("p", pl.paragraph.pk), "")
        for start, end in pl.spans:
            excerpt = citing_excerpt(text, start, end)
            if excerpt not in pl.excerpts:
                pl.excerpts.append(excerpt)


def _citing_place(c: Citation) -> CitingPlace:
    if c.paragraph is not None:
        return CitingPlace(c.paragraph, None)
    fn = c.footnote
    refs = list(fn.references.all())
    carrier = refs[0].paragraph if refs else None
    # The carrier paragraph is fetched without its document; it is the footnote's document.
    if carrier is not None:
        carrier.document = fn.document
    return CitingPlace(carrier, fn)


def _label_places(places: list[CitingPlace]) -> None:
    """Each place's locator ('第 5 自然段（第 2 页）', '第 12 段，脚注 3') and its pin-point phrase.

    A heading without a page is named by its words, which light rows leave out: those few texts
    come in one query.
    """
    places = [pl for pl in places if not pl.label]
    untitled = [
        pl.paragraph
        for pl in places
        if pl.footnote is None
        and pl.paragraph.kind in (BlockKind.HEADING, BlockKind.TITLE)
        and pl.paragraph.page is None
        and "text" in pl.paragraph.get_deferred_fields()
    ]
    if untitled:
        texts = dict(Paragraph.objects.filter(pk__in=[p.pk for p in untitled]).values_list("pk", "text"))
        for p in untitled:
            p.text = texts.get(p.pk, "")
    for pl in places:
        if pl.footnote is None:
            pl.label = locator(pl.paragraph)
        else:
            fn = pl.footnote
            label = _("脚注 %(number)s") % {"number": fn.number}
            if pl.paragraph is not None:
                label = _("%(block)s，脚注 %(number)s") % {"block": block_label(pl.paragraph), "number": fn.number}
            pl.label = with_page(label, fn.page if fn.page is not None else (pl.paragraph and pl.paragraph.page))
        pl.citation = in_document((pl.footnote or pl.paragraph).document, pl.label)
        pl.pinpoint = pinpoints_label(pl.pins)
        pl.pinpoint_anchor = next((a for a in map(first_anchor, pl.pins) if a), "")
