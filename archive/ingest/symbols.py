"""UN document symbols: validation, canonical spelling and the document type they imply.

Canonical forms (what the database stores and URLs show)::

    S/2018/1183          S/RES/2645(2022)     S/PRST/2001/3
    A/72/707             A/RES/72/262C        A/72/707-S/2018/43
    S/2018/1183/Add.1    A/C.4/72/L.5

Only Security Council (``S/``) and General Assembly (``A/``) symbols are accepted: they are
the only bodies the archive's documents cite, and a narrow grammar keeps malformed URL
fragments (``S/6/952``, ``72/262C``) out of the database.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "InvalidSymbol",
    "doc_type_for_symbol",
    "is_valid_symbol",
    "normalize_symbol",
    "resolution_symbol",
    "symbol_lookup_key",
    "symbol_sort_key",
]


class InvalidSymbol(ValueError):
    """A string that is not a UN document symbol; the message is shown to the librarian."""


# Suffixes keep the UN's own casing ("Add.1"), which is also what undocs.org prints.
_SUFFIX_CASE = {"ADD": "Add", "REV": "Rev", "CORR": "Corr", "AMEND": "Amend"}
_SUFFIX = r"(?:/(?:ADD|REV|CORR|AMEND)\.\d{1,3})"

_S_RE = re.compile(
    r"S/(?:"
    r"RES/(?P<sc_num>\d{1,4})\((?P<sc_year>\d{4})\)"
    r"|PRST/(?P<prst_year>\d{4})/\d{1,3}"
    r"|(?P<s_year>\d{4})/\d{1,4}"
    rf"){_SUFFIX}*",
    re.ASCII,
)
_A_RE = re.compile(
    r"A/(?:"
    r"RES/\d{1,3}/\d{1,4}[A-Z]?"
    r"|(?:C\.[1-6]/)?\d{1,3}/(?:L\.)?\d{1,4}"
    rf"){_SUFFIX}*",
    re.ASCII,
)
_SUFFIX_RE = re.compile(r"/(ADD|REV|CORR|AMEND)\.")

# Dash and slash look-alikes that NFKC leaves alone but PDFs and keyboards produce.
_LOOKALIKES = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-", "∕": "/", "⁄": "/"})
_WHITESPACE_RE = re.compile(r"\s+")

_FIRST_YEAR = 1946  # The Security Council's first resolution; earlier years are typos.
_LAST_YEAR = 2099

_EXAMPLES = "S/2018/1183、S/RES/2645(2022)、S/PRST/2001/3、A/RES/72/262C、A/72/707-S/2018/43"


def _compact(raw: str) -> str:
    return _WHITESPACE_RE.sub("", unicodedata.normalize("NFKC", raw).translate(_LOOKALIKES)).upper()


def normalize_symbol(raw: str) -> str:
    """Return the canonical spelling of ``raw`` or raise :class:`InvalidSymbol`.

    NFKC, upper case, all whitespace removed (``A/RES/72/262 C`` → ``A/RES/72/262C``,
    ``S/PRST/ 2001/3`` → ``S/PRST/2001/3``); ``Add.``/``Rev.``/``Corr.`` keep UN casing.
    """
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidSymbol("文号为空。")
    compact = _compact(raw)
    # A joint symbol is an Assembly symbol and a Council symbol, in that order.
    a_part, _dash, s_part = compact.partition("-") if compact.startswith("A/") else ("", "", compact)
    s_match = _S_RE.fullmatch(s_part) if s_part else None
    if (a_part and _A_RE.fullmatch(a_part) is None) or (s_part and s_match is None) or compact.endswith("-"):
        raise InvalidSymbol(f"“{raw.strip()}”不是有效的联合国文号；应为 {_EXAMPLES} 等形式。")
    if s_match is not None:
        for name in ("sc_year", "prst_year", "s_year"):
            year = s_match.group(name)
            if year is not None and not _FIRST_YEAR <= int(year) <= _LAST_YEAR:
                raise InvalidSymbol(
                    f"文号“{raw.strip()}”中的年份 {year} 不合理（应在 {_FIRST_YEAR}–{_LAST_YEAR} 之间）。"
                )
        number = s_match.group("sc_num")
        if number is not None and int(number) == 0:
            raise InvalidSymbol(f"文号“{raw.strip()}”中的决议编号不能为 0。")
    return _SUFFIX_RE.sub(lambda m: f"/{_SUFFIX_CASE[m.group(1)]}.", compact)


def is_valid_symbol(raw: str) -> bool:
    try:
        normalize_symbol(raw)
    except InvalidSymbol:
        return False
    return True


def symbol_lookup_key(raw: str) -> str:
    """Key for finding a document by a loosely typed symbol (URLs, search box); never raises.

    A valid symbol gives its canonical form (``ｓ／２０１８／１１８３`` → ``S/2018/1183``);
    anything else gives the same compact upper-case string, which simply matches nothing.
    """
    try:
        return normalize_symbol(raw.strip("/ "))
    except InvalidSymbol:
        return _compact(raw).strip("/")


def doc_type_for_symbol(symbol: str) -> str:
    """The ``DocumentType`` value a symbol implies; ``"other"`` when the symbol alone cannot tell.

    Letters and reports share the plain ``S/yyyy/n`` form, so only resolutions and
    presidential statements are recognisable from the symbol.
    """
    key = symbol_lookup_key(symbol)
    if key.startswith(("S/RES/", "A/RES/")):
        return "resolution"
    if key.startswith("S/PRST/"):
        return "presidential_statement"
    return "other"


def resolution_symbol(number: str, year: str) -> str:
    """Symbol of Security Council resolution ``number`` of ``year``.

    ``("2645", "2022")`` → ``S/RES/2645(2022)``; raises :class:`InvalidSymbol` otherwise.
    """
    num = unicodedata.normalize("NFKC", str(number)).strip()
    yr = unicodedata.normalize("NFKC", str(year)).strip()
    if not (num.isascii() and num.isdigit() and yr.isascii() and yr.isdigit()):
        raise InvalidSymbol(f"安理会决议编号“{number}”或年份“{year}”不是数字。")
    # Leading zeros are stripped by hand: int() of a huge digit string raises a plain ValueError.
    return normalize_symbol(f"S/RES/{num.lstrip('0') or '0'}({yr})")


_DIGITS_RE = re.compile(r"[0-9]+")


def symbol_sort_key(symbol: str | None) -> str | None:
    """A key that sorts symbols as readers count: S/2018/99 before S/2018/1183 (numbers padded)."""
    if not symbol:
        return None
    return _DIGITS_RE.sub(lambda m: m.group().rjust(10, "0"), symbol.upper())
