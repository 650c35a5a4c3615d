"""A librarian's corrections: one block's text, a symbol, the publication status."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import SequenceMatcher

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from archive.models import (
    Document,
    DocumentStatus,
    Footnote,
    FootnoteReference,
    Paragraph,
)

from ..errors import IngestError
from ..languages import profile_for
from ..types import CitationMatch
from .importing import _notify, _parse_checked, _store_citations, change_symbol, sha256, store_parsed


def _edited_text(text: str) -> str:
    # Browsers submit textareas with CRLF line ends; the stored text uses LF like the parser's output.
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise IngestError(_("文字不能为空。"))
    if "\x00" in text:
        raise IngestError(_("文本含有二进制数据（NUL 字符），无法保存。"))
    return text


def _moved_offset(old: str, new: str, offset: int) -> int:
    """Where a footnote marker that stood at ``offset`` in ``old`` stands in ``new``.

    A marker follows the character before it; if that character survived the edit the marker
    follows it still, if it was rewritten the marker goes after the rewritten passage.
    """
    if offset <= 0:
        return 0
    anchor_char = min(offset, len(old)) - 1
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if i1 <= anchor_char < i2:
            return j1 + (anchor_char - i1) + 1 if tag == "equal" else j2
    return len(new)


def _citations(language: str, text: str) -> list[CitationMatch]:
    """The citations in ``text``, read the way its language writes them."""
    return profile_for(language).extract_citations(text)


def update_block_text(paragraph: Paragraph, text: str) -> Paragraph:
    """Correct one block's text: same anchor and number, citations re-extracted, footnote markers kept in place.

    The previous text stays in the block's history.  Raise IngestError (and change nothing) on empty text.
    """
    text = _edited_text(text)
    if text == paragraph.text:
        return paragraph
    with transaction.atomic():
        refs = list(paragraph.footnote_refs.all())
        for ref in refs:
            ref.offset = _moved_offset(paragraph.text, text, ref.offset)
        FootnoteReference.objects.bulk_update(refs, ["offset"])
        paragraph.text = text
        paragraph.save(update_fields=["text"])
        paragraph.citations.all().delete()
        _store_citations(paragraph.document, [(m, paragraph, None) for m in _citations(paragraph.language, text)])
        _notify([paragraph.document_id])
    return paragraph


def update_footnote_text(footnote: Footnote, text: str) -> Footnote:
    """Correct one footnote's text, re-extracting its citations; the previous text stays in its history."""
    text = _edited_text(text)
    if text == footnote.text:
        return footnote
    with transaction.atomic():
        footnote.text = text
        footnote.save(update_fields=["text"])
        footnote.citations.all().delete()
        _store_citations(footnote.document, [(m, None, footnote) for m in _citations(footnote.language, text)])
        _notify([footnote.document_id])
    return footnote


def save_details(doc: Document, *, symbol: str | None) -> Document:
    """Store a librarian's corrections to ``doc`` (title, date, type, status already set on it) and its symbol.

    The symbol goes through :func:`change_symbol`, so the old URL keeps redirecting.  When ``doc``
    carries a different raw text (an earlier version restored from history) the text is re-parsed,
    keeping anchors.  A citation hub has nothing to correct and is refused.
    """
    stored = Document.objects.filter(pk=doc.pk).values("raw_text", "symbol", "first_published_at").first()
    if stored is None or not stored["raw_text"]:
        raise IngestError(_("这是只有引用、没有原文的文号页面，不能修改。"))
    # A version restored from history may predate the first publication; the URLs stay promised.
    doc.first_published_at = stored["first_published_at"] or doc.first_published_at
    # A version restored from history carries its old symbol; the change must still go through
    # change_symbol so the symbol it replaces keeps redirecting.
    doc.symbol = stored["symbol"]
    text_changed = doc.raw_text != stored["raw_text"]
    if text_changed:
        parsed = _parse_checked(doc.raw_text, None)
        doc.source_sha256 = sha256(doc.raw_text)
    with transaction.atomic():
        doc.save()
        if text_changed:
            store_parsed(doc, parsed)
        change_symbol(doc, symbol)
        _notify([doc.pk])
    return doc


def set_status(documents: Iterable[Document], status: str) -> list[Document]:
    """Publish or withdraw documents (hubs have no status to speak of and are skipped); return those changed."""
    if status not in DocumentStatus.values:
        raise IngestError(_("未知的状态 %(status)s。") % {"status": status})
    now = timezone.now()
    changed = []
    for doc in documents:
        if doc.has_text and doc.status != status:
            doc.status, doc.updated_at = status, now
            doc.stamp_publication()
            changed.append(doc)
    with transaction.atomic():
        bulk_update_with_history(changed, Document, ["status", "updated_at", "first_published_at"])
        if changed:
            _notify([d.pk for d in changed])
    return changed


# --- preview: what an import would make, without writing anything -------------------------------
