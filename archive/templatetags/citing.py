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
from archive.models import Document, Paragraph

register = template.Library()


@register.inclusion_tag("archive/_cite.html", takes_context=True)
def cite_panel(context: template.Context, document: Document, paragraph: Paragraph | None = None) -> dict[str, Any]:
    """GB/T 7714 and Chicago to copy, BibTeX/RIS/CSL-JSON to download, for ``document`` or ``paragraph``."""
    request = context["request"]
    today = timezone.localdate()
    whole = formats.reference(document, absolute=request.build_absolute_uri, accessed=today)
    cited = whole
    if paragraph is not None:
        cited = formats.reference(document, paragraph, absolute=request.build_absolute_uri, accessed=today)
        downloads_route, kwargs = "paragraph_cite", {"ref": document.url_key, "anchor": paragraph.anchor}
    else:
        downloads_route, kwargs = "document_cite", {"ref": document.url_key}
    return {
        "paragraph": paragraph,
        "gbt": formats.gbt7714(cited),
        "chicago_note": formats.chicago_note(cited),
        "chicago_bibliography": formats.chicago_bibliography(whole),
        "downloads": [
            (label, reverse(downloads_route, kwargs={**kwargs, "fmt": fmt}))
            for label, fmt in (("BibTeX", "bib"), ("RIS", "ris"), ("CSL-JSON", "json"))
        ],
    }


@register.inclusion_tag("archive/_citation_timeline.html")
def citation_timeline(cited_by) -> dict[str, Any]:
    """Bars of citing documents per year, from the page's cited-by groups."""
    return {"timeline": charts.timeline((group.document for group in cited_by.documents), cited_by.href)}
