"""Hostile or broken Word files: one Chinese line each, on every path, nothing stored, never a 500.

Every file here is built by hand with zipfile: zip bombs (kilobytes that inflate to tens of
megabytes, with a true or a lying header), XML without a body, broken XML, a billion-laughs DTD,
an external entity, bytes that are no zip, a zip that is no Word file, Word files in disguise.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from archive.ingest.errors import IngestError
from archive.ingest.sources import extract_text
from archive.models import Document, ImportBatch
from tests.test_admin_import import ADD_URL, page_text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PROLOG = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
ROOT_RELS = (
    f"{PROLOG}"
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
FOOTNOTE_RELS = ROOT_RELS.replace("word/document.xml", "footnotes.xml").replace('officeDocument"', 'footnotes"')
PARAGRAPH = "<w:p><w:r><w:t>秘书长关于维持和平行动的报告。</w:t></w:r></w:p>"


def document(inner: str, prolog: str = PROLOG) -> bytes:
    return f'{prolog}<w:document xmlns:w="{W}"><w:body>{inner}</w:body></w:document>'.encode()


def package(parts: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def word(xml: bytes, **more: bytes | str) -> bytes:
    """A .docx as Word lays it out, reduced to the parts a reader needs."""
    return package({"_rels/.rels": ROOT_RELS, "word/document.xml": xml, **more})


def bomb(megabytes: int) -> bytes:
    """A document of one paragraph repeated until it inflates to ``megabytes``: a few dozen KB."""
    paragraph = PARAGRAPH.encode()
    return word(document(PARAGRAPH * (megabytes * 1024 * 1024 // len(paragraph))))


def patched(data: bytes, member: str, local: int, central: int, value: bytes) -> bytes:
    """``data`` with ``value`` written at offset ``local`` of ``member``'s local header and at offset
    ``central`` of its central directory entry: what zipfile would never write."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        offsets = [archive.getinfo(member).header_offset + local]
        entry = archive.start_dir
        for _ in archive.infolist():  # the central entries: 46 bytes, then name, extra and comment
            lengths = struct.unpack("<HHH", out[entry + 28 : entry + 34])
            if out[entry + 46 : entry + 46 + lengths[0]] == member.encode():
                offsets.append(entry + central)
            entry += 46 + sum(lengths)
    for offset in offsets:
        out[offset : offset + len(value)] = value
    return bytes(out)


def lying_bomb(megabytes: int, declared: int) -> bytes:
    """``bomb(megabytes)`` whose zip headers say the document inflates to ``declared`` bytes."""
    return patched(bomb(megabytes), "word/document.xml", 22, 24, struct.pack("<I", declared))


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE w:document ['
    '<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + "]>"
)
EXTERNAL_ENTITY = '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'

NOT_A_ZIP = "不是有效的 .docx"
HOSTILE = {
    "bomb": (bomb(30), "解压后过大"),
    "no-body": (
        package({"_rels/.rels": ROOT_RELS, "word/document.xml": f'{PROLOG}<w:document xmlns:w="{W}"/>'}),
        "没有正文",
    ),
    "broken-xml": (word(document(PARAGRAPH)[:-30]), "word/document.xml 不是有效的 XML"),
    "billion-laughs": (word(document("<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>", BILLION_LAUGHS)), "DOCTYPE"),
    "external-entity": (word(document("<w:p><w:r><w:t>&secret;</w:t></w:r></w:p>", EXTERNAL_ENTITY)), "DOCTYPE"),
    "not-a-zip": ("这是一段普通的文字，不是压缩包。".encode() * 20, NOT_A_ZIP),
    "zip-without-document": (package({"_rels/.rels": ROOT_RELS, "hello.txt": "hi"}), "缺少正文 word/document.xml"),
    "old-word": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000, "旧版 Word"),
    "pdf-renamed": (b"%PDF-1.7\n" + b"0" * 2000, "扩展名改为 .pdf"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_docx_is_refused_with_one_line(name):
    data, message = HOSTILE[name]
    with pytest.raises(IngestError, match=message) as refused:
        extract_text(f"{name}.docx", data, max_bytes=5 * 1024 * 1024)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize("name", HOSTILE)
def test_the_admin_upload_shows_the_refusal_and_stores_nothing(client, librarian, name):
    data, message = HOSTILE[name]
    response = client.post(ADD_URL, {"step": "source", "upload": SimpleUploadedFile(f"{name}.docx", data)})
    assert response.status_code == 200
    assert message in page_text(response)
    assert not Document.objects.exists()


@pytest.fixture
def hostile_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "hostile"
    folder.mkdir()
    for name, (data, _message) in HOSTILE.items():
        (folder / f"{name}.docx").write_bytes(data)
    return folder


@pytest.mark.parametrize("name", HOSTILE)
def test_import_document_exits_with_the_refusal_and_stores_nothing(db, hostile_folder, name):
    with pytest.raises(CommandError, match=HOSTILE[name][1]):
        call_command("import_document", str(hostile_folder / f"{name}.docx"), stdout=io.StringIO())
    assert not Document.objects.exists()


def test_check_import_refuses_each_with_its_line_and_exits_non_zero(db, hostile_folder):
    err = io.StringIO()
    with pytest.raises(CommandError, match=f"{len(HOSTILE)} 个文件无法导入"):
        call_command("check_import", str(hostile_folder), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == len(HOSTILE)
    for name, (_data, message) in HOSTILE.items():
        (line,) = [line for line in lines if f"{name}.docx:" in line]
        assert message in line


def test_import_folder_reports_each_as_refused_and_stores_nothing(db, hostile_folder):
    call_command("import_folder", str(hostile_folder), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    items = {item.name: item for item in ImportBatch.objects.get().items.all()}
    for name, (_data, message) in HOSTILE.items():
        assert items[f"{name}.docx"].outcome == "refused" and message in items[f"{name}.docx"].message
    assert not Document.objects.exists()


# --- the zip bomb is never inflated whole -----------------------------------------------------------


@pytest.fixture
def inflated(monkeypatch) -> list[int]:
    """The byte counts zipfile hands out while a .docx is read."""
    counts: list[int] = []
    read = zipfile.ZipExtFile.read

    def counting(self, n=-1):
        data = read(self, n)
        counts.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting)
    return counts


def test_a_bomb_whose_header_says_so_is_refused_before_inflating_it(inflated):
    with pytest.raises(IngestError, match="解压后过大"):
        extract_text("bomb.docx", bomb(30))
    assert sum(inflated) < 10_000  # _rels/.rels only


def test_a_bomb_whose_header_lies_is_inflated_no_further_than_it_says(inflated):
    with pytest.raises(IngestError, match="已损坏"):
        extract_text("bomb.docx", lying_bomb(30, declared=1024 * 1024))
    assert sum(inflated) < 1024 * 1024 + 10_000


def test_the_limit_counts_every_part_read(settings):
    notes = f'{PROLOG}<w:footnotes xmlns:w="{W}">{"<w:footnote/>" * 20_000}</w:footnotes>'
    data = word(document(PARAGRAPH), **{"word/_rels/document.xml.rels": FOOTNOTE_RELS, "word/footnotes.xml": notes})
    settings.ARCHIVE_MAX_DOCX_XML_BYTES = len(notes.encode()) + 100  # enough for any one part
    assert "秘书长" in extract_text("letter.docx", word(document(PARAGRAPH)))
    with pytest.raises(IngestError, match="解压后过大"):
        extract_text("letter.docx", data)


# --- other parts, other encodings, other refusals ---------------------------------------------------


def test_a_doctype_in_the_footnotes_is_refused_too():
    notes = f'{EXTERNAL_ENTITY}<w:footnotes xmlns:w="{W}"><w:footnote w:id="1"/></w:footnotes>'
    data = word(document(PARAGRAPH), **{"word/_rels/document.xml.rels": FOOTNOTE_RELS, "word/footnotes.xml": notes})
    with pytest.raises(IngestError, match="word/footnotes.xml 含有文档类型声明"):
        extract_text("letter.docx", data)


def test_a_doctype_in_an_encoding_word_does_not_write_is_refused_after_parsing():
    xml = document(PARAGRAPH, EXTERNAL_ENTITY).decode().replace('version="1.0"', 'version="1.0" encoding="UTF-32"')
    with pytest.raises(IngestError, match="DOCTYPE"):
        extract_text("letter.docx", word(xml.encode("utf-32")))


def test_an_encrypted_member_is_refused_as_password_protected(inflated):
    # The "encrypted" flag, as a zip tool encrypting its members sets it (general purpose bits).
    data = patched(word(document(PARAGRAPH)), "word/document.xml", 6, 8, struct.pack("<H", 0x1))
    with pytest.raises(IngestError, match="密码保护"):
        extract_text("letter.docx", data)
    assert sum(inflated) < 1000  # _rels/.rels only


def test_a_main_document_named_elsewhere_is_found_through_the_relationships():
    data = package(
        {
            "_rels/.rels": ROOT_RELS.replace("word/document.xml", "/word/document2.xml"),
            "word/document2.xml": document(PARAGRAPH),
        }
    )
    assert extract_text("letter.docx", data).strip() == "秘书长关于维持和平行动的报告。"


def test_a_table_whose_merges_make_no_sense_is_still_read():
    # A merge continuing from a row that does not exist, a cell spanning two billion columns: read
    # as the cells that hold text, once each (python-docx raised, or looped for minutes, on these).
    cell = "<w:tc><w:tcPr>{}</w:tcPr><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>"
    table = (
        "<w:tbl><w:tr>"
        + cell.format("<w:vMerge/>", "续")
        + cell.format('<w:gridSpan w:val="2147483647"/>', "宽单元格")
        + cell.format('<w:vMerge w:val="restart"/>', "合并起点")
        + "</w:tr><w:tr>"
        + cell.format("", "第二行")
        + cell.format("<w:vMerge/>", "")
        + "</w:tr></w:tbl>"
    )
    assert extract_text("table.docx", word(document(PARAGRAPH + table))).split("\n")[1:] == [
        "宽单元格\t合并起点",
        "第二行",
        "",
    ]
