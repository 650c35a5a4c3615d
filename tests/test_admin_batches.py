"""Bulk import in the admin: upload a zip, the batch page with its progress and report, downloads,
resuming an interrupted batch, a dry run then the real import.

The worker process the admin starts is replaced here by the same command run in this process (the
test database lives in memory, where no other process can reach it); the real detached process is
driven end to end by the browser test (tests/browser/test_admin_browser.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import socket
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from archive.admin import batches
from archive.ingest.store import bulk
from archive.models import BatchStatus, Document, DocumentStatus, ImportBatch
from archive.models.batches import STALE_AFTER
from tests.test_bulk_import import EXPECTED, own_letter, twenty_files

ADD_URL = "/admin/archive/importbatch/add/"


def zipped(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


@pytest.fixture
def workers(monkeypatch):
    """Run each batch the admin starts right away, in this process; record which were started."""
    started: list[int] = []

    def run(batch: ImportBatch) -> None:
        started.append(batch.pk)
        call_command("import_folder", batch=batch.pk, no_progress=True, stdout=io.StringIO(), stderr=io.StringIO())

    monkeypatch.setattr(batches, "start_worker", run)
    return started


@pytest.fixture
def records_zip(tmp_path) -> bytes:
    return zipped(twenty_files(tmp_path / "records"))


def upload(client, data: bytes, button: str = "_draft", name: str = "records.zip", **fields):
    return client.post(ADD_URL, {"archive": SimpleUploadedFile(name, data), button: "1", **fields})


def test_a_librarian_uploads_a_zip_and_gets_the_batch_page_with_its_report(client, librarian, workers, records_zip):
    response = upload(client, records_zip)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/archive/importbatch/{batch.pk}/change/"
    assert workers == [batch.pk]
    assert batch.created_by == librarian and batch.document_status == DocumentStatus.DRAFT
    assert {i.name: (i.outcome, i.symbol) for i in batch.items.all()} == EXPECTED
    # The zip was kept under MEDIA_ROOT while the batch ran, and removed once it finished.
    assert not batch.upload
    assert list(Path(settings.MEDIA_ROOT, "imports").glob("*/records.zip")) == []

    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "已完成" in text and "20/20 个文件" in text
    assert "20/20 个文件：已导入 15，冲突（文号相同，文本不同） 1，重复（同一文本已以另一文号收录） 1，未导入 3" in text
    doc = Document.objects.get(symbol="S/2024/201")
    assert f'href="/admin/archive/document/{doc.pk}/change/"' in text
    assert "S_2030_1.txt" in text and "S/2018/1183" in text  # the duplicate, with the symbol holding its text
    assert 'src="/static/archive/admin/batch_progress.js"' not in text  # nothing to poll any more


def test_the_progress_view_and_the_downloads_tell_the_same_facts_as_the_page(client, librarian, workers, records_zip):
    upload(client, records_zip)
    batch = ImportBatch.objects.get()
    progress = client.get(f"/admin/archive/importbatch/{batch.pk}/progress/").json()
    assert progress["status"] == "finished" and not progress["active"]
    assert (progress["processed"], progress["total"], progress["percent"]) == (20, 20, 100)
    assert progress["counts"]["imported"] == 15 and progress["counts"]["refused"] == 3

    report = bulk.batch_report(batch)
    downloaded = json.loads(client.get(f"/admin/archive/importbatch/{batch.pk}/report.json").content)
    assert downloaded == json.loads(report.to_json())
    response = client.get(f"/admin/archive/importbatch/{batch.pk}/report.csv")
    assert response["Content-Disposition"].startswith(f'attachment; filename="import-batch-{batch.pk}-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["文件", "结果", "文号"] and len(rows) == 21
    assert ["S_2024_201.txt", "已导入", "S/2024/201"] == rows[1 + [r[0] for r in rows[1:]].index("S_2024_201.txt")][:3]


def test_the_report_can_be_narrowed_to_one_outcome(client, librarian, workers, records_zip):
    upload(client, records_zip)
    batch = ImportBatch.objects.get()
    text = client.get(f"/admin/archive/importbatch/{batch.pk}/change/?outcome=refused").content.decode()
    assert "empty.txt" in text and "binary.pdf" in text and "old-letter.doc" in text
    assert "S_2024_201.txt" not in text


def test_publishing_a_batch_and_a_dry_run_then_the_real_import(client, librarian, workers, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in (1, 2):
        (folder / f"S_2024_50{n}.txt").write_text(own_letter(n), encoding="utf-8")
    upload(client, zipped(folder), button="_dry_run")
    checked = ImportBatch.objects.get()
    assert checked.dry_run and checked.upload and not Document.objects.with_text().exists()
    page = client.get(f"/admin/archive/importbatch/{checked.pk}/change/").content.decode()
    assert "试运行，没有保存任何文件。" in page and "将导入" in page and "按这个结果正式导入并发布" in page

    response = client.post(f"/admin/archive/importbatch/{checked.pk}/import/", {"_publish": "1"})
    real = ImportBatch.objects.exclude(pk=checked.pk).get()
    assert response["Location"] == f"/admin/archive/importbatch/{real.pk}/change/"
    assert not real.dry_run and real.document_status == DocumentStatus.PUBLISHED
    assert Document.objects.get(symbol="S/2024/501").status == DocumentStatus.PUBLISHED
    assert client.get("/documents/S/2024/502/").status_code == 200


def test_an_interrupted_batch_says_so_and_resumes_where_it_stopped(client, librarian, workers, tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in (1, 2, 3):
        (folder / f"S_2024_60{n}.txt").write_text(own_letter(n), encoding="utf-8")
    batch = ImportBatch(source_name="in.zip", created_by=librarian)
    batch.upload.save("in.zip", io.BytesIO(zipped(folder)), save=False)
    batch.save()
    # The worker is stopped (SIGTERM, Ctrl-C) while it imports the second file.
    real = bulk.import_text

    def stopped(text, **kwargs):
        if kwargs.get("symbol") == "S/2024/602":
            raise KeyboardInterrupt
        return real(text, **kwargs)

    monkeypatch.setattr(bulk, "import_text", stopped)
    with pytest.raises(CommandError, match="中断"):
        call_command("import_folder", batch=batch.pk, no_progress=True, stdout=io.StringIO())
    monkeypatch.setattr(bulk, "import_text", real)
    assert list(batch.items.values_list("name", flat=True)) == ["S_2024_601.txt"]
    assert not Document.objects.filter(symbol="S/2024/602").exists()  # its transaction rolled back

    page = client.get(f"/admin/archive/importbatch/{batch.pk}/change/").content.decode()
    assert "已中断" in page and "继续导入" in page
    assert client.get(f"/admin/archive/importbatch/{batch.pk}/progress/").json()["status"] == "interrupted"

    client.post(f"/admin/archive/importbatch/{batch.pk}/resume/")
    batch.refresh_from_db()
    assert workers == [batch.pk] and batch.status == BatchStatus.FINISHED
    assert list(batch.items.values_list("name", "outcome")) == [
        ("S_2024_601.txt", "imported"),
        ("S_2024_602.txt", "imported"),
        ("S_2024_603.txt", "imported"),
    ]
    assert Document.objects.with_text().count() == 3


def test_a_batch_whose_process_is_gone_is_interrupted_not_running(db):
    gone = subprocess.Popen(["true"])
    gone.wait()
    batch = ImportBatch.objects.create(
        source_name="x", status=BatchStatus.RUNNING, worker_host=socket.gethostname(), worker_pid=gone.pid
    )
    assert batch.effective_status == BatchStatus.INTERRUPTED and batch.can_resume
    # On another server only the heartbeat can tell: silent for too long means gone.
    other = ImportBatch.objects.create(
        source_name="y", status=BatchStatus.RUNNING, worker_host="elsewhere", worker_pid=1, heartbeat_at=timezone.now()
    )
    assert other.effective_status == BatchStatus.RUNNING
    other.heartbeat_at = timezone.now() - STALE_AFTER - dt.timedelta(seconds=1)
    assert other.effective_status == BatchStatus.INTERRUPTED


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("records.rar", b"Rar!", "请上传 .zip"),
        ("records.zip", b"not a zip", "不是有效的 .zip"),
        ("records.zip", None, "没有 .txt、.pdf 或 .docx"),
    ],
    ids=["not-a-zip-name", "not-a-zip", "no-documents"],
)
def test_an_unusable_upload_is_refused_on_the_form_and_starts_nothing(client, librarian, workers, name, data, message):
    if data is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr("README.md", "no documents here")
        data = buffer.getvalue()
    response = upload(client, data, name=name)
    assert response.status_code == 200
    assert message in response.content.decode() and "没有开始导入。" in response.content.decode()
    assert not ImportBatch.objects.exists() and workers == []


def test_a_bad_manifest_is_refused_before_the_batch_starts(client, librarian, workers, records_zip):
    manifest = SimpleUploadedFile("list.csv", b"symbol,date\nS/2024/1,2024-01-01\n")
    response = upload(client, records_zip, manifest=manifest)
    assert "file" in response.content.decode() and not ImportBatch.objects.exists()


def test_a_manifest_uploaded_beside_the_zip_is_used(client, librarian, workers, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "letter.txt").write_text(own_letter(1), encoding="utf-8")
    manifest = SimpleUploadedFile("list.csv", "file,symbol,title\nletter.txt,S/2024/701,特派团的信\n".encode())
    upload(client, zipped(folder), manifest=manifest)
    assert Document.objects.get(symbol="S/2024/701").title == "特派团的信"


def test_only_those_who_may_add_documents_may_start_a_batch(client, db, records_zip):
    reader = get_user_model().objects.create_user("reader", password="x", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_document"))
    client.force_login(reader)
    assert client.get("/admin/archive/importbatch/").status_code == 200
    assert client.get(ADD_URL).status_code == 403
    assert upload(client, records_zip).status_code == 403
    assert not ImportBatch.objects.exists()


def test_the_admin_starts_the_worker_detached_and_records_it(db, monkeypatch, tmp_path):
    batch = ImportBatch(source_name="in.zip")
    batch.upload.save("in.zip", io.BytesIO(b"PK"), save=False)
    batch.save()
    seen: dict[str, object] = {}

    class Process:
        pid = 4242

        def __init__(self, args, **kwargs):
            seen["args"], seen["kwargs"] = args, kwargs

        def wait(self):
            return 0

    monkeypatch.setattr(batches.subprocess, "Popen", Process)
    batches.start_worker(batch)
    assert seen["args"][-4:] == ["import_folder", "--batch", str(batch.pk), "--no-progress"]
    assert seen["kwargs"]["start_new_session"] is True  # survives the web worker that started it
    assert seen["kwargs"]["stdout"].name == str(batch.source_file.with_name("worker.log"))
    batch.refresh_from_db()
    assert batch.worker_pid == 4242 and batch.worker_host
