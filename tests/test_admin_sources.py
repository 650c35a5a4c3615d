"""Text out of uploaded files (.txt, .pdf, .docx), or a refusal a librarian can act on."""

from __future__ import annotations

import io
import zipfile

import pytest

from archive.ingest.errors import IngestError
from archive.ingest.sources import extract_text

LINES = [
    "2024 年 3 月 1 日秘书长给安全理事会主席的信",
    "我谨提及安全理事会第 2645(2022)号决议。",
    "安东尼奥·古特雷斯(签名)",
]


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds ``lines`` (a Type0 font with a ToUnicode map, like UN PDFs).

    No glyphs are embedded: extraction only needs the CID → Unicode map, which is what a real
    text layer provides and a scan lacks.
    """
    chars = sorted({c for line in lines for c in line})
    cid = {c: i + 1 for i, c in enumerate(chars)}
    show = "\n".join(f"<{''.join(f'{cid[c]:04X}' for c in line)}> Tj T*" for line in lines)
    content = f"BT /F1 12 Tf 14 TL 50 780 Td\n{show}\nET".encode()
    entries = [f"<{cid[c]:04X}> <{ord(c):04X}>" for c in chars]
    chunks = [entries[i : i + 100] for i in range(0, len(entries), 100)]
    bfchars = "\n".join(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar" for chunk in chunks)
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{bfchars}\nendcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /NotoSansCJK /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NotoSansCJK "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 "
        b"/FontDescriptor 8 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap),
        b"<< /Type /FontDescriptor /FontName /NotoSansCJK /Flags 4 /FontBBox [0 -120 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    from docx import Document as WordDocument

    word = WordDocument()
    for text in paragraphs:
        word.add_paragraph(text)
    if table:
        grid = word.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def test_a_pdf_text_layer_is_extracted():
    text = extract_text("letter.PDF", make_pdf(LINES))
    for line in LINES:
        assert line in text


def test_a_pdf_without_a_text_layer_is_a_scan():
    with pytest.raises(IngestError, match="^这是扫描版 PDF，没有可提取的文字"):
        extract_text("scan.pdf", blank_pdf())


def test_a_password_protected_pdf_is_refused_clearly():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(make_pdf(LINES))))
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(IngestError, match="密码"):
        extract_text("locked.pdf", buffer.getvalue())


def test_a_broken_pdf_is_refused_clearly():
    with pytest.raises(IngestError, match="无法读取这个 PDF"):
        extract_text("broken.pdf", b"%PDF-1.7\nthis is not a pdf at all")


def test_a_docx_gives_its_paragraphs_and_table_cells_in_order():
    data = make_docx(LINES[:2], table=[["甲", "乙"], ["丙", "丁"]])
    text = extract_text("letter.docx", data)
    assert text.split("\n")[:2] == LINES[:2]
    assert text.index("甲") < text.index("乙") < text.index("丙") < text.index("丁")


def test_a_merged_table_cell_is_read_once():
    from docx import Document as WordDocument

    word = WordDocument()
    grid = word.add_table(rows=1, cols=3)
    merged = grid.cell(0, 0).merge(grid.cell(0, 1))
    merged.text = "合并的单元格"
    grid.cell(0, 2).text = "单独的单元格"
    buffer = io.BytesIO()
    word.save(buffer)
    text = extract_text("table.docx", buffer.getvalue())
    assert text.count("合并的单元格") == 1 and "单独的单元格" in text


def test_a_docx_that_is_not_one_is_refused():
    with pytest.raises(IngestError, match="不是有效的 .docx"):
        extract_text("letter.docx", b"PK\x03\x04 not really a zip")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(IngestError, match="不是有效的 .docx"):
        extract_text("letter.docx", buffer.getvalue())


def test_an_empty_docx_is_refused():
    with pytest.raises(IngestError, match="没有文字"):
        extract_text("empty.docx", make_docx([""]))


def test_text_files_are_decoded_as_utf8_or_gb18030():
    body = "\n\n".join(LINES) + "\n"
    assert extract_text("a.txt", body.encode("utf-8")) == body
    assert extract_text("a.TXT", body.encode("gb18030")) == body


@pytest.mark.parametrize(
    ("name", "message"),
    [("letter.doc", "另存为 .docx"), ("letter.rtf", "不支持的文件类型“.rtf”"), ("letter", "不支持的文件类型")],
)
def test_other_file_types_are_refused_with_advice(name, message):
    with pytest.raises(IngestError, match=message):
        extract_text(name, b"whatever")


def test_oversize_files_are_refused_before_they_are_read():
    with pytest.raises(IngestError, match="^文件过大"):
        extract_text("letter.pdf", make_pdf(LINES), max_bytes=100)


# --- Word footnotes --------------------------------------------------------------------------------

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def make_docx_with_footnotes(parts: list[str | int], notes: dict[int, str]) -> bytes:
    """A .docx whose paragraph is ``parts`` (text, or the id of a referenced footnote) and whose
    footnotes part holds ``notes`` (id → text), with Word's separator entries, as Word writes them."""
    from docx import Document as WordDocument
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    word = WordDocument()
    word.add_paragraph(LINES[0])
    paragraph = word.add_paragraph()
    for part in parts:
        run = paragraph.add_run(part if isinstance(part, str) else None)
        if isinstance(part, int):
            ref = OxmlElement("w:footnoteReference")
            ref.set(qn("w:id"), str(part))
            run._r.append(ref)
    bodies = "".join(
        f'<w:footnote w:id="{i}"><w:p><w:r><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'
        for i, text in notes.items()
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{_W_NS}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
        f"</w:footnote>{bodies}</w:footnotes>"
    ).encode()
    footnotes = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml, word.part.package)
    word.part.relate_to(footnotes, RT.FOOTNOTES)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


WORD_FOOTNOTES = make_docx_with_footnotes(
    ["我谨提及我的报告。", 7, " 这是后文，说明情况", 3, "。"],
    {3: "见第 2645(2022)号决议。", 7: "见 S/2018/1183，第 12 段。"},
)


def test_word_footnotes_come_out_numbered_as_word_shows_them():
    text = extract_text("letter.docx", WORD_FOOTNOTES)
    # Word numbers footnotes by order of reference, whatever their internal ids.
    assert "我谨提及我的报告。1 这是后文，说明情况2。" in text
    assert text.rstrip().endswith("__________________\n1 见 S/2018/1183，第 12 段。\n2 见第 2645(2022)号决议。")


def test_word_footnotes_become_footnotes_with_markers_and_citations():
    from archive.ingest import parse

    parsed = parse(extract_text("letter.docx", WORD_FOOTNOTES))
    assert [(f.number, f.text) for f in parsed.footnotes] == [
        ("1", "见 S/2018/1183，第 12 段。"),
        ("2", "见第 2645(2022)号决议。"),
    ]
    (body,) = [b for b in parsed.blocks if "报告" in b.text]
    assert body.text == "我谨提及我的报告。这是后文，说明情况。"
    assert [r.number for r in body.footnote_refs] == ["1", "2"]
    cited = {(c.symbol, c.pinpoint) for f in parsed.footnotes for c in f.citations}
    assert cited == {("S/2018/1183", "12"), ("S/RES/2645(2022)", None)}


def test_a_word_file_without_footnotes_reads_as_before():
    assert "__________________" not in extract_text("letter.docx", make_docx(LINES))
