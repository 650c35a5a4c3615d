"""A draft imported under a symbol that published documents cite stays invisible (issue 16, item 1).

The hub the draft fills in place keeps its public face: every reader-facing answer is the same
before and after the draft arrives, and nothing of the draft (title, date, type, text) shows in
any page, picture, feed, API answer, download or export.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from archive.ingest.store import import_text
from archive.models import Document, DocumentStatus
from tests import test_search_fixtures as fx
from tests.test_search_fixtures import build_index

fresh_index = fx.fresh_index
indexed_seeds = fx.indexed_seeds

HUB = "S/2016/952"
CITER = "S/2018/1183"
SECRET_TITLE = "尚未公开的草稿标题甲乙丙"
SECRET_WORDS = "草稿正文独有的词语丁戊己"
DRAFT_TEXT = f"2016 年 11 月 7 日给安全理事会主席的信\n\n{SECRET_WORDS}，第一段。\n\n第二段的文字。\n"

READER_URLS = [
    "/",
    f"/documents/{HUB}/",
    f"/documents/{HUB}/cite.bib",
    f"/documents/{HUB}/cite.ris",
    f"/documents/{HUB}/cite.json",
    f"/documents/{HUB}/b1/",
    f"/documents/{HUB}/b2/",
    f"/documents/{HUB}/b1/cite.bib",
    f"/documents/{HUB}/fn1/",
    f"/documents/{HUB}/?view=parallel",
    f"/api/documents/{HUB}/",
    f"/feeds/cited-by/{HUB}/",
    f"/documents/{CITER}/",
    f"/documents/{CITER}/p60/",
    f"/api/documents/{CITER}/",
    f"/documents/{CITER}/cite.json",
    "/documents/",
    "/resolutions/",
    "/api/documents/",
    "/feeds/documents/",
    "/sitemap.xml",
    "/sitemap-documents.xml",
    "/export/archive.jsonl",
    f"/search/?q={SECRET_WORDS}",
    f"/api/search/?q={SECRET_WORDS}",
]

# Tokens that differ between two renderings of the same page: CSRF tokens and cache-busting stamps.
_VOLATILE = re.compile(rb'(csrfmiddlewaretoken" value="|csrftoken=)[^"; ]+|(?<=[?&]v=)[0-9a-f]+')


def _answers(client) -> dict[str, tuple[int, bytes]]:
    found = {}
    for url in READER_URLS:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        found[url] = (response.status_code, _VOLATILE.sub(b"", body))
    return found


@pytest.fixture
def draft_under_hub(indexed_seeds):
    before = _answers_for_fresh_client()
    import_text(DRAFT_TEXT, symbol=HUB, title=SECRET_TITLE, status=DocumentStatus.DRAFT)
    build_index()
    return before


def _answers_for_fresh_client():
    from django.test import Client

    return _answers(Client())


def test_the_hub_a_draft_fills_answers_readers_exactly_as_before(draft_under_hub):
    doc = Document.objects.get(symbol=HUB)
    assert doc.status == DocumentStatus.DRAFT and doc.title == SECRET_TITLE, "the draft did fill the hub"
    after = _answers_for_fresh_client()
    for url, (status, body) in draft_under_hub.items():
        assert after[url][0] == status, f"{url}: {status} before the draft, {after[url][0]} after"
        assert SECRET_TITLE.encode() not in after[url][1], url
        # The search page repeats the query it was asked; nothing else may show the draft's words.
        assert SECRET_WORDS.encode() not in after[url][1] or "search" in url, url
        assert after[url][1] == body, f"{url} changed when a draft filled the hub"


def test_the_hub_is_still_listed_and_linked_while_its_draft_waits(draft_under_hub, client):
    page = client.get(f"/documents/{CITER}/").content.decode()
    assert f'href="/documents/{HUB}/' in page
    assert f"/documents/{HUB}/" in client.get("/sitemap-documents.xml").content.decode()
    assert client.get(f"/api/documents/{HUB}/").json()["symbol"] == HUB


def test_the_export_command_shows_the_hub_not_the_draft(draft_under_hub):
    out = io.StringIO()
    call_command("export_archive", stdout=out)
    assert SECRET_TITLE not in out.getvalue() and SECRET_WORDS not in out.getvalue()


def test_publishing_the_draft_shows_it_to_readers(draft_under_hub, client):
    doc = Document.objects.get(symbol=HUB)
    doc.status = DocumentStatus.PUBLISHED
    doc.save()
    assert SECRET_TITLE in client.get(f"/documents/{HUB}/").content.decode()
    assert client.get(f"/api/documents/{HUB}/").json()["title"] == SECRET_TITLE


def test_the_admin_still_shows_the_draft_to_librarians(draft_under_hub, client, librarian):
    doc = Document.objects.get(symbol=HUB)
    page = client.get(f"/admin/archive/document/{doc.pk}/change/").content.decode()
    assert SECRET_TITLE in page
