"""The corpus of document shapes (tests/data/shapes): each text parses into its expected structure.

Nine texts written for these tests (invented wording, the UN's layouts): a resolution, a
presidential statement, a report with two annexes and tables, a letter with an annex and an
enclosure, superscript footnotes, a corrigendum, a joint note reissued with an asterisk, a letter
citing in many shapes, a text with form feeds.  Each ``NN_name.json`` beside its text records what
the importer must make of it: metadata, every block (anchor, kind, number, label, section, page,
text, footnote markers), every footnote (page, the blocks that mark it), every citation (where it
stands, symbol, pin-point) and every warning.  ``tests/data/shapes_anchors.json`` records the
corpus's anchors once, like the seeds' served anchors: they must keep naming the same blocks.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from archive.ingest import parse
from archive.ingest.anchors import assign_anchors, footnote_markers
from archive.ingest.store import footnote_anchors
from archive.ingest.types import BlockKind, ParsedDocument

from . import test_ingest_served_anchors as served

SHAPES = Path(__file__).parent / "data" / "shapes"
EXPECTED = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(SHAPES.glob("*.json"))}
RECORD = json.loads((Path(__file__).parent / "data" / "shapes_anchors.json").read_text(encoding="utf-8"))["texts"]


def text_of(name: str) -> str:
    return (SHAPES / f"{name}.txt").read_text(encoding="utf-8")


def parsed(name: str) -> ParsedDocument:
    return parse(text_of(name))


def test_the_corpus_has_every_shape_the_importer_must_read() -> None:
    types = Counter(e["metadata"]["doc_type"] for e in EXPECTED.values())
    assert len(EXPECTED) >= 8 and set(RECORD) == {f"{n}.txt" for n in EXPECTED}
    assert {"resolution", "presidential_statement", "report", "letter", "corrigendum", "note"} <= set(types)
    kinds = {b["kind"] for e in EXPECTED.values() for b in e["blocks"]}
    assert {"preambular", "table", "subparagraph", "signature", "list_item"} <= kinds
    sections = {b["section"] for e in EXPECTED.values() for b in e["blocks"]}
    assert {"annex1", "annex2", "enclosure1"} <= sections


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_is_detected(name: str) -> None:
    meta = parsed(name).metadata
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
def test_every_block_has_its_expected_anchor_kind_number_section_page_and_text(name: str) -> None:
    doc = parsed(name)
    got = [
        {
            "anchor": a,
            "kind": str(b.kind),
            "number": b.number or "",
            "label": b.label or "",
            "section": b.section,
            "page": b.page,
            "text": b.text,
            "footnotes": [r.number for r in b.footnote_refs],
        }
        for a, b in zip(assign_anchors(doc.blocks), doc.blocks, strict=True)
    ]
    expected = EXPECTED[name]["blocks"]
    # Compared one by one, so a failure names the first block that differs.
    for want, have in zip(expected, got, strict=False):
        assert have == want
    assert len(got) == len(expected)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_footnotes_have_their_anchor_page_and_marker(name: str) -> None:
    doc = parsed(name)
    marked = footnote_markers(doc.blocks, assign_anchors(doc.blocks))
    got = [
        {"anchor": a, "number": f.number, "page": f.page, "marked_in": marked.get(f.number, []), "text": f.text}
        for a, f in zip(footnote_anchors(doc.footnotes), doc.footnotes, strict=True)
    ]
    assert got == EXPECTED[name]["footnotes"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_citations_stand_where_expected_with_their_pinpoints(name: str) -> None:
    doc = parsed(name)
    anchors = assign_anchors(doc.blocks)
    got = [
        {"in": a, "symbol": c.symbol, "pinpoint": c.pinpoint, "text": c.text}
        for a, b in zip(anchors, doc.blocks, strict=True)
        for c in b.citations
    ] + [
        {"in": a, "symbol": c.symbol, "pinpoint": c.pinpoint, "text": c.text}
        for a, f in zip(footnote_anchors(doc.footnotes), doc.footnotes, strict=True)
        for c in f.citations
    ]
    assert got == EXPECTED[name]["citations"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_warnings_are_exactly_the_expected_ones(name: str) -> None:
    assert parsed(name).warnings == EXPECTED[name]["warnings"]


# --- nothing of the page furniture in the text, nothing of the text lost ------------------------------

_FURNITURE_LINE = re.compile(
    r"^(?:联 合 国.*|[SA]/[\w/.()\- –*]+|\d\d-\d{5}.*|\d{1,3}(?:/\d{1,3})? \d\d-\d{5}|\*\d+\*|请回收|https?://\S+"
    r"|安全理事会( .*)?|大会 .*|Distr\..*|\d{1,2} [A-Z][a-z]+ \d{4}|Chinese|Original: \w+|议程项目.*|长期冲突局势"
    r"|\* 因技术原因.*|(?:\* ){2}\*|_+)$"
)
_IDEOGRAPH = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_masthead_or_furniture_line_is_text_and_no_character_is_lost(name: str) -> None:
    doc = parsed(name)
    texts = [b.text for b in doc.blocks] + [f.text for f in doc.footnotes]
    for text in texts:
        for line in text.split("\n"):
            assert not re.fullmatch(r"\d\d-\d{5}.*|[SA]/\S+|\*\d+\*|Distr\..*|Original: \w+|Chinese", line.strip())
    source = [line.strip() for line in text_of(name).replace("\f", "\n").split("\n")]
    # Every ideograph of the lines that are text comes out once, in a block or a footnote.
    kept = "".join(s for s in source if s and not _FURNITURE_LINE.match(s))
    assert Counter(_IDEOGRAPH.findall("".join(texts))) == Counter(_IDEOGRAPH.findall(kept))


# --- the corpus's anchors, recorded once, keep naming the same blocks ----------------------------------


@pytest.fixture
def corpus_record(monkeypatch):
    """The seeds' served-anchor checks, pointed at the corpus and its record (the same checks, not a copy)."""
    monkeypatch.setattr(served, "RECORD", RECORD)
    monkeypatch.setattr(served, "FIXTURES", SHAPES)


@pytest.mark.parametrize("name", sorted(RECORD))
def test_a_fresh_import_of_the_corpus_keeps_every_recorded_anchor(corpus_record, name: str) -> None:
    served.test_a_fresh_import_serves_every_recorded_anchor_for_the_same_block(name)


@pytest.mark.parametrize("name", sorted(RECORD))
def test_reparsing_the_corpus_as_stored_keeps_every_recorded_anchor(corpus_record, db, name: str) -> None:
    served.test_reparsing_a_database_written_by_the_old_importer_keeps_every_anchor(db, name)


def test_preambular_paragraphs_are_one_block_each_and_operative_ones_follow() -> None:
    blocks = parsed("01_resolution").blocks
    preamble = [b for b in blocks if b.kind == BlockKind.PREAMBULAR]
    assert [b.number for b in preamble] == ["1", "2", "3", "4", "5"]
    assert all(b.text.endswith("，") for b in preamble)
    operative = [b.number for b in blocks if b.kind == BlockKind.PARAGRAPH and b.number]
    assert operative == ["1", "2", "3", "4", "5"]
