"""The acquisition list on the terminal: python manage.py acquisition_list [--type resolution] [--limit 50]

Cited documents the archive holds no text for, the most cited first, with the official link and
the most recent document citing each: what to add next.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from archive.models import Document, DocumentType, attach_latest_citers


class Command(BaseCommand):
    help = _("列出本库引用了、但还没有原文的文件，按引用它们的文件数和段落数排序。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--type", choices=DocumentType.values, help=_("只列出这一类型（如 resolution）"))
        parser.add_argument("--limit", type=int, default=50, help=_("最多列出多少份（默认 50）"))

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["limit"] < 1:
            raise CommandError(_("--limit 必须是正整数。"))
        rows = Document.objects.acquisition_list()
        if opts["type"]:
            rows = rows.of_type(opts["type"])
        hubs = list(rows[: opts["limit"]])
        attach_latest_citers(hubs)
        if not hubs:
            self.stdout.write(_("没有待补的文件。"))
            return
        self.stdout.write(
            "\t".join(
                [_("名次"), _("文号"), _("类型"), _("引用文件"), _("引用段落"), _("最近的引用文件"), _("正式文本")]
            )
        )
        for rank, hub in enumerate(hubs, start=1):
            citer = hub.latest_citer
            latest = ""
            if citer is not None:
                latest = citer.symbol or citer.public_id
                if citer.date:
                    latest += f" ({citer.date.isoformat()})"
            self.stdout.write(
                "\t".join(
                    [
                        str(rank),
                        hub.symbol,
                        str(hub.get_doc_type_display()),
                        str(hub.citing_documents),
                        str(hub.citing_passages),
                        latest,
                        hub.official_url(),
                    ]
                )
            )
