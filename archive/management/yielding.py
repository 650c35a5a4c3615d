"""Librarians' imports yield the processor to readers.

An import parses, stores and indexes with all the CPU it can get; on a small server that is the
CPU the reading pages need (on this project's 2-core machine, ``python -m bench.load``: 44 req/s
with p99 0.69 s while imports ran, 96-100 req/s with p99 0.48-0.49 s once they yielded; the same
reads with no import, about 138 req/s - see BENCHMARKS.md).  Import commands - including the admin's
detached folder imports, which run ``import_folder`` - lower their own priority first, so readers
are served first and imports take the time that is left.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

# The scheduling group of this process's session (Linux with sched_autogroup).
AUTOGROUP = "/proc/self/autogroup"


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
    if os.getsid(0) == os.getpid():
        _yield_session(wanted)


def _yield_session(niceness: int) -> None:
    """Lower the priority of this process's session as a whole.

    Where the kernel groups processes by session (``sched_autogroup``, most desktop and many server
    kernels), a process's niceness counts only against its own session: an import in a session of
    its own (as the admin starts them) would still take half the machine from the server's session.
    Only a session leader does this - its session is the import's alone, never a librarian's shell.
    """
    try:
        with open(AUTOGROUP, "w") as group:
            group.write(str(niceness))
    except OSError:  # no autogroups here, or not permitted: the process niceness is what there is
        pass


class ImportCommand(BaseCommand):
    """A management command that imports: it yields to readers before it starts."""

    def execute(self, *args: Any, **options: Any) -> Any:
        yield_to_readers()
        return super().execute(*args, **options)
