"""A document's text as the reading pages show it: blocks, page marks, locators, footnotes, contents.

:func:`document_text` renders the part of the document page that is the same for every reader (its
blocks, footnotes, table of contents, copy-with-citation lines and the citation graph) and caches
it: escaping, linking and sanitising a hundred blocks, then rendering them and the graph's two
layouts, is most of a document page's cost.  The cache key holds everything the rendering depends on:

* the document's ``render_version``, renewed on every change to it, to its blocks and footnotes,
  and to the documents it cites (``archive.page_cache``);
* the interface language, and the scheme and host (the copy-with-citation lines carry absolute URLs);
* who cites it, from the cited-by list every request builds anyway: which places cite which
  paragraphs ("被引 3" on each block), the citing documents the graph and timeline draw, and the
  page of the cited-by list the timeline's bars link to;
* the view (normal, or ``?view=parallel``) and the English version's stamp: with an English text
  the normal view shows each block's English partner in place, the parallel view both texts in
  rows (``archive.views.versions``).

A page opened with search highlights (``?hl=``) is rendered fresh and not cached.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Prefetch
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from archive.cited_by import CitedBy
from archive.citing import charts
from archive.labels import (
    block_label,
    canonical_name,
    in_document,
    locator,
    ordinal,
    section_name,
    version_line,
    with_url,
)
from archive.models import BlockKind, Citation, Document, Footnote, Language, Paragraph, TextVersion
from archive.render import Highlight, Marker, citation_links, footnote_markers, render_table, render_text, url_links
from archive.views.versions import (
    CACHE_SECONDS,
    NORMAL,
    PARALLEL,
    attach_originals,
    block_rows,
    footnote_href,
    footnote_rows,
    version_label,
    version_stamp,
)
from search.highlight import hl_spans

# Bump when the markup of the cached parts changes, so a shared cache never serves the old markup.
MARKUP_VERSION = 2

# --- headings ------------------------------------------------------------------------------------

# UN reports number chapters 一. 二. ..., sections A. B. ..., and sometimes sub-sections 1. 2. ...
_CHAPTER = re.compile(r"^[一二三四五六七八九十]+\s*[.．、]")
_SECTION = re.compile(r"^[A-Z]\s*[.．]")
_SUBSECTION = re.compile(r"^[0-9]+\s*[.．]")
_PART_WORD = re.compile(r"^(附件|附文|附录|Annex|Enclosure|Appendix)", re.IGNORECASE)


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


def _section_levels(headings: Sequence[Paragraph]) -> dict[int, int]:
    """Levels per heading: the main body as before; an annex's first heading is a chapter (h2) and
    the annex's own headings sit one level below it."""
    by_section: dict[str, list[Paragraph]] = defaultdict(list)
    for p in headings:
        by_section[p.section].append(p)
    levels: dict[int, int] = {}
    for section, rows in by_section.items():
        if not section:
            levels.update(zip((p.pk for p in rows), heading_levels([p.text for p in rows]), strict=True))
            continue
        levels[rows[0].pk] = 2
        inner = heading_levels([p.text for p in rows[1:]])
        levels.update(zip((p.pk for p in rows[1:]), (min(level + 1, 4) for level in inner), strict=True))
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
    locator: str = ""
    # The block's own page (its permanent URL), computed once for the several links to it.
    permalink: str = ""
    # The visible number of an unnumbered block ("[5]" in the margin: 第 5 自然段).
    ordinal: int | None = None
    # The official page that begins with this block, when the previous block was on another.
    page_mark: int | None = None
    # Other names the block answers to on the page: its canonical pin-point anchor, its section's.
    aliases: list[str] = field(default_factory=list)
    cited_count: int = 0
    # A table block: rows and cells (an HTML table), or rows only (kept preformatted).
    is_table: bool = False
    is_preformatted: bool = False
    # The block's partner in the other language version (the English original), shown in place.
    original: BlockView | None = None


@dataclass
class FootnoteView:
    footnote: Footnote
    html: SafeString
    backrefs: list[Marker] = field(default_factory=list)
    original: FootnoteView | None = None


@dataclass
class TocEntry:
    anchor: str
    text: str
    level: int


def _footnote_href(fn: Footnote) -> str:
    return f"#{fn.anchor}"


def _same(a: str, b: str) -> bool:
    return re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b)


def block_names(p: Paragraph) -> list[str]:
    """Every name the block answers to: its anchor, then its canonical one (``annex1-p3``) if different."""
    names = [p.anchor]
    canonical = canonical_name(p)
    if canonical and canonical != p.anchor:
        names.append(canonical)
    return names


def names_in_order(rows: Sequence[Paragraph]) -> list[list[str]]:
    """:func:`block_names` for a document's blocks in reading order; the first block of an annex (or
    enclosure) also answers to the annex's name, which a whole-annex pin-point (附件一) lands on."""
    out = []
    seen: set[str] = set()
    for p in rows:
        names = block_names(p)
        if p.section and p.section not in seen:
            seen.add(p.section)
            names.append(p.section)
        out.append(names)
    return out


def _render_block(p: Paragraph, markers: list[Marker], lights: list[Highlight]) -> tuple[SafeString, bool, bool]:
    links = citation_links(p.citations.all())
    links += url_links(p.text, links)
    if p.kind == BlockKind.TABLE:
        if "\t" in p.text:
            return render_table(p.text, links, markers, lights), True, False
        return render_text(p.text, links, markers, lights), False, True
    return render_text(p.text, links, markers, lights), False, False


def build_blocks(
    doc: Document,
    paragraphs: Iterable[Paragraph],
    footnotes: dict[int, Footnote],
    hl: str = "",
    cited_by: CitedBy | None = None,
    *,
    title: str | None = None,
    marker_prefix: str = "",
    footnote_href: Callable[[Footnote], str] = _footnote_href,
) -> tuple[list[BlockView], dict[str, list[Marker]]]:
    """Render every block; also return, per footnote anchor, the markers that point to it (for back-links).

    ``hl`` is the search words a reader arrived with (``?hl=``): they are marked wherever they occur.
    With ``cited_by`` each block gets the number of places citing it by pin-point.  Another language
    version's blocks bring their own ``title`` (the page's title is not repeated in the body), a
    ``marker_prefix`` that keeps their markers' ids apart from the Chinese ones on the same page, and
    where their markers lead (``footnote_href``).
    """
    views: list[BlockView] = []
    markers_by_footnote: dict[str, list[Marker]] = defaultdict(list)
    rows = list(paragraphs)
    title_block = None
    if rows and rows[0].kind == BlockKind.TITLE and _same(rows[0].text, doc.title if title is None else title):
        title_block = rows[0]
    headings = [p for p in rows if p.kind in (BlockKind.HEADING, BlockKind.TITLE) and p is not title_block]
    levels = _section_levels(headings)
    taken = {p.anchor for p in rows}
    marked: set[int] = set()
    last_page: int | None = None
    for p, names in zip(rows, names_in_order(rows), strict=True):
        markers = footnote_markers(p.footnote_refs.all(), footnotes, marker_prefix + p.anchor, footnote_href)
        for m in markers:
            markers_by_footnote[m.footnote_anchor].append(m)
        lights = [Highlight(start, end) for start, end in hl_spans(p.text, hl)] if hl else []
        html, is_table, is_pre = _render_block(p, markers, lights)
        aliases = [name for name in names[1:] if name not in taken]
        taken.update(aliases)
        label = block_label(p)
        view = BlockView(
            p,
            html,
            label,
            levels.get(p.pk),
            p is title_block,
            locator(p, label),
            p.get_permalink(),
            ordinal(p),
            aliases=aliases,
            cited_count=cited_by.count_for(names) if cited_by else 0,
            is_table=is_table,
            is_preformatted=is_pre,
        )
        if p.page is not None and p.page != last_page and p.page not in marked and p is not title_block:
            view.page_mark = p.page
            marked.add(p.page)
        last_page = p.page if p.page is not None else last_page
        views.append(view)
    return views, markers_by_footnote


def build_footnotes(footnotes: Iterable[Footnote], markers: dict[str, list[Marker]]) -> list[FootnoteView]:
    views = []
    for fn in footnotes:
        links = citation_links(fn.citations.all())
        links += url_links(fn.text, links)
        views.append(FootnoteView(fn, render_text(fn.text, links), markers.get(fn.anchor, [])))
    return views


def table_of_contents(blocks: Sequence[BlockView]) -> list[TocEntry]:
    """Headings in order; an annex appears under its own name even when its text has no heading."""
    entries = []
    seen: set[str] = set()
    for item in blocks:
        p = item.paragraph
        starts = bool(p.section) and p.section not in seen
        seen.add(p.section)
        if item.heading_level:
            text = p.text
            if starts and not _PART_WORD.match(text.strip()):
                text = f"{section_name(p.section)}　{text}"
            entries.append(TocEntry(p.anchor, text, item.heading_level))
        elif starts:
            entries.append(TocEntry(p.anchor, section_name(p.section), 2))
    return entries


# --- the cached part of the document page ---------------------------------------------------------


@dataclass
class DocumentText:
    toc: SafeString
    body: SafeString
    footnotes: SafeString
    # The title block's anchor (the <h1> carries it) and its permalink, when the title is a block.
    title_anchor: str
    title_permalink: SafeString
    # {anchor: "S/2018/1183，第 12 段，https://…"}, for the copy-with-citation handler; the English
    # text's blocks under "en:<anchor>" ("S/2018/1183, para. 12, https://…").
    cite_lines: dict[str, str]
    # The citation graph and the timeline of who cites it.
    citation_map: SafeString


def _cited_by_digest(cited_by: CitedBy) -> str:
    """Everything of the cited-by list that the cached part shows, as a short digest."""
    pins = sorted((anchor, sorted(keys)) for anchor, keys in cited_by.by_anchor.items())
    citing = [
        (g.document.pk, g.document.symbol, g.document.title, str(g.document.date), g.document.has_text, g.place_count)
        for g in cited_by.documents
    ]
    page = cited_by.page.number if cited_by.page else None
    return hashlib.sha1(json.dumps([pins, citing, page], ensure_ascii=False).encode()).hexdigest()[:16]


def cache_key(
    request: HttpRequest, doc: Document, cited_by: CitedBy, view: str = NORMAL, version: TextVersion | None = None
) -> str:
    host = f"{request.scheme}://{request.get_host()}"
    parts = [
        str(MARKUP_VERSION),
        str(doc.pk),
        doc.render_version,
        get_language() or "",
        host,
        _cited_by_digest(cited_by),
        # Every version change renews render_version too; the version's own stamp makes the key
        # right even for a change that reached the database some other way.
        view,
        version_stamp(version),
    ]
    return "document-text:" + hashlib.sha1("|".join(parts).encode()).hexdigest()


def document_text(
    request: HttpRequest,
    doc: Document,
    cited_by: CitedBy,
    hl: str = "",
    *,
    view: str = NORMAL,
    version: TextVersion | None = None,
) -> DocumentText:
    """The rendered text of ``doc``, from the cache when nothing it depends on has changed.

    With ``version`` (the English text), each Chinese block shows its English partner in place, or,
    in the ``parallel`` view, the two texts stand in aligned rows.
    """
    key = None if hl else cache_key(request, doc, cited_by, view, version)
    if key is not None and (found := cache.get(key)) is not None:
        return found
    text = _render_document_text(request, doc, cited_by, hl, view, version)
    if key is not None:
        cache.set(key, text, CACHE_SECONDS)
    return text


def _fetch(doc: Document, version: TextVersion | None) -> tuple[list[Paragraph], list[Footnote]]:
    """The current blocks and the footnotes of the Chinese text and of ``version``, in one query each
    (with their markers and citations): as many queries whether or not the document has a version."""
    languages = [Language.ZH, *([version.language] if version else [])]
    citations = Prefetch("citations", queryset=Citation.objects.with_target())
    footnotes = list(doc.footnotes.in_languages(languages).prefetch_related(citations))
    paragraphs = list(doc.paragraphs.current().in_languages(languages).in_reading_order().for_rendering())
    return paragraphs, footnotes


def _render_document_text(
    request: HttpRequest, doc: Document, cited_by: CitedBy, hl: str, view: str, version: TextVersion | None
) -> DocumentText:
    paragraphs, footnotes = _fetch(doc, version)
    zh_footnotes = [fn for fn in footnotes if fn.language == Language.ZH]
    blocks, markers = build_blocks(
        doc, (p for p in paragraphs if p.language == Language.ZH), {fn.pk: fn for fn in zh_footnotes}, hl, cited_by
    )
    footnote_views = build_footnotes(zh_footnotes, markers)
    title = next((b for b in blocks if b.is_page_title), None)
    context = {
        "document": doc,
        "blocks": blocks,
        "toc": table_of_contents(blocks),
        "footnotes": footnote_views,
    }
    citations = [c for item in blocks for c in item.paragraph.citations.all()]
    citations += [c for item in footnote_views for c in item.footnote.citations.all()]
    lines = {
        item.paragraph.anchor: with_url(in_document(doc, item.locator), request.build_absolute_uri(item.permalink))
        for item in blocks
    }
    if version is not None:
        other = _build_version(doc, version, paragraphs, footnotes, zh_footnotes, parallel=view == PARALLEL)
        lines |= {
            f"en:{item.paragraph.anchor}": version_line(
                item.paragraph, version.title, request.build_absolute_uri(item.permalink)
            )
            for item in other.blocks
        }
        context |= {"version": version, "version_label": version_label(doc, version)}
        if view == PARALLEL:
            context |= {
                "rows": block_rows(blocks, other.blocks),
                "footnote_rows": footnote_rows(footnote_views, other.footnotes),
            }
        else:
            attach_originals(blocks, other.blocks, footnote_views, other.footnotes)
    permalink = SafeString("")
    if title is not None:
        permalink = render_to_string("archive/_permalink.html", {"p": title.paragraph}, request)
    citing = charts.citing_nodes((group.document, group.place_count) for group in cited_by.documents)
    pictures = {
        "graph": charts.graph(doc, citing, charts.cited_nodes(doc, citations)),
        "timeline": charts.timeline((group.document for group in cited_by.documents), cited_by.href),
    }
    parallel = "rows" in context
    body = "archive/_parallel_body.html" if parallel else "archive/_document_body.html"
    notes = "archive/_parallel_footnotes.html" if parallel else "archive/_document_footnotes.html"
    # Rendered templates are SafeStrings, and stay so through the cache (pickling keeps the type).
    return DocumentText(
        toc=render_to_string("archive/_toc.html", context, request),
        body=render_to_string(body, context, request),
        footnotes=render_to_string(notes, context, request),
        title_anchor=title.paragraph.anchor if title else "",
        title_permalink=permalink,
        cite_lines=lines,
        citation_map=render_to_string("archive/_citation_graph.html", pictures, request),
    )


@dataclass
class VersionText:
    blocks: list[BlockView]
    footnotes: list[FootnoteView]


def _build_version(
    doc: Document,
    version: TextVersion,
    paragraphs: Iterable[Paragraph],
    footnotes: Iterable[Footnote],
    zh_footnotes: Iterable[Footnote],
    *,
    parallel: bool,
) -> VersionText:
    """The English text's blocks and footnotes rendered like the Chinese ones.

    Their markers lead to the footnote of the same number: on the parallel page its row, in the
    normal view the Chinese footnote (which shows the English one in place), or the parallel page
    for an English footnote without a Chinese partner.
    """
    rows = [p for p in paragraphs if p.language == version.language]
    notes = [fn for fn in footnotes if fn.language == version.language]
    href = footnote_href(parallel, {fn.anchor for fn in zh_footnotes})
    views, markers = build_blocks(
        doc, rows, {fn.pk: fn for fn in notes}, title=version.title, marker_prefix="en-", footnote_href=href
    )
    for view in views:
        # Names and counts belong to the archive's reading text, the Chinese one.
        view.aliases = []
    return VersionText(views, build_footnotes(notes, markers))
