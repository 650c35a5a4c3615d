"""The parser: raw extracted text in, :class:`ParsedDocument` out; no database, no I/O.

Stages, each a pure function: clean (masthead, page furniture, pages, layout) → footnotes
(areas cut out of the page flow) → tables (rows of cells) → join (logical lines) → segment
(blocks, preamble, annexes) → footnote markers → citations → metadata → abbreviations.
Whatever looks wrong but can be kept becomes a warning for the librarian rather than an
error: a document with a lost marker is still worth importing.

The same stages read every language the archive holds; a language's words and habits are rules
the stages take (:mod:`archive.ingest.languages`).  ``parse(raw)`` reads Chinese, the archive's own
text; ``parse(raw, language="en")`` the English original of a document.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from . import clean, footnotes, metadata, segment, tables
from .abbreviations import extract_abbreviations
from .furniture import FurnitureKind
from .languages import Profile, profile_for
from .types import Block, BlockKind, Footnote, ParsedDocument

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


def _unrecognised_warnings(blocks: list[Block], notes: list[Footnote], profile: Profile) -> list[str]:
    """Text that reads like a citation but was not recognised will not be linked: tell the librarian."""
    unrecognised_citations = profile.unrecognised_citations
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


def _masthead_warnings(prepared: clean.Prepared) -> list[str]:
    warnings = []
    head = prepared.masthead
    if head.reissued:
        notes = [f.text for f in prepared.furniture if f.kind == FurnitureKind.REISSUE]
        warnings.append(
            _("文号后的“*”表示这是重新印发的文本%(note)s；该说明不作为正文导入。")
            % {"note": f"（{notes[0]}）" if notes else ""}
        )
    headed = metadata.detect_symbol(prepared.headers[len(head.headers) :])
    # A joint document's running header prints its symbols on two lines ("A/77/631", "S/2022/935").
    if head.symbol and headed and headed not in (head.symbol, *head.symbol.split("-")):
        warnings.append(
            _("刊头的文号是 %(masthead)s，但页眉印的是 %(header)s；已采用刊头的文号，请核对。")
            % {"masthead": head.symbol, "header": headed}
        )
    return warnings


def parse(raw: str, language: str = "zh") -> ParsedDocument:
    """Parse the text of one document (already decoded), written in ``language`` ("zh", "en")."""
    profile = profile_for(language)
    prepared = clean.prepare(raw, profile.lines)
    join = profile.lines.joiner(prepared.lines)
    body_lines, notes = footnotes.split_footnotes(prepared.lines, prepared.layout, join, profile.lines.tidy)
    body_lines, table_warnings = tables.gather_tables(body_lines, profile.table_header)
    blocks = segment.segment(clean.join_lines(body_lines, prepared.layout, profile.lines, join), profile.segment)

    warnings: list[str] = list(prepared.warnings) + table_warnings + join.warnings()
    warnings += footnotes.attach_markers(blocks, notes, profile.markers)
    warnings += segment.numbering_warnings(blocks)
    warnings += _leftover_warnings(blocks)

    extract_citations = profile.extract_citations
    for block in blocks:
        block.citations = extract_citations(block.text)
    for note in notes:
        note.citations = extract_citations(note.text)
    warnings += _unrecognised_warnings(blocks, notes, profile)
    abbreviations = extract_abbreviations("\n".join(b.text for b in blocks)) if profile.abbreviations else []

    job = next((f.job_number for f in prepared.furniture if f.job_number), None)
    meta = metadata.detect_metadata(blocks, prepared.headers, prepared.masthead, job, profile.metadata)
    for block in blocks:
        if block.kind == BlockKind.TITLE:
            # "第 2645(2022)号决议" as a resolution's own title names it; it does not cite it.
            block.citations = [c for c in block.citations if c.symbol != meta.symbol]
    return ParsedDocument(
        metadata=meta,
        blocks=blocks,
        footnotes=notes,
        abbreviations=abbreviations,
        warnings=_masthead_warnings(prepared) + warnings,
        language=profile.language,
    )
