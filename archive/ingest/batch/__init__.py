"""Pure helpers for importing many files at once: walking a folder or zip, manifests, file names.

The database side (one transaction per file, outcomes, the report) is ``archive.ingest.store.bulk``.
"""

from .files import MANIFEST_NAMES, BatchSource, Entry, FolderSource, ZipSource, open_source
from .manifest import Manifest, ManifestRow, read_manifest, symbol_from_filename
from .report import OUTCOME_LABELS, BatchReport, FileOutcome, FileReport, outcome_label

__all__ = [
    "MANIFEST_NAMES",
    "OUTCOME_LABELS",
    "BatchReport",
    "BatchSource",
    "Entry",
    "FileOutcome",
    "FileReport",
    "FolderSource",
    "Manifest",
    "ManifestRow",
    "ZipSource",
    "open_source",
    "outcome_label",
    "read_manifest",
    "symbol_from_filename",
]
