"""Uploads keep their page boundaries (PDF pages, Word page breaks) and Word tables their cells."""

from __future__ import annotations

import io

from archive.ingest import parse
from archive.ingest.sources import extract_text
from archive.ingest.types import BlockKind

from .test_admin_sources import make_docx, make_docx_with_footnotes, make_pdf

PAGE_1 = ["2024 年 3 月 1 日秘书长给安全理事会主席的信", "我谨提及安全理事会第 2645(2022)号决议。"]
PAGE_2 = ["联合国将继续支持海地国家警察。", "安东尼奥·古特雷斯(签名)"]


def two_page_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for lines in (PAGE_1, PAGE_2):
        writer.add_page(PdfReader(io.BytesIO(make_pdf(lines))).pages[0])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pdf_pages_become_official_pages() -> None:
    text = extract_text("letter.pdf", two_page_pdf())
    assert text.count("\f") == 1
    doc = parse(text)
    assert [(b.text, b.page) for b in doc.blocks] == [(PAGE_1[0], 1), (PAGE_1[1], 1), (PAGE_2[0], 2), (PAGE_2[1], 2)]


def word_with_breaks(rendered: bool) -> bytes:
    from docx import Document as WordDocument
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement

    word = WordDocument()
    word.add_paragraph(PAGE_1[0])
    word.add_paragraph(PAGE_1[1])
    if rendered:
        # Word records where it last broke the pages; python-docx can only write the element by hand.
        paragraph = word.add_paragraph()
        run = paragraph.add_run()
        run._r.append(OxmlElement("w:lastRenderedPageBreak"))
        run.add_text(PAGE_2[0])
    else:
        word.paragraphs[-1].runs[-1].add_break(WD_BREAK.PAGE) if word.paragraphs[-1].runs else None
        word.add_paragraph(PAGE_2[0])
    word.add_paragraph(PAGE_2[1])
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def test_word_page_breaks_become_official_pages() -> None:
    for rendered in (True, False):
        doc = parse(extract_text("letter.docx", word_with_breaks(rendered)))
        assert [b.page for b in doc.blocks] == [1, 1, 2, 2], rendered


def test_a_word_table_is_one_table_block() -> None:
    rows = [["阶段", "军事人员", "警察"], ["第一阶段", "2 000", "391"], ["第二阶段", "1 500", "250"]]
    data = make_docx(["1. 各阶段的人数如下：", "2. 部署按计划进行。"], table=rows)
    text = extract_text("report.docx", data)
    assert "阶段\t军事人员\t警察" in text
    (table,) = [b for b in parse(text).blocks if b.kind == BlockKind.TABLE]
    assert table.text == "\n".join("\t".join(row) for row in rows)


def test_word_footnotes_without_page_breaks_still_follow_the_text() -> None:
    data = make_docx_with_footnotes(["见报告。", 2, "正文继续。"], {2: "见 S/2018/1183，第 12 段。"})
    doc = parse(extract_text("letter.docx", data))
    assert [(f.number, f.text, f.page) for f in doc.footnotes] == [("1", "见 S/2018/1183，第 12 段。", None)]


def test_word_footnotes_go_to_the_foot_of_the_page_that_references_them() -> None:
    from docx import Document as WordDocument
    from docx.enum.text import WD_BREAK

    data = make_docx_with_footnotes(
        ["第一页的正文。", 3, "第二页的正文。", 7], {3: "第一页的脚注。", 7: "第二页的脚注。"}
    )
    word = WordDocument(io.BytesIO(data))
    # Break the page after the first reference: python-docx wrote one run per part.
    word.paragraphs[1].runs[1].add_break(WD_BREAK.PAGE)
    buffer = io.BytesIO()
    word.save(buffer)
    text = extract_text("letter.docx", buffer.getvalue())
    assert text.index("1 第一页的脚注。") < text.index("\f") < text.index("2 第二页的脚注。")
    doc = parse(text)
    assert [(f.number, f.page) for f in doc.footnotes] == [("1", 1), ("2", 2)]
    assert [r.number for b in doc.blocks for r in b.footnote_refs] == ["1", "2"]
