"""Text out of a Word (.docx) file, or one clear line saying why a file cannot be read.

A .docx is a zip of XML parts, so bytes from anyone can be a zip bomb (kilobytes that inflate to
gigabytes), XML whose DTD expands entities a billion-fold or reads files and addresses, XML that
does not parse, or no Word file at all (an old .doc or an encrypted Word file, both OLE
containers; a PDF renamed).  So nothing is handed to a library that trusts the package: only the
parts the text needs are inflated (``_rels/.rels``, the main document, its relationships and its
footnotes), each by a bounded read that stops once the bytes read together pass
``ARCHIVE_MAX_DOCX_XML_BYTES``, whatever the zip's headers declare; XML with a DOCTYPE is refused
(Word never writes one); the parser resolves no entity, loads nothing from the network and keeps
libxml2's limits on node size and depth.  The tree is then walked in linear time: python-docx's
table model walks up every row of a vertical merge for each cell and repeats a cell once per
column it spans, so one crafted table could hold a server process for minutes.
"""

from __future__ import annotations

import io
import lzma
import posixpath
import zipfile
import zlib
from collections.abc import Callable

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

from .errors import IngestError

__all__ = ["docx_text"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_FOOTNOTE_SEPARATOR = "__________________"
# An OLE compound file: a Word 97-2003 document, or a .docx saved with a password (Word encrypts
# the whole package into one).
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The OOXML parts are UTF-8 or UTF-16; a DOCTYPE in any other encoding is caught after parsing.
_DOCTYPE = tuple("<!DOCTYPE".encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be"))
# What inflating or reading a damaged member raises (CRC mismatch, truncated or invalid streams,
# compression methods zipfile lacks).
_DAMAGED = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, NotImplementedError, ValueError)


class _Package:
    """The parts of one .docx, each inflated at most once and all within one byte budget."""

    def __init__(self, data: bytes, budget: int) -> None:
        if data.startswith(_OLE_MAGIC):
            raise IngestError(
                _(
                    "这是旧版 Word（.doc）文件或有密码保护的 Word 文件，无法读取："
                    "请在 Word 中去掉密码、另存为 .docx 后再上传。"
                )
            )
        if data.startswith(b"%PDF-"):
            raise IngestError(_("这个文件其实是 PDF，只是扩展名为 .docx：请把扩展名改为 .pdf 后再上传。"))
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.LargeZipFile, *_DAMAGED):
            raise IngestError(_("无法读取这个 Word 文件：它不是有效的 .docx 文件。")) from None
        self.budget = budget
        self.read_bytes = 0  # inflated so far, over every part

    def read(self, name: str) -> bytes | None:
        """The inflated bytes of part ``name``, None if the package has no such part."""
        try:
            info = self.zip.getinfo(name)
        except KeyError:
            return None
        if info.flag_bits & 0x1:
            raise IngestError(_("这个 Word 文件有密码保护，无法读取。请上传没有密码的版本。"))
        left = self.budget - self.read_bytes
        if info.file_size > left:
            raise self._too_large()
        try:
            with self.zip.open(info) as member:
                # The header may understate the size: never inflate more than the budget allows.
                data = member.read(left + 1)
        except _DAMAGED:
            raise IngestError(_("这个 Word 文件已损坏，无法解压。")) from None
        self.read_bytes += len(data)
        if len(data) > left:
            raise self._too_large()
        return data

    def _too_large(self) -> IngestError:
        return IngestError(
            _("这个 Word 文件解压后过大（其文字部分超过 %(limit)d 字节），无法导入。") % {"limit": self.budget}
        )

    def xml(self, name: str) -> etree._Element | None:
        """Part ``name`` parsed safely, None if the package has no such part."""
        data = self.read(name)
        if data is None:
            return None
        if any(marker in data for marker in _DOCTYPE):
            raise _unsafe(name)
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
        )
        try:
            root = etree.fromstring(data, parser=parser)
        except etree.XMLSyntaxError:
            raise IngestError(_("这个 Word 文件已损坏：其中的 %(part)s 不是有效的 XML。") % {"part": name}) from None
        if root.getroottree().docinfo.doctype:
            raise _unsafe(name)
        return root

    def related(self, source: str, kind: str) -> str | None:
        """The name of the part ``source`` relates to by a relationship of type ``…/kind``."""
        folder, base = posixpath.split(source)
        rels = self.xml(posixpath.join(folder, "_rels", f"{base}.rels"))
        if rels is None:
            return None
        for rel in rels.iterfind(f"{_RELS}Relationship"):
            if rel.get("Type", "").rsplit("/", 1)[-1] == kind and rel.get("TargetMode") != "External":
                target = rel.get("Target", "")
                # Relative to the source's folder, or absolute from the package root.
                return posixpath.normpath(target[1:] if target.startswith("/") else posixpath.join(folder, target))
        return None


def _unsafe(part: str) -> IngestError:
    return IngestError(
        _("这个 Word 文件的 %(part)s 含有文档类型声明（DOCTYPE），Word 从不写入它；出于安全考虑不予读取。")
        % {"part": part}
    )


def docx_text(data: bytes) -> str:
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
    package = _Package(data, settings.ARCHIVE_MAX_DOCX_XML_BYTES)
    main = package.related("", "officeDocument") or "word/document.xml"
    document = package.xml(main)
    if document is None:
        raise IngestError(_("无法读取这个 Word 文件：它不是有效的 .docx 文件（缺少正文 %(part)s）。") % {"part": main})
    body = document.find(f"{_W}body")
    if document.tag != f"{_W}document" or body is None:
        raise IngestError(_("这个 Word 文件没有正文（%(part)s 中没有 w:body），无法导入。") % {"part": main})
    footnotes = package.related(main, "footnotes")
    bodies = _footnote_bodies(package.xml(footnotes) if footnotes else None)

    numbers: dict[str, int] = {}  # footnote id → number shown, in order of first reference
    pending: list[str] = []  # footnotes referenced on the page being read, for its foot
    rendered = next(body.iterfind(f".//{_W}lastRenderedPageBreak"), None) is not None

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

    def text_of(paragraph: etree._Element) -> str:
        text = _runs_text(paragraph, marker, page_break, rendered)
        if not rendered and paragraph.find(f"{_W}pPr/{_W}pageBreakBefore") is not None:
            text = page_break() + text
        return text

    lines: list[str] = []
    for item in body:
        if item.tag == f"{_W}tbl":
            for row in item.iterfind(f"{_W}tr"):
                # A cell spanning several columns is one w:tc, read once; the rows a vertical merge
                # continues into hold an empty w:tc marking it, skipped (its text is the first row's).
                cells = [
                    " ".join(t.strip() for t in map(text_of, cell.iterfind(f"{_W}p")) if t.strip())
                    for cell in row.iterfind(f"{_W}tc")
                    if not _merge_continues(cell)
                ]
                lines.append("\t".join(cells))
        elif item.tag == f"{_W}p":
            lines.append(text_of(item))
    # Trailing spaces go, a page break ending a paragraph stays.
    text = "\n".join(line.rstrip(" \t\u3000") for line in lines).strip()
    if not text.replace("\f", "").strip():
        raise IngestError(_("这个 Word 文件里没有文字。"))
    return text + foot() + "\n"


def _merge_continues(cell: etree._Element) -> bool:
    merge = cell.find(f"{_W}tcPr/{_W}vMerge")
    # A w:vMerge without a value continues the merge above it.
    return merge is not None and merge.get(f"{_W}val", "continue") == "continue"


def _runs_text(
    element: etree._Element, marker: Callable[[str], str], page_break: Callable[[], str], rendered: bool
) -> str:
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


def _footnote_bodies(root: etree._Element | None) -> dict[str, str]:
    """Footnote id → its text on one line; empty when the document has no footnotes part."""
    if root is None:
        return {}
    bodies: dict[str, str] = {}
    for note in root.iterfind(f"{_W}footnote"):
        if note.get(f"{_W}type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        paragraphs = [_runs_text(p, lambda _ref: "", lambda: " ", False) for p in note.iterfind(f"{_W}p")]
        bodies[note.get(f"{_W}id", "")] = " ".join(" ".join(p.split()) for p in paragraphs if p.strip())
    return bodies
