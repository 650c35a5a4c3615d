"""English blocks: headings, titles, signatures and the appended parts (annexes, enclosures).

The shapes are the Chinese ones (:mod:`archive.ingest.segment`) in English words:

* headings ``I. Introduction``, ``A. System-wide service provider``, unnumbered ones
  (``Current security situation``): short, without a full stop;
* a title of two lines, ``United Nations policing`` / ``Report of the Secretary-General``;
* a resolution's adoption line ``Adopted by the Security Council at its 9093rd meeting, on 15 July
  2022`` (a paragraph, though it ends without a full stop) and its chapeau ``The Security Council,``;
* a signature ``(Signed) António Guterres``, with the signer's function on the lines below it
  (``Chair`` / ``Security Council Working Group on Peacekeeping Operations``);
* parts ``Annex``, ``Annex II``, ``Enclosure``, ``Annex to the letter dated … from …``, whose
  paragraph numbering restarts at 1 (sections ``annex1``, ``annex2``, ``enclosure1``).
"""

from __future__ import annotations

import re

from ..clean import visible_len
from ..segment import SegmentRules
from .lines import CHAPEAU_EN_RE, TERMINAL_EN_RE

__all__ = ["ENGLISH", "english_part", "roman_number"]

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_PART_PREFIX = {"annex": "annex", "enclosure": "enclosure", "appendix": "appendix"}
_PART_RE = re.compile(
    r"^(?P<kind>Annex|Enclosure|Appendix|ANNEX|ENCLOSURE|APPENDIX)"
    r"(?:\s+(?P<number>[IVXLC]{1,7}|[0-9]{1,2}))?"
    r"(?:\s*[:.\-–—]\s*(?P<title>\S.*)|\s+to\s+(?:the\s+)?(?:letter|note|report|identical\s+letters)\b.*)?$"
)


def roman_number(text: str) -> int | None:
    """``IV`` → 4, ``12`` → 12; None for anything else."""
    if text.isdigit():
        return int(text)
    values = [_ROMAN.get(ch) for ch in text.upper()]
    if not values or None in values:
        return None
    total = 0
    for value, following in zip(values, [*values[1:], 0], strict=True):
        total += -value if following and value < following else value
    return total or None


def english_part(text: str, prose: bool) -> str | None:
    """The section ``Annex II`` or ``Annex to the letter dated …`` opens ("annex2"), or None.

    ``prose`` (the text is a paragraph, not a heading) changes nothing: an annex's heading naming the
    letter it is annexed to can be longer than a heading, and still ends without a full stop.
    """
    text = " ".join(text.split())
    if visible_len(text) > 200 or TERMINAL_EN_RE.search(text):
        return None
    # A part's heading names its number, a title after a colon or the letter it is annexed to; a sentence
    # ("Annex I lists the contributors") does none of these.
    match = _PART_RE.match(text)
    if match is None:
        return None
    number = roman_number(match.group("number")) if match.group("number") else 1
    return f"{_PART_PREFIX[match.group('kind').lower()]}{number}" if number else None


ENGLISH = SegmentRules(
    terminal=TERMINAL_EN_RE,
    chapeau=CHAPEAU_EN_RE,
    signature=re.compile(r"^\((?:Signed|signed|Sgd\.)\)"),
    role=re.compile(
        r"^(?:Chair|Chairman|Chairperson|Chairwoman|Vice-Chair|President|Secretary-General|Permanent Representative"
        r"|Deputy Permanent Representative|Ambassador|Chargé d[’']affaires(?: a\.i\.)?|Coordinator|Special Envoy"
        r"|Special Representative|Head of Mission|Director|Minister)\b"
    ),
    role_below=True,
    numeral_heading=re.compile(r"^(?:[IVXL]{1,6}\.|[A-Z]\.)\s+\S"),
    heading_max=150,
    numbered_heading_max=80,
    adopted=re.compile(
        r"^Adopted\s+by\s+the\s+(?:Security\s+Council|General\s+Assembly)\s+at\s+its\s+[0-9]+(?:st|nd|rd|th)"
        r"\s+(?:plenary\s+)?meeting,?\s+on\s+[0-9]{1,2}\s+[A-Z][a-z]+\s+[0-9]{4}\.?$"
    ),
    title_tail=re.compile(
        r"^(?:(?:Report|Note)\s+(?:of|by)\s+the\s+(?:Secretary-General|Secretariat|President\s+of\s+the\s+Security"
        r"\s+Council|.{2,80}(?:Committee|Panel|Group|Chair))|Corrigendum|Addendum|Revision)$"
    ),
    part=english_part,
    soft_end=frozenset(",(“‘\"'"),
)
