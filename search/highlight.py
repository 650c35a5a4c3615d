"""Highlighting with the index's own segmentation: ``<mark>`` around the words a query matched.

A word is marked only where jieba cuts it (or one of its search-mode sub-words) out of the text,
exactly as the index did, so 会 is not marked inside 理事会 and 和平 is marked inside 维持和平行动.
Text is escaped piece by piece and the result passes bleach with ``<mark>`` as the only tag.

Contract with the reading page (``?hl=`` on a hit's link, see :func:`hl_param`)::

    from search.highlight import hl_spans
    spans = hl_spans(paragraph.text, request.GET.get("hl", ""))   # [(start, end), ...]
    # → archive.render.Highlight(start, end) for render_text(...)

``hl_spans`` accepts any string (it is user input), never raises, and returns sorted,
non-overlapping character offsets into the text it was given.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from urllib.parse import quote

from bleach.sanitizer import Cleaner
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import analyzers

SNIPPET_CHARS = 150
# Characters of context kept before the first match when a snippet starts mid-paragraph.
LEAD = 30
# Extra characters segmented around a window so its edge words are cut as in the full text.
MARGIN = 8
HL_MAX_TERMS = 20
HL_MAX_TERM_CHARS = 30
HL_MAX_CHARS = 300
_CLAUSE = "。；;！？!?，,：:、"
_local = threading.local()


def _cleaner() -> Cleaner:
    cleaner = getattr(_local, "cleaner", None)
    if cleaner is None:  # bleach Cleaners keep parser state: one per thread
        cleaner = _local.cleaner = Cleaner(tags={"mark"}, attributes={}, strip=True, strip_comments=True)
    return cleaner


def term_spans(text: str, terms: Iterable[str], start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Offsets in ``text`` of the jieba words of ``text[start:end]`` that are among ``terms`` (folded)."""
    wanted = {t for t in terms if t}
    end = len(text) if end is None else end
    if not wanted or start >= end:
        return []
    folded = analyzers.fold(text)
    # Only segment when a term occurs at all: most paragraphs of a long page have none.
    if not any(t in folded[start:end] for t in wanted):
        return []
    lo, hi = max(0, start - MARGIN), min(len(text), end + MARGIN)
    spans = [
        (lo + s, lo + e)
        for word, _pos, s, e in analyzers.tokens_with_offsets(text[lo:hi], mode="index")
        if word in wanted and lo + s >= start and lo + e <= end
    ]
    return merge_spans(spans)


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _markup(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` escaped, with ``<mark>`` around the spans (not yet sanitised)."""
    out: list[str] = []
    last = 0
    for s, e in spans:
        out.append(escape(text[last:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        last = e
    out.append(escape(text[last:]))
    return "".join(out)


def render(text: str, spans: list[tuple[int, int]]) -> SafeString:
    return mark_safe(_cleaner().clean(_markup(text, spans)))  # noqa: S308 - escaped, then sanitised


# Joins snippets for one bleach pass per page (bleach's parser costs ~0.5 ms a call); a private-use
# character that stored text is not allowed to contain.
_SEPARATOR = "\ue000"


def sanitize_many(fragments: list[str]) -> list[SafeString]:
    joined = _SEPARATOR.join(f.replace(_SEPARATOR, "\ufffd") for f in fragments)
    parts = _cleaner().clean(joined).split(_SEPARATOR)
    if len(parts) != len(fragments):  # cannot happen, but sanitising must never be skipped
        parts = [_cleaner().clean(f) for f in fragments]
    return [mark_safe(p) for p in parts]  # noqa: S308 - sanitised


def _window(text: str, folded: str, terms: set[str], width: int) -> tuple[int, int]:
    """The ``width``-character stretch of ``text`` with the most distinct terms, started at a clause."""
    if len(text) <= width:
        return 0, len(text)
    hits = sorted((i, t) for t in terms for i in _find_all(folded, t, limit=20))
    if not hits:
        return 0, width
    best, best_start = -1, 0
    for i, _t in hits:
        start = max(0, i - LEAD)
        covered = {t for j, t in hits if j >= start and j + len(t) <= start + width}
        if len(covered) > best:
            best, best_start = len(covered), start
    start = best_start
    if start > 0:
        # Begin after a clause break if there is one shortly before the first match.
        cut = max(text.rfind(ch, max(0, start - 20), start + LEAD) for ch in _CLAUSE)
        if cut != -1 and cut + 1 <= start + LEAD:
            start = cut + 1
    end = min(len(text), start + width)
    return start, end


def _find_all(haystack: str, needle: str, limit: int) -> list[int]:
    found: list[int] = []
    i = haystack.find(needle)
    while i != -1 and len(found) < limit:
        found.append(i)
        i = haystack.find(needle, i + 1)
    return found


def _snippet_markup(text: str, wanted: set[str], width: int) -> str:
    folded = analyzers.fold(text)
    start, end = _window(text, folded, wanted, width)
    spans = [(s - start, e - start) for s, e in term_spans(text, wanted, start, end)]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return f"{prefix}{_markup(text[start:end], spans)}{suffix}"


def snippet(text: str, terms: Iterable[str], width: int = SNIPPET_CHARS) -> SafeString:
    """An excerpt of ``text`` around the best cluster of ``terms``, matched words in ``<mark>``."""
    return sanitize_many([_snippet_markup(text, {t for t in terms if t}, width)])[0]


def snippets_for(texts: list[str], terms: Iterable[str], width: int = SNIPPET_CHARS) -> list[SafeString]:
    """:func:`snippet` for a page of hits, sanitised in one pass."""
    wanted = {t for t in terms if t}
    return sanitize_many([_snippet_markup(t, wanted, width) for t in texts])


def highlight_html(text: str, query_string: str) -> SafeString:
    """The whole of ``text`` with the words of a raw query marked (haystack's highlighting path)."""
    from .query import parse_query, positive_texts

    parsed = parse_query(query_string)
    terms = {w for t, _phrase in positive_texts(parsed.root) for w in analyzers.query_words(t)}
    return render(text, term_spans(text, terms))


# --- the ?hl= contract ---------------------------------------------------------------------------


def hl_param(terms: Iterable[str]) -> str:
    """The value of ``?hl=`` for a hit link: the matched words, longest first, space-separated."""
    ordered = sorted({t for t in terms if t and " " not in t}, key=lambda t: (-len(t), t))
    return " ".join(ordered[:HL_MAX_TERMS])


def hl_terms(hl: str) -> set[str]:
    """The words named by a ``?hl=`` value (user input: capped, folded, control characters dropped)."""
    if not isinstance(hl, str):
        return set()
    cleaned = re.sub(r"[\x00-\x1f\x7f]", " ", hl[:HL_MAX_CHARS])
    words = [w for w in cleaned.split() if len(w) <= HL_MAX_TERM_CHARS]
    return {analyzers.fold(w) for w in words[:HL_MAX_TERMS]}


def hl_spans(text: str, hl: str) -> list[tuple[int, int]]:
    """Character spans of ``text`` to wrap in ``<mark>`` for a ``?hl=`` value; never raises."""
    try:
        return term_spans(text or "", hl_terms(hl))
    except Exception:  # highlighting is decoration: a reading page must never fail because of it
        return []


def hl_url(url: str, terms: Iterable[str]) -> str:
    """``/documents/S/2018/1183/#p12`` → ``/documents/S/2018/1183/?hl=警察#p12``."""
    param = hl_param(terms)
    if not param:
        return url
    path, hash_sign, anchor = url.partition("#")
    joiner = "&" if "?" in path else "?"
    return f"{path}{joiner}hl={quote(param)}{hash_sign}{anchor}"


class JiebaHighlighter:
    """HAYSTACK_CUSTOM_HIGHLIGHTER for ``{% highlight %}``: whole text, jieba-matched words marked."""

    def __init__(self, query: str, **kwargs: object) -> None:
        self.query = query

    def highlight(self, text_block: str) -> SafeString:
        return highlight_html(text_block, self.query)
