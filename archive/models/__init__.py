"""The archive's data: documents, their blocks and footnotes, and the citations between them."""

from .choices import BlockKind, CitationKind, DocumentStatus, DocumentType, Language
from .citations import Abbreviation, Citation, CitationQuerySet
from .documents import Document, DocumentQuerySet, SymbolAlias, new_public_id
from .paragraphs import Footnote, FootnoteReference, Paragraph, ParagraphQuerySet

__all__ = [
    "Abbreviation",
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
    "Language",
    "Paragraph",
    "ParagraphQuerySet",
    "SymbolAlias",
    "new_public_id",
]
