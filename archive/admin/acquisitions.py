"""The acquisition list: cited documents the archive has no text for, the most cited first.

What tells a librarian which document to add next.  The ranking and counts are
``Document.objects.acquisition_list()``; this page filters it by type and shows it a page at a time
(four queries whatever the page: types, count, rows, latest citers).
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from archive.models import Document, DocumentType, Language, attach_latest_citers

PER_PAGE = 50


def type_counts() -> list[tuple[str, str, int]]:
    """(value, label, hubs cited at least once) for every document type the list holds."""
    labels = dict(DocumentType.choices)
    # Cited in a Chinese text: the same rows the list counts (Document.objects.acquisition_list).
    chinese = Q(incoming_citations__paragraph__language=Language.ZH) | Q(
        incoming_citations__footnote__language=Language.ZH
    )
    rows = (
        Document.objects.hubs()
        .filter(chinese)
        .values("doc_type")
        .annotate(n=Count("pk", distinct=True))
        .order_by("doc_type")
    )
    return [(r["doc_type"], str(labels.get(r["doc_type"], r["doc_type"])), r["n"]) for r in rows]


def acquisition_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    chosen = request.GET.get("type", "")
    if chosen not in DocumentType.values:
        chosen = ""
    rows = Document.objects.acquisition_list()
    if chosen:
        rows = rows.of_type(chosen)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # evaluated once, with the citers attached
    attach_latest_citers(page.object_list)
    labels = dict(DocumentType.choices)
    context: dict[str, Any] = {
        **model_admin.admin_site.each_context(request),
        "title": _("待补原文的文件"),
        "opts": model_admin.opts,
        "page": page,
        "first_rank": page.start_index(),
        "types": type_counts(),
        "chosen": chosen,
        "type_labels": labels,
    }
    return TemplateResponse(request, "admin/archive/document/acquisition_list.html", context)
