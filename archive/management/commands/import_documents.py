"""Import the documents a manifest lists: python manage.py import_documents fixtures/documents.json

An entry with ``"language": "en"`` is the English text of a document listed before it (or already
held), named by its ``symbol`` or its masthead: it is stored beside the Chinese text.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from archive.management.yielding import ImportCommand
from archive.models import DocumentType, Language

from .import_document import describe, describe_version, parse_date, run_import, run_version_import


class Command(ImportCommand):
    help = _("按清单（JSON）导入多份文件；每份文件各在一个事务中导入。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("manifest", type=Path)
        parser.add_argument("--replace", action="store_true", help=_("文号已存在且文本不同时替换"))

    def handle(self, *args, **opts) -> None:
        manifest: Path = opts["manifest"]
        try:
            entries = json.loads(manifest.read_text(encoding="utf-8"))["documents"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CommandError(_("无法读取清单 %(path)s：%(error)s") % {"path": manifest, "error": exc}) from None
        for entry in entries:
            if entry.get("language", Language.ZH) != Language.ZH:
                version = run_version_import(
                    manifest.parent / entry["file"],
                    entry["language"],
                    entry.get("symbol"),
                    entry.get("document", ""),
                    replace=opts["replace"],
                    title=entry.get("title"),
                )
                self.stdout.write(describe_version(version))
                continue
            doc_type = entry.get("doc_type")
            if doc_type and doc_type not in DocumentType.values:
                raise CommandError(_("清单中的文件类型无效：%(type)s") % {"type": doc_type})
            result = run_import(
                manifest.parent / entry["file"],
                symbol=entry.get("symbol"),
                date=parse_date(entry["date"]) if entry.get("date") else None,
                title=entry.get("title"),
                doc_type=doc_type,
                replace=opts["replace"],
            )
            self.stdout.write(describe(result))
