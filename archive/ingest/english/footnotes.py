"""Footnote markers in English text.

Extraction glues a marker to what precedes it: ``complex.1 People``, ``peacekeeping2 and``,
``resolutions 2185 (2014),4 2382 (2017)5 and 2447 (2018)6``.  An ordinary number is set off by a
space (``recommendations 3, 4 and 7``, ``paras. 53, 54``) or is part of a token (``S/2016/952``,
``COVID-19``, ``1.06``, ``G20``), so only glued digits are candidates, and the bodies present
decide which of them are markers (:func:`archive.ingest.footnotes.attach_markers`).
"""

from __future__ import annotations

import re

from ..footnotes import SUPERSCRIPTS, Marker, MarkerRules, superscript_candidates
from ..types import Block, BlockKind

__all__ = ["ENGLISH", "english_candidates"]

_CANDIDATE_RE = re.compile(r"(?<![0-9])([0-9]{1,3})(?![0-9/%\-A-Za-z(]|[.,:][0-9])")
# A superscript after a unit ("m²", "km²") is a power, not a marker.
_SUPER_CANDIDATE_RE = re.compile(
    rf"(?<![0-9{SUPERSCRIPTS}])(?<!\bm)(?<!\bkm)(?<!\bcm)(?<!\bmm)([{SUPERSCRIPTS}]{{1,3}})(?![{SUPERSCRIPTS}])"
)
_CLOSING = frozenset(".,;:)]”’\"'")
_AFTER = frozenset('.,;:)”’"')
# A word this long before glued digits is a word with a marker; a shorter one is a name ("G20", "P5").
_MIN_WORD = 3
_STRONG_RE = re.compile(rf"[.”\"’)]([0-9]{{1,2}}(?= [A-Z]|$)|[{SUPERSCRIPTS}]{{1,2}})")


def _word_before(text: str, end: int) -> int:
    start = end
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] in "’'"):
        start -= 1
    return sum(1 for ch in text[start:end] if ch.isalpha())


def english_candidates(blocks: list[Block]) -> list[Marker]:
    found = []
    for b, block in enumerate(blocks):
        text = block.text
        found += superscript_candidates(b, block, _SUPER_CANDIDATE_RE)
        if block.kind == BlockKind.TABLE:
            continue  # a table's figures are numbers; only superscripts mark its footnotes
        for m in _CANDIDATE_RE.finditer(text):
            if m.start() == 0:
                continue
            before = text[m.start() - 1]
            after = text[m.end()] if m.end() < len(text) else ""
            glued = before in _CLOSING or (before.isalpha() and _word_before(text, m.start()) >= _MIN_WORD)
            if glued and (after == "" or after.isspace() or after in _AFTER):
                found.append(Marker(b, m.start(), m.end(), int(m.group(1))))
    return sorted(found, key=lambda m: (m.block, m.start))


ENGLISH = MarkerRules(english_candidates, _STRONG_RE)
