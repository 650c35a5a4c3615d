"""Pairing an English text's blocks with the Chinese text's (archive/ingest/align/).

The English texts are the corpus's mirrors of the seeds (tests/data/shapes_en/11_seed_000_letter.txt,
12_seed_002_report.txt), paired with the seeds' own Chinese blocks, then changed the way real
texts differ: a heading or a paragraph missing, one more paragraph, a librarian's correction.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.ingest import parse
from archive.ingest.align import Basis, Counterpart, align, choice_problems, structural_keys
from archive.ingest.store import footnote_anchors
from archive.ingest.types import Block, BlockKind

from .test_ingest_english import CORPUS, chinese_counterparts

LETTER = CORPUS / "11_seed_000_letter.txt"
REPORT = CORPUS / "12_seed_002_report.txt"
SEED_000 = "fixtures/000_7dd3880722553f36.txt"
SEED_002 = "fixtures/002_f06d5165a3a47803.txt"


def run(text: str, seed: str, **options):
    doc = parse(text, "en")
    chinese, notes = chinese_counterparts(seed)
    refs = [[r.number for r in b.footnote_refs] for b in doc.blocks]
    return doc, chinese, align(doc.blocks, refs, footnote_anchors(doc.footnotes), chinese, notes, **options)


def without(path: Path, printed: str) -> str:
    """The text with one printed line (a heading, say) removed, as an English PDF might lack it."""
    text = path.read_text(encoding="utf-8")
    assert text.count(printed) == 1
    return text.replace(printed, "")


def by_text(doc, alignment) -> dict[str, str]:
    return {b.text: p.anchor for b, p in zip(doc.blocks, alignment.pairs, strict=True)}


def test_every_block_of_the_mirrors_pairs_with_the_seeds_block_of_the_same_place() -> None:
    for path, seed in ((LETTER, SEED_000), (REPORT, SEED_002)):
        doc, chinese, alignment = run(path.read_text(encoding="utf-8"), seed)
        assert alignment.unpaired == [] and alignment.warnings == []
        # Same kinds in the same order: the pairs are the blocks of the same place.
        partners = {c.anchor: c for c in chinese}
        assert [partners[p.partner].kind for p in alignment.pairs] == [str(b.kind) for b in doc.blocks]
        assert alignment.anchors == [c.anchor for c in chinese]


def test_numbered_paragraphs_pair_by_number_and_unnumbered_blocks_by_order() -> None:
    doc, _chinese, alignment = run(REPORT.read_text(encoding="utf-8"), SEED_002)
    basis = {p.anchor: p.basis for p in alignment.pairs}
    assert basis["p12"] == basis["p68"] == basis["h5"] == basis["h1"] == Basis.NUMBER  # number, numeral, title
    assert basis["h2"] == basis["b1"] == basis["b4"] == Basis.ORDER  # the summary and its paragraphs
    _doc, _chinese, letter = run(LETTER.read_text(encoding="utf-8"), SEED_000)
    assert {p.basis for p in letter.pairs[1:-1]} == {Basis.ORDER}
    assert letter.pairs[-1].basis == Basis.NUMBER  # the signature with the signature


def test_a_heading_missing_in_english_costs_that_heading_and_no_later_pair() -> None:
    doc, _c, whole = run(LETTER.read_text(encoding="utf-8"), SEED_000)
    shifted_doc, _c, shifted = run(without(LETTER, "  Haitian National Police \n"), SEED_000)
    assert len(shifted_doc.blocks) == len(doc.blocks) - 1
    assert shifted.unpaired == ["h3"]
    assert shifted.warnings == ["中文 h3（小标题“海地国家警察”）没有英文对应。"]
    expected = {text: anchor for text, anchor in by_text(doc, whole).items() if text != "Haitian National Police"}
    assert by_text(shifted_doc, shifted) == expected


def test_a_numbered_paragraph_missing_in_english_leaves_its_chinese_partner_alone() -> None:
    text = REPORT.read_text(encoding="utf-8")
    start = text.index("12. The approach of the past")
    end = text.index("13. Peacekeeping will remain")
    doc, _c, alignment = run(text[:start] + text[end:], SEED_002)
    assert alignment.unpaired == ["p12"]
    assert "p12" not in alignment.anchors and "p13" in alignment.anchors
    assert [w for w in alignment.warnings if "p12" in w] == [
        "中文 p12（段落“上述情况表明，按部就班的做法越来越无以为继，不能…”）没有英文对应。"
    ]


def test_a_block_only_english_has_gets_an_anchor_of_its_own_and_a_warning() -> None:
    text = LETTER.read_text(encoding="utf-8")
    extra = " A paragraph the Chinese translation leaves out, with nothing to pair with. \n\n"
    at = text.index("  Haitian National Police")
    doc, _c, alignment = run(text[:at] + extra + text[at:], SEED_000)
    lone = [p for p in alignment.pairs if p.partner is None]
    assert [(p.anchor, doc.blocks[p.index].text[:11]) for p in lone] == [("en1", "A paragraph")]
    assert alignment.unpaired == []
    assert alignment.warnings[0].startswith("英文第 13 个文本块（段落“A paragraph the Chinese")


def test_the_librarians_choice_overrides_every_proposal() -> None:
    text = LETTER.read_text(encoding="utf-8")
    doc, chinese, proposal = run(text, SEED_000)
    i = proposal.anchors.index("b22")
    # The librarian pairs that English paragraph with Chinese b23 and leaves the next one without partner.
    _d, _c, chosen = run(text, SEED_000, chosen={i: "b23", i + 1: None})
    assert (chosen.pairs[i].anchor, chosen.pairs[i].basis) == ("b23", Basis.CHOSEN)
    assert (chosen.pairs[i + 1].anchor, chosen.pairs[i + 1].partner, chosen.pairs[i + 1].basis) == (
        "en1",
        None,
        Basis.CHOSEN,
    )
    assert chosen.unpaired == ["b22"]
    # Nothing else moved.
    others = [k for k in range(len(doc.blocks)) if k not in (i, i + 1)]
    assert [chosen.pairs[k].anchor for k in others] == [proposal.pairs[k].anchor for k in others]


def test_a_reimport_keeps_the_pairs_the_stored_version_has_even_against_the_proposal() -> None:
    text = LETTER.read_text(encoding="utf-8")
    doc, _c, proposal = run(text, SEED_000)
    i = proposal.anchors.index("b22")
    _d, _c, first = run(text, SEED_000, chosen={i: "b23", i + 1: None})
    # The same text, one paragraph corrected: the corrected pair and the unpaired anchor stay.
    corrected = text.replace("followed by further medium- and longer-term", "followed by medium- and longer-term")
    assert corrected != text
    _d, _c, again = run(
        corrected, SEED_000, earlier=list(doc.blocks), earlier_anchors=first.anchors, used_anchors=first.anchors
    )
    assert again.anchors == first.anchors
    assert (again.pairs[i].basis, again.pairs[i + 1].basis) == (Basis.KEPT, Basis.KEPT)


def test_an_unpaired_anchor_is_never_given_twice() -> None:
    _d, _c, alignment = run(LETTER.read_text(encoding="utf-8"), SEED_000, chosen={5: None}, used_anchors=["en1", "en7"])
    assert alignment.pairs[5].anchor == "en8"


def test_impossible_choices_are_refused_with_reasons() -> None:
    _doc, chinese, _alignment = run(LETTER.read_text(encoding="utf-8"), SEED_000)
    problems = choice_problems({0: "h1", 1: "b1", 2: "b1", 3: "p99", 4: None}, chinese)
    assert problems == {
        2: "中文 b1 已配给英文第 2 个文本块；一个中文文本块只能有一个英文对应。",
        3: "中文本中没有锚点为 p99 的现行文本块。",
    }


def test_footnotes_pair_by_number_and_the_lone_ones_are_named() -> None:
    text = REPORT.read_text(encoding="utf-8")
    doc = parse(text, "en")
    chinese, notes = chinese_counterparts(SEED_002)
    refs = [[r.number for r in b.footnote_refs] for b in doc.blocks]
    alignment = align(doc.blocks, refs, [*footnote_anchors(doc.footnotes), "fn10"], chinese, notes[:-1])
    assert alignment.footnote_anchors[:9] == notes
    assert alignment.warnings == ["英文脚注 fn9 在中文本中没有对应脚注。", "英文脚注 fn10 在中文本中没有对应脚注。"]


def test_kinds_that_disagree_are_reported() -> None:
    chinese = [Counterpart("h1", "title", "", "", "", "标题"), Counterpart("b1", "paragraph", "", "", "", "一段文字。")]
    english = [Block(BlockKind.TITLE, "Title"), Block(BlockKind.LIST_ITEM, "Some text.", label="•")]
    alignment = align(english, [[], []], [], chinese, [])
    assert alignment.anchors == ["h1", "b1"]
    assert alignment.warnings == ["英文第 2 个文本块是列表项，配对的中文 b1 是段落。"]


@pytest.mark.parametrize(
    ("texts", "keys"),
    [
        (
            ["一. 导言", "A. 背景", "B. 现状", "二. 意见"],
            [("h", "", "1"), ("h", "", "1", "A"), ("h", "", "1", "B"), ("h", "", "2")],
        ),
        (
            ["I. Introduction", "A. Background", "II. Observations"],
            [("h", "", "1"), ("h", "", "1", "A"), ("h", "", "2")],
        ),
        (["IV. Part four", "H. Eighth", "I. Ninth"], [("h", "", "4"), ("h", "", "4", "H"), ("h", "", "4", "I")]),
    ],
)
def test_numbered_headings_are_named_by_their_numerals_in_either_language(texts, keys) -> None:
    blocks = [Block(BlockKind.TITLE, "Title"), *(Block(BlockKind.HEADING, t) for t in texts)]
    assert structural_keys(blocks)[1:] == keys
