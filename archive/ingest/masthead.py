"""The masthead of a UN document's first page: metadata, never text.

As text extraction renders it (the seeds 001/004 show the short form)::

    联 合 国 S/2023/111*            the organisation, spaced out, and the symbol (same or next line;
                                    "S/RES/2645 (2022)", "A/77/631–S/2022/935", "S/2022/892/Corr.1")
    安全理事会 Distr.: General       the organ and the distribution, on one line or two
    大会 安全理事会                   (a joint document names both organs)
    第七十七届会议 / 议程项目 34       session and agenda item (General Assembly documents)
    10 February 2023                the issue date, in English
    Chinese
    Original: English               the language the document was written in
    23-02345 (C) 150223 160223      job number (usually at the foot of the page, see furniture)
    *2302345*

:func:`read_masthead` recognises these lines at the start of the text and returns what they say
and where the text proper begins.  A block of lines counts as a masthead only when it has one of
the unmistakable lines (``Distr.``, ``联 合 国``, ``Original:``): a document that merely opens with
"安全理事会" keeps it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .furniture import FurnitureKind, classify, is_symbol_line

__all__ = ["CHINESE", "Masthead", "MastheadRules", "english_date", "language_code", "read_masthead"]

_ORGANS = r"(?:安\s?全\s?理\s?事\s?会|大\s?会|经\s?济\s?及\s?社\s?会\s?理\s?事\s?会)"
_DISTR = r"Distr\.?\s*:?\s*(?:General|Limited|Restricted)?"
_UN_RE = re.compile(r"^联\s*合\s*国(?:\s+(?P<rest>\S.*))?$")
_ORGAN_RE = re.compile(rf"^{_ORGANS}(?:\s+{_ORGANS})*(?:\s+(?P<distr>{_DISTR}))?$", re.IGNORECASE)
_DISTR_RE = re.compile(rf"^{_DISTR}$", re.IGNORECASE)
_DATE_RE = re.compile(r"^(?P<day>[0-9]{1,2})\s+(?P<month>[A-Z][a-z]+)\s+(?P<year>[0-9]{4})$")
_ORIGINAL_RE = re.compile(
    r"^(?:Original\s*:\s*(?P<en>[A-Za-z]+)(?:\s*(?:/|and|,)\s*[A-Za-z]+)*|原文\s*[：:]\s*(?P<zh>\S+))$"
)
_LANGUAGE_LINE_RE = re.compile(r"^(?:Chinese|中文|General|Limited|Restricted)$")
_SESSION_RE = re.compile(
    rf"^(?:{_ORGANS}\s*)?(?:第[一二三四五六七八九十百零〇]+(?:届(?:特别)?会议|年)\s*)+$"
    r"|^(?:临时)?议程项目\s*[0-9]+(?:[\s、和及至-]+[0-9]+)*(?:\s+\S.{0,60})?$"
)
_AGENDA_RE = re.compile(r"^(?:临时)?议程项目\s*[0-9]+")
_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        start=1,
    )
}
_LANGUAGES = {
    "english": "en",
    "french": "fr",
    "spanish": "es",
    "russian": "ru",
    "arabic": "ar",
    "chinese": "zh",
    "英文": "en",
    "法文": "fr",
    "西班牙文": "es",
    "俄文": "ru",
    "阿拉伯文": "ar",
    "中文": "zh",
}
# The masthead is short; past this many lines the text has begun.
_MAX_LINES = 16


@dataclass(frozen=True)
class MastheadRules:
    """The lines of one language's masthead; the Distr., Original:, date, symbol and job lines are shared."""

    # The organisation ("联 合 国", "United Nations"), with the symbol perhaps on the same line ("rest").
    organisation: re.Pattern[str]
    # The organ or organs, perhaps with the distribution on the same line ("distr").
    organ: re.Pattern[str]
    language_line: re.Pattern[str]
    session: re.Pattern[str]
    agenda: re.Pattern[str]


CHINESE = MastheadRules(_UN_RE, _ORGAN_RE, _LANGUAGE_LINE_RE, _SESSION_RE, _AGENDA_RE)


@dataclass
class Masthead:
    # Index of the first line after the masthead (0 when there is none).
    end: int = 0
    symbol: str | None = None
    issued_on: dt.date | None = None
    original_language: str | None = None
    job_number: str | None = None
    # The symbol carried a "*": the text was reissued (for technical reasons, usually).
    reissued: bool = False
    # The lines read as masthead that carry a symbol or job number (for the symbol's vote).
    headers: list[str] = field(default_factory=list)


def english_date(text: str) -> dt.date | None:
    """``10 February 2023`` → 2023-02-10; None for anything else (or an impossible date)."""
    match = _DATE_RE.match(text)
    if match is None or match.group("month") not in _MONTHS:
        return None
    try:
        return dt.date(int(match.group("year")), _MONTHS[match.group("month")], int(match.group("day")))
    except ValueError:
        return None


def language_code(name: str) -> str | None:
    """``English`` / ``英文`` → ``en`` (a value of archive.models.Language)."""
    return _LANGUAGES.get(name.strip().lower())


def _symbol(text: str, head: Masthead) -> bool:
    from .symbols import InvalidSymbol, normalize_symbol

    raw = text.strip()
    if not is_symbol_line(raw):
        return False
    head.reissued = head.reissued or raw.endswith("*")
    try:
        symbol = normalize_symbol(raw.rstrip("*"))
    except InvalidSymbol:
        return False
    head.symbol = head.symbol or symbol
    head.headers.append(raw.rstrip("*").strip())
    return True


def _line(text: str, head: Masthead, rules: MastheadRules) -> tuple[bool, bool]:
    """(this line belongs to a masthead, it is one of the unmistakable lines)."""
    if match := rules.organisation.match(text):
        rest = match.group("rest")
        if rest is None or _symbol(rest, head):
            return True, True
        return False, False
    if match := rules.organ.match(text):
        return True, bool(match.group("distr"))
    if _DISTR_RE.match(text):
        return True, True
    if match := _ORIGINAL_RE.match(text):
        language = language_code(match.group("en") or match.group("zh"))
        head.original_language = head.original_language or language
        return True, True
    if rules.language_line.match(text) or rules.session.match(text):
        return True, False
    if (date := english_date(text)) is not None:
        head.issued_on = head.issued_on or date
        return True, False
    if _symbol(text, head):
        return True, False
    furniture = classify(text)
    if furniture is not None and furniture.kind in (FurnitureKind.JOB, FurnitureKind.BARCODE, FurnitureKind.RECYCLE):
        if furniture.job_number:
            head.job_number = head.job_number or furniture.job_number
            head.headers.append(text)
        return True, False
    return False, False


def read_masthead(stripped: list[str], rules: MastheadRules = CHINESE) -> Masthead:
    """The masthead at the start of ``stripped`` (lines without surrounding spaces), or an empty one."""
    head = Masthead()
    certain = False
    nonblank = [(i, text) for i, text in enumerate(stripped[: _MAX_LINES * 4]) if text][:_MAX_LINES]
    previous = ""
    for n, (i, text) in enumerate(nonblank):
        belongs, unmistakable = _line(text, head, rules)
        if not belongs and rules.agenda.match(previous) and n + 1 < len(nonblank):
            # The agenda item's name ("长期冲突局势") under its number, when the masthead goes on after it.
            belongs = _line(nonblank[n + 1][1], Masthead(), rules)[0]
        if not belongs:
            break
        certain = certain or unmistakable
        head.end, previous = i + 1, text
    return head if certain else Masthead()
