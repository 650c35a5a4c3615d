"""Export the whole archive as JSON Lines: python manage.py export_archive [--output FILE | --publish] [--base-url URL]

``--publish`` writes the file that ``/export/archive.jsonl`` serves (``ARCHIVE_EXPORT_FILE``); run it
after imports, or nightly, on an archive too large to stream in one request.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from archive.citing.export import export_lines


class Command(BaseCommand):
    help = _("把全库导出为 JSON Lines：每行一份文件，含段落、脚注和引用。")

    def add_arguments(self, parser: CommandParser) -> None:
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--output", "-o", type=Path, help=_("写入的文件；不给时写到标准输出"))
        where.add_argument(
            "--publish", action="store_true", help=_("写入网站提供下载的导出文件（/export/archive.jsonl）")
        )
        parser.add_argument(
            "--base-url",
            default="",
            help=_("链接的前缀，如 https://archive.example.org；不给时链接是站内路径"),
        )

    def handle(self, *args, **opts) -> None:
        base = opts["base_url"].rstrip("/")

        def absolute(path: str) -> str:
            return base + path

        output: Path | None = opts["output"]
        if opts["publish"]:
            output = Path(settings.ARCHIVE_EXPORT_FILE)
            output.parent.mkdir(parents=True, exist_ok=True)
        if output is None:
            count = self._write(lambda line: self.stdout.write(line, ending=""), absolute)
        else:
            count = self._write_file(output, absolute)
        where = output or _("标准输出")
        self.stderr.write(_("已导出 %(count)d 份文件到 %(where)s") % {"count": count, "where": where})

    def _write(self, write: Callable[[str], object], absolute: Callable[[str], str]) -> int:
        count = 0
        for line in export_lines(absolute):
            write(line)
            count += 1
        return count

    def _write_file(self, output: Path, absolute: Callable[[str], str]) -> int:
        # Written beside the target and renamed into place, so a reader never sees half an export.
        try:
            fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
        except OSError as exc:
            raise CommandError(_("无法写入 %(path)s：%(error)s") % {"path": output, "error": exc}) from None
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                count = self._write(stream.write, absolute)
            os.replace(tmp, output)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return count
