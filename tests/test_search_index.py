"""The index stays true: updates after commit, concurrent writers, drift repair, a missing index.

Tests here commit for real (``transactional_db``) so that on-commit hooks run and the writer
thread reads committed rows, as in production.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from haystack import connections
from whoosh.filedb.filestore import FileStorage

from archive.ingest.store import change_symbol, import_text
from archive.models import Document, DocumentStatus, Paragraph
from search.engine import SearchParams, run
from tests import test_search_fixtures as fx
from tests.conftest import MANIFEST
from tests.test_search_fixtures import build_index, index_path, wait_for_index

# Shared fixtures (defined once in test_search_fixtures).
fresh_index = fx.fresh_index
indexed_seeds = fx.indexed_seeds

ROOT = Path(__file__).resolve().parent.parent


def letter(n: int, word: str) -> str:
    return f"第 {n} 号测试信\n\n1. 本段提到独特词语{word}和联合国警察。\n\n2. 第二段没有特别之处。\n"


def count(q: str, **filters: object) -> int:
    return run(SearchParams(q=q, **filters)).total  # type: ignore[arg-type]


# --- after commit, within seconds ------------------------------------------------------------------


def test_an_imported_document_is_searchable_within_seconds(transactional_db, fresh_index):
    started = time.monotonic()
    import_text(letter(1, "甲乙丙丁"), symbol="S/2031/1")
    wait_for_index(5)
    assert time.monotonic() - started < 5
    assert count("甲乙丙丁") == 1


def test_edits_deletions_and_unpublishing_reach_the_index(transactional_db, fresh_index):
    doc = import_text(letter(2, "戊己庚辛"), symbol="S/2031/2").document
    wait_for_index()
    # Re-import with new text (command or admin "replace").
    import_text(letter(2, "壬癸子丑"), symbol="S/2031/2", replace=True)
    wait_for_index()
    assert count("戊己庚辛") == 0 and count("壬癸子丑") == 1
    # A librarian corrects one paragraph in the admin.
    p = doc.paragraphs.get(anchor="p2")
    p.text = "第二段改为提到寅卯辰巳。"
    p.save()
    wait_for_index()
    assert count("寅卯辰巳") == 1 and count("没有特别之处") == 0
    # Unpublished: gone from search; published again: back.
    doc.status = DocumentStatus.DRAFT
    doc.save()
    wait_for_index()
    assert count("壬癸子丑") == 0
    doc.status = DocumentStatus.PUBLISHED
    doc.save()
    wait_for_index()
    assert count("壬癸子丑") == 1
    # Deleted.
    doc.delete()
    wait_for_index()
    assert count("壬癸子丑") == 0 and count("寅卯辰巳") == 0


def test_a_new_symbol_is_searchable_and_the_old_one_still_finds_the_document(transactional_db, fresh_index):
    doc = import_text(letter(3, "午未申酉"), symbol="S/2031/3").document
    wait_for_index()
    change_symbol(doc, "S/2031/33")
    wait_for_index()
    assert count("symbol:S/2031/33 午未申酉") == 1
    assert count("symbol:S/2031/3 午未申酉") == 1  # the old symbol redirects, so it still names it


def test_a_rolled_back_import_never_reaches_the_index(transactional_db, fresh_index):
    with pytest.raises(RuntimeError), transaction.atomic():
        import_text(letter(4, "戌亥乾坤"), symbol="S/2031/4")
        raise RuntimeError("librarian cancelled")
    wait_for_index()
    assert not Document.objects.filter(symbol="S/2031/4").exists()
    with pytest.raises(Exception):  # noqa: B017 - the index was never even created
        count("戌亥乾坤")
    import_text(letter(5, "艮巽坎离"), symbol="S/2031/5")
    wait_for_index()
    assert count("戌亥乾坤") == 0 and count("艮巽坎离") == 1


# --- one writer at a time --------------------------------------------------------------------------


def test_concurrent_saves_lose_no_update_and_raise_no_error(transactional_db, fresh_index):
    import_text(letter(10, "预热"), symbol="S/2032/1")
    wait_for_index()
    # Another process (a rebuild, a second web worker) holds Whoosh's write lock for a while.
    lock = FileStorage(str(index_path())).lock("MAIN_WRITELOCK")
    assert lock.acquire(blocking=False)
    errors: list[BaseException] = []
    words = [f"并发词{chr(0x4E00 + 200 + i)}{chr(0x4E00 + 400 + i)}" for i in range(8)]
    # The in-memory SQLite test database takes one writing transaction at a time (a file database
    # waits, PostgreSQL does not care); the index writes these saves trigger still overlap.
    db_lock = threading.Lock()

    def save(i: int) -> None:
        try:
            with db_lock:
                import_text(letter(100 + i, words[i]), symbol=f"S/2032/{100 + i}")
        except BaseException as exc:  # noqa: BLE001 - the test reports anything a librarian would see
            errors.append(exc)

    try:
        threads = [threading.Thread(target=save, args=(i,)) for i in range(len(words))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        time.sleep(1.0)
        assert not errors, errors
        assert count("预热") == 1  # nothing written while the lock is held …
        assert all(count(w) == 0 for w in words)
    finally:
        lock.release()
    wait_for_index(30)
    assert all(count(w) == 1 for w in words)  # … and nothing lost once it is released


def test_haystack_remove_waits_for_the_lock_instead_of_dropping_the_delete(transactional_db, fresh_index):
    import_text(letter(11, "删除等待"), symbol="S/2032/11")
    wait_for_index()
    p = Paragraph.objects.get(document__symbol="S/2032/11", anchor="p1")
    lock = FileStorage(str(index_path())).lock("MAIN_WRITELOCK")
    assert lock.acquire(blocking=False)
    threading.Timer(1.0, lock.release).start()
    connections["default"].get_backend().remove(p)  # stock haystack would log LockError and keep it
    assert count("删除等待") == 0


WORKER = textwrap.dedent(
    """
    import sys, django
    import config.settings.dev as conf
    # SQLite refuses a deferred transaction's upgrade to a writer at once ("database is locked"),
    # whatever the timeout; IMMEDIATE makes concurrent imports queue up (see the report to the lead).
    conf.DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    django.setup()
    from archive.ingest.store import import_text
    worker = int(sys.argv[1])
    for i in range(3):
        text = f"测试信\\n\\n1. 进程{worker}文件{i}的段落提到联合国警察。\\n"
        import_text(text, symbol=f"S/2033/{worker * 10 + i + 1}")
    """
)


def test_concurrent_imports_from_several_processes_all_reach_the_index(tmp_path):
    """Three processes import at once into one database and one index (a file database here)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "ARCHIVE_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    run_py = [sys.executable, "-c"]
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    procs = [
        subprocess.Popen([*run_py, WORKER, str(w)], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
        for w in (1, 2, 3)
    ]
    errors = [p.communicate(timeout=180)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], errors
    assert not any("Traceback" in e for e in errors), errors
    check = textwrap.dedent(
        """
        import django
        django.setup()
        from search.engine import SearchParams, run
        print(run(SearchParams(q="进程")).total, run(SearchParams(q="测试信")).total)
        """
    )
    out = subprocess.run([*run_py, check], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["9", "9"]  # nine paragraphs, nine titles: none lost, none twice


# --- commands ----------------------------------------------------------------------------------------


def test_rebuild_index_and_update_index_work(db, seeds, fresh_index):
    call_command("rebuild_index", interactive=False, verbosity=0)
    total = count("警察")
    assert total > 100
    Paragraph.objects.filter(document=seeds["002"], anchor="p29").update(
        text="改写后的第二十九段，含有特殊词语雷电风雨。"
    )
    assert count("雷电风雨") == 0  # QuerySet.update sends no signal …
    call_command("update_index", verbosity=0)
    assert count("雷电风雨") == 1  # … and update_index catches up


def test_index_drift_reports_and_repairs(db, seeds, fresh_index, capsys):
    build_index()
    call_command("index_drift")
    assert "索引与数据库一致" in capsys.readouterr().out
    backend = connections["default"].get_backend()
    p = Paragraph.objects.get(document=seeds["002"], anchor="p12")
    backend.remove(p)  # missing
    Paragraph.objects.filter(pk=seeds["002"].paragraphs.get(anchor="p13").pk).update(text="过时测试词语霜雪")  # stale
    gone = seeds["003"].paragraphs.get(anchor="p5")
    Paragraph.objects.filter(pk=gone.pk).update(is_current=False)  # orphan
    call_command("index_drift")
    out = capsys.readouterr().out
    assert "索引缺少: 1" in out and "内容过时: 1" in out and "索引多余: 1" in out
    assert count("霜雪") == 0
    call_command("index_drift", repair=True)
    capsys.readouterr()
    call_command("index_drift")
    assert "索引与数据库一致" in capsys.readouterr().out
    assert count("霜雪") == 1


# --- missing or corrupt index -------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_a_broken_index_leaves_reading_working_and_search_says_so(client, db, seeds, fresh_index, damage):
    build_index()
    if damage == "missing":
        shutil.rmtree(index_path())
    else:
        for toc in index_path().glob("_MAIN_*.toc"):
            toc.write_bytes(b"\x00garbage")
    response = client.get(reverse("search"), {"q": "警察"})
    assert response.status_code == 503
    assert "检索暂时不可用" in response.content.decode()
    assert client.get(reverse("api_search"), {"q": "警察"}).status_code == 503
    assert client.get(seeds["002"].get_absolute_url()).status_code == 200
    assert client.get(reverse("search_help")).status_code == 200
    call_command("rebuild_index", interactive=False, verbosity=0)
    response = client.get(reverse("search"), {"q": "警察"})
    assert response.status_code == 200 and 'class="hit"' in response.content.decode()


def test_a_write_to_a_missing_index_rebuilds_it_whole(transactional_db, fresh_index):
    call_command("import_documents", str(MANIFEST), stdout=open(os.devnull, "w"))
    wait_for_index(60)
    shutil.rmtree(index_path())
    import_text(letter(20, "自愈测试"), symbol="S/2034/1")
    wait_for_index(60)
    assert count("自愈测试") == 1
    assert count("性剥削和性虐待") > 0  # the seeds came back too, not just the new document


# --- server workers ----------------------------------------------------------------------------------


def test_a_forked_worker_never_borrows_its_parents_searchers(indexed_seeds, monkeypatch):
    from search import index_files, indexing

    be = indexing.backend()
    with be.searcher() as first:
        pass
    with be.searcher() as again:
        assert again is first  # within a process, open searchers are reused
    # After a fork (another process id) the parent's open files must not be shared.
    child_pid = os.getpid() + 100_000
    monkeypatch.setattr(index_files.os, "getpid", lambda: child_pid)
    with be.searcher() as in_child:
        assert in_child is not first
    assert run(SearchParams(q="警务咨询委员会")).total > 0


def test_each_server_worker_warms_its_own_search_caches(monkeypatch):
    import runpy

    from django.conf import settings

    config = runpy.run_path(str(Path(settings.BASE_DIR) / "config" / "gunicorn.py"))
    assert config["preload_app"] is True
    warmed = threading.Event()
    monkeypatch.setattr("search.engine.warm_up", warmed.set)
    monkeypatch.delenv("SEARCH_WARM_UP", raising=False)
    config["post_fork"](None, None)
    assert warmed.wait(5), "a new worker starts warming by default"
    warmed.clear()
    monkeypatch.setenv("SEARCH_WARM_UP", "0")
    config["post_fork"](None, None)
    assert not warmed.wait(0.3)
