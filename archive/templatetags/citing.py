"""Template tags for the reading pages: the "Cite" panel and the citation pictures.

Tags rather than view code so the reading views stay as they are: everything here is built from
objects those views already put in the context, without another database query.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone

from archive.citing import charts, formats
from archive.models import Document, Paragraph, TextVersion
from archive.views.versions import version_heading

register = template.Library()


@register.inclusion_tag("archive/_cite.html", takes_context=True)
def cite_panel(
    context: template.Context,
    document: Document,
    paragraph: Paragraph | None = None,
    version: TextVersion | None = None,
    partner: Paragraph | None = None,
) -> dict[str, Any]:
    """GB/T 7714 and Chicago to copy, BibTeX/RIS/CSL-JSON to download, for ``document`` or ``paragraph``.

    With ``version`` (the English text) the same again for it: of the whole document, or of
    ``partner``, the English block of ``paragraph``; its downloads are the same files with ``?lang=en``.
    """
    request = context["request"]
    today = timezone.localdate()
    panel = _formats(request, document, paragraph, today)
    # A name missing from the page's context comes in as "".
    if version and (paragraph is None or partner):
        english = _formats(request, document, partner, today, version)
        panel["version"] = {"label": version_heading(document, version), **english}
    return {"paragraph": paragraph, **panel}


def _formats(request, document: Document, block: Paragraph | None, today, version: TextVersion | None = None) -> dict:
    absolute = request.build_absolute_uri
    whole = formats.reference(document, absolute=absolute, accessed=today, version=version)
    cited = whole
    if block is not None:
        cited = formats.reference(document, block, absolute=absolute, accessed=today, version=version)
        downloads_route, kwargs = "paragraph_cite", {"ref": document.url_key, "anchor": block.anchor}
    else:
        downloads_route, kwargs = "document_cite", {"ref": document.url_key}
    query = f"?lang={version.language}" if version is not None else ""
    return {
        "gbt": formats.gbt7714(cited),
        "chicago_note": formats.chicago_note(cited),
        "chicago_bibliography": formats.chicago_bibliography(whole),
        "downloads": [
            (label, reverse(downloads_route, kwargs={**kwargs, "fmt": fmt}) + query)
            for label, fmt in (("BibTeX", "bib"), ("RIS", "ris"), ("CSL-JSON", "json"))
        ],
    }


@register.inclusion_tag("archive/_citation_timeline.html")
def citation_timeline(cited_by) -> dict[str, Any]:
    """Bars of citing documents per year, from the page's cited-by groups."""
    return {"timeline": charts.timeline((group.document for group in cited_by.documents), cited_by.href)}
