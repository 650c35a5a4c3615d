"""Text out of an uploaded file: ``.txt`` (UTF-8 or GB18030), ``.pdf`` (its text layer) or ``.docx``
(read by :mod:`archive.ingest.word`).

Pure functions over bytes; no database.  Every refusal is an :class:`IngestError` whose Chinese
message a librarian can act on (save as .docx, run OCR first...), never a stack trace.
"""

from __future__ import annotations

import io
from pathlib import Path, PurePath

from django.utils.translation import gettext as _

from .decode import check_text, decode_text
from .errors import IngestError
from .word import docx_text

SUPPORTED_EXTENSIONS = (".txt", ".pdf", ".docx")

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
        raise _too_large(len(data), max_bytes)
    extension = PurePath(filename).suffix.lower()
    if extension == ".txt":
        return decode_text(data, max_bytes=max_bytes)
    if extension == ".pdf":
        text = pdf_text(data)
    elif extension == ".docx":
        text = docx_text(data)
    elif extension == ".doc":
        raise IngestError(_("不支持旧版 Word（.doc）文件：请在 Word 中另存为 .docx 后再上传。"))
    else:
        raise IngestError(
            _("不支持的文件类型“%(ext)s”：请上传 .txt、.pdf 或 .docx 文件。") % {"ext": extension or filename}
        )
    check_size(text, max_bytes)
    return check_text(text)


def read_path(path: Path, max_bytes: int) -> str:
    """The text of the file at ``path`` (a command's argument), read as an upload of that name."""
    if not path.is_file():
        raise IngestError(_("找不到文件：%(path)s") % {"path": path})
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise _too_large(size, max_bytes)
        data = path.read_bytes()
    except OSError:
        raise IngestError(_("无法读取这个文件。")) from None
    return extract_text(path.name, data, max_bytes=max_bytes)


def _too_large(size: int, max_bytes: int) -> IngestError:
    return IngestError(_("文件过大：%(size)d 字节，上限为 %(limit)d 字节。") % {"size": size, "limit": max_bytes})


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
