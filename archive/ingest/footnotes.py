"""Footnotes: cut the bodies out of the page flow, then find their markers in the text.

A footnote area starts at a separator line (``__________________``) and runs to the end
of the page; the separator can interrupt a sentence of the body text, which simply
resumes on the next page.  Bodies start with their number (`` 1 text``), wrap like the
body text and may continue on the next page's footnote area.

Markers are bare digits after punctuation (``复杂。1 人们``, ``》2``, ``号6``), which is
also how ordinary numbers look (``建议 3、4 和 7``).  What tells them apart is the set
of bodies actually present: markers appear once each, in the bodies' order.  Text that kept
its superscripts (``基准。¹ 秘书长``, bodies `` ¹ 联合国：…``) is read the same way; a
superscript is never an ordinary number, except as a unit's power (``m²``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .clean import Joiner, Layout, Line, LineKind, is_cjk, is_cjk_punct, join_pieces, tidy
from .types import Block, BlockKind, Footnote, FootnoteRef

__all__ = [
    "CHINESE",
    "SUPERSCRIPTS",
    "Marker",
    "MarkerRules",
    "attach_markers",
    "split_footnotes",
    "superscript_candidates",
]

_SUPERSCRIPTS = SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FROM_SUPERSCRIPT = str.maketrans(_SUPERSCRIPTS, "0123456789")
_BODY_START_RE = re.compile(r"^([0-9]{1,3})\s+(\S.*)$")
_SUPER_BODY_START_RE = re.compile(rf"^([{_SUPERSCRIPTS}]{{1,3}})\s*(\S.*)$")
# Text right after a number that makes it a quantity or date, not a footnote number.
_UNIT_AFTER_NUMBER = frozenset("年月日号段页个名次%％.．")


def _body_start(text: str, last: int, zone_start: bool) -> tuple[int, str] | None:
    match = _BODY_START_RE.match(text) or _SUPER_BODY_START_RE.match(text)
    if not match:
        return None
    number, rest = int(match.group(1).translate(_FROM_SUPERSCRIPT)), match.group(2)
    if rest[0] in _UNIT_AFTER_NUMBER:
        return None
    # Numbering only moves forward, by little; it restarts at 1 only in a new part (annex),
    # whose first footnote is the first line under a separator.
    if last < number <= last + 3 or (number == 1 and zone_start):
        return number, rest
    return None


def split_footnotes(
    lines: list[Line],
    layout: Layout,
    join: Joiner | Callable[[list[str]], str] = join_pieces,
    tidy: Callable[[str], str] = tidy,
) -> tuple[list[Line], list[Footnote]]:
    """Separate footnote areas from ``lines``; return (body lines, footnotes in order)."""
    body: list[Line] = []
    parts: list[list[str]] = []
    numbers: list[int] = []
    pages: list[int | None] = []
    in_zone = False
    previous: Line | None = None
    for line in lines:
        if line.page_break_before:
            in_zone = False
        if line.kind == LineKind.SEPARATOR:
            in_zone, previous = True, None
            continue
        if not in_zone and _superscript_body(line.text, numbers[-1] if numbers else 0):
            # Superscript-numbered bodies need no separator: nothing else starts a line that way.
            in_zone, previous = True, None
        if not in_zone:
            body.append(line)
            continue
        # Wrapped bodies, like paragraphs, end with a trailing space: until then, a line
        # starting with a number ("2 800 万美元") is still the same footnote.
        zone_start = previous is None
        wrapped_on = layout == Layout.WRAPPED and previous is not None and not previous.trailing_space
        previous = line
        start = None if wrapped_on else _body_start(line.text, numbers[-1] if numbers else 0, zone_start)
        if start is not None:
            numbers.append(start[0])
            parts.append([start[1]])
            pages.append(line.page)
        elif parts and (zone_start or wrapped_on):
            # A body cut by a line break, or by a page break (then it heads the next area).
            parts[-1].append(line.text)
        else:
            # Not a footnote: the area ended early (or the separator was decoration), and
            # giving the line back is safer than letting one footnote swallow the text.
            in_zone = False
            body.append(line)
    footnotes = []
    for number, chunks, page in zip(numbers, parts, pages, strict=True):
        footnotes.append(Footnote(number=str(number), text=tidy(join(chunks)), page=page))
    return body, footnotes


def _superscript_body(text: str, last: int) -> bool:
    match = _SUPER_BODY_START_RE.match(text)
    return bool(match) and int(match.group(1).translate(_FROM_SUPERSCRIPT)) == last + 1


@dataclass(frozen=True)
class Marker:
    block: int
    start: int
    end: int
    number: int


_CLOSING = "。，、；：！？”’》」』）)"
# After punctuation a marker may be followed by anything but more of a number; after an
# ideograph ("号6") only by a space or the end, or "年2月" would look like a marker.
_CANDIDATE_RE = re.compile(r"(?<![0-9])([0-9]{1,3})(?![0-9.,:/%\-A-Za-z()])")


_SUPER_CANDIDATE_RE = re.compile(rf"(?<![A-Za-z0-9{_SUPERSCRIPTS}])([{_SUPERSCRIPTS}]{{1,3}})(?![{_SUPERSCRIPTS}])")


_ANY_SUPERSCRIPT_RE = re.compile(f"[{_SUPERSCRIPTS}]")


def superscript_candidates(b: int, block: Block, pattern: re.Pattern[str]) -> list[Marker]:
    """The superscript markers ``pattern`` finds in block number ``b``; its digits, unless it is a table."""
    text = block.text
    found = []
    if _ANY_SUPERSCRIPT_RE.search(text):
        for m in pattern.finditer(text):
            found.append(Marker(b, m.start(), m.end(), int(m.group(1).translate(_FROM_SUPERSCRIPT))))
    return found


def marker_candidates(
    blocks: list[Block],
    digits_re: re.Pattern[str],
    superscript_re: re.Pattern[str],
    glued: Callable[[str, int, int], bool],
) -> list[Marker]:
    """Superscript digits, and plain digits that ``glued`` says stand where a language puts a marker."""
    found = []
    for b, block in enumerate(blocks):
        text = block.text
        found += superscript_candidates(b, block, superscript_re)
        if block.kind == BlockKind.TABLE:
            continue  # a table's figures are numbers; only superscripts mark its footnotes
        for m in digits_re.finditer(text):
            if m.start() > 0 and glued(text, m.start(), m.end()):
                found.append(Marker(b, m.start(), m.end(), int(m.group(1))))
    return sorted(found, key=lambda m: (m.block, m.start))


def _glued_chinese(text: str, start: int, end: int) -> bool:
    before = text[start - 1]
    after = text[end] if end < len(text) else ""
    if before in _CLOSING and before != ")":
        return after == "" or after.isspace() or not after.isascii()
    if before == ")" or is_cjk(before):
        return after == "" or after.isspace() or is_cjk_punct(after)
    return False


def chinese_candidates(blocks: list[Block]) -> list[Marker]:
    """Digits where a marker may stand in Chinese text: after closing punctuation or an ideograph."""
    return marker_candidates(blocks, _CANDIDATE_RE, _SUPER_CANDIDATE_RE, _glued_chinese)


def _select(candidates: list[Marker], sequence: list[int]) -> tuple[list[Marker], list[int]]:
    """Pick markers that follow ``sequence`` in order; return them and the numbers never found."""
    chosen: list[Marker] = []
    missing: list[int] = []
    last_seen = {c.number: i for i, c in enumerate(candidates)}
    nxt = 0
    for i, cand in enumerate(candidates):
        if nxt >= len(sequence):
            break
        if cand.number == sequence[nxt]:
            chosen.append(cand)
            nxt += 1
            continue
        later = sequence[nxt + 1 :]
        if cand.number in later and last_seen.get(sequence[nxt], -1) < i:
            # The expected marker never appears: it was lost, so accept the next one found.
            skip_to = nxt + 1 + later.index(cand.number)
            missing.extend(sequence[nxt:skip_to])
            chosen.append(cand)
            nxt = skip_to + 1
    missing.extend(sequence[nxt:])
    return chosen, missing


def _drops_space(text: str, pos: int) -> bool:
    """Whether the space at ``pos`` only existed to set off a removed marker."""
    if pos >= len(text) or text[pos] != " ":
        return False
    if pos + 1 >= len(text):
        return True
    left = text[pos - 1] if pos > 0 else ""
    right = text[pos + 1]
    cjk_left = not left or is_cjk(left) or is_cjk_punct(left)
    return cjk_left and (is_cjk(right) or is_cjk_punct(right))


def _remove(block: Block, markers: list[Marker]) -> None:
    text = block.text
    out: list[str] = []
    refs: list[FootnoteRef] = []
    cursor = 0
    for marker in sorted(markers, key=lambda m: m.start):
        out.append(text[cursor : marker.start])
        kept = "".join(out)
        refs.append(FootnoteRef(str(marker.number), len(kept)))
        cursor = marker.end
        if _drops_space(kept + text[cursor:], len(kept)):
            cursor += 1
    out.append(text[cursor:])
    new_text = "".join(out).rstrip()
    block.text = new_text
    block.footnote_refs = sorted(
        [*block.footnote_refs, *(FootnoteRef(r.number, min(r.position, len(new_text))) for r in refs)],
        key=lambda r: r.position,
    )


# A strong marker position: right after a full stop, closing quote or title mark, then text.
_STRONG_RE = re.compile(rf"[。》”]([0-9]{{1,2}}(?= [\u4e00-\u9fff]|$)|[{_SUPERSCRIPTS}]{{1,2}})")


@dataclass(frozen=True)
class MarkerRules:
    """Where one language's text puts footnote markers."""

    # Every digit (or superscript) that may be a marker, in text order.
    candidates: Callable[[list[Block]], list[Marker]]
    # Where a digit is almost surely a marker: a lost footnote body is suspected there.
    strong: re.Pattern[str]


CHINESE = MarkerRules(chinese_candidates, _STRONG_RE)


def attach_markers(blocks: list[Block], footnotes: list[Footnote], rules: MarkerRules = CHINESE) -> list[str]:
    """Move footnote markers out of ``blocks`` into ``FootnoteRef`` entries; return warnings."""
    warnings: list[str] = []
    sequence = [int(f.number) for f in footnotes]
    chosen, missing = _select(rules.candidates(blocks), sequence)
    by_block: dict[int, list[Marker]] = {}
    for marker in chosen:
        by_block.setdefault(marker.block, []).append(marker)
    for b, markers in by_block.items():
        _remove(blocks[b], markers)
    for number in missing:
        warnings.append(_("脚注 %(n)s 有正文，但在正文中没有找到对应的脚注标记。") % {"n": number})

    # After the last known footnote, a digit where a marker would stand hints at a lost body.
    last_block = chosen[-1].block if chosen else 0
    expected = (sequence[-1] if sequence else 0) + 1
    for b in range(last_block, len(blocks)):
        for m in rules.strong.finditer(blocks[b].text):
            if int(m.group(1).translate(_FROM_SUPERSCRIPT)) == expected:
                warnings.append(
                    _("正文中“%(context)s”处的数字 %(n)s 像是脚注标记，但没有找到脚注 %(n)s 的正文。")
                    % {"context": blocks[b].text[max(0, m.start() - 8) : m.end()], "n": expected}
                )
                expected += 1
    return warnings
