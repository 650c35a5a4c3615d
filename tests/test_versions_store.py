"""Storing a document's English text (archive/ingest/store/versions.py) beside its Chinese one.

The English texts are the corpus's mirrors of seed 002 (S/2018/1183) and seed 000 (S/2022/747),
stored on the seeds imported as `make run` imports them.
"""

from __future__ import annotations

import pytest

from archive.ingest.errors import IngestError
from archive.ingest.store import (
    Outcome,
    document_for_version,
    import_text,
    import_version,
    preview,
    remove_documents,
    reparse,
    update_block_text,
)
from archive.models import Citation, Document, DocumentStatus, Footnote, FootnoteReference, Paragraph, TextVersion

from .conftest import seed_text
from .test_ingest_english import CORPUS

REPORT_EN = (CORPUS / "12_seed_002_report.txt").read_text(encoding="utf-8")
LETTER_EN = (CORPUS / "11_seed_000_letter.txt").read_text(encoding="utf-8")


def english_rows(doc: Document) -> list[tuple]:
    return list(
        Paragraph.objects.filter(document=doc, language="en")
        .order_by("pk")
        .values_list("pk", "anchor", "kind", "number", "text", "is_current", "position")
    )


def snapshot(doc: Document) -> tuple:
    doc.refresh_from_db()
    return (
        english_rows(doc),
        list(Footnote.objects.filter(document=doc, language="en").order_by("pk").values_list("pk", "anchor", "text")),
        list(Citation.objects.order_by("pk").values_list("pk", "cited_symbol", "pinpoint", "target_id")),
        list(TextVersion.objects.values_list("pk", "language", "source_sha256", "title")),
        Document.objects.count(),
        doc.render_version,
    )


def chinese_rows(doc: Document) -> list[tuple]:
    return list(
        Paragraph.objects.filter(document=doc, language="zh")
        .order_by("pk")
        .values_list("pk", "anchor", "text", "is_current", "position")
    )


def test_the_english_report_is_stored_with_shared_anchors_footnotes_and_linked_citations(seeds):
    report = seeds["002"]
    before = report.render_version
    result = import_version(report, REPORT_EN)
    assert result.outcome == Outcome.CREATED
    version = TextVersion.objects.get(document=report, language="en")
    assert version.title == "United Nations policing: Report of the Secretary-General"
    assert version.raw_text == REPORT_EN

    english = {p.anchor: p for p in report.paragraphs.in_language("en")}
    chinese = {p.anchor: p for p in report.paragraphs.in_language("zh")}
    assert set(english) == set(chinese)  # every block shares its partner's anchor
    assert english["p12"].number == "12" and english["p12"].text.startswith("The approach of the past")
    assert english["h2"].text == "Summary" and chinese["h2"].text == "摘要"

    notes = {f.anchor: f for f in Footnote.objects.filter(document=report, language="en")}
    assert sorted(notes, key=lambda a: int(a[2:])) == [f"fn{n}" for n in range(1, 10)]
    marked = FootnoteReference.objects.filter(paragraph__document=report, paragraph__language="en")
    assert sorted((r.paragraph.anchor, r.footnote.anchor) for r in marked.select_related("paragraph", "footnote")) == [
        ("p14", "fn3"),
        ("p15", "fn4"),
        ("p15", "fn5"),
        ("p15", "fn6"),
        ("p4", "fn1"),
        ("p48", "fn7"),
        ("p49", "fn8"),
        ("p57", "fn9"),
        ("p9", "fn2"),
    ]
    assert all(r.footnote.language == "en" for r in marked)

    cited = Citation.objects.filter(paragraph=english["p26"]).select_related("target")
    assert [(c.cited_symbol, c.pinpoint, c.target.symbol) for c in cited] == [
        ("S/2016/952", "53,54,57", "S/2016/952"),
        ("S/RES/2447(2018)", "", "S/RES/2447(2018)"),
        ("S/RES/2382(2017)", "", "S/RES/2382(2017)"),
    ]
    # The same hubs as the Chinese text's citations: one document per symbol.
    assert Document.objects.filter(symbol="S/2016/952").count() == 1
    assert Citation.objects.filter(paragraph=chinese["p26"], cited_symbol="S/2016/952").get().target == cited[0].target

    report.refresh_from_db()
    assert report.render_version != before
    # The English masthead says what the Chinese text did not: the original language and issue date.
    assert (report.original_language, str(report.issued_on), report.job_number) == ("en", "2018-12-31", "18-22779")


def test_the_same_text_again_changes_nothing_and_another_text_needs_replace(seeds):
    report = seeds["002"]
    import_version(report, REPORT_EN)
    before = snapshot(report)
    assert import_version(report, REPORT_EN).outcome == Outcome.UNCHANGED
    assert snapshot(report) == before
    with pytest.raises(IngestError, match="已有英文本，文字不同；确认替换时请使用 --replace"):
        import_version(report, REPORT_EN.replace("Peacekeeping will remain", "Peacekeeping remains"))
    assert snapshot(report) == before


def test_a_replaced_text_keeps_every_anchor_that_continues_and_retires_the_rest(seeds):
    report = seeds["002"]
    import_version(report, REPORT_EN)
    kept = {a: pk for pk, a, *_rest in english_rows(report)}
    start, end = REPORT_EN.index("13. Peacekeeping will remain"), REPORT_EN.index("14. Through operational")
    edited = REPORT_EN[:start] + REPORT_EN[end:]
    edited = edited.replace("Police-led approaches have also added value", "Police-led approaches have added value")
    result = import_version(report, edited, replace=True)
    assert result.outcome == Outcome.REPLACED
    rows = {a: (pk, current) for pk, a, _k, _n, _t, current, _p in english_rows(report)}
    assert rows["p13"] == (kept["p13"], False)  # retired, still resolvable
    assert rows["p8"] == (kept["p8"], True)  # corrected in place: same row, same anchor
    assert all(rows[a] == (pk, True) for a, pk in kept.items() if a != "p13")


def test_a_corrected_pair_is_stored_and_kept_over_a_reimport(seeds):
    letter = seeds["000"]
    proposal = import_version(letter, LETTER_EN)
    i = proposal.alignment.anchors.index("b22")
    # The librarian decides English block i is Chinese b23's partner and block i + 1 has none.
    corrected = import_version(letter, LETTER_EN, pairs={i: "b23", i + 1: None})
    assert corrected.outcome == Outcome.REALIGNED
    anchors = [a for _pk, a, _k, _n, _t, current, _p in sorted(english_rows(letter), key=lambda r: r[6]) if current]
    assert anchors[i : i + 2] == ["b23", "en1"]
    # A re-import of a corrected English text keeps the librarian's pairing.
    edited = LETTER_EN.replace("followed by further medium- and longer-term", "followed by medium- and longer-term")
    again = import_version(letter, edited, replace=True)
    assert again.alignment.anchors[i : i + 2] == ["b23", "en1"]
    assert again.alignment.unpaired == ["b22"]


def test_a_chinese_reimport_or_reparse_leaves_the_english_version_as_it_is(seeds):
    report = seeds["002"]
    import_version(report, REPORT_EN)
    english, version = english_rows(report), list(TextVersion.objects.values_list("pk", "source_sha256"))
    notes = list(Footnote.objects.filter(language="en").values_list("pk", "text"))
    english_citations = list(Citation.objects.filter(paragraph__language="en").values_list("pk", flat=True))

    chinese = seed_text("002")
    edited = chinese.replace("维持和平仍将是联合国警务工作的核心任务", "维持和平始终是联合国警务工作的核心任务")
    assert edited != chinese
    result = import_text(edited, symbol="S/2018/1183", replace=True)
    assert result.outcome == Outcome.REPLACED
    reparse(report)
    assert english_rows(report) == english
    assert list(TextVersion.objects.values_list("pk", "source_sha256")) == version
    assert list(Footnote.objects.filter(language="en").values_list("pk", "text")) == notes
    assert list(Citation.objects.filter(paragraph__language="en").values_list("pk", flat=True)) == english_citations
    # The Chinese preview compares with the Chinese blocks only: nothing English is "retired".
    assert preview(edited, symbol="S/2018/1183", replace=True).retired == []


def test_an_english_reimport_leaves_the_chinese_text_as_it_is(seeds):
    report = seeds["002"]
    before = chinese_rows(report)
    chinese_notes = list(Footnote.objects.filter(document=report, language="zh").values_list("pk", "text"))
    import_version(report, REPORT_EN)
    import_version(report, REPORT_EN.replace("Peacekeeping will remain", "Peacekeeping remains"), replace=True)
    assert chinese_rows(report) == before
    assert list(Footnote.objects.filter(document=report, language="zh").values_list("pk", "text")) == chinese_notes


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("another symbol", "这份文本刊头的文号是 S/2018/1183，而这份文件的文号是 S/2022/747"),
        ("hub", "是只有引用、没有中文原文的文号页面"),
        ("empty", "文本为空"),
        ("chinese", "中文本是文件本身的文本"),
        ("bad pair", "英文第 1 个文本块：中文本中没有锚点为 p999 的现行文本块。"),
        ("twice", "一个中文文本块只能有一个英文对应"),
    ],
)
def test_a_refused_version_changes_nothing(seeds, case, message):
    letter, report = seeds["000"], seeds["002"]
    hub = Document.objects.get(symbol="S/RES/2645(2022)")
    before = (snapshot(letter), snapshot(report), snapshot(hub))
    calls = {
        "another symbol": lambda: import_version(letter, REPORT_EN),
        "hub": lambda: import_version(hub, LETTER_EN),
        "empty": lambda: import_version(letter, "  \n"),
        "chinese": lambda: import_version(letter, LETTER_EN, language="zh"),
        "bad pair": lambda: import_version(letter, LETTER_EN, pairs={0: "p999"}),
        "twice": lambda: import_version(letter, LETTER_EN, pairs={1: "b1", 2: "b1"}),
    }
    with pytest.raises(IngestError, match=message):
        calls[case]()
    assert (snapshot(letter), snapshot(report), snapshot(hub)) == before


def test_editing_an_english_block_reads_its_citations_in_english(seeds):
    report = seeds["002"]
    import_version(report, REPORT_EN)
    block = report.paragraphs.in_language("en").get(anchor="p13")
    stamp = Document.objects.get(pk=report.pk).render_version
    update_block_text(block, "Peacekeeping remains central, as paragraph 3 of resolution 2447 (2018) says.")
    assert [(c.cited_symbol, c.pinpoint) for c in block.citations.all()] == [("S/RES/2447(2018)", "3")]
    assert Document.objects.get(pk=report.pk).render_version != stamp


def test_a_hub_cited_only_by_an_english_text_is_not_asked_for(seeds):
    letter = seeds["000"]
    citing = LETTER_EN.replace(
        "resolution 2645 (2022), Member States", "resolution 2645 (2022) and S/2099/1, Member States"
    )
    assert citing != LETTER_EN
    import_version(letter, citing)
    hub = Document.objects.get(symbol="S/2099/1")
    assert not Document.objects.acquisition_list().filter(pk=hub.pk).exists()
    wanted = Document.objects.acquisition_list().get(symbol="S/RES/2645(2022)")
    chinese_citers = Citation.objects.filter(target=wanted, paragraph__language="zh").values("paragraph").distinct()
    chinese_notes = Citation.objects.filter(target=wanted, footnote__language="zh").values("footnote").distinct()
    assert wanted.citing_passages == chinese_citers.count() + chinese_notes.count()


def test_removing_a_draft_removes_its_versions_too(db):
    result = import_text(seed_text("000"), symbol="S/2022/747", status=DocumentStatus.DRAFT)
    import_version(result.document, LETTER_EN)
    remove_documents([result.document])
    assert not TextVersion.objects.exists()
    assert not Paragraph.objects.filter(language="en").exists()


def test_the_document_is_found_by_its_symbol_an_old_symbol_or_the_masthead(seeds):
    report = seeds["002"]
    assert document_for_version(None, "S/2018/1183") == report
    assert document_for_version("s/2018/1183") == report
    with pytest.raises(IngestError, match="本库没有文号为 S/2019/1 的文件：请先导入它的中文本"):
        document_for_version("S/2019/1")
    with pytest.raises(IngestError, match="文本刊头没有文号"):
        document_for_version(None, None)
