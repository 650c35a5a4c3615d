"""An English version of a stored document, written straight into the tables the data contract names.

Until the English importer merges, reading tests build the English text's rows themselves, exactly
as ISSUE15.md's data contract describes them: one ``TextVersion(language="en")`` and ``Paragraph`` /
``Footnote`` / ``Citation`` rows with ``language="en"`` on the same document; an English block paired
with a Chinese one shares its anchor (``p12`` ↔ ``p12``, ``b5`` ↔ ``b5``), one without a partner is
``en1``, ``en2``…; footnotes pair by number (``fn3`` ↔ ``fn3``).  Saving the document renews its
``render_version``, as every version change does.

The texts are the tests' own English, mirroring their Chinese texts; a footnote marker is written
``{3}`` where it stands (taken out of the stored text, its offset kept, as the importer does).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from archive.ingest.citations import _kind as citation_kind  # the importer's own kinds of symbol
from archive.ingest.symbols import doc_type_for_symbol
from archive.models import Citation, Document, Footnote, FootnoteReference, Paragraph, TextVersion

_MARKER = re.compile(r"\{([0-9]+)\}")
_UNSET = object()


@dataclass
class En:
    """One English block: its anchor (a Chinese partner's, or ``en<n>``), text and citations.

    ``cites`` are ``(matched text, cited symbol, pin-point)``; kind, number, label, section and page
    default to the partner's (an English block's own values, as the English text prints them, are
    usually the same), and to a plain unnumbered paragraph for a block without a partner.
    """

    anchor: str
    text: str
    cites: Sequence[tuple[str, str, str]] = ()
    kind: str | None = None
    number: str | None = None
    label: str | None = None
    section: str | None = None
    page: object = _UNSET
    is_current: bool = True


@dataclass
class EnNote:
    number: str
    text: str
    cites: Sequence[tuple[str, str, str]] = ()
    page: int | None = None


@dataclass
class Stored:
    version: TextVersion
    blocks: dict[str, Paragraph] = field(default_factory=dict)
    footnotes: dict[str, Footnote] = field(default_factory=dict)


def _target(symbol: str, citing: Document) -> Document:
    """The cited document, or a hub for it, as the importer resolves Chinese citations."""
    if symbol == citing.symbol:
        return citing
    found = Document.objects.filter(symbol=symbol).first()
    return found or Document.objects.create(symbol=symbol, doc_type=doc_type_for_symbol(symbol))


def _cite(doc: Document, text: str, cites: Iterable[tuple[str, str, str]], **owner) -> None:
    for matched, symbol, pinpoint in cites:
        start = text.index(matched)
        Citation.objects.create(
            cited_symbol=symbol,
            kind=citation_kind(symbol),
            pinpoint=pinpoint,
            matched_text=matched,
            start=start,
            end=start + len(matched),
            target=_target(symbol, doc),
            **owner,
        )


def add_english(
    doc: Document,
    title: str,
    blocks: Iterable[En | tuple[str, str]],
    footnotes: Iterable[EnNote | tuple[str, str]] = (),
) -> Stored:
    """Store an English version of ``doc``; blocks may be ``(anchor, text)`` pairs."""
    chinese = {p.anchor: p for p in doc.paragraphs.in_language()}
    raw = [title]
    version = TextVersion.objects.create(document=doc, language="en", title=title, raw_text="", source_sha256="")
    stored = Stored(version)
    for position, spec in enumerate(EnNote(*n) if isinstance(n, tuple) else n for n in footnotes):
        fn = Footnote.objects.create(
            document=doc,
            language="en",
            number=spec.number,
            position=position,
            text=spec.text,
            page=spec.page,
            anchor=f"fn{spec.number}",
        )
        _cite(doc, spec.text, spec.cites, footnote=fn)
        stored.footnotes[spec.number] = fn
    for position, spec in enumerate(En(*b) if isinstance(b, tuple) else b for b in blocks):
        partner = chinese.get(spec.anchor)
        markers = []
        text = spec.text
        while m := _MARKER.search(text):
            markers.append((m.group(1), m.start()))
            text = text[: m.start()] + text[m.end() :]

        def own(name: str, default: object, spec: En = spec, partner: Paragraph | None = partner) -> object:
            value = getattr(spec, name)
            if value is not None and value is not _UNSET:
                return value
            return getattr(partner, name) if partner is not None else default

        block = Paragraph.objects.create(
            document=doc,
            language="en",
            position=position,
            anchor=spec.anchor,
            text=text,
            kind=own("kind", "paragraph"),
            number=own("number", ""),
            label=own("label", ""),
            section=own("section", ""),
            page=spec.page if spec.page is not _UNSET else (partner.page if partner else None),
            is_current=spec.is_current,
        )
        for number, offset in markers:
            FootnoteReference.objects.create(paragraph=block, footnote=stored.footnotes[number], offset=offset)
        _cite(doc, text, spec.cites, paragraph=block)
        stored.blocks[spec.anchor] = block
        raw.append(text)
    version.raw_text = "\n\n".join(raw)
    version.save()
    doc.save()  # a new render_version: what every version change does
    return stored


# --- English texts of the tests' own, mirroring Chinese ones ----------------------------------------

# tests.test_reading_pages.report_text(4), in English: its headings and paragraphs 1-3 paired, an
# English paragraph the Chinese text lacks after paragraph 2 (en1), and paragraph 4 left untranslated.
REPORT_TITLE = "Report of the Secretary-General, 1 January 2024"
REPORT = [
    ("h1", REPORT_TITLE),
    ("h2", "I. Introduction"),
    En(
        "p1",
        "Security Council resolution 2645 (2022) asked me to report.{1} This is the second sentence"
        " (S/2018/1183, para. 12).",
        cites=[("resolution 2645 (2022)", "S/RES/2645(2022)", ""), ("S/2018/1183", "S/2018/1183", "12")],
    ),
    En("p2", "Paragraph 2 refers to S/2016/952, para. 2.{2}", cites=[("S/2016/952", "S/2016/952", "2")]),
    ("en1", "A sentence that only the English text has."),
    ("p3", "Paragraph 3 cites nothing."),
]
REPORT_NOTES = [
    EnNote("1", "See resolution 2382 (2017).", cites=[("resolution 2382 (2017)", "S/RES/2382(2017)", "")]),
    EnNote("2", "See A/66/615.", cites=[("A/66/615", "A/66/615", "")]),
]

# Seed 002 (S/2018/1183), some of it in English: the title, two headings, paragraphs 1-4, 9 and 12 with
# their citations and footnotes 1 and 2; the English paragraph 12 begins on page 4.
POLICING_TITLE = "Report of the Secretary-General on United Nations policing"
POLICING = [
    ("h1", POLICING_TITLE),
    ("h3", "I. Introduction"),
    En(
        "p1",
        "Founded to spare succeeding generations from war, the Organization works to prevent disputes and"
        " to settle them peacefully; United Nations police support that work (A/55/305-S/2000/809, paras."
        " 29-47).",
        cites=[("A/55/305-S/2000/809", "A/55/305-S/2000/809", "29-47")],
    ),
    ("p2", "Policing within the rule of law is a key part of building peaceful and prosperous societies."),
    En(
        "p3",
        "Policing is both preventive and responsive, and central to avoiding violent conflict (see"
        " S/2016/952, para. 8).",
        cites=[("S/2016/952", "S/2016/952", "8")],
    ),
    ("h4", "II. Background"),
    ("p4", "Research shows that violent conflict between States and non-State armed groups is rising.{1}"),
    En(
        "p9",
        "As the independent report{2} set out, serious and organized crime threatens mandate delivery"
        " (see S/PRST/2018/9 and S/2016/952, para. 63).",
        cites=[("S/PRST/2018/9", "S/PRST/2018/9", ""), ("S/2016/952", "S/2016/952", "63")],
    ),
    ("h5", "III. The role of United Nations police in the reformed United Nations system"),
    En(
        "p12",
        "A piecemeal approach cannot give the Police Division the expertise it needs; I note the request"
        " in General Assembly resolution 72/262 C.",
        cites=[("resolution 72/262 C", "A/RES/72/262C", "")],
        page=4,
    ),
]
POLICING_NOTES = [
    EnNote("1", "United Nations and World Bank, Pathways for Peace (Washington, D.C., 2018), pp. 11-48."),
    EnNote("2", "United Nations, “Improving security of United Nations peacekeepers”, 19 December 2017."),
]

# Seed 004 (a letter without a symbol, "Original: English"): the cover letter and the start of its annex.
WORKING_GROUP_TITLE = (
    "Letter dated 20 December 2021 from the Chair of the Security Council Working Group on Peacekeeping"
    " Operations addressed to the President of the Security Council"
)
WORKING_GROUP = [
    ("h1", WORKING_GROUP_TITLE),
    ("b1", "I have the honour to transmit the report of the Working Group on its activities in 2021 (see annex)."),
    ("b2", "I should be grateful if the letter and its annex could be issued as a document of the Council."),
    ("h2", "Annex to the letter dated 20 December 2021 from the Chair of the Working Group"),
    ("h4", "I. Organizational matters"),
    En(
        "p1",
        "The Working Group was established by a statement by the President of the Council (S/PRST/2001/3).",
        cites=[("S/PRST/2001/3", "S/PRST/2001/3", "")],
    ),
    ("p2", "The Permanent Representative of Tunisia was elected Chair of the Working Group for 2020 and 2021."),
]


def add_report_english(doc: Document) -> Stored:
    return add_english(doc, REPORT_TITLE, REPORT, REPORT_NOTES)


def add_policing_english(doc: Document) -> Stored:
    return add_english(doc, POLICING_TITLE, POLICING, POLICING_NOTES)


def add_working_group_english(doc: Document) -> Stored:
    return add_english(doc, WORKING_GROUP_TITLE, WORKING_GROUP)
