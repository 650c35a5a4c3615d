"""haystack's Whoosh backend, subclassed for Chinese text and for a single, patient index writer.

What changes against ``haystack.backends.whoosh_backend`` (site-packages is never patched):

* **Schema.**  The content field uses :class:`search.analyzers.JiebaTokenizer`; filter fields are
  exact ``ID``/``KEYWORD`` terms; sort keys are column-only fields (no postings).
* **Bulk indexing.**  ``rebuild_index`` and ``update_index`` hand haystack's batches to one
  *bulk session*: a multiprocessing writer whose forked sub-writers each analyse their share and
  write one segment for the whole run, so both cores work, the database is read while they do,
  and the index ends with one segment per core instead of two per batch.  The sub-writers are
  forked when the index is cleared, before the first batch is loaded, so they do not start with
  the batch's memory.  The session commits once: when this process next reads or writes the
  index another way, or when it exits (the command's last step); a crash before that leaves the
  index as the session found it.  Every writer reads field lengths once per field instead of
  once per posting (otherwise half of Whoosh's commit time).
* **Rebuilding in place.**  Clearing the index does not empty it: it opens a *replacing* session
  whose commit drops every older segment in the same step as it adds the new ones.  Searches
  answer from the old entries until then, and a rebuild that fails half-way (a MemoryError, a
  killed sub-writer) leaves the old index as it was instead of an empty or partial one.
* **Writing under contention.**  Whoosh allows one writer per index.  Every write here waits for
  the lock with back-off instead of failing (haystack's ``remove()`` raises LockError at once and,
  with SILENTLY_FAIL, silently keeps a deleted document in the index).
* **Clearing.**  ``clear()`` commits an empty generation under the write lock rather than deleting
  the directory under readers' feet; only an unreadable index is removed from disk.
* **Reading.**  :meth:`reading_index` never creates an index: a missing or corrupt one raises
  :class:`SearchUnavailable`, which the views turn into "temporarily unavailable"; so does a
  segment found damaged while a searcher reads it (:meth:`searcher`), logged once per outage.
* **Format.**  A file beside the index (:data:`search.index_files.FORMAT_FILE`) names the analysis it was written
  with (:func:`search.analyzers.fingerprint`: format version, jieba, UN vocabulary).  An index
  written another way is *stale*: searching it would give wrong phrase answers, so search says
  "unavailable", writes are refused, and the log says to run ``rebuild_index``.
* **Highlighting** (haystack's own ``search()`` path) uses our jieba highlighter instead of the
  hard-coded StemmingAnalyzer.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from haystack.backends import BaseEngine
from haystack.backends.whoosh_backend import WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import SkipDocument
from whoosh import index as whoosh_index
from whoosh.fields import ID as WHOOSH_ID
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex, LockError
from whoosh.query import Or, Term
from whoosh.searching import Searcher
from whoosh.writing import CLEAR, SegmentWriter

from . import analyzers, whoosh_internals
from .index_files import (
    SearchUnavailable,
    StaleIndex,
    check_format,
    file_storage,
    pool_for,
    read_indexes,
    read_lock,
    readable,
    toc_stamp,
    unreadable,
    write_format,
)
from .schema import FIELD_SPECS, derived_fields, make_field
from .writers import POOL_MB, FastSegmentWriter, merge_small_segments, parallel_writer, retry

log = logging.getLogger(__name__)

# From this many objects on, update() uses parallel sub-writers (one new segment each).
PARALLEL_MIN = 1500
# How long a writer waits for the lock before giving up on this attempt (callers retry).
DEFAULT_LOCK_TIMEOUT = 60.0
# Objects prepared and handed to the writer at a time (bounds the memory of a bulk load).
CHUNK = 2000

T = TypeVar("T")


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of at most ``size`` (itertools.batched arrives in Python 3.12)."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def prepare_entries(index: Any, iterable: Iterable[Any], convert: Callable[[Any], Any]) -> list[dict[str, Any]]:
    """The index entries of ``iterable`` as haystack prepares them, values converted for the engine."""
    docs: list[dict[str, Any]] = []
    objs = list(iterable)
    if hasattr(index, "attach_citations"):
        index.attach_citations(objs)
    for obj in objs:
        try:
            doc = index.full_prepare(obj)
        except SkipDocument:
            continue
        doc.pop("boost", None)
        # None stays out of the document: haystack's converter would index the string "None".
        docs.append({k: convert(v) for k, v in doc.items() if v is not None})
    return docs


_schemas: dict[str, tuple[str, Schema]] = {}
# Backends with a bulk session open, committed at exit if nothing committed them before.
_sessions: set[JiebaWhooshSearchBackend] = set()


@atexit.register
def commit_sessions() -> None:
    for be in list(_sessions):
        be.commit_bulk()


# --- the backend -------------------------------------------------------------------------------------


class JiebaWhooshSearchBackend(WhooshSearchBackend):
    engine_name = "whoosh"

    def __init__(self, connection_alias: str, **connection_options: Any) -> None:
        super().__init__(connection_alias, **connection_options)
        self.workers = int(connection_options.get("WORKERS") or analyzers.worker_count())
        self.lock_timeout = float(connection_options.get("LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT))
        self._bulk: Any = None  # the open bulk session's writer (see module docstring)
        self._bulk_replace = False  # entries already in the index must be replaced, not duplicated
        self._bulk_clears = False  # the session replaces the whole index when it commits
        self._rebuild_failed = False

    # -- schema ----------------------------------------------------------------------------------

    def build_schema(self, fields: dict[str, Any]) -> tuple[str, Schema]:
        schema_fields: dict[str, Any] = {
            ID: WHOOSH_ID(stored=True, unique=True),
            DJANGO_CT: WHOOSH_ID(stored=True),
            DJANGO_ID: WHOOSH_ID(stored=True),
        }
        content_field_name = ""
        for field_class in fields.values():
            name = field_class.index_fieldname
            kind = FIELD_SPECS.get(name)
            if kind is None:
                raise ValueError(f"search index field {name!r} has no Whoosh type in FIELD_SPECS")
            schema_fields[name] = make_field(kind)
            if field_class.document:
                content_field_name = name
        schema_fields.update(derived_fields())
        return content_field_name, Schema(**schema_fields)

    def get_schema(self) -> tuple[str, Schema]:
        # haystack makes a backend per thread (a thread per request under some servers): the schema
        # and the open index are shared by the process instead of rebuilt for every request.
        found = _schemas.get(self.connection_alias)
        if found is None:
            from haystack import connections

            fields = connections[self.connection_alias].get_unified_index().all_searchfields()
            found = _schemas[self.connection_alias] = self.build_schema(fields)
        self.content_field_name = found[0]
        return found

    # -- opening ---------------------------------------------------------------------------------

    def setup(self) -> None:
        """haystack's entry point for writes and its own searches: open, creating if missing."""
        from whoosh.qparser import QueryParser

        self.content_field_name, self.schema = self.get_schema()
        self.parser = QueryParser(self.content_field_name, schema=self.schema)
        self.storage = self._storage()
        self.index = self.writable_index()
        self.setup_complete = True

    def _storage(self) -> FileStorage:
        os.makedirs(self.path, exist_ok=True)
        return file_storage(self.path)

    def writable_index(self) -> FileIndex:
        """The index, created empty (under the write lock) if there is none yet."""
        whoosh_internals.check()
        _name, schema = self.get_schema()
        storage = self._storage()
        try:
            return storage.open_index(schema=schema)
        except whoosh_index.EmptyIndexError:
            pass
        lock = storage.lock("MAIN_WRITELOCK")

        def acquire() -> None:
            if not lock.acquire(blocking=False):
                raise LockError("search index is locked by another writer")

        retry(acquire, self.lock_timeout)
        try:
            # Another process may have created it while we waited; creating again would wipe it.
            try:
                return storage.open_index(schema=schema)
            except whoosh_index.EmptyIndexError:
                log.info("creating an empty search index in %s", self.path)
                ix = storage.create_index(schema)
                write_format(self.path)
                return ix
        finally:
            lock.release()

    def index_exists(self) -> bool:
        return os.path.isdir(self.path) and file_storage(self.path).index_exists()

    def reading_index(self) -> FileIndex:
        """The current index for searching; SearchUnavailable if it is missing or unreadable."""
        _name, schema = self.get_schema()
        with read_lock:
            try:
                if not os.path.isdir(self.path):
                    raise unreadable(self.path, "index directory missing")
                ix = read_indexes.get(self.path)
                if ix is None:
                    whoosh_internals.check()
                    check_format(self.path)
                    ix = read_indexes[self.path] = file_storage(self.path).open_index(schema=schema)
                return ix
            except SearchUnavailable:
                raise
            except Exception as exc:  # EmptyIndexError, OSError, unpickling garbage, ...
                read_indexes.pop(self.path, None)
                raise unreadable(self.path, exc) from exc

    @contextlib.contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """A searcher on the latest generation, borrowed from a per-process pool.

        Opening a searcher opens every segment's files (tens of milliseconds at 10,000 documents),
        so searchers are kept and only refreshed when a writer has committed a new generation.
        Whoosh searchers are not thread-safe: each is lent to one request at a time.  A segment
        found damaged while the searcher is used (Whoosh reads segments lazily) raises
        SearchUnavailable like an index that cannot be opened.
        """
        self.commit_bulk()
        ix = self.reading_index()
        pool = pool_for(self.path)
        try:
            stamp = toc_stamp(ix)
            searcher = pool.take(stamp)
            if searcher is None:
                check_format(self.path)  # a new generation: perhaps written by another version
                searcher = ix.searcher()
        except StaleIndex:
            self._forget_searchers(pool)
            raise
        except Exception as exc:
            self._forget_searchers(pool)
            raise unreadable(self.path, exc) from exc
        try:
            yield searcher
        except Exception as exc:
            searcher.close()  # it may be the reason for the failure: do not lend it out again
            if isinstance(exc, SearchUnavailable) or not whoosh_internals.is_damage(exc):
                raise
            self._forget_searchers(pool)  # the pooled ones read the same damaged files
            raise unreadable(self.path, exc) from exc
        except BaseException:
            searcher.close()
            raise
        else:
            pool.give(stamp, searcher)
            readable(self.path)

    def _forget_searchers(self, pool: Any) -> None:
        with read_lock:
            read_indexes.pop(self.path, None)
        pool.clear()

    # -- writing ---------------------------------------------------------------------------------

    def open_writer(
        self, ix: FileIndex | None = None, timeout: float | None = None, any_format: bool = False
    ) -> SegmentWriter:
        """A writer on the index, waiting for the lock rather than failing at once.

        Writing into a stale index would mix two analyses in one index: refused unless the
        writer is about to empty it (``any_format``).
        """
        target = ix or self.writable_index()
        if not any_format:
            check_format(self.path)
        return retry(
            lambda: FastSegmentWriter(target, limitmb=POOL_MB), self.lock_timeout if timeout is None else timeout
        )

    def open_parallel_writer(self, timeout: float | None = None, any_format: bool = False) -> SegmentWriter:
        target = self.writable_index()
        if not any_format:
            check_format(self.path)
        return retry(lambda: parallel_writer(target, self.workers), self.lock_timeout if timeout is None else timeout)

    def prepare_documents(self, index: Any, iterable: Iterable[Any]) -> list[dict[str, Any]]:
        return prepare_entries(index, iterable, self._from_python)

    def write_documents(self, writer: SegmentWriter, docs: Iterable[dict[str, Any]], replace: bool = True) -> int:
        """Add prepared documents (a list if ``replace``, which first drops entries with the same ids).

        Returns how many were added.  Whoosh's writer keeps at most :data:`POOL_MB` of postings in
        memory (then spills sorted runs to disk), so an iterable is written in bounded memory.
        """
        if replace:
            docs = list(docs)
            with writer.searcher() as searcher:
                # One lookup per id is far cheaper than update_document's delete-by-term per doc.
                existing = [d[ID] for d in docs if searcher.document_number(**{ID: d[ID]}) is not None]
            for key in existing:
                writer.delete_by_term(ID, key)
        added = 0
        for doc in docs:
            writer.add_document(**doc)
            added += 1
        return added

    def rewrite_documents(
        self,
        doc_ids: Sequence[int],
        keys: Sequence[str],
        read: Callable[[], Iterable[dict[str, Any]]],
        timeout: float | None = None,
    ) -> int:
        """Replace every entry of ``doc_ids`` (and drop ``keys``) by what ``read()`` yields; one commit.

        ``read`` runs while this process holds the write lock, so the last writer always writes
        the latest committed state.  Its entries are written as they come (a long document is
        never held whole).  Returns the number of entries written.
        """
        if not self.setup_complete:
            self.setup()
        self.commit_bulk()
        writer = self.open_writer(self.writable_index(), timeout=timeout)
        try:
            for key in keys:
                writer.delete_by_term(ID, key)
            for doc_id in doc_ids:
                writer.delete_by_term("doc_id", str(doc_id))
            written = self.write_documents(writer, read(), replace=False)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=merge_small_segments)
        return written

    def indexed_document_ids(self) -> set[int]:
        """The ids of the documents the index holds entries of (for the drift check)."""
        with self.searcher() as searcher:
            # The terms of the doc_id field, sorted and without the entries: one per document.
            # A term can outlive its deleted entries until a merge; stored_entries() then finds none.
            return {int(term) for term in searcher.reader().field_terms("doc_id") if term.isdigit()}

    def stored_entries(self, doc_ids: Iterable[int] | None = None) -> Iterator[dict[str, Any]]:
        """The stored fields of every entry, or of the entries of ``doc_ids`` (for the drift check).

        SearchUnavailable if the index is missing or unreadable.
        """
        with self.searcher() as searcher:
            if doc_ids is None:
                yield from searcher.reader().all_stored_fields()
                return
            terms = [Term("doc_id", str(doc_id)) for doc_id in doc_ids]
            if terms:
                for docnum in searcher.docs_for_query(Or(terms)):
                    yield searcher.stored_fields(docnum)

    def _can_fork(self) -> bool:
        # Forking a process that runs other threads (a web server, the index queue) can deadlock
        # the child on a lock held by a thread that does not exist there; a worker of haystack's
        # own ``update_index -k`` would never commit a session (its processes skip atexit).
        return (
            self.workers > 1
            and threading.active_count() == 1
            and hasattr(os, "fork")
            and multiprocessing.parent_process() is None
        )

    def start_bulk(self, clears: bool = False) -> None:
        """Open a bulk session now (sub-writers forked while this process is small).

        A session that ``clears`` replaces the whole index when it commits (a rebuild): it may
        replace an index of another format, and runs in one writing process where forking is
        unsafe.
        """
        if self._bulk is not None:
            return
        if self._can_fork():
            writer = self.open_parallel_writer(any_format=clears)
            writer.start_tasks()
        else:
            writer = self.open_writer(any_format=clears)
        if clears:
            self._bulk_replace = False  # every older entry goes with its segment at the commit
        else:
            with writer.searcher() as searcher:
                self._bulk_replace = searcher.doc_count_all() > 0
        self._bulk, self._bulk_clears, self._rebuild_failed = writer, clears, False
        _sessions.add(self)

    def _drop_bulk(self) -> None:
        writer, self._bulk = self._bulk, None
        _sessions.discard(self)
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.cancel()
        if self._bulk_clears:
            # The rest of this rebuild must not write into the old index as if it were the new one.
            self._rebuild_failed = True

    def commit_bulk(self, strict: bool = False) -> None:
        """Commit the bulk session, if one is open: its entries become visible to searches.

        A failed commit leaves the index as the session found it; ``strict`` raises then (the
        rebuild command's last step), otherwise it is logged (a reader gets the old index).
        """
        writer = self._bulk
        if writer is None:
            if strict and self._rebuild_failed:
                raise RebuildFailed(self.path)
            return
        try:
            if self._bulk_clears:
                writer.commit(mergetype=CLEAR, merge=False)
                write_format(self.path)
            else:
                writer.commit(merge=False)
        except Exception as exc:
            # A sub-writer died, or the directory was deleted or damaged under the session: what
            # it wrote is lost, the index stays as it was.
            log.exception("search index bulk load in %s could not be committed", self.path)
            self._drop_bulk()
            if strict:
                raise RebuildFailed(self.path) from exc
            return
        self._bulk = None
        _sessions.discard(self)

    def update(self, index: Any, iterable: Iterable[Any], commit: bool = True) -> None:
        """Index ``iterable`` (haystack's batches, or generate_corpus's).

        Many objects go to the bulk session (opened now if need be), committed later as one; a
        few are written and committed at once.  Objects are prepared :data:`CHUNK` at a time, so
        memory does not grow with haystack's batch.
        """
        if not self.setup_complete:
            self.setup()
        if self._rebuild_failed:
            raise RebuildFailed(self.path)
        size = len(iterable) if hasattr(iterable, "__len__") else PARALLEL_MIN
        if not size:
            return
        if self._bulk is None and size >= PARALLEL_MIN and self._can_fork():
            self.start_bulk()
        session = self._bulk is not None
        writer = self._bulk if session else self.open_writer()
        if session:
            replace = self._bulk_replace
        else:
            with writer.searcher() as searcher:  # into an empty index nothing needs replacing
                replace = searcher.doc_count_all() > 0
        try:
            for batch in chunked(iterable, CHUNK):
                self.write_documents(writer, self.prepare_documents(index, batch), replace=replace)
        except BaseException:
            if session:
                self._drop_bulk()
            else:
                writer.cancel()
            raise
        if not session:
            writer.commit(mergetype=merge_small_segments)

    def remove(self, obj_or_string: Any, commit: bool = True) -> None:
        from haystack.utils import get_identifier

        self.remove_ids([get_identifier(obj_or_string)])

    def remove_ids(self, ids: Iterable[str]) -> None:
        if not self.setup_complete:
            self.setup()
        self.commit_bulk()
        writer = self.open_writer()
        try:
            for key in ids:
                writer.delete_by_term(ID, key)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=merge_small_segments)

    def clear(self, models: Sequence[Any] | None = None, commit: bool = True) -> None:
        if models:
            return super().clear(models, commit)
        self.delete_index()

    def delete_index(self) -> None:
        """Start replacing the whole index: a session whose commit drops every older entry.

        A rebuild fills the index right after (``rebuild_index`` = clear + update): the session
        opens here, before the first batch is read from the database.  Until it commits, searches
        answer from the old entries; if it never commits, the old index stays (module docstring).
        ``clear_index`` alone commits the empty session when the command exits.
        """
        self.commit_bulk()
        try:
            self.writable_index().doc_count_all()
        except LockError:
            raise
        except Exception:
            # Unreadable index: the only way back is a fresh directory.
            log.warning("search index at %s is unreadable; recreating it", self.path, exc_info=True)
            shutil.rmtree(self.path, ignore_errors=True)
            with read_lock:
                read_indexes.pop(self.path, None)
            pool_for(self.path).clear()
        self.setup()
        self.start_bulk(clears=True)

    def optimize(self) -> None:
        self.commit_bulk()
        writer = self.open_writer()
        writer.commit(optimize=True)

    # -- haystack's own search path ------------------------------------------------------------

    def search(self, query_string: str, **kwargs: Any) -> Any:
        if not self.setup_complete:
            self.setup()
        self.commit_bulk()
        # Always the latest generation, even after the directory was replaced under us.
        self.index = self.reading_index()
        return super().search(query_string, **kwargs)

    def _process_results(self, raw_page: Any, highlight: bool = False, query_string: str = "", **kwargs: Any) -> Any:
        results = super()._process_results(raw_page, highlight=False, query_string=query_string, **kwargs)
        if highlight:
            from .highlight import highlight_html

            for result in results["results"]:
                text = getattr(result, self.content_field_name, None) or ""
                result.highlighted = {self.content_field_name: [highlight_html(text, query_string)]}
        return results


class RebuildFailed(RuntimeError):
    """A rebuild's session was abandoned or could not commit: the index is the one it started from."""

    def __init__(self, path: str) -> None:
        super().__init__(f"rebuilding the search index in {path} failed; the index is left as it was")


class JiebaWhooshEngine(BaseEngine):
    backend = JiebaWhooshSearchBackend
    query = WhooshSearchQuery
