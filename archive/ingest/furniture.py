"""Page furniture: the lines a UN PDF prints on every page, which are not part of the text.

Text extraction leaves them wherever the page's content stream had them, so they can stand
before a page's text or after it, and in either order::

    S/2023/111                  running header: the document's own symbol
    23-02345 2/6                footer: job number, then page 2 of 6
    3/6 23-02345                footer, page first (odd and even pages mirror each other)
    12-20064 (C)2               job number, language code and page glued together
    23-02345 (C) 150223 160223  first page: job number and the dates of processing, no page number
    *2302345*                   bar code of the job number
    请回收                       "please recycle", next to the bar code (in English: "Please recycle")

:func:`classify` names such a line and reads the page number it carries (if any), which
the pages stage (:mod:`archive.ingest.pages`) turns into the official page of every block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Furniture", "FurnitureKind", "classify", "is_link", "is_symbol_line"]


class FurnitureKind(StrEnum):
    SYMBOL = "symbol"  # running header
    JOB = "job"  # footer with the job number (and perhaps the page)
    PAGE = "page"  # a page number alone: "2/6"
    BARCODE = "barcode"
    RECYCLE = "recycle"
    REISSUE = "reissue"  # "* 因技术原因重新印发。", the note behind a "*" after the symbol
    DECORATION = "decoration"  # "* * *", a rule of dashes: layout, not text


@dataclass(frozen=True)
class Furniture:
    kind: FurnitureKind
    text: str
    page: int | None = None
    total: int | None = None  # "2/6": the document has 6 pages
    job_number: str | None = None


_JOB = r"(?P<job>[0-9]{2}-[0-9]{5})"
# "12-20064 (C)2", "23-02345 2/6", "23-02345 (C) 150223 160223", "23-02345 (C) 150223 160223 *2302345*".
_JOB_FIRST_RE = re.compile(rf"^{_JOB}\*?\s*(?:\((?P<lang>[A-Z])\))?(?P<rest>[\s0-9/*]*)$")
# "3/6 23-02345", "2 12-20064 (C)".
_PAGE_FIRST_RE = re.compile(
    rf"^(?P<page>[0-9]{{1,3}})(?:\s*/\s*(?P<total>[0-9]{{1,3}}))?\s+{_JOB}\s*(?:\([A-Z]\))?\s*$"
)
_PAGE_RE = re.compile(r"^(?P<page>[0-9]{1,3})\s*/\s*(?P<total>[0-9]{1,3})$")
_PAGE_IN_REST_RE = re.compile(r"^(?P<page>[0-9]{1,3})(?:\s*/\s*(?P<total>[0-9]{1,3}))?$")
_BARCODE_RE = re.compile(r"^\*[0-9]{6,}\*$")
_RECYCLE_RE = re.compile(r"^(?:♲\s*)?(?:请回收|Please recycle)(?:\s*♲)?$")
_REISSUE_RE = re.compile(
    r"^\*\s*(?:(?:因技术原因|由于技术原因).{0,40}重新印发.{0,20}|Reissued for technical reasons.{0,60})$"
)
_DECORATION_RE = re.compile(r"^(?:[*＊]\s*){3,}$|^[-—–=═]{5,}$")
# The document's own symbol as a running header ("S/2011/817", "S/RES/2645 (2022)", "S/2023/111*").
_SYMBOL_SHAPE_RE = re.compile(r"^(?:S|A|E|ST|UNEP|UNW)\s?/\s?[A-Z0-9][A-Za-z0-9./()\-–— ]*\*?$")
_LINK_RE = re.compile(r"^(?:https?://|www\.)[\x21-\x7e]+$", re.IGNORECASE)


def is_link(text: str) -> bool:
    """A hyperlink annotation listed at the end of a page (one per link, not text)."""
    return bool(_LINK_RE.match(text))


def is_symbol_line(text: str) -> bool:
    """A line holding nothing but a UN symbol (spaces inside allowed, a reissue ``*`` after it)."""
    if not _SYMBOL_SHAPE_RE.match(text) or len(text) > 60:
        return False
    from .symbols import is_valid_symbol

    if text[-1] in ".,;:)" and not is_valid_symbol(text):
        return False  # the end of a sentence citing a symbol ("S/2018/43)."), not a running header
    if " " not in text and "–" not in text and "—" not in text:
        return True

    # A space inside is only a symbol's own spacing ("S/RES/2645 (2022)"), never two words.
    return is_valid_symbol(text.rstrip("*"))


def _page(text: str | None) -> int | None:
    return int(text) if text and 0 < int(text) < 1000 else None


def _job_rest(rest: str) -> tuple[int | None, int | None] | None:
    """What follows the job number: processing dates, a page ("2", "2/6"), a bar code; None if not furniture."""
    tokens = rest.replace("*", " * ").split()
    page = total = None
    for token in tokens:
        if token == "*" or (len(token) == 6 and token.isdigit()):
            continue
        match = _PAGE_IN_REST_RE.match(token)
        if match is None or page is not None:
            return None
        page, total = _page(match.group("page")), _page(match.group("total"))
    # "2/6" may also be written "2 / 6" and split into three tokens.
    if page is None and (m := re.search(r"([0-9]{1,3})\s*/\s*([0-9]{1,3})", rest)):
        page, total = _page(m.group(1)), _page(m.group(2))
    return page, total


def classify(text: str) -> Furniture | None:
    """The furniture ``text`` (a stripped line) is, or None when it is ordinary text."""
    if not text or len(text) > 80:
        return None
    if match := _JOB_FIRST_RE.match(text):
        rest = match.group("rest")
        # "12-20064 (C)2": the page is glued to the language code; "12-20064 2/6"; dates are six digits.
        found = _job_rest(rest)
        if found is None:
            return None
        page, total = found
        return Furniture(FurnitureKind.JOB, text, page, total, match.group("job"))
    if match := _PAGE_FIRST_RE.match(text):
        page, total = _page(match.group("page")), _page(match.group("total"))
        return Furniture(FurnitureKind.JOB, text, page, total, match.group("job"))
    if match := _PAGE_RE.match(text):
        return Furniture(FurnitureKind.PAGE, text, _page(match.group("page")), _page(match.group("total")))
    if _BARCODE_RE.match(text):
        return Furniture(FurnitureKind.BARCODE, text)
    if _RECYCLE_RE.match(text):
        return Furniture(FurnitureKind.RECYCLE, text)
    if _REISSUE_RE.match(text):
        return Furniture(FurnitureKind.REISSUE, text)
    if _DECORATION_RE.match(text):
        return Furniture(FurnitureKind.DECORATION, text)
    if is_symbol_line(text):
        return Furniture(FurnitureKind.SYMBOL, text)
    return None
