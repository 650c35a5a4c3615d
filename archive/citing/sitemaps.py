"""sitemap.xml: every document page (hubs included) and every current paragraph's own page.

Served as a sitemap index with one section per kind; Django splits a section into pages of 50,000
URLs, the sitemap protocol's limit, so a large archive still gets valid files.  The templates are
the project's own (``templates/archive/sitemap*.xml``) because ``django.contrib.sitemaps`` is not an
installed app here.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.sitemaps import Sitemap

from archive.models import Document, Paragraph


class DocumentSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Document.objects.for_sitemap()

    def lastmod(self, doc: Document) -> datetime:
        return doc.updated_at

    def get_latest_lastmod(self) -> datetime | None:
        # Django's default walks every item; one aggregate says the same.
        return Document.objects.for_reading().latest_update()


class ParagraphSitemap(Sitemap):
    changefreq = "yearly"

    def items(self):
        return Paragraph.objects.for_sitemap()

    def location(self, p: Paragraph) -> str:
        return p.get_permalink()

    def lastmod(self, p: Paragraph) -> datetime:
        return p.document.updated_at

    def get_latest_lastmod(self) -> datetime | None:
        return Document.objects.published().with_text().latest_update()


SITEMAPS: dict[str, type[Sitemap]] = {"documents": DocumentSitemap, "paragraphs": ParagraphSitemap}
