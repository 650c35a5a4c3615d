"""``rebuild_index`` that commits before it exits and says so if the rebuild failed.

haystack's command clears the index and then indexes every model; on our Whoosh backend the
clearing opens a session that replaces the old index only when it commits (search/backends.py).
Here the session commits as the command's last step, so a failure (a sub-writer killed, the
directory damaged) is an error with a non-zero exit status, and the old index is still the one
searched, instead of a line in the log at exit.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from haystack import connections
from haystack.management.commands.rebuild_index import Command as HaystackRebuild

from search.backends import RebuildFailed


class Command(HaystackRebuild):
    def handle(self, **options: Any) -> None:
        try:
            super().handle(**options)
            for alias in options.get("using") or list(connections.connections_info):
                backend = connections[alias].get_backend()
                if hasattr(backend, "commit_bulk"):
                    backend.commit_bulk(strict=True)
        except RebuildFailed:
            raise CommandError(_("重建检索索引失败，原有索引保持不变，检索照常使用原有索引。")) from None
