"""Killing a bulk import mid-way (SIGKILL, nothing can clean up) leaves only whole documents, and
running the same command again completes the batch.

These tests run ``manage.py import_folder`` as a real process on a private data directory (its own
SQLite file), as a librarian's terminal or the admin's worker would, and read the results back
with another process.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from archive.ingest import parse

ROOT = Path(__file__).resolve().parent.parent


class PrivateSite:
    """A data directory with a migrated database, and ``manage.py`` run against it."""

    def __init__(self, data_dir: Path, settings: str = "config.settings.test") -> None:
        self.data_dir = data_dir
        self.env = {
            **os.environ,
            "ARCHIVE_DATA_DIR": str(data_dir),
            "ARCHIVE_TEST_DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": settings,
            "PYTHONPATH": str(ROOT),
        }
        self.env.pop("DATABASE_URL", None)
        self.manage("migrate", "--noinput", "-v0")

    @property
    def database(self) -> Path:
        return self.data_dir / "archive.sqlite3"

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=check, text=True, capture_output=True
        )

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            text=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def query(self, sql: str, *params: object) -> list[tuple]:
        """Read the site's database from here, as a separate process would (WAL: never blocks the writer)."""
        connection = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=30)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def python(self, code: str) -> object:
        """Run ``code`` (which sets ``result``) in the site's Django and return ``result`` (JSON)."""
        script = f"{code}\nimport json; print(json.dumps(result))"
        return json.loads(self.manage("shell", "-c", script).stdout.strip().splitlines()[-1])


def generated_folder(folder: Path, count: int, seed: int = 5) -> Path:
    """``count`` documents in the seeds' shapes (the corpus generator's), named by their symbols."""
    from search.management.commands.generate_corpus import Generator, seed_sentences

    folder.mkdir(parents=True, exist_ok=True)
    generator = Generator(seed, seed_sentences(), 2001, 2024)
    written: set[str] = set()
    while len(written) < count:
        spec = generator.document()
        name = spec["symbol"].replace("/", "_") + ".txt"
        if name not in written:
            (folder / name).write_text(spec["raw"], encoding="utf-8")
            written.add(name)
    return folder


def assert_only_whole_documents(site: PrivateSite) -> int:
    """Every document with a text has exactly the blocks and footnotes a fresh import gives it."""
    documents = site.query("SELECT id, raw_text FROM archive_document WHERE raw_text != ''")
    for doc_id, raw in documents:
        parsed = parse(raw)
        blocks = site.query(
            "SELECT text FROM archive_paragraph WHERE document_id = ? AND is_current ORDER BY position", doc_id
        )
        assert [t for (t,) in blocks] == [b.text for b in parsed.blocks], f"document {doc_id} is partial"
        (notes,) = site.query("SELECT count(*) FROM archive_footnote WHERE document_id = ?", doc_id)[0]
        assert notes == len(parsed.footnotes), f"document {doc_id} lost footnotes"
    return len(documents)


@pytest.fixture
def site():
    with tempfile.TemporaryDirectory(prefix="bulk-site-") as data_dir:
        yield PrivateSite(Path(data_dir))


def test_killing_the_import_leaves_whole_documents_and_a_rerun_completes_the_batch(site, tmp_path):
    total = 60
    folder = generated_folder(tmp_path / "records", total)
    worker = site.popen("import_folder", str(folder), "--no-progress")
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and worker.poll() is None:
        try:
            done = site.query("SELECT count(*) FROM archive_importbatchitem")[0][0]
        except sqlite3.OperationalError:
            done = 0  # the tables are being created
        if done >= 8:
            break
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    assert 8 <= done < total, f"the import must be killed mid-way, not at {done}/{total}"

    # Only whole documents, and exactly those the batch recorded as imported.
    held = assert_only_whole_documents(site)
    imported = site.query("SELECT count(*) FROM archive_importbatchitem WHERE outcome = 'imported'")[0][0]
    assert 0 < held == imported < total
    # The batch says it was interrupted (its process is gone), not that it is still running.
    status = site.python("from archive.models import ImportBatch\nresult = ImportBatch.objects.get().effective_status")
    assert status == "interrupted"

    # The same command again resumes the batch and completes it.
    rerun = site.manage("import_folder", str(folder), "--no-progress")
    assert "继续中断的批次" in rerun.stderr
    assert f"{total}/{total} 个文件：已导入 {total}" in rerun.stdout
    assert site.query("SELECT count(*), min(status) FROM archive_importbatch") == [(1, "finished")]
    assert site.query("SELECT count(*) FROM archive_importbatchitem WHERE outcome = 'imported'") == [(total,)]
    assert assert_only_whole_documents(site) == total

    # And once more: nothing changes.
    paragraphs = site.query("SELECT count(*) FROM archive_paragraph")
    again = site.manage("import_folder", str(folder), "--no-progress")
    assert f"已有（文本相同） {total}" in again.stdout
    assert site.query("SELECT count(*) FROM archive_paragraph") == paragraphs
