"""The import commands: one clear line on bad input, the database exactly as it was."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from archive.models import Document
from tests import test_admin_import as admin_import
from tests.conftest import FIXTURES, MANIFEST

ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    call_command(*args, stdout=open(os.devnull, "w"), stderr=open(os.devnull, "w"))


@pytest.fixture
def write(tmp_path):
    def _write(name: str, data: bytes) -> str:
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return _write


def test_import_documents_is_idempotent(db):
    run("import_documents", str(MANIFEST))
    first = list(Document.objects.values_list("pk", "public_id", "symbol"))
    run("import_documents", str(MANIFEST))
    assert list(Document.objects.values_list("pk", "public_id", "symbol")) == first
    assert Document.objects.with_text().count() == 5


@pytest.mark.parametrize(
    ("data", "options", "message"),
    [
        (b"", {}, "为空"),
        (b"\x00\x01\x02binary\x00" * 20, {}, "二进制"),
        ("café résumé naïve".encode("latin-1"), {}, "编码"),
        ("第 1 段正文。".encode(), {"symbol": "S//2018"}, "文号"),
        ("第 1 段正文。".encode(), {"doc_type": "memo"}, "memo"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(db, write, data, options, message):
    run("import_documents", str(MANIFEST))
    before = Document.objects.count()
    with pytest.raises(CommandError, match=message):
        run(
            "import_document",
            write("bad.txt", data),
            *[f"--{k.replace('_', '-')}={v}" for k, v in options.items()],
        )
    assert Document.objects.count() == before


def test_impossible_date_is_refused(db, write):
    path = write("ok.txt", "第一段正文。".encode())
    with pytest.raises(CommandError, match="日期无效"):
        run("import_document", path, "--date", "2021-02-30")
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--date", "1800-01-01"], "1945 年 6 月 26 日到今天"),
        (["--date", "2999-12-31"], "1945 年 6 月 26 日到今天"),
        (["--title", "标" * 600], "标题太长：600 个字符，最多 500 个"),
    ],
    ids=["before-the-charter", "in-the-future", "title-too-long"],
)
def test_the_command_refuses_what_the_admin_refuses(db, write, client, librarian, options, message):
    path = write("ok.txt", "2024 年 3 月 1 日的信\n\n第一段正文。\n".encode())
    with pytest.raises(CommandError, match=message):
        run("import_document", path, *options)
    assert not Document.objects.exists()
    # The admin's add form, confirming the same value, refuses it with the same words.
    field = {"--date": "date", "--title": "title"}[options[0]]
    reviewed = admin_import.preview(client, admin_import.LETTER)
    refused = admin_import.confirm(client, reviewed, **{field: options[1]})
    assert message in admin_import.field_errors(refused, field)[0]
    assert not Document.objects.exists()


def test_a_manifest_row_with_an_implausible_date_or_title_refuses_its_file(db, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("2024 年 3 月 1 日的信\n\n第一段正文。\n", encoding="utf-8")
    (folder / "b.txt").write_text("2024 年 3 月 2 日的信\n\n另一段正文。\n", encoding="utf-8")
    long_title = "标" * 501
    (folder / "manifest.csv").write_text(f"file,date,title\na.txt,1800-01-01,\nb.txt,,{long_title}\n")
    run("import_folder", str(folder), "--publish")
    assert not Document.objects.with_text().exists()


def test_oversize_file_is_refused(db, write, settings):
    settings.ARCHIVE_MAX_IMPORT_BYTES = 1000
    with pytest.raises(CommandError, match="过大"):
        run("import_document", str(FIXTURES / "002_f06d5165a3a47803.txt"))
    assert not Document.objects.exists()


def test_gb18030_file_imports_as_the_same_text(db, write):
    text = (FIXTURES / "000_7dd3880722553f36.txt").read_text(encoding="utf-8")
    run("import_document", write("gbk.txt", text.encode("gb18030")), "--symbol", "S/2022/747")
    assert Document.objects.get(symbol="S/2022/747").raw_text == text


def test_command_line_failure_is_one_line_without_traceback(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    env = {
        **os.environ,
        "ARCHIVE_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
    }
    proc = subprocess.run(
        [sys.executable, "manage.py", "import_document", str(empty)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "为空" in proc.stderr


def test_imports_yield_the_processor_to_readers(db, write, settings, monkeypatch):
    import archive.management.yielding as yielding

    settings.ARCHIVE_IMPORT_NICENESS = 10
    calls = []
    niceness = {"now": 0}

    def nice(increment: int) -> int:
        calls.append(increment)
        niceness["now"] += increment
        return niceness["now"]

    monkeypatch.setattr(yielding.os, "nice", nice)
    monkeypatch.setattr(yielding, "AUTOGROUP", str(write("autogroup", b"")))
    run("import_document", write("ok.txt", "2024 年 3 月 1 日的信\n\n第一段正文。\n".encode()))
    assert niceness["now"] == 10 and Document.objects.with_text().count() == 1
    # Already yielding (a batch calling the command again, or a niced shell): never lowered, never raised twice.
    run("import_document", write("ok2.txt", "2024 年 3 月 2 日的信\n\n另一段正文。\n".encode()))
    assert niceness["now"] == 10 and calls.count(10) == 1


def test_an_import_in_a_session_of_its_own_lowers_its_sessions_priority(db, write, settings, monkeypatch, tmp_path):
    # Where the kernel schedules by session, the admin's detached imports must yield as a session.
    import archive.management.yielding as yielding

    settings.ARCHIVE_IMPORT_NICENESS = 10
    group = tmp_path / "autogroup"
    monkeypatch.setattr(yielding, "AUTOGROUP", str(group))
    monkeypatch.setattr(yielding.os, "nice", lambda increment: 10)
    monkeypatch.setattr(yielding.os, "getsid", lambda pid: os.getpid())
    run("import_document", write("ok.txt", "2024 年 3 月 1 日的信\n\n第一段正文。\n".encode()))
    assert group.read_text() == "10"
    # In a librarian's shell (not the session's leader) the shell's session is left alone.
    group.unlink()
    monkeypatch.setattr(yielding.os, "getsid", lambda pid: os.getpid() + 1)
    run("import_document", write("ok2.txt", "2024 年 3 月 2 日的信\n\n另一段正文。\n".encode()))
    assert not group.exists()
