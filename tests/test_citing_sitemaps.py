"""sitemap.xml (parsed as XML), robots.txt and the OpenSearch description."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from django.urls import resolve

from archive.models import Document, Paragraph

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
OPENSEARCH_NS = {"os": "http://a9.com/-/spec/opensearch/1.1/"}


def xml(client, url: str, content_type: str = "application/xml", **headers) -> ET.Element:
    response = client.get(url, **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    return ET.fromstring(response.content)


def locations(root: ET.Element, tag: str) -> list[str]:
    return [loc.text for loc in root.findall(f"sm:{tag}/sm:loc", SITEMAP_NS)]


def test_sitemap_lists_every_document_and_paragraph_page(client, seeds):
    index = xml(client, "/sitemap.xml")
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    sections = locations(index, "sitemap")
    assert sections == ["http://testserver/sitemap-documents.xml", "http://testserver/sitemap-paragraphs.xml"]
    assert all(el.text for el in index.findall("sm:sitemap/sm:lastmod", SITEMAP_NS))

    urls: list[str] = []
    for section in sections:
        root = xml(client, section.removeprefix("http://testserver"))
        assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
        assert len(root.findall("sm:url/sm:lastmod", SITEMAP_NS)) == len(root)
        urls += locations(root, "url")

    documents = [f"http://testserver{d.get_absolute_url()}" for d in Document.objects.for_reading()]
    blocks = Paragraph.objects.current().published().select_related("document")
    paragraphs = [f"http://testserver{p.get_permalink()}" for p in blocks]
    assert len(documents) == 35 and len(paragraphs) > 400  # 5 documents with text, 30 cited ones
    assert sorted(urls) == sorted(documents + paragraphs) and len(set(urls)) == len(urls)
    assert f"http://testserver/documents/id/{seeds['001'].public_id}/" in urls
    assert "http://testserver/documents/S/2018/1183/p12/" in urls
    for url in (urls[0], urls[-1], "http://testserver/documents/S/RES/2382(2017)/"):
        assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_sitemap_leaves_out_drafts_and_retired_paragraphs(client, seeds):
    Document.objects.filter(pk=seeds["003"].pk).update(status="draft")
    Paragraph.objects.filter(document=seeds["002"], anchor="p12").update(is_current=False)
    urls = [
        url for kind in ("documents", "paragraphs") for url in locations(xml(client, f"/sitemap-{kind}.xml"), "url")
    ]
    assert not any("/documents/S/2011/817/" in url for url in urls)
    assert "http://testserver/documents/S/2018/1183/p12/" not in urls
    assert "http://testserver/documents/S/2018/1183/p13/" in urls


def test_robots_txt_points_crawlers_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert {"Disallow: /admin/", "Disallow: /search/", "Disallow: /export/"} <= set(lines)
    assert "Disallow: /" not in lines, "reading pages stay crawlable"


def test_opensearch_description_lets_a_browser_search_the_archive(client, db):
    root = xml(client, "/opensearch.xml", "application/opensearchdescription+xml")
    assert root.find("os:ShortName", OPENSEARCH_NS).text == "维和文献库"
    templates = {url.get("type"): url.get("template") for url in root.findall("os:Url", OPENSEARCH_NS)}
    assert templates["text/html"] == "http://testserver/search/?q={searchTerms}"
    assert templates["application/atom+xml"] == "http://testserver/search/feed/?q={searchTerms}"
    assert resolve("/search/").url_name == "search" and resolve("/search/feed/").url_name == "search_feed"
    english = xml(client, "/opensearch.xml", "application/opensearchdescription+xml", HTTP_ACCEPT_LANGUAGE="en")
    assert english.find("os:Description", OPENSEARCH_NS).text.startswith("Search")


def test_every_page_advertises_the_search_engine(client, seeds):
    for url in ("/", "/documents/S/2018/1183/", "/documents/S/2018/1183/p12/"):
        page = client.get(url).content.decode()
        assert '<link rel="search" type="application/opensearchdescription+xml" href="/opensearch.xml"' in page
