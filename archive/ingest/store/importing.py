"""Importing and re-parsing documents: blocks, footnotes, citations and hubs in one transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.db.models import Q
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
    Language,
    Paragraph,
    SymbolAlias,
)
from archive.signals import documents_changed

from .. import parse
from ..anchors import ExistingBlock, assign_anchors
from ..decode import check_text
from ..errors import IngestError
from ..fingerprint import parsed_fingerprint
from ..plausible import TITLE_MAX, date_problem, metadata_problems
from ..symbols import InvalidSymbol, doc_type_for_symbol, normalize_symbol, symbol_sort_key
from ..types import CitationMatch, ParsedDocument
from ..types import Footnote as ParsedFootnote


class Outcome(StrEnum):
    CREATED = "created"
    REPLACED = "replaced"
    UNCHANGED = "unchanged"
    # A version's text is the same, its pairing with the Chinese text corrected.
    REALIGNED = "realigned"


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
    # What the librarian typed is refused as the admin refuses it; what the parser read is trimmed.
    problems = metadata_problems(date=date, title=title)
    if problems:
        raise IngestError(" ".join(problems))
    detected_date = None if date_problem(meta.date) else meta.date
    return (
        symbol,
        date or detected_date,
        ((title if title is not None else meta.title) or "")[:TITLE_MAX],
        chosen_doc_type(doc_type, parsed),
    )


def chosen_doc_type(doc_type: str | None, parsed: ParsedDocument) -> str:
    """The librarian's type, unless it is "other" (or none) and the text states one."""
    detected = parsed.metadata.doc_type
    if doc_type and doc_type != DocumentType.OTHER:
        return doc_type
    if detected and detected != DocumentType.OTHER:
        return detected
    return doc_type or DocumentType.OTHER


def _set_detected_details(doc: Document, parsed: ParsedDocument, *, keep_existing: bool) -> list[str]:
    """The masthead's facts (issue date, original language, job number) on ``doc``; the fields set.

    A text without a masthead says nothing about them, so what the document had stays; on a
    re-parse, what a librarian may have corrected stays too (``keep_existing``).
    """
    meta = parsed.metadata
    changed = []
    for name in ("issued_on", "original_language", "job_number"):
        value = getattr(meta, name)
        if value and (not keep_existing or not getattr(doc, name)) and getattr(doc, name) != value:
            setattr(doc, name, value)
            changed.append(name)
    return changed


def _find_existing(symbol: str | None, digest: str) -> Document | None:
    if symbol:
        doc = Document.objects.filter(symbol=symbol).first()
        if doc is None:
            alias = SymbolAlias.objects.select_related("document").filter(symbol=symbol).first()
            doc = alias.document if alias else None
        return doc
    # Without a symbol the only identity we have is the text itself.
    return Document.objects.filter(source_sha256=digest).first()


def _parse_checked(raw_text: str, max_chars: int | None, language: str = Language.ZH) -> ParsedDocument:
    check_text(raw_text, max_chars=max_chars)
    parsed = parse(raw_text, language)
    if not parsed.blocks:
        raise IngestError(_("没有从文本中识别出任何段落。"))
    return parsed


class DuplicateText(IngestError):
    """The text is already held, identical after cleaning, under another symbol (or none)."""

    def __init__(self, message: str, holder: Document) -> None:
        super().__init__(message)
        self.holder = holder


def duplicate_text_holder(fingerprint: str, digest: str = "", exclude: Document | None = None) -> Document | None:
    """The document already holding this text (same fingerprint, or same raw text), other than ``exclude``."""
    same = Q(text_fingerprint=fingerprint) | Q(source_sha256=digest) if digest else Q(text_fingerprint=fingerprint)
    held = Document.objects.with_text().filter(same).defer("raw_text").order_by("pk")
    if exclude is not None and exclude.pk is not None:
        held = held.exclude(pk=exclude.pk)
    return held.first()


def _refuse_duplicate_text(fingerprint: str, digest: str, doc: Document | None) -> None:
    holder = duplicate_text_holder(fingerprint, digest, exclude=doc)
    if holder is not None:
        raise DuplicateText(
            _(
                "这份文本与已收录的 %(holder)s 相同（清理后逐字一致），没有导入。"
                "如果它确是以另一文号重新印发的同一文件，请确认为重发后再导入。"
            )
            % {"holder": holder.symbol or _("无文号文件 %(id)s") % {"id": holder.public_id}},
            holder,
        )


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
    reissue: bool = False,
) -> ImportResult:
    """Parse and store one document in a single transaction; raise IngestError and change nothing on bad input.

    ``symbol``/``date``/``title``/``doc_type`` override what the parser detected.  Re-importing the same
    text is a no-op; different text under an existing symbol needs ``replace=True``, which keeps the
    anchors of blocks that still exist and retires (but keeps resolvable) those that do not.  A text
    already held under another symbol (identical after cleaning) raises :class:`DuplicateText`
    unless ``reissue=True`` confirms it is a reissue.
    """
    parsed = _parse_checked(raw_text, max_chars)
    symbol, date, title, doc_type = _resolve_metadata(parsed, symbol, date, title, doc_type)
    digest = sha256(raw_text)
    fingerprint = parsed_fingerprint(parsed)

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
        if not reissue:
            _refuse_duplicate_text(fingerprint, digest, doc)
        outcome = Outcome.REPLACED if doc is not None and doc.has_text else Outcome.CREATED
        if doc is None:
            doc = Document()
        doc.symbol = symbol or doc.symbol
        doc.title, doc.date, doc.doc_type, doc.status = title, date, doc_type, status
        _set_detected_details(doc, parsed, keep_existing=False)
        doc.raw_text, doc.source_sha256 = raw_text, digest
        doc.text_fingerprint = fingerprint
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
        fields = set(_set_detected_details(doc, parsed, keep_existing=True))
        # A newer parser may clean the text differently: the duplicate check must compare like with like.
        if (fingerprint := parsed_fingerprint(parsed)) != doc.text_fingerprint:
            doc.text_fingerprint = fingerprint
            fields.add("text_fingerprint")
        if fields:
            doc.save(update_fields=fields)
        store_parsed(doc, parsed)
        _notify([doc.pk])
    return parsed


def _existing_blocks(doc: Document, stored: Sequence[Paragraph], language: str = Language.ZH) -> list[ExistingBlock]:
    """The blocks of one language a new parse may inherit anchors from: the stored ones, then their earlier texts.

    A librarian's correction can change a block beyond recognition; its earlier texts (from its
    history, including the parser's own) still match what a re-parse produces, so the block keeps
    its anchor.  Current texts come first so they win when both match.
    """
    blocks = [ExistingBlock(p.anchor, p.kind, p.text) for p in stored]
    if doc.pk is None or not stored:
        return blocks
    current = {(b.anchor, b.text) for b in blocks}
    earlier = (
        Paragraph.history.filter(document_id=doc.pk, language=language)
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


def store_parsed(doc: Document, parsed: ParsedDocument, anchors: Sequence[str] | None = None) -> None:
    """Write blocks, footnotes, citations and abbreviations of ``parsed`` for ``doc`` (inside a transaction).

    Only the blocks and footnotes of ``parsed.language`` are touched: re-importing the Chinese text
    leaves the English version as it is, and the other way round.  ``anchors`` (one per block) are
    the version's pairing (:func:`archive.ingest.align.align`); without them, the Chinese text's own
    anchors are assigned, inheriting those of the blocks it continues.
    """
    language = parsed.language
    old = {p.anchor: p for p in doc.paragraphs.filter(language=language)}
    if anchors is None:
        anchors = assign_anchors(parsed.blocks, _existing_blocks(doc, list(old.values()), language))
    # Delete by explicit ids, not through a join: PostgreSQL plans a join-delete on a freshly
    # loaded (unanalysed) table as nested sequential scans, which took seconds per document.
    old_ids = [p.pk for p in old.values()]
    old_footnote_ids = list(doc.footnotes.filter(language=language).values_list("pk", flat=True))
    if old_ids:
        Citation.objects.filter(paragraph_id__in=old_ids).delete()
        FootnoteReference.objects.filter(paragraph_id__in=old_ids).delete()
    if old_footnote_ids:
        Citation.objects.filter(footnote_id__in=old_footnote_ids).delete()

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
            "section": block.section,
            "page": block.page,
            "text": block.text,
            "is_current": True,
        }
        p = old.pop(anchor, None)
        if p is None:
            p = Paragraph(document=doc, language=language, anchor=anchor, position=position, **content)
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
    _save_rows(Paragraph, created, changed, moved, ["kind", "number", "label", "section", "page", "text", "is_current"])

    # Footnotes keep their rows (and so their history) by anchor, like blocks.
    old_notes = {f.anchor: f for f in doc.footnotes.filter(language=language)}
    fn_rows: list[Footnote] = []
    fn_created: list[Footnote] = []
    fn_changed: list[Footnote] = []
    fn_moved: list[Footnote] = []
    for position, (fn, anchor) in enumerate(zip(parsed.footnotes, footnote_anchors(parsed.footnotes), strict=True)):
        row = old_notes.pop(anchor, None)
        if row is None:
            row = Footnote(
                document=doc,
                language=language,
                number=fn.number,
                position=position,
                text=fn.text,
                page=fn.page,
                anchor=anchor,
            )
            fn_created.append(row)
        elif _assign(row, {"number": fn.number, "text": fn.text, "page": fn.page}):
            row.position = position
            fn_changed.append(row)
        elif _assign(row, {"position": position}):
            fn_moved.append(row)
        fn_rows.append(row)
    if old_notes:
        # Footnotes have no permanent public URL of their own beyond the page anchor; deleting them
        # one by one (not a raw bulk delete) records the deletion in their history.
        Footnote.objects.filter(pk__in=[f.pk for f in old_notes.values()]).delete()
    _save_rows(Footnote, fn_created, fn_changed, fn_moved, ["number", "text", "page"])

    footnotes: dict[str, Footnote] = {}
    for row in fn_rows:
        footnotes.setdefault(row.number, row)
    FootnoteReference.objects.bulk_create(
        FootnoteReference(paragraph=p, footnote=footnotes[ref.number], offset=ref.position)
        for p, block in zip(paragraphs, parsed.blocks, strict=True)
        for ref in block.footnote_refs
        if ref.number in footnotes
    )

    matches = [(m, p, None) for p, block in zip(paragraphs, parsed.blocks, strict=True) for m in block.citations]
    matches += [(m, None, row) for row, fn in zip(fn_rows, parsed.footnotes, strict=True) for m in fn.citations]
    _store_citations(doc, matches)

    for abbr in parsed.abbreviations:
        Abbreviation.objects.get_or_create(full=abbr.full, short=abbr.short, defaults={"source": doc})


def _store_citations(doc: Document, matches: Sequence[tuple[CitationMatch, Paragraph | None, Footnote | None]]) -> None:
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
    """The Document for every cited symbol, creating a text-less hub where the archive has none.

    A corrigendum, revision or addendum is a symbol of its own (``S/2022/892/Corr.1``) and gets a hub
    of its own, which links to its parent's page (``DocumentQuerySet.supplements_of``), so the
    acquisition list can ask for it too.
    """
    wanted = {s for s in symbols if s and s != exclude.symbol}
    found = _documents_for(wanted)
    missing = wanted - found.keys()
    hubs = bulk_create_with_history(
        [
            Document(
                symbol=s,
                symbol_sort_key=symbol_sort_key(s),
                doc_type=doc_type_for_symbol(s),
                status=DocumentStatus.PUBLISHED,
            )
            for s in sorted(missing)
        ],
        Document,
    )
    found.update({d.symbol: d for d in hubs})
    return found


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
