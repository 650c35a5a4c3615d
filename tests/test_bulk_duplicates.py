"""The same text under another symbol: refused with the symbol that holds it, unless confirmed a reissue."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from archive.ingest import parse
from archive.ingest.fingerprint import parsed_fingerprint
from archive.ingest.store import import_text
from archive.ingest.store.importing import DuplicateText
from archive.models import Document, Paragraph
from tests.conftest import seed_text


def respaced(text: str) -> str:
    return text.replace(" 年 ", "年").replace(" 月 ", "月").replace("\n", "\r\n")


def rows() -> tuple[int, int, int]:
    return Document.objects.count(), Paragraph.objects.count(), Document.history.count()


def test_a_text_held_under_one_symbol_is_refused_under_another_and_nothing_is_written(db):
    import_text(seed_text("002"), symbol="S/2018/1183")
    before = rows()
    with pytest.raises(DuplicateText, match="S/2018/1183") as refused:
        import_text(respaced(seed_text("002")), symbol="S/2030/1")
    assert refused.value.holder.symbol == "S/2018/1183"
    assert rows() == before and not Document.objects.filter(symbol="S/2030/1").exists()


def test_a_text_held_without_symbol_is_named_by_its_permanent_id(db):
    held = import_text(seed_text("001")).document
    with pytest.raises(DuplicateText, match=held.public_id):
        import_text(seed_text("001").replace("\n", "\r\n"), symbol="S/2025/120")


def test_a_confirmed_reissue_is_imported(db):
    import_text(seed_text("002"), symbol="S/2018/1183")
    reissue = import_text(respaced(seed_text("002")), symbol="S/2030/1", reissue=True).document
    assert reissue.has_text and reissue.text_fingerprint == Document.objects.get(symbol="S/2018/1183").text_fingerprint


def test_the_same_symbol_is_not_a_duplicate_of_itself(db):
    import_text(seed_text("002"), symbol="S/2018/1183")
    again = import_text(seed_text("002"), symbol="S/2018/1183")
    assert again.outcome == "unchanged"
    replaced = import_text(respaced(seed_text("002")), symbol="S/2018/1183", replace=True)
    assert replaced.outcome == "replaced"


def test_a_different_text_is_no_duplicate(db):
    import_text(seed_text("002"), symbol="S/2018/1183")
    changed = seed_text("002").replace("警察派遣国", "部队派遣国", 1)
    assert import_text(changed, symbol="S/2030/2").outcome == "created"


def test_documents_imported_before_the_fingerprint_get_one_from_the_migration(db):
    import_text(seed_text("002"), symbol="S/2018/1183")
    import_text(seed_text("003"))
    Document.objects.update(text_fingerprint="")
    migration = importlib.import_module("archive.migrations.0006_import_batches")
    migration.fill_fingerprints(apps, None)
    for doc in Document.objects.with_text():
        assert doc.text_fingerprint == parsed_fingerprint(parse(doc.raw_text))
    assert not Document.objects.hubs().exclude(text_fingerprint="").exists()
    with pytest.raises(DuplicateText):
        import_text(respaced(seed_text("002")), symbol="S/2030/1")


def test_import_document_confirms_a_reissue_with_its_own_flag(db, tmp_path):
    from django.core.management import CommandError, call_command

    import_text(seed_text("002"), symbol="S/2018/1183")
    path = tmp_path / "reissue.txt"
    path.write_text(respaced(seed_text("002")), encoding="utf-8")
    with pytest.raises(CommandError, match="S/2018/1183"):
        call_command("import_document", str(path), "--symbol", "S/2030/1", stdout=open("/dev/null", "w"))
    call_command(
        "import_document",
        str(path),
        "--symbol",
        "S/2030/1",
        "--reissue",
        stdout=open("/dev/null", "w"),
        stderr=open("/dev/null", "w"),
    )
    assert Document.objects.get(symbol="S/2030/1").has_text


def test_a_reparse_renews_a_fingerprint_made_by_an_older_parser(db):
    from archive.ingest.store import reparse

    doc = import_text(seed_text("002"), symbol="S/2018/1183").document
    Document.objects.filter(pk=doc.pk).update(text_fingerprint="made-by-an-older-parser")
    doc.refresh_from_db()
    reparse(doc)
    doc.refresh_from_db()
    assert doc.text_fingerprint == parsed_fingerprint(parse(seed_text("002")))
    with pytest.raises(DuplicateText, match="S/2018/1183"):
        import_text(respaced(seed_text("002")), symbol="S/2030/1")
