"""A backup taken with the documented command, restored on an empty database, serves the same URLs."""

import os

import pytest
from django.core.management import CommandError, call_command

from archive.ingest.store import import_version
from archive.models import Citation, Document, Footnote, FootnoteReference, Paragraph, TextVersion
from tests.conftest import MANIFEST
from tests.test_ingest_english import CORPUS


def served(client) -> dict[str, object]:
    """Every document's API view keyed by its URL: what a reader could have bookmarked."""
    urls = [d.get_api_url() for d in Document.objects.all()]
    return {url: client.get(url).json() for url in sorted(urls)}


@pytest.mark.django_db(transaction=True)
def test_backup_restores_the_same_urls_and_paragraphs(client, tmp_path):
    quiet = {"stdout": open(os.devnull, "w")}
    call_command("import_documents", str(MANIFEST), **quiet)
    before = served(client)
    ids = sorted(Document.objects.values_list("public_id", flat=True))
    backup = tmp_path / "archive.tar.gz"
    call_command("backup_archive", output=backup, **quiet)

    call_command("flush", interactive=False, verbosity=0)
    assert not Document.objects.exists()
    call_command("restore_archive", str(backup), **quiet)

    assert sorted(Document.objects.values_list("public_id", flat=True)) == ids
    assert served(client) == before
    report = client.get("/documents/S/2018/1183/p12/")
    assert report.status_code == 200


def _versions() -> tuple:
    return (
        sorted(TextVersion.objects.values_list("document__public_id", "language", "title", "raw_text")),
        sorted(Paragraph.objects.filter(language="en").values_list("document__public_id", "anchor", "number", "text")),
        sorted(Footnote.objects.filter(language="en").values_list("document__public_id", "anchor", "text")),
        FootnoteReference.objects.filter(paragraph__language="en").count(),
        sorted(
            Citation.objects.filter(paragraph__language="en").values_list(
                "paragraph__anchor", "cited_symbol", "pinpoint", "target__symbol"
            )
        ),
    )


@pytest.mark.django_db(transaction=True)
def test_backup_restores_the_english_version_and_its_pairing(tmp_path):
    quiet = {"stdout": open(os.devnull, "w")}
    call_command("import_documents", str(MANIFEST), **quiet)
    import_version(Document.objects.get(symbol="S/2018/1183"), (CORPUS / "12_seed_002_report.txt").read_text())
    before = _versions()
    assert before[0] and before[3] == 9
    backup = tmp_path / "archive.tar.gz"
    call_command("backup_archive", output=backup, **quiet)
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore_archive", str(backup), **quiet)
    assert _versions() == before


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    quiet = {"stdout": open(os.devnull, "w")}
    call_command("import_documents", str(MANIFEST), **quiet)
    backup = tmp_path / "archive.tar.gz"
    call_command("backup_archive", output=backup, **quiet)
    with pytest.raises(CommandError, match="不是空的"):
        call_command("restore_archive", str(backup), **quiet)


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "notes.tar.gz"
    bogus.write_bytes(b"not a tarball")
    with pytest.raises(CommandError, match="无法读取"):
        call_command("restore_archive", str(bogus))
