"""Reader-facing HTML pages (interim: replaced by the reading feature)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from archive.lookup import find_document
from archive.models import Document


def home(request: HttpRequest) -> HttpResponse:
    docs = Document.objects.published().with_text().newest_first()
    return HttpResponse("".join(f'<p><a href="{d.get_absolute_url()}">{d}</a></p>' for d in docs))


def document_list(request: HttpRequest) -> HttpResponse:
    return home(request)


def resolution_index(request: HttpRequest) -> HttpResponse:
    return home(request)


def document_by_id(request: HttpRequest, public_id: str) -> HttpResponse:
    return document_detail(request, f"id/{public_id}")


def document_detail(request: HttpRequest, ref: str) -> HttpResponse:
    found = find_document(ref)
    if found.redirect:
        return redirect(found.document.get_absolute_url(), permanent=True)
    return HttpResponse(f"{found.document}")


def paragraph_detail(request: HttpRequest, ref: str, anchor: str) -> HttpResponse:
    found = find_document(ref)
    p = get_object_or_404(found.document.paragraphs, anchor=anchor)
    return HttpResponse(p.text)
