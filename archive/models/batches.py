"""Import batches: a folder or zip loaded at once, its progress while it runs, and its report after.

A batch is worked by ``manage.py import_folder`` (started by a librarian in a terminal, or by the
admin as a detached process).  The process records itself on the batch row (host, pid, heartbeat)
and one item row per file, written in the same transaction as that file's document, so the items
are exactly what the database holds: after a crash, the batch resumes at the first file without
an item.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..ingest.batch.report import OUTCOME_LABELS, FileOutcome
from .choices import DocumentStatus
from .documents import Document

# A worker on another machine is taken for dead when it has not reported for this long (one file
# never takes nearly as long; on the same machine its process id is checked instead).
STALE_AFTER = dt.timedelta(minutes=10)
# A batch started from the admin whose process never picked it up.
START_TIMEOUT = dt.timedelta(minutes=2)


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("等待开始")
    RUNNING = "running", _("正在导入")
    FINISHED = "finished", _("已完成")
    INTERRUPTED = "interrupted", _("已中断")
    FAILED = "failed", _("无法进行")


# What happened to one file: the outcomes of the import report (archive/ingest/batch/report.py).
ImportOutcome = models.TextChoices("ImportOutcome", [(o.name, (o.value, OUTCOME_LABELS[o])) for o in FileOutcome])


def _upload_path(batch: ImportBatch, filename: str) -> str:
    # A random directory per batch: MEDIA_ROOT may be served in development.
    return f"imports/{secrets.token_hex(8)}/{Path(filename).name}"


def _pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:
        # A finished child not yet reaped by its parent is a zombie: it does no work any more.
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


class ImportBatchQuerySet(models.QuerySet):
    def with_counts(self) -> ImportBatchQuerySet:
        """Annotate ``n_<outcome>`` for every outcome (one query for a whole list of batches)."""
        return self.annotate(
            **{f"n_{o.value}": Count("items", filter=Q(items__outcome=o.value)) for o in ImportOutcome}
        )

    def newest_first(self) -> ImportBatchQuerySet:
        return self.order_by("-created_at", "-pk")

    def unfinished_for(self, source_path: str) -> ImportBatchQuerySet:
        """Batches of this folder or zip that stopped before their last file."""
        return self.filter(
            source_path=source_path,
            dry_run=False,
            status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING, BatchStatus.INTERRUPTED],
        )


class ImportBatch(models.Model):
    source_name = models.CharField(_("来源"), max_length=500, help_text=_("导入的文件夹，或上传的压缩包的文件名。"))
    source_path = models.CharField(
        _("来源路径"),
        max_length=1000,
        blank=True,
        help_text=_("命令行导入的文件夹或压缩包在服务器上的完整路径；从管理后台上传的为空。"),
    )
    upload = models.FileField(
        _("上传的压缩包"),
        upload_to=_upload_path,
        max_length=500,
        blank=True,
        help_text=_("从管理后台上传的 .zip 文件，保存在上传目录中，批次完成后删除。"),
    )
    manifest_upload = models.FileField(
        _("上传的清单"),
        upload_to=_upload_path,
        max_length=500,
        blank=True,
        help_text=_("随压缩包上传的 CSV 或 JSON 清单（可选）；没有时使用压缩包根目录中的清单。"),
    )
    manifest_path = models.CharField(
        _("清单路径"),
        max_length=1000,
        blank=True,
        help_text=_("命令行 --manifest 指定的清单文件。"),
    )
    document_status = models.CharField(
        _("导入为"),
        max_length=16,
        choices=DocumentStatus.choices,
        default=DocumentStatus.DRAFT,
        help_text=_("新导入的文件保存为草稿还是直接发布。"),
    )
    replace = models.BooleanField(
        _("替换不同的文本"), default=False, help_text=_("文号已有另一份文本时，用新文本替换它（锚点保持不变）。")
    )
    reissue = models.BooleanField(
        _("确认重发"),
        default=False,
        help_text=_("同一文本已以另一文号收录时仍然导入（以新文号重新印发的文件）。"),
    )
    dry_run = models.BooleanField(
        _("试运行"), default=False, help_text=_("只检查每个文件会得到什么结果，不保存任何文件。")
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.QUEUED, help_text=_("批次的进度。")
    )
    total = models.PositiveIntegerField(_("文件总数"), default=0, help_text=_("来源中的文件数（开始后才知道）。"))
    processed = models.PositiveIntegerField(_("已处理"), default=0, help_text=_("已经处理完的文件数。"))
    current_file = models.CharField(_("当前文件"), max_length=500, blank=True, help_text=_("正在处理的文件。"))
    error = models.TextField(
        _("错误"), blank=True, help_text=_("整个批次无法进行的原因（例如压缩包损坏、清单无法读取）。")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_batches",
        help_text=_("在管理后台发起批次的馆员；命令行导入为空。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True, help_text=_("最近一次开始或继续的时间。"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True, help_text=_("处理完最后一个文件的时间。"))
    heartbeat_at = models.DateTimeField(
        _("最近报告"), null=True, blank=True, help_text=_("导入进程最近一次报告进度的时间。")
    )
    worker_host = models.CharField(_("导入主机"), max_length=255, blank=True, help_text=_("运行导入进程的服务器。"))
    worker_pid = models.PositiveIntegerField(
        _("进程号"), null=True, blank=True, help_text=_("导入进程在该服务器上的进程号。")
    )

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return _("批次 %(id)s：%(source)s") % {"id": self.pk, "source": self.source_name}

    def get_absolute_url(self) -> str:
        return reverse("admin:archive_importbatch_change", args=[self.pk])

    # -- is somebody working on it?

    def worker_alive(self) -> bool:
        if self.worker_pid and self.worker_host == socket.gethostname():
            return _pid_running(self.worker_pid)
        if self.heartbeat_at is not None:
            return timezone.now() - self.heartbeat_at < STALE_AFTER
        # Not reported yet: the process may still be starting.
        return self.created_at is not None and timezone.now() - self.created_at < START_TIMEOUT

    @property
    def effective_status(self) -> str:
        """The status as a librarian should read it: a batch whose process died is interrupted."""
        if self.status in (BatchStatus.QUEUED, BatchStatus.RUNNING) and not self.worker_alive():
            return BatchStatus.INTERRUPTED
        return self.status

    @property
    def is_active(self) -> bool:
        return self.effective_status in (BatchStatus.QUEUED, BatchStatus.RUNNING)

    @property
    def can_resume(self) -> bool:
        return self.effective_status == BatchStatus.INTERRUPTED

    def get_effective_status_display(self) -> str:
        return str(BatchStatus(self.effective_status).label)

    @property
    def source_file(self) -> Path:
        """The folder or zip on this server that the batch reads."""
        return Path(self.upload.path) if self.upload else Path(self.source_path)

    @property
    def percent(self) -> int:
        return round(100 * self.processed / self.total) if self.total else 0


class ImportBatchItem(models.Model):
    """One file of a batch and what became of it; written with the file's document, or alone if refused."""

    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("批次"),
        on_delete=models.CASCADE,
        related_name="items",
        help_text=_("这个文件所属的批次。"),
    )
    position = models.PositiveIntegerField(_("顺序"), help_text=_("文件在来源中的顺序（按路径排序）。"))
    name = models.CharField(_("文件"), max_length=500, help_text=_("文件在文件夹或压缩包中的路径。"))
    content_sha256 = models.CharField(
        _("文件校验和"),
        max_length=64,
        blank=True,
        help_text=_("文件内容的 SHA-256：继续中断的批次时，内容变了的文件会重新处理。"),
    )
    outcome = models.CharField(
        _("结果"), max_length=16, choices=ImportOutcome.choices, help_text=_("导入、已有、冲突、重复、未导入或跳过。")
    )
    document = models.ForeignKey(
        Document,
        verbose_name=_("文件记录"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="batch_items",
        help_text=_("导入、替换或已有的那份文件。"),
    )
    other_document = models.ForeignKey(
        Document,
        verbose_name=_("相关文件"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("冲突时占用该文号的文件；重复时已收录同一文本的文件。"),
    )
    symbol = models.CharField(_("文号"), max_length=100, blank=True, help_text=_("导入时使用的文号。"))
    title = models.CharField(_("标题"), max_length=500, blank=True, help_text=_("导入时使用的标题。"))
    message = models.TextField(_("说明"), blank=True, help_text=_("未导入、冲突或重复的原因。"))
    warnings = models.JSONField(_("提示"), default=list, blank=True, help_text=_("导入程序对这个文件的提示。"))

    class Meta:
        verbose_name = _("批次中的文件")
        verbose_name_plural = _("批次中的文件")
        ordering = ["batch", "position"]
        constraints = [models.UniqueConstraint(fields=["batch", "name"], name="import_item_unique_name")]

    def __str__(self) -> str:
        return f"{self.name}: {self.get_outcome_display()}"
