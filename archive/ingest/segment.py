"""Classify logical units into blocks: title, headings, paragraphs, list items, signatures, tables.

Then the document's parts: a resolution's preamble (the considerations between "安全理事会，" and
operative paragraph 1, numbered 1, 2… as the UN does: pp1, pp2…), and the appended parts (附件,
附件一, 附文, "……的信的附件"), whose paragraph numbering restarts at 1.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .clean import CHAPEAU_RE, TERMINAL_RE, Unit, visible_len
from .pinpoints import section_for
from .types import Block, BlockKind

__all__ = ["CHINESE", "SegmentRules", "numbering_warnings", "part_section", "segment"]

_PARAGRAPH_RE = re.compile(r"^([0-9]{1,3})\.(?![0-9])\s*(.*)$", re.DOTALL)
_NUMERAL_HEADING_RE = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[.、．]|[A-Z]\.\s|[IVX]{1,5}\.\s)\s*\S")
_SUB_RE = re.compile(r"^[(（]((?:[a-z]{1,2}|[ivx]{1,6}|[0-9]{1,2}))[)）]\s*(.*)$", re.DOTALL)
_BULLET_RE = re.compile(r"^([•●▪◦‣\-–])\s+(.*)$", re.DOTALL)
_SIGNATURE_RE = re.compile(r"[(（]签名[)）]$")
# Last line above a name in a signature block: the signer's function.
_ROLE_RE = re.compile(r"(?:主席|秘书长|代表|大使|代办|协调员|特使|主任)$")
_SOFT_END = frozenset("，、,(（“《")

# Longest heading seen in the seeds is ~50 characters; paragraphs are far longer.
_HEADING_MAX = 60
_NUMBERED_HEADING_MAX = 40


@dataclass(frozen=True)
class SegmentRules:
    """What tells one language's blocks apart (Chinese: :data:`CHINESE`; English: ``english.segment``)."""

    terminal: re.Pattern[str]
    chapeau: re.Pattern[str]
    # A signed line ("安东尼奥·古特雷斯(签名)", "(Signed) António Guterres").
    signature: re.Pattern[str]
    # The signer's function ("常驻代表", "Permanent Representative").
    role: re.Pattern[str]
    # The signer's function stands after the signed line (English) rather than above it (Chinese).
    role_below: bool
    numeral_heading: re.Pattern[str]
    heading_max: int
    numbered_heading_max: int
    # A resolution's adoption line: a paragraph, though it reads like a heading.
    adopted: re.Pattern[str]
    # The second line of a two-line title ("秘书长的报告", "Report of the Secretary-General").
    title_tail: re.Pattern[str]
    # The section ("annex1", "enclosure1") a heading's text opens, or None.
    part: Callable[[str, bool], str | None]
    soft_end: frozenset[str]


def _heading_like(text: str, rules: SegmentRules, limit: int | None = None) -> bool:
    return (
        0 < visible_len(text) <= (rules.heading_max if limit is None else limit)
        and not rules.terminal.search(text)
        and text[-1] not in rules.soft_end
        and not text.replace(" ", "").isdigit()
    )


def _classify(unit: Unit, first: bool, rules: SegmentRules) -> Block:
    block = _classify_text(unit.text, first, rules) if not unit.table else Block(BlockKind.TABLE, unit.text)
    block.page = unit.page
    return block


# "2022 年 7 月 15 日安全理事会第 9093 次会议通过": a resolution's adoption line, under its title.
ADOPTED_RE = re.compile(r"^[0-9]{4}\s*年.{0,30}?第\s*[0-9]+\s*次会议(?:上)?通过[。]?$")


def _classify_text(text: str, first: bool, rules: SegmentRules) -> Block:
    if rules.signature.search(text):
        return Block(BlockKind.SIGNATURE, text)
    if (match := _PARAGRAPH_RE.match(text)) and match.group(2).strip():
        number, rest = match.group(1), match.group(2).strip()
        # "1. 通过联合国后勤和行动支助增强……的能力" in 001 is a numbered heading, not paragraph 1.
        if _heading_like(rest, rules, rules.numbered_heading_max):
            return Block(BlockKind.HEADING, text)
        return Block(BlockKind.PARAGRAPH, rest, number=number)
    if (match := _BULLET_RE.match(text)) and match.group(2).strip():
        label, rest = match.group(1), match.group(2).strip()
        # 001 writes its sub-paragraphs as markdown bullets: "- (a) ……".
        if (sub := _SUB_RE.match(rest)) and sub.group(2).strip():
            return Block(BlockKind.SUBPARAGRAPH, sub.group(2).strip(), label=f"({sub.group(1)})")
        return Block(BlockKind.LIST_ITEM, rest, label=label)
    if (match := _SUB_RE.match(text)) and match.group(2).strip():
        return Block(BlockKind.SUBPARAGRAPH, match.group(2).strip(), label=f"({match.group(1)})")
    if rules.numeral_heading.match(text) and _heading_like(text, rules):
        return Block(BlockKind.HEADING, text)
    if not first and rules.adopted.match(text):
        return Block(BlockKind.PARAGRAPH, text)  # says when, not what: no heading of the contents
    if _heading_like(text, rules):
        return Block(BlockKind.TITLE if first else BlockKind.HEADING, text)
    return Block(BlockKind.PARAGRAPH, text)


def _signature_part(unit: Unit, block: Block, rules: SegmentRules) -> bool:
    return (
        block.kind in (BlockKind.HEADING, BlockKind.PARAGRAPH)
        and block.number is None
        and not rules.numeral_heading.match(unit.text)
        and _heading_like(unit.text, rules, rules.heading_max if rules.role_below else 40)
        # Below a signature, "Annex" opens the next part; it is nobody's function.
        and not (rules.role_below and rules.part(unit.text, block.kind == BlockKind.PARAGRAPH))
    )


def _signature_span(units: list[Unit], blocks: list[Block], i: int, rules: SegmentRules) -> tuple[int, int]:
    """The first and last index of the signature block around the signed line ``i``."""
    start = end = i
    indented = units[i].indent >= 4
    if not rules.role_below:
        if start > 0 and _signature_part(units[start - 1], blocks[start - 1], rules):
            role = bool(rules.role.search(units[start - 1].text))
            if role or (indented and units[start - 1].indent >= 4):
                start -= 1
                # The organ's name sits above the function ("……工作组" / "主席").
                if role and start > 0 and _signature_part(units[start - 1], blocks[start - 1], rules):
                    start -= 1
        return start, end
    # "(Signed) Name" / "Chair" / "Security Council Working Group on …": the function, then its organ.
    for _line in range(2):
        nxt = end + 1
        if nxt >= len(blocks) or not _signature_part(units[nxt], blocks[nxt], rules):
            break
        role = bool(rules.role.search(units[nxt].text))
        if not (role or (indented and units[nxt].indent >= 4) or (end > i and rules.role.search(units[end].text))):
            break
        end = nxt
    return start, end


def _absorb_signature(units: list[Unit], blocks: list[Block], rules: SegmentRules) -> None:
    """Merge "organ / 主席 / name(签名)" (or "(Signed) name / Chair / organ") lines into one signature block."""
    i = 0
    while i < len(blocks):
        if blocks[i].kind != BlockKind.SIGNATURE:
            i += 1
            continue
        start, end = _signature_span(units, blocks, i, rules)
        if start < end:
            text = "\n".join(units[k].text for k in range(start, end + 1))
            blocks[start : end + 1] = [Block(BlockKind.SIGNATURE, text, page=blocks[start].page)]
            del units[start:end]
        i = start + 1


# The second line of a two-line title: who reports ("秘书长的报告") or what the document is ("更正").
_TITLE_TAIL_RE = re.compile(
    r"^(?:(?:秘书长|秘书处|[^，。；：、\s]{2,30}(?:委员会|小组|工作组|主席))的(?:报告|说明)|更正|订正|增编)$"
)


def _merge_title(blocks: list[Block], rules: SegmentRules) -> None:
    """ "联合国南苏丹特派团" / "秘书长的报告": the report's title is both lines, kept as one block."""
    if len(blocks) > 1 and blocks[0].kind == BlockKind.TITLE and blocks[1].kind == BlockKind.HEADING:
        if rules.title_tail.match(blocks[1].text):
            blocks[0].text = f"{blocks[0].text}\n{blocks[1].text}"
            del blocks[1]


def _mark_preamble(blocks: list[Block], rules: SegmentRules) -> None:
    """Unnumbered paragraphs between "安全理事会，" and the first numbered paragraph are preambular."""
    ordinal: int | None = None
    for block in blocks:
        if block.kind == BlockKind.PARAGRAPH and block.number is None and rules.chapeau.match(block.text):
            ordinal = 0
            continue
        if ordinal is None:
            continue
        if block.kind == BlockKind.PARAGRAPH and block.number is None:
            ordinal += 1
            block.kind, block.number = BlockKind.PREAMBULAR, str(ordinal)
        elif block.kind != BlockKind.SUBPARAGRAPH:
            ordinal = None  # operative paragraph 1, a heading, a signature: the preamble is over


# "附件", "附件二", "附文", "附件一 职权范围"; and "……给安全理事会主席的信的附件" (seed 004).
_PART_RE = re.compile(
    r"^(?P<part>(?:附件|附文|附录)(?:[一二三四五六七八九十]{1,3}|[0-9]{1,2})?)(?:[：:\s]*(?P<title>.*))$"
)
_PART_OF_RE = re.compile(r"的(?P<part>(?:附件|附文|附录)(?:[一二三四五六七八九十]{1,3})?)$")


def chinese_part(text: str, prose: bool) -> str | None:
    """The section "附件二" or "……的信的附件" opens; a paragraph (``prose``) opens one only by its name."""
    text = text.replace(" ", "")
    if visible_len(text) > 80 or TERMINAL_RE.search(text):
        return None
    if match := _PART_RE.match(text):
        part, title = match.group("part"), match.group("title")
        # "附件所列…" is prose; a part heading names its number or stands alone.
        if title and part in ("附件", "附文", "附录") and text[len(part)] not in "：: ":
            return None
        return section_for(part)
    if not prose and (match := _PART_OF_RE.search(text)):
        return section_for(match.group("part"))
    return None


def part_section(block: Block, rules: SegmentRules | None = None) -> str | None:
    """The section a heading opens ("annex1", "enclosure1"...), or None if it opens none."""
    if block.kind not in (BlockKind.HEADING, BlockKind.PARAGRAPH) or block.number:
        return None
    return (rules or CHINESE).part(block.text, block.kind == BlockKind.PARAGRAPH)


def _mark_sections(blocks: list[Block], rules: SegmentRules) -> None:
    section = ""
    for block in blocks:
        section = part_section(block, rules) or section
        block.section = section


def segment(units: list[Unit], rules: SegmentRules | None = None) -> list[Block]:
    """One block per unit (signature blocks gather their lines), then the title, preamble and parts."""
    rules = rules or CHINESE
    units = list(units)
    blocks = [_classify(u, i == 0, rules) for i, u in enumerate(units)]
    _absorb_signature(units, blocks, rules)
    blocks = [b for b in blocks if b.text.strip()]
    _merge_title(blocks, rules)
    _mark_preamble(blocks, rules)
    _mark_sections(blocks, rules)
    return blocks


def numbering_warnings(blocks: list[Block]) -> list[str]:
    """Gaps and repeats in the printed paragraph numbers (a restart at 1 is an annex)."""
    warnings: list[str] = []
    previous: int | None = None
    section = ""
    for block in blocks:
        if block.section != section:
            section, previous = block.section, None  # an appended part numbers its paragraphs afresh
        if block.kind != BlockKind.PARAGRAPH or block.number is None:
            continue
        number = int(block.number)
        if previous is None:
            if number != 1:
                warnings.append(_("段落编号从 %(n)d 开始，而不是从 1 开始。") % {"n": number})
        elif number != previous + 1 and number != 1:
            warnings.append(_("段落编号不连续：第 %(prev)d 段之后是第 %(n)d 段。") % {"prev": previous, "n": number})
        previous = number
    return warnings


CHINESE = SegmentRules(
    terminal=TERMINAL_RE,
    chapeau=CHAPEAU_RE,
    signature=_SIGNATURE_RE,
    role=_ROLE_RE,
    role_below=False,
    numeral_heading=_NUMERAL_HEADING_RE,
    heading_max=_HEADING_MAX,
    numbered_heading_max=_NUMBERED_HEADING_MAX,
    adopted=ADOPTED_RE,
    title_tail=_TITLE_TAIL_RE,
    part=chinese_part,
    soft_end=_SOFT_END,
)
