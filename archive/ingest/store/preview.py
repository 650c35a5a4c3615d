"""What an import or re-parse would do, computed without writing anything."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _

from archive.models import (
    Abbreviation,
    Document,
    DocumentType,
)

from .. import parse
from ..anchors import assign_anchors
from ..errors import IngestError
from ..types import Metadata, ParsedDocument
from .importing import (
    Outcome,
    _check_doc_type,
    _documents_for,
    _existing_blocks,
    _find_existing,
    _parse_checked,
    _resolve_symbol,
    footnote_anchors,
    sha256,
)


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
    warnings = list(parsed.warnings)
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
        warnings=list(parsed.warnings),
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
