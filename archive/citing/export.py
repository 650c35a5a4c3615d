"""The whole archive as JSON Lines: one document per line, with its paragraphs, footnotes and citations.

Each line has the shape of the JSON API's document detail (``archive.serializers``: the Chinese text,
and every other language version under ``versions``) without the ``cited_by`` list, which a
researcher can rebuild from the citations of the other lines.  Documents the archive only knows as
citation targets (hubs) are included with ``has_text: false`` so every citation's target can be
looked up.  Documents are read in chunks by primary key, so memory stays
constant however large the archive grows, and a download streams as it is produced.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from archive.models import Document, readers_view
from archive.serializers import document_text_data

CHUNK_SIZE = 100
MEDIA_TYPE = "application/x-ndjson"


class _Absolute:
    """Stands in for the request the serializers ask for absolute URLs (a command has none)."""

    def __init__(self, absolute: Callable[[str], str]) -> None:
        self.build_absolute_uri = absolute


def document_record(doc: Document, absolute: Callable[[str], str]) -> dict[str, Any]:
    """One line of the export; ``doc`` must come from ``Document.objects.with_contents()``."""
    request = _Absolute(absolute)
    versions, blocks, footnotes = doc.versions.all(), list(doc.paragraphs.all()), list(doc.footnotes.all())
    return document_text_data(doc, versions, blocks, footnotes, request)  # type: ignore[arg-type]


def export_lines(absolute: Callable[[str], str], chunk_size: int = CHUNK_SIZE) -> Iterator[str]:
    """Yield one JSON line (with its newline) per readable document, oldest row first."""
    last_pk = 0
    while True:
        # The export is public wherever it is written: drafts filling hubs appear as the hubs.
        with readers_view():
            chunk = list(Document.objects.for_export().filter(pk__gt=last_pk).with_contents()[:chunk_size])
        if not chunk:
            return
        for doc in chunk:
            yield json.dumps(document_record(doc, absolute), ensure_ascii=False) + "\n"
        last_pk = chunk[-1].pk
