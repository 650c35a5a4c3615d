"""Archives at the sizes that broke pages: one document cited 50,000 times, one citing 1,500 resolutions.

Rows are written with ``bulk_create`` (the importer would take minutes for what these shapes need);
every row is one the importer could have written: published documents with numbered paragraphs,
each citing with a pin-point, targets resolved.  The texts are invented.  Used by the tests of
bounded pages (``tests/test_bounded_pages.py``) and by ``python -m bench.faults``.
"""

from __future__ import annotations

import datetime as dt

from archive.ingest.symbols import symbol_sort_key
from archive.models import Citation, CitationKind, Document, DocumentStatus, DocumentType, Paragraph

BATCH = 2000


def _document(symbol: str, day: int, title: str) -> Document:
    text = f"{title}\n\n1. 正文。\n"
    return Document(
        symbol=symbol,
        symbol_sort_key=symbol_sort_key(symbol),
        title=title,
        date=dt.date(2019, 1, 1) + dt.timedelta(days=day % 2000),
        doc_type=DocumentType.LETTER,
        status=DocumentStatus.PUBLISHED,
        raw_text=text,
        source_sha256=f"{symbol}-generated",
        first_published_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )


def cited_everywhere(target: Document, citations: int = 50_000, per_document: int = 25, prefix: str = "S/2090") -> int:
    """``citations`` paragraphs citing ``target`` (pin-points ``n``, stored as the citation stage stores ``第 n 段``, over its first 60 paragraphs),
    ``per_document`` in each of as many new letters; returns the number of citing documents."""
    count = -(-citations // per_document)
    docs = Document.objects.bulk_create(
        [_document(f"{prefix}/{n + 1}", n, f"第 {n + 1} 封引用信") for n in range(count)], batch_size=BATCH
    )
    paragraphs, left = [], citations
    for doc in docs:
        for i in range(min(per_document, left)):
            paragraphs.append(
                Paragraph(
                    document=doc,
                    position=i,
                    number=str(i + 1),
                    text=f"{i + 1}. 我们回顾{target.symbol}，第 {i % 60 + 1} 段。",
                    anchor=f"p{i + 1}",
                )
            )
        left -= per_document
    Paragraph.objects.bulk_create(paragraphs, batch_size=BATCH)
    Citation.objects.bulk_create(
        [_citation(p, target, str(int(p.number) % 60 + 1)) for p in paragraphs], batch_size=BATCH
    )
    return count


def citing_many(symbol: str = "S/2091/1", resolutions: int = 1500) -> Document:
    """A letter citing ``resolutions`` distinct Security Council resolutions, one per paragraph, each
    resolution held as a hub."""
    doc = Document.objects.bulk_create([_document(symbol, 0, "引用许多决议的信")])[0]
    hubs = Document.objects.bulk_create(
        [
            Document(
                symbol=f"S/RES/{n}(2001)",
                symbol_sort_key=symbol_sort_key(f"S/RES/{n}(2001)"),
                doc_type=DocumentType.RESOLUTION,
            )
            for n in range(3001, 3001 + resolutions)
        ],
        batch_size=BATCH,
    )
    paragraphs = Paragraph.objects.bulk_create(
        [
            Paragraph(document=doc, position=i, number=str(i + 1), text=f"{i + 1}. 见 {h.symbol}。", anchor=f"p{i + 1}")
            for i, h in enumerate(hubs)
        ],
        batch_size=BATCH,
    )
    Citation.objects.bulk_create([_citation(p, h, "") for p, h in zip(paragraphs, hubs, strict=True)], batch_size=BATCH)
    return doc


def _citation(paragraph: Paragraph, target: Document, pinpoint: str) -> Citation:
    text = paragraph.text
    start = text.index(target.symbol) if target.symbol in text else 0
    return Citation(
        paragraph=paragraph,
        cited_symbol=target.symbol,
        kind=CitationKind.SC_RESOLUTION if target.doc_type == DocumentType.RESOLUTION else CitationKind.DOCUMENT,
        pinpoint=pinpoint,
        matched_text=target.symbol,
        start=start,
        end=start + len(target.symbol),
        target=target,
    )
