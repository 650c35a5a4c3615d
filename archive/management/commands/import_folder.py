"""Import a folder or a .zip of .txt/.pdf/.docx files: python manage.py import_folder PATH [options]

    python manage.py import_folder records/ --publish
    python manage.py import_folder delegation.zip --manifest list.csv --dry-run --report check.csv

Each file is imported in its own transaction; a bad file is reported and skipped.  Running the same
command again changes nothing for files already imported, and resumes a batch that was interrupted.
The admin starts this command with ``--batch ID`` for a zip a librarian uploaded.
"""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from archive.ingest.batch import open_source
from archive.ingest.errors import IngestError
from archive.ingest.store import bulk
from archive.management.yielding import ImportCommand
from archive.models import DocumentStatus, ImportBatch


def _interrupt(signum: int, frame: object) -> None:
    # SIGTERM (a stop, a shutdown) ends the batch like Ctrl-C: the file in progress rolls back.
    raise KeyboardInterrupt


class Progress:
    """A tqdm bar on the terminal (nothing when stderr is not one, e.g. a worker started by the admin)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None

    def __call__(self, done: int, total: int, current: str) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total, unit=_("份"), desc=_("导入"), file=sys.stderr, dynamic_ncols=True, disable=None
            )
        self.bar.total = total
        self.bar.n = done
        self.bar.set_postfix_str(current[-40:], refresh=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class Command(ImportCommand):
    help = _(
        "导入一个文件夹或 .zip 压缩包中的 .txt、.pdf、.docx 文件：每个文件各在一个事务中导入，"
        "有问题的文件写进报告并跳过；再次运行同样的命令不会重复导入，中断的批次会接着导入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, help=_("文件夹或 .zip 文件"))
        status = parser.add_mutually_exclusive_group()
        status.add_argument("--draft", action="store_true", help=_("以草稿导入，读者不可见（默认）"))
        status.add_argument("--publish", action="store_true", help=_("导入后直接发布"))
        parser.add_argument(
            "--manifest",
            type=Path,
            help=_("CSV 或 JSON 清单（file、symbol、date、title、doc_type 列）；默认读取根目录中的 manifest.csv 等"),
        )
        parser.add_argument("--dry-run", action="store_true", help=_("只检查并报告，不保存任何内容"))
        parser.add_argument("--replace", action="store_true", help=_("文号已有不同的文本时替换它"))
        parser.add_argument("--reissue", action="store_true", help=_("同一文本已以另一文号收录时仍然导入（重发）"))
        parser.add_argument("--report", type=Path, help=_("把报告另存为 .json 或 .csv 文件"))
        parser.add_argument("--batch", type=int, help=_("导入管理后台创建的批次（由管理后台使用）"))
        parser.add_argument("--no-progress", action="store_true", help=_("不显示进度条"))

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["report"] and opts["report"].suffix.lower() not in (".json", ".csv"):
            raise CommandError(_("报告文件应以 .json 或 .csv 结尾。"))
        in_main_thread = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, _interrupt) if in_main_thread else None
        progress = Progress(not opts["no_progress"])
        try:
            report = self._run(opts, progress)
        except IngestError as exc:
            raise CommandError(str(exc)) from None
        except KeyboardInterrupt:
            raise CommandError(_("导入被中断；已导入的文件都是完整的。再次运行同样的命令即可接着导入。")) from None
        finally:
            progress.close()
            if in_main_thread:
                signal.signal(signal.SIGTERM, previous)
        self._print(report)
        if opts["report"]:
            self._save(report, opts["report"])

    def _run(self, opts: dict[str, Any], progress: Progress) -> bulk.BatchReport:
        if opts["batch"] is not None:
            try:
                batch = ImportBatch.objects.get(pk=opts["batch"])
            except ImportBatch.DoesNotExist:
                raise CommandError(_("没有编号为 %(id)d 的批次。") % {"id": opts["batch"]}) from None
            return bulk.run_recorded_batch(bulk.claim(batch), progress)
        path: Path | None = opts["path"]
        if path is None:
            raise CommandError(_("请指定要导入的文件夹或 .zip 文件。"))
        options = bulk.BatchOptions(
            document_status=DocumentStatus.PUBLISHED if opts["publish"] else DocumentStatus.DRAFT,
            replace=opts["replace"],
            reissue=opts["reissue"],
            dry_run=opts["dry_run"],
        )
        manifest_path: Path | None = opts["manifest"]
        if options.dry_run:
            # Nothing is written, not even a batch row.
            manifest = bulk.load_manifest(manifest_path) if manifest_path else None
            with open_source(path, bulk.max_import_bytes()) as source:
                return bulk.run_batch(source, options, manifest=manifest, progress=progress)
        open_source(path, bulk.max_import_bytes()).close()  # refuse a bad path before recording a batch
        if manifest_path:
            bulk.load_manifest(manifest_path)
        batch, resumed = bulk.start_or_resume(path, options, manifest_path)
        if resumed:
            self.stderr.write(
                _("继续中断的批次 %(id)d（已处理 %(done)d/%(total)d 个文件）。")
                % {"id": batch.pk, "done": batch.items.count(), "total": batch.total}
            )
        return bulk.run_recorded_batch(batch, progress)

    def _print(self, report: bulk.BatchReport) -> None:
        for f in report.files:
            where = f.url or f.symbol or ""
            line = f"{f.label(report.dry_run)}\t{f.name}"
            if where:
                line += f"\t{where}"
            if f.message:
                line += f"\t{f.message}"
            self.stdout.write(line)
            for warning in f.warnings:
                self.stdout.write("\t" + _("提示：%(warning)s") % {"warning": warning})
        self.stdout.write(report.summary())
        if report.batch_id:
            self.stdout.write(_("报告也可在管理后台查看：批次 %(id)d。") % {"id": report.batch_id})

    def _save(self, report: bulk.BatchReport, path: Path) -> None:
        content = report.to_json() if path.suffix.lower() == ".json" else report.to_csv()
        path.write_text(content, encoding="utf-8")
        self.stdout.write(_("报告已保存到 %(path)s。") % {"path": path})
