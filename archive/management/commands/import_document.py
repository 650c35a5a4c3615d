"""Import one raw text file: python manage.py import_document FILE [--symbol S] [--date D] ..."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from archive.ingest.decode import decode_text
from archive.ingest.errors import IngestError
from archive.ingest.store import ImportResult, Outcome, import_text
from archive.models import DocumentStatus, DocumentType


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("日期无效：%(value)s（应为 YYYY-MM-DD 格式的真实日期）。") % {"value": value}) from None


def read_file(path: Path) -> str:
    if not path.is_file():
        raise CommandError(_("找不到文件：%(path)s") % {"path": path})
    size = path.stat().st_size
    if size > settings.ARCHIVE_MAX_IMPORT_BYTES:
        raise CommandError(
            _("文件过大：%(size)d 字节，上限为 %(limit)d 字节。")
            % {"size": size, "limit": settings.ARCHIVE_MAX_IMPORT_BYTES}
        )
    try:
        return decode_text(path.read_bytes(), max_bytes=settings.ARCHIVE_MAX_IMPORT_BYTES)
    except IngestError as exc:
        raise CommandError(f"{path}: {exc}") from None


def run_import(path: Path, **options) -> ImportResult:
    text = read_file(path)
    try:
        return import_text(text, **options)
    except IngestError as exc:
        raise CommandError(f"{path}: {exc}") from None


def describe(result: ImportResult) -> str:
    doc = result.document
    label = doc.symbol or _("（无文号，永久编号 %(id)s）") % {"id": doc.public_id}
    verb = {
        Outcome.CREATED: _("已导入"),
        Outcome.REPLACED: _("已替换"),
        Outcome.UNCHANGED: _("未改变（文本相同）"),
    }[result.outcome]
    counts = _("%(blocks)d 个段落，%(footnotes)d 条脚注") % {
        "blocks": len(result.parsed.blocks),
        "footnotes": len(result.parsed.footnotes),
    }
    return f"{verb} {label} {doc.title} — {counts} — {doc.get_absolute_url()}"


class Command(BaseCommand):
    help = _("导入一份联合国文件的原始文本（UTF-8 或 GB18030）。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--symbol", help=_("文号，如 S/2018/1183（覆盖自动识别的值）"))
        parser.add_argument("--date", type=parse_date, help=_("日期 YYYY-MM-DD"))
        parser.add_argument("--title", help=_("标题"))
        parser.add_argument("--doc-type", choices=DocumentType.values, help=_("文件类型"))
        parser.add_argument("--draft", action="store_true", help=_("以草稿导入，读者不可见"))
        parser.add_argument("--replace", action="store_true", help=_("文号已存在且文本不同时替换它"))
        parser.add_argument(
            "--reissue",
            action="store_true",
            help=_("确认这是以另一文号重新印发的同一文件（文本与已收录文件相同时仍然导入）"),
        )

    def handle(self, *args, **opts) -> None:
        result = run_import(
            opts["file"],
            symbol=opts["symbol"],
            date=opts["date"],
            title=opts["title"],
            doc_type=opts["doc_type"],
            status=DocumentStatus.DRAFT if opts["draft"] else DocumentStatus.PUBLISHED,
            replace=opts["replace"],
            reissue=opts["reissue"],
        )
        self.stdout.write(describe(result))
        for warning in result.parsed.warnings:
            self.stderr.write(_("提示：%(warning)s") % {"warning": warning})
