"""Footnotes: bodies cut out of the page flow, markers moved out of the text."""

from __future__ import annotations

import pytest

from archive.ingest import parse
from archive.ingest.types import Block, BlockKind, ParsedDocument
from tests.conftest import parsed_seed as parsed


def paragraph(doc: ParsedDocument, number: str) -> Block:
    (block,) = [b for b in doc.blocks if b.kind == BlockKind.PARAGRAPH and b.number == number]
    return block


def text_before(block: Block, number: str, width: int = 30) -> str:
    (ref,) = [r for r in block.footnote_refs if r.number == number]
    return block.text[max(0, ref.position - width) : ref.position]


def text_after(block: Block, number: str, width: int = 8) -> str:
    (ref,) = [r for r in block.footnote_refs if r.number == number]
    return block.text[ref.position : ref.position + width]


# --- bodies ---------------------------------------------------------------------------

EXPECTED_BODIES = {
    "1": "联合国和世界银行：《通往和平的道路：防范暴力冲突的包容性方法》(华盛顿特区，2018 年)，第 11-48 页。",
    "3": "见：安全理事会第 2282(2016)号和大会第 70/262 号双重决议序言部分第八段；A/72/707-S/2018/43，第 1 段。",
    "4": "第 2185(2014)号决议，序言部分第二十二和第二十三段，以及第 10、11、26、28 段。",
    "5": "第 2382(2017)号决议，序言部分第四和第五段，以及第 5 和第 8 段。",
    "6": "第 2447(2018)号决议，第 1 和第 8 段。",
    "7": "“联合国特派团缩编或撤离过渡政策”，2013 年 2 月 4 日，第 3 段(报告可见于秘书处的文档)。",
    "8": "维持和平行动部/外勤支助部，“维持和平行动和特别政治任务中的联合国警察”，第 43 和 84 段。",
}


def test_002_has_nine_separate_footnotes() -> None:
    notes = parsed("002").footnotes
    assert [f.number for f in notes] == [str(n) for n in range(1, 10)]
    for number, text in EXPECTED_BODIES.items():
        assert notes[int(number) - 1].text == text


def test_wrapped_footnote_bodies_are_joined() -> None:
    notes = {f.number: f.text for f in parsed("002").footnotes}
    assert notes["9"].startswith("欧洲联盟理事会，加强联合国-欧洲联盟和平行动和危机管理战略伙伴关系的理事会结论")
    assert "2019-2021 年优先事项，2018 年 9 月 18 日(https://www.consilium.europa.eu/" in notes["9"]


def test_spaced_out_footnote_body_is_collapsed() -> None:
    fn2 = parsed("002").footnotes[1].text
    assert fn2.startswith("联合国：“改善联合国维和人员安保状况”，2017 年 12 月 19 日。可查阅：https://peacekeeping")


def test_no_footnote_text_remains_in_the_body() -> None:
    doc = parsed("002")
    body = "\n".join(b.text for b in doc.blocks)
    for note in doc.footnotes:
        # Stretches of 20 characters are specific enough; take three spread over each body.
        for start in (0, len(note.text) // 2 - 10, len(note.text) - 20):
            assert note.text[start : start + 20] not in body, note.number
    for phrase in ("华盛顿特区", "第 11-48 页", "可查阅", "第二十二和第二十三段", "秘书处的文档", "st12264"):
        assert phrase not in body


def test_documents_without_separator_have_no_footnotes() -> None:
    for prefix in ("000", "001", "003", "004"):
        doc = parsed(prefix)
        assert doc.footnotes == []
        assert all(not b.footnote_refs for b in doc.blocks)
        assert doc.warnings == []


# --- markers ----------------------------------------------------------------------------


def test_002_markers_are_1_to_9_in_order() -> None:
    refs = [r.number for b in parsed("002").blocks for r in b.footnote_refs]
    assert refs == [str(n) for n in range(1, 10)]
    assert parsed("002").warnings == []


def test_markers_are_attached_where_they_stood() -> None:
    doc = parsed("002")
    p4 = paragraph(doc, "4")
    assert text_before(p4, "1").endswith("其性质日益复杂。")
    assert text_after(p4, "1").startswith("人们对国家冲突")
    p9 = paragraph(doc, "9")
    assert text_before(p9, "2").endswith("《改善联合国维和人员安保状况》")
    assert text_after(p9, "2").startswith("的独立报告所述")
    p14 = paragraph(doc, "14")
    assert text_before(p14, "3").endswith("为基础这一愿景。")
    assert p14.footnote_refs[0].position == len(p14.text)
    p15 = paragraph(doc, "15")
    assert text_before(p15, "4").endswith("第 2185(2014)号、")
    assert text_before(p15, "5").endswith("第 2382(2017)号、")
    assert text_before(p15, "6").endswith("第 2447(2018)号")
    assert text_after(p15, "6").startswith("决议中注意到")
    assert text_before(paragraph(doc, "48"), "7").endswith("和联合国战略备选方案。")
    assert text_before(paragraph(doc, "49"), "8").endswith("与过渡战略联系起来。")
    assert text_before(paragraph(doc, "57"), "9").endswith("八项前瞻性优先事项之一，")


def test_marker_digits_are_removed_from_the_text() -> None:
    doc = parsed("002")
    assert "其性质日益复杂。人们对国家冲突" in paragraph(doc, "4").text
    p15 = paragraph(doc, "15").text
    assert "安全理事会在其第 2185(2014)号、第 2382(2017)号、第 2447(2018)号决议中注意到" in p15
    assert "安保状况》的独立报告" in paragraph(doc, "9").text


def test_numbers_after_punctuation_that_are_not_markers_stay() -> None:
    doc = parsed("002")
    assert "中建议 3、4 和 7 所提倡的问责措施" in paragraph(doc, "26").text
    assert "建议 9、11 和 12，在具体情况下" in paragraph(doc, "62").text
    assert "根据我前一份报告的建议 2、3 和 6，警务司" in paragraph(doc, "67").text
    assert "中的建议 6 的精神" in paragraph(doc, "30").text
    assert "第 53 段、第 54 段和第 57 段" in paragraph(doc, "26").text


def test_marker_positions_are_inside_their_block() -> None:
    for block in parsed("002").blocks:
        for ref in block.footnote_refs:
            assert 0 <= ref.position <= len(block.text)


# --- synthetic cases --------------------------------------------------------------------

WRAPPED_WITH_NOTES = "\n".join(
    [
        "   关于测试的报告 ",
        "",
        "1. 第一段有一个脚注。1 后面还有文字，并且一直写到这一页的末尾为止，这句话被分页打断了，要在下一页继",
        "",
        "__________________ ",
        "",
        " 1 第一个脚注的正文，写得很长，换了一行，",
        "",
        "还在下一行继续。 ",
        "",
        "https://undocs.org/ch/S/2016/952",
        " 续下去。2 ",
        "",
        "2. 第二段。 ",
        "",
    ]
)


def test_body_continues_after_the_footnote_area() -> None:
    doc = parse(WRAPPED_WITH_NOTES)
    one = paragraph(doc, "1")
    assert "要在下一页继续下去。" in one.text
    assert [f.text for f in doc.footnotes] == ["第一个脚注的正文，写得很长，换了一行，还在下一行继续。"]
    assert [r.number for r in one.footnote_refs] == ["1"]
    assert text_after(one, "1", 4) == "后面还有"


def test_marker_without_body_is_reported() -> None:
    doc = parse(WRAPPED_WITH_NOTES)
    # "继续下去。2 " looks like marker 2, but there is no footnote 2.
    assert paragraph(doc, "1").text.endswith("继续下去。2")
    assert any("2" in w and "脚注" in w and "没有找到" in w for w in doc.warnings), doc.warnings


def test_body_without_marker_is_reported() -> None:
    text = WRAPPED_WITH_NOTES.replace("脚注。1 后面", "脚注。后面")
    doc = parse(text)
    assert doc.footnotes and not any(b.footnote_refs for b in doc.blocks)
    assert any("脚注 1" in w for w in doc.warnings), doc.warnings


def test_footnote_body_continues_on_the_next_page() -> None:
    text = "\n".join(
        [
            "1. 正文。1 再写一些文字。 ",
            "",
            "__________________ ",
            "",
            " 1 脚注正文的开头在这一页， ",
            "",
            "https://undocs.org/ch/A/72/19",
            "2. 第二段正文也写在这一页上。2 ",
            "",
            "__________________ ",
            "",
            "接下来的这一行属于脚注 1。 ",
            "",
            " 2 第二个脚注。 ",
            "",
        ]
    )
    doc = parse(text)
    assert [(f.number, f.text) for f in doc.footnotes] == [
        ("1", "脚注正文的开头在这一页，接下来的这一行属于脚注 1。"),
        ("2", "第二个脚注。"),
    ]
    assert [r.number for b in doc.blocks for r in b.footnote_refs] == ["1", "2"]


def test_wrapped_footnote_line_starting_with_a_number_continues_the_body() -> None:
    text = "\n".join(
        [
            "1. 正文。1 更多正文。2 ",
            "",
            "__________________ ",
            "",
            " 1 捐助资金目前已有",
            "",
            "2 800 万美元。 ",
            "",
            " 2 第二个脚注。 ",
        ]
    )
    doc = parse(text)
    assert [(f.number, f.text) for f in doc.footnotes] == [
        ("1", "捐助资金目前已有 2 800 万美元。"),
        ("2", "第二个脚注。"),
    ]


def test_text_after_a_footnote_area_without_page_break_is_not_swallowed() -> None:
    text = "\n".join(["1. 第一段。1", "", "__________________", "", "1 脚注。", "", "2. 第二段。", "", "3. 第三段。"])
    doc = parse(text)
    assert [(f.number, f.text) for f in doc.footnotes] == [("1", "脚注。")]
    assert [b.number for b in doc.blocks] == ["1", "2", "3"]


def test_a_lost_marker_does_not_hide_the_following_ones() -> None:
    text = "\n".join(
        [
            "1. 第一段没有标记。 ",
            "",
            "2. 第二段有标记。2 之后还有文字。 ",
            "",
            "__________________ ",
            "",
            " 1 脚注一。 ",
            "",
            " 2 脚注二。 ",
            "",
        ]
    )
    doc = parse(text)
    assert [r.number for b in doc.blocks for r in b.footnote_refs] == ["2"]
    assert any("脚注 1" in w for w in doc.warnings)


@pytest.mark.parametrize(
    "citation_module",
    ["archive.ingest.citations"],
)
def test_citations_are_found_in_blocks_and_footnotes(citation_module: str) -> None:
    pytest.importorskip(citation_module)
    doc = parsed("002")
    fn3 = doc.footnotes[2]
    assert "A/72/707-S/2018/43" in {c.symbol for c in fn3.citations}
    for item in [*doc.blocks, *doc.footnotes]:
        for cit in item.citations:
            assert item.text[cit.start : cit.end] == cit.text
    p1 = paragraph(doc, "1")
    assert any(c.symbol == "A/55/305-S/2000/809" for c in p1.citations)
