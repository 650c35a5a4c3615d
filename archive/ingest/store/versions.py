"""Adding a text in another language to a document held: the English original beside the Chinese text.

A document (one symbol, one permanent URL) holds its Chinese text itself and every other language as
one :class:`~archive.models.TextVersion` with blocks and footnotes of that language.  A version's
block shares the anchor of the Chinese block it is paired with (``#p12`` is paragraph 12 in both),
so storing a version is: parse it in its language, pair it with the Chinese text's current blocks
(:mod:`archive.ingest.align`), write it in one transaction.

* Identical text with the same pairing is a no-op; the same text with a corrected pairing stores the
  pairing (``Outcome.REALIGNED``); a different text needs ``replace``, which keeps the anchors of the
  blocks that continue stored ones (the pairings a librarian corrected included) and retires the rest.
* Only the version's language is touched: the Chinese text, its anchors and its citations stay.
* A version needs a document with a Chinese text (not a citation hub); its masthead must name the
  document's symbol.  Whatever is refused raises IngestError and changes nothing.
* Every change renews the document's rendering stamp, so cached reading pages refresh.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.models import Document, FootnoteReference, Language, Paragraph, TextVersion
from archive.models.documents import new_render_version

from ..align import Alignment, Basis, Counterpart, align, choice_problems
from ..errors import IngestError
from ..languages import profile_for
from ..plausible import TITLE_MAX, title_problem
from ..types import ParsedDocument
from .importing import (
    Outcome,
    _documents_for,
    _notify,
    _parse_checked,
    _set_detected_details,
    clean_symbol,
    footnote_anchors,
    sha256,
    store_parsed,
)
from .preview import Preview, PreviewBlock, _build_preview

__all__ = [
    "PairRow",
    "VersionPreview",
    "VersionResult",
    "document_for_version",
    "import_version",
    "preview_version",
    "version_document",
]


@dataclass(frozen=True)
class _Earlier:
    """A block the version held before (current, retired, or an earlier text from history)."""

    anchor: str
    kind: str
    number: str
    label: str
    section: str
    text: str


@dataclass(frozen=True)
class PairRow:
    """One row of the pairing table: a Chinese block beside its partner in the version (either may be None)."""

    chinese: Counterpart | None
    block: PreviewBlock | None
    basis: Basis | None
    # The version's block keeps an anchor whose Chinese block is no longer in the current text.
    partner: str = ""


@dataclass
class VersionPreview(Preview):
    """What storing a version would do: the usual preview facts, and the pairing with the Chinese text."""

    language: str = Language.EN
    alignment: Alignment | None = None
    rows: list[PairRow] = field(default_factory=list)
    chinese: list[Counterpart] = field(default_factory=list)
    version: TextVersion | None = None

    @property
    def paired_count(self) -> int:
        return self.alignment.paired_count if self.alignment else 0

    @property
    def unpaired_count(self) -> int:
        return len(self.blocks) - self.paired_count

    @property
    def unpaired_chinese(self) -> list[str]:
        return self.alignment.unpaired if self.alignment else []

    @property
    def partners(self) -> dict[int, str | None]:
        """The partner of every block (by index from 0), as a choice the librarian can send back."""
        return {p.index: p.partner for p in self.alignment.pairs} if self.alignment else {}


@dataclass
class VersionResult:
    document: Document
    version: TextVersion
    outcome: Outcome
    parsed: ParsedDocument
    alignment: Alignment
    # What the librarian should check: the parser's, the masthead's and the pairing's notes.
    warnings: list[str] = field(default_factory=list)


def _check_document(doc: Document, language: str) -> None:
    if language == Language.ZH:
        raise IngestError(_("中文本是文件本身的文本，请用“添加文件”导入或替换。"))
    profile_for(language)
    if not doc.has_text:
        raise IngestError(
            _("%(label)s 是只有引用、没有中文原文的文号页面：请先导入它的中文本，再添加其他语文本。")
            % {"label": doc.url_key}
        )


def _same_symbol(printed: str, held: str) -> bool:
    # A joint document's masthead names both symbols ("A/77/631-S/2022/935"); either part is the document.
    return printed == held or held in printed.split("-") or printed in held.split("-")


def _symbol_warnings(doc: Document, parsed: ParsedDocument) -> list[str]:
    """Refuse a text whose masthead names another document; a symbol-less document only gets a note."""
    printed = parsed.metadata.symbol
    if not printed:
        return []
    if doc.symbol and not _same_symbol(printed, doc.symbol):
        raise IngestError(
            _("这份文本刊头的文号是 %(printed)s，而这份文件的文号是 %(held)s：不是同一份文件的文本，没有保存。")
            % {"printed": printed, "held": doc.symbol}
        )
    if not doc.symbol:
        return [_("这份文本刊头印有文号 %(printed)s，而文件本身还没有文号；可在文件页面补上。") % {"printed": printed}]
    return []


def chinese_counterparts(doc: Document) -> tuple[list[Counterpart], list[str]]:
    """The document's current Chinese blocks, in reading order, and its Chinese footnotes' anchors (3 queries)."""
    refs = FootnoteReference.objects.select_related("footnote").order_by("offset")
    blocks = (
        doc.paragraphs.in_language(Language.ZH)
        .current()
        .in_reading_order()
        .prefetch_related(Prefetch("footnote_refs", queryset=refs))
    )
    counterparts = [
        Counterpart(
            p.anchor,
            p.kind,
            p.number,
            p.label,
            p.section,
            p.text,
            tuple(r.footnote.number for r in p.footnote_refs.all()),
        )
        for p in blocks
    ]
    notes = list(doc.footnotes.filter(language=Language.ZH).order_by("position").values_list("anchor", flat=True))
    return counterparts, notes


def _stored(doc: Document, language: str) -> tuple[list[Paragraph], list[_Earlier], int, set[str]]:
    """The version's stored blocks (current first, in order), what re-imports may continue, and every anchor used."""
    rows = sorted(doc.paragraphs.filter(language=language), key=lambda p: (not p.is_current, p.position))
    earlier = [_Earlier(p.anchor, p.kind, p.number, p.label, p.section, p.text) for p in rows]
    current = sum(1 for p in rows if p.is_current)
    seen = {(e.anchor, e.text) for e in earlier}
    history = (
        Paragraph.history.filter(document_id=doc.pk, language=language)
        .order_by()
        .values_list("anchor", "kind", "number", "label", "section", "text")
        .distinct()
    )
    for anchor, kind, number, label, section, text in history:
        if (anchor, text) not in seen:
            seen.add((anchor, text))
            earlier.append(_Earlier(anchor, kind, number, label, section, text))
    return rows, earlier, current, {e.anchor for e in earlier}


def _aligned(
    doc: Document,
    parsed: ParsedDocument,
    chosen: Mapping[int, str | None],
    chinese: Sequence[Counterpart],
    notes: Sequence[str],
) -> tuple[Alignment, list[Paragraph]]:
    rows, earlier, current, used = _stored(doc, parsed.language)
    alignment = align(
        parsed.blocks,
        [[r.number for r in b.footnote_refs] for b in parsed.blocks],
        footnote_anchors(parsed.footnotes),
        chinese,
        notes,
        earlier=earlier,
        earlier_anchors=[e.anchor for e in earlier],
        earlier_current=current,
        used_anchors=used,
        chosen=chosen,
    )
    return alignment, rows


def _outcome(version: TextVersion | None, digest: str, alignment: Alignment, rows: Sequence[Paragraph]) -> Outcome:
    if version is None:
        return Outcome.CREATED
    if version.source_sha256 != digest:
        return Outcome.REPLACED
    return Outcome.UNCHANGED if alignment.anchors == [p.anchor for p in rows if p.is_current] else Outcome.REALIGNED


def _valid_choices(
    doc: Document, language: str, chosen: Mapping[int, str | None] | None, chinese: Sequence[Counterpart], count: int
) -> dict[int, str]:
    """Problems with the librarian's choices, by English index (blocks past the text's end are ignored)."""
    if not chosen:
        return {}
    held = doc.paragraphs.filter(language=language).values_list("anchor", flat=True)
    return choice_problems({i: a for i, a in chosen.items() if 0 <= i < count}, chinese, held)


def preview_version(
    doc: Document,
    raw_text: str,
    language: str = Language.EN,
    *,
    pairs: Mapping[int, str | None] | None = None,
    title: str | None = None,
    max_chars: int | None = None,
) -> VersionPreview:
    """What :func:`import_version` would store, with ``pairs`` (English index → Chinese anchor or None) as chosen.

    Raise IngestError when the document cannot have a version or the text is unusable.  A masthead
    naming another document, or a choice that cannot be taken, is reported in ``problems``
    ("symbol", "pair-<n>" from 1) so the librarian sees it beside the rest.
    """
    _check_document(doc, language)
    parsed = _parse_checked(raw_text, max_chars, language)
    problems: dict[str, str] = {}
    warnings = list(parsed.warnings)
    try:
        warnings += _symbol_warnings(doc, parsed)
    except IngestError as exc:
        problems["symbol"] = str(exc)
    chinese, notes = chinese_counterparts(doc)
    refused = _valid_choices(doc, language, pairs, chinese, len(parsed.blocks))
    problems.update({f"pair-{i + 1}": message for i, message in refused.items()})
    chosen = {i: a for i, a in (pairs or {}).items() if i not in refused and 0 <= i < len(parsed.blocks)}
    alignment, rows = _aligned(doc, parsed, chosen, chinese, notes)
    version = doc.versions.filter(language=language).first()
    meta = parsed.metadata
    base = _build_preview(
        parsed,
        symbol=doc.symbol,
        date=meta.date,
        title=(title if title is not None else meta.title or "")[:TITLE_MAX],
        doc_type=meta.doc_type or doc.doc_type,
        existing=doc,
        outcome=_outcome(version, sha256(raw_text), alignment, rows),
        warnings=warnings + alignment.warnings,
        problems=problems,
        anchors=alignment.anchors,
        stored=rows,
    )
    return VersionPreview(
        **{f: getattr(base, f) for f in Preview.__dataclass_fields__},
        language=language,
        alignment=alignment,
        rows=_rows(base.blocks, alignment, chinese),
        chinese=chinese,
        version=version,
    )


def _rows(blocks: Sequence[PreviewBlock], alignment: Alignment, chinese: Sequence[Counterpart]) -> list[PairRow]:
    """Each Chinese block beside its partner, in reading order; a block without partner on a row of its own."""
    position = {c.anchor: j for j, c in enumerate(chinese)}
    partnered = {p.partner for p in alignment.pairs if p.partner in position}
    rows: list[PairRow] = []
    shown = 0  # the Chinese blocks before this one are on the table already

    def alone_until(stop: int) -> None:
        nonlocal shown
        for j in range(shown, stop):
            if chinese[j].anchor not in partnered:
                rows.append(PairRow(chinese[j], None, None))
        shown = max(shown, stop)

    for block, pair in zip(blocks, alignment.pairs, strict=True):
        if pair.partner in position:
            j = position[pair.partner]
            alone_until(j)
            shown = max(shown, j + 1)
            rows.append(PairRow(chinese[j], block, pair.basis))
        else:
            rows.append(PairRow(None, block, pair.basis, partner=pair.partner or ""))
    alone_until(len(chinese))
    return rows


def import_version(
    doc: Document,
    raw_text: str,
    language: str = Language.EN,
    *,
    pairs: Mapping[int, str | None] | None = None,
    replace: bool = False,
    title: str | None = None,
    max_chars: int | None = None,
) -> VersionResult:
    """Store ``raw_text`` as ``doc``'s text in ``language``, paired with its Chinese text, in one transaction.

    ``pairs`` are the librarian's partners (English index → Chinese anchor, or None for none); the rest
    is paired as :func:`archive.ingest.align.align` proposes.  Raise IngestError and change nothing
    on a text that cannot be stored.
    """
    _check_document(doc, language)
    parsed = _parse_checked(raw_text, max_chars, language)
    notes = parsed.warnings + _symbol_warnings(doc, parsed)
    digest = sha256(raw_text)
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=doc.pk)
        chinese, chinese_notes = chinese_counterparts(doc)
        refused = _valid_choices(doc, language, pairs, chinese, len(parsed.blocks))
        if refused:
            raise IngestError(
                " ".join(
                    _("英文第 %(n)d 个文本块：%(problem)s") % {"n": i + 1, "problem": p} for i, p in refused.items()
                )
            )
        version = doc.versions.filter(language=language).first()
        if version is not None and version.source_sha256 != digest and not replace:
            raise IngestError(
                _("%(label)s 已有%(language)s本，文字不同；确认替换时请使用 --replace。")
                % {"label": doc.url_key, "language": Language(language).label}
            )
        chosen = {i: a for i, a in (pairs or {}).items() if 0 <= i < len(parsed.blocks)}
        alignment, rows = _aligned(doc, parsed, chosen, chinese, chinese_notes)
        outcome = _outcome(version, digest, alignment, rows)
        notes += alignment.warnings
        problem = title_problem(title)
        if problem:
            raise IngestError(problem)
        new_title = (title if title is not None else parsed.metadata.title or "")[:TITLE_MAX]
        if version is not None and outcome == Outcome.UNCHANGED:
            if new_title == version.title:
                return VersionResult(doc, version, outcome, parsed, alignment, notes)
            outcome = Outcome.REPLACED  # the same text under a corrected title
        version = version or TextVersion(document=doc, language=language)
        version.title, version.raw_text, version.source_sha256 = new_title, raw_text, digest
        version.save()
        store_parsed(doc, parsed, alignment.anchors)
        _renew(doc, parsed)
        _notify([doc.pk])
    return VersionResult(doc, version, outcome, parsed, alignment, notes)


def _renew(doc: Document, parsed: ParsedDocument) -> None:
    """The document's rendering stamp renewed; the masthead facts it lacks (original language…) filled in."""
    details = _set_detected_details(doc, parsed, keep_existing=True)
    if details:
        doc.save(update_fields=[*details, "updated_at"])  # recorded in the document's history
        return
    doc.updated_at, doc.render_version = timezone.now(), new_render_version()
    Document.objects.filter(pk=doc.pk).update(updated_at=doc.updated_at, render_version=doc.render_version)


def document_for_version(symbol: str | None, parsed_symbol: str | None = None, *, public_id: str = "") -> Document:
    """The document a version is for: the one ``symbol`` names (or an old symbol of it), else the masthead's.

    ``public_id`` names a document that has no symbol yet.
    """
    if public_id:
        doc = Document.objects.filter(public_id=public_id.strip()).first()
        if doc is None:
            raise IngestError(_("本库没有永久编号为 %(id)s 的文件。") % {"id": public_id})
        return doc
    wanted = clean_symbol(symbol) if symbol else parsed_symbol
    if not wanted:
        raise IngestError(_("文本刊头没有文号：请用 --symbol 指明这是哪份文件的文本。"))
    doc = _documents_for({wanted}).get(wanted)
    if doc is None:
        raise IngestError(_("本库没有文号为 %(symbol)s 的文件：请先导入它的中文本。") % {"symbol": wanted})
    return doc


def version_document(
    raw_text: str, language: str, symbol: str | None = None, *, public_id: str = "", max_chars: int | None = None
) -> Document:
    """The document ``raw_text`` is a version of: named by ``symbol`` or ``public_id``, else by its masthead."""
    printed = None
    if not symbol and not public_id:
        printed = _parse_checked(raw_text, max_chars, language).metadata.symbol
    return document_for_version(symbol, printed, public_id=public_id)
