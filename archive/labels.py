"""How a reader names documents, blocks and pin-points: the one locator of the archive.

Every place that names a block — citation lines, GB/T 7714, BibTeX/RIS/CSL, "cited by" lists, hub
pages, search hits, the JSON API, the copy-with-citation lines — goes through :func:`locator` (or
:func:`citation_line`), so a block is cited the same way everywhere.  The convention (also on the
search help page, ``templates/search/_help_citing.html``):

* A numbered block keeps its official number: ``第 12 段``, ``第 7(a) 段``, ``附件一第 2 段``,
  ``序言部分第 3 段``.
* A block without an official number (a letter's paragraphs, list items, tables, signatures) is
  ``第 5 自然段``: the 5th unnumbered block of the text as the archive first received it, headings
  and numbered paragraphs not counted.  The number is the counter of its permanent anchor (``b5``),
  so it never changes once served: a re-import of a corrected text keeps every surviving block's
  anchor, and a block added later takes the next unused number.
* The official page follows when it is known: ``第 12 段（第 4 页）``.  A heading is named by its
  page (``第 2 页``) or, with no page, by its words (``小标题“当前安全形势”``).
* English: ``para. 12 (p. 4)``, ``unnumbered para. 5``, ``annex I, para. 2``, ``paras. 4 and 5``.

Nothing here queries the database: blocks bring what they need (``text`` only for headings
without a page).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django.utils import translation
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from archive.ingest.pinpoints import Pinpoint, canonical_anchor, parse_pinpoint
from archive.models import BlockKind, Document, Footnote, Paragraph

# A counter anchor (``b5``; ``annex1-b5`` should sections ever get counters of their own).
_ORDINAL_ANCHOR = re.compile(r"^(?:(?P<section>[a-z]+[0-9]+)-)?b(?P<ordinal>[0-9]+)$")
# A block of another language version with no Chinese partner (``en3``): ISSUE15's data contract.
_UNPAIRED_ANCHOR = re.compile(r"^en(?P<counter>[0-9]+)$")
_SUB_ANCHOR = re.compile(r"^(?:[a-z]+[0-9]+-)?p(?P<number>[0-9]+)-(?P<label>[a-z0-9]+)$")
_SECTION = re.compile(r"^(?P<part>annex|enclosure|appendix)(?P<number>[0-9]+)$")
_HEADING_WORDS = 20

_ZH_NUMERALS = "一二三四五六七八九"
_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _zh_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (annexes run to a few dozen at most)."""
    if n < 10:
        return _ZH_NUMERALS[n - 1]
    tens, units = divmod(n, 10)
    head = "" if tens == 1 else _ZH_NUMERALS[tens - 1]
    return f"{head}十{_ZH_NUMERALS[units - 1] if units else ''}"


def _roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def join_list(items: Sequence[str]) -> str:
    """'4、5、7' in Chinese; '4, 5 and 7' in English."""
    items = [i for i in items if i]
    if not _english():
        return "、".join(items)
    if len(items) <= 2:
        return " and ".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def section_name(section: str) -> str:
    """``annex1`` → 附件一 / annex I; ``enclosure2`` → 附文二; ``preamble`` → 序言部分; "" → ""."""
    if section == "preamble":
        return pgettext("pinpoint", "序言部分")
    m = _SECTION.match(section)
    if m is None:
        return section
    n = int(m["number"])
    if _english():
        return f"{m['part']} {_roman(n)}"
    part = {"annex": "附件", "enclosure": "附文", "appendix": "附录"}[m["part"]]
    return f"{part}{_zh_number(n)}"


def _numbered(section: str, numbers: str, count: int = 1) -> str:
    """'第 12 段', '附件一第 2 段', '序言部分第 3 段'; in English 'para. 12', 'annex I, paras. 2 and 3'."""
    if count > 1:
        label = _("第 %(numbers)s 段") % {"numbers": numbers}
    else:
        label = _("第 %(number)s 段") % {"number": numbers}
    if section == "preamble":
        return _("序言部分%(paragraph)s") % {"paragraph": label}
    if section:
        return _("%(section)s%(paragraph)s") % {"section": section_name(section), "paragraph": label}
    return label


def with_page(label: str, page: int | None) -> str:
    """'第 12 段（第 4 页）'; the label alone when the page is unknown."""
    if page is None:
        return label
    return _("%(locator)s（第 %(page)s 页）") % {"locator": label, "page": page}


def page_label(page: int) -> str:
    return _("第 %(page)s 页") % {"page": page}


# --- blocks --------------------------------------------------------------------------------------


def ordinal(p: Paragraph) -> int | None:
    """The visible number of a block without an official one (``b5`` → 5), None for the others."""
    if p.number or p.kind in (BlockKind.HEADING, BlockKind.TITLE):
        return None
    m = _ORDINAL_ANCHOR.match(p.anchor)
    return int(m["ordinal"]) if m else None


def canonical_name(p: Paragraph) -> str:
    """The anchor a pin-point names this block by (``annex1-p3``, ``pp2``, ``p12``); "" if none."""
    if not p.number:
        return ""
    if p.kind == BlockKind.PREAMBULAR:
        return canonical_anchor("preamble", p.number)
    return canonical_anchor(p.section, p.number)


def _heading_words(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= _HEADING_WORDS else f"{text[: _HEADING_WORDS - 1]}…"


def block_label(p: Paragraph) -> str:
    """A block's name without its page: '第 12 段', '第 7(a) 段', '附件一第 2 段', '第 5 自然段'."""
    section = "preamble" if p.kind == BlockKind.PREAMBULAR else p.section
    if p.number:
        return _numbered(section, p.number)
    sub = _SUB_ANCHOR.match(p.anchor)
    if sub and p.kind == BlockKind.SUBPARAGRAPH:
        return _numbered(section, f"{sub['number']}({sub['label']})")
    if p.kind == BlockKind.TITLE:
        return pgettext("locator", "标题")
    if p.kind == BlockKind.HEADING:
        return _("小标题“%(words)s”") % {"words": _heading_words(p.text)}
    if m := _UNPAIRED_ANCHOR.match(p.anchor):
        # Its counter never changes once served, like an ordinal's; it counts only such blocks.
        return _("英文本增补段落 %(number)s") % {"number": m["counter"]}
    m = _ORDINAL_ANCHOR.match(p.anchor)
    if m:
        label = _("第 %(number)s 自然段") % {"number": m["ordinal"]}
        if m["section"]:
            label = _("%(section)s%(paragraph)s") % {"section": section_name(m["section"]), "paragraph": label}
        return label
    return str(p.get_kind_display())


def locator(p: Paragraph, label: str | None = None) -> str:
    """How a researcher cites the block inside its document: '第 12 段（第 4 页）', '第 2 页' (a heading).

    ``label`` is the block's :func:`block_label` when the caller already has it.
    """
    if p.kind in (BlockKind.HEADING, BlockKind.TITLE) and p.page is not None:
        return page_label(p.page)
    return with_page(block_label(p) if label is None else label, p.page)


def footnote_label(fn: Footnote) -> str:
    return _("脚注 %(number)s") % {"number": fn.number}


def footnote_locator(fn: Footnote) -> str:
    """'脚注 3（第 4 页）'."""
    return with_page(footnote_label(fn), fn.page)


def document_label(doc: Document) -> str:
    return doc.symbol or doc.title or doc.public_id


def in_document(doc: Document, place: str) -> str:
    """'S/2018/1183，第 12 段' / 'S/2018/1183, para. 12'."""
    return _("%(doc)s，%(block)s") % {"doc": document_label(doc), "block": place}


def citation_line(block: Paragraph | Footnote) -> str:
    """The ready-to-paste reference: 'S/2018/1183，第 12 段（第 4 页）'; never the document alone."""
    place = footnote_locator(block) if isinstance(block, Footnote) else locator(block)
    return in_document(block.document, place)


def with_url(line: str, url: str) -> str:
    """A citation line followed by the permanent URL: 'S/2018/1183，第 12 段，https://…'."""
    return _("%(citation)s，%(url)s") % {"citation": line, "url": url}


# The interface language a version's own locators and citation lines are written in (the English
# text's are English whatever the interface: a researcher quoting the original cites it in its language).
_LINE_LANGUAGES = {"en": "en"}


def version_place(block: Paragraph | Footnote) -> str:
    """A block of another language version named in that language: 'para. 12 (p. 4)', 'footnote 3'."""
    with translation.override(_LINE_LANGUAGES.get(block.language, get_language())):
        return locate(block)


def version_line(block: Paragraph | Footnote, title: str, url: str = "") -> str:
    """How a block of another language version is cited, in that language: 'S/2018/1183, para. 12
    (p. 4)' from the block's own number and page; a document without a symbol is named by the
    version's ``title`` (its English title).  With ``url``, followed by it."""
    doc = block.document
    with translation.override(_LINE_LANGUAGES.get(block.language, get_language())):
        line = _("%(doc)s，%(block)s") % {"doc": doc.symbol or title or doc.public_id, "block": locate(block)}
        return with_url(line, url) if url else line


def locate(block: Paragraph | Footnote) -> str:
    """:func:`locator` for a block or a footnote (search hits are either)."""
    return footnote_locator(block) if isinstance(block, Footnote) else locator(block)


# --- pin-points ----------------------------------------------------------------------------------


def _spans_text(spans: Iterable[tuple[int, int]]) -> tuple[str, int]:
    """'29-47' / '4、5' (English '29–47', '4 and 5'), and how many paragraphs that is."""
    parts = []
    count = 0
    for first, last in spans:
        if first == last:
            parts.append(str(first))
            count += 1
        else:
            parts.append(f"{first}–{last}" if _english() else f"{first}-{last}")
            count += 2
    return join_list(parts), count


def _pinpoint_text(parsed: Pinpoint) -> str:
    if not parsed.spans:
        return section_name(parsed.section)
    numbers, count = _spans_text(parsed.spans)
    return _numbered(parsed.section, numbers, count)


def pinpoint_label(pinpoint: str) -> str:
    """A stored pin-point as a reader says it: '60' → '第 60 段', '53,54,57' → '第 53、54、57 段',
    '附件一:2' → '附件一第 2 段', '序言:3' → '序言部分第 3 段'; English 'paras. 53, 54 and 57'."""
    if not pinpoint:
        return ""
    parsed = parse_pinpoint(pinpoint)
    if parsed is None:
        return pgettext("pinpoint", "摘要") if pinpoint == "摘要" else pinpoint
    return _pinpoint_text(parsed)


def pinpoints_label(pinpoints: Iterable[str]) -> str:
    """Several pin-points of one citing place as one phrase: '第 4、5 段' / 'paras. 4 and 5'."""
    by_section: dict[str, list[tuple[int, int]]] = {}
    whole: list[str] = []
    other: list[str] = []
    for pin in pinpoints:
        parsed = parse_pinpoint(pin)
        if parsed is None:
            label = pinpoint_label(pin)
            if label and label not in other:
                other.append(label)
        elif not parsed.spans:
            if parsed.section not in whole:
                whole.append(parsed.section)
        else:
            spans = by_section.setdefault(parsed.section, [])
            spans.extend(s for s in parsed.spans if s not in spans)
    labels = [_pinpoint_text(Pinpoint(section, tuple(sorted(spans)))) for section, spans in by_section.items()]
    labels += [section_name(s) for s in whole if s not in by_section]
    return join_list(labels + other)


def anchor_label(section: str, number: int | None) -> str:
    """The label of one pin-pointed anchor: (``annex1``, 2) → '附件一第 2 段'; (``annex1``, None) → '附件一'."""
    if number is None:
        return section_name(section)
    return _numbered(section, str(number))


# --- corrigenda, revisions, addenda ----------------------------------------------------------------

_SUPPLEMENT = re.compile(r"^(?P<parent>.+)/(?P<kind>Add|Rev|Corr|Amend)\.[0-9]+$")


def supplement_kind(symbol: str) -> str:
    """'S/2022/892/Corr.1' → '更正' ('corrigendum'); '' for a symbol that is not a supplement."""
    m = _SUPPLEMENT.match(symbol or "")
    if m is None:
        return ""
    kinds = {
        "Add": pgettext("supplement", "增编"),
        "Rev": pgettext("supplement", "订正本"),
        "Corr": pgettext("supplement", "更正"),
        "Amend": pgettext("supplement", "修正"),
    }
    return kinds[m["kind"]]


def supplement_parents(symbol: str) -> list[str]:
    """The documents a supplement belongs to, nearest first.

    ``S/2022/892/Rev.1/Corr.1`` → ``["S/2022/892/Rev.1", "S/2022/892"]``; ``[]`` for any other symbol.
    """
    parents = []
    while m := _SUPPLEMENT.match(symbol or ""):
        symbol = m["parent"]
        parents.append(symbol)
    return parents


def cited_place(symbol: str, pinpoint: str) -> str:
    """What a citation names: 'S/2016/952，第 60 段' / 'S/2016/952, para. 60' (the symbol alone without pin-point)."""
    if not pinpoint:
        return symbol
    return _("%(doc)s，%(block)s") % {"doc": symbol, "block": pinpoint_label(pinpoint)}
