"""Importing a folder or a zip of files: one transaction per file, one item row per file, one report.

Each file goes through :func:`import_text` in its own transaction, together with the item row that
records its outcome, so what the items say is exactly what the database holds: a file whose
transaction did not commit has no item and no document.  A refused file gets an item of its own
and the batch goes on; nothing a single file does can stop it.  Running a batch again is a no-op
for every file already imported (``import_text`` finds the identical text), and running an
*interrupted* batch again (same folder or zip, same options) resumes it: files that already have
an item are not read again.

Metadata per file: the manifest row, else the symbol spelled by the file name, else what the
importer reads from the text (``parse(raw).metadata``).

The :class:`BatchReport` is the one account of a batch: the terminal command prints it, the admin
renders it, and both offer it as JSON or CSV.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.models import BatchStatus, Document, DocumentStatus, ImportBatch, ImportBatchItem, ImportOutcome

from .. import parse
from ..batch import (
    MANIFEST_NAMES,
    BatchSource,
    Entry,
    Manifest,
    ManifestRow,
    open_source,
    read_manifest,
    symbol_from_filename,
)
from ..batch.report import BatchReport, FileReport
from ..errors import IngestError
from ..sources import SUPPORTED_EXTENSIONS, extract_text
from .batch_reports import batch_report, file_report, label
from .importing import DuplicateText, ImportResult, Outcome, _find_existing, _notify, clean_symbol, import_text, sha256

log = logging.getLogger(__name__)

__all__ = [
    "BatchOptions",
    "BatchReport",
    "FileReport",
    "batch_report",
    "claim",
    "load_manifest",
    "max_import_bytes",
    "run_batch",
    "run_recorded_batch",
    "start_or_resume",
]

Progress = Callable[[int, int, str], None]  # files done, files in all, the file being read


@dataclass(frozen=True)
class BatchOptions:
    document_status: str = DocumentStatus.DRAFT
    replace: bool = False
    reissue: bool = False
    dry_run: bool = False

    @classmethod
    def of(cls, batch: ImportBatch) -> BatchOptions:
        return cls(batch.document_status, batch.replace, batch.reissue, batch.dry_run)


# --- one file ------------------------------------------------------------------------------------


def _conflicting(text: str, symbol: str | None) -> Document | None:
    """The document that already holds ``symbol`` (or the symbol the text names) with another text.

    Only asked after ``import_text`` refused the file, so the extra parse costs nothing on the way
    of a file that imports.
    """
    try:
        resolved = clean_symbol(symbol) if symbol else clean_symbol(parse(text).metadata.symbol)
    except IngestError:
        return None
    doc = _find_existing(resolved, sha256(text)) if resolved else None
    return doc if doc is not None and doc.has_text and doc.source_sha256 != sha256(text) else None


@dataclass
class _Work:
    """What one file's import needs, resolved from the manifest row and the file name."""

    entry: Entry
    position: int
    row: ManifestRow | None
    symbol: str | None  # manifest > file name; None lets the importer read it from the text
    from_filename: bool


def _warnings(result: ImportResult, work: _Work) -> list[str]:
    warnings = list(result.parsed.warnings)
    detected = result.parsed.metadata.symbol
    if work.from_filename and detected:
        try:
            detected = clean_symbol(detected)
        except IngestError:
            detected = None
        if detected and detected != work.symbol:
            warnings.insert(
                0,
                _("文件名中的文号 %(name)s 与文本页眉中的文号 %(text)s 不同；已按文件名导入。")
                % {"name": work.symbol, "text": detected},
            )
    return warnings


@dataclass
class _Virtual:
    """A dry run rolls every file back; what the earlier files of the batch *would* have stored by
    then stands in for the database, so that later files get the verdict a real run gives them."""

    by_symbol: dict[str, tuple[str, str]] = field(default_factory=dict)  # symbol -> (raw digest, file)
    by_digest: dict[str, str] = field(default_factory=dict)  # raw digest of symbol-less texts -> file
    by_fingerprint: dict[str, tuple[str, str]] = field(default_factory=dict)  # -> (symbol, file)

    def verdict(self, result: ImportResult, options: BatchOptions) -> tuple[str, str] | None:
        """(outcome, message) where an earlier file of this batch changes ``result``'s outcome."""
        if result.outcome == Outcome.UNCHANGED:
            return None
        symbol, digest = result.document.symbol or "", sha256(result.document.raw_text)
        earlier = self.by_symbol.get(symbol) if symbol else None
        if earlier is None and not symbol and digest in self.by_digest:
            earlier = (digest, self.by_digest[digest])
        if earlier is not None:
            if earlier[0] == digest:
                return ImportOutcome.PRESENT, _("与本批中的 %(name)s 文本相同。") % {"name": earlier[1]}
            if not options.replace:
                return ImportOutcome.CONFLICT, _("本批中的 %(name)s 已使用文号 %(symbol)s，文本不同。") % {
                    "name": earlier[1],
                    "symbol": symbol,
                }
            return ImportOutcome.REPLACED, ""
        twin = self.by_fingerprint.get(result.document.text_fingerprint)
        if twin is not None and twin[0] != symbol and not options.reissue:
            return ImportOutcome.DUPLICATE, _("与本批中的 %(name)s 文本相同（清理后逐字一致）。") % {"name": twin[1]}
        return None

    def remember(self, result: ImportResult, name: str) -> None:
        doc = result.document
        digest = sha256(doc.raw_text)
        if doc.symbol:
            self.by_symbol[doc.symbol] = (digest, name)
        else:
            self.by_digest[digest] = name
        self.by_fingerprint.setdefault(doc.text_fingerprint, (doc.symbol or "", name))


_OUTCOMES = {
    Outcome.CREATED: ImportOutcome.IMPORTED,
    Outcome.REPLACED: ImportOutcome.REPLACED,
    Outcome.UNCHANGED: ImportOutcome.PRESENT,
}


class _Batch:
    """One run over a source: turns each file into an outcome and records it."""

    def __init__(self, source: BatchSource, options: BatchOptions, batch: ImportBatch | None) -> None:
        self.source = source
        self.options = options
        self.batch = batch
        self.max_bytes = max_import_bytes()
        self.virtual = _Virtual()

    def record(self, work: _Work, digest: str, outcome: str, **values: object) -> FileReport:
        document = values.pop("document", None)
        other = values.pop("other_document", None)
        warnings = list(values.pop("warnings", ()))
        item = ImportBatchItem(
            batch=self.batch,
            position=work.position,
            name=work.entry.name,
            content_sha256=digest,
            outcome=outcome,
            document=document,
            other_document=other,
            warnings=warnings,
            **values,
        )
        if self.batch is not None:
            item.save()
        return file_report(item)

    def process(self, work: _Work, data: bytes | None) -> FileReport:
        entry = work.entry
        if entry.refusal or data is None:
            return self.record(work, "", ImportOutcome.REFUSED, message=entry.refusal or "")
        digest = hashlib.sha256(data).hexdigest()
        suffix = PurePosixPath(entry.name).suffix.lower()
        if suffix not in (*SUPPORTED_EXTENSIONS, ".doc"):
            return self.record(work, digest, ImportOutcome.SKIPPED, message=_("不是 .txt、.pdf 或 .docx 文件。"))
        if work.row is not None and work.row.error:
            return self.record(work, digest, ImportOutcome.REFUSED, message=work.row.error)
        try:
            text = extract_text(entry.name, data, max_bytes=self.max_bytes)
        except IngestError as exc:
            return self.record(work, digest, ImportOutcome.REFUSED, message=str(exc))
        try:
            return self.store(work, digest, text)
        except DuplicateText as exc:
            return self.record(
                work,
                digest,
                ImportOutcome.DUPLICATE,
                symbol=work.symbol or "",
                message=str(exc),
                other_document=exc.holder,
            )
        except IngestError as exc:
            holder = _conflicting(text, work.symbol)
            if holder is None:
                return self.record(work, digest, ImportOutcome.REFUSED, symbol=work.symbol or "", message=str(exc))
            message = _("文号 %(symbol)s 已有不同的文本，没有替换（需要替换时请选择“替换”/--replace）。") % {
                "symbol": label(holder)
            }
            return self.record(
                work, digest, ImportOutcome.CONFLICT, symbol=holder.symbol or "", message=message, other_document=holder
            )

    def store(self, work: _Work, digest: str, text: str) -> FileReport:
        """The file's document and its item in one transaction (rolled back whole in a dry run)."""
        row = work.row
        with transaction.atomic():
            result = import_text(
                text,
                symbol=work.symbol,
                date=row.date if row else None,
                title=row.title if row else None,
                doc_type=row.doc_type if row else None,
                status=self.options.document_status,
                replace=self.options.replace,
                reissue=self.options.reissue,
            )
            doc = result.document
            values: dict[str, object] = {
                "symbol": doc.symbol or "",
                "title": doc.title,
                "warnings": _warnings(result, work),
            }
            if not self.options.dry_run:
                return self.record(work, digest, _OUTCOMES[result.outcome], document=doc, **values)
            transaction.set_rollback(True)
        verdict = self.virtual.verdict(result, self.options)
        if verdict is None or verdict[0] == ImportOutcome.REPLACED:
            self.virtual.remember(result, work.entry.name)
        outcome, message = verdict or (_OUTCOMES[result.outcome], "")
        # Only a document that was there before the dry run still exists.
        kept = doc if result.outcome == Outcome.UNCHANGED else None
        return self.record(work, digest, outcome, document=kept, message=message, **values)

    def process_safely(self, work: _Work) -> FileReport:
        """Whatever goes wrong with one file (a parser bug, a database error) refuses that file only."""
        try:
            data = None if work.entry.refusal else self.source.read(work.entry)
        except IngestError as exc:
            return self.record(work, "", ImportOutcome.REFUSED, message=str(exc))
        try:
            return self.process(work, data)
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:
            log.exception("importing %s failed", work.entry.name)
            return self.record(
                work,
                "",
                ImportOutcome.REFUSED,
                message=_("导入时出错（%(error)s），这个文件没有导入。") % {"error": type(exc).__name__},
            )


def _find_manifest(source: BatchSource) -> Manifest | None:
    for name in MANIFEST_NAMES:
        data = source.find(name)
        if data is not None:
            return read_manifest(name, data)
    return None


def _plan(entries: list[Entry], manifest: Manifest | None, skip: str | None) -> list[_Work]:
    plan = []
    for entry in entries:
        if entry.name == skip:
            continue
        row = manifest.row_for(entry.name) if manifest else None
        if row is not None and row.symbol:
            symbol, from_filename = row.symbol, False
        else:
            symbol = symbol_from_filename(entry.name)
            from_filename = symbol is not None
        plan.append(_Work(entry, len(plan), row, symbol, from_filename))
    if manifest is not None:
        missing = _("清单中列出了这个文件，但文件夹或压缩包里没有它。")
        for row in manifest.unmatched({w.entry.name for w in plan}):
            plan.append(_Work(Entry(row.file, 0, missing), len(plan), row, None, False))
    return plan


def _heartbeat(batch: ImportBatch | None, processed: int, current: str) -> None:
    if batch is not None:
        ImportBatch.objects.filter(pk=batch.pk).update(
            processed=processed, current_file=current[:500], heartbeat_at=timezone.now()
        )


def run_batch(
    source: BatchSource,
    options: BatchOptions,
    *,
    manifest: Manifest | None = None,
    batch: ImportBatch | None = None,
    progress: Progress | None = None,
) -> BatchReport:
    """Import every file of ``source``; record items on ``batch`` (None: a dry run from the terminal).

    Raise IngestError only when the batch cannot start at all (an unreadable manifest); a bad file
    is reported and skipped.  Files ``batch`` already holds an item for, with the same content,
    are not imported again (resuming an interrupted batch).
    """
    skip = None
    if manifest is None:
        manifest = _find_manifest(source)
        skip = manifest.name if manifest else None
    plan = _plan(source.entries(), manifest, skip)
    done = {i.name: i for i in batch.items.select_related("document", "other_document")} if batch else {}
    if batch is not None:
        ImportBatch.objects.filter(pk=batch.pk).update(total=len(plan))
        # Documents committed by an earlier, interrupted run may have missed their index update.
        earlier = [i.document_id for i in done.values() if i.document_id]
        if earlier:
            with transaction.atomic():
                _notify(earlier)
    run = _Batch(source, options, batch)
    report = BatchReport(source.label, options.document_status, options.dry_run, len(plan), batch_id=batch and batch.pk)
    for work in plan:
        if progress:
            progress(len(report.files), len(plan), work.entry.name)
        previous = done.get(work.entry.name)
        if previous is not None and _unchanged(source, work.entry, previous):
            report.files.append(file_report(previous))
        else:
            if previous is not None:
                previous.delete()  # the file changed since the interrupted run: read it again
            report.files.append(run.process_safely(work))
        _heartbeat(batch, len(report.files), work.entry.name)
    if progress:
        progress(len(report.files), len(plan), "")
    return report


def _unchanged(source: BatchSource, entry: Entry, item: ImportBatchItem) -> bool:
    if entry.refusal or not item.content_sha256:
        return True
    try:
        return hashlib.sha256(source.read(entry)).hexdigest() == item.content_sha256
    except IngestError:
        return False


# --- recorded batches: who works on them, resuming ---------------------------------------------------


def max_import_bytes() -> int:
    """The per-file limit (the same as for one upload)."""
    return settings.ARCHIVE_MAX_IMPORT_BYTES


def load_manifest(path: Path) -> Manifest:
    try:
        data = path.read_bytes()
    except OSError:
        raise IngestError(_("找不到清单文件：%(path)s") % {"path": path}) from None
    return read_manifest(path.name, data)


def claim(batch: ImportBatch) -> ImportBatch:
    """Make this process the batch's worker; refuse if another live process already is."""
    host, pid = socket.gethostname(), os.getpid()
    with transaction.atomic():
        fresh = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        mine = fresh.worker_host == host and fresh.worker_pid == pid
        if fresh.status == BatchStatus.FINISHED:
            raise IngestError(_("批次 %(id)d 已经完成。") % {"id": fresh.pk})
        if fresh.status == BatchStatus.RUNNING and not mine and fresh.worker_alive():
            raise IngestError(
                _("批次 %(id)d 正由 %(host)s 上的进程 %(pid)s 导入，不能同时再开始。")
                % {"id": fresh.pk, "host": fresh.worker_host, "pid": fresh.worker_pid}
            )
        now = timezone.now()
        fresh.status, fresh.worker_host, fresh.worker_pid = BatchStatus.RUNNING, host, pid
        fresh.started_at = fresh.heartbeat_at = now
        fresh.error = ""
        fresh.save(update_fields=["status", "worker_host", "worker_pid", "started_at", "heartbeat_at", "error"])
    return fresh


def start_or_resume(source_path: Path, options: BatchOptions, manifest_path: Path | None) -> tuple[ImportBatch, bool]:
    """The batch for a terminal run: the interrupted one for this source and options, else a new one."""
    resolved = str(source_path.resolve())
    manifest = str(manifest_path.resolve()) if manifest_path else ""
    for batch in ImportBatch.objects.unfinished_for(resolved).filter(manifest_path=manifest).order_by("-pk"):
        if BatchOptions.of(batch) == options:
            return claim(batch), True
    batch = ImportBatch.objects.create(
        source_name=str(source_path),
        source_path=resolved,
        manifest_path=manifest,
        document_status=options.document_status,
        replace=options.replace,
        reissue=options.reissue,
    )
    return claim(batch), False


def _manifest_of(batch: ImportBatch) -> Manifest | None:
    if batch.manifest_upload:
        with batch.manifest_upload.open("rb") as handle:
            return read_manifest(batch.manifest_upload.name, handle.read())
    if batch.manifest_path:
        return load_manifest(Path(batch.manifest_path))
    return None


def _set_status(batch: ImportBatch, status: str, **fields: object) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(status=status, heartbeat_at=timezone.now(), **fields)


def run_recorded_batch(batch: ImportBatch, progress: Progress | None = None) -> BatchReport:
    """Work a claimed batch to its end: FINISHED, or FAILED with the reason, or INTERRUPTED on a signal."""
    try:
        manifest = _manifest_of(batch)
        with open_source(batch.source_file, max_import_bytes(), batch.source_name) as source:
            report = run_batch(source, BatchOptions.of(batch), manifest=manifest, batch=batch, progress=progress)
    except IngestError as exc:
        _set_status(batch, BatchStatus.FAILED, error=str(exc), finished_at=timezone.now())
        raise
    except KeyboardInterrupt:
        _set_status(batch, BatchStatus.INTERRUPTED)
        raise
    _set_status(batch, BatchStatus.FINISHED, finished_at=timezone.now(), current_file="")
    if batch.upload and not batch.dry_run:
        # The zip served its purpose; the report stays.  (Not FieldFile.delete(save=True): that would
        # save this stale instance over the progress just recorded.)
        batch.upload.storage.delete(batch.upload.name)
        ImportBatch.objects.filter(pk=batch.pk).update(upload="")
    batch.refresh_from_db()
    report.status = batch.effective_status
    return report
