"""Check files before a bulk load: python manage.py check_import FILE… | FOLDER… [--language en [--symbol S]]

Runs the import pipeline on each file without writing anything and prints what the admin preview
shows for it (``archive.ingest.store.preview``): the detected metadata, block counts by kind,
footnotes, citations with their pin-points and whether they resolve, and every warning.  A file
the importer refuses gets one line on stderr; the others are still checked, and the command
exits non-zero if any was refused.

With ``--language en`` each file is the English text of a document the archive holds (named by
``--symbol`` or its masthead): the report adds how its blocks pair with the Chinese text
(``archive.ingest.store.preview_version``) — paired and unpaired counts, and every unpaired block.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _

from archive.ingest import sources, store
from archive.ingest.errors import IngestError
from archive.ingest.languages import PROFILES
from archive.models import Language


def _files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in sources.SUPPORTED_EXTENSIONS
            )
        else:
            yield path


def _excerpt(text: str, width: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width] + "…"


def report(preview: store.Preview) -> list[str]:
    """The preview as lines of text, in the order and with the labels of the admin preview."""
    lines = [_("识别出的信息：")]
    for fact in preview.facts():
        value = fact.value or _("（未识别）")
        lines.append(f"  {fact.label}：{value}")
        if fact.detected:
            lines.append("    " + _("（原文为：%(detected)s）") % {"detected": fact.detected})
    if preview.fills_hub and preview.existing is not None:
        hub = preview.existing.symbol
        lines.append("  " + _("本库已有文号 %(symbol)s 的引用页：导入后它将有原文。") % {"symbol": hub})
    lines.append(
        _("文本块（%(n)d）：%(counts)s")
        % {"n": len(preview.blocks), "counts": "、".join(f"{label} {n}" for label, n in preview.block_counts())}
    )
    if not preview.has_pages:
        lines.append("  " + _("原文没有页码依据，不记录页码。"))
    else:
        pages = sorted({b.page for b in preview.blocks if b.page is not None})
        lines.append("  " + _("页码：第 %(first)d 页至第 %(last)d 页") % {"first": pages[0], "last": pages[-1]})
    sections = [s for s in dict.fromkeys(b.section for b in preview.blocks) if s]
    if sections:
        lines.append("  " + _("附加部分：%(sections)s") % {"sections": "、".join(sections)})
    lines.append(_("脚注（%(n)d）：") % {"n": len(preview.footnotes)})
    for note in preview.footnotes:
        where = "、".join(note.marked_in) or _("正文中没有标记")
        page = _("第 %(page)d 页") % {"page": note.page} if note.page else "—"
        lines.append(f"  {note.anchor} [{page}] ← {where}：{_excerpt(note.text)}")
    lines.append(
        _("引用（%(n)d，其中 %(resolved)d 处指向本库有原文的文件）：")
        % {"n": len(preview.citations), "resolved": preview.resolved_count}
    )
    for c in preview.citations:
        pin = f"，{c.pinpoint}" if c.pinpoint else ""
        landing = f" #{c.lands_on}" if c.lands_on else ""
        found = ""
        if c.paragraph_found is not None:
            found = _("（段落存在）") if c.paragraph_found else _("（被引文件中没有这个段落）")
        lines.append(f"  {c.location}: “{c.text}” → {c.symbol}{pin}{landing} {c.target_label}{found}")
    lines.append(_("提示（%(n)d）：") % {"n": len(preview.warnings)})
    lines.extend(f"  - {w}" for w in preview.warnings)
    for field, problem in preview.problems.items():
        lines.append(f"  ! {field}: {problem}")
    return lines


def pairing_report(preview: store.VersionPreview) -> list[str]:
    """How the version's blocks pair with the Chinese text: counts, then every block left without a partner."""
    language = Language(preview.language).label
    lines = [
        _(
            "与中文本的配对：%(paired)d 个%(language)s文本块有中文对应，%(unpaired)d 个没有；"
            "%(alone)d 个中文文本块没有%(language)s对应。"
        )
        % {
            "paired": preview.paired_count,
            "unpaired": preview.unpaired_count,
            "alone": len(preview.unpaired_chinese),
            "language": language,
        }
    ]
    for row in preview.rows:
        if row.block is not None and row.chinese is None:
            lines.append(f"  {row.block.anchor}（{row.block.kind_label}）: {_excerpt(row.block.text)}")
        elif row.block is None and row.chinese is not None:
            lines.append(
                "  "
                + _("中文 %(anchor)s 没有对应：%(text)s")
                % {"anchor": row.chinese.anchor, "text": _excerpt(row.chinese.text)}
            )
    return lines


class Command(BaseCommand):
    help = _("检查待导入的文件（不写入数据库）：显示识别出的信息、文本块、脚注、引用和全部提示。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help=_("文件或文件夹（.txt、.pdf、.docx）"))
        parser.add_argument(
            "--language",
            choices=list(PROFILES),
            default=Language.ZH,
            help=_("文本的语种：zh（中文，默认）；en 为本库已有文件的英文本，并显示与中文本的配对"),
        )
        parser.add_argument("--symbol", help=_("其他语文本所属文件的文号（默认读刊头）"))

    def _preview(self, path: Path, language: str, symbol: str | None) -> store.Preview:
        text = sources.read_path(path, settings.ARCHIVE_MAX_IMPORT_BYTES)
        if language == Language.ZH:
            return store.preview(text)
        return store.preview_version(store.version_document(text, language, symbol), text, language)

    def handle(self, *args, **opts) -> None:
        refused = 0
        files = list(_files(opts["paths"]))
        if not files:
            raise CommandError(_("没有找到可检查的文件（.txt、.pdf 或 .docx）。"))
        for path in files:
            try:
                preview = self._preview(path, opts["language"], opts["symbol"])
            except DatabaseError:
                # The preview compares with the archive (hubs to fill, citations that resolve).
                raise CommandError(_("无法读取数据库：请先运行 python manage.py migrate。")) from None
            except IngestError as exc:
                refused += 1
                self.stderr.write(f"{path}: {exc}")
                continue
            self.stdout.write(f"== {path}")
            lines = report(preview)
            if isinstance(preview, store.VersionPreview):
                lines += pairing_report(preview)
            for line in lines:
                self.stdout.write(line)
            self.stdout.write("")
        if refused:
            raise CommandError(
                _("%(refused)d 个文件无法导入（共 %(total)d 个）。") % {"refused": refused, "total": len(files)}
            )
