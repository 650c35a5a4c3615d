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
from .warmup import WarmingUp

# Seconds after which the "getting ready" page reloads itself (also sent as Retry-After).
RETRY_AFTER = 2
# Filter names (search.engine.FILTERS) → the query-string parameters that set them.
_FILTER_PARAMS = {"year": ("year_from", "year_to"), "type": ("type",), "cites": ("cites",), "document": ("document",)}

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


def _warming_up(request: HttpRequest) -> HttpResponse:
    """This worker has just started and is still reading the index: say so and come back shortly."""
    response = render(
        request,
        "search/search.html",
        {"form": SearchForm(request.GET), "warming_up": True, "retry_after": RETRY_AFTER},
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER)
    return response


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
    active = [
        Link(engine.filter_label(p, name, outcome.document), querystring(p, **dict.fromkeys(keys), **base))
        for name, keys in _FILTER_PARAMS.items()
        if engine.filter_is_set(p, name)
    ]
    return {"years": years, "types": types, "cites": cites, "sorts": sorts, "active": active}


# Pages shown on each side of the current one in the pagination bar.
PAGE_WINDOW = 2


def page_numbers(page: int, last: int, window: int = PAGE_WINDOW) -> list[int | None]:
    """The pagination bar: first, last, ``window`` pages around ``page``; None where pages are left out.

    A gap of a single page shows that page rather than "…" (1 2 3 4 5 … 9, never 1 2 3 … 5).
    """
    if last <= 1:
        return []
    shown = sorted({1, last, *range(max(1, page - window), min(last, page + window) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and n - out[-1] == 2:  # type: ignore[operator]
            out.append(n - 1)
        elif out and n - out[-1] > 2:  # type: ignore[operator]
            out.append(None)
        out.append(n)
    return out


def _pages(outcome: engine.Outcome) -> list[Link | None]:
    p = outcome.params
    return [
        None if n is None else Link(str(n), querystring(p, page=n), None, n == p.page)
        for n in page_numbers(p.page, outcome.num_pages)
    ]


def _suggestion_href(p: engine.SearchParams, s: engine.Suggestion) -> str:
    if not s.keep_filters:
        return querystring(engine.SearchParams(q=s.q, sort=p.sort))
    dropped = {key: None for name in s.drop for key in _FILTER_PARAMS[name]}
    return querystring(p, q=s.q, page=None, **dropped)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    try:
        form, params, outcome = _run(request)
    except WarmingUp:
        return _warming_up(request)
    except SearchUnavailable as exc:
        if not exc.reported:
            log.warning("search unavailable: %s", exc)
        return _unavailable(request)
    if outcome.redirect:
        return redirect(outcome.redirect)
    p = outcome.params
    suggestions = [Link(s.label, _suggestion_href(p, s)) for s in outcome.suggestions]
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
        "language": hit.language,
        "partner": ({"language": hit.partner.language, "text": hit.partner.text} if hit.partner is not None else None),
    }


@require_GET
def api_search(request: HttpRequest) -> JsonResponse:
    try:
        _form, params, outcome = _run(request)
    except WarmingUp:
        response = JsonResponse(
            {"error": _("检索正在准备中（服务刚刚启动），请稍候再试。"), "count": 0, "next": None, "results": []},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
        response["Retry-After"] = str(RETRY_AFTER)
        return response
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
    if outcome.unfiltered_total:
        data["unfiltered_count"] = outcome.unfiltered_total  # the filters excluded every result
    if outcome.redirect:
        data["document"] = request.build_absolute_uri(outcome.redirect)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
