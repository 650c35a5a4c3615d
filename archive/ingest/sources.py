"""Text out of an uploaded file: ``.txt`` (UTF-8 or GB18030), ``.pdf`` (its text layer) or ``.docx``.

Pure functions over bytes; no database.  Every refusal is an :class:`IngestError` whose Chinese
message a librarian can act on (save as .docx, run OCR first...), never a stack trace.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

from .decode import check_text, decode_text
from .errors import IngestError

SUPPORTED_EXTENSIONS = (".txt", ".pdf", ".docx")

# A .docx is a zip archive: refuse one that would inflate far beyond any real document (a zip bomb).
_DOCX_INFLATION_LIMIT = 20
# Fewer visible characters per page than this and the PDF is a scan (at most a stamp or page number).
_SCANNED_CHARS_PER_PAGE = 20


def check_size(text: str, max_bytes: int | None) -> str:
    """Refuse text whose UTF-8 encoding exceeds ``max_bytes`` (the same limit uploads get)."""
    if max_bytes is not None:
        size = len(text.encode("utf-8"))
        if size > max_bytes:
            raise IngestError(
                _("文本过长：%(size)d 字节，上限为 %(limit)d 字节。") % {"size": size, "limit": max_bytes}
            )
    return text


def extract_text(filename: str, data: bytes, *, max_bytes: int | None = None) -> str:
    """The text of an uploaded file, chosen by its extension; raise IngestError with a clear message."""
    if max_bytes is not None and len(data) > max_bytes:
        raise IngestError(
            _("文件过大：%(size)d 字节，上限为 %(limit)d 字节。") % {"size": len(data), "limit": max_bytes}
        )
    extension = PurePath(filename).suffix.lower()
    if extension == ".txt":
        return decode_text(data, max_bytes=max_bytes)
    if extension == ".pdf":
        text = pdf_text(data)
    elif extension == ".docx":
        text = docx_text(data, max_bytes=max_bytes)
    elif extension == ".doc":
        raise IngestError(_("不支持旧版 Word（.doc）文件：请在 Word 中另存为 .docx 后再上传。"))
    else:
        raise IngestError(
            _("不支持的文件类型“%(ext)s”：请上传 .txt、.pdf 或 .docx 文件。") % {"ext": extension or filename}
        )
    check_size(text, max_bytes)
    return check_text(text)


def pdf_text(data: bytes) -> str:
    """The text layer of a PDF, page by page; a scan without one is refused with advice."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(_("这个 PDF 有密码保护，无法读取。请上传没有密码的版本。"))
        pages = [page.extract_text() or "" for page in reader.pages]
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        raise IngestError(_("无法读取这个 PDF 文件，文件可能已损坏。")) from None
    visible = sum(len("".join(page.split())) for page in pages)
    if not pages or visible < _SCANNED_CHARS_PER_PAGE * len(pages):
        raise IngestError(
            _(
                "这是扫描版 PDF，没有可提取的文字。请先用文字识别（OCR）软件把它转成文字，"
                "或从联合国文件系统下载带文字的版本。"
            )
        )
    # A form feed between pages: the importer counts the official pages from them (and a page
    # break always ends a line).
    return "\n\f\n".join(page.rstrip() for page in pages) + "\n"


def docx_text(data: bytes, *, max_bytes: int | None = None) -> str:
    """The paragraphs of a Word document in reading order, one per line; a table's rows one per line.

    Table cells are separated by tabs, so the importer reads the rows as one table.  Page breaks
    become form feeds, from which the importer counts the pages: where Word last broke the pages
    when the file was saved (``w:lastRenderedPageBreak``), else the explicit breaks (``w:br
    w:type="page"``, "page break before" paragraphs).

    Word keeps footnotes apart from the text (``word/footnotes.xml``, referenced from runs).  They
    come out the way the PDF text has them, so the same pipeline reads both: the footnote's number
    right where its reference stands, and at the foot of the page (at the end when the pages are
    unknown) a separator line with one body per footnote (``1 见第 2382(2017)号决议。``), numbered
    in order of first reference as Word shows them.
    """
    from docx import Document as WordDocument
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise IngestError(_("无法读取这个 Word 文件：它不是有效的 .docx 文件。")) from None
    if max_bytes is not None and inflated > _DOCX_INFLATION_LIMIT * max_bytes:
        raise IngestError(_("这个 Word 文件解压后过大，无法导入。"))
    try:
        word = WordDocument(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile):
        raise IngestError(_("无法读取这个 Word 文件：它不是有效的 .docx 文件。")) from None

    bodies = _docx_footnote_bodies(word)
    numbers: dict[str, int] = {}  # footnote id → number shown, in order of first reference
    pending: list[str] = []  # footnotes referenced on the page being read, for its foot
    rendered = next(word.element.body.iterfind(f".//{_W}lastRenderedPageBreak"), None) is not None

    def marker(ref: str) -> str:
        if ref not in numbers:
            numbers[ref] = len(numbers) + 1
            pending.append(ref)
        return str(numbers[ref])

    def foot() -> str:
        notes = [f"{numbers[ref]} {bodies[ref]}" for ref in pending if bodies.get(ref)]
        pending.clear()
        return "\n".join(["", _FOOTNOTE_SEPARATOR, *notes]) if notes else ""

    def page_break() -> str:
        return f"{foot()}\n\f\n"

    def text_of(paragraph: Any) -> str:
        text = _docx_runs_text(paragraph._p, marker, page_break, rendered)
        if not rendered and paragraph._p.find(f"{_W}pPr/{_W}pageBreakBefore") is not None:
            text = page_break() + text
        return text

    lines: list[str] = []
    for item in word.iter_inner_content():
        if isinstance(item, Table):
            # A merged cell is returned once per grid position it spans; keep its text once.  The list
            # holds the XML elements themselves, so their identity stays stable while we compare.
            seen: list[object] = []
            for row in item.rows:
                cells = []
                for cell in row.cells:
                    if not any(cell._tc is tc for tc in seen):
                        seen.append(cell._tc)
                        cells.append(" ".join(t.strip() for t in map(text_of, cell.paragraphs) if t.strip()))
                lines.append("\t".join(cells))
        else:
            lines.append(text_of(item))
    # Trailing spaces go, a page break ending a paragraph stays.
    text = "\n".join(line.rstrip(" \t\u3000") for line in lines).strip()
    if not text.replace("\f", "").strip():
        raise IngestError(_("这个 Word 文件里没有文字。"))
    return text + foot() + "\n"


_FOOTNOTE_SEPARATOR = "__________________"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_runs_text(element: Any, marker: Callable[[str], str], page_break: Callable[[], str], rendered: bool) -> str:
    """A paragraph's text from its runs, with ``marker(id)`` where a footnote is referenced and
    ``page_break()`` where a page ends (``rendered``: Word's recorded breaks, else the explicit ones).

    Text boxes inside the paragraph are left out, as python-docx's ``Paragraph.text`` does.
    """
    out: list[str] = []
    for run in element.iterfind(f".//{_W}r"):
        if any(a.tag == f"{_W}txbxContent" for a in run.iterancestors()):
            continue
        for child in run:
            if child.tag == f"{_W}t":
                out.append(child.text or "")
            elif child.tag == f"{_W}tab":
                out.append("\t")
            elif child.tag == f"{_W}br" and child.get(f"{_W}type") == "page":
                out.append("" if rendered else page_break())
            elif child.tag in (f"{_W}br", f"{_W}cr"):
                out.append("\n")
            elif child.tag == f"{_W}lastRenderedPageBreak" and rendered:
                out.append(page_break())
            elif child.tag == f"{_W}footnoteReference":
                out.append(marker(child.get(f"{_W}id", "")))
    return "".join(out)


def _docx_footnote_bodies(word: Any) -> dict[str, str]:
    """Footnote id → its text on one line; empty when the document has no footnotes part."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    try:
        part = word.part.part_related_by(RT.FOOTNOTES)
    except KeyError:
        return {}
    try:
        root = etree.fromstring(part.blob, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        raise IngestError(_("无法读取这个 Word 文件的脚注：文件可能已损坏。")) from None
    bodies: dict[str, str] = {}
    for note in root.iterfind(f"{_W}footnote"):
        if note.get(f"{_W}type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        paragraphs = [_docx_runs_text(p, lambda _ref: "", lambda: " ", False) for p in note.iterfind(f"{_W}p")]
        bodies[note.get(f"{_W}id", "")] = " ".join(" ".join(p.split()) for p in paragraphs if p.strip())
    return bodies
