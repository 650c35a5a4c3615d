"""The account of a recorded import batch, read back from its item rows (what the admin and downloads show)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from archive.models import Document, ImportBatch, ImportBatchItem

from ..batch.report import BatchReport, FileReport


def label(doc: Document) -> str:
    return doc.symbol or _("无文号文件 %(id)s") % {"id": doc.public_id}


def _admin_url(doc: Document) -> str:
    return reverse("admin:archive_document_change", args=[doc.pk])


def file_report(item: ImportBatchItem) -> FileReport:
    doc, other = item.document, item.other_document
    return FileReport(
        name=item.name,
        outcome=item.outcome,
        symbol=item.symbol,
        title=item.title,
        url=doc.get_absolute_url() if doc is not None else "",
        admin_url=_admin_url(doc) if doc is not None else "",
        message=item.message,
        other=label(other) if other is not None else "",
        other_url=_admin_url(other) if other is not None else "",
        warnings=tuple(item.warnings or ()),
    )


def batch_report(batch: ImportBatch, outcome: str | None = None) -> BatchReport:
    """The report of a recorded batch (optionally only the files with one outcome); two queries."""
    items = batch.items.select_related("document", "other_document").defer(
        "document__raw_text", "other_document__raw_text"
    )
    if outcome:
        items = items.filter(outcome=outcome)
    return BatchReport(
        source=batch.source_name,
        document_status=batch.document_status,
        dry_run=batch.dry_run,
        total=batch.total,
        files=[file_report(i) for i in items.order_by("position")],
        batch_id=batch.pk,
        status=batch.effective_status,
        error=batch.error,
    )
