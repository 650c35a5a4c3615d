"""Highlighting what a query matched: ``<mark>`` around whole words, phrases and prefixes.

The compiler hands over :class:`Mark` values (:mod:`search.compiler`): what each part of the
query matched, never a lone function character (的, 和, 在 …).  In a block:

* a **phrase** is marked wherever its stream occurs (:func:`search.analyzers.stream_spans`),
  from its first character to its last, as one mark;
* a **word** is marked where jieba cuts it out of the text as a whole word; only when the block
  has no such place (it matched as a part of a longer word: 理事会 in 安全理事会) are the parts
  marked — the reader then sees why the block matched, and 安全 is never marked inside
  安全理事会 in a block that also has the word 安全;
* a **prefix** (``海*``) is marked on the words it begins, the same way.

Text is escaped piece by piece and the result passes bleach with ``<mark>`` as the only tag.

Contract with the reading page (``?hl=`` on a hit's link, see :func:`hl_param`)::

    from search.highlight import hl_spans
    spans = hl_spans(paragraph.text, request.GET.get("hl", ""))   # [(start, end), ...]
    # → archive.render.Highlight(start, end) for render_text(...)

``?hl=`` holds the marks separated by spaces: ``警察`` a word, ``海*`` a prefix, ``"维和人员的安全"``
a phrase.  ``hl_spans`` accepts any string (it is user input), never raises, and returns sorted,
non-overlapping character offsets into the text it was given.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from bleach.sanitizer import Cleaner
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import analyzers

SNIPPET_CHARS = 150
# Characters of context kept before the first match when a snippet starts mid-paragraph.
LEAD = 30
HL_MAX_TERMS = 20
HL_MAX_TERM_CHARS = 60
HL_MAX_CHARS = 400
_CLAUSE = "。；;！？!?，,：:、"
# Function characters: searched for when typed, never marked on their own.
FUNCTION_CHARACTERS = frozenset(
    "的地得了着过和与及或而并且在于是对为把被以之其等也都就将从向由所则但又即该此这那个些吗呢吧啊"
)
_HL_ITEM = re.compile(r'"([^"]*)"|(\S+)')
_local = threading.local()


@dataclass(frozen=True, order=True)
class Mark:
    kind: str  # word | phrase | prefix
    text: str  # folded word, prefix, or phrase needle (search.analyzers.needle)


def is_function_character(word: str) -> bool:
    return len(word) == 1 and word in FUNCTION_CHARACTERS


def _cleaner() -> Cleaner:
    cleaner = getattr(_local, "cleaner", None)
    if cleaner is None:  # bleach Cleaners keep parser state: one per thread
        cleaner = _local.cleaner = Cleaner(tags={"mark"}, attributes={}, strip=True, strip_comments=True)
    return cleaner


def mark_spans(text: str, marks: Iterable[Mark]) -> list[tuple[int, int]]:
    """Offsets in ``text`` of what ``marks`` matched (see module docstring), merged and sorted."""
    wanted = [m for m in marks if m.text and not (m.kind == "word" and is_function_character(m.text))]
    if not wanted or not text:
        return []
    s = analyzers.stream(text)
    # Only segment when something occurs at all: most paragraphs of a long page have nothing.
    present = [m for m in wanted if m.text in s]
    if not present:
        return []
    spans: list[tuple[int, int]] = []
    tokens = None
    for m in present:
        if m.kind == "phrase":
            spans += analyzers.stream_spans(text, m.text)
            continue
        if tokens is None:
            tokens = analyzers.tokens_with_offsets(text)
        if m.kind == "prefix":
            hits = [(whole, a, b) for word, whole, a, b in tokens if word.startswith(m.text)]
        else:
            hits = [(whole, a, b) for word, whole, a, b in tokens if word == m.text]
        whole_hits = [(a, b) for whole, a, b in hits if whole]
        spans += whole_hits or [(a, b) for _whole, a, b in hits]
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


def _window(text: str, spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """The ``width``-character stretch of ``text`` with the most distinct marks, started at a clause."""
    if len(text) <= width:
        return 0, len(text)
    if not spans:
        return 0, width
    best, best_start = -1, 0
    for s, _e in spans:
        start = max(0, s - LEAD)
        covered = {text[a:b] for a, b in spans if a >= start and b <= start + width}
        if len(covered) > best:
            best, best_start = len(covered), start
    start = best_start
    if start > 0:
        # Begin after a clause break if there is one shortly before the first match.
        cut = max(text.rfind(ch, max(0, start - 20), start + LEAD) for ch in _CLAUSE)
        if cut != -1 and cut + 1 <= start + LEAD:
            start = cut + 1
    return start, min(len(text), start + width)


def _snippet_markup(text: str, marks: list[Mark], width: int) -> str:
    spans = mark_spans(text, marks)
    start, end = _window(text, spans, width)
    inside = [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return f"{prefix}{_markup(text[start:end], inside)}{suffix}"


def snippet(text: str, marks: Iterable[Mark], width: int = SNIPPET_CHARS) -> SafeString:
    """An excerpt of ``text`` around the best cluster of matches, matched words in ``<mark>``."""
    return sanitize_many([_snippet_markup(text, list(marks), width)])[0]


def snippets_for(texts: list[str], marks: Iterable[Mark], width: int = SNIPPET_CHARS) -> list[SafeString]:
    """:func:`snippet` for a page of hits, sanitised in one pass."""
    wanted = sorted(set(marks))
    return sanitize_many([_snippet_markup(t, wanted, width) for t in texts])


def highlight_html(text: str, query_string: str) -> SafeString:
    """The whole of ``text`` with what a raw query matched marked (haystack's highlighting path)."""
    from .compiler import Compiler, WhooshBuilder
    from .glossary import Glossary
    from .query import parse_query

    class _Knows:  # no index at hand: every word counts as known
        def doc_frequency(self, field: str, text: str) -> int:
            return 1

    compiled = Compiler(WhooshBuilder(_Knows()), Glossary(), lambda key: None).compile(parse_query(query_string).root)
    return render(text, mark_spans(text, compiled.highlight))


# --- the ?hl= contract ---------------------------------------------------------------------------


def _hl_item(mark: Mark) -> str:
    if mark.kind == "phrase":
        return f'"{mark.text}"'
    return f"{mark.text}*" if mark.kind == "prefix" else mark.text


def hl_param(marks: Iterable[Mark]) -> str:
    """The value of ``?hl=`` for a hit link: phrases, then words and prefixes, longest first."""
    ordered = sorted(
        {m for m in marks if m.text and '"' not in m.text},
        key=lambda m: (m.kind != "phrase", -len(m.text), m.text),
    )
    return " ".join(_hl_item(m) for m in ordered[:HL_MAX_TERMS])


def hl_marks(hl: str) -> set[Mark]:
    """The marks named by a ``?hl=`` value (user input: capped, folded, control characters dropped)."""
    if not isinstance(hl, str):
        return set()
    cleaned = re.sub(r"[\x00-\x1f\x7f]", " ", hl[:HL_MAX_CHARS])
    marks: set[Mark] = set()
    for quoted, plain in _HL_ITEM.findall(cleaned)[:HL_MAX_TERMS]:
        item = quoted or plain
        if not item or len(item) > HL_MAX_TERM_CHARS:
            continue
        if quoted:
            marks.add(Mark("phrase", analyzers.needle(quoted)))
        elif plain.endswith("*"):
            marks.add(Mark("prefix", analyzers.needle(plain.rstrip("*"))))
        else:
            marks.add(Mark("word", analyzers.fold(plain)))
    return {m for m in marks if m.text}


def hl_spans(text: str, hl: str) -> list[tuple[int, int]]:
    """Character spans of ``text`` to wrap in ``<mark>`` for a ``?hl=`` value; never raises."""
    try:
        return mark_spans(text or "", hl_marks(hl))
    except Exception:  # highlighting is decoration: a reading page must never fail because of it
        return []


def hl_url(url: str, marks: Iterable[Mark]) -> str:
    """``/documents/S/2018/1183/#p12`` → ``/documents/S/2018/1183/?hl=警察#p12``."""
    param = hl_param(marks)
    if not param:
        return url
    path, hash_sign, anchor = url.partition("#")
    joiner = "&" if "?" in path else "?"
    return f"{path}{joiner}hl={quote(param)}{hash_sign}{anchor}"


class JiebaHighlighter:
    """HAYSTACK_CUSTOM_HIGHLIGHTER for ``{% highlight %}``: whole text, matches marked."""

    def __init__(self, query: str, **kwargs: object) -> None:
        self.query = query

    def highlight(self, text_block: str) -> SafeString:
        return highlight_html(text_block, self.query)
