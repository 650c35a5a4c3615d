"""The parser: raw extracted text in, :class:`ParsedDocument` out; no database, no I/O.

Stages, each a pure function: clean (artefacts, layout) → footnotes (areas cut out of the
page flow) → join (logical lines) → segment (blocks) → footnote markers → citations →
metadata → abbreviations.  Whatever looks wrong but can be kept becomes a warning for the
librarian rather than an error: a document with a lost marker is still worth importing.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from . import clean, footnotes, metadata, segment
from .types import Abbreviation, Block, ParsedDocument

__all__ = ["parse"]

_LEFTOVER_RES = (
    re.compile(r"^(?:S|A)/[0-9A-Z/().\-]+$"),
    re.compile(r"\b[0-9]{2}-[0-9]{5}\s*\([A-Z]\)"),
    re.compile(r"^Distr\.", re.IGNORECASE),
    re.compile(r"https?://undocs\.org/\S+$"),
)


def _optional(module: str, name: str) -> Callable[[str], list[Any]] | None:
    """A colleague's stage, imported at call time; ``None`` while it does not exist yet."""
    qualified = f"archive.ingest.{module}"
    try:
        loaded = importlib.import_module(qualified)
    except ModuleNotFoundError as exc:
        if exc.name != qualified:
            raise  # the module exists but is broken: that must not pass silently
        return None
    return getattr(loaded, name, None)


def _leftover_warnings(blocks: list[Block]) -> list[str]:
    warnings = []
    for i, block in enumerate(blocks, start=1):
        for line in block.text.split("\n"):
            line = line.strip()
            match = next((m for r in _LEFTOVER_RES if (m := r.search(line))), None)
            if match:
                context = line[max(0, match.start() - 10) : match.end() + 10]
                warnings.append(
                    _("第 %(i)d 个文本块疑似含有残留的页眉或链接：“%(text)s”。") % {"i": i, "text": context}
                )
                break
    return warnings


def parse(raw: str) -> ParsedDocument:
    """Parse the text of one document (already decoded)."""
    prepared = clean.prepare(raw)
    body_lines, notes = footnotes.split_footnotes(prepared.lines, prepared.layout)
    blocks = segment.segment(clean.join_lines(body_lines, prepared.layout))

    warnings: list[str] = []
    warnings += footnotes.attach_markers(blocks, notes)
    warnings += segment.numbering_warnings(blocks)
    warnings += _leftover_warnings(blocks)

    extract_citations = _optional("citations", "extract_citations")
    if extract_citations is not None:
        for block in blocks:
            block.citations = list(extract_citations(block.text))
        for note in notes:
            note.citations = list(extract_citations(note.text))

    abbreviations: list[Abbreviation] = []
    extract_abbreviations = _optional("abbreviations", "extract_abbreviations")
    if extract_abbreviations is not None:
        abbreviations = list(extract_abbreviations("\n".join(b.text for b in blocks)))

    return ParsedDocument(
        metadata=metadata.detect_metadata(blocks, prepared.headers),
        blocks=blocks,
        footnotes=notes,
        abbreviations=abbreviations,
        warnings=warnings,
    )
