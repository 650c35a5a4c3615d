"""The English pipeline: ``parse(raw, language="en")`` reads the English original of a document.

``tests/data/shapes_en/`` holds English texts written for these tests (invented wording, the UN's
layouts) mirroring the Chinese shapes corpus (``tests/data/shapes/``: the resolution, the
presidential statement, the report with two annexes and tables, the letter with an enclosure, the
superscript footnotes) and the block structure of two seeds (000, the letter S/2022/747, and 002,
the report S/2018/1183).  Each ``NN_name.json`` records what the importer must make of the text:
metadata, every block with the anchor it takes once paired with the Chinese text it mirrors (and
how it was paired), every footnote, every citation with its pin-point, every warning, and what
stays unpaired.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from archive.ingest import parse
from archive.ingest.align import Counterpart, align
from archive.ingest.anchors import assign_anchors
from archive.ingest.english.citations import extract_citations
from archive.ingest.errors import IngestError
from archive.ingest.store import footnote_anchors
from archive.ingest.types import BlockKind, ParsedDocument

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).parent / "data" / "shapes_en"
EXPECTED = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.json"))}


def english(name: str) -> ParsedDocument:
    return parse((CORPUS / f"{name}.txt").read_text(encoding="utf-8"), language="en")


def chinese_counterparts(path: str) -> tuple[list[Counterpart], list[str]]:
    """The Chinese text the English one mirrors, as the store would hand it to the aligner."""
    parsed = parse((ROOT / path).read_text(encoding="utf-8"))
    counterparts = [
        Counterpart(
            a, str(b.kind), b.number or "", b.label or "", b.section, b.text, tuple(r.number for r in b.footnote_refs)
        )
        for a, b in zip(assign_anchors(parsed.blocks), parsed.blocks, strict=True)
    ]
    return counterparts, footnote_anchors(parsed.footnotes)


def aligned(name: str):
    doc = english(name)
    counterparts, notes = chinese_counterparts(EXPECTED[name]["mirrors"])
    refs = [[r.number for r in b.footnote_refs] for b in doc.blocks]
    return doc, align(doc.blocks, refs, footnote_anchors(doc.footnotes), counterparts, notes)


def test_the_corpus_mirrors_the_chinese_shapes_and_two_seeds() -> None:
    mirrored = {e["mirrors"] for e in EXPECTED.values()}
    for shape in ("01_resolution", "02_presidential_statement", "03_report_two_annexes", "04_letter_enclosure"):
        assert f"tests/data/shapes/{shape}.txt" in mirrored
    assert "tests/data/shapes/05_footnotes_superscript.txt" in mirrored
    assert {"fixtures/000_7dd3880722553f36.txt", "fixtures/002_f06d5165a3a47803.txt"} <= mirrored
    kinds = {b["kind"] for e in EXPECTED.values() for b in e["blocks"]}
    assert {"title", "heading", "preambular", "paragraph", "subparagraph", "table", "signature"} <= kinds
    assert {"annex1", "annex2", "enclosure1"} <= {b["section"] for e in EXPECTED.values() for b in e["blocks"]}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_is_read_from_the_english_masthead_and_title(name: str) -> None:
    meta = english(name).metadata
    got = {
        "symbol": meta.symbol,
        "date": meta.date and meta.date.isoformat(),
        "issued_on": meta.issued_on and meta.issued_on.isoformat(),
        "original_language": meta.original_language,
        "job_number": meta.job_number,
        "doc_type": meta.doc_type,
        "title": meta.title,
    }
    assert got == EXPECTED[name]["metadata"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_block_takes_its_chinese_partners_anchor(name: str) -> None:
    doc, alignment = aligned(name)
    got = [
        {
            "anchor": p.anchor,
            "paired_by": str(p.basis),
            "kind": str(b.kind),
            "number": b.number or "",
            "label": b.label or "",
            "section": b.section,
            "page": b.page,
            "text": b.text,
            "footnotes": [r.number for r in b.footnote_refs],
        }
        for p, b in zip(alignment.pairs, doc.blocks, strict=True)
    ]
    expected = EXPECTED[name]["blocks"]
    for want, have in zip(expected, got, strict=False):
        assert have == want
    assert len(got) == len(expected)
    assert alignment.unpaired == EXPECTED[name]["unpaired_chinese"]
    assert alignment.warnings == EXPECTED[name]["alignment_warnings"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_footnotes_pair_by_number_and_keep_their_markers(name: str) -> None:
    doc, alignment = aligned(name)
    marked: dict[str, list[str]] = {}
    for pair, block in zip(alignment.pairs, doc.blocks, strict=True):
        for ref in block.footnote_refs:
            marked.setdefault(ref.number, []).append(pair.anchor)
    got = [
        {"anchor": a, "number": f.number, "page": f.page, "marked_in": marked.get(f.number, []), "text": f.text}
        for a, f in zip(alignment.footnote_anchors, doc.footnotes, strict=True)
    ]
    assert got == EXPECTED[name]["footnotes"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_citations_stand_where_expected_with_their_pinpoints(name: str) -> None:
    doc, alignment = aligned(name)
    got = [
        {"in": p.anchor, "symbol": c.symbol, "pinpoint": c.pinpoint, "text": c.text}
        for p, b in zip(alignment.pairs, doc.blocks, strict=True)
        for c in b.citations
    ] + [
        {"in": a, "symbol": c.symbol, "pinpoint": c.pinpoint, "text": c.text}
        for a, f in zip(alignment.footnote_anchors, doc.footnotes, strict=True)
        for c in f.citations
    ]
    assert got == EXPECTED[name]["citations"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_warnings_are_exactly_the_expected_ones(name: str) -> None:
    assert english(name).warnings == EXPECTED[name]["warnings"]


_FURNITURE_LINE = re.compile(
    r"^(?:[SA]/[\w/.()\- –*]+|\d\d-\d{5}.*|\d{1,3}(?:/\d{1,3})? \d\d-\d{5}|\*\d+\*|Please recycle|https?://\S+|_+)$"
)
_LETTERS = re.compile(r"[A-Za-z]")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_furniture_line_is_text_and_no_letter_is_lost(name: str) -> None:
    doc = english(name)
    texts = [b.text for b in doc.blocks] + [b.label or "" for b in doc.blocks] + [f.text for f in doc.footnotes]
    for text in texts:
        for line in text.split("\n"):
            assert not re.fullmatch(
                r"\d\d-\d{5}.*|[SA]/\S+|\*\d+\*|Distr\..*|Original: \w+|Please recycle", line.strip()
            )
    source = [line.strip() for line in (CORPUS / f"{name}.txt").read_text(encoding="utf-8").split("\n")]
    # The masthead ends where the title begins.
    title = EXPECTED[name]["blocks"][0]["text"].split("\n")[0][:20]
    body = source[next(i for i, line in enumerate(source) if line.startswith(title)) :]
    kept = "".join(s for s in body if s and not _FURNITURE_LINE.match(s))
    assert Counter(_LETTERS.findall("".join(texts))) == Counter(_LETTERS.findall(kept))


def test_the_chinese_parse_is_the_default_and_other_languages_are_refused_clearly() -> None:
    text = (CORPUS / "01_resolution.txt").read_text(encoding="utf-8")
    assert parse(text).language == "zh" and parse(text, "en").language == "en"
    # Read as Chinese, the English resolution has no chapeau and so no preamble.
    assert not any(b.kind == BlockKind.PREAMBULAR for b in parse(text).blocks)
    with pytest.raises(IngestError, match="暂时不能导入这种语文的文本（fr）"):
        parse(text, language="fr")


# --- line joining: words keep their spaces; a hyphen at a line end is mended only on evidence ---------


def wrapped(*lines: str, before: str = "", after: str = "") -> str:
    """One paragraph in the wrapped layout (a blank line after every printed line, a trailing space at its end)."""
    body = "\n\n".join(lines)
    return "\n\n".join(p for p in (before, body + " ", after) if p) + "\n"


def paragraph_text(raw: str, index: int = 0) -> str:
    return parse(raw, "en").blocks[index].text


@pytest.mark.parametrize(
    ("elsewhere", "joined"),
    [
        ("Peacekeeping budgets are agreed each year.", "peacekeeping"),
        ("Peace-keeping was the older spelling.", "peace-keeping"),
    ],
)
def test_a_word_hyphenated_at_a_line_end_follows_how_the_document_writes_it(elsewhere: str, joined: str) -> None:
    raw = wrapped(" The mission supports peace-", "keeping in the region.", after=f" {elsewhere} ")
    assert paragraph_text(raw) == f"The mission supports {joined} in the region."
    assert parse(raw, "en").warnings == []


def test_a_syllable_broken_off_is_joined_and_a_compound_kept_without_a_witness_is_listed() -> None:
    raw = wrapped(" The deploy-", "ment of advisers informs decision-", "making at Headquarters.")
    doc = parse(raw, "en")
    assert doc.blocks[0].text == "The deployment of advisers informs decision-making at Headquarters."
    assert len(doc.warnings) == 1 and "decision-making" in doc.warnings[0]


def test_hyphens_before_capitals_digits_and_conjunctions_are_kept() -> None:
    raw = wrapped(
        " Consultations with non-",
        "State actors, troop-",
        "and police-contributing countries in 2019-",
        "2021 (A/72/707-",
        "S/2018/43).",
    )
    assert paragraph_text(raw) == (
        "Consultations with non-State actors, troop- and police-contributing countries in 2019-2021"
        " (A/72/707-S/2018/43)."
    )


def test_a_closed_compound_of_un_usage_is_joined_and_listed_when_the_text_gives_no_witness() -> None:
    doc = parse(wrapped(" An agreement on a cease-", "fire was reached."), "en")
    assert doc.blocks[0].text == "An agreement on a ceasefire was reached."
    assert "ceasefire" in doc.warnings[0]


# --- structure -----------------------------------------------------------------------------------------


def test_signatures_keep_the_function_below_the_name_and_an_annex_after_it_opens_a_part() -> None:
    doc = english("04_letter_enclosure")
    signatures = [b for b in doc.blocks if b.kind == BlockKind.SIGNATURE]
    assert [s.text for s in signatures] == [
        "(Signed) António Guterres",
        "(Signed) Jean-Pierre Dupont\nPermanent Representative",
    ]
    assert [b.section for b in doc.blocks if b.kind == BlockKind.HEADING and b.text in ("Annex", "Enclosure")] == [
        "annex1",
        "enclosure1",
    ]


@pytest.mark.parametrize(
    ("heading", "section"),
    [
        ("Annex", "annex1"),
        ("Annex II", "annex2"),
        ("Annex IV: Terms of reference", "annex4"),
        ("Enclosure", "enclosure1"),
        (
            "Annex to the letter dated 20 December 2021 from the Chair addressed to the President of the Council",
            "annex1",
        ),
    ],
)
def test_parts_are_named_as_in_chinese(heading: str, section: str) -> None:
    raw = f"Report of the Working Group\n1. The report follows.\n{heading}\n1. Its first paragraph.\n"
    blocks = parse(raw, "en").blocks
    assert [(b.kind, b.section) for b in blocks[-2:]] == [(BlockKind.HEADING, section), (BlockKind.PARAGRAPH, section)]


def test_prose_that_names_an_annex_opens_none() -> None:
    raw = "Report of the Working Group\n1. The report follows.\nAnnex I lists the contributors.\n"
    assert {b.section for b in parse(raw, "en").blocks} == {""}


def test_glued_digits_are_footnote_markers_and_spaced_numbers_are_not() -> None:
    raw = (
        "Report of the Secretary-General\n"
        "1. The situation is complex.1 The recommendations 3, 4 and 7 stand, as do the G20 commitments of 2018.2\n"
        "__________________\n"
        "1 See S/2016/952.\n"
        "2 Ibid.\n"
    )
    doc = parse(raw, "en")
    assert [r.number for r in doc.blocks[1].footnote_refs] == ["1", "2"]
    assert (
        doc.blocks[1].text
        == "The situation is complex. The recommendations 3, 4 and 7 stand, as do the G20 commitments of 2018."
    )


# --- citations ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("recalling resolution 2645 (2022),", [("S/RES/2645(2022)", None, "resolution 2645 (2022)")]),
        (
            "its resolutions 2185 (2014), 2382 (2017) and 2447 (2018)",
            [
                ("S/RES/2185(2014)", None, "resolutions 2185 (2014)"),
                ("S/RES/2382(2017)", None, "2382 (2017)"),
                ("S/RES/2447(2018)", None, "2447 (2018)"),
            ],
        ),
        ("General Assembly resolution 72/262 C", [("A/RES/72/262C", None, "resolution 72/262 C")]),
        (
            "Assembly resolutions 70/262 and 71/243",
            [("A/RES/70/262", None, "resolutions 70/262"), ("A/RES/71/243", None, "71/243")],
        ),
        ("(S/2016/952, para. 60)", [("S/2016/952", "60", "S/2016/952")]),
        ("(S/2016/952, paras. 53, 54 and 57)", [("S/2016/952", "53,54,57", "S/2016/952")]),
        ("(A/55/305-S/2000/809, paras. 29–47)", [("A/55/305-S/2000/809", "29-47", "A/55/305-S/2000/809")]),
        ("the report (S/2018/1183), para. 15,", [("S/2018/1183", "15", "S/2018/1183")]),
        ("resolution 2645 (2022), paras. 4 and 5", [("S/RES/2645(2022)", "4,5", "resolution 2645 (2022)")]),
        ("S/2024/765, annex I, para. 2", [("S/2024/765", "附件一:2", "S/2024/765")]),
        ("(S/2021/1090, annex, para. 3)", [("S/2021/1090", "附件:3", "S/2021/1090")]),
        ("S/2024/765, annex", [("S/2024/765", "附件", "S/2024/765")]),
        ("(see A/72/525, summary)", [("A/72/525", "摘要", "A/72/525")]),
        ("paragraph 4 of resolution 2645 (2022)", [("S/RES/2645(2022)", "4", "resolution 2645 (2022)")]),
        ("paragraphs 4 and 5 of its resolution 2645 (2022)", [("S/RES/2645(2022)", "4,5", "resolution 2645 (2022)")]),
        (
            "the ninth preambular paragraph of resolution 2645 (2022)",
            [("S/RES/2645(2022)", "序言:9", "resolution 2645 (2022)")],
        ),
        (
            "the eighth and twenty-first preambular paragraphs of Security Council resolution 2282 (2016)",
            [("S/RES/2282(2016)", "序言:8,21", "resolution 2282 (2016)")],
        ),
        (
            "paragraph 2 of annex II to resolution 2645 (2022)",
            [("S/RES/2645(2022)", "附件二:2", "resolution 2645 (2022)")],
        ),
        ("resolution 71/243, seventh preambular paragraph", [("A/RES/71/243", "序言:7", "resolution 71/243")]),
    ],
)
def test_english_citations_and_their_pinpoints(text: str, expected: list[tuple[str, str | None, str]]) -> None:
    found = extract_citations(text)
    assert [(c.symbol, c.pinpoint, c.text) for c in found] == expected
    assert all(text[c.start : c.end] == c.text for c in found)


@pytest.mark.parametrize(
    "text",
    [
        "at its 9093rd meeting, on 15 July 2022",
        "under Chapter VII of the Charter of the United Nations",
        "in its decision 72/555 the Assembly",
        "as set out in paragraph 12 above and in annex I, para. 2",
        "in 2022 (the year of the report)",
    ],
)
def test_what_only_looks_like_a_citation_cites_nothing(text: str) -> None:
    assert extract_citations(text) == []


def test_a_resolution_number_without_its_year_is_reported_as_unrecognised() -> None:
    doc = parse("Letter dated 1 March 2024\nThe Council recalled resolution 2645 and resolution 2699 (2023).\n", "en")
    assert [c.symbol for c in doc.blocks[1].citations] == ["S/RES/2699(2023)"]
    assert any("resolution 2645" in w for w in doc.warnings)


def test_a_resolutions_own_title_is_not_a_citation_of_itself() -> None:
    title = english("01_resolution").blocks[0]
    assert title.kind == BlockKind.TITLE and title.citations == []
