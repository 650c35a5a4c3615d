"""A backup taken with the documented command, restored on an empty database, serves the same URLs."""

import os

import pytest
from django.core.management import CommandError, call_command

from archive.models import Document
from tests.conftest import MANIFEST


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
