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
from django.db.models import QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from archive.ingest.pinpoints import canonical_anchor, first_anchor, parse_pinpoint
from archive.labels import anchor_label, block_label, in_document, locator, pinpoints_label, with_page
from archive.models import BlockKind, Citation, Document, Footnote, Paragraph
from archive.render import citing_excerpt

# Citing documents per page of the list.
PER_PAGE = 25
# Citing places listed under one pin-pointed paragraph on a hub page; the rest are counted.
PINPOINT_PLACES = 12


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
    places: list[CitingPlace] = field(default_factory=list)


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
    by_anchor: dict[str, list[CitingPlace]] = field(default_factory=dict)
    # The citing documents shown now, with their excerpts.
    page: Page | None = None

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
        found = {id(pl) for name in names for pl in self.by_anchor.get(name, ())}
        return len(found)


def light(citations: QuerySet[Citation]) -> QuerySet[Citation]:
    """The citations without the texts that only excerpts need (see :func:`fill_excerpts`)."""
    return citations.defer(
        "paragraph__text",
        "footnote__text",
        "paragraph__document__raw_text",
        "footnote__document__raw_text",
    )


def citing(citations: QuerySet[Citation], names: Iterable[str]) -> list[Citation]:
    """The citations whose pin-point designates a block answering to one of ``names``."""
    wanted = set(names)
    return [c for c in citations.exclude(pinpoint="") if wanted & {anchor for *_, anchor in _designated(c.pinpoint)}]


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


def build_cited_by(citations: Iterable[Citation], page: int | str | None = None) -> CitedBy:
    """Group citations (newest citing document first) by document, then by citing paragraph.

    A citation in a footnote is shown with the footnote's sentence but sends the reader to the
    paragraph that carries the footnote's marker, where the footnote is read.  With ``page``, the
    list is paginated and that page's documents get their excerpts.
    """
    documents: dict[int, CitingDocument] = {}
    places: dict[tuple[str, int], CitingPlace] = {}
    designated: dict[tuple[str, int | None], tuple[str, list[tuple[CitingDocument, CitingPlace]]]] = {}
    listed: set[tuple[tuple[str, int | None], tuple[str, int]]] = set()
    for c in citations:
        if c.paragraph is not None:
            doc, key = c.paragraph.document, ("p", c.paragraph_id)
        else:
            doc, key = c.footnote.document, ("f", c.footnote_id)
        group = documents.setdefault(doc.pk, CitingDocument(doc))
        place = places.get(key)
        if place is None:
            place = _citing_place(c)
            place.key = key
            places[key] = place
            group.places.append(place)
        if (c.start, c.end) not in place.spans:
            place.spans.append((c.start, c.end))
        if c.pinpoint and c.pinpoint not in place.pins:
            place.pins.append(c.pinpoint)
        for section, number, anchor in _designated(c.pinpoint):
            _anchor, found = designated.setdefault((section, number), (anchor, []))
            if ((section, number), key) not in listed:
                listed.add(((section, number), key))
                found.append((group, place))
    for group in documents.values():
        # Reading order; a footnote comes right after the paragraph carrying its marker.
        group.places.sort(key=lambda pl: (pl.paragraph.position if pl.paragraph else 1 << 30, pl.footnote is not None))
    # Counts are of citing paragraphs: a paragraph citing in its text and again in its footnote is one.
    citing_paragraphs = {
        (pl.paragraph.pk if pl.paragraph else f"fn{pl.footnote.pk}"): group.document
        for group in documents.values()
        for pl in group.places
    }
    years = Counter(doc.date.year if doc.date else None for doc in citing_paragraphs.values())
    by_year = sorted(years.items(), key=lambda item: (item[0] is None, -(item[0] or 0)))
    ordered = sorted(designated.items(), key=lambda item: _entry_order(item[0]))
    by_pinpoint = [
        PinpointEntry(anchor, anchor_label(*key), found[:PINPOINT_PLACES], max(0, len(found) - PINPOINT_PLACES))
        for key, (anchor, found) in ordered
    ]
    by_anchor = {anchor: [pl for _g, pl in found] for anchor, found in designated.values()}
    groups = list(documents.values())
    result = CitedBy(groups, len(citing_paragraphs), by_year, by_pinpoint, by_anchor)
    # Labels are for the places shown: the pin-point index's, and the page's (fill_excerpts).
    _label_places([pl for entry in by_pinpoint for _g, pl in entry.places])
    if page is not None:
        result.page = Paginator(groups, PER_PAGE).get_page(page)
        fill_excerpts(result.page.object_list)
    return result


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
