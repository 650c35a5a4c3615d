"""The archive's data: documents, their blocks and footnotes, and the citations between them."""

from .batches import BatchStatus, ImportBatch, ImportBatchItem, ImportOutcome
from .choices import BlockKind, CitationKind, DocumentStatus, DocumentType, Language
from .citations import Abbreviation, Citation, CitationQuerySet
from .documents import Document, DocumentQuerySet, SymbolAlias, attach_latest_citers, new_public_id, readers_view
from .paragraphs import Footnote, FootnoteReference, Paragraph, ParagraphQuerySet
from .versions import TextVersion

__all__ = [
    "Abbreviation",
    "BatchStatus",
    "BlockKind",
    "Citation",
    "CitationKind",
    "CitationQuerySet",
    "Document",
    "DocumentQuerySet",
    "DocumentStatus",
    "DocumentType",
    "Footnote",
    "FootnoteReference",
    "ImportBatch",
    "ImportBatchItem",
    "ImportOutcome",
    "Language",
    "Paragraph",
    "ParagraphQuerySet",
    "SymbolAlias",
    "TextVersion",
    "attach_latest_citers",
    "new_public_id",
    "readers_view",
]
