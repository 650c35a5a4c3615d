"""What an English title says about the document: its date and its type.

Titles in English::

    Letter dated 8 October 2022 from the Secretary-General addressed to the President of the Security Council
    United Nations policing: Report of the Secretary-General
    Resolution 2645 (2022)
        (then: Adopted by the Security Council at its 9093rd meeting, on 15 July 2022)
    Statement by the President of the Security Council
        (then: At the 9271st meeting of the Security Council, held on 8 March 2023, …)
    Note by the President of the Security Council
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from ..masthead import english_date
from ..metadata import MetadataRules
from ..types import Block

__all__ = ["ENGLISH", "english_title_date"]

_DATE = r"[0-9]{1,2}\s+[A-Z][a-z]+\s+[0-9]{4}"
_DATED_RE = re.compile(rf"\bdated\s+(?P<date>{_DATE})")
_STATED_RES = (
    re.compile(rf"^Adopted\s+by\s+the\s+.{{0,40}}?\bmeeting,?\s+on\s+(?P<date>{_DATE})"),
    re.compile(rf"^At\s+(?:its|the)\s+[0-9]+(?:st|nd|rd|th)\s+meeting\b.{{0,80}}?\bheld\s+on\s+(?P<date>{_DATE})"),
)
_TITLE_LIKE_RE = re.compile(
    r"^(?:(?:Identical\s+)?[Ll]etters?\s+dated\b|Note\s+verbale\s+dated\b|Report\s+of\s+the\b|Note\s+by\s+the\b"
    r"|Statement\s+by\s+the\s+President\b|Annex\s+to\s+the\s+letter\b)"
)
# Checked in order, like the Chinese ones: "Annex to the letter dated …" is a letter, "Note by …" a note.
_DOC_TYPES = (
    ("corrigendum", re.compile(r"\bCorrigendum$")),
    ("note", re.compile(r"(?:^|:\s)Note\s+(?:by|verbale)\b")),
    ("letter", re.compile(r"\b[Ll]etters?\s+dated\b")),
    ("report", re.compile(r"\bReport\s+of\b|\breport$")),
    ("presidential_statement", re.compile(r"\bStatement\s+by\s+the\s+President\b")),
    ("resolution", re.compile(r"^Resolution\s+[0-9]+")),
)


def _date(text: str) -> dt.date | None:
    return english_date(" ".join(text.split()))


def english_title_date(title: str | None) -> dt.date | None:
    """``Letter dated 8 October 2022 from …`` → 2022-10-08."""
    if not title or (match := _DATED_RE.search(title)) is None:
        return None
    return _date(match.group("date"))


def _stated_date(blocks: Sequence[Block]) -> dt.date | None:
    for block in blocks[1:4]:
        for pattern in _STATED_RES:
            if match := pattern.match(block.text):
                return _date(match.group("date"))
    return None


ENGLISH = MetadataRules(
    title_like=_TITLE_LIKE_RE,
    title_join=": ",
    title_date=english_title_date,
    stated_date=_stated_date,
    doc_types=_DOC_TYPES,
    type_text=lambda title: " ".join(title.split()),
)
