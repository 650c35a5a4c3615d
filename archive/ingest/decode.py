"""Turn uploaded bytes into text, or refuse them with a message a librarian understands.

Chinese offices still produce GB18030/GBK files; decoding them correctly is fine, but
guessing wrong would store mojibake forever, so anything that is neither valid UTF-8
nor plausible GB18030 Chinese is refused.
"""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _

from .errors import IngestError

_CONTROL_OK = {"\n", "\r", "\t", "\f", "\v"}


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data:
        return True
    sample = data[:4096]
    controls = sum(1 for b in sample if b < 32 and chr(b) not in _CONTROL_OK)
    return controls > max(2, len(sample) // 100)


def _cjk_ratio(text: str) -> float:
    letters = [c for c in text if not c.isspace() and not c.isascii()]
    if not letters:
        return 1.0
    cjk = sum(1 for c in letters if unicodedata.name(c, "").startswith(("CJK", "FULLWIDTH", "IDEOGRAPHIC")))
    punct = sum(1 for c in letters if unicodedata.category(c).startswith("P"))
    return (cjk + punct) / len(letters)


def decode_text(data: bytes, *, max_bytes: int | None = None) -> str:
    """Decode an uploaded file's bytes; raise IngestError with a clear Chinese message."""
    if max_bytes is not None and len(data) > max_bytes:
        raise IngestError(
            _("文件过大：%(size)d 字节，上限为 %(limit)d 字节。") % {"size": len(data), "limit": max_bytes}
        )
    if not data.strip():
        raise IngestError(_("文件为空，没有可导入的文字。"))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if _looks_binary(data):
        raise IngestError(_("这不是文本文件（含有二进制数据）。请上传 UTF-8 或 GB18030 编码的纯文本。"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise IngestError(_("无法识别文件编码：既不是 UTF-8，也不是 GB18030/GBK。")) from None
    # GB18030 decodes almost any byte string; only accept results that read as Chinese.
    if _cjk_ratio(text) < 0.9:
        raise IngestError(_("无法识别文件编码：按 GB18030 解码后不是可读的中文。")) from None
    return text


def check_text(text: str, *, max_chars: int | None = None) -> str:
    """Validate pasted text (already a str) with the same rules as uploads."""
    if not text.strip():
        raise IngestError(_("文本为空，没有可导入的文字。"))
    if max_chars is not None and len(text) > max_chars:
        raise IngestError(_("文本过长：%(size)d 个字符，上限为 %(limit)d。") % {"size": len(text), "limit": max_chars})
    if "\x00" in text:
        raise IngestError(_("文本含有二进制数据（NUL 字符），无法导入。"))
    return text
