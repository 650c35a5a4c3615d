"""Signal receivers: every change to what the index shows becomes queued index work, after commit.

``archive.signals`` are already sent from ``transaction.on_commit``.  Model signals fire inside the
transaction, so they defer to ``on_commit`` themselves: a rolled-back save never reaches the index
and the writer always reads committed rows.  Edits made in the admin (or anywhere else that saves
models) arrive through post_save / post_delete.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from archive import signals as archive_signals
from archive.models import Document, Footnote, Paragraph

from . import indexing


def on_documents_changed(sender: Any, document_ids: list[int] | None = None, **kwargs: Any) -> None:
    indexing.documents_changed(document_ids or [])


def on_documents_removed(sender: Any, paragraph_keys: list[str] | None = None, **kwargs: Any) -> None:
    indexing.keys_removed(paragraph_keys or [])


def _after_commit(doc_id: int | None) -> None:
    if doc_id is not None:
        transaction.on_commit(lambda: indexing.documents_changed([doc_id]))


def on_document_saved(sender: Any, instance: Document, raw: bool = False, **kwargs: Any) -> None:
    if not raw:  # loaddata: the fixture loader rebuilds nothing; index_drift --repair catches up
        _after_commit(instance.pk)


def on_document_deleted(sender: Any, instance: Document, **kwargs: Any) -> None:
    # The document is gone when the writer reads it, so its entries are dropped.
    _after_commit(instance.pk)


def on_block_changed(sender: Any, instance: Paragraph | Footnote, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _after_commit(instance.document_id)


def connect() -> None:
    archive_signals.documents_changed.connect(on_documents_changed, dispatch_uid="search.documents_changed")
    archive_signals.documents_removed.connect(on_documents_removed, dispatch_uid="search.documents_removed")
    post_save.connect(on_document_saved, sender=Document, dispatch_uid="search.document_saved")
    post_delete.connect(on_document_deleted, sender=Document, dispatch_uid="search.document_deleted")
    for model in (Paragraph, Footnote):
        post_save.connect(on_block_changed, sender=model, dispatch_uid=f"search.{model.__name__}_saved")
        post_delete.connect(on_block_changed, sender=model, dispatch_uid=f"search.{model.__name__}_deleted")
