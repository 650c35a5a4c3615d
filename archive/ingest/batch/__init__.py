"""Pure helpers for importing many files at once: walking a folder or zip, manifests, file names.

The database side (one transaction per file, outcomes, the report) is ``archive.ingest.store.bulk``.
"""

from .files import MANIFEST_NAMES, BatchSource, Entry, FolderSource, ZipSource, open_source
from .manifest import Manifest, ManifestRow, read_manifest, symbol_from_filename

__all__ = [
    "MANIFEST_NAMES",
    "BatchSource",
    "Entry",
    "FolderSource",
    "Manifest",
    "ManifestRow",
    "ZipSource",
    "open_source",
    "read_manifest",
    "symbol_from_filename",
]
