"""Search pages and the search API; the logic lives in search.engine, these only adapt HTTP."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import engine
from .backends import SearchUnavailable
from .forms import SORT_CHOICES, SearchForm, querystring

log = logging.getLogger(__name__)


@dataclass
class Link:
    label: str
    href: str
    count: int | None = None
    selected: bool = False


def _run(request: HttpRequest) -> tuple[SearchForm, engine.SearchParams, engine.Outcome]:
    form = SearchForm(request.GET)
    params, notes = form.to_params()
    outcome = engine.run(params)
    outcome.notes = notes + outcome.notes
    return form, params, outcome


def _unavailable(request: HttpRequest, form: SearchForm | None = None) -> HttpResponse:
    return render(
        request,
        "search/search.html",
        {"form": form or SearchForm(request.GET), "unavailable": True},
        status=503,
    )


def _facet_links(outcome: engine.Outcome) -> dict[str, Any]:
    p = outcome.params
    base = {"page": None}
    years = [
        Link(f.label, querystring(p, year_from=f.value, year_to=f.value, **base), f.count, f.selected)
        for f in outcome.years
    ]
    types = [
        Link(f.label, querystring(p, type=None if f.selected else f.value, **base), f.count, f.selected)
        for f in outcome.types
    ]
    cites = [
        Link(f.label, querystring(p, cites=None if f.selected else f.value, **base), f.count, f.selected)
        for f in outcome.cites
    ]
    sorts = [
        Link(str(label), querystring(p, sort=value if value != "relevance" else None, **base), None, p.sort == value)
        for value, label in SORT_CHOICES
    ]
    active = []
    if p.year_from or p.year_to:
        span = f"{p.year_from or '…'}–{p.year_to or '…'}" if p.year_from != p.year_to else str(p.year_from)
        active.append(Link(_("年份：%(span)s") % {"span": span}, querystring(p, year_from=None, year_to=None, **base)))
    if p.doc_type:
        label = next((f.label for f in outcome.types if f.value == p.doc_type), p.doc_type)
        active.append(Link(_("类型：%(type)s") % {"type": label}, querystring(p, type=None, **base)))
    if p.cites:
        active.append(Link(_("引用：%(symbol)s") % {"symbol": p.cites}, querystring(p, cites=None, **base)))
    if p.document:
        label = outcome.document.symbol or outcome.document.title if outcome.document else p.document
        active.append(Link(_("文件：%(doc)s") % {"doc": label}, querystring(p, document=None, **base)))
    return {"years": years, "types": types, "cites": cites, "sorts": sorts, "active": active}


def _pages(outcome: engine.Outcome) -> list[Link]:
    p = outcome.params
    if outcome.num_pages <= 1:
        return []
    numbers = sorted({1, outcome.num_pages, *range(max(1, p.page - 2), min(outcome.num_pages, p.page + 2) + 1)})
    return [Link(str(n), querystring(p, page=n), None, n == p.page) for n in numbers]


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    try:
        form, params, outcome = _run(request)
    except SearchUnavailable:
        log.warning("search unavailable", exc_info=True)
        return _unavailable(request)
    if outcome.redirect:
        return redirect(outcome.redirect)
    p = outcome.params
    suggestions = [
        Link(
            s.label,
            querystring(p, q=s.q, page=None)
            if s.keep_filters
            else querystring(engine.SearchParams(q=s.q, sort=p.sort)),
        )
        for s in outcome.suggestions
    ]
    context = {
        "form": form,
        "outcome": outcome,
        "facets": _facet_links(outcome),
        "pages": _pages(outcome),
        "previous_url": querystring(p, page=p.page - 1) if outcome.has_previous else None,
        "next_url": querystring(p, page=p.page + 1) if outcome.has_next else None,
        "suggestions": suggestions,
        "first": (p.page - 1) * p.per_page + 1,
        "last": (p.page - 1) * p.per_page + len(outcome.hits),
    }
    return render(request, "search/search.html", context)


@require_GET
def search_help(request: HttpRequest) -> HttpResponse:
    return render(request, "search/help.html", {})


def _hit_data(hit: engine.Hit, request: HttpRequest) -> dict[str, Any]:
    doc = hit.document
    return {
        "symbol": doc.symbol,
        "title": doc.title,
        "date": doc.date.isoformat() if doc.date else None,
        "anchor": hit.block.anchor,
        "url": request.build_absolute_uri(hit.block.get_absolute_url()),
        "snippet": str(hit.snippet),
        "kind": hit.kind,
        "label": hit.label,
    }


@require_GET
def api_search(request: HttpRequest) -> JsonResponse:
    try:
        _form, params, outcome = _run(request)
    except SearchUnavailable:
        return JsonResponse(
            {"error": _("检索暂时不可用，请稍后再试。"), "count": 0, "next": None, "results": []},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    base = request.build_absolute_uri(reverse("api_search"))
    data: dict[str, Any] = {
        "count": outcome.total,
        "next": base + querystring(outcome.params, page=outcome.params.page + 1) if outcome.has_next else None,
        "results": [_hit_data(h, request) for h in outcome.hits],
        "notes": outcome.notes,
    }
    if outcome.redirect:
        data["document"] = request.build_absolute_uri(outcome.redirect)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
