"""Import one file (.txt, .pdf or .docx, read as an upload): python manage.py import_document FILE [--symbol S] ...

With ``--language en`` the file is the English text of a document the archive holds (named by
``--symbol``, ``--document`` or the English masthead): it is stored beside the Chinese text, its
blocks paired with the Chinese ones.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from archive.ingest.errors import IngestError
from archive.ingest.languages import PROFILES
from archive.ingest.plausible import date_problem
from archive.ingest.sources import read_path
from archive.ingest.store import ImportResult, Outcome, VersionResult, import_text, import_version, version_document
from archive.management.yielding import ImportCommand
from archive.models import DocumentStatus, DocumentType, Language


def parse_date(value: str) -> dt.date:
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("日期无效：%(value)s（应为 YYYY-MM-DD 格式的真实日期）。") % {"value": value}) from None
    problem = date_problem(date)
    if problem:
        raise CommandError(problem)
    return date


def read_file(path: Path) -> str:
    try:
        return read_path(path, settings.ARCHIVE_MAX_IMPORT_BYTES)
    except IngestError as exc:
        raise CommandError(f"{path}: {exc}") from None


def run_import(path: Path, **options) -> ImportResult:
    text = read_file(path)
    try:
        return import_text(text, **options)
    except IngestError as exc:
        raise CommandError(f"{path}: {exc}") from None


def _label(doc) -> str:
    return doc.symbol or _("（无文号，永久编号 %(id)s）") % {"id": doc.public_id}


def run_version_import(path: Path, language: str, symbol: str | None, public_id: str, **options) -> VersionResult:
    text = read_file(path)
    try:
        doc = version_document(text, language, symbol, public_id=public_id)
        return import_version(doc, text, language, **options)
    except IngestError as exc:
        raise CommandError(f"{path}: {exc}") from None


def describe_version(result: VersionResult) -> str:
    doc, language = result.document, Language(result.version.language).label
    verb = {
        Outcome.CREATED: _("已导入%(language)s本"),
        Outcome.REPLACED: _("已替换%(language)s本"),
        Outcome.REALIGNED: _("已更新%(language)s本的配对"),
        Outcome.UNCHANGED: _("%(language)s本未改变（文本和配对相同）"),
    }[result.outcome] % {"language": language}
    alignment = result.alignment
    counts = _("%(blocks)d 个段落（%(paired)d 个与中文配对，%(unpaired)d 个未配对），%(footnotes)d 条脚注") % {
        "blocks": len(result.parsed.blocks),
        "paired": alignment.paired_count,
        "unpaired": len(result.parsed.blocks) - alignment.paired_count,
        "footnotes": len(result.parsed.footnotes),
    }
    return f"{verb} {_label(doc)} {result.version.title} — {counts} — {doc.get_absolute_url()}"


def describe(result: ImportResult) -> str:
    doc = result.document
    label = _label(doc)
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


class Command(ImportCommand):
    help = _("导入一份联合国文件：.txt（UTF-8 或 GB18030）、.pdf（文字层）或 .docx。")

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
        parser.add_argument(
            "--language",
            choices=list(PROFILES),
            default=Language.ZH,
            help=_("文本的语种：zh（中文，默认）；en 为本库已有文件的英文本，与中文本逐段配对"),
        )
        parser.add_argument(
            "--document", default="", help=_("其他语文本所属文件的永久编号（文件没有文号时代替 --symbol）")
        )

    def handle(self, *args, **opts) -> None:
        if opts["language"] != Language.ZH:
            self._import_version(opts)
            return
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

    def _import_version(self, opts: dict) -> None:
        unused = [f"--{name.replace('_', '-')}" for name in ("date", "doc_type") if opts[name]]
        unused += [f"--{name}" for name in ("draft", "reissue") if opts[name]]
        if unused:
            raise CommandError(
                _("%(options)s 不适用于其他语文本：日期、类型和状态是文件本身的。") % {"options": "、".join(unused)}
            )
        result = run_version_import(
            opts["file"],
            opts["language"],
            opts["symbol"],
            opts["document"],
            replace=opts["replace"],
            title=opts["title"],
        )
        self.stdout.write(describe_version(result))
        for warning in result.warnings:
            self.stderr.write(_("提示：%(warning)s") % {"warning": warning})
