"""The parser: raw extracted text in, :class:`ParsedDocument` out; no database, no I/O.

Stages, each a pure function: clean (artefacts, layout) → footnotes (areas cut out of the
page flow) → join (logical lines) → segment (blocks) → footnote markers → citations →
metadata → abbreviations.  Whatever looks wrong but can be kept becomes a warning for the
librarian rather than an error: a document with a lost marker is still worth importing.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from . import clean, footnotes, metadata, segment
from .abbreviations import extract_abbreviations
from .citations import extract_citations, unrecognised_citations
from .types import Block, Footnote, ParsedDocument

__all__ = ["parse"]

_LEFTOVER_RES = (
    re.compile(r"^(?:S|A)/[0-9A-Z/().\-]+$"),
    re.compile(r"\b[0-9]{2}-[0-9]{5}\s*\([A-Z]\)"),
    re.compile(r"^Distr\.", re.IGNORECASE),
    re.compile(r"https?://undocs\.org/\S+$"),
)


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


def _unrecognised_warnings(blocks: list[Block], notes: list[Footnote]) -> list[str]:
    """Text that reads like a citation but was not recognised will not be linked: tell the librarian."""
    warnings = []
    for i, block in enumerate(blocks, start=1):
        for text in unrecognised_citations(block.text, block.citations):
            warnings.append(
                _("第 %(i)d 个文本块中的“%(text)s”像是引用，但格式无法识别，不会生成链接。") % {"i": i, "text": text}
            )
    for note in notes:
        for text in unrecognised_citations(note.text, note.citations):
            warnings.append(
                _("脚注 %(n)s 中的“%(text)s”像是引用，但格式无法识别，不会生成链接。")
                % {"n": note.number, "text": text}
            )
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

    for block in blocks:
        block.citations = extract_citations(block.text)
    for note in notes:
        note.citations = extract_citations(note.text)
    warnings += _unrecognised_warnings(blocks, notes)
    abbreviations = extract_abbreviations("\n".join(b.text for b in blocks))

    return ParsedDocument(
        metadata=metadata.detect_metadata(blocks, prepared.headers),
        blocks=blocks,
        footnotes=notes,
        abbreviations=abbreviations,
        warnings=warnings,
    )
