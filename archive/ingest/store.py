"""The one ingest module that touches the database: store a parsed document, atomically.

Everything else in ``archive.ingest`` is a pure function over text.  Management commands and
admin views call the functions here (:func:`import_text`, :func:`preview`, :func:`reparse`,
:func:`change_symbol`, :func:`update_block_text`...) and hold no parsing logic of their own.

Writes of blocks and footnotes go through django-simple-history's bulk helpers, so a re-parse
that changes a block leaves the block's previous text in its history, restorable like a
librarian's own edit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from archive.models import (
    Abbreviation,
    Citation,
    Document,
    DocumentStatus,
    DocumentType,
    Footnote,
    FootnoteReference,
    Paragraph,
    SymbolAlias,
)
from archive.signals import documents_changed

from . import parse
from .anchors import ExistingBlock, assign_anchors
from .citations import extract_citations
from .decode import check_text
from .errors import IngestError
from .symbols import InvalidSymbol, doc_type_for_symbol, normalize_symbol
from .types import CitationMatch, Metadata, ParsedDocument
from .types import Footnote as ParsedFootnote


class Outcome(StrEnum):
    CREATED = "created"
    REPLACED = "replaced"
    UNCHANGED = "unchanged"


@dataclass
class ImportResult:
    document: Document
    outcome: Outcome
    parsed: ParsedDocument


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def clean_symbol(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    try:
        return normalize_symbol(raw)
    except InvalidSymbol as exc:
        raise IngestError(str(exc)) from None


def _resolve_symbol(parsed: ParsedDocument, symbol: str | None) -> str | None:
    return clean_symbol(symbol) if symbol is not None else clean_symbol(parsed.metadata.symbol)


def _check_doc_type(doc_type: str | None) -> None:
    if doc_type and doc_type not in DocumentType.values:
        raise IngestError(
            _("未知的文件类型 %(type)s；可用：%(choices)s。")
            % {"type": doc_type, "choices": "、".join(DocumentType.values)}
        )


def _resolve_metadata(
    parsed: ParsedDocument,
    symbol: str | None,
    date: dt.date | None,
    title: str | None,
    doc_type: str | None,
) -> tuple[str | None, dt.date | None, str, str]:
    meta = parsed.metadata
    symbol = _resolve_symbol(parsed, symbol)
    _check_doc_type(doc_type)
    return (
        symbol,
        date or meta.date,
        (title if title is not None else meta.title) or "",
        doc_type or meta.doc_type or DocumentType.OTHER,
    )


def _find_existing(symbol: str | None, digest: str) -> Document | None:
    if symbol:
        doc = Document.objects.filter(symbol=symbol).first()
        if doc is None:
            alias = SymbolAlias.objects.select_related("document").filter(symbol=symbol).first()
            doc = alias.document if alias else None
        return doc
    # Without a symbol the only identity we have is the text itself.
    return Document.objects.filter(source_sha256=digest).first()


def _parse_checked(raw_text: str, max_chars: int | None) -> ParsedDocument:
    check_text(raw_text, max_chars=max_chars)
    parsed = parse(raw_text)
    if not parsed.blocks:
        raise IngestError(_("没有从文本中识别出任何段落。"))
    return parsed


def _notify(document_ids: list[int]) -> None:
    """Tell search (and anyone else listening) once the transaction has committed."""
    transaction.on_commit(lambda: documents_changed.send(sender=Document, document_ids=document_ids))


def import_text(
    raw_text: str,
    *,
    symbol: str | None = None,
    date: dt.date | None = None,
    title: str | None = None,
    doc_type: str | None = None,
    status: str = DocumentStatus.PUBLISHED,
    replace: bool = False,
    max_chars: int | None = None,
) -> ImportResult:
    """Parse and store one document in a single transaction; raise IngestError and change nothing on bad input.

    ``symbol``/``date``/``title``/``doc_type`` override what the parser detected.  Re-importing the same
    text is a no-op; different text under an existing symbol needs ``replace=True``, which keeps the
    anchors of blocks that still exist and retires (but keeps resolvable) those that do not.
    """
    parsed = _parse_checked(raw_text, max_chars)
    symbol, date, title, doc_type = _resolve_metadata(parsed, symbol, date, title, doc_type)
    digest = sha256(raw_text)

    with transaction.atomic():
        doc = _find_existing(symbol, digest)
        if doc is not None and doc.has_text:
            if doc.source_sha256 == digest:
                return ImportResult(doc, Outcome.UNCHANGED, parsed)
            if not replace:
                raise IngestError(
                    _("文号 %(symbol)s 已有不同的文本；确认要替换时请使用 --replace。")
                    % {"symbol": doc.symbol or doc.public_id}
                )
        outcome = Outcome.REPLACED if doc is not None and doc.has_text else Outcome.CREATED
        if doc is None:
            doc = Document()
        doc.symbol = symbol or doc.symbol
        doc.title, doc.date, doc.doc_type, doc.status = title, date, doc_type, status
        doc.raw_text, doc.source_sha256 = raw_text, digest
        try:
            with transaction.atomic():
                doc.save()
        except IntegrityError:
            raise IngestError(_("文号 %(symbol)s 已被另一份文件使用。") % {"symbol": symbol}) from None
        store_parsed(doc, parsed)
        _notify([doc.pk])
    return ImportResult(doc, outcome, parsed)


def reparse(doc: Document) -> ParsedDocument:
    """Re-run the parser on a document's stored raw text, keeping every existing anchor that still applies."""
    parsed = parse(doc.raw_text)
    with transaction.atomic():
        store_parsed(doc, parsed)
        _notify([doc.pk])
    return parsed


def _existing_blocks(doc: Document, stored: Sequence[Paragraph]) -> list[ExistingBlock]:
    """The blocks a new parse may inherit anchors from: the stored ones, then their earlier texts.

    A librarian's correction can change a block beyond recognition; its earlier texts (from its
    history, including the parser's own) still match what a re-parse produces, so the block keeps
    its anchor.  Current texts come first so they win when both match.
    """
    blocks = [ExistingBlock(p.anchor, p.kind, p.text) for p in stored]
    if doc.pk is None or not stored:
        return blocks
    current = {(b.anchor, b.text) for b in blocks}
    earlier = (
        Paragraph.history.filter(document_id=doc.pk)
        .order_by()
        .values_list("anchor", "kind", "text")
        .distinct()
    )
    blocks += [ExistingBlock(a, k, t) for a, k, t in earlier if (a, t) not in current]
    return blocks


def footnote_anchors(footnotes: Sequence[ParsedFootnote]) -> list[str]:
    """``fn3`` per footnote; a repeated number (an annex restarting at 1) gets ``fn1-<position>``."""
    seen: set[str] = set()
    anchors = []
    for position, fn in enumerate(footnotes):
        anchors.append(f"fn{fn.number}" if fn.number not in seen else f"fn{fn.number}-{position}")
        seen.add(fn.number)
    return anchors


def _assign(row: Paragraph | Footnote, values: dict[str, object]) -> set[str]:
    """Set ``values`` on ``row``; return the names of the fields that actually changed."""
    changed = {name for name, value in values.items() if getattr(row, name) != value}
    for name in changed:
        setattr(row, name, values[name])
    return changed


def _save_rows(
    model: type[Paragraph] | type[Footnote],
    created: list,
    changed: list,
    moved: list,
    content_fields: list[str],
) -> None:
    # Only rows whose content changed get a history entry; a block that merely moved down because
    # a paragraph was inserted above it is not a change a librarian needs to see or restore.
    bulk_create_with_history(created, model)
    bulk_update_with_history(changed, model, [*content_fields, "position"])
    model.objects.bulk_update(moved, ["position"])


def store_parsed(doc: Document, parsed: ParsedDocument) -> None:
    """Write blocks, footnotes, citations and abbreviations of ``parsed`` for ``doc`` (inside a transaction)."""
    old = {p.anchor: p for p in doc.paragraphs.all()}
    anchors = assign_anchors(parsed.blocks, _existing_blocks(doc, list(old.values())))
    Citation.objects.filter(paragraph__document=doc).delete()
    Citation.objects.filter(footnote__document=doc).delete()
    FootnoteReference.objects.filter(paragraph__document=doc).delete()

    # Retired blocks sort after the current text so positions stay unique among current ones.
    retired_base = len(parsed.blocks)
    paragraphs: list[Paragraph] = []
    created: list[Paragraph] = []
    changed: list[Paragraph] = []
    moved: list[Paragraph] = []
    for position, (block, anchor) in enumerate(zip(parsed.blocks, anchors, strict=True)):
        content = {
            "kind": block.kind,
            "number": block.number or "",
            "label": block.label or "",
            "text": block.text,
            "is_current": True,
        }
        p = old.pop(anchor, None)
        if p is None:
            p = Paragraph(document=doc, anchor=anchor, position=position, **content)
            created.append(p)
        elif _assign(p, content):
            p.position = position
            changed.append(p)
        elif _assign(p, {"position": position}):
            moved.append(p)
        paragraphs.append(p)
    for offset, p in enumerate(old.values()):
        if _assign(p, {"is_current": False}):
            p.position = retired_base + offset
            changed.append(p)
        elif _assign(p, {"position": retired_base + offset}):
            moved.append(p)
    _save_rows(Paragraph, created, changed, moved, ["kind", "number", "label", "text", "is_current"])

    # Footnotes keep their rows (and so their history) by anchor, like blocks.
    old_notes = {f.anchor: f for f in doc.footnotes.all()}
    fn_rows: list[Footnote] = []
    fn_created: list[Footnote] = []
    fn_changed: list[Footnote] = []
    fn_moved: list[Footnote] = []
    for position, (fn, anchor) in enumerate(zip(parsed.footnotes, footnote_anchors(parsed.footnotes), strict=True)):
        row = old_notes.pop(anchor, None)
        if row is None:
            row = Footnote(document=doc, number=fn.number, position=position, text=fn.text, anchor=anchor)
            fn_created.append(row)
        elif _assign(row, {"number": fn.number, "text": fn.text}):
            row.position = position
            fn_changed.append(row)
        elif _assign(row, {"position": position}):
            fn_moved.append(row)
        fn_rows.append(row)
    if old_notes:
        # Footnotes have no permanent public URL of their own beyond the page anchor; deleting them
        # one by one (not a raw bulk delete) records the deletion in their history.
        Footnote.objects.filter(pk__in=[f.pk for f in old_notes.values()]).delete()
    _save_rows(Footnote, fn_created, fn_changed, fn_moved, ["number", "text"])

    footnotes: dict[str, Footnote] = {}
    for row in fn_rows:
        footnotes.setdefault(row.number, row)
    FootnoteReference.objects.bulk_create(
        FootnoteReference(paragraph=p, footnote=footnotes[ref.number], offset=ref.position)
        for p, block in zip(paragraphs, parsed.blocks, strict=True)
        for ref in block.footnote_refs
        if ref.number in footnotes
    )

    matches = [
        (m, p, None) for p, block in zip(paragraphs, parsed.blocks, strict=True) for m in block.citations
    ]
    matches += [
        (m, None, row) for row, fn in zip(fn_rows, parsed.footnotes, strict=True) for m in fn.citations
    ]
    _store_citations(doc, matches)

    for abbr in parsed.abbreviations:
        Abbreviation.objects.get_or_create(full=abbr.full, short=abbr.short, defaults={"source": doc})


def _store_citations(
    doc: Document, matches: Sequence[tuple[CitationMatch, Paragraph | None, Footnote | None]]
) -> None:
    targets = _hubs_for({m.symbol for m, _p, _f in matches}, exclude=doc)
    Citation.objects.bulk_create(
        Citation(
            paragraph=p,
            footnote=f,
            cited_symbol=m.symbol,
            kind=m.kind,
            pinpoint=m.pinpoint or "",
            matched_text=m.text[:300],
            start=m.start,
            end=m.end,
            target=doc if m.symbol == doc.symbol else targets.get(m.symbol),
        )
        for m, p, f in matches
    )


def _documents_for(symbols: Iterable[str]) -> dict[str, Document]:
    """The Document each symbol names today (directly or through an old symbol); read-only."""
    wanted = set(symbols)
    found = {d.symbol: d for d in Document.objects.filter(symbol__in=wanted)}
    for alias in SymbolAlias.objects.filter(symbol__in=wanted - found.keys()).select_related("document"):
        found[alias.symbol] = alias.document
    return found


def _hubs_for(symbols: Iterable[str], exclude: Document) -> dict[str, Document]:
    """The Document for every cited symbol, creating a text-less hub where the archive has none."""
    wanted = {s for s in symbols if s and s != exclude.symbol}
    found = _documents_for(wanted)
    missing = sorted(wanted - found.keys())
    hubs = bulk_create_with_history(
        [
            Document(symbol=s, doc_type=doc_type_for_symbol(s), status=DocumentStatus.PUBLISHED)
            for s in missing
        ],
        Document,
    )
    found.update({d.symbol: d for d in hubs})
    return found


def citation_matches(parsed: ParsedDocument) -> list[CitationMatch]:
    """All citations of a parsed document, body then footnotes (for previews and reports)."""
    return [m for b in parsed.blocks for m in b.citations] + [
        m for f in parsed.footnotes for m in f.citations
    ]


def change_symbol(doc: Document, new_symbol: str | None) -> Document:
    """Set or change a document's symbol; every URL served before keeps resolving by redirect."""
    symbol = clean_symbol(new_symbol)
    if symbol == doc.symbol:
        return doc
    with transaction.atomic():
        holder = Document.objects.filter(symbol=symbol).exclude(pk=doc.pk).first() if symbol else None
        if holder is not None and holder.has_text:
            raise IngestError(_("文号 %(symbol)s 已被另一份文件使用。") % {"symbol": symbol})
        if holder is not None:
            # The symbol was only a citation hub: its citations now reach the real document.
            holder.incoming_citations.update(target=doc)
            holder.symbol_aliases.update(document=doc)
            holder.delete()
        SymbolAlias.objects.filter(symbol=symbol).delete()
        if doc.symbol:
            SymbolAlias.objects.update_or_create(symbol=doc.symbol, defaults={"document": doc})
        doc.symbol = symbol
        doc.save(update_fields=["symbol", "updated_at"])
        if symbol:
            Citation.objects.filter(cited_symbol=symbol, target__isnull=True).update(target=doc)
        _notify([doc.pk])
    return doc


# --- a librarian's corrections ------------------------------------------------------------------


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
        _store_citations(paragraph.document, [(m, paragraph, None) for m in extract_citations(text)])
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
        _store_citations(footnote.document, [(m, None, footnote) for m in extract_citations(text)])
        _notify([footnote.document_id])
    return footnote


def save_details(doc: Document, *, symbol: str | None) -> Document:
    """Store a librarian's corrections to ``doc`` (title, date, type, status already set on it) and its symbol.

    The symbol goes through :func:`change_symbol`, so the old URL keeps redirecting.  When ``doc``
    carries a different raw text (an earlier version restored from history) the text is re-parsed,
    keeping anchors.  A citation hub has nothing to correct and is refused.
    """
    stored = Document.objects.filter(pk=doc.pk).values("raw_text", "symbol").first()
    if stored is None or not stored["raw_text"]:
        raise IngestError(_("这是只有引用、没有原文的文号页面，不能修改。"))
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
            changed.append(doc)
    with transaction.atomic():
        bulk_update_with_history(changed, Document, ["status", "updated_at"])
        if changed:
            _notify([d.pk for d in changed])
    return changed


# --- preview: what an import would make, without writing anything -------------------------------


class BlockChange(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    SAME = "same"


class CitationTarget(StrEnum):
    # A document whose text the archive holds: the link leads into the archive.
    TEXT = "text"
    # The archive knows the symbol but holds no text: the link leads to its hub page.
    HUB = "hub"
    # An unknown symbol: importing creates a hub page for it.
    NEW = "new"


@dataclass(frozen=True)
class PreviewBlock:
    index: int  # 1-based, as the parser's warnings count blocks ("第 3 个文本块")
    kind: str
    number: str
    label: str
    anchor: str
    text: str
    footnote_numbers: tuple[str, ...]
    change: BlockChange


@dataclass(frozen=True)
class PreviewFootnote:
    number: str
    anchor: str
    text: str


@dataclass(frozen=True)
class PreviewCitation:
    symbol: str
    kind: str
    text: str
    pinpoint: str
    location: str  # the anchor of the block or footnote it stands in
    target: CitationTarget

    @property
    def resolves(self) -> bool:
        return self.target == CitationTarget.TEXT


@dataclass(frozen=True)
class PreviewAbbreviation:
    full: str
    short: str
    known: bool  # already in the glossary


@dataclass
class Preview:
    symbol: str | None
    date: dt.date | None
    title: str
    doc_type: str
    detected: Metadata
    outcome: Outcome
    existing: Document | None
    blocks: list[PreviewBlock]
    footnotes: list[PreviewFootnote]
    citations: list[PreviewCitation]
    abbreviations: list[PreviewAbbreviation]
    warnings: list[str]
    # Anchors of stored blocks the new text no longer has: kept (old links work) but no longer shown.
    retired: list[str] = field(default_factory=list)
    # Why import_text would refuse, by form field ("symbol", "doc_type"); empty when it would succeed.
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def can_import(self) -> bool:
        return not self.problems

    @property
    def fills_hub(self) -> bool:
        """The symbol was only cited so far: saving gives its hub page a text."""
        return self.existing is not None and not self.existing.has_text

    @property
    def resolved_count(self) -> int:
        return sum(1 for c in self.citations if c.resolves)


def preview(
    raw_text: str,
    *,
    symbol: str | None = None,
    date: dt.date | None = None,
    title: str | None = None,
    doc_type: str | None = None,
    replace: bool = False,
    max_chars: int | None = None,
) -> Preview:
    """What :func:`import_text` would make of ``raw_text`` with the same arguments; writes nothing.

    Raise IngestError when the text itself is unusable (empty, too long, no blocks).  Problems with
    the metadata (malformed or taken symbol, unknown type) are reported in ``Preview.problems`` so
    the librarian sees them next to the rest of the preview and can correct them.
    """
    parsed = _parse_checked(raw_text, max_chars)
    problems: dict[str, str] = {}
    try:
        resolved_symbol = _resolve_symbol(parsed, symbol)
    except IngestError as exc:
        problems["symbol"], resolved_symbol = str(exc), None
    try:
        _check_doc_type(doc_type)
    except IngestError as exc:
        problems["doc_type"], doc_type = str(exc), None
    meta = parsed.metadata
    digest = sha256(raw_text)
    existing = _find_existing(resolved_symbol, digest)
    outcome = Outcome.CREATED
    if existing is not None and existing.has_text:
        if existing.source_sha256 == digest:
            outcome = Outcome.UNCHANGED
        elif replace:
            outcome = Outcome.REPLACED
        else:
            problems["symbol"] = _("文号 %(symbol)s 已有另一份文本（%(document)s）。这里只能添加新文件。") % {
                "symbol": resolved_symbol,
                "document": existing,
            }
            existing = None  # show the text as the new document it would have to be, not as a change
    warnings = list(parsed.warnings) + unrecognised_citation_warnings(parsed)
    twin = Document.objects.filter(source_sha256=digest).exclude(pk=existing.pk if existing else None).first()
    if twin is not None:
        warnings.append(_("同样的文本已经作为另一份文件导入过：%(document)s。") % {"document": twin})
    return _build_preview(
        parsed,
        symbol=resolved_symbol,
        date=date or meta.date,
        title=(title if title is not None else meta.title) or "",
        doc_type=doc_type or meta.doc_type or DocumentType.OTHER,
        existing=existing,
        outcome=outcome,
        warnings=warnings,
        problems=problems,
    )


def preview_reparse(doc: Document) -> Preview:
    """What :func:`reparse` would make of ``doc``: its blocks, which of them change, which anchors retire."""
    if not doc.has_text:
        raise IngestError(_("这是只有引用、没有原文的文号页面，没有可以重新解析的文本。"))
    parsed = parse(doc.raw_text)
    return _build_preview(
        parsed,
        symbol=doc.symbol,
        date=doc.date,
        title=doc.title,
        doc_type=doc.doc_type,
        existing=doc,
        outcome=Outcome.REPLACED,
        warnings=list(parsed.warnings) + unrecognised_citation_warnings(parsed),
        problems={},
    )


def _build_preview(
    parsed: ParsedDocument,
    *,
    symbol: str | None,
    date: dt.date | None,
    title: str,
    doc_type: str,
    existing: Document | None,
    outcome: Outcome,
    warnings: list[str],
    problems: dict[str, str],
) -> Preview:
    stored = list(existing.paragraphs.all()) if existing is not None else []
    anchors = assign_anchors(parsed.blocks, _existing_blocks(existing, stored) if existing is not None else [])
    stored_text = {p.anchor: p.text for p in stored}
    blocks = [
        PreviewBlock(
            index=i,
            kind=block.kind,
            number=block.number or "",
            label=block.label or "",
            anchor=anchor,
            text=block.text,
            footnote_numbers=tuple(ref.number for ref in block.footnote_refs),
            change=(
                BlockChange.NEW
                if anchor not in stored_text
                else BlockChange.SAME
                if stored_text[anchor] == block.text
                else BlockChange.CHANGED
            ),
        )
        for i, (block, anchor) in enumerate(zip(parsed.blocks, anchors, strict=True), start=1)
    ]
    fn_anchors = footnote_anchors(parsed.footnotes)
    footnotes = [
        PreviewFootnote(number=fn.number, anchor=anchor, text=fn.text)
        for fn, anchor in zip(parsed.footnotes, fn_anchors, strict=True)
    ]

    located = [(m, anchor) for block, anchor in zip(parsed.blocks, anchors, strict=True) for m in block.citations]
    located += [(m, anchor) for fn, anchor in zip(parsed.footnotes, fn_anchors, strict=True) for m in fn.citations]
    known = _documents_for({m.symbol for m, _a in located})

    def target(cited: str) -> CitationTarget:
        if symbol and cited == symbol:
            return CitationTarget.TEXT  # the document cites itself: it is the text being imported
        doc = known.get(cited)
        if doc is None:
            return CitationTarget.NEW
        return CitationTarget.TEXT if doc.has_text else CitationTarget.HUB

    citations = [
        PreviewCitation(
            symbol=m.symbol,
            kind=m.kind,
            text=m.text,
            pinpoint=m.pinpoint or "",
            location=anchor,
            target=target(m.symbol),
        )
        for m, anchor in located
    ]

    pairs = [(a.full, a.short) for a in parsed.abbreviations]
    in_glossary = set(
        Abbreviation.objects.filter(full__in={f for f, _s in pairs}, short__in={s for _f, s in pairs}).values_list(
            "full", "short"
        )
    )
    abbreviations = [PreviewAbbreviation(full=f, short=s, known=(f, s) in in_glossary) for f, s in pairs]

    current = {p.anchor for p in stored if p.is_current}
    return Preview(
        symbol=symbol,
        date=date,
        title=title,
        doc_type=doc_type,
        detected=parsed.metadata,
        outcome=outcome,
        existing=existing,
        blocks=blocks,
        footnotes=footnotes,
        citations=citations,
        abbreviations=abbreviations,
        warnings=warnings,
        retired=sorted(current - set(anchors)),
        problems=problems,
    )


# Text that reads like a citation: a symbol-shaped token ("S/RES/2645", "S/PV.9000") or a numbered
# resolution ("第 2645 号决议").  Any such text the citation stage did not turn into a citation is a
# citation form the importer does not know, and will not be linked.
_CITATION_CUE_RES = (
    re.compile(r"(?<![A-Za-z0-9/._\-])[SA]\s?/\s?[A-Z0-9][A-Za-z0-9./()\-]*", re.ASCII),
    re.compile(r"第\s?[0-9０-９][^。；;，,\n第]{0,20}?号\s?(?:决议|主席声明)"),
)
_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def _unrecognised(text: str, citations: Sequence[CitationMatch]) -> list[str]:
    spans = [(c.start, c.end) for c in citations] + [m.span() for m in _URL_RE.finditer(text)]
    found: list[str] = []
    for cue in _CITATION_CUE_RES:
        for m in cue.finditer(text):
            if not any(m.start() < end and start < m.end() for start, end in spans):
                found.append(m.group(0).rstrip(".)-"))
    return found


def unrecognised_citation_warnings(parsed: ParsedDocument) -> list[str]:
    """Warnings for text that looks like a citation the importer could not read (so it will not link)."""
    warnings = []
    for i, block in enumerate(parsed.blocks, start=1):
        for text in dict.fromkeys(_unrecognised(block.text, block.citations)):
            warnings.append(
                _("第 %(i)d 个文本块中的“%(text)s”像是引用，但格式无法识别，不会生成链接。") % {"i": i, "text": text}
            )
    for fn in parsed.footnotes:
        for text in dict.fromkeys(_unrecognised(fn.text, fn.citations)):
            warnings.append(
                _("脚注 %(n)s 中的“%(text)s”像是引用，但格式无法识别，不会生成链接。") % {"n": fn.number, "text": text}
            )
    return warnings
