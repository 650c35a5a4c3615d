"""Document metadata read from the text: title, date, own symbol, type, and the masthead's facts.

Only reliable places are read: the masthead (symbol, issue date, original language, job
number), the running page headers for the symbol, the title for the date and type, and the
lines a resolution or statement always prints after its title (``2022 年 7 月 15 日安全理事会第
9093 次会议通过``, ``在 2023 年 3 月 8 日举行的第 9271 次会议上``).  The body cites plenty of
other documents' symbols and dates, and taking one of those would silently mislabel the document.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .masthead import Masthead
from .segment import ADOPTED_RE
from .symbols import InvalidSymbol, doc_type_for_symbol, normalize_symbol
from .types import Block, BlockKind, Metadata

__all__ = [
    "CHINESE",
    "MetadataRules",
    "detect_date",
    "detect_doc_type",
    "detect_metadata",
    "detect_symbol",
    "detect_title",
]

_DATE_RE = re.compile(r"([0-9]{4})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日")
_TITLE_END_RE = re.compile(r"(?:的信|的报告|的说明|的决议|主席声明|主席的声明|的附件)$")
_SPACES_RE = re.compile(r"\s+")
# "2022 年 7 月 15 日安全理事会第 9093 次会议通过" (a resolution), "在 2023 年 3 月 8 日举行的第 9271
# 次会议上，……发表如下声明" (a presidential statement): the date the text itself gives.
_MEETING_RE = re.compile(r"^在\s*[0-9]{4}\s*年[^，。]{0,40}?第\s*[0-9]+\s*次会议上")

# Checked in order: "……的信的附件" is a letter, "……报告的说明" a note, "……的信：更正" a corrigendum.
_DOC_TYPES = (
    ("corrigendum", re.compile(r"(?:更正|订正)$")),
    ("note", re.compile(r"说明$")),
    ("letter", re.compile(r"的信(?:的附件)?$")),
    ("report", re.compile(r"报告$")),
    ("presidential_statement", re.compile(r"主席的?声明$")),
    ("resolution", re.compile(r"决议$")),
)
_CORRIGENDUM_SYMBOL_RE = re.compile(r"/Corr\.[0-9]+$")


@dataclass(frozen=True)
class MetadataRules:
    """How one language's title states the document's date and type."""

    # What a title ends with (Chinese) or says (English) when the first block is not one.
    title_like: re.Pattern[str]
    # Between the lines of a two-line title.
    title_join: str
    # The date a title gives ("2022 年 10 月 8 日秘书长给……的信", "Letter dated 8 October 2022 from …").
    title_date: Callable[[str | None], dt.date | None]
    # The adoption or meeting date a resolution or statement prints just under its title.
    stated_date: Callable[[Sequence[Block]], dt.date | None]
    # (DocumentType value, pattern), checked in order against the title as ``type_text`` gives it.
    doc_types: tuple[tuple[str, re.Pattern[str]], ...]
    type_text: Callable[[str], str]


def _normalise(text: str, join: str = "：") -> str:
    # A title printed on two lines ("联合国南苏丹特派团" / "秘书长的报告") reads as one: "……：秘书长的报告".
    return join.join(_SPACES_RE.sub(" ", line).strip() for line in text.split("\n") if line.strip())


def detect_title(blocks: Sequence[Block], rules: MetadataRules | None = None) -> str | None:
    """The TITLE block, else the first early heading that reads like a title (``……的信``)."""
    rules = rules or CHINESE
    for block in blocks:
        if block.kind == BlockKind.TITLE:
            return _normalise(block.text, rules.title_join)
    for block in blocks[:5]:
        if block.kind in (BlockKind.HEADING, BlockKind.PARAGRAPH) and rules.title_like.search(block.text):
            return _normalise(block.text, rules.title_join)
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


def _stated_date(blocks: Sequence[Block]) -> dt.date | None:
    """The adoption or meeting date a resolution or statement prints just under its title."""
    for block in blocks[1:4]:
        text = unicodedata.normalize("NFKC", block.text)
        if ADOPTED_RE.match(text) or _MEETING_RE.match(text):
            return detect_date(text)
    return None


def detect_symbol(headers: Sequence[str]) -> str | None:
    """The symbol printed most often in the page headers, normalised; ``None`` if there is none."""
    found: Counter[str] = Counter()
    for header in headers:
        try:
            found[normalize_symbol(header)] += 1
        except InvalidSymbol:
            continue
    if not found:
        return None
    return found.most_common(1)[0][0]


def detect_doc_type(title: str | None, symbol: str | None = None, rules: MetadataRules | None = None) -> str:
    """The type the title states ("……的信", "秘书长的报告"…), else the one the symbol implies."""
    rules = rules or CHINESE
    if symbol and _CORRIGENDUM_SYMBOL_RE.search(symbol):
        return "corrigendum"
    if title:
        text = rules.type_text(title)
        for value, pattern in rules.doc_types:
            if pattern.search(text):
                return value
    return doc_type_for_symbol(symbol) if symbol else "other"


def detect_metadata(
    blocks: Sequence[Block],
    headers: Sequence[str],
    masthead: Masthead | None = None,
    job_number: str | None = None,
    rules: MetadataRules | None = None,
) -> Metadata:
    rules = rules or CHINESE
    head = masthead or Masthead()
    title = detect_title(blocks, rules)
    symbol = head.symbol or detect_symbol(headers)
    doc_type = detect_doc_type(title, symbol, rules)
    date = rules.stated_date(blocks) if doc_type in ("resolution", "presidential_statement") else None
    if doc_type == "corrigendum":
        # The title repeats the corrected document's (dated) title; the corrigendum is of its issue date.
        date = head.issued_on or rules.title_date(title)
    date = date or rules.title_date(title) or head.issued_on
    return Metadata(
        title=title,
        date=date,
        symbol=symbol,
        doc_type=doc_type,
        issued_on=head.issued_on,
        original_language=head.original_language,
        job_number=head.job_number or job_number,
    )


CHINESE = MetadataRules(
    title_like=_TITLE_END_RE,
    title_join="：",
    title_date=detect_date,
    stated_date=_stated_date,
    doc_types=_DOC_TYPES,
    type_text=lambda title: _SPACES_RE.sub("", title),
)
