"""The report of a batch: what became of each file, as the terminal, the admin and a download show it.

One dataclass, filled by ``archive.ingest.store.bulk`` (from a run, or from a recorded batch's
items) and rendered by the ``import_folder`` command, the admin's batch page and the JSON and CSV
downloads, so that all of them report the same facts.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

__all__ = ["OUTCOME_LABELS", "BatchReport", "FileOutcome", "FileReport", "outcome_label"]


class FileOutcome(StrEnum):
    IMPORTED = "imported"
    REPLACED = "replaced"
    # Identical text already held under the same symbol (or, without one, the same text).
    PRESENT = "present"
    # The symbol already holds another text, and replacing was not asked for.
    CONFLICT = "conflict"
    # The same text (after cleaning) is already held under another symbol, and no reissue was confirmed.
    DUPLICATE = "duplicate"
    REFUSED = "refused"
    # Not a document format (a README, a spreadsheet); nothing to import.
    SKIPPED = "skipped"


OUTCOME_LABELS = {
    FileOutcome.IMPORTED: gettext_lazy("已导入"),
    FileOutcome.REPLACED: gettext_lazy("已替换"),
    FileOutcome.PRESENT: gettext_lazy("已有（文本相同）"),
    FileOutcome.CONFLICT: gettext_lazy("冲突（文号相同，文本不同）"),
    FileOutcome.DUPLICATE: gettext_lazy("重复（同一文本已以另一文号收录）"),
    FileOutcome.REFUSED: gettext_lazy("未导入"),
    FileOutcome.SKIPPED: gettext_lazy("跳过"),
}
_DRY_RUN_LABELS = {
    FileOutcome.IMPORTED: gettext_lazy("将导入"),
    FileOutcome.REPLACED: gettext_lazy("将替换"),
}


def outcome_label(outcome: str, dry_run: bool = False) -> str:
    """What a librarian reads for an outcome; a dry run says what *would* happen."""
    if dry_run and outcome in _DRY_RUN_LABELS:
        return str(_DRY_RUN_LABELS[FileOutcome(outcome)])
    return str(OUTCOME_LABELS[FileOutcome(outcome)])


@dataclass(frozen=True)
class FileReport:
    name: str
    outcome: str  # a FileOutcome value
    symbol: str = ""
    title: str = ""
    url: str = ""  # the reader's page (once published)
    admin_url: str = ""
    message: str = ""
    # The document that holds the same symbol (conflict) or the same text (duplicate).
    other: str = ""
    other_url: str = ""
    warnings: tuple[str, ...] = ()

    def label(self, dry_run: bool = False) -> str:
        return outcome_label(self.outcome, dry_run)


@dataclass
class BatchReport:
    source: str
    document_status: str
    dry_run: bool
    total: int
    files: list[FileReport] = field(default_factory=list)
    batch_id: int | None = None
    status: str = "finished"  # a BatchStatus value
    error: str = ""

    @property
    def processed(self) -> int:
        return len(self.files)

    def counts(self) -> dict[str, int]:
        """Files per outcome, every outcome listed, in FileOutcome order."""
        counts = dict.fromkeys((o.value for o in FileOutcome), 0)
        for f in self.files:
            counts[f.outcome] += 1
        return counts

    def summary(self) -> str:
        parts = [f"{outcome_label(o, self.dry_run)} {n}" for o, n in self.counts().items() if n]
        line = _("%(done)d/%(total)d 个文件：%(parts)s") % {
            "done": self.processed,
            "total": self.total,
            "parts": "，".join(parts) or "—",
        }
        return (_("试运行，没有保存任何文件。") + line) if self.dry_run else line

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["counts"] = self.counts()
        for row, f in zip(data["files"], self.files, strict=True):
            row["outcome_label"] = f.label(self.dry_run)
            row["warnings"] = list(f.warnings)
        return data

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2)

    def to_csv(self) -> str:
        """A spreadsheet of the files (UTF-8 with BOM, so that Excel shows the Chinese)."""
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow([_("文件"), _("结果"), _("文号"), _("标题"), _("链接"), _("说明"), _("相关文件"), _("提示")])
        for f in self.files:
            writer.writerow(
                [f.name, f.label(self.dry_run), f.symbol, f.title, f.url, f.message, f.other, " / ".join(f.warnings)]
            )
        return out.getvalue()
