"""Storing documents: one transaction, no-op re-imports, stable anchors, hubs for cited symbols."""

import pytest
from django.db import transaction

from archive.ingest.errors import IngestError
from archive.ingest.store import Outcome, change_symbol, import_text
from archive.models import Citation, Document, Footnote, Paragraph, SymbolAlias
from tests.conftest import LETTER, seed_text


def snapshot():
    return (
        list(Document.objects.order_by("pk").values_list("pk", "symbol", "source_sha256", "title")),
        list(Paragraph.objects.order_by("pk").values_list("pk", "anchor", "text", "is_current")),
        Footnote.objects.count(),
        Citation.objects.count(),
    )


def test_seeds_are_stored_with_their_paragraphs_footnotes_and_citations(seeds):
    report = seeds["002"]
    assert report.symbol == "S/2018/1183" and report.doc_type == "report"
    anchors = set(report.paragraphs.current().values_list("anchor", flat=True))
    assert {f"p{n}" for n in range(1, 69)} <= anchors
    assert list(report.footnotes.values_list("anchor", flat=True)) == [f"fn{n}" for n in range(1, 10)]
    pins = Citation.objects.filter(paragraph__document=report, cited_symbol="S/2016/952").exclude(pinpoint="")
    assert "60" in set(pins.values_list("pinpoint", flat=True))
    assert seeds["001"].symbol is None and seeds["004"].symbol is None
    assert seeds["001"].public_id != seeds["004"].public_id


def test_cited_symbols_become_text_less_hubs(seeds):
    hub = Document.objects.get(symbol="S/RES/2645(2022)")
    assert not hub.has_text and hub.doc_type == "resolution"
    citing = {c.paragraph.document.pk for c in Citation.objects.filter(target=hub).select_related("paragraph")}
    assert seeds["000"].pk in citing
    assert Document.objects.get(symbol="S/PRST/2001/3").doc_type == "presidential_statement"


def test_reimporting_identical_text_is_a_no_op(seeds):
    before = snapshot()
    result = import_text(seed_text("002"), symbol="S/2018/1183")
    assert result.outcome == Outcome.UNCHANGED
    assert snapshot() == before


def test_different_text_under_an_existing_symbol_is_refused_without_replace(seeds):
    before = snapshot()
    with pytest.raises(IngestError, match="--replace"):
        import_text(LETTER, symbol="S/2018/1183")
    assert snapshot() == before


def test_replace_keeps_anchors_of_blocks_that_still_exist_and_retires_the_rest(seeds):
    report = seeds["002"]
    original = dict(report.paragraphs.values_list("anchor", "text"))
    edited = seed_text("002").replace(
        "本报告是我关于联合国警务工作的第三次报告", "本报告是我关于联合国警务工作的第叁次报告"
    )
    result = import_text(edited, symbol="S/2018/1183", replace=True)
    assert result.outcome == Outcome.REPLACED and result.document.pk == report.pk
    after = dict(report.paragraphs.current().values_list("anchor", "text"))
    assert set(after) == set(original), "every anchor served before still names a current block"
    changed = [a for a in after if after[a] != original[a]]
    assert len(changed) == 1 and "第叁次报告" in after[changed[0]]


def test_a_block_removed_by_replace_stays_resolvable(db):
    letter = import_text(LETTER, symbol="S/2024/1").document
    anchors = set(letter.paragraphs.values_list("anchor", flat=True))
    shorter = LETTER.replace("另一段，说明联合国海地综合办事处(联海综合办)的工作。\n", "")
    import_text(shorter, symbol="S/2024/1", replace=True)
    current = set(letter.paragraphs.current().values_list("anchor", flat=True))
    retired = set(letter.paragraphs.filter(is_current=False).values_list("anchor", flat=True))
    assert current | retired == anchors and len(retired) == 1


def test_a_failed_import_changes_nothing(seeds, monkeypatch):
    before = snapshot()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Citation.objects, "bulk_create", explode)
    with pytest.raises(RuntimeError):
        import_text(LETTER, symbol="S/2024/1")
    assert snapshot() == before


def test_importing_a_cited_document_fills_its_hub_and_pinpoints_resolve(db):
    letter = import_text(LETTER, symbol="S/2024/1").document
    cite = Citation.objects.get(paragraph__document=letter, cited_symbol="S/2018/1183")
    hub = cite.target
    assert not hub.has_text and cite.target_url() == "/documents/S/2018/1183/#p12"
    report = import_text(seed_text("002"), symbol="S/2018/1183").document
    assert report.pk == hub.pk, "the hub is filled in place, so existing citations now reach the text"
    assert report.paragraphs.filter(anchor="p12").exists()


def test_setting_a_symbol_later_keeps_old_urls_and_merges_its_hub(db):
    letter = import_text(LETTER, symbol="S/2024/1").document
    other = import_text("2024 年 5 月 1 日的信\n\n本信提及 S/2024/77 号文件。\n").document
    hub = Document.objects.get(symbol="S/2024/77")
    id_url = other.get_absolute_url()
    change_symbol(other, "S/2024/77")
    assert not Document.objects.filter(pk=hub.pk).exists()
    assert Citation.objects.get(cited_symbol="S/2024/77").target == other
    change_symbol(other, "S/2024/78")
    assert SymbolAlias.objects.get(symbol="S/2024/77").document == other
    assert id_url.startswith("/documents/id/")
    with pytest.raises(IngestError):
        change_symbol(other, letter.symbol)


def test_malformed_symbol_is_refused_before_anything_is_written(db):
    with pytest.raises(IngestError):
        import_text(LETTER, symbol="not a symbol!")
    assert not Document.objects.exists()


def test_import_runs_inside_the_callers_transaction(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        import_text(LETTER, symbol="S/2024/1")
        raise RuntimeError("librarian cancelled")
    assert not Document.objects.exists()
