"""What an import or re-parse would do, computed without writing anything.

One :class:`Preview` feeds both the admin's preview (``templates/admin/archive/document/_preview.html``)
and ``manage.py check_import``: the detected metadata (:meth:`Preview.facts`), the blocks and their
counts by kind, the footnotes, the citations with their pin-points and where their links land, and
every warning.  Neither formats facts of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from archive.models import (
    Abbreviation,
    BlockKind,
    CitationKind,
    Document,
    DocumentType,
    Language,
    Paragraph,
)

from .. import parse
from ..anchors import assign_anchors, footnote_markers
from ..errors import IngestError
from ..pinpoints import canonical_anchor, first_anchor
from ..types import Block, Metadata, ParsedDocument
from .importing import (
    Outcome,
    _check_doc_type,
    _documents_for,
    _existing_blocks,
    _find_existing,
    _parse_checked,
    _resolve_symbol,
    chosen_doc_type,
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


_TARGET_LABELS = {
    CitationTarget.TEXT: _lazy("本库有原文"),
    CitationTarget.HUB: _lazy("本库只有引用页"),
    CitationTarget.NEW: _lazy("本库没有（将新建引用页）"),
}


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
    section: str = ""  # "" main body, "annex1", "enclosure1"…
    page: int | None = None  # official page where the block starts; None: the text gives no evidence

    @property
    def kind_label(self) -> str:
        return str(dict(BlockKind.choices).get(self.kind, self.kind))


@dataclass(frozen=True)
class PreviewFootnote:
    number: str
    anchor: str
    text: str
    page: int | None = None
    # Anchors of the blocks whose markers point at this footnote (none: its marker was not found).
    marked_in: tuple[str, ...] = ()


@dataclass(frozen=True)
class PreviewCitation:
    symbol: str
    kind: str
    text: str
    pinpoint: str
    location: str  # the anchor of the block or footnote it stands in
    target: CitationTarget
    # Where the link lands in the cited document ("p4", "annex1-p2"); "" for the document itself.
    lands_on: str = ""
    # Whether the cited document (held with its text) has that paragraph; None when it cannot be known.
    paragraph_found: bool | None = None

    @property
    def resolves(self) -> bool:
        return self.target == CitationTarget.TEXT

    @property
    def kind_label(self) -> str:
        return str(dict(CitationKind.choices).get(self.kind, self.kind))

    @property
    def target_label(self) -> str:
        return str(_TARGET_LABELS[self.target])


@dataclass(frozen=True)
class Fact:
    """One line of what the preview says about the document: a label and its value ("" = not found)."""

    label: str
    value: str
    # What the text itself says, when the value stored differs from it (a librarian's correction).
    detected: str = ""


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

    def facts(self) -> list[Fact]:
        """The metadata the import would store, each with what the text said when that differs."""
        meta = self.detected
        languages = dict(Language.choices)
        types = dict(DocumentType.choices)

        def day(value: dt.date | None) -> str:
            return value.isoformat() if value else ""

        def fact(label: str, value: str, detected: str) -> Fact:
            return Fact(label, value, detected if detected != value else "")

        return [
            fact(_("文号"), self.symbol or "", meta.symbol or ""),
            fact(_("日期"), day(self.date), day(meta.date)),
            fact(_("印发日期"), day(meta.issued_on), day(meta.issued_on)),
            fact(_("原文语种"), str(languages.get(meta.original_language or "", "")), ""),
            fact(_("文件类型"), str(types.get(self.doc_type, self.doc_type)), str(types.get(meta.doc_type or "", ""))),
            fact(_("标题"), self.title, meta.title or ""),
            fact(_("作业编号"), meta.job_number or "", ""),
        ]

    def block_counts(self) -> list[tuple[str, int]]:
        """(kind label, number of blocks) for every kind present, in the kinds' order."""
        counts: dict[str, int] = {}
        for block in self.blocks:
            counts[block.kind] = counts.get(block.kind, 0) + 1
        return [(str(label), counts[value]) for value, label in BlockKind.choices if value in counts]

    @property
    def has_pages(self) -> bool:
        return any(b.page is not None for b in self.blocks)


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
        doc_type=chosen_doc_type(doc_type, parsed),
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
    anchors: Sequence[str] | None = None,
    stored: Sequence[Paragraph] | None = None,
) -> Preview:
    """The preview of ``parsed`` against what ``existing`` holds in its language.

    A version passes its own ``anchors`` (its pairing with the Chinese text) and ``stored`` blocks.
    """
    if stored is None:
        stored = list(existing.paragraphs.in_language(Language.ZH)) if existing is not None else []
    if anchors is None:
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
            section=block.section,
            page=block.page,
        )
        for i, (block, anchor) in enumerate(zip(parsed.blocks, anchors, strict=True), start=1)
    ]
    fn_anchors = footnote_anchors(parsed.footnotes)
    marked = footnote_markers(parsed.blocks, anchors)
    footnotes = [
        PreviewFootnote(
            number=fn.number, anchor=anchor, text=fn.text, page=fn.page, marked_in=tuple(marked.get(fn.number, ()))
        )
        for fn, anchor in zip(parsed.footnotes, fn_anchors, strict=True)
    ]

    located = [(m, anchor) for block, anchor in zip(parsed.blocks, anchors, strict=True) for m in block.citations]
    located += [(m, anchor) for fn, anchor in zip(parsed.footnotes, fn_anchors, strict=True) for m in fn.citations]
    known = _documents_for({m.symbol for m, _a in located})
    own = set(anchors) | _canonical_names(parsed.blocks, anchors)

    def target(cited: str) -> CitationTarget:
        if symbol and cited == symbol:
            return CitationTarget.TEXT  # the document cites itself: it is the text being imported
        doc = known.get(cited)
        if doc is None:
            return CitationTarget.NEW
        return CitationTarget.TEXT if doc.has_text else CitationTarget.HUB

    landings = _stored_anchors(
        {
            known[m.symbol].pk
            for m, _a in located
            if m.symbol in known and m.symbol != symbol and first_anchor(m.pinpoint)
        }
    )

    def found(cited: str, lands_on: str) -> bool | None:
        if not lands_on:
            return None
        if symbol and cited == symbol:
            return lands_on in own
        doc = known.get(cited)
        if doc is None or not doc.has_text:
            return None
        return lands_on in landings.get(doc.pk, set())

    citations = []
    for m, anchor in located:
        lands_on = first_anchor(m.pinpoint) or ""
        citations.append(
            PreviewCitation(
                symbol=m.symbol,
                kind=m.kind,
                text=m.text,
                pinpoint=m.pinpoint or "",
                location=anchor,
                target=target(m.symbol),
                lands_on=lands_on,
                paragraph_found=found(m.symbol, lands_on),
            )
        )

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


def _canonical_names(blocks: Sequence[Block], anchors: Sequence[str]) -> set[str]:
    """The canonical names ("annex1-p2", "pp3") of numbered blocks, which pages answer to as well."""
    names = set()
    for block, anchor in zip(blocks, anchors, strict=True):
        if block.number and block.kind in (BlockKind.PARAGRAPH, BlockKind.PREAMBULAR):
            section = "preamble" if block.kind == BlockKind.PREAMBULAR and not block.section else block.section
            names.add(canonical_anchor(section, block.number))
        names.add(anchor)
    return names


def _stored_anchors(document_ids: set[int]) -> dict[int, set[str]]:
    """Every anchor, and canonical name, of the current blocks of these documents (one query)."""
    found: dict[int, set[str]] = {}
    if not document_ids:
        return found
    # Anchors are shared by every language; the Chinese blocks are the document's own.
    rows = Paragraph.objects.current().in_language(Language.ZH).filter(document_id__in=document_ids)
    for doc_id, anchor, kind, number, section in rows.values_list("document_id", "anchor", "kind", "number", "section"):
        names = found.setdefault(doc_id, set())
        names.add(anchor)
        if number and kind in (BlockKind.PARAGRAPH, BlockKind.PREAMBULAR):
            names.add(canonical_anchor("preamble" if kind == BlockKind.PREAMBULAR and not section else section, number))
    return found
