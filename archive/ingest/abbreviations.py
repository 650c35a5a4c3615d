"""Find abbreviations defined in place: ``联合国海地综合办事处(联海综合办)``.

The short form is easy (the bracket's content); the full name is not, because Chinese
has no spaces: ``秘书处在联合国海地综合办事处(联海综合办)`` must yield
``联合国海地综合办事处``, not the whole run of ideographs.  The heuristic, in order:

1. Candidates are the tails of the run of ideographs before the bracket (at most
   ``_MAX_FULL`` characters, never crossing punctuation, digits, Latin or spaces) that
   contain the short form's characters in order, and are longer than it.
2. Prefer the shortest candidate that starts with the short form's first character at a
   plausible word boundary: the start of the run, after a function word (在、和、与…) or a
   common verb (打击、支持…), or right after ``联合国``, which is then taken into the name
   (``联合国南苏丹特派团(南苏丹特派团)``).
3. Otherwise take the nearest candidate starting with ``联合国``
   (``联合国促进性别平等和增强妇女权能署(妇女署)``, where 妇 is not at a boundary).
4. Otherwise there is no definition: a missed pair is better than a truncated name.
"""

from __future__ import annotations

import re
import unicodedata

from .types import Abbreviation

__all__ = ["extract_abbreviations"]

_MAX_FULL = 24
_MIN_SHORT, _MAX_SHORT = 2, 12

_BRACKET_RE = re.compile(r"\(([^()\n]{1,30})\)")
# Wording that introduces the short form ("以下简称“维和部”"), not part of it.
_SHORT_PREFIX_RE = re.compile(r"^(?:以下简称|以下称|下称|简称)")
_QUOTES = "“”‘’\"'「」《》"
# Brackets that explain rather than abbreviate, even when their characters happen to
# occur in the preceding words.
_NOT_SHORT_RE = re.compile(r"签名|见附件|^(?:包括|又称|例如|如|见|即|约|其中|特别是|已|均|含|或)")

_FUNCTION_CHARS = frozenset("的在与和及由了对向从将为经把被同或至于即")
_BOUNDARY_WORDS = (
    "联合国",
    "打击",
    "支持",
    "包括",
    "例如",
    "关于",
    "根据",
    "通过",
    "协助",
    "设立",
    "成立",
    "鉴于",
    "参与",
    "加入",
    "部署",
    "领导",
    "以及",
)
_UN = "联合国"
# Hybrid names ("非洲联盟-联合国达尔富尔混合行动") span a hyphen; cutting them is wrong.
# The Chinese dash "——" is punctuation, not such a hyphen.
_HYPHENS = frozenset("-‐‑")


def _is_ideograph(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _is_subsequence(short: str, full: str) -> bool:
    chars = iter(full)
    return all(ch in chars for ch in short)


def _clean_short(inner: str) -> str | None:
    short = _SHORT_PREFIX_RE.sub("", inner.strip()).strip(_QUOTES + " ")
    if not _MIN_SHORT <= len(short) <= _MAX_SHORT:
        return None
    if not all(_is_ideograph(ch) for ch in short) or _NOT_SHORT_RE.search(short):
        return None
    return short


def _at_boundary(text: str, pos: int, run_start: int, run_is_bounded: bool) -> bool:
    if pos == run_start:
        return run_is_bounded
    if text[pos - 1] in _FUNCTION_CHARS or text.startswith(_UN, pos):
        return True
    return any(text.endswith(word, run_start, pos) for word in _BOUNDARY_WORDS)


def _full_name(text: str, close: int, short: str) -> str | None:
    """The full name ending at ``close`` (the bracket's position) for ``short``, or None."""
    run_start = close
    while run_start > 0 and close - run_start < _MAX_FULL and _is_ideograph(text[run_start - 1]):
        run_start -= 1
    # A run cut by the length limit does not start at a real boundary.
    run_is_bounded = run_start == 0 or not _is_ideograph(text[run_start - 1])
    if run_start > 1 and text[run_start - 1] in _HYPHENS and _is_ideograph(text[run_start - 2]):
        return None

    starts = [
        pos
        for pos in range(close - len(short), run_start - 1, -1)
        if close - pos > len(short) and _is_subsequence(short, text[pos:close])
    ]
    for pos in starts:  # nearest first: the shortest candidate wins
        if text[pos] == short[0] and _at_boundary(text, pos, run_start, run_is_bounded):
            if pos - len(_UN) >= run_start and text.endswith(_UN, run_start, pos):
                pos -= len(_UN)
            return text[pos:close]
    for pos in starts:
        if text.startswith(_UN, pos):
            return text[pos:close]
    return None


def extract_abbreviations(text: str) -> list[Abbreviation]:
    """Abbreviations defined in place in ``text``, each pair once, in order of first definition.

    Half- and full-width brackets are both recognised.  Never raises on any input string.
    """
    # Only the brackets need normalising, and replacing them one for one keeps offsets.
    norm = text.replace("（", "(").replace("）", ")")
    found: list[Abbreviation] = []
    seen: set[tuple[str, str]] = set()
    for match in _BRACKET_RE.finditer(norm):
        short = _clean_short(unicodedata.normalize("NFKC", match.group(1)))
        if short is None:
            continue
        full = _full_name(norm, match.start(), short)
        if full is None or (full, short) in seen:
            continue
        seen.add((full, short))
        found.append(Abbreviation(full=full, short=short))
    return found
