"""The one ingest package that touches the database: store a parsed document, atomically.

Everything else in ``archive.ingest`` is a pure function over text.  Management commands and
admin views call the functions here (:func:`import_text`, :func:`preview`, :func:`reparse`,
:func:`change_symbol`, :func:`update_block_text`, :func:`import_version`, :func:`preview_version`...)
and hold no parsing logic of their own.  Every function that reads or writes a document's blocks is
scoped to one language: the Chinese text and each other language version are stored apart.

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
from .versions import (
    PairRow,
    VersionPreview,
    VersionResult,
    chinese_counterparts,
    document_for_version,
    import_version,
    preview_version,
    version_document,
)

__all__ = [
    "BlockChange",
    "CitationTarget",
    "ImportResult",
    "Outcome",
    "PairRow",
    "Preview",
    "PreviewAbbreviation",
    "PreviewBlock",
    "PreviewCitation",
    "PreviewFootnote",
    "Removal",
    "VersionPreview",
    "VersionResult",
    "change_symbol",
    "chinese_counterparts",
    "clean_symbol",
    "document_for_version",
    "footnote_anchors",
    "import_text",
    "import_version",
    "preview",
    "preview_reparse",
    "preview_version",
    "removal_refusal",
    "remove_documents",
    "reparse",
    "save_details",
    "set_status",
    "sha256",
    "store_parsed",
    "update_block_text",
    "update_footnote_text",
    "version_document",
]
