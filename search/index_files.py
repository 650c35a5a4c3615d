"""The Whoosh index directory as this process reads it: its format file, open indexes, pooled searchers.

Split from :mod:`search.backends` (which writes the index): what a search needs to know whether
the index is there, current and written the way this version analyses text.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex
from whoosh.searching import Searcher

from . import analyzers, whoosh_internals

log = logging.getLogger(__name__)

FORMAT_FILE = "ARCHIVE_INDEX_FORMAT"


class SearchUnavailable(Exception):
    """The index is missing, unreadable or locked for too long; the interface says so politely."""

    # True once the cause has been logged where it was found (the views need not log it again).
    reported = False


class StaleIndex(SearchUnavailable):
    """The index was written with another analysis (an older version, another dictionary)."""


_reported: set[str] = set()
_reported_lock = threading.Lock()


def unreadable(path: str, reason: object) -> SearchUnavailable:
    """The error for an index that cannot be read, logged once until a search on it succeeds again.

    Every search fails the same way until someone repairs the index: one message with what to do,
    not a traceback per request.
    """
    with _reported_lock:
        first = path not in _reported
        _reported.add(path)
    if first:
        log.error(
            "search index at %s cannot be read (%r): search answers 503 until it is rebuilt: run "
            "`manage.py rebuild_index --noinput`",
            path,
            reason,
            exc_info=isinstance(reason, BaseException),
        )
    error = SearchUnavailable(f"index at {path} unreadable: {reason!r}")
    error.reported = True
    return error


def readable(path: str) -> None:
    """A search on ``path`` succeeded: the next failure is a new outage, logged again."""
    if path in _reported:
        with _reported_lock:
            _reported.discard(path)


def read_format(path: str) -> str | None:
    try:
        with open(os.path.join(path, FORMAT_FILE), encoding="utf-8") as handle:
            return handle.read().strip()
    except OSError:
        return None


def write_format(path: str) -> None:
    target = os.path.join(path, FORMAT_FILE)
    with open(target + ".tmp", "w", encoding="utf-8") as handle:
        handle.write(analyzers.fingerprint() + "\n")
    os.replace(target + ".tmp", target)


def check_format(path: str) -> None:
    """Raise :class:`StaleIndex` unless the index at ``path`` was written with this analysis."""
    found, wanted = read_format(path), analyzers.fingerprint()
    if found != wanted:
        log.error(
            "search index at %s was written with analysis %s, this version needs %s: run "
            "`manage.py rebuild_index --noinput`",
            path,
            found or "of an older version",
            wanted,
        )
        error = StaleIndex(f"index format {found!r}, expected {wanted!r}: run rebuild_index")
        error.reported = True
        raise error


def file_storage(path: str) -> FileStorage:
    # Without mmap: Whoosh copies every memory-mapped segment file it opens into a BytesIO, so
    # each open searcher held a private copy of the whole index (500 MB at 10,000 documents).
    # Plain reads through the page cache measured as fast.
    return FileStorage(path, supports_mmap=False)


class SearcherPool:
    """Idle searchers of one index directory, each tagged with the table of contents it read.

    The tag is (generation, inode and mtime of the TOC file): a generation number alone is not
    enough, because an index deleted and rebuilt from scratch counts generations from zero again.
    """

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._idle: list[tuple[tuple[int, int, int], Searcher]] = []
        self._lock = threading.Lock()

    def take(self, stamp: tuple[int, int, int]) -> Searcher | None:
        stale: list[Searcher] = []
        found: Searcher | None = None
        with self._lock:
            while self._idle and found is None:
                tag, searcher = self._idle.pop()
                if tag == stamp:
                    found = searcher
                else:
                    stale.append(searcher)
        for searcher in stale:
            with contextlib.suppress(Exception):
                searcher.close()
        return found

    def give(self, stamp: tuple[int, int, int], searcher: Searcher) -> None:
        with self._lock:
            if len(self._idle) < self.size:
                self._idle.append((stamp, searcher))
                return
        searcher.close()

    def clear(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for _stamp, searcher in idle:
            with contextlib.suppress(Exception):
                searcher.close()


def toc_stamp(ix: FileIndex) -> tuple[int, int, int]:
    """Identity of the index's current table of contents (see SearcherPool)."""
    gen = ix.latest_generation()
    if gen < 0:
        raise whoosh_index.EmptyIndexError("no table of contents")
    st = os.stat(whoosh_internals.toc_path(ix, gen))
    return gen, st.st_ino, st.st_mtime_ns


read_indexes: dict[str, FileIndex] = {}
read_lock = threading.Lock()
_pools: dict[str, SearcherPool] = {}
_pools_lock = threading.Lock()


def pool_for(path: str) -> SearcherPool:
    # Per process: a searcher inherited through a fork shares its open files (and their read
    # positions) with the parent, so a forked worker never borrows one.
    key = f"{os.getpid()}:{path}"
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            pool = _pools[key] = SearcherPool()
        return pool
