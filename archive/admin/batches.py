"""Bulk import in the admin: upload a zip, watch the progress bar, read (and download) the report.

No request does the importing.  The upload is saved under ``MEDIA_ROOT`` with an import batch row,
and ``manage.py import_folder --batch ID`` is started as a detached process (its own session, so
a gunicorn worker that is recycled or times out does not take it along).  The process records its
progress on the batch row; the batch page polls a small JSON view (static JS, no inline script)
from whichever worker or server answers, since the state is in the database.  A worker that dies
leaves the batch "interrupted" (its process is gone, or silent for too long), and the page offers
to resume it: the same command again, which skips the files already done.

Librarians may run batches exactly when they may add documents.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.forms import BatchUploadForm
from archive.ingest.batch import outcome_label
from archive.ingest.store import bulk
from archive.models import BatchStatus, DocumentStatus, ImportBatch, ImportOutcome

log = logging.getLogger(__name__)


def worker_command(batch: ImportBatch) -> list[str]:
    return [
        sys.executable,
        str(Path(settings.BASE_DIR) / "manage.py"),
        "import_folder",
        "--batch",
        str(batch.pk),
        "--no-progress",
    ]


def start_worker(batch: ImportBatch) -> None:
    """Start the detached process that works ``batch``; record its host and pid on the batch."""
    log_path = batch.source_file.with_name("worker.log") if batch.upload else None
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
    try:
        with open(log_path or os.devnull, "ab") as output:
            process = subprocess.Popen(
                worker_command(batch),
                cwd=settings.BASE_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
    except OSError as exc:
        log.exception("could not start the import worker for batch %s", batch.pk)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED, error=_("无法启动导入进程：%(error)s") % {"error": exc}
        )
        return
    ImportBatch.objects.filter(pk=batch.pk).update(worker_host=socket.gethostname(), worker_pid=process.pid)
    # Reap it when it ends, so that it never lingers as a zombie of this web worker.
    threading.Thread(target=process.wait, name=f"import-batch-{batch.pk}", daemon=True).start()


def progress_data(batch: ImportBatch) -> dict[str, Any]:
    """What the batch page's progress bar shows; the same on every poll from any server."""
    counts = dict(batch.items.order_by().values_list("outcome").annotate(n=Count("pk")))
    status = batch.effective_status
    return {
        "status": status,
        "status_label": str(BatchStatus(status).label),
        "active": status in (BatchStatus.QUEUED, BatchStatus.RUNNING),
        "processed": batch.processed,
        "total": batch.total,
        "percent": batch.percent,
        "current": batch.current_file,
        "counts": {o: counts.get(o, 0) for o in ImportOutcome.values},
        "text": _("%(done)d/%(total)d 个文件") % {"done": batch.processed, "total": batch.total}
        + (f" · {batch.current_file}" if batch.current_file else ""),
    }


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = (
        "label",
        "source_name",
        "status_label",
        "progress",
        "imported",
        "problems",
        "started_by",
        "created_at",
    )
    list_display_links = ("label", "source_name")
    list_per_page = 50
    upload_template = "admin/archive/importbatch/upload_form.html"
    detail_template = "admin/archive/importbatch/batch_detail.html"

    # -- who may: whoever may add documents

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("archive.view_document")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("archive.add_document")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_add_permission(request)  # resuming

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the record of what was imported, by whom, stays

    # -- the list

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).with_counts().select_related("created_by")

    @admin.display(description=gettext_lazy("批次"), ordering="pk")
    def label(self, batch: ImportBatch) -> str:
        return f"#{batch.pk}" + (" " + _("（试运行）") if batch.dry_run else "")

    @admin.display(description=gettext_lazy("状态"))
    def status_label(self, batch: ImportBatch) -> str:
        return batch.get_effective_status_display()

    @admin.display(description=gettext_lazy("进度"))
    def progress(self, batch: ImportBatch) -> str:
        return f"{batch.processed}/{batch.total}"

    @admin.display(description=gettext_lazy("导入"))
    def imported(self, batch: ImportBatch) -> int:
        return batch.n_imported + batch.n_replaced

    @admin.display(description=gettext_lazy("冲突、重复、未导入"))
    def problems(self, batch: ImportBatch) -> int:
        return batch.n_conflict + batch.n_duplicate + batch.n_refused

    @admin.display(description=gettext_lazy("发起人"))
    def started_by(self, batch: ImportBatch) -> str:
        return str(batch.created_by) if batch.created_by else _("命令行")

    # -- pages

    def get_urls(self) -> list:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/progress/", view(self.progress_view), name=f"{prefix}_progress"),
            path("<path:object_id>/report.<str:fmt>", view(self.report_view), name=f"{prefix}_report"),
            path("<path:object_id>/resume/", view(self.resume_view), name=f"{prefix}_resume"),
            path("<path:object_id>/import/", view(self.import_view), name=f"{prefix}_import"),
            *super().get_urls(),
        ]

    def _batch(self, request: HttpRequest, object_id: str) -> ImportBatch:
        batch = self.get_object(request, unquote(object_id))
        if batch is None:
            raise Http404
        if not self.has_view_permission(request, batch):
            raise PermissionDenied
        return batch

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        """Upload a zip; pressing one of the three buttons starts the batch and shows its page."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = BatchUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            batch = ImportBatch(
                source_name=form.cleaned_data["archive"].name,
                document_status=DocumentStatus.PUBLISHED if "_publish" in request.POST else DocumentStatus.DRAFT,
                replace=form.cleaned_data["replace"],
                reissue=form.cleaned_data["reissue"],
                dry_run="_dry_run" in request.POST,
                created_by=request.user,
            )
            batch.upload.save(form.cleaned_data["archive"].name, form.cleaned_data["archive"], save=False)
            if form.cleaned_data.get("manifest"):
                manifest = form.cleaned_data["manifest"]
                batch.manifest_upload.save(manifest.name, manifest, save=False)
            batch.save()
            self.log_addition(request, batch, [{"added": {}}])
            start_worker(batch)
            return HttpResponseRedirect(reverse("admin:archive_importbatch_change", args=[batch.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("批量导入"),
            "opts": self.opts,
            "form": form,
            "max_file_bytes": settings.ARCHIVE_MAX_IMPORT_BYTES,
            "changelist_url": reverse("admin:archive_importbatch_changelist"),
        }
        return TemplateResponse(request, self.upload_template, context)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None):
        """The batch: progress while it runs, the report once it has run."""
        batch = self._batch(request, object_id)
        outcome = request.GET.get("outcome", "")
        if outcome not in ImportOutcome.values:
            outcome = ""
        report = bulk.batch_report(batch, outcome or None)
        progress = progress_data(batch)
        context = {
            **self.admin_site.each_context(request),
            "title": str(batch),
            "opts": self.opts,
            "original": batch,
            "batch": batch,
            "report": report,
            "rows": [(f, f.label(batch.dry_run)) for f in report.files],
            "progress": progress,
            "outcome": outcome,
            "outcomes": [(o, outcome_label(o, batch.dry_run), n) for o, n in progress["counts"].items() if n],
            "can_change": self.has_change_permission(request, batch),
            "changelist_url": reverse("admin:archive_importbatch_changelist"),
        }
        return TemplateResponse(request, self.detail_template, context)

    def progress_view(self, request: HttpRequest, object_id: str) -> JsonResponse:
        response = JsonResponse(progress_data(self._batch(request, object_id)))
        response["Cache-Control"] = "no-store"
        return response

    def report_view(self, request: HttpRequest, object_id: str, fmt: str) -> HttpResponse:
        batch = self._batch(request, object_id)
        report = bulk.batch_report(batch)
        if fmt == "json":
            response = HttpResponse(report.to_json(), content_type="application/json; charset=utf-8")
        elif fmt == "csv":
            response = HttpResponse(report.to_csv(), content_type="text/csv; charset=utf-8")
        else:
            raise Http404
        stamp = timezone.localtime(batch.created_at).strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="import-batch-{batch.pk}-{stamp}.{fmt}"'
        return response

    def resume_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Run an interrupted batch again: the files already done are not imported twice."""
        batch = self._batch(request, object_id)
        if request.method != "POST" or not self.has_change_permission(request, batch):
            raise PermissionDenied
        if not batch.can_resume:
            messages.warning(request, _("这个批次没有中断，不需要继续。"))
        elif batch.upload and not batch.source_file.exists():
            messages.error(request, _("上传的压缩包已不在服务器上，无法继续。请重新上传。"))
        else:
            ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.QUEUED, heartbeat_at=None)
            start_worker(batch)
            self.log_change(request, batch, [{"changed": {"fields": [_("继续导入")]}}])
        return HttpResponseRedirect(reverse("admin:archive_importbatch_change", args=[batch.pk]))

    def import_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """After a dry run: import the same upload for real, as a new batch."""
        checked = self._batch(request, object_id)
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        if not checked.dry_run or checked.is_active or not checked.upload or not checked.source_file.exists():
            messages.error(request, _("只能在试运行结束后、压缩包仍在服务器上时正式导入。"))
            return HttpResponseRedirect(reverse("admin:archive_importbatch_change", args=[checked.pk]))
        batch = ImportBatch.objects.create(
            source_name=checked.source_name,
            upload=checked.upload.name,
            manifest_upload=checked.manifest_upload.name,
            document_status=DocumentStatus.PUBLISHED if "_publish" in request.POST else DocumentStatus.DRAFT,
            replace=checked.replace,
            reissue=checked.reissue,
            created_by=request.user,
        )
        self.log_addition(request, batch, [{"added": {}}])
        start_worker(batch)
        return HttpResponseRedirect(reverse("admin:archive_importbatch_change", args=[batch.pk]))
