"""The one ingest package that touches the database: store a parsed document, atomically.

Everything else in ``archive.ingest`` is a pure function over text.  Management commands and
admin views call the functions here (:func:`import_text`, :func:`preview`, :func:`reparse`,
:func:`change_symbol`, :func:`update_block_text`...) and hold no parsing logic of their own.

Writes of blocks and footnotes go through django-simple-history's bulk helpers, so a re-parse
that changes a block leaves the block's previous text in its history, restorable like a
librarian's own edit.
"""

from .editing import save_details, set_status, update_block_text, update_footnote_text
from .importing import (
    ImportResult,
    Outcome,
    change_symbol,
    clean_symbol,
    footnote_anchors,
    import_text,
    reparse,
    sha256,
    store_parsed,
)
from .preview import (
    BlockChange,
    CitationTarget,
    Preview,
    PreviewAbbreviation,
    PreviewBlock,
    PreviewCitation,
    PreviewFootnote,
    preview,
    preview_reparse,
)
from .removing import Removal, removal_refusal, remove_documents

__all__ = [
    "BlockChange",
    "CitationTarget",
    "ImportResult",
    "Outcome",
    "Preview",
    "PreviewAbbreviation",
    "PreviewBlock",
    "PreviewCitation",
    "PreviewFootnote",
    "Removal",
    "change_symbol",
    "clean_symbol",
    "footnote_anchors",
    "import_text",
    "preview",
    "preview_reparse",
    "removal_refusal",
    "remove_documents",
    "reparse",
    "save_details",
    "set_status",
    "sha256",
    "store_parsed",
    "update_block_text",
    "update_footnote_text",
]
