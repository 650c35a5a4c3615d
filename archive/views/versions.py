"""The English original beside the Chinese text: which version a page reads, and how the two line up.

Pairing is the shared anchor (ISSUE15's data contract): the English block paired with Chinese ``p12``
is ``p12`` too, one with no Chinese partner is ``en1``, ``en2``…, and footnotes pair by number
(``fn3`` ↔ ``fn3``).  Two ways of reading both:

* the normal view keeps the Chinese text as it was and gives each Chinese block with a partner a
  ``<details>`` "原文" showing the English text in place (:func:`attach_originals`);
* the parallel view (``?view=parallel``) sets the two texts in rows, Chinese left, English right
  (:func:`block_rows`): the Chinese reading order, each English block beside its partner, and an
  English block without one right after the English block it follows in its own text, with an empty
  cell opposite; a Chinese block without a partner has an empty cell opposite too.

Nothing here queries the database except :func:`reading_version` (one query, then cached).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.utils.translation import pgettext

from archive.models import Document, Footnote, Language, TextVersion

if TYPE_CHECKING:  # text.py builds the views and imports this module
    from archive.views.text import BlockView, FootnoteView

NORMAL = "normal"
PARALLEL = "parallel"
# The version the reading pages show beside the Chinese text.
READING_VERSION = Language.EN
CACHE_SECONDS = 24 * 3600


# Cached like the rendered text, under the document's render_version, which every version change
# renews: a page read again asks the database only what it asked before versions existed.
_NO_VERSION = "-"


def reading_version(doc: Document) -> TextVersion | None:
    """The English text of ``doc`` without its raw text, None when the archive has none (one query,
    none once cached for this state of the document)."""
    if not doc.has_text:
        return None
    key = f"reading-version:{doc.pk}:{doc.render_version}"
    found = cache.get(key)
    if found is None:
        found = doc.versions.for_reading().in_language(READING_VERSION).first() or _NO_VERSION
        cache.set(key, found, CACHE_SECONDS)
    return None if found == _NO_VERSION else found


def requested_view(value: str | None, version: TextVersion | None) -> str:
    """``?view=parallel`` where there is a version to set beside the Chinese text, else the normal view."""
    return PARALLEL if value == PARALLEL and version is not None else NORMAL


def version_stamp(version: TextVersion | None) -> str:
    if version is None:
        return "-"
    return f"{version.pk}:{version.language}:{version.updated_at.isoformat()}"


def version_label(doc: Document, version: TextVersion) -> str:
    """The toggle's word: '原文' when the version is the document's original ("Original: English"),
    else '英文本'."""
    if doc.original_language == version.language:
        return pgettext("version", "原文")
    return pgettext("version", "英文本")


def version_heading(doc: Document, version: TextVersion) -> str:
    """The version named on its own (headings, citations): '英文原文' or '英文本'."""
    if doc.original_language == version.language:
        return pgettext("version", "英文原文")
    return pgettext("version", "英文本")


def footnote_href(parallel: bool, chinese_anchors: set[str]) -> Callable[[Footnote], str]:
    """Where an English footnote marker leads: the footnote's row on the parallel page; in the normal
    view the Chinese footnote of the same number, or the parallel page when there is none."""

    def href(fn: Footnote) -> str:
        if parallel or fn.anchor in chinese_anchors:
            return f"#{fn.anchor}"
        return f"?view={PARALLEL}#{fn.anchor}"

    return href


@dataclass
class Row:
    """One row of the parallel view: a Chinese block and its English partner, either may be missing."""

    anchor: str
    zh: BlockView | None
    other: BlockView | None


@dataclass
class FootnoteRow:
    anchor: str
    zh: FootnoteView | None
    other: FootnoteView | None


def _in_rows(chinese: Sequence, other: Sequence, anchor: Callable) -> list[tuple[str, object, object]]:
    """(anchor, Chinese item, other item) in the Chinese order; an unpaired item of the other text
    comes after the row of the paired item before it in its own order (first if there is none)."""
    partners = {anchor(item): item for item in other}
    rows: list[tuple[str, object, object]] = [(anchor(z), z, partners.get(anchor(z))) for z in chinese]
    index = {row[0]: i for i, row in enumerate(rows)}
    after: dict[int, list[tuple[str, object, object]]] = {}
    last = -1
    for item in other:
        name = anchor(item)
        if name in index:
            last = index[name]
        else:
            after.setdefault(last, []).append((name, None, item))
    ordered = list(after.get(-1, []))
    for i, row in enumerate(rows):
        ordered.append(row)
        ordered.extend(after.get(i, []))
    return ordered


def _block_anchor(view: BlockView) -> str:
    return view.paragraph.anchor


def block_rows(chinese: Sequence[BlockView], other: Sequence[BlockView]) -> list[Row]:
    """The parallel view's rows.  The page's title is its header (both titles), not a row; an English
    heading takes its Chinese partner's level, so the two columns have one outline."""
    title = {_block_anchor(v) for v in chinese if v.is_page_title}
    zh = [v for v in chinese if not v.is_page_title]
    en = [v for v in other if not v.is_page_title and _block_anchor(v) not in title]
    rows = [Row(name, z, o) for name, z, o in _in_rows(zh, en, _block_anchor)]
    for row in rows:
        if row.zh is not None and row.other is not None and row.zh.heading_level and row.other.heading_level:
            row.other.heading_level = row.zh.heading_level
    return rows


def footnote_rows(chinese: Sequence[FootnoteView], other: Sequence[FootnoteView]) -> list[FootnoteRow]:
    return [FootnoteRow(name, z, o) for name, z, o in _in_rows(chinese, other, lambda v: v.footnote.anchor)]


def attach_originals(
    blocks: Sequence[BlockView],
    other: Sequence[BlockView],
    footnotes: Sequence[FootnoteView],
    other_footnotes: Sequence[FootnoteView],
) -> None:
    """The normal view: each Chinese block and footnote gets its English partner, shown in place.
    The title is the page's <h1>, under which the English title stands."""
    partners = {_block_anchor(v): v for v in other}
    for view in blocks:
        if not view.is_page_title:
            view.original = partners.get(_block_anchor(view))
    notes = {v.footnote.anchor: v for v in other_footnotes}
    for note in footnotes:
        note.original = notes.get(note.footnote.anchor)
