"""The store functions behind the admin: preview (writes nothing), block corrections, status, restore."""

from __future__ import annotations

import pytest

from archive.ingest.errors import IngestError
from archive.ingest.store import (
    BlockChange,
    CitationTarget,
    Outcome,
    import_text,
    preview,
    preview_reparse,
    reparse,
    save_details,
    set_status,
    update_block_text,
    update_footnote_text,
)
from archive.models import Abbreviation, Citation, Document, DocumentStatus, Footnote, FootnoteReference, Paragraph
from tests.conftest import LETTER, seed_text

# Numbered paragraphs with a gap, a footnote marker whose footnote is missing, a page header left in
# the text, and two citation forms the importer does not know.
MESSY = """2024 年 3 月 1 日秘书长的报告

1. 安全理事会第 2645(2022)号决议请我提交报告。

2. 第二段提及安全理事会第 2653 号决议和 S/PV.9000 号会议记录。1

4. 第四段。

5. 第五段。 https://undocs.org/ch/S/2024/1
"""


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Document, Paragraph, Footnote, Citation, Abbreviation))


def test_preview_writes_nothing_and_matches_what_import_stores(db):
    import_text(seed_text("002"), symbol="S/2018/1183")
    before = counts()
    shown = preview(LETTER, symbol="S/2024/150")
    assert counts() == before
    stored = import_text(LETTER, symbol="S/2024/150").document
    assert [(b.anchor, b.text) for b in shown.blocks] == list(
        stored.paragraphs.values_list("anchor", "text").order_by("position")
    )
    assert [(c.symbol, c.pinpoint) for c in shown.citations] == list(
        Citation.objects.filter(paragraph__document=stored).values_list("cited_symbol", "pinpoint")
    )


def test_preview_says_which_citations_resolve_inside_the_archive(db):
    import_text(seed_text("002"), symbol="S/2018/1183")
    import_text("2024 年 1 月 1 日的信\n\n提及 S/2024/9 号文件。\n", symbol="S/2024/8")
    text = LETTER + "\n另见 S/2024/9、S/2024/8 和 S/2030/1。\n\n本信即 S/2024/150。\n"
    targets = {c.symbol: c.target for c in preview(text, symbol="S/2024/150").citations}
    assert targets == {
        "S/2018/1183": CitationTarget.TEXT,
        "S/RES/2645(2022)": CitationTarget.NEW,
        "S/2024/9": CitationTarget.HUB,
        "S/2024/8": CitationTarget.TEXT,
        "S/2030/1": CitationTarget.NEW,
        "S/2024/150": CitationTarget.TEXT,
    }


def test_preview_warns_about_gaps_lost_footnotes_headers_and_unknown_citation_forms(db):
    warnings = "\n".join(preview(MESSY).warnings)
    assert "第 2 段之后是第 4 段" in warnings
    assert "疑似含有残留的页眉或链接" in warnings and "undocs.org" in warnings
    assert "“第 2653 号决议”像是引用，但格式无法识别" in warnings
    assert "“S/PV.9000”像是引用，但格式无法识别" in warnings
    assert "像是脚注标记" in warnings


def test_preview_reports_metadata_problems_instead_of_failing(db):
    import_text(seed_text("002"), symbol="S/2018/1183")
    shown = preview(LETTER, symbol="S/2018/1183")
    assert "已有另一份文本" in shown.problems["symbol"] and not shown.can_import
    # Shown as the new document it would have to be, not as a change to the report.
    assert shown.existing is None and [b.anchor for b in shown.blocks] == ["h1", "b1", "b2", "b3"]
    assert preview(LETTER, symbol="S/20x8").problems.keys() == {"symbol"}
    assert preview(LETTER, doc_type="memo").problems.keys() == {"doc_type"}
    assert preview(seed_text("002"), symbol="S/2018/1183").outcome == Outcome.UNCHANGED


@pytest.mark.parametrize("text", ["", "   \n ", "a\x00b"])
def test_preview_refuses_unusable_text(db, text):
    with pytest.raises(IngestError):
        preview(text)


def test_preview_of_a_reparse_shows_kept_anchors_and_changed_blocks(db):
    doc = import_text(LETTER, symbol="S/2024/150").document
    update_block_text(doc.paragraphs.get(anchor="b2"), "完全不同的新文字。")
    shown = preview_reparse(doc)
    assert [b.anchor for b in shown.blocks] == ["h1", "b1", "b2", "b3"]
    assert [b.change for b in shown.blocks] == [
        BlockChange.SAME,
        BlockChange.SAME,
        BlockChange.CHANGED,
        BlockChange.SAME,
    ]
    assert shown.retired == []


def test_preview_of_a_hub_reparse_is_refused(db):
    import_text(LETTER, symbol="S/2024/150")
    with pytest.raises(IngestError):
        preview_reparse(Document.objects.get(symbol="S/RES/2645(2022)"))


# --- correcting blocks ----------------------------------------------------------------------------


def test_updating_a_block_keeps_anchor_and_number_and_moves_footnote_markers_with_the_text(db):
    report = import_text(seed_text("002"), symbol="S/2018/1183").document
    ref = FootnoteReference.objects.filter(paragraph__document=report).select_related("paragraph").first()
    block = ref.paragraph
    anchor, number = block.anchor, block.number
    before_marker = block.text[: ref.offset]
    edited = "【校对】" + block.text
    update_block_text(block, edited)
    block.refresh_from_db()
    ref.refresh_from_db()
    assert (block.anchor, block.number, block.text) == (anchor, number, edited)
    assert block.text[: ref.offset] == "【校对】" + before_marker, "the marker still follows the same words"


def test_updating_a_block_reextracts_its_citations_and_creates_hubs_for_new_symbols(db):
    doc = import_text(LETTER, symbol="S/2024/150").document
    block = doc.paragraphs.get(anchor="b1")
    update_block_text(block, "我谨提及 S/2031/5，第 3 段。")
    cites = list(Citation.objects.filter(paragraph=block).values_list("cited_symbol", "pinpoint"))
    assert cites == [("S/2031/5", "3")]
    assert not Document.objects.get(symbol="S/2031/5").has_text


def test_updating_a_block_with_empty_text_is_refused_and_changes_nothing(db):
    doc = import_text(LETTER, symbol="S/2024/150").document
    block = doc.paragraphs.get(anchor="b1")
    with pytest.raises(IngestError):
        update_block_text(block, " \r\n ")
    assert Paragraph.objects.get(pk=block.pk).text.startswith("我谨提及")


def test_updating_a_footnote_reextracts_its_citations(db):
    report = import_text(seed_text("002"), symbol="S/2018/1183").document
    note = report.footnotes.first()
    update_footnote_text(note, "见 S/2031/7。")
    assert list(Citation.objects.filter(footnote=note).values_list("cited_symbol", flat=True)) == ["S/2031/7"]
    assert note.history.count() == 2


def test_a_reparse_records_the_texts_it_replaces_in_the_block_history(db):
    doc = import_text(LETTER, symbol="S/2024/150").document
    block = doc.paragraphs.get(anchor="b2")
    update_block_text(block, "临时改动。")
    reparse(doc)
    block.refresh_from_db()
    assert block.text.startswith("另一段")
    assert list(block.history.values_list("text", flat=True))[:3] == [block.text, "临时改动。", block.text]


def test_a_reparse_that_changes_nothing_records_nothing(db):
    doc = import_text(LETTER, symbol="S/2024/150").document
    before = Paragraph.history.count(), Footnote.history.count()
    reparse(doc)
    assert (Paragraph.history.count(), Footnote.history.count()) == before


def test_footnotes_keep_their_rows_across_a_reparse(db):
    report = import_text(seed_text("002"), symbol="S/2018/1183").document
    ids = list(report.footnotes.values_list("pk", "anchor"))
    reparse(report)
    assert list(report.footnotes.values_list("pk", "anchor")) == ids
    assert FootnoteReference.objects.filter(paragraph__document=report).count() > 0


# --- status and restore ------------------------------------------------------------------------------


def test_set_status_skips_hubs_and_unchanged_documents(db):
    doc = import_text(LETTER, symbol="S/2024/150").document
    hub = Document.objects.get(symbol="S/RES/2645(2022)")
    assert set_status([doc, hub], DocumentStatus.DRAFT) == [doc]
    assert set_status([doc], DocumentStatus.DRAFT) == []
    doc.refresh_from_db()
    hub.refresh_from_db()
    assert doc.status == DocumentStatus.DRAFT and hub.status == DocumentStatus.PUBLISHED
    with pytest.raises(IngestError):
        set_status([doc], "archived")


def test_restoring_an_earlier_raw_text_reparses_it_keeping_anchors(db):
    first = import_text(LETTER, symbol="S/2024/150").document
    import_text(LETTER.replace("另一段", "第二段"), symbol="S/2024/150", replace=True)
    anchors = set(first.paragraphs.values_list("anchor", flat=True))
    earlier = first.history.earliest().instance
    save_details(earlier, symbol="S/2024/150")
    doc = Document.objects.get(pk=first.pk)
    assert doc.raw_text == LETTER
    assert doc.paragraphs.get(anchor="b2").text.startswith("另一段")
    assert set(doc.paragraphs.values_list("anchor", flat=True)) == anchors


def test_a_hub_cannot_be_saved_as_if_it_had_text(db):
    import_text(LETTER, symbol="S/2024/150")
    hub = Document.objects.get(symbol="S/RES/2645(2022)")
    hub.title = "x"
    with pytest.raises(IngestError):
        save_details(hub, symbol=hub.symbol)
    assert Document.objects.get(pk=hub.pk).title == ""
