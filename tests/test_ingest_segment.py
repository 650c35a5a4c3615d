"""Segmentation: titles, headings, numbered paragraphs, sub-paragraphs, lists, signatures."""

from __future__ import annotations

import pytest

from archive.ingest.clean import Unit
from archive.ingest.segment import numbering_warnings, segment
from archive.ingest.types import Block, BlockKind, ParsedDocument
from tests.conftest import SEEDS
from tests.conftest import parsed_seed as parsed


def numbers(doc: ParsedDocument) -> list[int]:
    return [int(b.number) for b in doc.blocks if b.kind == BlockKind.PARAGRAPH and b.number]


def kinds_of(doc: ParsedDocument, kind: BlockKind) -> list[Block]:
    return [b for b in doc.blocks if b.kind == kind]


def after(doc: ParsedDocument, block: Block, count: int) -> list[Block]:
    i = next(i for i, b in enumerate(doc.blocks) if b is block)
    return doc.blocks[i + 1 : i + 1 + count]


# --- numbered paragraphs -----------------------------------------------------------------


@pytest.mark.parametrize(("prefix", "last"), [("002", 68), ("003", 58), ("004", 71)])
def test_paragraph_numbering_has_no_gap(prefix: str, last: int) -> None:
    doc = parsed(prefix)
    assert numbers(doc) == list(range(1, last + 1))
    assert numbering_warnings(doc.blocks) == []


@pytest.mark.parametrize("prefix", ["000", "001"])
def test_unnumbered_documents_have_unnumbered_paragraphs(prefix: str) -> None:
    doc = parsed(prefix)
    assert numbers(doc) == []
    assert len(kinds_of(doc, BlockKind.PARAGRAPH)) > 30


def test_number_is_removed_from_the_paragraph_text() -> None:
    doc = parsed("002")
    first = next(b for b in doc.blocks if b.number == "1")
    assert first.text.startswith("如《联合国宪章》序言部分所强调的那样")
    twelve = next(b for b in doc.blocks if b.number == "12")
    assert twelve.text.startswith("上述情况表明")


def test_paragraph_split_by_footnote_area_and_page_header_is_one_block() -> None:
    # 002 paragraph 20 is interrupted by the footnote separator, 003 paragraph 8(d) by page headers.
    p20 = next(b for b in parsed("002").blocks if b.number == "20")
    assert p20.text.endswith("与实现我对维持和平的愿景有着内在的联系。")
    assert "(c) 通过“全支柱”办法" in p20.text


def test_numbering_gap_is_reported() -> None:
    units = [Unit("1. 第一段。"), Unit("2. 第二段。"), Unit("4. 第四段。")]
    warnings = numbering_warnings(segment(units))
    assert len(warnings) == 1 and "2" in warnings[0] and "4" in warnings[0]
    assert any("缺" in w or "不连续" in w for w in warnings)


def test_numbering_restart_in_an_annex_is_not_a_gap() -> None:
    units = [Unit("1. 信。"), Unit("2. 信。"), Unit("附件"), Unit("1. 报告。"), Unit("2. 报告。")]
    assert numbering_warnings(segment(units)) == []


# --- title and headings -----------------------------------------------------------------


@pytest.mark.parametrize("prefix", SEEDS)
def test_first_block_is_the_title(prefix: str) -> None:
    doc = parsed(prefix)
    assert doc.blocks[0].kind == BlockKind.TITLE
    assert len(kinds_of(doc, BlockKind.TITLE)) == 1


@pytest.mark.parametrize(
    ("prefix", "heading"),
    [
        ("002", "一. 导言"),
        ("002", "A. 全系统服务提供者"),
        ("002", "摘要"),
        ("002", "五. 意见"),
        ("003", "一. 导言"),
        ("003", "A. 在 6 月份与部队派遣国代表团举行的会议"),
        ("003", "安全理事会维持和平行动工作组的报告"),
        ("000", "当前安全形势"),
        ("000", "备选方案 1：多国警察工作队"),
        ("000", "进一步加强联合国海地综合办事处警察部分，提高其核定上限"),
        ("001", "当前局势"),
        ("001", "1. 通过联合国后勤和行动支助增强多国安全支助团的能力"),
        ("004", "三. 安全理事会关于维和人员安全保障的第 2518(2020)号决议的执行情况"),
        ("004", "五. 结论"),
    ],
)
def test_headings_are_detected(prefix: str, heading: str) -> None:
    assert heading in [b.text for b in kinds_of(parsed(prefix), BlockKind.HEADING)]


def test_unnumbered_heading_repeated_in_003() -> None:
    headings = [b.text for b in kinds_of(parsed("003"), BlockKind.HEADING)]
    assert headings.count("秘书处、部队派遣国和安理会成员交换意见") == 3


def test_short_sentences_are_not_headings() -> None:
    texts = [b.text for b in kinds_of(parsed("000"), BlockKind.PARAGRAPH)]
    assert "短期而言，建议采取下述步骤。" in texts


# --- sub-paragraphs and lists -----------------------------------------------------------


def test_003_sub_paragraphs_follow_their_paragraph() -> None:
    doc = parsed("003")
    seven = next(b for b in doc.blocks if b.number == "7")
    subs = after(doc, seven, 9)
    assert [b.label for b in subs] == [f"({c})" for c in "abcdefghi"]
    assert all(b.kind == BlockKind.SUBPARAGRAPH for b in subs)
    assert subs[0].text.startswith("除其他挑战外")
    eight = next(b for b in doc.blocks if b.number == "8")
    assert [b.label for b in after(doc, eight, 4)] == ["(a)", "(b)", "(c)", "(d)"]


def test_001_markdown_bullets_become_labelled_sub_paragraphs() -> None:
    labels = [b.label for b in kinds_of(parsed("001"), BlockKind.SUBPARAGRAPH)]
    assert labels == ["(a)", "(i)", "(ii)", "(b)", "(c)", "(d)", "(a)", "(b)", "(c)", "(d)", "(e)"]
    first = kinds_of(parsed("001"), BlockKind.SUBPARAGRAPH)[0]
    assert first.text.startswith("为多国安全支助团提供全面的后勤和行动支助")


def test_inline_labels_stay_inside_their_paragraph() -> None:
    doc = parsed("002")
    assert kinds_of(doc, BlockKind.SUBPARAGRAPH) == []
    summary = doc.blocks[2]
    assert summary.kind == BlockKind.PARAGRAPH
    for label in "abcdef":
        assert f"({label}) " in summary.text


def test_bullets() -> None:
    items = kinds_of(parsed("003"), BlockKind.LIST_ITEM)
    assert len(items) == 13 and {b.label for b in items} == {"•"}
    assert items[0].text == "联合国在采购用于维和任务的直升机方面所面临的挑战"
    dashes = kinds_of(parsed("001"), BlockKind.LIST_ITEM)
    assert len(dashes) == 3 + 4 + 4 + 2 and {b.label for b in dashes} == {"-"}
    assert dashes[0].text.startswith("海地将在恢复国家权力和法治方面发挥主导作用")


# --- signatures -------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["000", "001"])
def test_secretary_general_signature(prefix: str) -> None:
    doc = parsed(prefix)
    assert doc.blocks[-1].kind == BlockKind.SIGNATURE
    assert doc.blocks[-1].text == "安东尼奥·古特雷斯(签名)"


@pytest.mark.parametrize(
    ("prefix", "name"),
    [("003", "乌切·乔伊·奥格武(签名)"), ("004", "塔里克·拉德卜(签名)")],
)
def test_signature_block_keeps_organ_and_function(prefix: str, name: str) -> None:
    (signature,) = kinds_of(parsed(prefix), BlockKind.SIGNATURE)
    assert signature.text.split("\n") == ["安全理事会维持和平行动工作组", "主席", name]
    texts = [b.text for b in parsed(prefix).blocks]
    assert "主席" not in texts and "安全理事会维持和平行动工作组" not in texts


def test_block_texts_are_stripped_and_non_empty() -> None:
    for prefix in SEEDS:
        for block in parsed(prefix).blocks:
            assert block.text and block.text == block.text.strip()
