"""Pin-points: which part of a cited document a citation points at, and the anchors that names.

The citation stage stores a pin-point in one normalised spelling (``Citation.pinpoint``); readers'
links, "cited by" counts and labels all read it back through this module, so the grammar lives in
one place::

    60            paragraph 60 of the main body            → p60
    29-47         a range (every paragraph in it)          → p29 … p47
    53,54,57      a list; items may be ranges ("4,7-9")    → p53, p54, p57
    附件一         a whole annex or enclosure               → annex1
    附件一:2       paragraph 2 of annex 1 (附件 = 附件一)    → annex1-p2
    附文:3-4      paragraphs of an enclosure               → enclosure1-p3, enclosure1-p4
    序言:3         preambular paragraph 3 of a resolution   → pp3
    摘要           the summary                              → (no anchor)

The grammar is data, the same whatever the language of the citing text: an English citation
``S/2021/1090, annex, para. 3`` is stored as ``附件:3``, ``annex II, para. 2`` as ``附件二:2``
(:func:`part_name` spells a part), ``the ninth preambular paragraph`` as ``序言:9``.

Annex anchors (``annex1-p2``) are the *canonical* names of annex paragraphs. Where a document's
main body has no numbered paragraphs of its own (a cover letter transmitting a report), its first
annex's paragraphs were served as ``p1`` … and keep those anchors; pages answer to the canonical
name as well (see :func:`canonical_anchor`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "MAX_RANGE",
    "Pinpoint",
    "canonical_anchor",
    "first_anchor",
    "parse_pinpoint",
    "part_name",
    "pinpoint_anchors",
    "section_for",
]

# A range wider than this is a typo or an abuse ("第 1-9999 段"), not a citation of every paragraph.
MAX_RANGE = 300

_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
# The kinds of appended part a Chinese UN document has, and the anchor prefix of each.
_PARTS = {"附件": "annex", "附文": "enclosure", "附录": "appendix"}
_SECTION_RE = re.compile(r"^(附件|附文|附录)([一二三四五六七八九十]{0,3}|[0-9]{1,2})$")
_NUMBERS_RE = re.compile(r"^[0-9]+(?:-[0-9]+)?(?:,[0-9]+(?:-[0-9]+)?)*$")


def _chinese_number(text: str) -> int | None:
    """一 → 1, 十 → 10, 十二 → 12, 二十一 → 21 (annexes never run past a few dozen)."""
    if not text:
        return 1
    if text.isdigit():
        return int(text)
    if len(text) == 1:
        return _NUMERALS.get(text)
    if text.startswith("十"):
        rest = _NUMERALS.get(text[1:], None)
        return 10 + rest if rest else None
    tens, _shi, units = text.partition("十")
    if _shi != "十" or tens not in _NUMERALS:
        return None
    return _NUMERALS[tens] * 10 + (_NUMERALS.get(units, 0) if units else 0)


def _numeral(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (the inverse of :func:`_chinese_number`, up to 99)."""
    digits = "一二三四五六七八九"
    tens, units = divmod(number, 10)
    head = "" if tens == 0 else "十" if tens == 1 else f"{digits[tens - 1]}十"
    return head + (digits[units - 1] if units else "")


def part_name(kind: str, number: int | None = None) -> str | None:
    """The grammar's name of a part: ("annex", None) → 附件, ("annex", 2) → 附件二, ("enclosure", 1) → 附文一.

    ``kind`` is an anchor prefix (annex, enclosure, appendix); None for another kind or a number
    outside 1–99.
    """
    names = {prefix: name for name, prefix in _PARTS.items()}
    if kind not in names or (number is not None and not 0 < number < 100):
        return None
    return names[kind] + (_numeral(number) if number is not None else "")


def section_for(part: str) -> str | None:
    """``附件`` / ``附件一`` → ``annex1``, ``附件二`` → ``annex2``, ``附文`` → ``enclosure1``; None if not a part."""
    match = _SECTION_RE.match(part.replace(" ", ""))
    if match is None:
        return None
    number = _chinese_number(match.group(2))
    return f"{_PARTS[match.group(1)]}{number}" if number else None


@dataclass(frozen=True)
class Pinpoint:
    """A parsed pin-point: a section ("" = main body, "preamble", "annex1"…) and paragraph numbers."""

    section: str
    # Each item is (first, last); a single paragraph is (n, n). Empty for a whole section.
    spans: tuple[tuple[int, int], ...] = ()

    @property
    def numbers(self) -> list[int]:
        """Every paragraph number designated, ranges expanded (each capped at :data:`MAX_RANGE`)."""
        out: list[int] = []
        for first, last in self.spans:
            out.extend(range(first, min(last, first + MAX_RANGE - 1) + 1))
        return out


def _spans(numbers: str) -> tuple[tuple[int, int], ...] | None:
    if not _NUMBERS_RE.match(numbers):
        return None
    spans = []
    for item in numbers.split(","):
        first, _dash, last = item.partition("-")
        a, b = int(first), int(last or first)
        if a == 0 or b < a:
            return None
        spans.append((a, b))
    return tuple(spans)


def parse_pinpoint(pinpoint: str | None) -> Pinpoint | None:
    """The normalised pin-point read back; None for none, for 摘要, and for anything unknown."""
    if not pinpoint:
        return None
    head, colon, numbers = pinpoint.partition(":")
    if not colon:
        if (spans := _spans(head)) is not None:
            return Pinpoint("", spans)
        section = section_for(head)
        return Pinpoint(section) if section else None
    section = "preamble" if head == "序言" else section_for(head)
    spans = _spans(numbers)
    if section is None or spans is None:
        return None
    return Pinpoint(section, spans)


def canonical_anchor(section: str, number: int | str) -> str:
    """The anchor a citation names for paragraph ``number`` of ``section``: p4, pp3, annex1-p2."""
    if section == "preamble":
        return f"pp{number}"
    return f"{section}-p{number}" if section else f"p{number}"


def pinpoint_anchors(pinpoint: str | None) -> list[str]:
    """Every canonical anchor the pin-point designates, in order (ranges expanded)."""
    parsed = parse_pinpoint(pinpoint)
    if parsed is None:
        return []
    if not parsed.spans:
        return [parsed.section]  # a whole annex: its heading carries the section's name
    return [canonical_anchor(parsed.section, n) for n in parsed.numbers]


def first_anchor(pinpoint: str | None) -> str | None:
    """Where a link with this pin-point lands: the first anchor it designates."""
    parsed = parse_pinpoint(pinpoint)
    if parsed is None:
        return None
    if not parsed.spans:
        return parsed.section
    return canonical_anchor(parsed.section, parsed.spans[0][0])
