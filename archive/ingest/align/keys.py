"""What names a block in either language, so a Chinese block and an English one can be matched by it.

Numbered paragraphs by (section, number), sub-paragraphs by their paragraph and label, preambular
paragraphs by ordinal, numbered headings by numeral (``二.`` is ``II.``), the first block of a part
(an annex's heading), the title, and signatures in order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from ..pinpoints import _chinese_number
from ..types import BlockKind

__all__ = ["BlockLike", "number_of", "structural_keys"]

_CHINESE_NUMERAL_RE = re.compile(r"^([一二三四五六七八九十]{1,3})[.、．]")
_ROMAN_RE = re.compile(r"^([IVXL]{1,6})\.\s")
_LETTER_RE = re.compile(r"^([A-Z])\.\s")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


class BlockLike(Protocol):
    kind: str
    number: str | None
    label: str | None
    section: str
    text: str


def number_of(block: BlockLike) -> str:
    return block.number or ""


def _roman(text: str) -> int:
    values = [_ROMAN[ch] for ch in text]
    return sum(-v if nxt > v else v for v, nxt in zip(values, [*values[1:], 0], strict=True))


def _heading_numeral(text: str, last_letter: str) -> tuple[str, str] | None:
    """("top", "2") for ``二. 背景`` or ``II. Background``, ("sub", "A") for ``A. …``; None if unnumbered."""
    if match := _CHINESE_NUMERAL_RE.match(text):
        number = _chinese_number(match.group(1))
        return ("top", str(number)) if number else None
    roman, letter = _ROMAN_RE.match(text), _LETTER_RE.match(text)
    # "I." after "H." is the ninth sub-heading, not part I.
    if roman and not (letter and last_letter and ord(letter.group(1)) == ord(last_letter) + 1):
        return "top", str(_roman(roman.group(1)))
    return ("sub", letter.group(1)) if letter else None


def structural_keys(blocks: Sequence[BlockLike]) -> list[tuple[str, ...] | None]:
    """What names a block in either language: ("p", section, number), ("pp", …), (…, label), ("title",)…

    Sub-paragraphs belong to the numbered paragraph before them (a heading ends it), as their
    anchors do (:mod:`archive.ingest.anchors`); numbered headings are named by their numerals, a
    lettered one under the part it is in; a repeated key names nothing.
    """
    keys: list[tuple[str, ...] | None] = []
    seen: set[tuple[str, ...]] = set()
    parent: tuple[str, ...] | None = None
    signatures: dict[str, int] = {}
    part, letter, section = "", "", ""
    for block in blocks:
        kind, number, key = block.kind, number_of(block), None
        opens = block.section != section
        section = block.section
        if opens:
            key = ("part", section)  # "附件二" and "Annex II" open the same part
            parent = None
        elif kind == BlockKind.TITLE:
            key = ("title",)
        elif kind in (BlockKind.PARAGRAPH, BlockKind.PREAMBULAR) and number:
            key = parent = ("p" if kind == BlockKind.PARAGRAPH else "pp", block.section, number)
        elif kind == BlockKind.HEADING:
            parent = None
            numeral = _heading_numeral(block.text, letter)
            if numeral and numeral[0] == "top":
                part, letter = numeral[1], ""
                key = ("h", block.section, part)
            elif numeral:
                letter = numeral[1]
                key = ("h", block.section, part, letter)
        elif kind == BlockKind.SUBPARAGRAPH and parent and block.label:
            key = (*parent, block.label)
        elif kind == BlockKind.SIGNATURE:
            signatures[block.section] = signatures.get(block.section, 0) + 1
            key = ("signature", block.section, str(signatures[block.section]))
        if key in seen:
            key = None
        if key is not None:
            seen.add(key)
        keys.append(key)
    return keys
