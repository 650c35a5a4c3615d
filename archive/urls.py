from django.urls import path, re_path

from archive.ingest.anchors import ANCHOR_PATTERN
from archive.views import api, citing, reading

# Symbols contain slashes and parentheses, so documents are matched by regex; the paragraph route
# comes first because a document route would otherwise swallow the trailing anchor.
_ID = r"id/(?P<public_id>[0-9a-z]{6,16})"
_REF = r"(?P<ref>.+?)"
_ANCHOR = rf"(?P<anchor>{ANCHOR_PATTERN})"
# Citation downloads hang off the page they cite: /documents/S/2018/1183/p12/cite.bib.
_CITE = r"cite\.(?P<fmt>bib|ris|json)"

urlpatterns = [
    path("", reading.home, name="home"),
    path("documents/", reading.document_list, name="document_list"),
    path("resolutions/", reading.resolution_index, name="resolution_index"),
    path("api/documents/", api.document_list, name="api_document_list"),
    re_path(rf"^api/documents/{_REF}/$", api.document_detail, name="api_document_detail"),
    path("feeds/documents/", citing.new_documents_feed, name="feed_documents"),
    re_path(rf"^feeds/cited-by/{_REF}/$", citing.cited_by_feed, name="feed_cited_by"),
    # Not in search.urls: search/ is its own app; this feed only reads its results.
    path("search/feed/", citing.search_feed, name="search_feed"),
    path("export/archive.jsonl", citing.archive_export, name="archive_export"),
    path("opensearch.xml", citing.opensearch, name="opensearch"),
    path("favicon.ico", citing.favicon, name="favicon"),
    # Like the pages: a permanent id can look like an anchor, so its route comes first; then the
    # paragraph's download before the document's, whose ref would swallow the anchor.
    re_path(rf"^documents/{_ID}/{_CITE}$", citing.document_cite_by_id, name="document_cite_by_id"),
    re_path(rf"^documents/{_REF}/{_ANCHOR}/{_CITE}$", citing.paragraph_cite, name="paragraph_cite"),
    re_path(rf"^documents/{_REF}/{_CITE}$", citing.document_cite, name="document_cite"),
    re_path(rf"^documents/{_ID}/$", reading.document_by_id, name="document_by_id"),
    re_path(rf"^documents/{_REF}/{_ANCHOR}/$", reading.paragraph_detail, name="paragraph_detail"),
    re_path(rf"^documents/{_REF}/$", reading.document_detail, name="document_detail"),
]
