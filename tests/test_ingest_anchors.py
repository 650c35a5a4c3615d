"""Anchors are public URLs: they must be predictable for numbered paragraphs and survive re-imports."""

import re

from archive.ingest.anchors import ANCHOR_PATTERN, ExistingBlock, assign_anchors
from archive.ingest.types import Block, BlockKind


def blocks(*specs):
    return [Block(kind=k, text=t, number=n, label=lbl) for k, t, n, lbl in specs]


P, H, S, B = BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.SUBPARAGRAPH, BlockKind.LIST_ITEM


def test_numbered_paragraphs_are_named_by_their_number_and_subparagraphs_by_parent():
    doc = blocks(
        (H, "一. 导言", None, None),
        (P, "正文", "12", None),
        (S, "分段", None, "(a)"),
        (P, "另一段", "13", None),
    )
    assert assign_anchors(doc) == ["h1", "p12", "p12-a", "p13"]
    assert all(re.fullmatch(ANCHOR_PATTERN, a) for a in assign_anchors(doc)), "anchors must match the URL route"


def test_unnumbered_blocks_keep_their_anchor_when_text_is_corrected_or_moved():
    first = blocks(
        (P, "安全理事会在其第 2645(2022)号决议中请我与海地政府协商。", None, None),
        (P, "最近几周，安全局势急剧恶化。", None, None),
    )
    anchors = assign_anchors(first)
    existing = [ExistingBlock(a, b.kind, b.text) for a, b in zip(anchors, first, strict=True)]
    # A typo fixed in the second block, and a new block inserted before both.
    second = blocks(
        (P, "新插入的段落，与原有段落完全不同。", None, None),
        (P, "安全理事会在其第 2645(2022)号决议中请我与海地政府协商。", None, None),
        (P, "最近几周，安全局势急剧恶化了。", None, None),
    )
    again = assign_anchors(second, existing)
    assert again[1] == anchors[0]
    assert again[2] == anchors[1]
    assert again[0] not in anchors, "a new block must never take over an anchor already served"


def test_a_removed_anchor_is_never_reused_for_a_different_block():
    first = blocks((P, "甲乙丙丁戊己庚辛", None, None), (P, "子丑寅卯辰巳午未", None, None))
    anchors = assign_anchors(first)
    existing = [ExistingBlock(a, b.kind, b.text) for a, b in zip(anchors, first, strict=True)]
    second = blocks((P, "子丑寅卯辰巳午未", None, None), (P, "完全不同的新文字内容", None, None))
    again = assign_anchors(second, existing)
    assert again[0] == anchors[1]
    assert again[1] not in anchors


def test_duplicate_paragraph_numbers_do_not_produce_duplicate_anchors():
    doc = blocks((P, "一", "3", None), (P, "二", "3", None))
    anchors = assign_anchors(doc)
    assert len(set(anchors)) == 2 and anchors[0] == "p3"
