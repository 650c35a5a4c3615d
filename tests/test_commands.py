"""The import commands: one clear line on bad input, the database exactly as it was."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from archive.models import Document
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
