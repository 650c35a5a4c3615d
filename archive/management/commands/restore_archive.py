"""Restore a backup into an empty data directory: python manage.py restore_archive FILE

Migrates the (empty) database, loads every row, copies the uploads back and rebuilds the search
index, so the same URLs serve the same paragraphs as before.
"""

from __future__ import annotations

import json
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from archive.models import Document

from .backup_archive import FORMAT_VERSION


class Command(BaseCommand):
    help = _("从 backup_archive 生成的备份恢复到空的数据目录，并重建检索索引。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path)

    def handle(self, *args, **opts) -> None:
        backup: Path = opts["backup"]
        if not backup.is_file():
            raise CommandError(_("找不到备份文件：%(path)s") % {"path": backup})
        call_command("migrate", interactive=False, verbosity=0)
        if Document.objects.exists():
            raise CommandError(_("数据库不是空的：恢复只能在空的数据目录中进行，以免覆盖现有文件。"))
        with tempfile.TemporaryDirectory() as tmp:
            try:
                with tarfile.open(backup, "r:gz") as tar:
                    tar.extractall(tmp, filter="data")
            except (tarfile.TarError, OSError) as exc:
                raise CommandError(_("备份文件无法读取：%(error)s") % {"error": exc}) from None
            root = Path(tmp)
            try:
                manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                raise CommandError(_("备份文件缺少清单，不是 backup_archive 生成的备份。")) from None
            if manifest.get("format") != FORMAT_VERSION:
                raise CommandError(_("不支持的备份格式版本：%(v)s") % {"v": manifest.get("format")})
            with transaction.atomic():
                call_command("loaddata", str(root / "database.json"), verbosity=0)
            if (root / "uploads").is_dir():
                shutil.copytree(root / "uploads", settings.MEDIA_ROOT, dirs_exist_ok=True)
        call_command("rebuild_index", interactive=False, verbosity=0)
        self.stdout.write(
            _("已恢复 %(docs)d 份文件（备份于 %(created)s），检索索引已重建。")
            % {"docs": Document.objects.count(), "created": manifest.get("created")}
        )
