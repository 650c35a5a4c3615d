"""Storing the new shapes: sections, pages and masthead facts as data; resolutions fill their hubs;
corrigenda are hubs of their own until the archive holds them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from archive.ingest.store import import_text, reparse
from archive.models import Citation, Document, Footnote, Paragraph

SHAPES = Path(__file__).parent / "data" / "shapes"


def shape(name: str) -> str:
    return (SHAPES / f"{name}.txt").read_text(encoding="utf-8")


def test_a_resolution_detected_from_its_masthead_fills_the_hub_its_citers_link_to(db):
    letter = import_text(shape("08_letter_citing")).document
    cite = Citation.objects.get(paragraph__document=letter, cited_symbol="S/RES/2645(2022)", pinpoint="4,5")
    hub = cite.target
    assert not hub.has_text and cite.target_url() == "/documents/S/RES/2645(2022)/#p4"
    cited_by = set(hub.incoming_citations.values_list("pk", flat=True))

    # No symbol given: the resolution's masthead names it.
    resolution = import_text(shape("01_resolution")).document
    assert resolution.pk == hub.pk, "the hub is filled in place"
    assert resolution.doc_type == "resolution" and resolution.date == dt.date(2022, 7, 15)
    assert set(resolution.incoming_citations.values_list("pk", flat=True)) >= cited_by
    cite.refresh_from_db()
    assert cite.target_url() == "/documents/S/RES/2645(2022)/#p4"
    p4 = resolution.paragraphs.get(anchor="p4")
    assert p4.number == "4" and p4.text == "请秘书长："
    assert list(resolution.paragraphs.filter(kind="preambular").values_list("anchor", flat=True)) == [
        f"pp{n}" for n in range(1, 6)
    ]


def test_a_corrigendum_the_archive_lacks_is_a_hub_of_its_own_which_its_import_fills(db):
    letter = import_text(shape("08_letter_citing")).document
    corr = Citation.objects.get(paragraph__document=letter, cited_symbol="S/2022/892/Corr.1")
    hub = corr.target
    assert hub.symbol == "S/2022/892/Corr.1" and not hub.has_text, "a symbol of its own, not its parent's"
    assert corr.target_url() == "/documents/S/2022/892/Corr.1/"
    assert Document.objects.hubs().filter(symbol="S/2022/892").exists(), "the parent is cited too"

    corrigendum = import_text(shape("06_corrigendum")).document
    assert corrigendum.pk == hub.pk, "the hub is filled in place"
    assert corrigendum.symbol == "S/2022/892/Corr.1" and corrigendum.doc_type == "corrigendum"
    corr.refresh_from_db()
    assert corr.target == corrigendum


def test_sections_pages_and_masthead_facts_are_stored(db):
    report = import_text(shape("03_report_two_annexes")).document
    assert (report.symbol, report.issued_on, report.original_language, report.job_number) == (
        "S/2023/111",
        dt.date(2023, 2, 10),
        "en",
        "23-02345",
    )
    assert report.title == "联合国南苏丹特派团：秘书长的报告"
    rows = dict(report.paragraphs.values_list("anchor", "section"))
    assert rows["p1"] == "" and rows["annex1-p2"] == "annex1" and rows["annex2-p2-a"] == "annex2"
    pages = dict(report.paragraphs.values_list("anchor", "page"))
    assert (pages["p1"], pages["p5"], pages["annex1-p1"], pages["annex2-p1"]) == (1, 2, 3, 4)
    table = report.paragraphs.get(kind="table", section="")
    assert table.text.split("\n")[1] == "第一阶段\t2 000\t391\t120"
    assert list(Footnote.objects.filter(document=report).values_list("anchor", "page")) == [("fn1", 1), ("fn2", 2)]


def test_the_type_the_text_states_wins_over_other(db):
    doc = import_text(shape("02_presidential_statement"), doc_type="other").document
    assert doc.doc_type == "presidential_statement" and doc.date == dt.date(2023, 3, 8)
    letter = import_text(shape("04_letter_enclosure"), doc_type="report").document
    assert letter.doc_type == "report", "a type the librarian chose is kept"


def test_a_reparse_fills_masthead_facts_an_old_import_lacked_and_keeps_corrections(db):
    doc = import_text(shape("05_footnotes_superscript")).document
    Document.objects.filter(pk=doc.pk).update(issued_on=None, original_language="fr", job_number="")
    Paragraph.objects.filter(document=doc).update(page=None)
    doc.refresh_from_db()
    reparse(doc)
    doc.refresh_from_db()
    assert doc.issued_on == dt.date(2023, 4, 14) and doc.job_number == "23-05678"
    assert doc.original_language == "fr", "a value a librarian set is not overwritten by a re-parse"
    assert doc.paragraphs.get(anchor="p3").page == 2
