"""Keeping the index true to the database: after-commit updates through one patient writer queue.

Every change arrives here as "document N changed" (or, for a block deleted on its own, "index key K
is gone").  A per-process background thread drains the queue: it takes Whoosh's write lock
(waiting with back-off while another process or a rebuild holds it), *then* reads the current
state of those documents from the database and writes it.  Reading under the lock means the
last writer always writes the latest committed state, whatever order the saves happened in; a
failed attempt puts the work back and tries again, so a busy index delays an update but never
loses it or shows the librarian an error.  A process that exits waits (bounded) for its queue.
On Elasticsearch (``SEARCH_URL``) there is no lock: the backend's ``rewrite_documents`` reads and
writes, and a failed request is retried the same way.

Work is coalesced by document: a cascade delete of 100 paragraphs is one rewrite of one document.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import close_old_connections
from django.db import connections as db_connections
from django.db.models import QuerySet
from haystack import connections

from archive.models import Document, Footnote, Paragraph

from .backends import chunked

log = logging.getLogger(__name__)

USING = "default"
# A queued batch waits at most this long for the lock per attempt, then backs off and retries.
LOCK_WAIT = 10.0
RETRY_DELAYS = (0.5, 1, 2, 5)
# At interpreter exit, how long a management command waits for its index updates.
EXIT_WAIT = 120.0
# Documents re-read from the database per writer commit.
CHUNK = 200
# Changes arriving this close together are written together (seconds).
COALESCE = 0.05
# Blocks read from the database and prepared at a time (one query for their cited symbols).
ENTRY_CHUNK = 2000


def backend() -> Any:
    return connections[USING].get_backend()


def block_indexes() -> list[Any]:
    """The haystack indexes of Paragraph and Footnote (what one document contributes)."""
    unified = connections[USING].get_unified_index()
    return [unified.get_index(Paragraph), unified.get_index(Footnote)]


def write_documents(doc_ids: Iterable[int], keys: Iterable[str] = (), timeout: float | None = None) -> int:
    """Make the index hold exactly the current state of ``doc_ids`` (and drop ``keys``); one commit.

    Returns the number of index entries written.  Raises (LockError, a connection error) when the
    engine cannot take the write now; the queue then retries.
    """
    be = backend()
    ids = sorted(set(doc_ids))

    def read() -> Iterator[dict[str, Any]]:
        for index in block_indexes():
            yield from entries(be, index, index.index_queryset().filter(document_id__in=ids))

    return be.rewrite_documents(ids, sorted(set(keys)), read, timeout=timeout)


def entries(be: Any, index: Any, queryset: QuerySet) -> Iterator[dict[str, Any]]:
    """The index entries of ``queryset``, read and prepared :data:`ENTRY_CHUNK` blocks at a time.

    However long the documents, no more than a chunk of blocks is in memory (a 3,000-paragraph
    report used to be loaded, prepared and held whole before the first entry was written).
    """
    for objs in chunked(queryset.iterator(chunk_size=ENTRY_CHUNK), ENTRY_CHUNK):
        yield from be.prepare_documents(index, objs)


def indexable_document_ids() -> list[int]:
    return list(Document.objects.published().with_text().values_list("pk", flat=True))


@dataclass
class _Pending:
    docs: set[int] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.docs or self.keys)


def _no_shared_cache_read_locks() -> None:
    """Test databases only: keep this thread's reads from locking out the writing thread.

    Django's SQLite test database is in memory with a shared cache, where readers take table
    locks and a concurrent writer fails at once with "database table is locked".  This thread
    reads only committed documents (it runs after their commit), so reading without those locks is
    safe here.  A file database (WAL) or PostgreSQL never has shared-cache locks; nothing changes.
    """
    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")


class IndexQueue:
    """The per-process queue of index work and the thread that drains it (see module docstring)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._pending = _Pending()
        self._thread: threading.Thread | None = None
        self._active = 0  # batches taken out of _pending but not yet written
        self._paused = 0
        self.failures = 0  # attempts that had to be retried (for tests and logs)
        self.written = 0

    # -- producers ---------------------------------------------------------------------------

    def enqueue(self, doc_ids: Iterable[int] = (), keys: Iterable[str] = ()) -> None:
        with self._cond:
            if self._paused:
                return
            self._pending.docs.update(int(i) for i in doc_ids if i is not None)
            self._pending.keys.update(keys)
            if not self._pending:
                return
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="search-index-writer", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Ignore changes meanwhile (bulk loads that rebuild the index afterwards)."""
        with self._cond:
            self._paused += 1
        try:
            yield
        finally:
            with self._cond:
                self._paused -= 1

    # -- the writer thread --------------------------------------------------------------------

    def _take(self) -> _Pending | None:
        with self._cond:
            if not self._pending:
                self._thread = None
                self._cond.notify_all()
                return None
            # One commit notifies several times (the document's post_save, documents_changed):
            # without this pause the first notice was written at once and the document written
            # again for the second, a long report indexed twice.
            deadline = time.monotonic() + COALESCE
            while (remaining := deadline - time.monotonic()) > 0:
                self._cond.wait(remaining)
            batch, self._pending = self._pending, _Pending()
            self._active += 1
            return batch

    def _give_back(self, batch: _Pending) -> None:
        with self._cond:
            self._pending.docs |= batch.docs
            self._pending.keys |= batch.keys

    def _done(self) -> None:
        with self._cond:
            self._active -= 1
            self._cond.notify_all()

    def _run(self) -> None:
        attempt = 0
        try:
            while True:
                batch = self._take()
                if batch is None:
                    return
                try:
                    self._write(batch)
                    attempt = 0
                except Exception:
                    self.failures += 1
                    self._give_back(batch)
                    delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
                    attempt += 1
                    log.warning("search index update failed (retrying in %ss)", delay, exc_info=attempt > 2)
                    time.sleep(delay)
                finally:
                    self._done()
        finally:
            # This thread's database connection must not outlive it.
            db_connections.close_all()

    def _write(self, batch: _Pending) -> None:
        close_old_connections()
        _no_shared_cache_read_locks()
        be = backend()
        docs = sorted(batch.docs)
        if not be.index_exists():
            # The index was deleted (or never built): rebuild it whole rather than hold a fragment.
            log.warning("search index missing: rebuilding it from the database")
            docs = sorted(set(docs) | set(indexable_document_ids()))
        keys = sorted(batch.keys)
        for start in range(0, max(len(docs), 1), CHUNK):
            part = docs[start : start + CHUNK]
            self.written += write_documents(part, keys if start == 0 else (), timeout=LOCK_WAIT)

    # -- waiting -------------------------------------------------------------------------------

    def idle(self) -> bool:
        with self._cond:
            return not self._pending and self._active == 0

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until every queued change is in the index (or ``timeout``); True if idle."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending or self._active:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.1))
            return True


queue = IndexQueue()


def _flush_at_exit() -> None:
    if not queue.idle() and not queue.wait_idle(EXIT_WAIT):
        log.error("search index updates still pending at exit; run `manage.py index_drift --repair`")


atexit.register(_flush_at_exit)


def documents_changed(doc_ids: Iterable[int]) -> None:
    queue.enqueue(doc_ids=doc_ids)


def keys_removed(keys: Iterable[str]) -> None:
    queue.enqueue(keys=keys)
