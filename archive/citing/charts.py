"""Server-side SVG pictures: a timeline of who cites a document, and a graph of what it cites.

Only the geometry is computed here; the SVG markup lives in templates (``archive/_citation_timeline
.html``, ``archive/_citation_graph.html``) so stored text is escaped and labels translated like on
every other page, and colours come from ``citing.css`` classes, not style attributes (the coming
CSP forbids those).  Both pictures are built from what the reading pages have already fetched, so
they cost no database query.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from django.urls import reverse
from django.utils.translation import ngettext

from archive.citing.formats import cited_title
from archive.models import Citation, Document

# --- the timeline --------------------------------------------------------------------------------

TIMELINE_WIDTH = 680
_MIN_TIMELINE_WIDTH = 240
_YEAR_SLOT = 56
_BAR_TOP = 26  # room for the count above the tallest bar
_BAR_AREA = 110
_AXIS_ROOM = 26  # room for the years under the baseline
_MAX_YEAR_LABELS = 12


@dataclass
class TimelineBar:
    year: int
    count: int
    x: float
    y: float
    width: float
    height: float
    # The first (newest) citing document of that year in the page's cited-by list.
    href: str

    @property
    def middle(self) -> float:
        return self.x + self.width / 2

    @property
    def count_y(self) -> float:
        return self.y - 6


@dataclass
class Timeline:
    width: int
    height: int
    baseline: float
    bars: list[TimelineBar]
    # (x, year) for the labelled years of the axis.
    ticks: list[tuple[float, int]]
    first_year: int
    last_year: int
    documents: int
    undated: int

    @property
    def year_label_y(self) -> float:
        return self.baseline + 18


def timeline(citing_documents: Iterable[Document], href: Callable[[Document], str] | None = None) -> Timeline | None:
    """Citing documents per year, every year from the first to the last shown (gaps are years too).

    ``citing_documents`` come newest first, as the cited-by list shows them; each bar links to the
    first of its year in that list (``#cited-by-<public id>``).
    """
    per_year: dict[int, list[Document]] = {}
    undated = 0
    for doc in citing_documents:
        if doc.date is None:
            undated += 1
        else:
            per_year.setdefault(doc.date.year, []).append(doc)
    if not per_year:
        return None
    first, last = min(per_year), max(per_year)
    years = list(range(first, last + 1))
    # A few years get a narrow picture (it stays legible on a phone); many share the full width.
    width = max(_MIN_TIMELINE_WIDTH, min(TIMELINE_WIDTH, len(years) * _YEAR_SLOT + 16))
    slot = (width - 16) / len(years)
    bar_width = min(36.0, slot * 0.7)
    tallest = max(len(docs) for docs in per_year.values())
    baseline = _BAR_TOP + _BAR_AREA
    bars = []
    for i, year in enumerate(years):
        docs = per_year.get(year)
        if not docs:
            continue
        height = max(4.0, _BAR_AREA * len(docs) / tallest)
        x = 8 + i * slot + (slot - bar_width) / 2
        link = href(docs[0]) if href else f"#cited-by-{docs[0].public_id}"
        bars.append(
            TimelineBar(
                year, len(docs), round(x, 1), round(baseline - height, 1), round(bar_width, 1), round(height, 1), link
            )
        )
    step = math.ceil(len(years) / _MAX_YEAR_LABELS)
    ticks = [(round(8 + i * slot + slot / 2, 1), year) for i, year in enumerate(years) if i % step == 0]
    documents = sum(len(docs) for docs in per_year.values())
    return Timeline(width, baseline + _AXIS_ROOM, baseline, bars, ticks, first, last, documents, undated)


# --- the citation graph --------------------------------------------------------------------------

GRAPH_WIDTH = 680  # three columns; two (one side empty) take 2 * _COLUMN + _GAP
_GAP = 60
_COLUMN = 200
_NODE_HEIGHT = 22
_ROW = 28
_TOP = 34  # room for the column headings
_PADDING = 8
_COUNT_ROOM = 30
_FONT = 12
MAX_PER_SIDE = 20


def _text_width(text: str) -> float:
    """Rough width at the graph's font size: CJK characters are square, Latin ones about 0.6 em."""
    return sum(_FONT if ord(c) > 0x2E80 else _FONT * 0.6 for c in text)


def _fit(text: str, room: float) -> str:
    if _text_width(text) <= room:
        return text
    while text and _text_width(text + "…") > room:
        text = text[:-1]
    return text + "…"


@dataclass
class GraphNode:
    name: str  # the symbol, or the title when there is none
    title: str  # the document's title, for the tooltip ("" when the archive does not know it)
    url: str
    count: int  # citations along the edge to the centre
    has_text: bool
    label: str = ""
    x: float = 0
    y: float = 0
    edge: str = ""  # SVG path from the citing node to the cited one
    edge_width: float = 1
    width: int = _COLUMN
    # What a screen reader says for the node (set by :func:`graph`, in the reader's language).
    aria_label: str = ""

    @property
    def text_x(self) -> float:
        return self.x + _PADDING

    @property
    def count_x(self) -> float:
        return self.x + self.width - _PADDING

    @property
    def text_y(self) -> float:
        return self.y + _NODE_HEIGHT / 2 + _FONT * 0.36


@dataclass
class Graph:
    width: int
    height: int
    center: GraphNode
    citing: list[GraphNode] = field(default_factory=list)
    cited: list[GraphNode] = field(default_factory=list)
    # Neighbours beyond MAX_PER_SIDE: counted, listed in the text alternative, not drawn.
    citing_all: list[GraphNode] = field(default_factory=list)
    cited_all: list[GraphNode] = field(default_factory=list)
    node_width: int = _COLUMN
    node_height: int = _NODE_HEIGHT
    # Where the column headings and the "n more" lines stand (x is their middle).
    heading_y: int = 16
    citing_heading_x: float = 0
    cited_heading_x: float = 0
    cited_heading_y: float = 16
    center_heading_x: float = 0
    more_citing_x: float = 0
    more_cited_x: float = 0
    more_citing_y: float = 0
    more_cited_y: float = 0
    # The phone layout of the same picture (one column of neighbours beside this document), or None.
    narrow: Graph | None = None

    @property
    def more_citing(self) -> int:
        return len(self.citing_all) - len(self.citing)

    @property
    def more_cited(self) -> int:
        return len(self.cited_all) - len(self.cited)

    @property
    def wide(self) -> bool:
        """Three columns: documents citing this one, this one, documents it cites."""
        return bool(self.citing_all and self.cited_all)


def _label(doc: Document) -> str:
    return doc.symbol or doc.title or doc.public_id


def cited_nodes(doc: Document, citations: Iterable[Citation]) -> list[GraphNode]:
    """What ``doc`` cites, one node per cited document, most cited first."""
    nodes: dict[object, GraphNode] = {}
    for c in citations:
        if c.target_id == doc.pk:
            continue  # “paragraph 12 above”: a document citing itself is not an edge
        key = c.target_id or c.cited_symbol
        node = nodes.get(key)
        if node is None:
            target = c.target
            if target is not None:
                node = GraphNode(
                    _label(target), target.title or cited_title(target), target.get_absolute_url(), 0, target.has_text
                )
            else:
                url = reverse("document_detail", kwargs={"ref": c.cited_symbol})
                node = GraphNode(c.cited_symbol, "", url, 0, False)
            nodes[key] = node
        node.count += 1
    return sorted(nodes.values(), key=lambda n: (-n.count, n.name))


def citing_nodes(citing: Iterable[tuple[Document, int]]) -> list[GraphNode]:
    """Documents citing this one (newest first), with the number of their paragraphs that do."""
    return [GraphNode(_label(d), d.title, d.get_absolute_url(), count, d.has_text) for d, count in citing]


def _curve(x1: float, y1: float, x2: float, y2: float) -> str:
    middle = (x1 + x2) / 2
    return f"M{x1:.1f},{y1:.1f} C{middle:.1f},{y1:.1f} {middle:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"


def _edge_width(count: int) -> float:
    return round(1 + min(count - 1, 6) * 0.5, 1)


def _text_line(row_top: float) -> float:
    """The baseline of a line of text in a row starting at ``row_top`` (the "n more" lines)."""
    return round(row_top + (_ROW - _NODE_HEIGHT) / 2 + _NODE_HEIGHT / 2 + _FONT * 0.36, 1)


def _name_nodes(citing: list[GraphNode], cited: list[GraphNode]) -> None:
    """Accessible names, once for both layouts (drawing them in the template took longer than the rest)."""
    for node in citing:
        label = ngettext("%(name)s：有 %(counter)s 段引用本文件", "%(name)s：有 %(counter)s 段引用本文件", node.count)
        node.aria_label = label % {"name": node.name, "counter": node.count}
    for node in cited:
        if node.has_text:
            label = ngettext("%(name)s：本文件引用 %(counter)s 次", "%(name)s：本文件引用 %(counter)s 次", node.count)
        else:
            label = ngettext(
                "%(name)s：本文件引用 %(counter)s 次（本库未收录全文）",
                "%(name)s：本文件引用 %(counter)s 次（本库未收录全文）",
                node.count,
            )
        node.aria_label = label % {"name": node.name, "counter": node.count}


def _draw_edges(picture: Graph, column: int, *, cited_on_the_right: bool) -> None:
    """Arrows from each citing node to the centre and from the centre to each cited node."""
    center = picture.center
    middle = center.y + _NODE_HEIGHT / 2
    for node in picture.citing:
        node.edge = _curve(node.x + column, node.y + _NODE_HEIGHT / 2, center.x - 3, middle)
    for node in picture.cited:
        if cited_on_the_right:
            node.edge = _curve(center.x + column, middle, node.x - 3, node.y + _NODE_HEIGHT / 2)
        else:  # the phone layout: what it cites stands left of it, below who cites it
            node.edge = _curve(center.x, middle, node.x + column + 3, node.y + _NODE_HEIGHT / 2)
    for node in (*picture.citing, *picture.cited):
        node.edge_width = _edge_width(node.count)


def _place(nodes: list[GraphNode], x: float, top: float, width: int) -> None:
    room = width - 2 * _PADDING - _COUNT_ROOM
    for i, node in enumerate(nodes):
        node.x, node.y, node.width = x, round(top + (_ROW - _NODE_HEIGHT) / 2 + i * _ROW, 1), width
        node.label = _fit(node.name, room)


def graph(doc: Document, citing: list[GraphNode], cited: list[GraphNode]) -> Graph | None:
    """Three columns: who cites ``doc`` → ``doc`` → what ``doc`` cites; None when it has neither.

    The picture also carries its phone layout (:attr:`Graph.narrow`, drawn by :func:`_narrow`), which
    the page shows instead on a narrow screen: the same links, no sideways scrolling.
    """
    if not citing and not cited:
        return None
    _name_nodes(citing, cited)
    center = GraphNode(_label(doc), doc.title, doc.get_absolute_url(), 0, doc.has_text)
    center.aria_label = center.name
    picture = Graph(GRAPH_WIDTH, 0, center, citing[:MAX_PER_SIDE], cited[:MAX_PER_SIDE], citing, cited)
    left_x, center_x, right_x = 0, (GRAPH_WIDTH - _COLUMN) // 2, GRAPH_WIDTH - _COLUMN
    if not citing:  # an empty column would only push the picture off a phone's screen
        picture.width, center_x, right_x = 2 * _COLUMN + _GAP, 0, _COLUMN + _GAP
    elif not cited:
        picture.width, left_x, center_x = 2 * _COLUMN + _GAP, 0, _COLUMN + _GAP
    citing_rows = len(picture.citing) + (1 if picture.more_citing else 0)
    cited_rows = len(picture.cited) + (1 if picture.more_cited else 0)
    body = max(citing_rows, cited_rows, 1) * _ROW
    picture.height = _TOP + body + 4
    citing_top = _TOP + (body - citing_rows * _ROW) / 2
    cited_top = _TOP + (body - cited_rows * _ROW) / 2
    _place(picture.citing, left_x, citing_top, _COLUMN)
    _place(picture.cited, right_x, cited_top, _COLUMN)
    picture.citing_heading_x = picture.more_citing_x = left_x + _COLUMN / 2
    picture.cited_heading_x = picture.more_cited_x = right_x + _COLUMN / 2
    picture.center_heading_x = center_x + _COLUMN / 2
    picture.more_citing_y = _text_line(citing_top + len(picture.citing) * _ROW)
    picture.more_cited_y = _text_line(cited_top + len(picture.cited) * _ROW)
    center.x, center.y = center_x, round(_TOP + body / 2 - _NODE_HEIGHT / 2, 1)
    center.label = _fit(center.name, _COLUMN - 2 * _PADDING)
    _draw_edges(picture, _COLUMN, cited_on_the_right=True)
    picture.narrow = _narrow(doc, citing, cited)
    return picture


# The phone layout: one column of neighbours (who cites it, then what it cites) beside this document.
NARROW_WIDTH = 340
_NARROW_COLUMN = 150
_NARROW_GAP = NARROW_WIDTH - 2 * _NARROW_COLUMN
_SECTION_GAP = 30  # room for the second column heading


def _copies(nodes: list[GraphNode]) -> list[GraphNode]:
    return [replace(node) for node in nodes]


def _narrow(doc: Document, citing: list[GraphNode], cited: list[GraphNode]) -> Graph:
    center = GraphNode(_label(doc), doc.title, doc.get_absolute_url(), 0, doc.has_text, width=_NARROW_COLUMN)
    center.aria_label = center.name
    picture = Graph(NARROW_WIDTH, 0, center, _copies(citing[:MAX_PER_SIDE]), _copies(cited[:MAX_PER_SIDE]))
    picture.citing_all, picture.cited_all = citing, cited
    picture.node_width = _NARROW_COLUMN
    right_x = _NARROW_COLUMN + _NARROW_GAP
    citing_rows = len(picture.citing) + (1 if picture.more_citing else 0)
    cited_rows = len(picture.cited) + (1 if picture.more_cited else 0)
    citing_top = _TOP
    cited_top = citing_top + citing_rows * _ROW + (_SECTION_GAP if citing_rows else 0)
    _place(picture.citing, 0, citing_top, _NARROW_COLUMN)
    _place(picture.cited, 0, cited_top, _NARROW_COLUMN)
    picture.height = round(cited_top + cited_rows * _ROW + 4)
    picture.citing_heading_x = picture.cited_heading_x = _NARROW_COLUMN / 2
    picture.more_citing_x = picture.more_cited_x = _NARROW_COLUMN / 2
    picture.cited_heading_y = 16 if not citing_rows else round(cited_top - 12)
    picture.center_heading_x = right_x + _NARROW_COLUMN / 2
    picture.more_citing_y = _text_line(citing_top + len(picture.citing) * _ROW)
    picture.more_cited_y = _text_line(cited_top + len(picture.cited) * _ROW)
    center.x = right_x
    center.y = round(_TOP + (picture.height - _TOP) / 2 - _NODE_HEIGHT / 2, 1)
    center.label = _fit(center.name, _NARROW_COLUMN - 2 * _PADDING)
    _draw_edges(picture, _NARROW_COLUMN, cited_on_the_right=False)
    return picture
