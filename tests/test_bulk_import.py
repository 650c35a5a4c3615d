"""Bulk import from the terminal: a folder of twenty files, the report a librarian gets, and re-runs.

The folder: the five seeds (with their manifest), ten letters of our own in .txt (UTF-8 and
GB18030), .docx and .pdf, named by symbol or not, one empty file, one binary file posing as a
PDF, an old Word file, one duplicate (a seed's text, re-spaced, under another symbol) and one
conflict (another text under a seed's symbol).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from archive.models import (
    Abbreviation,
    BatchStatus,
    Citation,
    Document,
    DocumentStatus,
    Footnote,
    ImportBatch,
    ImportBatchItem,
    Paragraph,
)
from tests.conftest import FIXTURES, MANIFEST, seed_text
from tests.test_admin_sources import make_docx, make_pdf

TOPICS = "海地 马里 南苏丹 中非共和国 刚果民主共和国 黎巴嫩 塞浦路斯 西撒哈拉 阿卜耶伊 戈兰".split()


def own_letter(n: int, day: int = 1) -> str:
    """A short letter in the seeds' style, different for every ``n``."""
    topic = TOPICS[n % len(TOPICS)]
    return (
        f"2024 年 4 月 {day} 日秘书长给安全理事会主席的信\n\n"
        f"1. 我谨提及安全理事会第 2645(2022)号决议，并报告联合国在{topic}的维持和平工作（第 {n} 号通报）。\n\n"
        f"2. 特派团在{topic}继续开展巡逻、排雷和保护平民工作，第 {n} 批次的部队已经部署。\n\n"
        "安东尼奥·古特雷斯(签名)\n"
    )


def respaced(text: str) -> str:
    """The same text as another extraction might give it: other spacing, other line ends."""
    return text.replace(" 年 ", "年").replace(" 月 ", "月").replace("\n", "\r\n")


def twenty_files(folder: Path) -> Path:
    """Write the batch described in the module docstring into ``folder``; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in [p.name for p in FIXTURES.glob("0*.txt")]:
        shutil.copy(FIXTURES / name, folder / name)
    shutil.copy(MANIFEST, folder / "documents.json")
    (folder / "S_2024_201.txt").write_text(own_letter(1), encoding="utf-8")
    (folder / "S_2024_202.docx").write_bytes(make_docx(own_letter(2).strip().split("\n\n")))
    (folder / "S_2024_203.pdf").write_bytes(make_pdf([line for line in own_letter(3).split("\n") if line]))
    (folder / "S_2024_204.txt").write_bytes(own_letter(4).encode("gb18030"))
    (folder / "S_RES_2750(2024).txt").write_text(own_letter(5), encoding="utf-8")
    (folder / "mission").mkdir()
    (folder / "mission" / "S_2024_205.txt").write_text(own_letter(6), encoding="utf-8")
    (folder / "mission" / "S_2024_206.txt").write_text(own_letter(7), encoding="utf-8")
    (folder / "letter-without-symbol.txt").write_text(own_letter(8), encoding="utf-8")
    (folder / "S_2024_207.txt").write_text(own_letter(9), encoding="utf-8")
    (folder / "S_2024_208.txt").write_text(own_letter(10), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.pdf").write_bytes(bytes(range(256)) * 40)
    (folder / "old-letter.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 500)
    (folder / "S_2030_1.txt").write_text(respaced(seed_text("002")), encoding="utf-8")
    (folder / "S_2011_817.txt").write_text(own_letter(11), encoding="utf-8")
    return folder


EXPECTED = {
    "000_7dd3880722553f36.txt": ("imported", "S/2022/747"),
    "001_388439b67fa2b545.txt": ("imported", ""),
    "002_f06d5165a3a47803.txt": ("imported", "S/2018/1183"),
    "003_93de7b191871cd84.txt": ("imported", "S/2011/817"),
    "004_34602ba3895812d9.txt": ("imported", ""),
    "S_2024_201.txt": ("imported", "S/2024/201"),
    "S_2024_202.docx": ("imported", "S/2024/202"),
    "S_2024_203.pdf": ("imported", "S/2024/203"),
    "S_2024_204.txt": ("imported", "S/2024/204"),
    "S_RES_2750(2024).txt": ("imported", "S/RES/2750(2024)"),
    "mission/S_2024_205.txt": ("imported", "S/2024/205"),
    "mission/S_2024_206.txt": ("imported", "S/2024/206"),
    "letter-without-symbol.txt": ("imported", ""),
    "S_2024_207.txt": ("imported", "S/2024/207"),
    "S_2024_208.txt": ("imported", "S/2024/208"),
    "empty.txt": ("refused", ""),
    "binary.pdf": ("refused", ""),
    "old-letter.doc": ("refused", ""),
    "S_2030_1.txt": ("duplicate", "S/2030/1"),
    "S_2011_817.txt": ("conflict", "S/2011/817"),
}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_folder", *args, "--no-progress", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def snapshot() -> dict[str, object]:
    """Everything an import writes, row for row (history included)."""
    return {
        "documents": list(Document.objects.order_by("pk").values_list("pk", "symbol", "source_sha256", "status")),
        "paragraphs": list(Paragraph.objects.order_by("pk").values_list("pk", "anchor", "text")),
        "footnotes": Footnote.objects.count(),
        "citations": Citation.objects.count(),
        "abbreviations": Abbreviation.objects.count(),
        "document history": Document.history.count(),
        "paragraph history": Paragraph.history.count(),
    }


def outcomes(batch: ImportBatch) -> dict[str, tuple[str, str]]:
    return {i.name: (i.outcome, i.symbol) for i in batch.items.all()}


@pytest.fixture
def folder(tmp_path) -> Path:
    return twenty_files(tmp_path / "records")


def test_a_folder_of_twenty_files_imports_with_the_expected_report(db, folder):
    printed = run(str(folder))
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.FINISHED and batch.total == 20 and batch.processed == 20
    assert outcomes(batch) == EXPECTED
    # Fifteen whole documents, each with its blocks; the metadata from manifest > file name > text.
    assert Document.objects.with_text().count() == 15
    assert Document.objects.get(symbol="S/2022/747").date.isoformat() == "2022-10-08"  # the manifest
    assert Document.objects.get(symbol="S/2024/202").title == "2024 年 4 月 1 日秘书长给安全理事会主席的信"  # the text
    for item in batch.items.filter(outcome="imported").select_related("document"):
        assert item.document.has_text and item.document.paragraphs.exists(), item.name
        assert item.document.status == DocumentStatus.DRAFT  # the default
    # Why each file was not imported, in words a librarian can act on.
    messages = {i.name: i.message for i in batch.items.exclude(outcome="imported")}
    assert "为空" in messages["empty.txt"]
    assert "PDF" in messages["binary.pdf"]
    assert ".docx" in messages["old-letter.doc"]
    assert "S/2018/1183" in messages["S_2030_1.txt"]  # the symbol that holds the same text
    assert "S/2011/817" in messages["S_2011_817.txt"] and "--replace" in messages["S_2011_817.txt"]
    assert batch.items.get(name="S_2011_817.txt").other_document.symbol == "S/2011/817"
    # The conflict did not touch the held text.
    assert Document.objects.get(symbol="S/2011/817").raw_text == seed_text("003")
    assert not Document.objects.filter(symbol="S/2030/1").exists()
    # The terminal shows each file with its URL or reason, and the totals.
    assert "已导入\tS_2024_201.txt\t/documents/S/2024/201/" in printed
    assert "重复（同一文本已以另一文号收录）\tS_2030_1.txt" in printed
    summary = "20/20 个文件：已导入 15，冲突（文号相同，文本不同） 1，重复（同一文本已以另一文号收录） 1，未导入 3"
    assert summary in printed


def test_running_the_same_folder_again_changes_nothing(db, folder):
    run(str(folder))
    before = snapshot()
    printed = run(str(folder))
    assert snapshot() == before
    again = ImportBatch.objects.latest("pk")
    assert {name: outcome for name, (outcome, _s) in outcomes(again).items()} == {
        name: "present" if outcome == "imported" else outcome for name, (outcome, _s) in EXPECTED.items()
    }
    assert "已有（文本相同） 15" in printed


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(db, folder):
    before = snapshot()
    printed = run(str(folder), "--dry-run")
    assert snapshot() == before and not ImportBatch.objects.exists()
    assert "试运行，没有保存任何文件。" in printed and "将导入 15" in printed
    assert "将导入\tS_2024_201.txt\tS/2024/201" in printed
    # The same verdicts as a real run, including the duplicate inside the batch's own files.
    assert "重复（同一文本已以另一文号收录）\tS_2030_1.txt" in printed and "冲突" in printed


def test_replace_and_reissue_are_the_librarians_explicit_choices(db, folder):
    run(str(folder))
    run(str(folder), "--replace", "--reissue")
    batch = ImportBatch.objects.latest("pk")
    assert batch.items.get(name="S_2011_817.txt").outcome == "replaced"
    assert "第 11 号通报" in Document.objects.get(symbol="S/2011/817").raw_text
    assert batch.items.get(name="S_2030_1.txt").outcome == "imported"
    assert Document.objects.get(symbol="S/2030/1").has_text


def test_publish_publishes_and_the_report_can_be_kept(db, folder, tmp_path):
    run(str(folder), "--publish", "--report", str(tmp_path / "report.json"))
    run(str(folder), "--report", str(tmp_path / "again.csv"))
    assert Document.objects.get(symbol="S/2024/201").status == DocumentStatus.PUBLISHED
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["counts"]["imported"] == 15 and len(report["files"]) == 20
    row = next(f for f in report["files"] if f["name"] == "S_2024_201.txt")
    assert row["url"] == "/documents/S/2024/201/" and row["outcome_label"] == "已导入"
    csv_text = (tmp_path / "again.csv").read_text(encoding="utf-8")
    assert csv_text.startswith("\ufeff文件,结果,文号")  # Excel reads the BOM as UTF-8
    assert "S_2011_817.txt,冲突（文号相同，文本不同）,S/2011/817" in csv_text


def test_a_zip_of_the_same_files_gives_the_same_report(db, folder, tmp_path):
    archive = tmp_path / "records.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder).as_posix())
    run(str(archive))
    assert outcomes(ImportBatch.objects.get()) == EXPECTED


def test_a_csv_manifest_comes_before_the_file_name_and_the_text(db, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "S_2024_301.txt").write_text(own_letter(1), encoding="utf-8")
    (folder / "S_2024_302.txt").write_text(own_letter(2), encoding="utf-8")
    manifest = tmp_path / "list.csv"
    manifest.write_text(
        "文件,文号,日期,标题,类型\nS_2024_301.txt,S/2024/399,2024-04-02,特派团报告,report\nmissing.txt,,,,\n",
        encoding="gb18030",  # as a Chinese spreadsheet saves it
    )
    run(str(folder), "--manifest", str(manifest))
    doc = Document.objects.get(symbol="S/2024/399")
    assert (doc.title, doc.date.isoformat(), doc.doc_type) == ("特派团报告", "2024-04-02", "report")
    assert Document.objects.get(symbol="S/2024/302").date.isoformat() == "2024-04-01"  # name, then text
    missing = ImportBatchItem.objects.get(name="missing.txt")
    assert missing.outcome == "refused" and "清单中列出了这个文件" in missing.message


def test_a_bad_manifest_row_refuses_its_file_only(db, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(own_letter(1), encoding="utf-8")
    (folder / "b.txt").write_text(own_letter(2), encoding="utf-8")
    (folder / "manifest.csv").write_text("file,symbol,date\na.txt,S/2024/1,2024-02-30\nb.txt,S/2024/2,\n")
    run(str(folder))
    items = {i.name: i for i in ImportBatchItem.objects.all()}
    assert set(items) == {"a.txt", "b.txt"}  # the manifest itself is not a document
    assert items["a.txt"].outcome == "refused" and "第 2 行" in items["a.txt"].message
    assert items["b.txt"].outcome == "imported" and items["b.txt"].symbol == "S/2024/2"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/nowhere/at/all"], "找不到"),
        ([str(FIXTURES / "SEEDS.md")], "不是文件夹"),
        ([str(FIXTURES), "--manifest", "/nowhere.csv"], "找不到清单"),
        ([str(FIXTURES), "--report", "/tmp/report.txt"], ".json 或 .csv"),
        ([], "请指定"),
    ],
)
def test_a_batch_that_cannot_start_says_why_and_records_nothing(db, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not ImportBatch.objects.exists() and not Document.objects.exists()


def test_an_unreadable_manifest_refuses_the_batch_before_any_file(db, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(own_letter(1), encoding="utf-8")
    (folder / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="不是有效的 JSON"):
        run(str(folder))
    assert ImportBatch.objects.get().status == BatchStatus.FAILED
    assert not Document.objects.exists()


def test_a_file_that_breaks_the_importer_is_refused_and_the_batch_goes_on(db, tmp_path, monkeypatch):
    from archive.ingest.store import bulk

    folder = tmp_path / "in"
    folder.mkdir()
    for n in (1, 2, 3):
        (folder / f"S_2024_40{n}.txt").write_text(own_letter(n), encoding="utf-8")
    real = bulk.import_text

    def flaky(text, **kwargs):
        if kwargs.get("symbol") == "S/2024/402":
            raise RuntimeError("parser bug")
        return real(text, **kwargs)

    monkeypatch.setattr(bulk, "import_text", flaky)
    run(str(folder))
    assert {i.name: i.outcome for i in ImportBatchItem.objects.all()} == {
        "S_2024_401.txt": "imported",
        "S_2024_402.txt": "refused",
        "S_2024_403.txt": "imported",
    }
    assert "RuntimeError" in ImportBatchItem.objects.get(name="S_2024_402.txt").message
    assert not Document.objects.filter(symbol="S/2024/402").exists()


def test_a_running_batch_is_not_started_twice(db, folder):
    batch = ImportBatch.objects.create(
        source_name=str(folder), source_path=str(folder.resolve()), status=BatchStatus.RUNNING
    )
    # Another live process on this machine (our parent) is working on it.
    ImportBatch.objects.filter(pk=batch.pk).update(worker_host=socket.gethostname(), worker_pid=os.getppid())
    with pytest.raises(CommandError, match="正由"):
        run(str(folder))
    assert not Document.objects.exists()
