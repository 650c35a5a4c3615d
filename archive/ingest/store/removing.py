"""Removing documents without breaking a link that was ever shared.

A document that readers could once open may be cited by a link in somebody's paper: it can be
withdrawn (made a draft, its URLs then answer "withdrawn"), never deleted.  A document that was
never published can be deleted; if other documents cite it, its row stays as a citation hub so
their links and "cited by" lists keep working, exactly as before its text was imported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from archive.models import Document, DocumentStatus

from ..errors import IngestError
from .importing import _notify


@dataclass
class Removal:
    deleted: list[str] = field(default_factory=list)
    kept_as_hub: list[str] = field(default_factory=list)


def removal_refusal(doc: Document) -> str | None:
    """Why ``doc`` may not be deleted, or None."""
    if not doc.has_text:
        return _("%(label)s 是被其他文件引用的文号页面，不能删除。") % {"label": doc.url_key}
    if doc.first_published_at is not None:
        return _("%(label)s 已经发布过，它的链接可能已被分享，不能删除；请改为草稿（撤回）。") % {"label": doc.url_key}
    return None


def remove_documents(documents: Iterable[Document]) -> Removal:
    """Delete never-published documents (cited ones revert to hubs); all or nothing.

    Raises IngestError, changing nothing, if any of ``documents`` was ever published or is a hub.
    """
    docs = list(documents)
    refusals = [r for r in (removal_refusal(d) for d in docs) if r]
    if refusals:
        raise IngestError(" ".join(refusals))
    result = Removal()
    ids = [d.pk for d in docs]
    with transaction.atomic():
        for doc in docs:
            label = doc.url_key
            if doc.symbol and doc.incoming_citations.exists():
                # A hub holds no text in any language.
                doc.paragraphs.all().delete()
                doc.footnotes.all().delete()
                doc.versions.all().delete()
                doc.raw_text = doc.source_sha256 = doc.title = ""
                doc.date = None
                # A hub has no status of its own; published is what every hub carries.
                doc.status = DocumentStatus.PUBLISHED
                doc.save()
                result.kept_as_hub.append(label)
            else:
                doc.delete()
                result.deleted.append(label)
        _notify(ids)
    return result
