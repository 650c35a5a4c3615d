"""Turn stored block text into safe HTML: escaped text, citation links, footnote markers, highlights.

Stored text comes from PDFs and may contain anything, ``<script>`` included, so every character is
escaped first; the renderer then inserts the few tags it owns at character offsets recorded by the
importer, and the result passes a bleach allowlist as a second line of defence (a bug here must not
become a script injection).  The functions are pure: they take text and plain span descriptions and
return markup, so they are tested without a database; the ``*_for_*`` helpers adapt model rows.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from bleach.sanitizer import Cleaner
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from archive.models import Citation, Footnote, FootnoteReference

__all__ = [
    "Highlight",
    "Link",
    "Marker",
    "citation_links",
    "citing_excerpt",
    "footnote_markers",
    "render_table",
    "render_text",
    "sanitize",
    "sentence_bounds",
    "url_links",
]


@dataclass(frozen=True)
class Link:
    """A citation: ``text[start:end]`` becomes ``<a class="cite" href=...>``.

    With ``external``, a web address written in the text: ``<a class="url" rel="nofollow">``.
    """

    start: int
    end: int
    href: str
    title: str = ""
    external: bool = False


@dataclass(frozen=True)
class Marker:
    """A footnote marker inserted before ``text[offset]``: ``<sup><a href id>label</a></sup>``."""

    offset: int
    label: str
    href: str
    id: str
    # Anchor of the footnote the marker points to, so the footnote can link back to this marker.
    footnote_anchor: str = ""


@dataclass(frozen=True)
class Highlight:
    """``text[start:end]`` wrapped in ``<mark>`` (the citation a cited-by excerpt is about)."""

    start: int
    end: int


# --- the allowlist ---------------------------------------------------------------------------------

# Tables are the importer's table blocks, drawn by :func:`render_table`; they carry no attributes.
_TAGS = frozenset({"a", "sup", "mark", "span", "table", "tbody", "tr", "td"})
_CLASSES = {"a": {"cite", "fnref", "url"}, "span": {"ellipsis"}, "table": {"data-table"}}
_ATTRIBUTES = {
    "a": {"href", "class", "id", "title", "rel"},
    "sup": set(),
    "mark": set(),
    "span": {"class"},
    "table": {"class"},
    "tbody": set(),
    "tr": set(),
    "td": set(),
}
_RELS = {"nofollow"}
_ID_RE = re.compile(r"^[a-z]+[0-9a-z-]*$")


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if name not in _ATTRIBUTES.get(tag, set()):
        return False
    if name == "class":
        return value in _CLASSES.get(tag, set())
    if name == "rel":
        return value in _RELS
    if name == "id":
        return bool(_ID_RE.match(value))
    return True


_local = threading.local()


def _cleaner() -> Cleaner:
    # bleach's Cleaner keeps parser state and is not thread-safe: one per thread, reused across calls.
    cleaner = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = Cleaner(
            tags=_TAGS,
            attributes=_allowed_attribute,
            protocols={"http", "https"},
            strip=False,
            strip_comments=True,
        )
        _local.cleaner = cleaner
    return cleaner


def sanitize(html: str) -> SafeString:
    """Pass ``html`` through the renderer's allowlist; anything else comes out as visible text."""
    return mark_safe(_cleaner().clean(html))  # noqa: S308 - this *is* the sanitiser


# --- rendering -------------------------------------------------------------------------------------


def _valid_links(text_length: int, links: Iterable[Link]) -> list[Link]:
    """Valid links in text order; a bad offset from the importer is dropped, not fatal."""
    result: list[Link] = []
    last_end = 0
    for link in sorted(links, key=lambda lk: (lk.start, -lk.end)):
        if 0 <= link.start < link.end <= text_length and link.start >= last_end:
            result.append(link)
            last_end = link.end
    return result


def _attr(value: str) -> str:
    return escape(value)


def _open(link: Link) -> str:
    if link.external:
        return f'<a class="url" href="{_attr(link.href)}" rel="nofollow">'
    return f'<a class="cite" href="{_attr(link.href)}" title="{_attr(link.title)}">'


def _markup(
    text: str,
    links: Sequence[Link] = (),
    markers: Sequence[Marker] = (),
    highlights: Sequence[Highlight] = (),
) -> str:
    """The escaped text with the renderer's tags at their offsets, not yet sanitised."""
    n = len(text)
    valid = _valid_links(n, links)
    marks = sorted((m for m in markers if 0 <= m.offset <= n), key=lambda m: m.offset)
    lights = [h for h in highlights if 0 <= h.start < h.end <= n]

    # Boundaries where some tag opens or closes; the text between two boundaries is escaped as one run.
    cuts = {0, n}
    for link in valid:
        cuts.update((link.start, link.end))
    for light in lights:
        cuts.update((light.start, light.end))
    cuts.update(m.offset for m in marks)
    points = sorted(cuts)

    out: list[str] = []
    marker_index = 0
    for i, pos in enumerate(points):
        # Markers at this offset go first: they belong after the preceding character.
        while marker_index < len(marks) and marks[marker_index].offset == pos:
            m = marks[marker_index]
            inside = [lk for lk in valid if lk.start < pos < lk.end]
            if inside:
                out.append("</a>")
            out.append(f'<sup><a class="fnref" href="{_attr(m.href)}" id="{_attr(m.id)}">{escape(m.label)}</a></sup>')
            if inside:
                out.append(_open(inside[0]))
            marker_index += 1
        if i + 1 == len(points):
            break
        nxt = points[i + 1]
        for link in valid:
            if link.start == pos:
                out.append(_open(link))
        lit = any(h.start <= pos and nxt <= h.end for h in lights)
        chunk = escape(text[pos:nxt])
        out.append(f"<mark>{chunk}</mark>" if lit and chunk else chunk)
        for link in valid:
            if link.end == nxt:
                out.append("</a>")
    return "".join(out)


def render_text(
    text: str,
    links: Sequence[Link] = (),
    markers: Sequence[Marker] = (),
    highlights: Sequence[Highlight] = (),
) -> SafeString:
    """Escape ``text`` and insert citation links, footnote markers and highlights at their offsets.

    A marker that falls inside a link closes the link around it (an ``<a>`` cannot contain another);
    highlights are clipped to the links they overlap for the same reason of proper nesting.
    """
    return sanitize(_markup(text, links, markers, highlights))


def _cells(text: str) -> list[list[tuple[int, int]]]:
    """(start, end) of every cell, row by row: rows end at "\n", cells at "\t"."""
    rows, row, start = [], [], 0
    for i, ch in enumerate(text):
        if ch in "\t\n":
            row.append((start, i))
            start = i + 1
            if ch == "\n":
                rows.append(row)
                row = []
    row.append((start, len(text)))
    rows.append(row)
    return rows


def render_table(
    text: str,
    links: Sequence[Link] = (),
    markers: Sequence[Marker] = (),
    highlights: Sequence[Highlight] = (),
) -> SafeString:
    """A table block (rows on lines, cells separated by tabs) as an HTML table of escaped cells.

    Citations, footnote markers and highlights keep their offsets: each cell is rendered with the
    ones inside it (a link that would cross a cell boundary is left out).  A marker at the very end
    of a cell belongs to that cell, after its last character.
    """
    rows = []
    for row in _cells(text):
        cells = []
        for start, end in row:

            def inside(a: int, b: int, start: int = start, end: int = end) -> bool:
                return start <= a and b <= end

            cell = _markup(
                text[start:end],
                [
                    Link(lk.start - start, lk.end - start, lk.href, lk.title, lk.external)
                    for lk in links
                    if inside(lk.start, lk.end)
                ],
                [
                    Marker(m.offset - start, m.label, m.href, m.id, m.footnote_anchor)
                    for m in markers
                    if start < m.offset <= end or m.offset == start == 0
                ],
                [
                    Highlight(max(h.start, start) - start, min(h.end, end) - start)
                    for h in highlights
                    if h.start < end and h.end > start
                ],
            )
            cells.append(f"<td>{cell}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return sanitize(f'<table class="data-table"><tbody>{"".join(rows)}</tbody></table>')


# A web address in the text (footnotes cite reports online): ASCII URL characters only, so it ends
# where Chinese text resumes; a full stop or comma it ends with is the sentence's, and a closing
# bracket with no opening one in the address is the text's ("（见 https://…）").
_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#@!$&*+,;=%()\[\]]+", re.IGNORECASE)
_URL_TAIL = ".,;:!?"


def _trim_url(url: str) -> str:
    while url:
        if url[-1] in _URL_TAIL:
            url = url[:-1]
        elif url[-1] == ")" and url.count(")") > url.count("("):
            url = url[:-1]
        elif url[-1] == "]" and url.count("]") > url.count("["):
            url = url[:-1]
        else:
            break
    return url


def url_links(text: str, taken: Sequence[Link] = ()) -> list[Link]:
    """Links for the web addresses written in ``text``, except where a citation already links."""
    links = []
    for m in _URL.finditer(text):
        url = _trim_url(m.group())
        start, end = m.start(), m.start() + len(url)
        if len(url) <= len("https://") or any(lk.start < end and start < lk.end for lk in taken):
            continue
        links.append(Link(start, end, url, external=True))
    return links


# --- citing sentences ------------------------------------------------------------------------------

# Sentence ends in Chinese text.  "；" is not one: UN paragraphs chain whole lists with it, and a
# clause cut there loses its verb.  A Western "." is not one either: it occurs in "Add.1".
_SENTENCE_END = "。！？!?\n"
_CLAUSE_BREAK = "，；：,;:"


def sentence_bounds(text: str, start: int, end: int, limit: int = 120) -> tuple[int, int]:
    """The sentence around ``text[start:end]``, at most ``limit`` characters each side of the span.

    When the sentence is longer, it is cut at the clause break nearest the limit so the excerpt still
    reads as Chinese rather than ending mid-word.
    """
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    left = max((text.rfind(ch, 0, start) for ch in _SENTENCE_END), default=-1) + 1
    right_candidates = [i for ch in _SENTENCE_END if (i := text.find(ch, end)) != -1]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    if start - left > limit:
        floor = start - limit
        breaks = [i for ch in _CLAUSE_BREAK if (i := text.find(ch, floor, start)) != -1]
        left = min(breaks) + 1 if breaks else floor
    if right - end > limit:
        ceiling = end + limit
        breaks = [i for ch in _CLAUSE_BREAK if (i := text.rfind(ch, end, ceiling)) != -1]
        right = max(breaks) + 1 if breaks else ceiling
    # Leading whitespace left over from a sentence break is not part of the sentence.
    while left < start and text[left].isspace():
        left += 1
    return left, right


def citing_excerpt(text: str, start: int, end: int, limit: int = 120) -> SafeString:
    """The sentence that makes a citation, escaped, with the citation itself in ``<mark>``."""
    left, right = sentence_bounds(text, start, end, limit)
    body = render_text(text[left:right], highlights=[Highlight(start - left, end - left)])
    ellipsis = '<span class="ellipsis">…</span>'
    prefix = ellipsis if left > 0 and text[left - 1] not in _SENTENCE_END else ""
    suffix = ellipsis if right < len(text) and text[right - 1] not in _SENTENCE_END else ""
    return mark_safe(f"{prefix}{body}{suffix}")  # noqa: S308 - body is sanitised, the rest is a literal


# --- adapters from model rows ----------------------------------------------------------------------


def citation_links(citations: Iterable[Citation]) -> list[Link]:
    """Every citation becomes a link inside the archive (cited paragraph or cited document / hub)."""
    return [Link(c.start, c.end, c.target_url(), str(c)) for c in citations]


def footnote_markers(
    refs: Iterable[FootnoteReference],
    footnotes_by_id: Mapping[int, Footnote],
    block_anchor: str,
    href: Callable[[Footnote], str] = lambda fn: f"#{fn.anchor}",
) -> list[Marker]:
    """Markers for a block's footnote references; ids are unique on a page: ``fnref3-p12``, then ``-2``."""
    markers: list[Marker] = []
    seen: dict[str, int] = {}
    for ref in refs:
        fn = footnotes_by_id.get(ref.footnote_id)
        if fn is None:
            continue
        base = f"fnref{fn.anchor.removeprefix('fn')}-{block_anchor}"
        seen[base] = seen.get(base, 0) + 1
        ref_id = base if seen[base] == 1 else f"{base}-{seen[base]}"
        markers.append(Marker(ref.offset, fn.number, href(fn), ref_id, fn.anchor))
    return markers
