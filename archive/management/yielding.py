"""Librarians' imports yield the processor to readers.

An import parses, stores and indexes with all the CPU it can get; on a small server that is the
CPU the reading pages need (on this project's 2-core machine, imports running beside 16 readers
took the readers' p99 from about 0.4 s to 0.7 s).  Import commands - including the admin's
detached folder imports, which run ``import_folder`` - lower their own priority first, so readers
are served first and imports take the time that is left.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


def yield_to_readers() -> None:
    """Raise this process's niceness to ``ARCHIVE_IMPORT_NICENESS`` (never lower it; 0 does nothing)."""
    wanted = settings.ARCHIVE_IMPORT_NICENESS
    if not wanted or not hasattr(os, "nice"):
        return
    current = os.nice(0)
    if current < wanted:
        try:
            os.nice(wanted - current)
        except OSError:  # not permitted here: the import still runs, at the priority it has
            pass


class ImportCommand(BaseCommand):
    """A management command that imports: it yields to readers before it starts."""

    def execute(self, *args: Any, **options: Any) -> Any:
        yield_to_readers()
        return super().execute(*args, **options)
