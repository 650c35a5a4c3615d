"""The librarians' admin: documents (add with preview, correct, publish), blocks, footnotes, glossary,
bulk import batches and the acquisition list.

Admin code parses requests and calls ``archive.ingest.store``; it holds no parsing logic.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import batches, blocks, documents, glossary  # noqa: F401  (registers the model admins)

admin.site.site_header = _("维和文献库 · 管理")
admin.site.site_title = _("维和文献库管理")
admin.site.index_title = _("文献管理")
