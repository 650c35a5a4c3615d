"""A librarian in a real browser: sign in, paste a letter, check the preview, publish it, find it; correct a
block; upload a zip and watch the batch's progress and report; dates without a time-zone note."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import MANIFEST

pytestmark = pytest.mark.browser

PASSWORD = "Pa55-word-lib"
ROOT = Path(__file__).resolve().parent.parent.parent
SCREENSHOTS = os.environ.get("ADMIN_SCREENSHOTS", "/tmp")

LETTER = """2024 年 3 月 1 日秘书长给安全理事会主席的信

我谨提及我的报告(S/2018/1183，第 12 段)和安全理事会第 2645(2022)号决议。

另一段，说明联合国海地综合办事处(联海综合办)在戈纳伊夫开展的排雷培训工作。

安东尼奥·古特雷斯(签名)
"""


@pytest.fixture
def site(live_server, transactional_db):
    """The live site with the seeds and a librarian account.

    The search index writer reads the database from a background thread; with the live server's
    shared-cache SQLite a concurrent read can make an import fail with "database table is locked",
    so the seeds are imported with the writer paused, and it is left idle before the test starts
    and before the database is flushed.
    """
    from search import indexing

    paused = getattr(indexing.queue, "paused", contextlib.nullcontext)
    with paused():
        call_command("import_documents", str(MANIFEST), stdout=open(os.devnull, "w"))
        call_command("create_librarian", "lin", "--password", PASSWORD, stdout=open(os.devnull, "w"))
    wait_for_index()
    yield live_server.url
    wait_for_index()


def wait_for_index() -> None:
    from search import indexing

    assert getattr(indexing.queue, "wait_idle", lambda timeout: True)(60), "the search index writer is stuck"


def sign_in(page, site: str) -> None:
    page.goto(f"{site}/admin/")
    page.fill("#id_username", "lin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{site}/admin/")


def test_a_librarian_pastes_a_letter_checks_the_preview_publishes_and_finds_it(site, page):
    from archive.models import Document

    sign_in(page, site)
    assert "维和文献库 · 管理" in page.locator("#site-name").inner_text()
    # The librarian sees documents but no user management.
    assert page.locator("a", has_text="用户").count() == 0
    page.locator("#content-main").get_by_role("link", name="文件", exact=True).click()
    page.wait_for_url("**/admin/archive/document/")
    # The list's own add button: the navigation sidebar has an "增加" for every model (import batches too).
    page.locator(".object-tools a.addlink").click()
    page.wait_for_url("**/admin/archive/document/add/")

    page.fill("#id_raw_text", LETTER)
    page.get_by_role("button", name="预览", exact=True).click()
    page.wait_for_selector("#preview")

    # The preview: blocks with anchors, citations with whether they resolve, abbreviations, no save yet.
    blocks = page.locator("#preview-blocks + table tbody tr")
    assert blocks.count() == 4
    assert "我谨提及我的报告" in blocks.nth(1).inner_text() and "b1" in blocks.nth(1).inner_text()
    citations = page.locator("#preview-citations + table").inner_text()
    assert "S/2018/1183" in citations and "本库有原文" in citations
    assert "S/RES/2645(2022)" in citations and "本库只有引用页" in citations
    assert "联海综合办" in page.locator("#preview-abbreviations + table").inner_text()
    assert page.locator("#id_date").input_value() == "2024/03/01"
    assert page.locator("#id_doc_type").input_value() == "letter"
    assert not Document.objects.filter(title__startswith="2024 年 3 月 1 日").exists()

    # Correct the metadata the text does not carry, look again, publish: the choice is the button itself.
    page.fill("#id_symbol", "S/2024/150")
    page.get_by_role("button", name="更新预览").click()
    page.wait_for_selector("#preview")
    assert page.locator("#id_symbol").input_value() == "S/2024/150"
    assert page.get_by_role("button", name="保存为草稿").is_visible()
    page.screenshot(path=f"{SCREENSHOTS}/admin_preview.png", full_page=True)
    page.get_by_role("button", name="保存并发布").click()
    page.wait_for_url("**/admin/archive/document/*/change/")
    assert "已添加并发布" in page.locator(".messagelist").inner_text()
    page.screenshot(path=f"{SCREENSHOTS}/admin_saved.png", full_page=True)

    # The letter on its page...
    page.goto(f"{site}/documents/S/2024/150/")
    assert "秘书长给安全理事会主席的信" in page.locator("h1").inner_text()
    assert "排雷培训" in page.locator("main").inner_text()
    # ...and in search results, once the index has caught up (it is updated after commit).
    wait_for_index()
    page.goto(f"{site}/search/?q=排雷培训")
    results = page.locator("main")
    assert results.locator('a[href^="/documents/S/2024/150/"]').count() >= 1, results.inner_text()[:500]


def test_a_librarian_corrects_a_block_and_sees_the_history_entry(site, page):
    from archive.models import Document

    report = Document.objects.get(symbol="S/2018/1183")
    block = report.paragraphs.get(anchor="p12")
    sign_in(page, site)
    page.goto(f"{site}/admin/archive/document/{report.pk}/change/")

    row = page.locator("tr", has=page.locator("td.field-anchor", has_text=re.compile(r"^\s*p12\s*$")))
    textarea = row.locator("textarea")
    assert textarea.input_value() == block.text
    corrected = block.text.replace("上述情况表明", "上述情况（已校对）表明", 1)
    assert corrected != block.text
    textarea.fill(corrected)
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url(f"{site}/admin/archive/document/")
    assert "成功" in page.locator(".messagelist").inner_text()

    # Readers see the corrected text at the same anchor.
    page.goto(f"{site}/documents/S/2018/1183/#p12")
    assert "上述情况（已校对）表明" in page.locator("#p12").inner_text()

    # The block's history names the librarian and shows the previous text.
    page.goto(f"{site}/admin/archive/document/{report.pk}/change/")
    row = page.locator("tr", has=page.locator("td.field-anchor", has_text=re.compile(r"^\s*p12\s*$")))
    row.get_by_role("link", name="历史").click()
    page.wait_for_url(f"{site}/admin/archive/paragraph/{block.pk}/history/")
    history = page.locator("#change-history")
    latest = history.locator("tbody tr").first
    assert "lin" in latest.inner_text()
    assert "已校对" in latest.inner_text()
    page.screenshot(path=f"{SCREENSHOTS}/admin_block_history.png", full_page=True)
    wait_for_index()


# --- bulk import through a real server: gunicorn workers and the detached import process ------------


class Server:
    """gunicorn with two workers on a private data directory: the batch page's polls reach either
    worker, and the import runs in the process the admin starts, as in production."""

    def __init__(self, data_dir) -> None:
        from tests.test_bulk_interrupted import PrivateSite

        self.site = PrivateSite(data_dir)
        self.site.manage("create_librarian", "lin", "--password", PASSWORD)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
            + ["--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--access-logfile", "/dev/null"],
            cwd=ROOT,
            env={**self.site.env, "SEARCH_WARM_UP": "0"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/admin/login/", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


@pytest.fixture
def server(tmp_path):
    with tempfile.TemporaryDirectory(prefix="bulk-browser-") as data_dir:
        running = Server(Path(data_dir))
        try:
            yield running
        finally:
            running.stop()


def test_a_librarian_uploads_a_zip_watches_the_progress_and_reads_the_report(server, page, tmp_path):
    from playwright.sync_api import expect

    from tests.test_bulk_interrupted import generated_folder

    total = 120  # a few seconds of work: long enough for the page to poll it part-way more than once
    folder = generated_folder(tmp_path / "records", total - 1)
    (folder / "empty.txt").write_bytes(b"")
    archive = tmp_path / "records.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.iterdir()):
            zf.write(path, path.name)

    sign_in(page, server.url)
    page.goto(f"{server.url}/admin/archive/document/")
    page.get_by_role("link", name="批量导入").click()
    page.set_input_files("#id_archive", str(archive))
    page.get_by_role("button", name="导入并发布").click()
    page.wait_for_url("**/admin/archive/importbatch/*/change/")

    # The bar moves while the import runs in its own process: seen part-way, neither empty nor full.
    bar = page.locator("#batch-progress")
    seen: set[tuple[int, int]] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and "已完成" not in page.locator("#batch-status").inner_text():
        value = int(bar.get_attribute("value") or 0)
        said = re.match(r"(\d+)/(\d+) 个文件", page.locator("#batch-progress-text").inner_text())
        if said and int(said.group(2)) == total:
            seen.add((value, int(said.group(1))))
            if 0 < value < total:
                page.screenshot(path=f"{SCREENSHOTS}/admin_batch_running.png", full_page=True)
        page.wait_for_timeout(200)
    partway = [(bar_at, text_at) for bar_at, text_at in seen if 0 < bar_at < total and 0 < text_at < total]
    assert partway, f"no progress seen part-way: {sorted(seen)}"

    # Then the page reloads by itself with the report.
    expect(page.locator("#batch-status")).to_have_text("已完成", timeout=120000)
    summary = page.locator(".batch-report-summary")
    expect(summary).to_contain_text(f"{total}/{total} 个文件：已导入 {total - 1}，未导入 1")
    report = page.locator("table.batch-report")
    assert "empty.txt" in report.locator("tr.outcome-row-refused").inner_text()
    assert "为空" in report.locator("tr.outcome-row-refused").inner_text()
    page.screenshot(path=f"{SCREENSHOTS}/admin_batch_report.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载报告（CSV，可用 Excel 打开）").click()
    assert download.value.suggested_filename.endswith(".csv")

    # The documents are there, published, each whole.
    first = report.locator("tr.outcome-row-imported a[href^='/documents/']").first
    href = first.get_attribute("href")
    page.goto(server.url + href)
    assert page.locator("main p, main li").count() > 0
    assert server.site.query("SELECT count(*) FROM archive_document WHERE raw_text != '' AND status = 'published'") == [
        (total - 1,)
    ]


def test_dates_show_no_time_zone_note_for_a_librarian_abroad(site, _browser):
    from archive.models import Document

    context = _browser.new_context(
        locale="zh-CN", timezone_id="America/New_York", viewport={"width": 1280, "height": 900}
    )
    tab = context.new_page()
    try:
        sign_in(tab, site)
        tab.goto(f"{site}/admin/archive/document/add/")
        tab.fill("#id_raw_text", LETTER)
        tab.get_by_role("button", name="预览", exact=True).click()
        tab.wait_for_selector("#preview")
        tab.wait_for_selector(".datetimeshortcuts")  # the calendar is there...
        assert tab.locator(".timezonewarning").count() == 0  # ...without "你比服务器时间滞后 12 个小时"
        report = Document.objects.get(symbol="S/2018/1183")
        tab.goto(f"{site}/admin/archive/document/{report.pk}/change/")
        tab.wait_for_selector(".datetimeshortcuts")
        assert tab.locator(".timezonewarning").count() == 0
        # The calendar's "今天" writes the date the way the field shows it.
        shown = tab.locator("#id_date").input_value()
        tab.locator(".datetimeshortcuts a", has_text="今天").first.click()
        assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", tab.locator("#id_date").input_value())
        assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", shown)
    finally:
        context.close()


def test_a_refused_text_shows_one_message_and_no_contradicting_success(site, page):
    sign_in(page, site)
    page.goto(f"{site}/admin/archive/document/add/")
    page.fill("#id_raw_text", LETTER)
    page.get_by_role("button", name="预览", exact=True).click()
    page.wait_for_selector("#preview")
    page.fill("#id_symbol", "S/2018/1183")  # a symbol that already holds another text
    page.get_by_role("button", name="更新预览").click()
    page.wait_for_selector("#import-refusal")
    assert "文号" in page.locator("#import-refusal").inner_text()  # the note names the field...
    assert "S/2018/1183" in page.locator(".field-symbol .errorlist").inner_text()  # ...which says why
    assert not page.get_by_text("没有发现问题").is_visible()
    visible = [li for li in page.locator(".messagelist li").all() if li.is_visible()]
    assert [li.get_attribute("class") for li in visible if li.get_attribute("class") == "success"] == []
