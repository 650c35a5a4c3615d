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
    "render_text",
    "sanitize",
    "sentence_bounds",
]


@dataclass(frozen=True)
class Link:
    """A citation: ``text[start:end]`` becomes ``<a class="cite" href=...>``."""

    start: int
    end: int
    href: str
    title: str = ""


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

_TAGS = frozenset({"a", "sup", "mark", "span"})
_CLASSES = {"a": {"cite", "fnref"}, "span": {"ellipsis"}}
_ATTRIBUTES = {
    "a": {"href", "class", "id", "title"},
    "sup": set(),
    "mark": set(),
    "span": {"class"},
}
_ID_RE = re.compile(r"^[a-z]+[0-9a-z-]*$")


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if name not in _ATTRIBUTES.get(tag, set()):
        return False
    if name == "class":
        return value in _CLASSES.get(tag, set())
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
                lk = inside[0]
                out.append(f'<a class="cite" href="{_attr(lk.href)}" title="{_attr(lk.title)}">')
            marker_index += 1
        if i + 1 == len(points):
            break
        nxt = points[i + 1]
        for link in valid:
            if link.start == pos:
                out.append(f'<a class="cite" href="{_attr(link.href)}" title="{_attr(link.title)}">')
        lit = any(h.start <= pos and nxt <= h.end for h in lights)
        chunk = escape(text[pos:nxt])
        out.append(f"<mark>{chunk}</mark>" if lit and chunk else chunk)
        for link in valid:
            if link.end == nxt:
                out.append("</a>")
    return sanitize("".join(out))


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
