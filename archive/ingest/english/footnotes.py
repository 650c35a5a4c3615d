"""Footnote markers in English text.

Extraction glues a marker to what precedes it: ``complex.1 People``, ``peacekeeping2 and``,
``resolutions 2185 (2014),4 2382 (2017)5 and 2447 (2018)6``.  An ordinary number is set off by a
space (``recommendations 3, 4 and 7``, ``paras. 53, 54``) or is part of a token (``S/2016/952``,
``COVID-19``, ``1.06``, ``G20``), so only glued digits are candidates, and the bodies present
decide which of them are markers (:func:`archive.ingest.footnotes.attach_markers`).
"""

from __future__ import annotations

import re

from ..footnotes import SUPERSCRIPTS, Marker, MarkerRules, marker_candidates
from ..types import Block

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


def _glued_english(text: str, start: int, end: int) -> bool:
    before = text[start - 1]
    after = text[end] if end < len(text) else ""
    glued = before in _CLOSING or (before.isalpha() and _word_before(text, start) >= _MIN_WORD)
    return glued and (after == "" or after.isspace() or after in _AFTER)


def english_candidates(blocks: list[Block]) -> list[Marker]:
    return marker_candidates(blocks, _CANDIDATE_RE, _SUPER_CANDIDATE_RE, _glued_english)


ENGLISH = MarkerRules(english_candidates, _STRONG_RE)
