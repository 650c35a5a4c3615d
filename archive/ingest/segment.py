"""Classify logical units into blocks: title, headings, paragraphs, list items, signatures, tables.

Then the document's parts: a resolution's preamble (the considerations between "安全理事会，" and
operative paragraph 1, numbered 1, 2… as the UN does: pp1, pp2…), and the appended parts (附件,
附件一, 附文, "……的信的附件"), whose paragraph numbering restarts at 1.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .clean import CHAPEAU_RE, TERMINAL_RE, Unit, visible_len
from .pinpoints import section_for
from .types import Block, BlockKind

__all__ = ["numbering_warnings", "segment"]

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


def _heading_like(text: str, limit: int = _HEADING_MAX) -> bool:
    return (
        0 < visible_len(text) <= limit
        and not TERMINAL_RE.search(text)
        and text[-1] not in _SOFT_END
        and not text.replace(" ", "").isdigit()
    )


def _classify(unit: Unit, first: bool) -> Block:
    block = _classify_text(unit.text, first) if not unit.table else Block(BlockKind.TABLE, unit.text)
    block.page = unit.page
    return block


# "2022 年 7 月 15 日安全理事会第 9093 次会议通过": a resolution's adoption line, under its title.
ADOPTED_RE = re.compile(r"^[0-9]{4}\s*年.{0,30}?第\s*[0-9]+\s*次会议(?:上)?通过[。]?$")


def _classify_text(text: str, first: bool) -> Block:
    if _SIGNATURE_RE.search(text):
        return Block(BlockKind.SIGNATURE, text)
    if (match := _PARAGRAPH_RE.match(text)) and match.group(2).strip():
        number, rest = match.group(1), match.group(2).strip()
        # "1. 通过联合国后勤和行动支助增强……的能力" in 001 is a numbered heading, not paragraph 1.
        if _heading_like(rest, _NUMBERED_HEADING_MAX):
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
    if _NUMERAL_HEADING_RE.match(text) and _heading_like(text):
        return Block(BlockKind.HEADING, text)
    if not first and ADOPTED_RE.match(text):
        return Block(BlockKind.PARAGRAPH, text)  # says when, not what: no heading of the contents
    if _heading_like(text):
        return Block(BlockKind.TITLE if first else BlockKind.HEADING, text)
    return Block(BlockKind.PARAGRAPH, text)


def _signature_part(unit: Unit, block: Block) -> bool:
    return (
        block.kind in (BlockKind.HEADING, BlockKind.PARAGRAPH)
        and block.number is None
        and not _NUMERAL_HEADING_RE.match(unit.text)
        and _heading_like(unit.text, 40)
    )


def _absorb_signature(units: list[Unit], blocks: list[Block]) -> None:
    """Merge "organ / 主席 / name(签名)" lines into one signature block."""
    i = 0
    while i < len(blocks):
        if blocks[i].kind != BlockKind.SIGNATURE:
            i += 1
            continue
        start = i
        indented = units[i].indent >= 4
        if start > 0 and _signature_part(units[start - 1], blocks[start - 1]):
            role = bool(_ROLE_RE.search(units[start - 1].text))
            if role or (indented and units[start - 1].indent >= 4):
                start -= 1
                # The organ's name sits above the function ("……工作组" / "主席").
                if role and start > 0 and _signature_part(units[start - 1], blocks[start - 1]):
                    start -= 1
        if start < i:
            text = "\n".join(units[k].text for k in range(start, i + 1))
            blocks[start : i + 1] = [Block(BlockKind.SIGNATURE, text, page=blocks[start].page)]
            del units[start:i]
        i = start + 1


# The second line of a two-line title: who reports ("秘书长的报告") or what the document is ("更正").
_TITLE_TAIL_RE = re.compile(
    r"^(?:(?:秘书长|秘书处|[^，。；：、\s]{2,30}(?:委员会|小组|工作组|主席))的(?:报告|说明)|更正|订正|增编)$"
)


def _merge_title(blocks: list[Block]) -> None:
    """ "联合国南苏丹特派团" / "秘书长的报告": the report's title is both lines, kept as one block."""
    if len(blocks) > 1 and blocks[0].kind == BlockKind.TITLE and blocks[1].kind == BlockKind.HEADING:
        if _TITLE_TAIL_RE.match(blocks[1].text):
            blocks[0].text = f"{blocks[0].text}\n{blocks[1].text}"
            del blocks[1]


def _mark_preamble(blocks: list[Block]) -> None:
    """Unnumbered paragraphs between "安全理事会，" and the first numbered paragraph are preambular."""
    ordinal: int | None = None
    for block in blocks:
        if block.kind == BlockKind.PARAGRAPH and block.number is None and CHAPEAU_RE.match(block.text):
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


def part_section(block: Block) -> str | None:
    """The section a heading opens ("annex1", "enclosure1"...), or None if it opens none."""
    if block.kind not in (BlockKind.HEADING, BlockKind.PARAGRAPH) or block.number:
        return None
    text = block.text.replace(" ", "")
    if visible_len(text) > 80 or TERMINAL_RE.search(text):
        return None
    if match := _PART_RE.match(text):
        part, title = match.group("part"), match.group("title")
        # "附件所列…" is prose; a part heading names its number or stands alone.
        if title and part in ("附件", "附文", "附录") and text[len(part)] not in "：: ":
            return None
        return section_for(part)
    if block.kind != BlockKind.PARAGRAPH and (match := _PART_OF_RE.search(text)):
        return section_for(match.group("part"))
    return None


def _mark_sections(blocks: list[Block]) -> None:
    section = ""
    for block in blocks:
        section = part_section(block) or section
        block.section = section


def segment(units: list[Unit]) -> list[Block]:
    """One block per unit (signature blocks gather their lines), then the title, preamble and parts."""
    units = list(units)
    blocks = [_classify(u, first=(i == 0)) for i, u in enumerate(units)]
    _absorb_signature(units, blocks)
    blocks = [b for b in blocks if b.text.strip()]
    _merge_title(blocks)
    _mark_preamble(blocks)
    _mark_sections(blocks)
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
