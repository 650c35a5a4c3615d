"""The machine-readable view of the archive (JSON), used by later features and outside tools."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from archive.cited_by import build_cited_by, light
from archive.lookup import Withdrawn, find_document
from archive.models import Citation, Document, FootnoteReference, Language
from archive.serializers import cited_by_data, document_summary, document_text_data
from archive.views.text import names_in_order

# Citations per page of a document's ``cited_by`` list (``?cited_page=2`` for the next).
CITED_BY_PER_PAGE = 200


@require_GET
def document_list(request: HttpRequest) -> JsonResponse:
    qs = Document.objects.published().with_text().newest_first()
    paginator = Paginator(qs, settings.ARCHIVE_PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger):
        return JsonResponse({"error": "page out of range", "count": paginator.count}, status=404)
    next_url = None
    if page.has_next():
        next_url = request.build_absolute_uri(f"{reverse('api_document_list')}?page={page.next_page_number()}")
    return JsonResponse(
        {
            "count": paginator.count,
            "next": next_url,
            "results": [document_summary(d, request) for d in page.object_list],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def document_detail(request: HttpRequest, ref: str) -> JsonResponse:
    try:
        found = find_document(ref)
    except Withdrawn as gone:
        doc = gone.document
        return JsonResponse(
            {"error": _("此文件已撤回，不再公开。"), "symbol": doc.symbol, "url": doc.get_absolute_url()},
            status=410,
            json_dumps_params={"ensure_ascii": False},
        )
    doc = found.document
    if found.redirect:
        return redirect(doc.get_api_url(), permanent=True)
    versions = list(doc.versions.for_reading())
    languages = [Language.ZH, *(v.language for v in versions)]
    # Every version's blocks and footnotes in one query each: as many queries with versions as without.
    # Through the related manager each row already knows its document: no query per paragraph.
    blocks = list(
        doc.paragraphs.current()
        .in_languages(languages)
        .in_reading_order()
        .prefetch_related(
            Prefetch("footnote_refs", queryset=FootnoteReference.objects.select_related("footnote").order_by("offset")),
            Prefetch("citations", queryset=Citation.objects.with_target()),
        )
    )
    footnotes = list(
        doc.footnotes.in_languages(languages).prefetch_related(
            Prefetch("citations", queryset=Citation.objects.with_target())
        )
    )
    citations = Citation.objects.cited_by(doc)
    grouped = build_cited_by(light(citations))
    chinese = [p for p in blocks if p.language == Language.ZH]
    counts = [grouped.count_for(names) for names in names_in_order(chinese)]
    data = document_text_data(doc, versions, blocks, footnotes, request, counts)
    # A resolution can be cited tens of thousands of times: the list comes a page at a time.
    page = Paginator(citations, CITED_BY_PER_PAGE).get_page(request.GET.get("cited_page"))
    data["cited_by"] = [cited_by_data(c, request) for c in page.object_list]
    data["cited_by_count"] = page.paginator.count
    data["cited_by_next"] = None
    if page.has_next():
        data["cited_by_next"] = request.build_absolute_uri(f"{doc.get_api_url()}?cited_page={page.next_page_number()}")
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
