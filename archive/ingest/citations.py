"""Find citations of UN documents in Chinese text.

Three shapes are recognised, each occurrence giving one :class:`CitationMatch`:

* document symbols (``S/2016/952``, ``S/PRST/2001/3``, ``A/55/985-S/2001/574``, ``S/RES/2645(2022)``);
* Security Council resolutions written the Chinese way (``第 2645(2022)号决议``), alone or in
  lists (``第 2185(2014)号、第 2382(2017)号和第 2447(2018)号决议``);
* General Assembly resolutions (``大会第 72/262 C 号决议``, ``第 70/262 号双重决议``).

A pin-point (``第 60 段``, ``第 29-47 段``, ``第 53 段、第 54 段和第 57 段``, ``附件``, ``附件一第 2 段``,
``序言部分第 3 段``) is attached only when it follows the citation directly (an optional comma
between, or the bracket closing around the symbol: ``报告(S/2018/1183)第 15 段``), so it can never
leak from another sentence.  It is stored in the one grammar of :mod:`archive.ingest.pinpoints`
(``15``, ``29-47``, ``53,54,57``, ``附件``, ``附件一:2``, ``序言:3``, ``摘要``).  ``第 3 段`` with no
citation before it is an internal reference and is ignored.

Matching runs on an NFKC copy of the text (full-width digits and brackets are common in
Chinese documents); offsets are mapped back so that ``text[m.start:m.end] == m.text``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence

from .symbols import InvalidSymbol, normalize_symbol, resolution_symbol
from .types import CitationKind, CitationMatch

__all__ = ["extract_citations"]

# Stray whitespace inside a citation is left over from PDF line wrapping ("S/PRST/ 2001/3").
_W = r"\s{0,5}"
_SL = rf"{_W}/{_W}"
_DASH = r"[-‐‑‒–—−]"

_SUFFIX = rf"(?:{_SL}(?:Add|Rev|Corr|Amend)\.{_W}\d{{1,3}}(?!\d))"
_S_DOC = (
    rf"S{_SL}(?:RES{_SL}\d{{1,4}}{_W}\({_W}\d{{4}}{_W}\)"
    rf"|PRST{_SL}\d{{4}}{_SL}\d{{1,3}}(?!\d)"
    rf"|\d{{4}}{_SL}\d{{1,4}}(?!\d)){_SUFFIX}*"
)
_A_DOC = (
    rf"A{_SL}(?:RES{_SL}\d{{1,3}}{_SL}\d{{1,4}}(?!\d)(?:[ ]?[A-Z](?![A-Za-z]))?"
    rf"|(?:C\.[1-6]{_SL})?\d{{1,3}}{_SL}(?:L\.)?\d{{1,4}}(?!\d)){_SUFFIX}*"
)
# The look-behind keeps fragments of longer tokens out: ".../ch/S/6/952", "12-2006".
_SYMBOL_RE = re.compile(
    rf"(?<![A-Za-z0-9/._\-])(?:{_A_DOC}(?:{_W}{_DASH}{_W}{_S_DOC})?|{_S_DOC})", re.IGNORECASE | re.ASCII
)

_SC_ITEM_RE = re.compile(rf"(?<![\d/.A-Za-z])(?P<num>\d{{1,4}}){_W}\({_W}(?P<year>\d{{4}}){_W}\)", re.ASCII)
_GA_ITEM_RE = re.compile(
    rf"(?<![\d/.A-Za-z])(?P<session>\d{{1,3}}){_SL}(?P<num>\d{{1,4}})(?!\d)(?:{_W}(?P<letter>[A-Z])(?![A-Za-z]))?",
    re.ASCII,
)
# What may stand between a listed resolution number and the closing 决议: more items,
# separators, 号, the organ's name and (in raw text) footnote markers.  决定 (decision)
# is deliberately not allowed, so "第 72/555 号决定" is not taken for a resolution.
_LIST_TAIL_RE = re.compile(
    r"(?:[\s\d/()A-Z、，,和及与第号\-]|以及|安全理事会|安理会|大会){0,80}?(?:双重|各项)?决议", re.ASCII
)
_HEAD_DI_RE = re.compile(r"第\s{0,5}\Z", re.ASCII)
_HEAD_RESOLUTION_RE = re.compile(r"决议\s{0,5}\Z", re.ASCII)
_HAO_RE = re.compile(r"\s{0,5}号", re.ASCII)
_JUEYI_RE = re.compile(r"\s{0,5}决议", re.ASCII)

_NUM = rf"\d{{1,4}}(?:{_W}(?:{_DASH}|~|至|到){_W}\d{{1,4}})?"
_SEP = rf"{_W}(?:以及|、|,|，|和|及|与){_W}"
_PARA = rf"第{_W}{_NUM}(?:{_W}段)?(?:{_SEP}(?:第{_W})?{_NUM}(?:{_W}段)?){{0,30}}{_W}段"
_PART = r"(?:附件|附文|附录)(?:[一二三四五六七八九十]{1,3}|[0-9]{1,2})?"
_PIN_BODY = (
    rf"(?:(?P<part>{_PART})(?:{_W}[,，]?{_W}(?P<partpara>{_PARA}))?"
    rf"|序言(?:部分)?{_W}(?P<preamble>{_PARA})"
    rf"|(?:执行部分{_W})?(?P<para>{_PARA})"
    r"|(?P<summary>摘要))"
)
# After the symbol, a comma or nothing; after a closing bracket ("报告(S/2018/1183)第 15 段"), nothing.
_PIN_RE = re.compile(rf"(?:{_W}[,，]?|{_W}[)）]){_W}{_PIN_BODY}", re.ASCII)
_PIN_NUM_RE = re.compile(rf"(\d+)(?:{_W}(?:{_DASH}|~|至|到){_W}(\d+))?", re.ASCII)
_PINPOINT_MAX = 64  # Citation.pinpoint's column width; a longer "pin-point" is not one.

# Link targets are PDF annotations, not prose, and are often malformed ("/ch/S/6/952").
_URL_RE = re.compile(r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%\\]+", re.IGNORECASE)


_FULL_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _normalise(text: str) -> tuple[str, list[int]]:
    """NFKC copy of ``text`` and, for each of its characters, the index it came from.

    Normalising character by character keeps the mapping exact (a whole-string NFKC may
    merge or split characters across positions); that is enough for the ASCII-shaped
    patterns searched here.
    """
    # Most Chinese text only needs its full-width forms folded, one character for one: then the
    # offsets do not move and the character-by-character walk below is not needed.
    quick = text.translate(_FULL_WIDTH)
    if unicodedata.is_normalized("NFKC", quick):
        return quick, list(range(len(text) + 1))
    parts: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        norm = ch if ch.isascii() else unicodedata.normalize("NFKC", ch)
        parts.append(norm)
        origin.extend([i] * len(norm))
    origin.append(len(text))  # Sentinel so that an end offset at the end of the string maps too.
    return "".join(parts), origin


def _kind(symbol: str) -> CitationKind:
    if symbol.startswith("S/RES/"):
        return CitationKind.SC_RESOLUTION
    if symbol.startswith("A/RES/"):
        return CitationKind.GA_RESOLUTION
    if symbol.startswith("S/PRST/"):
        return CitationKind.PRESIDENTIAL_STATEMENT
    return CitationKind.DOCUMENT


def _numbers(para: str) -> str:
    return ",".join(f"{a}-{b}" if b else a for a, b in _PIN_NUM_RE.findall(para))


def _pinpoint(norm: str, end: int) -> str | None:
    """The normalised pin-point (grammar: :mod:`archive.ingest.pinpoints`) right after ``end``, or None."""
    match = _PIN_RE.match(norm, end)
    if match is None:
        return None
    if match.group("para"):
        pin = _numbers(match.group("para"))
    elif match.group("preamble"):
        pin = f"序言:{_numbers(match.group('preamble'))}"
    elif match.group("part"):
        part, para = match.group("part"), match.group("partpara")
        pin = f"{part}:{_numbers(para)}" if para else part
    else:
        pin = match.group("summary")
    return pin if len(pin) <= _PINPOINT_MAX else None


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < s_end and s_start < end for s_start, s_end in spans)


def _symbol_matches(norm: str, blocked: list[tuple[int, int]]) -> Iterator[tuple[int, int, str]]:
    for match in _SYMBOL_RE.finditer(norm):
        if _overlaps(match.start(), match.end(), blocked):
            continue
        try:
            yield match.start(), match.end(), normalize_symbol(match.group())
        except InvalidSymbol:
            continue


def _item_span(norm: str, start: int, end: int) -> tuple[int, int]:
    """Widen a bare resolution number to ``第 … 号决议`` as far as the text spells it out."""
    if _HEAD_DI_RE.search(norm, max(0, start - 6), start):
        start = norm.rindex("第", 0, start)
    hao = _HAO_RE.match(norm, end)
    if hao:
        end = hao.end()
    jueyi = _JUEYI_RE.match(norm, end)
    if jueyi:
        end = jueyi.end()
    return start, end


def _in_resolution_context(norm: str, start: int, end: int) -> bool:
    return bool(_LIST_TAIL_RE.match(norm, end) or _HEAD_RESOLUTION_RE.search(norm, max(0, start - 7), start))


def _sc_matches(norm: str, blocked: list[tuple[int, int]]) -> Iterator[tuple[int, int, str]]:
    for match in _SC_ITEM_RE.finditer(norm):
        if _overlaps(match.start(), match.end(), blocked):
            continue
        # "N(YYYY)" is distinctive enough that 第 before or 号 after settles it.
        accepted = (
            _HEAD_DI_RE.search(norm, max(0, match.start() - 6), match.start())
            or _HAO_RE.match(norm, match.end())
            or _in_resolution_context(norm, match.start(), match.end())
        )
        if not accepted:
            continue
        try:
            symbol = resolution_symbol(match.group("num"), match.group("year"))
        except InvalidSymbol:
            continue
        yield *_item_span(norm, match.start(), match.end()), symbol


def _ga_matches(norm: str, blocked: list[tuple[int, int]]) -> Iterator[tuple[int, int, str]]:
    for match in _GA_ITEM_RE.finditer(norm):
        if _overlaps(match.start(), match.end(), blocked):
            continue
        # "70/262" alone could be anything (a ratio, a decision): demand 决议 around it.
        if not _in_resolution_context(norm, match.start(), match.end()):
            continue
        session, number = match.group("session"), match.group("num")
        if int(session) == 0 or int(number) == 0:
            continue
        try:
            symbol = normalize_symbol(f"A/RES/{session}/{number}{match.group('letter') or ''}")
        except InvalidSymbol:
            continue
        yield *_item_span(norm, match.start(), match.end()), symbol


def extract_citations(text: str) -> list[CitationMatch]:
    """All citations in ``text``, in text order, one per occurrence (nothing is deduplicated).

    ``start``/``end`` index the original ``text``; ``symbol`` is canonical (see
    :mod:`archive.ingest.symbols`).  Never raises on any input string.
    """
    norm, origin = _normalise(text)
    blocked = [m.span() for m in _URL_RE.finditer(norm)]
    found = list(_symbol_matches(norm, blocked))
    blocked += [(s, e) for s, e, _symbol in found]
    found += _sc_matches(norm, blocked)
    blocked += [(s, e) for s, e, _symbol in found]
    found += _ga_matches(norm, blocked)

    return citation_matches(text, origin, found, lambda _start, end: _pinpoint(norm, end))


def citation_matches(
    text: str,
    origin: Sequence[int],
    found: Iterable[tuple[int, int, str]],
    pinpoint: Callable[[int, int], str | None],
) -> list[CitationMatch]:
    """The matches ``found`` in the normalised copy of ``text`` (start, end, symbol), as citations of
    ``text`` in text order; ``pinpoint(start, end)`` reads each one's pin-point in the normalised copy."""
    citations: list[CitationMatch] = []
    for n_start, n_end, symbol in sorted(found):
        # The last normalised character decides the end: an expansion (e.g. "⑴" → "(1)")
        # must map back to its whole source character.
        start, end = origin[n_start], origin[n_end - 1] + 1
        citations.append(
            CitationMatch(
                symbol=symbol,
                kind=_kind(symbol),
                text=text[start:end],
                start=start,
                end=end,
                pinpoint=pinpoint(n_start, n_end),
            )
        )
    return citations


# Text that reads like a citation: a symbol-shaped token ("S/RES/2645", "S/PV.9000") or a numbered
# resolution ("第 2645 号决议").  Any such text the citation stage did not turn into a citation is a
# citation form the importer does not know, and will not be linked.
_CITATION_CUE_RES = (
    re.compile(r"(?<![A-Za-z0-9/._\-])[SA]\s?/\s?[A-Z0-9][A-Za-z0-9./()\-]*", re.ASCII),
    re.compile(r"第\s?[0-9０-９][^。；;，,\n第]{0,20}?号\s?(?:决议|主席声明)"),
)
_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def unrecognised_citations(
    text: str, citations: Sequence[CitationMatch], cues: Sequence[re.Pattern[str]] = _CITATION_CUE_RES
) -> list[str]:
    """Citation-like text in ``text`` (by the ``cues`` of its language) not covered by ``citations``, each once."""
    spans = [(c.start, c.end) for c in citations] + [m.span() for m in _URL_RE.finditer(text)]
    found: list[str] = []
    for cue in cues:
        for m in cue.finditer(text):
            if not any(m.start() < end and start < m.end() for start, end in spans):
                found.append(m.group(0).rstrip(".)-"))
    return list(dict.fromkeys(found))
