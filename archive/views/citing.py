"""What researchers take away: citation downloads, Atom feeds, the bulk export, robots.txt, OpenSearch.

The HTML side (the "Cite" panels and the pictures) is rendered by the ``citing`` template tags on
the reading pages; these views answer the files those pages link to.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from archive.citing import export, formats
from archive.citing.feeds import FEED_SIZE, CitedByFeed, NewDocumentsFeed, SavedSearch, SearchFeed
from archive.lookup import find_document
from archive.models import Document, Language, TextVersion

logger = logging.getLogger(__name__)

# --- citation downloads --------------------------------------------------------------------------


def _download(request: HttpRequest, ref: formats.Reference, fmt: str) -> HttpResponse:
    write, media_type, extension = formats.DOWNLOADS[fmt]
    response = HttpResponse(write(ref), content_type=f"{media_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ref.key}.{extension}"'
    return response


def _version(request: HttpRequest, doc: Document) -> TextVersion | None:
    """``?lang=en``: the citation of the English text (404 where the archive has none); else the Chinese."""
    language = request.GET.get("lang", Language.ZH)
    if language == Language.ZH:
        return None
    version = doc.versions.for_reading().in_language(language).first() if doc.has_text else None
    if version is None:
        raise Http404(language)
    return version


def _query(request: HttpRequest) -> str:
    return f"?{request.GET.urlencode()}" if request.GET else ""


@require_GET
def document_cite(request: HttpRequest, ref: str, fmt: str) -> HttpResponse:
    """``/documents/<ref>/cite.bib`` (or ``.ris``, ``.json``): the document's citation as a file;
    ``?lang=en`` cites its English text."""
    found = find_document(ref)
    doc = found.document
    if found.redirect:
        url = reverse("document_cite", kwargs={"ref": doc.url_key, "fmt": fmt})
        return redirect(url + _query(request), permanent=True)
    version = _version(request, doc)
    reference = formats.reference(
        doc, absolute=request.build_absolute_uri, accessed=timezone.localdate(), version=version
    )
    return _download(request, reference, fmt)


def document_cite_by_id(request: HttpRequest, public_id: str, fmt: str) -> HttpResponse:
    return document_cite(request, f"id/{public_id}", fmt)


@require_GET
def paragraph_cite(request: HttpRequest, ref: str, anchor: str, fmt: str) -> HttpResponse:
    """``/documents/<ref>/<anchor>/cite.bib`` (or ``.ris``, ``.json``): one paragraph's citation;
    ``?lang=en`` cites the English block of the same anchor."""
    found = find_document(ref)
    doc = found.document
    if not doc.has_text:
        raise Http404(anchor)
    version = _version(request, doc)
    language = version.language if version is not None else Language.ZH
    blocks = doc.paragraphs.in_language(language)
    paragraph = blocks.filter(anchor=anchor).first()
    if paragraph is None:
        # A canonical name (annex1-p3) of a block served under another anchor: its own download.
        alias = blocks.current().named(anchor).first()
        if alias is None:
            raise Http404(anchor)
        url = reverse("paragraph_cite", kwargs={"ref": doc.url_key, "anchor": alias.anchor, "fmt": fmt})
        return redirect(url + _query(request))
    paragraph.document = doc
    if found.redirect:
        kwargs = {"ref": doc.url_key, "anchor": anchor, "fmt": fmt}
        return redirect(reverse("paragraph_cite", kwargs=kwargs) + _query(request), permanent=True)
    reference = formats.reference(
        doc, paragraph, absolute=request.build_absolute_uri, accessed=timezone.localdate(), version=version
    )
    return _download(request, reference, fmt)


# --- feeds ---------------------------------------------------------------------------------------


@require_GET
def new_documents_feed(request: HttpRequest) -> HttpResponse:
    return NewDocumentsFeed()(request)


@require_GET
def cited_by_feed(request: HttpRequest, ref: str) -> HttpResponse:
    """New documents citing a document or resolution (its hub when the archive lacks its text)."""
    found = find_document(ref)
    if found.redirect:
        return redirect(reverse("feed_cited_by", kwargs={"ref": found.document.url_key}), permanent=True)
    return CitedByFeed()(request, document=found.document)


@require_GET
def search_feed(request: HttpRequest) -> HttpResponse:
    """``/search/feed/?q=…`` with the search page's filters: its newest matching paragraphs.

    A query that names one document (which the search page answers by opening it) follows that
    document instead: the feed lists the paragraphs citing it.
    """
    # Imported here: search is an app built on this one, not the other way round.
    from search import engine
    from search.backends import SearchUnavailable
    from search.forms import SearchForm, querystring
    from search.views import RETRY_AFTER
    from search.warmup import WarmingUp

    params, _notes = SearchForm(request.GET).to_params()
    params.sort, params.page, params.per_page = "newest", 1, FEED_SIZE
    try:
        outcome = engine.run(params)
        if outcome.redirect and outcome.parsed.symbol:
            outcome = engine.run(engine.SearchParams(cites=outcome.parsed.symbol, sort="newest", per_page=FEED_SIZE))
    except WarmingUp:
        response = _feed_unavailable(_("检索正在准备中（服务刚刚启动），请稍候再试。"))
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    except SearchUnavailable:
        return _feed_unavailable(_("检索暂时不可用，请稍后再试。"))
    saved = SavedSearch(querystring(outcome.params, page=None), outcome)
    return SearchFeed()(request, saved=saved)


def _feed_unavailable(message: str) -> HttpResponse:
    return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")


# --- the bulk export -----------------------------------------------------------------------------


@require_GET
def archive_export(request: HttpRequest) -> HttpResponse:
    """The whole archive as JSON Lines (see ``archive.citing.export``).

    A download must not end early looking complete.  An archive small enough to read in one
    request is streamed as it is read (always current); a larger one is served from the file
    ``export_archive --publish`` wrote, whole and with its length (a cut transfer shows as one) and
    its date (``Last-Modified``); without that file it answers 503.
    """
    content_type = f"{export.MEDIA_TYPE}; charset=utf-8"
    built = Path(settings.ARCHIVE_EXPORT_FILE)
    if Document.objects.for_export().with_text().count() <= settings.ARCHIVE_LIVE_EXPORT_MAX_DOCUMENTS:
        lines = (line.encode("utf-8") for line in export.export_lines(request.build_absolute_uri))
        response: HttpResponse = StreamingHttpResponse(lines, content_type=content_type)
    elif built.is_file():
        response = FileResponse(built.open("rb"), content_type=content_type)
        response["Last-Modified"] = http_date(built.stat().st_mtime)
    else:
        logger.warning("export requested but %s is missing: run manage.py export_archive --publish", built)
        response = HttpResponse(
            _("全库导出文件正在准备，请稍后再试。"), status=503, content_type="text/plain; charset=utf-8"
        )
        response["Retry-After"] = "3600"
        return response
    response["Content-Disposition"] = 'attachment; filename="archive.jsonl"'
    return response


# --- for browsers and crawlers -------------------------------------------------------------------


def _site_root(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers and feed readers ask for whatever the page says: the site's icon."""
    return redirect(static("archive/favicon.svg"))


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    return render(request, "robots.txt", {"base": _site_root(request)}, content_type="text/plain; charset=utf-8")


@require_GET
def opensearch(request: HttpRequest) -> HttpResponse:
    """The OpenSearch description that lets a browser add the archive as a search engine."""
    return render(
        request,
        "opensearch.xml",
        {"base": _site_root(request)},
        content_type="application/opensearchdescription+xml; charset=utf-8",
    )
