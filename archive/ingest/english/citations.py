"""Find citations of UN documents in English text.

The same three shapes as in Chinese (:mod:`archive.ingest.citations`), written the English way:

* document symbols, exactly as in Chinese text (``S/2016/952``, ``A/55/985-S/2001/574``);
* Security Council resolutions: ``resolution 2645 (2022)``, lists ``resolutions 2185 (2014), 2382
  (2017) and 2447 (2018)`` (one citation per resolution);
* General Assembly resolutions: ``General Assembly resolution 72/262 C``, ``resolutions 70/262 and
  71/243``.  A number is a resolution only after the word: ``decision 72/555``, ``the 9093rd
  meeting`` and ``Chapter VII`` cite nothing.

A pin-point after the citation (``S/2016/952, para. 60``, ``paras. 53, 54 and 57``, ``paras.
29–47``, ``(S/2018/1183), para. 15``, ``resolution 2645 (2022), paras. 4 and 5``, ``annex I,
para. 2``, ``S/2021/1090, annex, para. 3``, ``summary``) or before it (``paragraph 4 of resolution
2645 (2022)``, ``the ninth preambular paragraph of resolution 2645 (2022)``, ``paragraph 2 of annex
I to resolution …``) is stored in the one grammar of :mod:`archive.ingest.pinpoints` (``60``,
``29-47``, ``53,54,57``, ``附件一:2``, ``附件:3``, ``序言:9``, ``摘要``): the grammar is data, the
same for every language.  ``para. 3`` with no citation next to it is an internal reference and is
ignored.  Offsets index the original text, as in Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ..citations import _URL_RE, _normalise, _overlaps, _symbol_matches, citation_matches
from ..citations import unrecognised_citations as _unrecognised
from ..pinpoints import part_name
from ..symbols import InvalidSymbol, normalize_symbol, resolution_symbol
from ..types import CitationMatch
from .segment import roman_number

__all__ = ["extract_citations", "unrecognised_citations"]

_W = r"\s{0,5}"
_DASH = r"[-‐‑‒–—−]"
_SC_ITEM = rf"(?P<sc>(?P<num>\d{{1,4}}){_W}\({_W}(?P<year>\d{{4}}){_W}\))"
_GA_ITEM = rf"(?P<ga>(?P<session>\d{{1,3}}){_W}/{_W}(?P<ganum>\d{{1,4}})(?!\d)(?:[ ](?P<letter>[A-Z])(?![A-Za-z]))?)"
_ITEM_RE = re.compile(rf"(?:{_SC_ITEM}|{_GA_ITEM})(?![\d/])", re.ASCII)
_RESOLUTION_WORD_RE = re.compile(r"(?<![A-Za-z])resolutions?(?:\s+(?:Nos?\.|numbers?))?\s+(?=\d)", re.IGNORECASE)
_LIST_SEP_RE = re.compile(r"(?:\s*,\s*(?:and\s+|as\s+well\s+as\s+)?|\s+and\s+|\s+as\s+well\s+as\s+|\s+or\s+)", re.ASCII)

# --- pin-points ------------------------------------------------------------------------------------

_NUM = rf"\d{{1,4}}(?:{_W}(?:{_DASH}|to){_W}\d{{1,4}})?"
_NUMS = rf"{_NUM}(?:(?:{_W},{_W}(?:and{_W})?|\s+and\s+){_NUM}){{0,30}}"


def _para(name: str) -> str:
    """``para. 60``, ``paras. 53, 54 and 57``, ``paragraphs 29–47``: the numbers in group ``name``."""
    return rf"(?:paras?\.|paragraphs?){_W}(?P<{name}>{_NUMS})"


def _part(kind: str, number: str) -> str:
    """``annex``, ``annex II``, ``enclosure``: the kind in group ``kind``, the number in group ``number``."""
    return rf"(?P<{kind}>annex|enclosure|appendix)(?:\s+(?P<{number}>[IVXLC]{{1,7}}|\d{{1,2}}))?(?![A-Za-z])"


_ORDINALS = {
    word: n
    for n, word in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
        "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split(),
        start=1,
    )
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40}
_ORDINAL = r"(?<![A-Za-z])(?:(?:(?:twenty|thirty|forty)-)?[a-z]+(?:st|nd|rd|th)|\d{1,2}(?:st|nd|rd|th))(?![A-Za-z])"
_ORDINAL_SEP_RE = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
_ORDINALS_LIST = rf"(?:{_ORDINAL})(?:(?:{_W},{_W}|\s+and\s+|{_W},\s+and\s+)(?:{_ORDINAL})){{0,10}}"
_POST_RE = re.compile(
    rf"(?:{_W},|{_W}\){_W},?){_W}(?:"
    rf"{_part('part', 'partnum')}(?:{_W},{_W}{_para('partpara')})?"
    rf"|(?:preambular{_W}){_para('preamble')}"
    rf"|(?:the{_W})?(?P<postordinals>{_ORDINALS_LIST}){_W}preambular{_W}paragraphs?"
    rf"|{_para('para')}"
    r"|(?P<summary>summary)(?![A-Za-z]))",
    re.IGNORECASE | re.ASCII,
)
# "…paragraph 4 of", "the ninth preambular paragraph of", "paragraph 2 of annex I to", then the cited
# document's own words ("its resolution", "the Security Council resolution", "document").
_PRE_RE = re.compile(
    rf"(?:{_para('prepara')}|(?:the{_W})?(?P<ordinals>{_ORDINALS_LIST}){_W}preambular{_W}paragraphs?"
    rf"|preambular{_W}{_para('prepreamble')}|{_part('prepart', 'prepartnum')})"
    rf"(?:{_W}of{_W}(?:the{_W})?{_part('ofpart', 'ofpartnum')})?"
    rf"{_W}(?:of|to|in){_W}(?:(?:the|its|that|this)\s+)?(?:Council['’]s\s+)?"
    r"(?:(?:Security\s+Council|General\s+Assembly|Council|Assembly)\s+)?(?:document\s+)?\Z",
    re.IGNORECASE | re.ASCII,
)
_PRE_WINDOW = 160
_PIN_NUM_RE = re.compile(rf"(\d+)(?:{_W}(?:{_DASH}|to){_W}(\d+))?", re.ASCII)
_PINPOINT_MAX = 64


def _numbers(text: str) -> str:
    return ",".join(f"{a}-{b}" if b else a for a, b in _PIN_NUM_RE.findall(text))


def _ordinal(word: str) -> int | None:
    word = word.lower()
    if word[0].isdigit():
        return int(word[:-2])
    tens, _dash, rest = word.partition("-")
    if rest:
        return _TENS[tens] + _ORDINALS[rest] if tens in _TENS and rest in _ORDINALS and _ORDINALS[rest] < 10 else None
    return _ORDINALS.get(word) or (_TENS.get(word.removesuffix("ieth") + "y") if word.endswith("ieth") else None)


def _ordinal_pin(text: str) -> str | None:
    """``ninth`` → 序言:9, ``twenty-second and twenty-third`` → 序言:22,23; None if a word is no ordinal."""
    ordinals = [_ordinal(w) for w in _ORDINAL_SEP_RE.split(text.strip()) if w]
    if not ordinals or None in ordinals:
        return None
    return _checked("序言:" + ",".join(str(n) for n in ordinals))


def _part_pin(kind: str | None, number: str | None) -> str | None:
    if not kind:
        return None
    return part_name(kind.lower(), roman_number(number) if number else None)


def _pin(part: str | None, numbers: str | None) -> str | None:
    if part is None:
        return numbers or None
    return f"{part}:{numbers}" if numbers else part


def _checked(pin: str | None) -> str | None:
    return pin if pin and len(pin) <= _PINPOINT_MAX else None


def _after(norm: str, end: int) -> str | None:
    """The pin-point (in the grammar) right after a citation ending at ``end``, or None."""
    match = _POST_RE.match(norm, end)
    if match is None:
        return None
    if match.group("summary"):
        return "摘要"
    if match.group("preamble"):
        return _checked(f"序言:{_numbers(match.group('preamble'))}")
    if match.group("postordinals"):
        return _ordinal_pin(match.group("postordinals"))
    if match.group("para"):
        return _checked(_numbers(match.group("para")))
    part = _part_pin(match.group("part"), match.group("partnum"))
    if part is None:
        return None
    return _checked(_pin(part, _numbers(match.group("partpara")) if match.group("partpara") else None))


def _before(norm: str, start: int) -> str | None:
    """The pin-point (in the grammar) that the words right before a citation starting at ``start`` name."""
    match = _PRE_RE.search(norm, max(0, start - _PRE_WINDOW), start)
    if match is None:
        return None
    if match.group("ordinals"):
        return _ordinal_pin(match.group("ordinals"))
    if match.group("prepreamble"):
        return _checked(f"序言:{_numbers(match.group('prepreamble'))}")
    of_part = _part_pin(match.group("ofpart"), match.group("ofpartnum"))
    if match.group("prepara"):
        return _checked(_pin(of_part, _numbers(match.group("prepara"))))
    return _checked(_part_pin(match.group("prepart"), match.group("prepartnum")))


# --- resolutions ---------------------------------------------------------------------------------------


def _resolution_items(norm: str, blocked: list[tuple[int, int]]) -> Iterator[tuple[int, int, str]]:
    """Each resolution of "resolution(s) N (YYYY), … and …": (start, end, symbol); the first starts at the word."""
    for word in _RESOLUTION_WORD_RE.finditer(norm):
        position, first = word.end(), word.start()
        while True:
            item = _ITEM_RE.match(norm, position)
            if item is None or _overlaps(item.start(), item.end(), blocked):
                break
            try:
                if item.group("sc"):
                    symbol = resolution_symbol(item.group("num"), item.group("year"))
                else:
                    if int(item.group("session")) == 0 or int(item.group("ganum")) == 0:
                        break
                    letter = item.group("letter") or ""
                    symbol = normalize_symbol(f"A/RES/{item.group('session')}/{item.group('ganum')}{letter}")
            except InvalidSymbol:
                break
            yield first, item.end(), symbol
            separator = _LIST_SEP_RE.match(norm, item.end())
            if separator is None:
                break
            position = first = separator.end()


def extract_citations(text: str) -> list[CitationMatch]:
    """All citations in English ``text``, in text order, one per occurrence; never raises."""
    # English text is mostly ASCII, which NFKC leaves as it is.
    norm, origin = (text, range(len(text) + 1)) if text.isascii() else _normalise(text)
    blocked = [m.span() for m in _URL_RE.finditer(norm)]
    found = list(_symbol_matches(norm, blocked))
    blocked += [(s, e) for s, e, _symbol in found]
    found += _resolution_items(norm, blocked)

    return citation_matches(text, origin, found, lambda start, end: _before(norm, start) or _after(norm, end))


# Text that reads like a citation: a symbol-shaped token ("S/RES/2645", "S/PV.9000") or a numbered
# resolution ("resolution 2645", without its year).  Left uncovered by the citations found, it is a
# form the importer does not know and will not link.
_CITATION_CUE_RES = (
    re.compile(r"(?<![A-Za-z0-9/._\-])[SA]\s?/\s?[A-Z0-9][A-Za-z0-9./()\-]*", re.ASCII),
    re.compile(r"(?<![A-Za-z])resolutions?\s+\d[\d/]*", re.IGNORECASE | re.ASCII),
)


def unrecognised_citations(text: str, citations: Sequence[CitationMatch]) -> list[str]:
    """Citation-like text in ``text`` not covered by ``citations`` (each distinct text once)."""
    return _unrecognised(text, citations, _CITATION_CUE_RES)
