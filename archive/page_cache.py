"""Keeping cached reading pages true: every change to what a document page shows renews its stamp.

The document page caches its rendered text (``archive.views.text``) under the document's
``render_version``, a random stamp stored with the document (so every server process, each with its
own local-memory cache, sees the same stamp).  The stamp is renewed

* by ``Document.save`` (metadata, symbol, status, a text stored by import or by a librarian);
* when one of its blocks or footnotes is saved on its own (a librarian's correction), or one of its
  language versions (the English text) is saved or deleted, inside that transaction;
* after every import, re-parse, edit, symbol change, publication or withdrawal, through
  ``archive.signals.documents_changed`` — for the documents changed *and for the documents citing
  them*, whose links and citation pictures name the changed document (its symbol, whether the
  archive holds its text).

Stamps are never reused, so a page rendered from an older state is never served again; cached
entries for old stamps simply expire.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from archive import signals
from archive.models import Document, Footnote, Paragraph, TextVersion


def renew(document_ids: list[int]) -> None:
    """New stamps for these documents and every document citing one of them."""
    if not document_ids:
        return
    Document.objects.filter(pk__in=document_ids).renew_rendering()
    citing = Document.objects.citing_any(document_ids).exclude(pk__in=document_ids).values("pk")
    Document.objects.filter(pk__in=citing).renew_rendering()


def _on_documents_changed(sender: Any, document_ids: list[int] | None = None, **kwargs: Any) -> None:
    renew(list(document_ids or []))


def _on_block_saved(
    sender: Any, instance: Paragraph | Footnote | TextVersion, raw: bool = False, **kwargs: Any
) -> None:
    if not raw:
        Document.objects.filter(pk=instance.document_id).renew_rendering()


def connect() -> None:
    signals.documents_changed.connect(_on_documents_changed, dispatch_uid="archive.page_cache.changed")
    for model in (Paragraph, Footnote, TextVersion):
        post_save.connect(_on_block_saved, sender=model, dispatch_uid=f"archive.page_cache.{model.__name__}")
    # A version removed takes its toggles and parallel view with it.
    post_delete.connect(_on_block_saved, sender=TextVersion, dispatch_uid="archive.page_cache.TextVersion.delete")
