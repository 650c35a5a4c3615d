"""A librarian in a real browser: sign in, paste a letter, check the preview, confirm, find it; correct a block."""

from __future__ import annotations

import contextlib
import os
import re

import pytest
from django.core.management import call_command

from tests.conftest import MANIFEST

pytestmark = pytest.mark.browser

PASSWORD = "Pa55-word-lib"
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


def test_a_librarian_pastes_a_letter_checks_the_preview_confirms_and_finds_it(site, page):
    from archive.models import Document

    sign_in(page, site)
    assert "维和文献库 · 管理" in page.locator("#site-name").inner_text()
    # The librarian sees documents but no user management.
    assert page.locator("a", has_text="用户").count() == 0
    page.get_by_role("link", name="文件").first.click()
    page.get_by_role("link", name=re.compile("增加|添加")).first.click()
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
    assert page.locator("#id_date").input_value() == "2024-03-01"
    assert page.locator("#id_doc_type").input_value() == "letter"
    assert not Document.objects.filter(title__startswith="2024 年 3 月 1 日").exists()

    # Correct the metadata the text does not carry, look again, confirm.
    page.fill("#id_symbol", "S/2024/150")
    page.get_by_label("已发布").check()
    page.get_by_role("button", name="更新预览").click()
    page.wait_for_selector("#preview")
    assert page.locator("#id_symbol").input_value() == "S/2024/150"
    page.screenshot(path=f"{SCREENSHOTS}/admin_preview.png", full_page=True)
    page.get_by_role("button", name="确认保存").click()
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
