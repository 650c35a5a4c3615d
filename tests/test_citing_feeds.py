"""Atom feeds, read with a feed parser: new documents, new documents citing one, a saved search."""

from __future__ import annotations

import re
from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from archive.models import Document
from tests import test_search_fixtures as fx

fresh_index = fx.fresh_index
indexed_seeds = fx.indexed_seeds


def parse(client, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    # Unsanitised, to see the summaries' markup as we wrote it (feedparser drops <mark>).
    feed = feedparser.parse(response.content, sanitize_html=False)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def alternate_feeds(client, url: str) -> list[str]:
    page = client.get(url).content.decode()
    return re.findall(r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"', page)


def test_new_documents_feed_lists_the_archive_newest_added_first(client, seeds):
    # The seeds were imported in one go; pretend S/2011/817 arrived last.
    Document.objects.filter(pk=seeds["003"].pk).update(created_at=timezone.now() + timedelta(minutes=5))
    feed = parse(client, "/feeds/documents/")
    assert feed.feed.title == "维和文献库：新收录的文件"
    assert len(feed.entries) == 5, "the five documents with text; hubs are not new documents"
    first = feed.entries[0]
    assert first.title.startswith("S/2011/817 2011 年 12 月 30 日")
    assert first.link == "http://testserver/documents/S/2011/817/"
    # Ids are permanent-id URLs, which survive a symbol being assigned later.
    assert first.id == f"http://testserver/documents/id/{seeds['003'].public_id}/"
    assert "2011-12-30" in first.summary
    no_symbol = next(e for e in feed.entries if e.id.endswith(f"/{seeds['001'].public_id}/"))
    assert no_symbol.link == f"http://testserver/documents/id/{seeds['001'].public_id}/"


def test_cited_by_feed_lists_each_citing_document_with_its_citing_sentences(client, seeds):
    # S/PRST/2001/3 is cited by S/2011/817 and by the symbol-less letter of 2021.
    Document.objects.filter(pk=seeds["004"].pk).update(created_at=timezone.now() + timedelta(minutes=5))
    feed = parse(client, "/feeds/cited-by/S/PRST/2001/3/")
    assert feed.feed.title == "引用 S/PRST/2001/3 的新文件"
    assert feed.feed.link == "http://testserver/documents/S/PRST/2001/3/"
    assert [e.id for e in feed.entries] == [
        f"http://testserver/documents/id/{seeds['004'].public_id}/",
        f"http://testserver/documents/id/{seeds['003'].public_id}/",
    ]
    letter = feed.entries[1]
    assert letter.link.startswith("http://testserver/documents/S/2011/817/#")
    assert "<mark>S/PRST/2001/3</mark>" in letter.summary, "the citing sentence, citation marked"


def test_cited_by_feed_for_a_document_with_text(client, seeds, db):
    from tests.test_reading_pages import import_text, report_text

    import_text(report_text(2, date="2024 年 2 月 1 日").replace("S/RES/2382(2017)", "S/2018/1183"), symbol="S/2024/21")
    feed = parse(client, "/feeds/cited-by/S/2018/1183/")
    assert [e.title.split()[0] for e in feed.entries] == ["S/2024/21"]


def test_cited_by_feed_redirects_loose_symbols_and_refuses_unknown_ones(client, seeds):
    response = client.get("/feeds/cited-by/s/prst/2001/3/")
    assert response.status_code == 301 and response["Location"] == "/feeds/cited-by/S/PRST/2001/3/"
    assert client.get("/feeds/cited-by/S/1999/1/").status_code == 404
    pid = seeds["004"].public_id
    assert parse(client, f"/feeds/cited-by/id/{pid}/").entries == []


def test_pages_link_their_feeds(client, seeds):
    assert "/feeds/documents/" in alternate_feeds(client, "/")
    assert "/feeds/cited-by/S/2018/1183/" in alternate_feeds(client, "/documents/S/2018/1183/")
    assert "/feeds/cited-by/S/PRST/2001/3/" in alternate_feeds(client, "/documents/S/PRST/2001/3/")
    for feed in alternate_feeds(client, "/documents/S/PRST/2001/3/"):
        assert client.get(feed).status_code == 200


# --- saved searches ------------------------------------------------------------------------------


def test_search_feed_has_the_searchs_newest_paragraphs(client, indexed_seeds):
    feed = parse(client, "/search/feed/?q=警务咨询委员会")
    api = client.get("/api/search/", {"q": "警务咨询委员会", "sort": "newest"}).json()
    assert api["count"] > 0
    assert [e.link for e in feed.entries] == [re.sub(r"\?hl=[^#]*", "", hit["url"]) for hit in api["results"]]
    assert feed.entries[0].title.startswith("S/2018/1183，")
    assert "<mark>" in feed.entries[0].summary
    assert feed.feed.title == "维和文献库检索：警务咨询委员会"
    # The feed's own address keeps the search, so a reader can subscribe to it.
    self_link = next(link.href for link in feed.feed.links if link.rel == "self")
    assert self_link.startswith("http://testserver/search/feed/?q=")
    assert [e.id for e in parse(client, self_link.replace("http://testserver", "")).entries] == [
        e.id for e in feed.entries
    ]


def test_search_feed_keeps_the_filters(client, indexed_seeds):
    feed = parse(client, "/search/feed/?q=警察&year_from=2022&year_to=2022")
    assert feed.entries and all("/documents/S/2022/747/" in e.link for e in feed.entries)


def test_search_feed_for_a_symbol_follows_what_cites_it(client, indexed_seeds):
    feed = parse(client, "/search/feed/?q=S/PRST/2001/3")
    citing = {e.link.split("#")[0] for e in feed.entries}
    assert citing == {
        "http://testserver/documents/S/2011/817/",
        f"http://testserver/documents/id/{indexed_seeds['004'].public_id}/",
    }


def test_search_page_links_its_feed(client, indexed_seeds):
    assert alternate_feeds(client, "/search/?q=%E8%AD%A6%E5%AF%9F&page=2")[-1] == "/search/feed/?q=%E8%AD%A6%E5%AF%9F"


def test_search_feed_says_so_when_search_is_down(client, db, monkeypatch):
    from search import engine
    from search.backends import SearchUnavailable

    def down(params):
        raise SearchUnavailable("index missing")

    monkeypatch.setattr(engine, "run", down)
    response = client.get("/search/feed/?q=警察")
    assert response.status_code == 503


@pytest.mark.parametrize("url", ["/feeds/documents/", "/feeds/cited-by/S/PRST/2001/3/"])
def test_feeds_are_english_in_english(client, seeds, url):
    feed = feedparser.parse(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content)
    assert feed.feed.title.startswith(("Peacekeeping Documents Archive", "New documents citing"))


def test_search_page_offers_a_visible_subscription_with_its_filters(client, indexed_seeds):
    page = client.get("/search/", {"q": "警察", "year_from": "2022", "year_to": "2022", "page": "2"})
    html = page.content.decode()
    href = (
        re.search(r'<a href="(/search/feed/[^"]+)" type="application/atom\+xml">', html).group(1).replace("&amp;", "&")
    )
    assert "page=" not in href and "year_from=2022" in href and "q=%E8%AD%A6%E5%AF%9F" in href
    assert "订阅此检索的新结果" in html
    feed = parse(client, href)
    assert feed.entries and all("/documents/S/2022/747/" in e.link for e in feed.entries)
