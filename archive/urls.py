from django.urls import path, re_path

from archive.ingest.anchors import ANCHOR_PATTERN
from archive.views import api, reading

# Symbols contain slashes and parentheses, so documents are matched by regex; the paragraph route
# comes first because a document route would otherwise swallow the trailing anchor.
_ID = r"id/(?P<public_id>[0-9a-z]{6,16})"
_REF = r"(?P<ref>.+?)"
_ANCHOR = rf"(?P<anchor>{ANCHOR_PATTERN})"

urlpatterns = [
    path("", reading.home, name="home"),
    path("documents/", reading.document_list, name="document_list"),
    path("resolutions/", reading.resolution_index, name="resolution_index"),
    path("api/documents/", api.document_list, name="api_document_list"),
    re_path(rf"^api/documents/{_REF}/$", api.document_detail, name="api_document_detail"),
    re_path(rf"^documents/{_ID}/$", reading.document_by_id, name="document_by_id"),
    re_path(rf"^documents/{_REF}/{_ANCHOR}/$", reading.paragraph_detail, name="paragraph_detail"),
    re_path(rf"^documents/{_REF}/$", reading.document_detail, name="document_detail"),
]
