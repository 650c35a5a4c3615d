"""Document metadata read from the text: title, date, own symbol and document type.

Only reliable places are read: the title line for the date and type, the running page
headers for the symbol.  The body cites plenty of other documents' symbols and dates,
and taking one of those would silently mislabel the document.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from .types import Block, BlockKind, Metadata

__all__ = ["detect_date", "detect_doc_type", "detect_metadata", "detect_symbol", "detect_title"]

_DATE_RE = re.compile(r"([0-9]{4})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日")
_TITLE_END_RE = re.compile(r"(?:的信|的报告|的说明|的决议|主席声明|的附件)$")
_SPACES_RE = re.compile(r"\s+")

# Checked in order: "……的信的附件" is a letter, "……报告的说明" a note.
_DOC_TYPES = (
    ("note", re.compile(r"说明$")),
    ("letter", re.compile(r"的信(?:的附件)?$")),
    ("report", re.compile(r"报告$")),
    ("presidential_statement", re.compile(r"主席声明$")),
    ("resolution", re.compile(r"决议$")),
)


def _normalise(text: str) -> str:
    return _SPACES_RE.sub(" ", text).strip()


def detect_title(blocks: Sequence[Block]) -> str | None:
    """The TITLE block, else the first early heading that reads like a title (``……的信``)."""
    for block in blocks:
        if block.kind == BlockKind.TITLE:
            return _normalise(block.text)
    for block in blocks[:5]:
        if block.kind in (BlockKind.HEADING, BlockKind.PARAGRAPH) and _TITLE_END_RE.search(block.text):
            return _normalise(block.text)
    return None


def detect_date(title: str | None) -> dt.date | None:
    """``2022 年 10 月 8 日秘书长给……的信`` → 2022-10-08; full-width digits are accepted."""
    if not title:
        return None
    match = _DATE_RE.search(unicodedata.normalize("NFKC", title))
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def detect_symbol(headers: Sequence[str]) -> str | None:
    """The symbol printed most often in the page headers, normalised; ``None`` if there is none."""
    from .symbols import InvalidSymbol, normalize_symbol

    found: Counter[str] = Counter()
    for header in headers:
        try:
            found[normalize_symbol(header)] += 1
        except InvalidSymbol:
            continue
    if not found:
        return None
    return found.most_common(1)[0][0]


def detect_doc_type(title: str | None) -> str:
    if not title:
        return "other"
    compact = _SPACES_RE.sub("", title)
    for value, pattern in _DOC_TYPES:
        if pattern.search(compact):
            return value
    return "other"


def detect_metadata(blocks: Sequence[Block], headers: Sequence[str]) -> Metadata:
    title = detect_title(blocks)
    return Metadata(
        title=title,
        date=detect_date(title),
        symbol=detect_symbol(headers),
        doc_type=detect_doc_type(title),
    )
