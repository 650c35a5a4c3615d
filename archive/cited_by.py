""" "Cited by": who cites a document, where, and with which sentence — one page of it at a time.

A resolution can be cited by thousands of paragraphs.  The whole set is grouped (by citing
document, newest first, then by citing paragraph) from light rows — no paragraph text, no
document raw text — because the counts, the year table, the timeline and the pin-point index
describe all of it.  Only the citing documents on the page being read get their excerpts, which
need the paragraphs' text: one query per kind of block.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from archive.labels import block_label, pinpoint_label
from archive.models import Citation, Document, Footnote, Paragraph
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
    label: str
    excerpts: list[SafeString] = field(default_factory=list)
    # (label, anchor in the cited document): ("第 60 段", "p60"); the anchor is "" for "附件".
    pinpoints: list[tuple[str, str]] = field(default_factory=list)
    # Where each citation stands in the block's text, for the excerpts (filled on demand).
    spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class CitingDocument:
    document: Document
    places: list[CitingPlace] = field(default_factory=list)


@dataclass
class PinpointEntry:
    number: str
    places: list[tuple[CitingDocument, CitingPlace]]
    more: int = 0


@dataclass
class CitedBy:
    documents: list[CitingDocument]
    place_count: int
    # (year or None, number of citing paragraphs), newest year first.
    by_year: list[tuple[int | None, int]]
    # Pin-pointed paragraph numbers of this document and the places citing them (hub pages anchor these).
    by_pinpoint: list[PinpointEntry]
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


def light(citations: QuerySet[Citation]) -> QuerySet[Citation]:
    """The citations without the texts that only excerpts need (see :func:`fill_excerpts`)."""
    return citations.defer(
        "paragraph__text",
        "footnote__text",
        "paragraph__document__raw_text",
        "footnote__document__raw_text",
    )


def _pinpoint_numbers(pinpoint: str) -> list[str]:
    if not re.fullmatch(r"[0-9,\-]+", pinpoint or ""):
        return []
    return [part.split("-")[0] for part in pinpoint.split(",") if part.split("-")[0].isdigit()]


def build_cited_by(citations: Iterable[Citation], page: int | str | None = None) -> CitedBy:
    """Group citations (newest citing document first) by document, then by citing paragraph.

    A citation in a footnote is shown with the footnote's sentence but sends the reader to the
    paragraph that carries the footnote's marker, where the footnote is read.  With ``page``, the
    list is paginated and that page's documents get their excerpts.
    """
    documents: dict[int, CitingDocument] = {}
    places: dict[tuple[str, int], CitingPlace] = {}
    pinpoints: dict[str, list[tuple[CitingDocument, CitingPlace]]] = defaultdict(list)
    for c in citations:
        if c.paragraph is not None:
            doc, key = c.paragraph.document, ("p", c.paragraph_id)
        else:
            doc, key = c.footnote.document, ("f", c.footnote_id)
        group = documents.setdefault(doc.pk, CitingDocument(doc))
        place = places.get(key)
        if place is None:
            place = _citing_place(c)
            places[key] = place
            group.places.append(place)
        if (c.start, c.end) not in place.spans:
            place.spans.append((c.start, c.end))
        numbers = _pinpoint_numbers(c.pinpoint)
        pin = (pinpoint_label(c.pinpoint), f"p{numbers[0]}" if numbers else "")
        if pin[0] and pin not in place.pinpoints:
            place.pinpoints.append(pin)
        for number in numbers:
            if all(existing is not place for _g, existing in pinpoints[number]):
                pinpoints[number].append((group, place))
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
    by_pinpoint = [
        PinpointEntry(number, found[:PINPOINT_PLACES], max(0, len(found) - PINPOINT_PLACES))
        for number, found in sorted(pinpoints.items(), key=lambda item: int(item[0]))
    ]
    groups = list(documents.values())
    result = CitedBy(groups, len(citing_paragraphs), by_year, by_pinpoint)
    if page is not None:
        result.page = Paginator(groups, PER_PAGE).get_page(page)
        fill_excerpts(result.page.object_list)
    return result


def fill_excerpts(groups: Sequence[CitingDocument]) -> None:
    """The sentences that make the citations, for these citing documents only (two queries at most)."""
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
        return CitingPlace(c.paragraph, None, block_label(c.paragraph))
    fn = c.footnote
    refs = list(fn.references.all())
    carrier = refs[0].paragraph if refs else None
    # The carrier paragraph is fetched without its document; it is the footnote's document.
    if carrier is not None:
        carrier.document = fn.document
    label = _("脚注 %(number)s") % {"number": fn.number}
    if carrier is not None:
        label = _("%(block)s，脚注 %(number)s") % {"block": block_label(carrier), "number": fn.number}
    return CitingPlace(carrier, fn, label)
