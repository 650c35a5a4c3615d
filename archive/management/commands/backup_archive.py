"""Back up the archive: python manage.py backup_archive [--output FILE]

One portable file (tar.gz): every database row as JSON (natural keys, so it restores into an
empty SQLite or PostgreSQL database alike) plus the uploads directory.  The search index is not
included: it is rebuilt from the database on restore, which is faster than copying it and can
never restore an index that disagrees with the data.
"""

from __future__ import annotations

import io
import json
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

from archive.models import Document, Paragraph, TextVersion

# Rebuilt by migrate (contenttypes, permissions) or worthless after a restore (sessions, login attempts).
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes"]
FORMAT_VERSION = 1


def dump_database() -> bytes:
    out = io.StringIO()
    call_command(
        "dumpdata",
        natural_foreign=True,
        natural_primary=True,
        exclude=EXCLUDED,
        format="json",
        stdout=out,
    )
    return out.getvalue().encode("utf-8")


class Command(BaseCommand):
    help = _("把数据库和上传文件备份为一个 tar.gz 文件（检索索引在恢复时重建）。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help=_("备份文件路径（默认在数据目录的 backups/ 下）"))

    def handle(self, *args, **opts) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        output: Path = opts["output"] or settings.DATA_DIR / "backups" / f"archive-{stamp}.tar.gz"
        output.parent.mkdir(parents=True, exist_ok=True)
        data = dump_database()
        manifest = {
            "format": FORMAT_VERSION,
            "created": stamp,
            "database_vendor": connection.vendor,
            "documents": Document.objects.count(),
            "paragraphs": Paragraph.objects.count(),
            # Other language versions (TextVersion rows, their blocks among the paragraphs) are rows like any other.
            "versions": TextVersion.objects.count(),
        }
        tmp = output.with_suffix(".partial")
        with tarfile.open(tmp, "w:gz") as tar:
            for name, payload in (("manifest.json", json.dumps(manifest).encode()), ("database.json", data)):
                info = tarfile.TarInfo(name)
                info.size = len(payload)
                tar.addfile(info, io.BytesIO(payload))
            uploads = Path(settings.MEDIA_ROOT)
            if uploads.is_dir():
                tar.add(uploads, arcname="uploads")
        tmp.replace(output)  # a half-written backup never carries the final name
        self.stdout.write(
            _("已备份 %(docs)d 份文件、%(paras)d 个段落到 %(path)s")
            % {"docs": manifest["documents"], "paras": manifest["paragraphs"], "path": output}
        )
