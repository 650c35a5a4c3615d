"""Plain-dict representations of archive objects for the JSON API (ISO dates, absolute URLs)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpRequest

from archive.labels import citation_line, footnote_locator, locator, version_line, version_place
from archive.models import Citation, Document, Footnote, Language, Paragraph, TextVersion
from archive.views.versions import PARALLEL


def document_summary(doc: Document, request: HttpRequest) -> dict[str, Any]:
    return {
        "symbol": doc.symbol,
        "id": doc.public_id,
        "title": doc.title,
        "date": doc.date.isoformat() if doc.date else None,
        "issued_on": doc.issued_on.isoformat() if doc.issued_on else None,
        "original_language": doc.original_language or None,
        "doc_type": doc.doc_type,
        "url": request.build_absolute_uri(doc.get_absolute_url()),
        "api_url": request.build_absolute_uri(doc.get_api_url()),
    }


def citation_data(c: Citation, request: HttpRequest) -> dict[str, Any]:
    return {
        "symbol": c.cited_symbol,
        "pinpoint": c.pinpoint or None,
        "text": c.matched_text,
        "url": request.build_absolute_uri(c.target_url()),
    }


def paragraph_data(p: Paragraph, request: HttpRequest, cited_by_count: int | None = None) -> dict[str, Any]:
    """One block; ``cited_by_count`` (places citing it by pin-point) where the caller counted them."""
    data = {
        "anchor": p.anchor,
        "kind": p.kind,
        "section": p.section or None,
        "number": p.number or None,
        "label": p.label or None,
        "page": p.page,
        "locator": locator(p),
        "citation": citation_line(p),
        "text": p.text,
        "url": request.build_absolute_uri(p.get_permalink()),
        "footnote_refs": [r.footnote.number for r in p.footnote_refs.all()],
        "citations": [citation_data(c, request) for c in p.citations.all()],
    }
    if cited_by_count is not None:
        data["cited_by_count"] = cited_by_count
    return data


def footnote_data(f: Footnote, request: HttpRequest) -> dict[str, Any]:
    return {
        "anchor": f.anchor,
        "number": f.number,
        "page": f.page,
        "locator": footnote_locator(f),
        "text": f.text,
        "citations": [citation_data(c, request) for c in f.citations.all()],
    }


def _version_block(block: Paragraph | Footnote, data: dict[str, Any], title: str, paired: bool) -> dict[str, Any]:
    """A version's block or footnote: the Chinese fields, named and cited in the version's language,
    and whether it is paired (a Chinese block or footnote shares its anchor)."""
    return {**data, "locator": version_place(block), "citation": version_line(block, title), "paired": paired}


def versions_data(
    doc: Document,
    versions: Iterable[TextVersion],
    blocks: Sequence[Paragraph],
    footnotes: Sequence[Footnote],
    request: HttpRequest,
) -> list[dict[str, Any]]:
    """Every language version of ``doc`` beside its Chinese text, from blocks and footnotes of every
    language: its title, whether it is the original, and its blocks with their pairing (ISSUE15's data
    contract: a block paired with a Chinese one has the Chinese block's anchor)."""
    chinese = {p.anchor for p in blocks if p.language == Language.ZH}
    chinese_notes = {f.anchor for f in footnotes if f.language == Language.ZH}
    out = []
    for version in versions:
        rows = [p for p in blocks if p.language == version.language]
        notes = [f for f in footnotes if f.language == version.language]
        for row in (*rows, *notes):
            row.document = doc
        out.append(
            {
                "language": version.language,
                "title": version.title or None,
                "is_original": doc.original_language == version.language,
                "url": request.build_absolute_uri(f"{doc.get_absolute_url()}?view={PARALLEL}"),
                "paragraphs": [
                    _version_block(p, paragraph_data(p, request), version.title, p.anchor in chinese) for p in rows
                ],
                "footnotes": [
                    _version_block(f, footnote_data(f, request), version.title, f.anchor in chinese_notes)
                    for f in notes
                ],
            }
        )
    return out


def cited_by_data(c: Citation, request: HttpRequest) -> dict[str, Any]:
    """Where another document cites this one: the citing paragraph, or the footnote in which it cites."""
    source = c.paragraph or c.footnote
    url = c.paragraph.get_permalink() if c.paragraph else c.footnote.get_absolute_url()
    return {
        "symbol": source.document.symbol,
        "id": source.document.public_id,
        "anchor": source.anchor,
        "citation": citation_line(source),
        "pinpoint": c.pinpoint or None,
        "url": request.build_absolute_uri(url),
    }


def document_text_data(
    doc: Document,
    versions: Iterable[TextVersion],
    blocks: Sequence[Paragraph],
    footnotes: Sequence[Footnote],
    request: HttpRequest,
    counts: Iterable[int] | None = None,
) -> dict[str, Any]:
    """The document with its Chinese blocks and footnotes (as they always were) and its other language
    versions beside them, from blocks and footnotes of every language (``counts``: how many places cite
    each Chinese block, in order)."""
    data = document_summary(doc, request)
    data["has_text"] = doc.has_text
    if not doc.has_text:
        # A hub has no text, and a draft filling one (shown to readers as the hub) shows none of its own.
        versions, blocks, footnotes, counts = [], [], [], None
    data["official_url"] = doc.official_url() or None
    data["language"] = Language.ZH
    rows = [p for p in blocks if p.language == Language.ZH]
    per_block = list(counts) if counts is not None else [None] * len(rows)
    data["paragraphs"] = [paragraph_data(p, request, n) for p, n in zip(rows, per_block, strict=True)]
    data["footnotes"] = [footnote_data(f, request) for f in footnotes if f.language == Language.ZH]
    data["versions"] = versions_data(doc, versions, blocks, footnotes, request)
    return data
